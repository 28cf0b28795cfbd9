// Command bench is a small HTTP load generator for comparing latencies of
// the Go Workers stack (or any other server, such as a real Twenty).
//
// Usage:
//
//	go run ./bench [flags] [path ...]
//
// With no -base it starts the local stack (one `wrangler dev` running all the
// service configs, see package devstack), benchmarks it and stops it. Paths
// default to /healthz /__dev/direct /__dev/baseline /__dev/hop. For each path
// it sends -warmup requests, then -n measured requests over -c connections,
// and prints latency percentiles (nearest rank, successful requests only),
// error counts and throughput, followed by budget ratios, the
// /__dev/instance check and the wasm sizes.
//
// Examples:
//
//	go run ./bench                                  # local stack, default paths
//	go run ./bench -c 16 -n 2000 /__dev/direct      # throughput
//	go run ./bench -base http://localhost:3000 -token "$TOKEN" /healthz
//	go run ./bench -base http://localhost:3000 -token "$TOKEN" -auth 0 -records 200 /healthz  # Twenty's record figures
//	go run ./bench -base http://localhost:3000 -method POST \
//	    -header Content-Type:application/json -body @query.json /graphql
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/twentyworkers/twenty/infra/devstack"
)

const defaultConfigs = "services/gateway/wrangler.jsonc,services/auth/wrangler.jsonc," +
	"services/records/wrangler.jsonc,services/files/wrangler.jsonc," +
	"services/jobs/wrangler.jsonc,services/realtime/wrangler.jsonc"

// reloadMarker is what wrangler dev prints after a hot reload.
const reloadMarker = "Local server updated and ready"

var defaultPaths = []string{"/healthz", "/__dev/direct", "/__dev/baseline", "/__dev/hop"}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// config holds the parsed command line.
type config struct {
	base, token, method, body, compare string
	headers, vars                      listFlag
	n, c, warmup, logins, records      int
	events, eventsC                    int
	workflows                          int
	searchPeople, searches             int
	views                              int
	navigation                         int
	permissions                        int
	realtime, realtimeSubscribers      int
	files, filesMB                     int
	timeout, gap                       time.Duration
	samples                            string
	sizes, floor, pauseRelay           bool
	root                               string
	configs                            string
	migrateConfig, migrateBind         string
	readyPath                          string
	startTimeout                       time.Duration
	stackLog                           bool
	paths                              []string
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := &config{}
	fs.StringVar(&cfg.base, "base", "", "base URL of the server; empty starts the local stack")
	fs.StringVar(&cfg.token, "token", "", "sent as `Authorization: Bearer <token>` when set")
	fs.IntVar(&cfg.records, "records", -1, "records figures: requests of each kind (list 20 people, get one, filtered list, create one; default n on the local stack, 0 elsewhere); with -base and -token they run in the token's workspace, e.g. a Twenty server's")
	fs.IntVar(&cfg.events, "events", -1, "events figures: person creates whose person.created webhooks a receiver here times through the whole pipeline (default 1000 on the local stack, 0 elsewhere; with -base, the server must reach 127.0.0.1)")
	fs.DurationVar(&cfg.gap, "gap", 0, "record figures: pause before each record request (a caller reading between requests; 0: back to back)")
	fs.StringVar(&cfg.samples, "samples", "", "record figures: write every record request sent to this CSV file (pass, phase, op, start as Unix ms, latency in µs, status), to see when the slow ones happen")
	fs.BoolVar(&cfg.pauseRelay, "pause-relay", false, "local stack: pause the records Worker's event relay during the record figures (what writes cost without the event pipeline behind them; the cron sweep relays later); with -compare, stack A's")
	fs.IntVar(&cfg.workflows, "workflows", -1, "workflow figures: person creates each running a one-step workflow (DATABASE_EVENT → HTTP_REQUEST to a receiver here), timed to the step (default 300 on the local stack, 0 elsewhere)")
	fs.IntVar(&cfg.searchPeople, "search", -1, "search figures: people seeded (createPeople batches of 200) in a workspace whose search is then timed (default 10000 on the local stack, 0 elsewhere)")
	fs.IntVar(&cfg.searches, "search-n", 200, "search figures: searches timed")
	fs.IntVar(&cfg.views, "views", -1, "views figures: getViews (every view of a new workspace with its parts) and REST group-bys with and without viewId timed (default 60 each on the local stack, 0 elsewhere)")
	fs.IntVar(&cfg.navigation, "navigation", -1, "navigation menu items figures: navigationMenuItems of a new workspace with 5 favorite people, with and without targetRecordIdentifier (default 60 each on the local stack, 0 elsewhere)")
	fs.IntVar(&cfg.permissions, "permissions", -1, "permissions figures: REST lists of 20 people timed as an admin and as a restricted role each, interleaved (default 300 on the local stack, 0 elsewhere)")
	fs.IntVar(&cfg.eventsC, "events-c", 10, "events figures: concurrent creates of the burst")
	fs.IntVar(&cfg.realtime, "realtime", -1, "realtime figures: person creates timed to one event-stream subscriber, then a fan-out to -realtime-subscribers (default 80 on the local stack, within a workspace's 100 API calls a minute; 0 elsewhere)")
	fs.IntVar(&cfg.realtimeSubscribers, "realtime-subscribers", realtimeDefaults.subscribers, "realtime figures: subscribers of one workspace timed in the fan-out (0: none)")
	fs.IntVar(&cfg.files, "files", -1, "files figures: 100 KB files uploaded (createFileUpload, PUT, completeFileUpload) and downloaded, after a large file's MB/s up and down (default 100 on the local stack, 0 elsewhere)")
	fs.IntVar(&cfg.filesMB, "files-mb", 100, "files figures: size in MB of the large file timed for throughput")
	fs.BoolVar(&cfg.floor, "floor", true, "local stack: also time the platform floor (infra/bench/floor: plain JS Workers doing a records list on a second stack)")
	fs.IntVar(&cfg.logins, "auth", -1, "password logins to time after signing up through GraphQL, with the token verification cost (needs the dev routes; default 20 on the local stack, 0 elsewhere)")
	fs.IntVar(&cfg.n, "n", 500, "measured requests per path")
	fs.IntVar(&cfg.c, "c", 1, "concurrent connections (1 = sequential, used for latency comparisons)")
	fs.IntVar(&cfg.warmup, "warmup", 30, "warm-up requests per path, not measured")
	fs.StringVar(&cfg.method, "method", http.MethodGet, "HTTP method")
	fs.StringVar(&cfg.body, "body", "", "request body; @file reads it from a file")
	fs.Var(&cfg.headers, "header", "extra request header `K:V` (repeatable)")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "per-request timeout")
	fs.BoolVar(&cfg.sizes, "sizes", false, "print raw and gzip -9 sizes of services/*/build/app.wasm (default true when -base is empty)")
	fs.StringVar(&cfg.root, "root", "", "repository root (default: the directory holding go.work above the working directory)")
	fs.StringVar(&cfg.configs, "configs", defaultConfigs, "local stack: comma-separated wrangler configs relative to -root, primary first")
	fs.StringVar(&cfg.migrateConfig, "migrate-config", "services/auth/wrangler.jsonc", "local stack: config whose D1 migrations are applied first (empty = none)")
	fs.StringVar(&cfg.migrateBind, "migrate-binding", "CONTROL", "local stack: D1 binding to migrate")
	fs.Var(&cfg.vars, "var", "local stack: extra `K:V` for wrangler --var (repeatable; DEV_ROUTES:true is always set)")
	fs.StringVar(&cfg.readyPath, "ready", "/healthz", "local stack: path polled until it answers 200")
	fs.DurationVar(&cfg.startTimeout, "start-timeout", 90*time.Second, "local stack: startup timeout")
	fs.BoolVar(&cfg.stackLog, "stack-log", false, "local stack: copy wrangler output to stderr")
	fs.StringVar(&cfg.compare, "compare", "", "another checkout's root, its Workers built: run the record figures on its stack and this one side by side, rounds alternating, and print B (it) over A (this); nothing else runs")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: bench [flags] [path ...]\n\npaths default to %s\n\n", strings.Join(defaultPaths, " "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	sizesSet := false
	fs.Visit(func(f *flag.Flag) { sizesSet = sizesSet || f.Name == "sizes" })
	if !sizesSet {
		cfg.sizes = cfg.base == ""
	}
	cfg.paths = fs.Args()
	if len(cfg.paths) == 0 {
		cfg.paths = defaultPaths
	}
	for i, p := range cfg.paths {
		if !strings.HasPrefix(p, "/") {
			cfg.paths[i] = "/" + p
		}
	}
	switch {
	case cfg.n < 1:
		return nil, errors.New("-n must be at least 1")
	case cfg.c < 1:
		return nil, errors.New("-c must be at least 1")
	case cfg.warmup < 0:
		return nil, errors.New("-warmup must not be negative")
	}
	return cfg, nil
}

// run is main without the process exit, for tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	header := http.Header{}
	var host string
	for _, h := range cfg.headers {
		k, v, found := strings.Cut(h, ":")
		if !found || strings.TrimSpace(k) == "" {
			return fmt.Errorf("bad -header %q, want K:V", h)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if http.CanonicalHeaderKey(k) == "Host" {
			host = v
			continue
		}
		header.Add(k, v)
	}
	if cfg.token != "" {
		header.Set("Authorization", "Bearer "+cfg.token)
	}
	body := []byte(cfg.body)
	if file, ok := strings.CutPrefix(cfg.body, "@"); ok {
		if body, err = os.ReadFile(file); err != nil {
			return fmt.Errorf("reading -body: %w", err)
		}
	}

	root := cfg.root
	if root == "" && (cfg.base == "" || cfg.sizes) {
		if root, err = devstack.RepoRoot(); err != nil {
			return err
		}
	}

	if cfg.compare != "" {
		return compare(ctx, cfg, root, header, stdout, stderr)
	}

	base := strings.TrimRight(cfg.base, "/")
	var startInfo string
	var stack *devstack.Stack
	if base == "" {
		stack, err = startStack(ctx, cfg, root, stderr)
		if err != nil {
			return err
		}
		defer stack.Stop()
		base = stack.BaseURL
		startInfo = fmt.Sprintf(" (local stack: migrations %.2fs, wrangler ready %.2fs, first 200 %.2fs)",
			stack.MigrateTime.Seconds(), stack.ReadyTime.Seconds(), stack.FirstOKTime.Seconds())
	}

	tg := &target{
		client: newClient(cfg.c, cfg.timeout),
		base:   base,
		method: strings.ToUpper(cfg.method),
		body:   body,
		header: header,
		host:   host,
		gap:    cfg.gap,
	}
	if tg.samples, err = openSamples(cfg.samples); err != nil {
		return err
	}
	defer tg.samples.close(stderr)
	fmt.Fprintf(stdout, "base: %s%s\n", base, startInfo)
	fmt.Fprintf(stdout, "load: %s, n=%d per path, c=%d, warmup=%d per path; latency over successful requests (2xx/3xx), nearest-rank percentiles\n\n",
		tg.method, cfg.n, cfg.c, cfg.warmup)

	reloads := func() int {
		if stack == nil {
			return 0
		}
		return strings.Count(stack.Output(), reloadMarker)
	}
	reloadsBefore := reloads()
	before, instErr := tg.instance(ctx)
	var results []pathResult
	sent := 0
	for _, p := range cfg.paths {
		if cfg.warmup > 0 {
			fmt.Fprintf(stderr, "bench: warming up %s (%d)\n", p, cfg.warmup)
			tg.load(ctx, p, cfg.warmup, cfg.c)
		}
	}
	if cfg.c == 1 && tg.method == http.MethodGet && len(cfg.paths) > 1 {
		// Sequential latency: the paths in turn, one request each per round, so that the ratios
		// compare paths under the same load.
		fmt.Fprintf(stderr, "bench: measuring %s (%d each, interleaved)\n", strings.Join(cfg.paths, " "), cfg.n)
		targets := make([]*target, len(cfg.paths))
		for i := range targets {
			targets[i] = tg
		}
		results = interleave(ctx, targets, cfg.paths, cfg.n)
	} else {
		for _, p := range cfg.paths {
			fmt.Fprintf(stderr, "bench: measuring %s (%d)\n", p, cfg.n)
			results = append(results, tg.load(ctx, p, cfg.n, cfg.c))
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("interrupted: %w", err)
			}
		}
	}
	// Requests the gateway's JS entry answers never reach Go, so Go does not count them.
	for _, p := range cfg.paths {
		if !jsAnswered[p] {
			sent += cfg.warmup + cfg.n
		}
	}
	printResults(stdout, results)
	printRatios(stdout, results)
	if instErr == nil {
		after, err := tg.instance(ctx)
		printInstance(stdout, before, after, err, sent)
	} else {
		fmt.Fprintf(stdout, "\ninstance: /__dev/instance not available (%v)\n", instErr)
	}
	if n := reloads() - reloadsBefore; n > 0 {
		fmt.Fprintf(stdout, "  note: wrangler reloaded the stack %d time(s) during the load (a build/app.wasm or source changed)\n", n)
	}
	if cfg.logins < 0 && stack != nil {
		cfg.logins = 20
	}
	if cfg.logins > 0 {
		if err := authFigures(ctx, stdout, tg, cfg.n, cfg.warmup, cfg.logins); err != nil {
			return err
		}
	}
	if cfg.records < 0 && stack != nil {
		cfg.records = cfg.n
	}
	if cfg.records > 0 {
		if cfg.pauseRelay {
			if s := tg.do(ctx, http.MethodPost, "/__dev/svc/records/outbox/relay?paused=true", nil); s.status != http.StatusOK {
				return fmt.Errorf("pause the relay: status %d %v", s.status, s.err)
			}
			fmt.Fprintln(stdout, "\nrecord figures with the event relay paused")
		}
		if err := localRecordFigures(ctx, stdout, stderr, tg, stack, cfg.records, cfg.token == ""); err != nil {
			return err
		}
	}
	if cfg.events < 0 && stack != nil {
		cfg.events = 1000
	}
	if cfg.events > 0 {
		burst := *tg
		burst.client = newClient(cfg.eventsC, cfg.timeout)
		if err := eventFigures(ctx, stdout, stderr, &burst, cfg.events, cfg.eventsC, 2*time.Minute); err != nil {
			return err
		}
	}
	if cfg.workflows < 0 && stack != nil {
		cfg.workflows = 300
	}
	if cfg.workflows > 0 {
		burst := *tg
		burst.client = newClient(cfg.eventsC, cfg.timeout)
		if err := workflowFigures(ctx, stdout, stderr, &burst, cfg.workflows, cfg.eventsC, 2*time.Minute); err != nil {
			return err
		}
	}
	if cfg.searchPeople < 0 && stack != nil {
		cfg.searchPeople = 10_000
	}
	if cfg.searchPeople > 0 {
		if err := searchFigures(ctx, stdout, stderr, tg, cfg.searchPeople, cfg.searches); err != nil {
			return err
		}
	}
	if cfg.views < 0 && stack != nil {
		cfg.views = 60
	}
	if cfg.views > 0 {
		if err := viewsFigures(ctx, stdout, stderr, tg, cfg.views); err != nil {
			return err
		}
	}
	if cfg.navigation < 0 && stack != nil {
		cfg.navigation = 60
	}
	if cfg.navigation > 0 {
		if err := navigationFigures(ctx, stdout, stderr, tg, cfg.navigation, 5); err != nil {
			return err
		}
	}
	if cfg.permissions < 0 && stack != nil {
		cfg.permissions = 300
	}
	if cfg.permissions > 0 {
		if err := permissionFigures(ctx, stdout, stderr, tg, cfg.permissions); err != nil {
			return err
		}
	}
	if cfg.realtime < 0 && stack != nil {
		cfg.realtime = realtimeDefaults.creates
	}
	if cfg.realtime > 0 {
		if err := realtimeFigures(ctx, stdout, stderr, tg, cfg.realtime, cfg.realtimeSubscribers, realtimeDefaults.rounds); err != nil {
			return err
		}
	}
	if cfg.files < 0 && stack != nil {
		cfg.files = 100
	}
	if cfg.files > 0 {
		if err := fileFigures(ctx, stdout, stderr, tg, cfg.files, cfg.filesMB); err != nil {
			return err
		}
	}
	if cfg.floor && stack != nil && cfg.records > 0 {
		stack.Stop() // one stack at a time: they share the machine's cores
		if err := floorFigures(ctx, stdout, stderr, root, cfg.records, cfg.warmup); err != nil {
			return err
		}
	}
	if cfg.sizes {
		if err := printSizes(stdout, root); err != nil {
			return err
		}
	}
	return nil
}

// compare runs the record figures on this checkout's stack (A) and cfg.compare's (B) side by side.
func compare(ctx context.Context, cfg *config, root string, header http.Header, stdout, stderr io.Writer) error {
	if cfg.base != "" {
		return errors.New("-compare starts two local stacks: it takes no -base")
	}
	other, err := filepath.Abs(cfg.compare)
	if err != nil {
		return err
	}
	a, err := startStack(ctx, cfg, root, stderr)
	if err != nil {
		return err
	}
	defer a.Stop()
	b, err := startStack(ctx, cfg, other, stderr)
	if err != nil {
		return err
	}
	defer b.Stop()
	n := cfg.records
	if n < 0 {
		n = cfg.n
	}
	tg := &target{client: newClient(1, cfg.timeout), base: a.BaseURL, header: header, gap: cfg.gap}
	if tg.samples, err = openSamples(cfg.samples); err != nil {
		return err
	}
	defer tg.samples.close(stderr)
	if cfg.pauseRelay {
		if s := tg.do(ctx, http.MethodPost, "/__dev/svc/records/outbox/relay?paused=true", nil); s.status != http.StatusOK {
			return fmt.Errorf("pause stack A's relay: status %d %v", s.status, s.err)
		}
		fmt.Fprintln(stdout, "\nstack A's event relay is paused")
	}
	return compareRecordFigures(ctx, stdout, stderr, a, b, root, other, tg, n)
}

func startStack(ctx context.Context, cfg *config, root string, stderr io.Writer) (*devstack.Stack, error) {
	o := devstack.Options{
		Root:           root,
		MigrateConfig:  cfg.migrateConfig,
		MigrateBinding: cfg.migrateBind,
		Vars:           map[string]string{"DEV_ROUTES": "true"},
		// The events figures' webhook receiver is on 127.0.0.1, which only a local stack admits
		// (WEBHOOK_ALLOW_LOOPBACK, read by the jobs Worker from wrangler's environment).
		Env:       map[string]string{"CLOUDFLARE_INCLUDE_PROCESS_ENV": "true", "WEBHOOK_ALLOW_LOOPBACK": "true"},
		ReadyPath: cfg.readyPath,
		Timeout:   cfg.startTimeout,
	}
	for _, c := range strings.Split(cfg.configs, ",") {
		if c = strings.TrimSpace(c); c != "" {
			o.Configs = append(o.Configs, c)
		}
	}
	for _, kv := range cfg.vars {
		k, v, found := strings.Cut(kv, ":")
		if !found || k == "" {
			return nil, fmt.Errorf("bad -var %q, want K:V", kv)
		}
		o.Vars[k] = v
	}
	if cfg.stackLog {
		o.Log = stderr
	}
	fmt.Fprintf(stderr, "bench: starting local stack (%d configs) in %s\n", len(o.Configs), root)
	s, err := devstack.Start(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("starting local stack: %w", err)
	}
	return s, nil
}

func printResults(w io.Writer, results []pathResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "path\tn\terrors\tp50 ms\tp90 ms\tp99 ms\tmean ms\treq/s")
	for _, r := range results {
		p50, p90, p99, mean := "-", "-", "-", "-"
		if r.lat.N > 0 {
			p50, p90, p99, mean = Millis(r.lat.P50), Millis(r.lat.P90), Millis(r.lat.P99), Millis(r.lat.Mean)
		}
		rps := 0.0
		if r.elapsed > 0 {
			rps = float64(r.sent) / r.elapsed.Seconds()
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%.1f\n", r.path, r.sent, r.errors, p50, p90, p99, mean, rps)
	}
	tw.Flush()
	for _, r := range results {
		if r.errors == 0 {
			continue
		}
		fmt.Fprintf(w, "  %s statuses: %s\n", r.path, Histogram(r.statuses))
		if r.firstErr != nil {
			fmt.Fprintf(w, "  %s first transport error: %v\n", r.path, r.firstErr)
		}
	}
}

// printRatios prints the latency budgets that apply to the paths that ran.
func printRatios(w io.Writer, results []pathResult) {
	p50 := map[string]time.Duration{}
	for _, r := range results {
		if r.lat.N > 0 {
			p50[r.path] = r.lat.P50
		}
	}
	has := func(paths ...string) bool {
		for _, p := range paths {
			if _, ok := p50[p]; !ok {
				return false
			}
		}
		return true
	}
	verdict := func(within bool) string {
		if within {
			return "ok"
		}
		return "OVER BUDGET"
	}
	var lines []string
	if has("/healthz", "/__dev/baseline") && p50["/__dev/baseline"] > 0 {
		r := float64(p50["/healthz"]) / float64(p50["/__dev/baseline"])
		lines = append(lines, fmt.Sprintf("healthz/baseline p50 ratio = %.2f (budget <= 1.50) %s", r, verdict(r <= 1.5)))
	}
	if has("/__dev/direct", "/__dev/baseline") && p50["/__dev/baseline"] > 0 {
		r := float64(p50["/__dev/direct"]) / float64(p50["/__dev/baseline"])
		lines = append(lines, fmt.Sprintf("direct/baseline p50 ratio = %.2f", r))
	}
	if has("/__dev/hop", "/__dev/direct") {
		d := p50["/__dev/hop"] - p50["/__dev/direct"]
		lines = append(lines, fmt.Sprintf("connect hop adds = %s ms p50 (budget <= 4 ms) %s", Millis(d), verdict(d <= 4*time.Millisecond)))
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(w, "\nratios")
	for _, l := range lines {
		fmt.Fprintln(w, "  "+l)
	}
}

// jsAnswered are the paths the gateway's JS entry answers without entering Go.
var jsAnswered = map[string]bool{"/__dev/baseline": true}

// printInstance reports whether one Go instance served the whole load.
func printInstance(w io.Writer, before, after instanceInfo, afterErr error, sent int) {
	fmt.Fprintln(w, "\ninstance (/__dev/instance)")
	if afterErr != nil {
		fmt.Fprintf(w, "  before: id=%s requestsServed=%d; second read failed: %v\n", before.InstanceID, before.RequestsServed, afterErr)
		return
	}
	fmt.Fprintf(w, "  before: id=%s requestsServed=%d\n", before.InstanceID, before.RequestsServed)
	fmt.Fprintf(w, "  after:  id=%s requestsServed=%d\n", after.InstanceID, after.RequestsServed)
	if before.InstanceID != after.InstanceID {
		fmt.Fprintln(w, "  same instance: no (the instance was replaced during the load; counts are not comparable)")
		return
	}
	delta := after.RequestsServed - before.RequestsServed
	fmt.Fprintln(w, "  same instance: yes")
	note := "matches"
	switch delta - int64(sent) {
	case 0:
	case 1:
		note = "matches, +1 for the second read"
	default:
		note = "does not match: other clients, or requests served elsewhere"
	}
	fmt.Fprintf(w, "  counted %d requests between the reads, sent %d to Go (warm-up included; /__dev/baseline is answered in JS): %s\n", delta, sent, note)
}
