// Package devstack starts and stops the local Workers stack (one
// `wrangler dev` process running several Worker configs) for end-to-end tests
// and benchmarks.
//
// The stack runs in its own process group under a small bash wrapper, so that
// wrangler, both workerd processes and esbuild die together: on Stop, when
// the calling process exits, and when it dies without running defers (a
// panicking test, SIGKILL). See workers-feasibility.md §8.
//
// Typical use in TestMain:
//
//	var stack *devstack.Stack
//
//	func TestMain(m *testing.M) {
//		os.Exit(devstack.Main(m, devstack.Options{
//			Configs:   []string{"services/gateway/wrangler.jsonc", "services/auth/wrangler.jsonc"},
//			ReadyPath: "/healthz",
//		}, func(s *devstack.Stack) { stack = s }))
//	}
//
//	func TestSomething(t *testing.T) {
//		if stack == nil {
//			t.Skip("devstack: toolchain not installed")
//		}
//		// ... use stack.BaseURL
//	}
package devstack

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrNoToolchain is returned (wrapped) by Start when Root has no
// node_modules/.bin/wrangler or bash is not installed. Tests use it to skip.
var ErrNoToolchain = errors.New("toolchain not installed")

// StartError is returned by Start when the stack does not come up. Error
// includes the tail of wrangler's output.
type StartError struct {
	// Msg says which step failed.
	Msg string
	// Output holds the last lines of wrangler output.
	Output string
	// Err is the cause (an exit status, context.DeadlineExceeded, ...).
	Err error
}

func (e *StartError) Error() string {
	msg := "devstack: " + e.Msg
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if e.Output != "" {
		msg += "\n--- wrangler output (last lines) ---\n" + e.Output
	}
	return msg
}

func (e *StartError) Unwrap() error { return e.Err }

const (
	defaultTimeout = 90 * time.Second
	// termGrace is how long Stop waits after SIGTERM before sending SIGKILL.
	termGrace = 5 * time.Second
	// killGrace is how long Stop waits after SIGKILL for the group to vanish.
	killGrace = 5 * time.Second
	// outputLines is how many lines of wrangler output Output keeps.
	outputLines = 500
	// tailLines is how many lines of output error messages include.
	tailLines   = 60
	readyMarker = "Ready on "
)

// wrapperScript runs "$0" "$@" as a background job in the wrapper's own
// process group. On SIGTERM (from Stop, or as the parent-death signal) and on
// exit it kills the whole group, so wrangler, both workerd processes and
// esbuild die together. The first line is the variant verified in
// workers-feasibility.md §8; the rest only keeps the job's exit status on a
// normal exit (there `kill 0` would otherwise kill bash itself), which the
// migration step needs.
const wrapperScript = `trap "trap - TERM EXIT; kill 0" TERM EXIT; "$0" "$@" & wait $!
rc=$?; trap "" TERM; trap - EXIT; kill 0; exit $rc`

// Options configures Start.
type Options struct {
	// Root is the repository root: the directory holding node_modules and
	// the Worker configs. Empty means RepoRoot().
	Root string
	// Configs are wrangler config paths relative to Root (absolute paths
	// are used as is). The first one is the primary Worker (the gateway):
	// only it gets a port and the --var values.
	Configs []string
	// MigrateConfig is the config (relative to Root) whose D1 binding
	// MigrateBinding has a migrations_dir. Empty skips migrations.
	MigrateConfig string
	// MigrateBinding is the D1 binding to migrate, for example "CONTROL".
	MigrateBinding string
	// Vars are passed as --var K:V, in key order. They reach only the
	// primary Worker.
	Vars map[string]string
	// Env holds extra environment variables for every wrangler process. They
	// override the defaults: CI=true, WRANGLER_SEND_METRICS=false, NO_COLOR=1,
	// CLOUDFLARE_CF_FETCH_ENABLED=false (no Request.cf download) and
	// WRANGLER_REGISTRY_PATH=<per-stack temp dir> (no cross-talk between
	// concurrent stacks through the global dev registry).
	Env map[string]string
	// Args are extra arguments for `wrangler dev`, for example
	// "--test-scheduled".
	Args []string
	// PersistDir is the --persist-to directory. Empty means a directory in
	// the stack's temporary directory, which Stop removes.
	PersistDir string
	// Log receives wrangler's combined stdout and stderr, line by line. It
	// must accept writes until Stop returns. Nil discards (Output still
	// works).
	Log io.Writer
	// ReadyPath is polled after wrangler prints "Ready on" until it answers
	// 200, for example "/healthz". Empty means the "Ready on" line is enough.
	ReadyPath string
	// Timeout bounds Start (migrations included). Zero means 90s.
	Timeout time.Duration
}

// Stack is a running `wrangler dev` process group. Create it with Start and
// always Stop it.
type Stack struct {
	// BaseURL is the primary Worker's URL, for example
	// "http://127.0.0.1:40505" (no trailing slash).
	BaseURL string
	// Port and InspectorPort are the ports passed to wrangler dev.
	Port, InspectorPort int
	// PersistDir is the --persist-to directory in use.
	PersistDir string
	// MigrateTime is how long the D1 migrations took (zero if skipped).
	MigrateTime time.Duration
	// ReadyTime is how long wrangler dev took to print "Ready on", measured
	// from its launch.
	ReadyTime time.Duration
	// FirstOKTime is how long it took from the launch of wrangler dev until
	// ReadyPath first answered 200 (equal to ReadyTime if ReadyPath is empty).
	FirstOKTime time.Duration

	tmpDir string
	out    *output
	dev    *proc

	stopOnce sync.Once
	stopErr  error
}

// Start applies the D1 migrations (if configured), launches `wrangler dev`
// and waits until the stack answers. ctx and o.Timeout bound only the start;
// the stack keeps running until Stop. On error nothing is left running.
func Start(ctx context.Context, o Options) (*Stack, error) {
	if len(o.Configs) == 0 {
		return nil, errors.New("devstack: no configs given")
	}
	if o.MigrateConfig != "" && o.MigrateBinding == "" {
		return nil, errors.New("devstack: MigrateConfig set without MigrateBinding")
	}
	root := o.Root
	if root == "" {
		r, err := RepoRoot()
		if err != nil {
			return nil, err
		}
		root = r
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("devstack: resolving root: %w", err)
	}
	wrangler := filepath.Join(root, "node_modules", ".bin", "wrangler")
	if _, err := os.Stat(wrangler); err != nil {
		return nil, fmt.Errorf("devstack: no %s (run npm ci in %s): %w", wrangler, root, ErrNoToolchain)
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		return nil, fmt.Errorf("devstack: no bash: %w", ErrNoToolchain)
	}

	timeout := o.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	persist := o.PersistDir
	if persist != "" {
		if persist, err = filepath.Abs(persist); err != nil {
			return nil, fmt.Errorf("devstack: resolving persist dir: %w", err)
		}
	}
	tmp, err := os.MkdirTemp("", "devstack-")
	if err != nil {
		return nil, fmt.Errorf("devstack: creating temp dir: %w", err)
	}
	if persist == "" {
		persist = filepath.Join(tmp, "persist")
	}
	s := &Stack{PersistDir: persist, tmpDir: tmp, out: newOutput(o.Log, outputLines)}
	err = s.start(ctx, o, root, bash, wrangler)
	if err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	return s, nil
}

func (s *Stack) start(ctx context.Context, o Options, root, bash, wrangler string) error {
	env := buildEnv(root, filepath.Join(s.tmpDir, "registry"), o.Env)

	if o.MigrateConfig != "" {
		begin := time.Now()
		args := []string{"d1", "migrations", "apply", o.MigrateBinding, "--local",
			"--persist-to", s.PersistDir, "-c", o.MigrateConfig}
		p, err := spawn(root, env, bash, wrangler, args, s.out)
		if err != nil {
			return fmt.Errorf("devstack: starting migrations: %w", err)
		}
		select {
		case <-p.exited:
		case <-ctx.Done():
		}
		stopErr := p.terminate()
		if ctx.Err() != nil {
			return s.startErr("migrations did not finish", ctx.Err())
		}
		if p.waitErr != nil {
			return s.startErr(fmt.Sprintf("wrangler d1 migrations apply %s -c %s failed", o.MigrateBinding, o.MigrateConfig), p.waitErr)
		}
		if stopErr != nil {
			return stopErr
		}
		s.MigrateTime = time.Since(begin)
	}

	ports, err := freePorts(2)
	if err != nil {
		return err
	}
	s.Port, s.InspectorPort = ports[0], ports[1]
	s.BaseURL = "http://127.0.0.1:" + strconv.Itoa(s.Port)

	args := []string{"dev"}
	for _, c := range o.Configs {
		args = append(args, "-c", c)
	}
	args = append(args,
		"--ip", "127.0.0.1",
		"--port", strconv.Itoa(s.Port),
		"--inspector-port", strconv.Itoa(s.InspectorPort),
		"--persist-to", s.PersistDir,
		"--show-interactive-dev-session=false",
		"--log-level", "info",
	)
	for _, k := range slices.Sorted(maps.Keys(o.Vars)) {
		args = append(args, "--var", k+":"+o.Vars[k])
	}
	args = append(args, o.Args...)

	begin := time.Now()
	ready := s.out.watch(readyMarker)
	s.dev, err = spawn(root, env, bash, wrangler, args, s.out)
	if err != nil {
		return fmt.Errorf("devstack: starting wrangler dev: %w", err)
	}
	select {
	case <-ready:
		s.ReadyTime = time.Since(begin)
	case <-s.dev.exited:
		return s.startErr("wrangler dev exited before ready", s.dev.waitErr)
	case <-ctx.Done():
		return s.startErr(fmt.Sprintf("waiting for %q", readyMarker), ctx.Err())
	}
	if o.ReadyPath == "" {
		s.FirstOKTime = s.ReadyTime
		return nil
	}
	if err := s.pollReady(ctx, o.ReadyPath); err != nil {
		return err
	}
	s.FirstOKTime = time.Since(begin)
	return nil
}

// startErr returns a StartError with the current output tail.
func (s *Stack) startErr(msg string, err error) error {
	return &StartError{Msg: msg, Output: s.out.tail(tailLines), Err: err}
}

// pollReady polls path until it answers 200, wrangler exits or ctx ends.
func (s *Stack) pollReady(ctx context.Context, path string) error {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	client := &http.Client{Timeout: 5 * time.Second}
	var last string
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.BaseURL+path, nil)
		if err != nil {
			return fmt.Errorf("devstack: ready request: %w", err)
		}
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body) // drained for reuse; the status is the answer
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		select {
		case <-s.dev.exited:
			return s.startErr(fmt.Sprintf("wrangler dev exited while polling %s", path), s.dev.waitErr)
		case <-ctx.Done():
			return s.startErr(fmt.Sprintf("%s never answered 200 (last: %s)", path, last), ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Stop terminates the whole process group (SIGTERM, then SIGKILL after 5s),
// waits for it to vanish and removes the temporary persist directory. It is
// idempotent and safe to call on a partially started Stack.
func (s *Stack) Stop() error {
	s.stopOnce.Do(func() {
		var errs []error
		if s.dev != nil {
			errs = append(errs, s.dev.terminate())
		}
		s.out.detach()
		if err := os.RemoveAll(s.tmpDir); err != nil {
			errs = append(errs, fmt.Errorf("devstack: removing temp dir: %w", err))
		}
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}

// Output returns the most recent wrangler output (migrations included), for
// failure messages.
func (s *Stack) Output() string {
	return s.out.tail(outputLines)
}

// PGID returns the process group id of the running `wrangler dev` (0 if it
// never started).
func (s *Stack) PGID() int {
	if s.dev == nil {
		return 0
	}
	return s.dev.pgid
}

// Runner is what Main needs from *testing.M.
type Runner interface {
	Run() int
}

// Main is meant for TestMain: it starts the stack, hands it to set, runs the
// tests and stops the stack, returning the exit code for os.Exit. If the
// toolchain is missing it prints why, calls set(nil) and still runs the tests,
// which should skip when their stack is nil. If a test panics, Main's cleanup
// does not run, but the process group still dies with the test binary.
func Main(m Runner, o Options, set func(*Stack)) int {
	s, err := Start(context.Background(), o)
	if errors.Is(err, ErrNoToolchain) {
		fmt.Fprintf(os.Stderr, "%v; tests that need the stack will skip\n", err)
		set(nil)
		return m.Run()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%v\n", err)
		return 1
	}
	defer s.Stop()
	fmt.Fprintf(os.Stderr, "devstack: ready after %.2fs, first 200 after %.2fs (%s)\n",
		s.ReadyTime.Seconds(), s.FirstOKTime.Seconds(), s.BaseURL)
	set(s)
	code := m.Run()
	if err := s.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "devstack: stop: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// RepoRoot walks up from the working directory to the directory holding
// go.work.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("devstack: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("devstack: no go.work found above the working directory")
		}
		dir = parent
	}
}

// buildEnv returns the environment for wrangler processes. registry is the
// per-stack dev registry directory, so that concurrent stacks (go test runs
// packages in parallel) with the same Worker names don't see each other.
func buildEnv(root, registry string, extra map[string]string) []string {
	set := map[string]string{
		"WRANGLER_REGISTRY_PATH":      registry,
		"CI":                          "true",
		"WRANGLER_SEND_METRICS":       "false",
		"NO_COLOR":                    "1",
		"CLOUDFLARE_CF_FETCH_ENABLED": "false",
		// Wrangler's local dashboard: streaming every invocation's trace to a collector Worker and
		// wrapping Durable Objects for inspection roughly doubled a Connect hop's cost (3.6 -> 1.7
		// ms). The stack does not use the dashboard; Makefile's dev target sets the same.
		"X_LOCAL_OBSERVABILITY": "false",
		"X_LOCAL_EXPLORER":      "false",
		"PATH":                  filepath.Join(root, "node_modules", ".bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
	}
	for k, v := range extra {
		set[k] = v
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := set[k]; ok || k == "FORCE_COLOR" {
			continue
		}
		env = append(env, kv)
	}
	for _, k := range slices.Sorted(maps.Keys(set)) {
		env = append(env, k+"="+set[k])
	}
	return env
}

// freePorts returns n distinct free TCP ports on 127.0.0.1.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("devstack: picking a free port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// proc is one wrapped wrangler invocation in its own process group.
type proc struct {
	pgid int
	// exited is closed once the bash wrapper has been reaped; waitErr is
	// valid after that.
	exited  chan struct{}
	waitErr error
	// copied is closed once every process holding the output pipe is gone.
	copied chan struct{}
}

// spawn starts `bash -c wrapperScript wrangler args...` in a new process
// group with a parent-death signal. The forking goroutine stays locked to its
// OS thread until the child is reaped, because Pdeathsig fires when the
// forking thread (not the process) exits.
func spawn(dir string, env []string, bash, wrangler string, args []string, out *output) (*proc, error) {
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		return nil, fmt.Errorf("devstack: %w", err)
	}
	defer devNull.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("devstack: %w", err)
	}
	defer pw.Close()

	cmd := exec.Command(bash, append([]string{"-c", wrapperScript, wrangler}, args...)...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdin = devNull
	cmd.Stdout = pw
	cmd.Stderr = pw
	cmd.SysProcAttr = sysProcAttr()

	p := &proc{exited: make(chan struct{}), copied: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		p.pgid = cmd.Process.Pid
		started <- nil
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	if err := <-started; err != nil {
		pr.Close()
		return nil, err
	}
	go func() {
		defer close(p.copied)
		defer pr.Close()
		out.copyFrom(pr)
	}()
	return p, nil
}

// terminate kills p's process group (SIGTERM, then SIGKILL) and waits until
// no live process is left in it.
func (p *proc) terminate() error {
	select {
	case <-p.exited:
		// The wrapper's EXIT trap already killed the group. Don't signal a
		// group id that may no longer be ours.
		if !groupAlive(p.pgid) {
			return p.reaped()
		}
	default:
	}
	signalGroup(p.pgid, syscall.SIGTERM)
	if waitGroupGone(p.pgid, termGrace) {
		return p.reaped()
	}
	signalGroup(p.pgid, syscall.SIGKILL)
	if waitGroupGone(p.pgid, killGrace) {
		return p.reaped()
	}
	return fmt.Errorf("devstack: process group %d still alive after SIGKILL", p.pgid)
}

// reaped waits briefly for the wrapper to be reaped and the output copied.
func (p *proc) reaped() error {
	select {
	case <-p.exited:
	case <-time.After(killGrace):
		return fmt.Errorf("devstack: wrapper %d not reaped", p.pgid)
	}
	select {
	case <-p.copied:
	case <-time.After(2 * time.Second):
	}
	return nil
}

func signalGroup(pgid int, sig syscall.Signal) {
	if pgid > 0 {
		_ = syscall.Kill(-pgid, sig) // ESRCH: already gone.
	}
}

// waitGroupGone polls until the process group has no live members or d
// passes, and reports whether it is gone.
func waitGroupGone(pgid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if !groupAlive(pgid) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ansi matches terminal escape sequences. Some wrangler and workerd error
// messages are colored even with NO_COLOR=1.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`)

// output keeps the last lines of wrangler output, copies them to a log
// writer and notifies watchers of marker lines.
type output struct {
	mu       sync.Mutex
	log      io.Writer
	lines    []string
	next     int
	full     bool
	watchers []watcher
}

type watcher struct {
	marker string
	ch     chan struct{}
}

func newOutput(log io.Writer, n int) *output {
	return &output{log: log, lines: make([]string, n)}
}

// watch returns a channel closed when a line containing marker arrives.
func (o *output) watch(marker string) <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	ch := make(chan struct{})
	o.watchers = append(o.watchers, watcher{marker, ch})
	return ch
}

// copyFrom reads r line by line until EOF.
func (o *output) copyFrom(r io.Reader) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			o.add(ansi.ReplaceAllString(strings.TrimRight(line, "\r\n"), ""))
		}
		if err != nil {
			return
		}
	}
}

func (o *output) add(line string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lines[o.next] = line
	o.next = (o.next + 1) % len(o.lines)
	if o.next == 0 {
		o.full = true
	}
	if o.log != nil {
		_, _ = io.WriteString(o.log, line+"\n") // best effort: the tail above keeps the lines
	}
	kept := o.watchers[:0]
	for _, w := range o.watchers {
		if strings.Contains(line, w.marker) {
			close(w.ch)
			continue
		}
		kept = append(kept, w)
	}
	o.watchers = kept
}

// detach stops copying to the log writer.
func (o *output) detach() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.log = nil
}

// tail returns the last n lines, oldest first.
func (o *output) tail(n int) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var all []string
	if o.full {
		all = append(all, o.lines[o.next:]...)
	}
	all = append(all, o.lines[:o.next]...)
	if len(all) > n {
		all = all[len(all)-n:]
	}
	if len(all) == 0 {
		return ""
	}
	return strings.Join(all, "\n") + "\n"
}
