package devstack

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Environment variables of the helper process (see TestHelperProcess).
const (
	helperModeEnv = "DEVSTACK_HELPER_MODE"
	helperTagEnv  = "DEVSTACK_HELPER_TAG"
	// stackTagEnv is set in every process of a test stack, so that the tests
	// can find all of them in /proc, even ones that left the process group.
	stackTagEnv = "DEVSTACK_STACK_TAG"
	readyPrefix = "DEVSTACK-HELPER READY "
)

// requireToolchain returns the repository root, or skips the test when the
// repo's node_modules (wrangler, workerd, node 22) is not installed.
func requireToolchain(t *testing.T) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Skipf("devstack: skipping wrangler test: %v", err)
	}
	wrangler := filepath.Join(root, "node_modules", ".bin", "wrangler")
	if _, err := os.Stat(wrangler); err != nil {
		t.Skipf("devstack: skipping wrangler test: %s not found; run `npm ci` in %s to enable it", wrangler, root)
	}
	return root
}

// writeWorkers writes two throwaway JS Workers into dir and returns their
// config paths: a primary with a D1 binding (plus one migration), a --var and
// a service binding, and the "echo" Worker it is bound to.
func writeWorkers(t *testing.T, dir string) (primary, echo string) {
	t.Helper()
	files := map[string]string{
		"primary/wrangler.jsonc": `{
  // Throwaway Worker for devstack tests.
  "name": "devstack-test-primary",
  "main": "index.mjs",
  "compatibility_date": "2026-11-01",
  "d1_databases": [{
    "binding": "CONTROL",
    "database_name": "control",
    "database_id": "00000000-0000-0000-0000-00000000d5d5",
    "migrations_dir": "migrations"
  }],
  "services": [{"binding": "ECHO", "service": "devstack-test-echo"}]
}
`,
		"primary/migrations/0001_init.sql": `CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO items (id, name) VALUES (1, 'alpha'), (2, 'beta');
`,
		"primary/index.mjs": `export default {
  async fetch(req, env) {
    const url = new URL(req.url);
    switch (url.pathname) {
      case "/healthz":
        return new Response("ok");
      case "/items": {
        const { results } = await env.CONTROL.prepare("SELECT id, name FROM items ORDER BY id").all();
        return Response.json(results);
      }
      case "/var":
        return new Response(env.GREETING ?? "(unset)");
      case "/hop":
        return env.ECHO.fetch("http://echo.internal/x");
    }
    return new Response("not found", { status: 404 });
  },
};
`,
		"echo/wrangler.jsonc": `{"name": "devstack-test-echo", "main": "index.mjs", "compatibility_date": "2026-11-01"}
`,
		"echo/index.mjs": `export default {
  async fetch(req) {
    return new Response("echo " + new URL(req.url).pathname);
  },
};
`,
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "primary", "wrangler.jsonc"), filepath.Join(dir, "echo", "wrangler.jsonc")
}

// logWriter forwards wrangler output to t.Log in verbose mode.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

// taggedProcesses lists the live processes whose environment contains
// stackTagEnv=tag, as "pid cmdline" strings.
func taggedProcesses(t *testing.T, tag string) []string {
	t.Helper()
	want := []byte(stackTagEnv + "=" + tag + "\x00")
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, d := range dirs {
		env, err := os.ReadFile(filepath.Join(d, "environ"))
		if err != nil || !bytes.Contains(env, want) {
			continue
		}
		stat, _ := os.ReadFile(filepath.Join(d, "stat"))
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && bytes.HasPrefix(bytes.TrimSpace(stat[i+1:]), []byte("Z")) {
			continue // Zombie, waiting for init to reap it.
		}
		cmd, _ := os.ReadFile(filepath.Join(d, "cmdline"))
		line := strings.Join(strings.Fields(strings.ReplaceAll(string(cmd), "\x00", " ")), " ")
		if len(line) > 120 {
			line = line[:120] + "…"
		}
		found = append(found, filepath.Base(d)+" "+line)
	}
	return found
}

// waitNoTagged waits up to d for all tagged processes to vanish and returns
// the ones still alive.
func waitNoTagged(t *testing.T, tag string, d time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		left := taggedProcesses(t, tag)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// killTagged SIGKILLs the processes listed by taggedProcesses, so that a
// failing cleanup test does not leave a stack behind.
func killTagged(t *testing.T, procs []string) {
	t.Helper()
	for _, p := range procs {
		pidStr, _, _ := strings.Cut(p, " ")
		if pid, err := strconv.Atoi(pidStr); err == nil {
			_ = syscall.Kill(pid, syscall.SIGKILL) // best effort: it may be gone already
		}
	}
}

func requireLinux(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("devstack: process checks need /proc (Linux)")
	}
}

func TestStartStop(t *testing.T) {
	root := requireToolchain(t)
	primary, echo := writeWorkers(t, t.TempDir())
	tag := strconv.FormatInt(time.Now().UnixNano(), 36)
	o := Options{
		Root:           root,
		Configs:        []string{primary, echo},
		MigrateConfig:  primary,
		MigrateBinding: "CONTROL",
		Vars:           map[string]string{"GREETING": "hello devstack"},
		Env:            map[string]string{stackTagEnv: tag},
		ReadyPath:      "/healthz",
	}
	if testing.Verbose() {
		o.Log = logWriter{t}
	}
	s, err := Start(t.Context(), o)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Stop() })
	t.Logf("migrations %.2fs; wrangler dev ready after %.2fs, first 200 after %.2fs (%s)",
		s.MigrateTime.Seconds(), s.ReadyTime.Seconds(), s.FirstOKTime.Seconds(), s.BaseURL)

	tests := []struct {
		path, want string
	}{
		{"/healthz", "ok"},
		{"/items", `[{"id":1,"name":"alpha"},{"id":2,"name":"beta"}]`},
		{"/var", "hello devstack"},
		{"/hop", "echo /x"},
	}
	for _, tc := range tests {
		code, body := get(t, s.BaseURL+tc.path)
		if code != http.StatusOK || body != tc.want {
			t.Errorf("GET %s = %d %q, want 200 %q\noutput:\n%s", tc.path, code, body, tc.want, s.Output())
		}
	}
	if out := s.Output(); !strings.Contains(out, "Ready on") || !strings.Contains(out, "0001_init.sql") {
		t.Errorf("Output() lacks the migration or the Ready line:\n%s", out)
	}

	if runtime.GOOS == "linux" {
		procs := taggedProcesses(t, tag)
		t.Logf("stack processes:\n  %s", strings.Join(procs, "\n  "))
		// bash, the wrangler shim, wrangler, esbuild and two workerd.
		if len(procs) < 4 {
			t.Errorf("found only %d tagged processes; the check would prove nothing", len(procs))
		}
	}

	pgid, tmp := s.PGID(), s.tmpDir
	begin := time.Now()
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	t.Logf("Stop took %v", time.Since(begin).Round(time.Millisecond))
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if groupAlive(pgid) {
		t.Errorf("process group %d still alive after Stop", pgid)
	}
	if runtime.GOOS == "linux" {
		if left := taggedProcesses(t, tag); len(left) > 0 {
			killTagged(t, left)
			t.Errorf("processes left after Stop:\n%s", strings.Join(left, "\n"))
		}
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temp dir %s still exists after Stop (err %v)", tmp, err)
	}
	if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.Port), time.Second); err == nil {
		c.Close()
		t.Errorf("port %d still accepts connections after Stop", s.Port)
	}
}

func TestStartFailureLeavesNothing(t *testing.T) {
	requireLinux(t)
	root := requireToolchain(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "wrangler.jsonc")
	if err := os.WriteFile(cfg, []byte(`{"name":"devstack-test-broken","main":"missing.mjs","compatibility_date":"2026-11-01"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tag := strconv.FormatInt(time.Now().UnixNano(), 36)
	_, err := Start(t.Context(), Options{
		Root:      root,
		Configs:   []string{cfg},
		Env:       map[string]string{stackTagEnv: tag},
		ReadyPath: "/healthz",
		Timeout:   60 * time.Second,
	})
	if err == nil {
		t.Fatal("Start succeeded with a missing entry point")
	}
	if !strings.Contains(err.Error(), "exited before ready") || !strings.Contains(err.Error(), "missing.mjs") {
		t.Errorf("error lacks the cause or the output tail: %v", err)
	}
	if left := taggedProcesses(t, tag); len(left) > 0 {
		killTagged(t, left)
		t.Errorf("processes left after a failed Start:\n%s", strings.Join(left, "\n"))
	}
}

func TestStartWithoutToolchain(t *testing.T) {
	_, err := Start(t.Context(), Options{Root: t.TempDir(), Configs: []string{"wrangler.jsonc"}})
	if !errors.Is(err, ErrNoToolchain) {
		t.Errorf("Start without node_modules = %v, want ErrNoToolchain", err)
	}
}

// TestCleanupWhenProcessDies runs TestHelperProcess in a child test binary,
// lets it start a stack, kills it without any deferred cleanup (a test panic
// under Main, or SIGKILL), and checks that no stack process survives.
func TestCleanupWhenProcessDies(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two more stacks")
	}
	requireLinux(t)
	requireToolchain(t)
	for _, mode := range []string{"panic", "sigkill"} {
		t.Run(mode, func(t *testing.T) {
			tag := mode + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1", "-test.v")
			// The helper dies without cleaning up: keep its temp dirs in ours.
			tmp := t.TempDir()
			cmd.Env = append(os.Environ(), helperModeEnv+"="+mode, helperTagEnv+"="+tag, "TMPDIR="+tmp)
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			lines := make(chan string, 100)
			var childOut bytes.Buffer
			go func() {
				sc := bufio.NewScanner(stdout)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
				exited <- cmd.Wait()
			}()
			t.Cleanup(func() {
				_ = cmd.Process.Kill() // best effort: it may have exited already
				killTagged(t, waitNoTagged(t, tag, 15*time.Second))
			})

			var pgid int
			timeout := time.After(120 * time.Second)
		wait:
			for {
				select {
				case l, ok := <-lines:
					if !ok {
						t.Fatalf("helper exited before the stack was ready:\n%s\n%s", childOut.String(), stderr.String())
					}
					childOut.WriteString(l + "\n")
					if rest, ok := strings.CutPrefix(l, readyPrefix); ok {
						if pgid, err = strconv.Atoi(rest); err != nil {
							t.Fatalf("bad ready line %q", l)
						}
						break wait
					}
				case <-timeout:
					t.Fatalf("helper not ready after 120s:\n%s\n%s", childOut.String(), stderr.String())
				}
			}
			before := taggedProcesses(t, tag)
			t.Logf("helper stack (pgid %d) before the %s:\n  %s", pgid, mode, strings.Join(before, "\n  "))
			if len(before) < 4 {
				t.Fatalf("found only %d tagged processes; the check would prove nothing", len(before))
			}

			begin := time.Now()
			switch mode {
			case "panic":
				if _, err := io.WriteString(stdin, "go\n"); err != nil {
					t.Fatalf("telling the helper to panic: %v", err)
				}
			case "sigkill":
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatalf("killing the helper: %v", err)
				}
			}
			drained := make(chan struct{})
			go func() {
				defer close(drained)
				for l := range lines {
					childOut.WriteString(l + "\n")
				}
			}()
			select {
			case err := <-exited:
				t.Logf("helper exited: %v", err)
			case <-time.After(30 * time.Second):
				t.Fatal("helper did not exit")
			}
			<-drained
			left := waitNoTagged(t, tag, 45*time.Second) // generous: make test runs every module's tests at once
			if len(left) > 0 {
				t.Fatalf("processes left after the helper died:\n%s", strings.Join(left, "\n"))
			}
			t.Logf("all stack processes gone %v after the %s", time.Since(begin).Round(time.Millisecond), mode)
			if groupAlive(pgid) {
				t.Errorf("process group %d still alive", pgid)
			}
			if mode == "panic" && !strings.Contains(stderr.String()+childOut.String(), "deliberate panic") {
				t.Errorf("helper did not panic as planned:\n%s\n%s", childOut.String(), stderr.String())
			}
		})
	}
}

// panickingRunner stands in for *testing.M: like a test that panics, it
// panics on another goroutine, so no deferred function of Main runs.
type panickingRunner struct{ stack **Stack }

func (r panickingRunner) Run() int {
	fmt.Printf("%s%d\n", readyPrefix, (*r.stack).PGID())
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // a line or EOF: either is the signal
	go func() { panic("devstack: deliberate panic") }()
	select {}
}

// TestHelperProcess is the child of TestCleanupWhenProcessDies; it skips
// unless started by it.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperModeEnv)
	if mode == "" {
		t.Skip("helper for TestCleanupWhenProcessDies")
	}
	primary, echo := writeWorkers(t, t.TempDir())
	o := Options{
		Configs:   []string{primary, echo},
		Env:       map[string]string{stackTagEnv: os.Getenv(helperTagEnv)},
		ReadyPath: "/healthz",
	}
	switch mode {
	case "panic":
		var s *Stack
		Main(panickingRunner{&s}, o, func(st *Stack) { s = st })
		t.Fatal("Main returned")
	case "sigkill":
		s, err := Start(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%s%d\n", readyPrefix, s.PGID())
		time.Sleep(2 * time.Minute) // The parent kills us.
	}
}

func TestOutputTail(t *testing.T) {
	o := newOutput(nil, 3)
	ready := o.watch("Ready on")
	if got := o.tail(10); got != "" {
		t.Errorf("empty tail = %q", got)
	}
	o.copyFrom(strings.NewReader("a\r\nb\nReady on http://x\n\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m c\nd"))
	select {
	case <-ready:
	default:
		t.Error("watcher not notified")
	}
	if diff := cmp.Diff("Ready on http://x\n✘ [ERROR] c\nd\n", o.tail(10)); diff != "" {
		t.Errorf("tail(10) mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("d\n", o.tail(1)); diff != "" {
		t.Errorf("tail(1) mismatch (-want +got):\n%s", diff)
	}
}

func TestBuildEnv(t *testing.T) {
	t.Setenv("CI", "false")
	t.Setenv("FORCE_COLOR", "1")
	env := buildEnv("/repo", "/tmp/reg", map[string]string{"NO_COLOR": "0", "EXTRA": "x"})
	got := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if _, dup := got[k]; dup {
			t.Errorf("duplicate %s", k)
		}
		got[k] = v
	}
	want := map[string]string{
		"CI":                          "true",
		"NO_COLOR":                    "0",
		"EXTRA":                       "x",
		"WRANGLER_SEND_METRICS":       "false",
		"CLOUDFLARE_CF_FETCH_ENABLED": "false",
		"WRANGLER_REGISTRY_PATH":      "/tmp/reg",
		"X_LOCAL_OBSERVABILITY":       "false",
		"X_LOCAL_EXPLORER":            "false",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if _, ok := got["FORCE_COLOR"]; ok {
		t.Error("FORCE_COLOR not removed")
	}
	if !strings.HasPrefix(got["PATH"], "/repo/node_modules/.bin:") {
		t.Errorf("PATH = %q, want node_modules/.bin first", got["PATH"])
	}
}

func TestRepoRoot(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "infra", "devstack")); err != nil {
		t.Errorf("RepoRoot() = %s, which has no infra/devstack: %v", root, err)
	}
}

// fakeRoot returns a repository root whose node_modules/.bin/wrangler is the
// given bash script, to test the process handling without node.
func fakeRoot(t *testing.T, script string) string {
	t.Helper()
	root := t.TempDir()
	bin := filepath.Join(root, "node_modules", ".bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "wrangler"), []byte("#!/usr/bin/env bash\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestFakeWranglerArgs(t *testing.T) {
	root := fakeRoot(t, `
if [ "$1" = d1 ]; then echo "migrate: $* CI=$CI"; exit 0; fi
echo "dev: $* NO_COLOR=$NO_COLOR"
echo "Ready on http://127.0.0.1:1"
exec sleep 300
`)
	s, err := Start(t.Context(), Options{
		Root:           root,
		Configs:        []string{"a/wrangler.jsonc", "b/wrangler.jsonc"},
		MigrateConfig:  "b/wrangler.jsonc",
		MigrateBinding: "CONTROL",
		Vars:           map[string]string{"B": "2", "A": "x:y"},
		Args:           []string{"--test-scheduled"},
		Timeout:        10 * time.Second,
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer s.Stop()
	want := fmt.Sprintf("migrate: d1 migrations apply CONTROL --local --persist-to %s -c b/wrangler.jsonc CI=true\n"+
		"dev: dev -c a/wrangler.jsonc -c b/wrangler.jsonc --ip 127.0.0.1 --port %d --inspector-port %d --persist-to %s "+
		"--show-interactive-dev-session=false --log-level info --var A:x:y --var B:2 --test-scheduled NO_COLOR=1\n"+
		"Ready on http://127.0.0.1:1\n", s.PersistDir, s.Port, s.InspectorPort, s.PersistDir)
	if diff := cmp.Diff(want, s.Output()); diff != "" {
		t.Errorf("wrangler invocations (-want +got):\n%s", diff)
	}
	if s.Port == s.InspectorPort || s.Port == 0 {
		t.Errorf("ports %d and %d", s.Port, s.InspectorPort)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
}

func TestFakeWranglerMigrationFails(t *testing.T) {
	root := fakeRoot(t, `echo "no such binding"; exit 3`)
	_, err := Start(t.Context(), Options{
		Root: root, Configs: []string{"a.jsonc"}, MigrateConfig: "a.jsonc", MigrateBinding: "X", Timeout: 10 * time.Second,
	})
	if err == nil || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "no such binding") {
		t.Errorf("Start = %v, want the exit status and the output", err)
	}
	var se *StartError
	var exit *exec.ExitError
	if !errors.As(err, &se) || se.Output != "no such binding\n" || !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Errorf("Start = %#v, want a *StartError wrapping exit status 3 with the output", err)
	}
}

func TestFakeWranglerTimeout(t *testing.T) {
	tag := strconv.FormatInt(time.Now().UnixNano(), 36)
	root := fakeRoot(t, `echo "bundling forever"; exec sleep 300`)
	begin := time.Now()
	_, err := Start(t.Context(), Options{
		Root: root, Configs: []string{"a.jsonc"}, Env: map[string]string{stackTagEnv: tag}, Timeout: time.Second,
	})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "bundling forever") {
		t.Errorf("Start = %v, want a deadline error with the output", err)
	}
	if d := time.Since(begin); d > 5*time.Second {
		t.Errorf("Start took %v with a 1s timeout", d)
	}
	if runtime.GOOS == "linux" {
		if left := taggedProcesses(t, tag); len(left) > 0 {
			killTagged(t, left)
			t.Errorf("processes left after a timed-out Start:\n%s", strings.Join(left, "\n"))
		}
	}
}

func TestFakeWranglerReadyPathNeverOK(t *testing.T) {
	root := fakeRoot(t, `echo "Ready on http://127.0.0.1:1"; exec sleep 300`)
	_, err := Start(t.Context(), Options{Root: root, Configs: []string{"a.jsonc"}, ReadyPath: "healthz", Timeout: time.Second})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "/healthz never answered 200") {
		t.Errorf("Start = %v, want a deadline error naming /healthz", err)
	}
}

// TestFakeWranglerIgnoresTERM checks the SIGKILL escalation: the fake (and
// its children) ignore SIGTERM.
func TestFakeWranglerIgnoresTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 5s SIGTERM grace period")
	}
	tag := strconv.FormatInt(time.Now().UnixNano(), 36)
	root := fakeRoot(t, `trap '' TERM; echo "Ready on http://127.0.0.1:1"; sleep 300 & sleep 300`)
	s, err := Start(t.Context(), Options{
		Root: root, Configs: []string{"a.jsonc"}, Env: map[string]string{stackTagEnv: tag}, Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	pgid := s.PGID()
	begin := time.Now()
	if err := s.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	if d := time.Since(begin); d < termGrace || d > termGrace+3*time.Second {
		t.Errorf("Stop took %v, want about %v (SIGTERM grace, then SIGKILL)", d, termGrace)
	}
	if groupAlive(pgid) {
		t.Errorf("process group %d alive after Stop", pgid)
	}
	if runtime.GOOS == "linux" {
		if left := taggedProcesses(t, tag); len(left) > 0 {
			killTagged(t, left)
			t.Errorf("processes left after Stop:\n%s", strings.Join(left, "\n"))
		}
	}
}

// fakeRunner stands in for *testing.M.
type fakeRunner struct{ ran bool }

func (r *fakeRunner) Run() int { r.ran = true; return 0 }

func TestMainWithoutToolchain(t *testing.T) {
	var r fakeRunner
	called := false
	code := Main(&r, Options{Root: t.TempDir(), Configs: []string{"a.jsonc"}}, func(s *Stack) {
		called = true
		if s != nil {
			t.Errorf("set(%v), want nil", s)
		}
	})
	if code != 0 || !r.ran || !called {
		t.Errorf("Main = %d, ran %v, set called %v; want 0, true, true", code, r.ran, called)
	}
}

func TestMainStartsAndStops(t *testing.T) {
	tag := strconv.FormatInt(time.Now().UnixNano(), 36)
	root := fakeRoot(t, `echo "Ready on http://127.0.0.1:1"; exec sleep 300`)
	var got *Stack
	r := runnerFunc(func() int {
		if got == nil || !groupAlive(got.PGID()) {
			t.Error("stack not running during Run")
		}
		return 7
	})
	code := Main(r, Options{Root: root, Configs: []string{"a.jsonc"}, Env: map[string]string{stackTagEnv: tag}}, func(s *Stack) { got = s })
	if code != 7 {
		t.Errorf("Main = %d, want the Run result 7", code)
	}
	if got == nil || groupAlive(got.PGID()) {
		t.Errorf("stack still running after Main")
	}
}

type runnerFunc func() int

func (f runnerFunc) Run() int { return f() }
