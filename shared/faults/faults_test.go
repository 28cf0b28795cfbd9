package faults

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/blob/blobmem"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/kv/kvmem"
	"github.com/twentyworkers/twenty/shared/queue/queuemem"
	"github.com/twentyworkers/twenty/shared/rpc"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

// outcome is what one call met: "" (passed), or the Connect code of its error.
func outcome(err error) string {
	if err == nil {
		return ""
	}
	return connect.CodeOf(err).String()
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		rules  []Rule
		calls  []string // seam/target of each call
		want   []string
		remain int // rules left after the calls
	}{
		{"no rule passes", nil, []string{"d1/DB_0"}, []string{""}, 0},
		{"a seam's rule fails every target", []Rule{{Seam: D1, Fail: true}}, []string{"d1/DB_0", "d1/CONTROL", "kv/CACHE"}, []string{"unavailable", "unavailable", ""}, 1},
		{"a target's rule fails only it", []Rule{{Seam: D1, Target: "DB_0", Fail: true}}, []string{"d1/DB_0", "d1/CONTROL"}, []string{"unavailable", ""}, 1},
		{"the target's rule comes first", []Rule{{Seam: KV, Latency: time.Millisecond}, {Seam: KV, Target: "CACHE", Fail: true}}, []string{"kv/CACHE", "kv/OTHER"}, []string{"unavailable", ""}, 2},
		{"a count ends the rule", []Rule{{Seam: Queue, Fail: true, Count: 2}}, []string{"queue/Q", "queue/Q", "queue/Q"}, []string{"unavailable", "unavailable", ""}, 0},
		{"slow only delays", []Rule{{Seam: R2, Latency: time.Millisecond}}, []string{"r2/B"}, []string{""}, 1},
		{"a set replaces the rule of its seam and target", []Rule{{Seam: DO, Fail: true}, {Seam: DO, Latency: time.Millisecond}}, []string{"do/REALTIME"}, []string{""}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tab Table
			for _, r := range tt.rules {
				if err := tab.Set(r); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, c := range tt.calls {
				seam, target, _ := strings.Cut(c, "/")
				got = append(got, outcome(tab.Check(context.Background(), seam, target)))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
			if n := len(tab.Rules()); n != tt.remain {
				t.Errorf("%d rules left, want %d", n, tt.remain)
			}
		})
	}
}

func TestSetRefuses(t *testing.T) {
	for _, r := range []Rule{{Seam: "disk", Fail: true}, {Seam: D1}, {Seam: D1, Latency: -1}, {Seam: D1, Latency: time.Hour}, {Seam: D1, Fail: true, Count: -1}} {
		var tab Table
		if err := tab.Set(r); err == nil {
			t.Errorf("Set(%+v) = nil, want an error", r)
		}
	}
}

func TestSlowRespectsContext(t *testing.T) {
	var tab Table
	if err := tab.Set(Rule{Seam: D1, Latency: time.Minute}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := tab.Check(ctx, D1, "DB_0")
	if connect.CodeOf(err) != connect.CodeDeadlineExceeded || time.Since(start) > 5*time.Second {
		t.Fatalf("Check = %v after %v, want deadline exceeded at once", err, time.Since(start))
	}
}

func TestNilTable(t *testing.T) {
	var tab *Table
	if err := tab.Check(context.Background(), D1, ""); err != nil {
		t.Fatal(err)
	}
}

func TestFailureIsInjectedError(t *testing.T) {
	var tab Table
	_ = tab.Set(Rule{Seam: KV, Target: "CACHE", Fail: true})
	err := tab.Check(context.Background(), KV, "CACHE")
	fe, ok := errors.AsType[*Error](err)
	if !ok || fe.Seam != KV || fe.Target != "CACHE" {
		t.Fatalf("Check = %v, want an *Error for kv CACHE", err)
	}
}

// TestDecorators runs each decorated seam with the fault on (it fails and touches nothing) and
// off (it works as the real one).
func TestDecorators(t *testing.T) {
	ctx := context.Background()
	db := sqltest.OpenEmpty(t)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)`); err != nil {
		t.Fatal(err)
	}
	kvs, blobs, q := kvmem.New(), blobmem.New(), queuemem.New()
	var tab Table
	fdb := DB(db, &tab, "DB_0")
	fkv, fblob, fq := KVStore(kvs, &tab, "CACHE"), BlobStore(blobs, &tab, "FILES"), Producer(q, &tab, "JOBS")
	served := 0
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served++ }))
	defer backend.Close()
	client := HTTPClient(backend.Client(), &tab, Binding, "records")
	get := func(dev bool) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, backend.URL, nil)
		if dev {
			req.Header.Set(rpc.DevHeader, "1")
		}
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
		}
		return err
	}
	calls := []struct {
		seam, target string
		call         func() error
	}{
		{D1, "DB_0", func() error {
			_, err := fdb.Batch(ctx, d1.Stmt{SQL: `INSERT INTO t (name) VALUES (?)`, Args: []any{"a"}}, d1.Stmt{SQL: `INSERT INTO t (name) VALUES (?)`, Args: []any{"b"}})
			return err
		}},
		{D1, "DB_0", func() error {
			_, err := fdb.ExecContext(ctx, `INSERT INTO t (name) VALUES (?)`, "c")
			return err
		}},
		{D1, "DB_0", func() error {
			var n int
			return fdb.QueryRowContext(ctx, `SELECT count(*) FROM t WHERE name <> ?`, "z").Scan(&n)
		}},
		{KV, "CACHE", func() error { return fkv.Put(ctx, "k", []byte("v"), 0) }},
		{KV, "CACHE", func() error { _, err := fkv.Get(ctx, "k"); return err }},
		{KV, "CACHE", func() error { return fkv.Delete(ctx, "k") }},
		{R2, "FILES", func() error { return fblob.Put(ctx, "o", []byte("body"), "text/plain") }},
		{R2, "FILES", func() error { _, err := fblob.Get(ctx, "o"); return err }},
		{R2, "FILES", func() error { return fblob.Delete(ctx, "o") }},
		{Queue, "JOBS", func() error { return fq.Send(ctx, []byte("job")) }},
		{Binding, "records", func() error { return get(false) }},
	}
	for _, c := range calls {
		if err := tab.Set(Rule{Seam: c.seam, Target: c.target, Fail: true}); err != nil {
			t.Fatal(err)
		}
		if err := c.call(); connect.CodeOf(err) != connect.CodeUnavailable {
			t.Errorf("%s %s under a fault: %v, want unavailable", c.seam, c.target, err)
		}
		tab.Clear()
	}
	// Nothing reached the real seams under the faults.
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 0 {
		t.Errorf("rows after the faults: %d (%v), want 0", n, err)
	}
	if len(q.Sent()) != 0 || served != 0 {
		t.Errorf("sent %d jobs and served %d requests under faults, want none", len(q.Sent()), served)
	}
	// A dev route passes a binding fault.
	_ = tab.Set(Rule{Seam: Binding, Fail: true})
	if err := get(true); err != nil || served != 1 {
		t.Errorf("dev request under a binding fault: %v, served %d", err, served)
	}
	tab.Clear()
	// With the faults cleared, every call works (in the order above: writes before reads).
	for _, c := range calls {
		if err := c.call(); err != nil {
			t.Errorf("%s %s with no fault: %v", c.seam, c.target, err)
		}
	}
	var names []string
	rows, err := fdb.QueryContext(ctx, `SELECT name FROM t ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		names = append(names, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, names); diff != "" {
		t.Errorf("rows through the decorator (-want +got):\n%s", diff)
	}
}

func TestRoutes(t *testing.T) {
	var tab Table
	mux := http.NewServeMux()
	Routes(mux, &tab)
	do := func(method, body string) (int, string) {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(method, "/__dev/faults", strings.NewReader(body)))
		return rec.Code, strings.TrimSpace(rec.Body.String())
	}
	steps := []struct {
		method, body string
		status       int
		want         string
	}{
		{"POST", `{"seam":"d1","target":"DB_0","fail":true,"count":1}`, 200, `[{"seam":"d1","target":"DB_0","fail":true,"count":1,"hits":0}]`},
		{"POST", `{"seam":"kv","latencyMs":250}`, 200, `[{"seam":"d1","target":"DB_0","fail":true,"count":1,"hits":0},{"seam":"kv","hits":0,"latencyMs":250}]`},
		{"POST", `{"seam":"tape","fail":true}`, 400, ""},
		{"POST", `not json`, 400, ""},
		{"DELETE", "", 200, `[]`},
		{"GET", "", 200, `[]`},
	}
	for _, s := range steps {
		status, body := do(s.method, s.body)
		if status != s.status || (s.want != "" && body != s.want) {
			t.Errorf("%s %s = %d %s, want %d %s", s.method, s.body, status, body, s.status, s.want)
		}
	}
}
