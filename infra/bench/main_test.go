package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeServer mimics the dev routes of the gateway.
type fakeServer struct {
	served atomic.Int64
	mu     sync.Mutex
	auth   map[string]int // Authorization header -> count
	bodies map[string]int // "METHOD body" on /echo -> count
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Like the real gateway, /__dev/baseline is answered before Go and not counted.
	var n int64
	if r.URL.Path != "/__dev/baseline" {
		n = f.served.Add(1)
	}
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.auth[r.Header.Get("Authorization")+" x-test="+r.Header.Get("X-Test")]++
	if r.URL.Path == "/echo" {
		f.bodies[r.Method+" "+string(b)]++
	}
	f.mu.Unlock()
	switch r.URL.Path {
	case "/healthz", "/__dev/baseline", "/__dev/direct", "/__dev/hop", "/echo":
		fmt.Fprint(w, "ok")
	case "/moved":
		http.Redirect(w, r, "/healthz", http.StatusFound)
	case "/flaky":
		if n%2 == 0 {
			http.Error(w, "boom", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "ok")
	case "/__dev/instance":
		fmt.Fprintf(w, `{"instanceId":"inst-1","requestsServed":%d}`, n)
	default:
		http.NotFound(w, r)
	}
}

func newFake(t *testing.T) (*fakeServer, string) {
	f := &fakeServer{auth: map[string]int{}, bodies: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func TestRunDefaultPaths(t *testing.T) {
	f, url := newFake(t)
	var out bytes.Buffer
	err := run(t.Context(), []string{"-base", url + "/", "-n", "20", "-warmup", "3", "-c", "4",
		"-token", "tok", "-header", "X-Test: 1"}, &out, io.Discard)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	t.Logf("output:\n%s", got)

	for _, re := range []string{
		`(?m)^base: ` + regexp.QuoteMeta(url) + `$`,
		`(?m)^path +n +errors +p50 ms +p90 ms +p99 ms +mean ms +req/s$`,
		`(?m)^/healthz +20 +0 +\d+\.\d{3} +\d+\.\d{3} +\d+\.\d{3} +\d+\.\d{3} +\d+\.\d$`,
		`(?m)^/__dev/hop +20 +0 `,
		`(?m)^  healthz/baseline p50 ratio = \d+\.\d\d \(budget <= 1\.50\) (ok|OVER BUDGET)$`,
		`(?m)^  direct/baseline p50 ratio = \d+\.\d\d$`,
		`(?m)^  connect hop adds = -?\d+\.\d{3} ms p50 \(budget <= 4 ms\) (ok|OVER BUDGET)$`,
		`(?m)^  same instance: yes$`,
		// 3 paths in Go x (3 warm-up + 20) = 69, plus the second read.
		`(?m)^  counted 70 requests between the reads, sent 69 to Go \(warm-up included; /__dev/baseline is answered in JS\): matches, \+1 for the second read$`,
	} {
		if !regexp.MustCompile(re).MatchString(got) {
			t.Errorf("output does not match %s", re)
		}
	}
	if strings.Contains(got, "wasm sizes") {
		t.Error("sizes printed although -base was set")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	want := map[string]int{"Bearer tok x-test=1": 94} // 92 + two instance reads
	if diff := cmp.Diff(want, f.auth); diff != "" {
		t.Errorf("headers seen by the server (-want +got):\n%s", diff)
	}
}

func TestRunErrorsAndBody(t *testing.T) {
	f, url := newFake(t)
	bodyFile := filepath.Join(t.TempDir(), "body.json")
	if err := os.WriteFile(bodyFile, []byte(`{"q":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run(t.Context(), []string{"-base", url, "-n", "10", "-warmup", "0", "-method", "post",
		"-body", "@" + bodyFile, "echo", "/moved", "/missing", "/flaky"}, &out, io.Discard)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	t.Logf("output:\n%s", got)
	for _, re := range []string{
		`(?m)^load: POST, n=10 per path, c=1, warmup=0 per path`,
		`(?m)^/echo +10 +0 `,
		`(?m)^/moved +10 +0 `, // 3xx is a success, not followed.
		`(?m)^/missing +10 +10 +- +- +- +- +\d+\.\d$`,
		`(?m)^/flaky +10 +5 `,
		`(?m)^  /missing statuses: 404=10$`,
		`(?m)^  /flaky statuses: 503=5$`,
	} {
		if !regexp.MustCompile(re).MatchString(got) {
			t.Errorf("output does not match %s", re)
		}
	}
	if strings.Contains(got, "ratios") {
		t.Error("ratios printed although no budgeted pair ran")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if diff := cmp.Diff(map[string]int{`POST {"q":1}`: 10}, f.bodies); diff != "" {
		t.Errorf("bodies seen by /echo (-want +got):\n%s", diff)
	}
}

func TestRunTransportErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // Nothing listens any more.
	var out bytes.Buffer
	if err := run(t.Context(), []string{"-base", url, "-n", "3", "-warmup", "0", "/x"}, &out, io.Discard); err != nil {
		t.Fatalf("run: %v", err)
	}
	got := out.String()
	for _, re := range []string{
		`(?m)^/x +3 +3 +- `,
		`(?m)^  /x statuses: transport=3$`,
		`(?m)^  /x first transport error: .*connect`,
		`(?m)^instance: /__dev/instance not available \(`,
	} {
		if !regexp.MustCompile(re).MatchString(got) {
			t.Errorf("output does not match %s\n%s", re, got)
		}
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantSizes bool
		wantPaths []string
	}{
		{"local stack measures sizes", nil, true, defaultPaths},
		{"remote skips sizes", []string{"-base", "http://x"}, false, defaultPaths},
		{"explicit -sizes wins", []string{"-base", "http://x", "-sizes"}, true, defaultPaths},
		{"explicit -sizes=false wins", []string{"-sizes=false"}, false, defaultPaths},
		{"paths get a slash", []string{"-base", "http://x", "a", "/b"}, false, []string{"/a", "/b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parseFlags(tc.args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.sizes != tc.wantSizes {
				t.Errorf("sizes = %v, want %v", cfg.sizes, tc.wantSizes)
			}
			if diff := cmp.Diff(tc.wantPaths, cfg.paths); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range [][]string{{"-n", "0"}, {"-c", "0"}, {"-warmup", "-1"}} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) succeeded", bad)
		}
	}
}

func TestPrintSizes(t *testing.T) {
	root := t.TempDir()
	content := map[string][]byte{
		"auth":    bytes.Repeat([]byte("a"), 100_000),
		"gateway": bytes.Repeat([]byte("0123456789abcdef"), 100_000),
	}
	want := map[string][2]int64{}
	for svc, b := range content {
		dir := filepath.Join(root, "services", svc, "build")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "app.wasm"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		var gz bytes.Buffer
		zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := zw.Write(b); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		want[svc] = [2]int64{int64(len(b)), int64(gz.Len())}
	}
	sizes, err := measureWasm(root)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int64{}
	for _, s := range sizes {
		got[s.service] = [2]int64{s.raw, s.gzip}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("measureWasm (-want +got):\n%s", diff)
	}
	var out bytes.Buffer
	if err := printSizes(&out, root); err != nil {
		t.Fatal(err)
	}
	t.Logf("output:\n%s", out.String())
	if !regexp.MustCompile(`(?m)^ +total +1,700,000 +1\.62 `).MatchString(out.String()) {
		t.Errorf("no total row:\n%s", out.String())
	}
}

func TestGroup(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 15350460: "15,350,460"} {
		if got := group(in); got != want {
			t.Errorf("group(%d) = %q, want %q", in, got, want)
		}
	}
}
