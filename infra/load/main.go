// Command load puts simulated users on the stack (or on any server speaking Twenty's API) and
// reports what they got: throughput, p50/p90/p99/max per operation, errors by status, and the
// CPU and memory of the stack's processes.
//
// Users arrive on an open-loop schedule fixed before the run (a ramp, then a hold), each logs in,
// some open an event stream, and each then acts at random moments (a Poisson process with the
// mean think time) drawn from a mix: a filtered list, opening a record, a GraphQL list, a search,
// a create, an update, a small file upload. A request is sent at its scheduled time whether or not
// the server answered the earlier ones, and its latency runs from that time, so a slow server
// cannot hide its queueing. A user whose session ends is replaced by a new one, who logs in.
//
// With no -base it starts the local stack (one `wrangler dev`, package devstack), signs up a
// workspace per -users-per-workspace users (a workspace may send 100 API calls a minute), seeds
// each with people and runs. With -find it raises the user count in steps until p99 crosses -slo
// and reports the last step that held.
//
// Examples:
//
//	go run ./load                                        # local stack, 20 users for 90 s
//	go run ./load -users 60 -duration 2m
//	go run ./load -find -find-start 20 -find-step 20     # the largest count under 200 ms p99
//	go run ./load -base http://127.0.0.1:8787 -pgid "$(pgrep -o -f 'wrangler dev')"
//	go run ./load -base https://crm.example.com -token "$TOKEN" -users 5
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/twentyworkers/twenty/infra/devstack"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "load: %v\n", err)
		os.Exit(1)
	}
}

// config is the parsed command line.
type config struct {
	base, token, email, password string
	users, perWS, maxRequests    int
	ramp, duration, think        time.Duration
	session, timeout, drain      time.Duration
	progress                     time.Duration
	subscribe                    float64
	mix, exclude                 string
	seed                         uint64
	fileSize                     int
	find                         bool
	costs                        int
	findStart, findStep, findMax int
	findRamp, findHold, warmup   time.Duration
	slo                          time.Duration
	sloErrors                    float64
	pgid                         int
	viaProxy, stackLog, noLogins bool
	root, samples                string
	startTimeout                 time.Duration
}

func parseFlags(args []string, stderr io.Writer) (*config, Plan, error) {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &config{}
	fs.StringVar(&c.base, "base", "", "server URL; empty starts the local stack")
	fs.StringVar(&c.token, "token", "", "with -base: an access token or API key every session uses (no logins, no sign-ups: one workspace, the token's)")
	fs.StringVar(&c.email, "email", "", "with -base: a user's email; sessions log in with it (one workspace, the user's)")
	fs.StringVar(&c.password, "password", "", "with -email: the password")
	fs.IntVar(&c.users, "users", 20, "simulated users at the hold")
	fs.IntVar(&c.perWS, "users-per-workspace", 5, "users sharing a workspace (its budget is 100 API calls a minute; each user sends about 60s/think of them)")
	fs.DurationVar(&c.ramp, "ramp", 20*time.Second, "time over which the users arrive")
	fs.DurationVar(&c.duration, "duration", 90*time.Second, "run time, ramp included (the report covers the time after the ramp)")
	fs.IntVar(&c.maxRequests, "max-requests", 0, "stop scheduling after this many HTTP requests (0: no bound)")
	fs.DurationVar(&c.think, "think", 5*time.Second, "mean pause between one user's actions")
	fs.DurationVar(&c.session, "session", 2*time.Minute, "mean session length; an ended session is replaced by a new one that logs in (0: one session per user for the whole run)")
	fs.BoolVar(&c.noLogins, "no-logins", false, "sessions start with their workspace owner's token instead of a password login (what bcrypt's ~120 ms of CPU per login does to everyone else's latency)")
	fs.Float64Var(&c.subscribe, "subscribe", 0.3, "share of sessions that hold an event stream (onDbEvent on people)")
	fs.StringVar(&c.mix, "mix", DefaultMix, "the actions' relative weights")
	fs.StringVar(&c.exclude, "slo-exclude", "login", "comma-separated actions left out of the ALL row and the -find verdict (a password login hashes with bcrypt cost 10 on purpose: ~120 ms of CPU; empty: judge every action)")
	fs.Uint64Var(&c.seed, "seed", 1, "schedule seed (the same seed gives the same schedule)")
	fs.IntVar(&c.fileSize, "file-size", 4096, "bytes of each uploaded file")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "per-request timeout")
	fs.DurationVar(&c.drain, "drain", 15*time.Second, "after the schedule, how long to wait for actions in flight")
	fs.DurationVar(&c.progress, "progress", 5*time.Second, "interval of the progress lines (0: none)")
	fs.IntVar(&c.costs, "costs", 0, "instead of a run: each action alone, this many in a row, with workerd's CPU per action (the capacity model's inputs)")
	fs.BoolVar(&c.find, "find", false, "step the user count up until p99 crosses -slo (or errors pass -slo-errors); report the largest count that held")
	fs.IntVar(&c.findStart, "find-start", 10, "-find: first user count")
	fs.IntVar(&c.findStep, "find-step", 10, "-find: users added per step")
	fs.IntVar(&c.findMax, "find-max", 300, "-find: largest user count tried")
	fs.DurationVar(&c.findRamp, "find-ramp", 5*time.Second, "-find: ramp of each step")
	fs.DurationVar(&c.findHold, "find-hold", 25*time.Second, "-find: measured hold of each step")
	fs.DurationVar(&c.warmup, "find-warmup", 20*time.Second, "-find: a first, unjudged step at half the first count (a new stack compiles its Workers' code on first use)")
	fs.DurationVar(&c.slo, "slo", 200*time.Millisecond, "-find: the p99 a step must stay under")
	fs.Float64Var(&c.sloErrors, "slo-errors", 0.01, "-find: the share of failed actions a step may have")
	fs.IntVar(&c.pgid, "pgid", 0, "with -base: process group of a local stack whose CPU and memory to report (e.g. make dev's wrangler)")
	fs.BoolVar(&c.viaProxy, "via-proxy", false, "local stack: send through wrangler dev's URL, its proxy Worker in front, instead of workerd's own socket (deployed traffic has no such proxy)")
	fs.BoolVar(&c.stackLog, "stack-log", false, "local stack: copy wrangler's output to stderr")
	fs.StringVar(&c.samples, "samples", "", "write every sample to this CSV file (scheduled time in Unix ms, action, outcome, latency ms, lag ms)")
	fs.StringVar(&c.root, "root", "", "repository root (default: the directory holding go.work above the working directory)")
	fs.DurationVar(&c.startTimeout, "start-timeout", 2*time.Minute, "local stack: startup timeout")
	if err := fs.Parse(args); err != nil {
		return nil, Plan{}, err
	}
	if fs.NArg() > 0 {
		return nil, Plan{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	mix, err := ParseMix(c.mix)
	if err != nil {
		return nil, Plan{}, err
	}
	p := Plan{Think: c.think, Session: c.session, Subscribe: c.subscribe, Mix: mix, MaxRequests: c.maxRequests, Seed: c.seed}
	switch {
	case c.perWS < 1:
		return nil, Plan{}, errors.New("-users-per-workspace must be at least 1")
	case c.base == "" && (c.token != "" || c.email != ""):
		return nil, Plan{}, errors.New("-token and -email need -base")
	case c.token != "" && c.email != "":
		return nil, Plan{}, errors.New("-token or -email, not both")
	case c.email != "" && c.password == "":
		return nil, Plan{}, errors.New("-email needs -password")
	case c.base != "" && c.token == "" && c.email == "" && !strings.HasPrefix(c.base, "http://127.0.0.1") && !strings.HasPrefix(c.base, "http://localhost"):
		// Sign-ups on someone's server would litter it with workspaces.
		return nil, Plan{}, errors.New("a remote -base needs -token or -email/-password (sign-ups run only on a local server)")
	}
	for a := range strings.SplitSeq(c.exclude, ",") {
		if a = strings.TrimSpace(a); a != "" && !containsAction(reportOrder, Action(a)) {
			return nil, Plan{}, fmt.Errorf("-slo-exclude: unknown action %q", a)
		}
	}
	if c.find {
		if p.Stages, err = StepStages(c.findStart, c.findStep, c.findMax, c.findRamp, c.findHold); err != nil {
			return nil, Plan{}, err
		}
		if c.warmup > 0 {
			p.Stages = append([]Stage{{Users: max(1, c.findStart/2), Ramp: c.findRamp, Hold: c.warmup, Warmup: true}}, p.Stages...)
		}
	} else {
		if c.users < 1 || c.duration <= c.ramp {
			return nil, Plan{}, errors.New("want -users >= 1 and -duration > -ramp")
		}
		p.Stages = []Stage{{Users: c.users, Ramp: c.ramp, Hold: c.duration - c.ramp}}
	}
	if err := p.Validate(); err != nil {
		return nil, Plan{}, err
	}
	return c, p, nil
}

func (c *config) excluded() []Action {
	var out []Action
	for a := range strings.SplitSeq(c.exclude, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, Action(a))
		}
	}
	return out
}

// run is main without the exit, for tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, plan, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	events, err := plan.Schedule()
	if err != nil {
		return err
	}

	base := strings.TrimRight(cfg.base, "/")
	watcher := &ProcWatcher{pgid: cfg.pgid}
	where := base
	if base == "" {
		stack, err := startStack(ctx, cfg, stderr)
		if err != nil {
			return err
		}
		defer stack.Stop()
		watcher.pgid = stack.PGID()
		base, where = stack.BaseURL, stack.BaseURL+" (local stack, through wrangler dev's proxy)"
		if !cfg.viaProxy {
			if rt, err := stack.Runtime(ctx, "/healthz"); err == nil {
				base, where = rt.URL, rt.URL+" (local stack, workerd's own socket: no dev proxy, as deployed traffic arrives)"
				fmt.Fprintf(stderr, "load: workerd runtime pid %d (e.g. perf record -g -p %d)\n", rt.PID, rt.PID)
			} else {
				fmt.Fprintf(stderr, "load: runtime socket not found, going through wrangler dev's URL: %v\n", err)
			}
		}
	}
	a := newAPI(base, cfg.timeout)

	users := plan.MaxUsers()
	if cfg.costs > 0 {
		users = len(costActions) * cfg.perWS // a workspace per action: each within its budget
	}
	workspaces, err := setUp(ctx, a, cfg, users, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "base: %s\n", where)
	file := make([]byte, cfg.fileSize)
	_, _ = rand.Read(file)
	r := &runner{api: a, rec: &Recorder{}, workspaces: workspaces, perWS: cfg.perWS, fixedToken: cfg.token, noLogins: cfg.noLogins,
		exclude: cfg.excluded(), smallFile: file, windows: plan.Windows(), start: time.Now()}
	r.perWindow = make([]atomic.Int64, len(r.windows))
	if cfg.costs > 0 {
		return measureCosts(ctx, stdout, r, watcher, cfg.costs)
	}
	printPlan(stdout, cfg, plan, events, len(workspaces))

	stop := make(chan struct{})
	var stopOnce sync.Once
	var verdicts []Verdict
	var vmu sync.Mutex
	watchCtx, endWatch := context.WithCancel(ctx)
	defer endWatch()
	r.start = time.Now()
	watcher.Sample()
	var bg sync.WaitGroup
	bg.Go(func() { tick(watchCtx, time.Second, watcher.Sample) })
	if cfg.progress > 0 {
		bg.Go(func() { progress(watchCtx, stderr, r, watcher, plan, cfg.progress) })
	}
	bg.Go(func() {
		// Judge each window once its actions finished (or 10 s after it), stopping a -find run
		// at the first that fails.
		for i, w := range r.windows {
			if !sleepUntil(watchCtx, r.start.Add(w.End)) {
				return
			}
			if w.Warmup {
				fmt.Fprintf(stderr, "load: warm-up of %d users done\n", w.Users)
				continue
			}
			deadline := time.Now().Add(10 * time.Second)
			for time.Now().Before(deadline) && r.completed(w) < int(r.perWindow[i].Load()) {
				if !sleepUntil(watchCtx, time.Now().Add(250*time.Millisecond)) {
					return
				}
			}
			v := Judge(r.rec.Between(w.Start, w.End), w, int(r.perWindow[i].Load()), r.exclude, cfg.slo, cfg.sloErrors)
			v.Usage = watcher.Between(r.start.Add(w.Start), r.start.Add(w.End))
			vmu.Lock()
			verdicts = append(verdicts, v)
			vmu.Unlock()
			fmt.Fprintf(stderr, "load: step %d: %d users: p99 %s ms over %d actions, %d failed, %d unfinished: %s\n",
				i+1, w.Users, ms(v.P99), v.N, v.Errors, v.Missing, v.verdict(cfg.slo))
			if cfg.find && !v.Holds {
				stopOnce.Do(func() { close(stop) })
				return
			}
		}
	})
	r.play(ctx, events, stop, cfg.drain)
	watcher.Sample()
	endWatch()
	bg.Wait()

	report(stdout, cfg, r, watcher, verdicts)
	if cfg.samples != "" {
		if err := writeSamples(cfg.samples, r.start, r.rec.Between(0, 1<<62)); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted: %w", err)
	}
	return nil
}

// completed counts the ALL-row actions of w that have finished.
func (r *runner) completed(w Window) int {
	n := 0
	for _, s := range r.rec.Between(w.Start, w.End) {
		if s.Action.requests() > 0 && !containsAction(r.exclude, s.Action) {
			n++
		}
	}
	return n
}

func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func tick(ctx context.Context, every time.Duration, f func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			f()
		case <-ctx.Done():
			return
		}
	}
}

func startStack(ctx context.Context, cfg *config, stderr io.Writer) (*devstack.Stack, error) {
	root := cfg.root
	if root == "" {
		r, err := devstack.RepoRoot()
		if err != nil {
			return nil, err
		}
		root = r
	}
	o := devstack.Options{
		Root: root,
		Configs: []string{"services/gateway/wrangler.jsonc", "services/auth/wrangler.jsonc", "services/records/wrangler.jsonc",
			"services/files/wrangler.jsonc", "services/jobs/wrangler.jsonc", "services/realtime/wrangler.jsonc"},
		MigrateConfig:  "services/auth/wrangler.jsonc",
		MigrateBinding: "CONTROL",
		Vars:           map[string]string{"DEV_ROUTES": "true"},
		Env:            map[string]string{"CLOUDFLARE_INCLUDE_PROCESS_ENV": "true"},
		ReadyPath:      "/healthz",
		Timeout:        cfg.startTimeout,
	}
	if cfg.stackLog {
		o.Log = stderr
	}
	fmt.Fprintf(stderr, "load: starting the local stack in %s\n", root)
	s, err := devstack.Start(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("starting the local stack: %w", err)
	}
	return s, nil
}

// setUp makes the workspaces the users share: sign-ups on our own server, else the given
// token's or user's workspace. Each is seeded with people and searched once (its first search
// builds the index, a one-time cost left out of the run).
func setUp(ctx context.Context, a *api, cfg *config, users int, stderr io.Writer) ([]*workspace, error) {
	prepare := func(ws *workspace) error {
		who := caller{token: ws.owner, ip: randomIP()}
		ids, err := a.seed(ctx, who)
		if err != nil {
			return err
		}
		ws.people, ws.ids, ws.created = ids, append([]string(nil), ids...), map[string]time.Time{}
		if _, o := a.gql(ctx, who, "/graphql", searchQuery, map[string]any{"q": "ad"}, nil); o != outcomeOK {
			return fmt.Errorf("first search: %s", o)
		}
		return nil
	}
	switch {
	case cfg.token != "":
		ws := &workspace{owner: cfg.token}
		return []*workspace{ws}, prepare(ws)
	case cfg.email != "":
		tok, o := a.login(ctx, randomIP(), cfg.email, cfg.password)
		if o != outcomeOK {
			return nil, fmt.Errorf("login as %s: %s", cfg.email, o)
		}
		ws := &workspace{email: cfg.email, password: cfg.password, owner: tok}
		return []*workspace{ws}, prepare(ws)
	}
	n := (users + cfg.perWS - 1) / cfg.perWS
	fmt.Fprintf(stderr, "load: signing up %d workspace(s) of %d users and seeding each with %d people\n", n, cfg.perWS, seedPeople)
	out := make([]*workspace, n)
	errs := make([]error, n)
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	begin := time.Now()
	for range min(2, n) { // sign-ups hash passwords: two at a time is what this machine's cores allow
		wg.Go(func() {
			for {
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= n || ctx.Err() != nil {
					return
				}
				email, password, access, err := a.signUp(ctx)
				if err == nil {
					ws := &workspace{email: email, password: password, owner: access}
					if err = prepare(ws); err == nil {
						out[k] = ws
					}
				}
				errs[k] = err
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("setting up workspaces: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "load: %d workspace(s) ready in %s\n", n, time.Since(begin).Round(100*time.Millisecond))
	return out, nil
}

func printPlan(w io.Writer, cfg *config, p Plan, events []Event, workspaces int) {
	reqs := 0
	for _, e := range events {
		reqs += e.Action.requests()
	}
	perMin := 60 / p.Think.Seconds() * meanRequests(p.Mix)
	fmt.Fprintf(w, "plan: %d stage(s) over %s; think %s mean, session %s mean, %.0f%% of sessions subscribe; mix %s\n",
		len(p.Stages), p.Duration(), p.Think, p.Session, 100*p.Subscribe, cfg.mix)
	fmt.Fprintf(w, "      %d actions scheduled (%d HTTP requests), open loop; %d workspace(s), %d users each (~%.0f API calls a minute per workspace, budget 100)\n",
		len(events), reqs, workspaces, cfg.perWS, perMin*float64(cfg.perWS))
	if cfg.noLogins {
		fmt.Fprintln(w, "      -no-logins: sessions use their workspace owner's token; no password logins")
	}
	if perMin*float64(cfg.perWS) > 85 {
		fmt.Fprintln(w, "      warning: that is near the workspace budget: expect 429s (lower -users-per-workspace)")
	}
}

// meanRequests is the HTTP requests an action of the mix sends, on average.
func meanRequests(mix []Weighted) float64 {
	var n, total float64
	for _, m := range mix {
		n += m.Weight * float64(m.Action.requests())
		total += m.Weight
	}
	return n / total
}

// progress prints a line every interval: the last interval's actions, errors and latencies, the
// actions in flight and the stack's CPU.
func progress(ctx context.Context, w io.Writer, r *runner, watcher *ProcWatcher, plan Plan, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
		now := time.Since(r.start)
		from := max(0, now-every-every) // scheduled a little earlier, finished by now
		samples := r.rec.Between(from, now-every)
		st := Aggregate(samples, r.exclude)
		all := st[len(st)-1]
		sessions := 0
		r.sessions.Range(func(_, _ any) bool { sessions++; return true })
		u := watcher.Between(time.Now().Add(-every), time.Now())
		workerd := 0.0
		for _, c := range u.Classes {
			if c.Class == runtimeClass {
				workerd = c.CPU
			}
		}
		fmt.Fprintf(w, "load: %5.0fs  sessions %4d  dispatched %6d  in flight %4d | %5.1f actions/s  p50 %6s  p99 %7s  max %7s ms  failed %d | CPU workerd %3.0f%%  machine %3.0f%%\n",
			now.Seconds(), sessions, r.dispatched.Load(), r.inFlight.Load(), float64(all.N)/every.Seconds(),
			ms(all.Lat.P50), ms(all.Lat.P99), ms(all.Lat.Max), all.Errors, workerd, u.Machine)
	}
}

// report prints each window's table.
func report(w io.Writer, cfg *config, r *runner, watcher *ProcWatcher, verdicts []Verdict) {
	if cfg.find {
		fmt.Fprintf(w, "\nfind: p99 of every action (failed ones at their latency, unfinished ones as infinite) under %s, failures at most %.1f%%\n", cfg.slo, 100*cfg.sloErrors)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "users\tactions/s\treq/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\tfailed\tworkerd CPU\tother work on the machine\tverdict\t")
		for _, v := range verdicts {
			fmt.Fprintf(tw, "%d\t%.1f\t%.1f\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t\n", v.Window.Users, v.Rate, v.ReqRate, ms(v.P50), ms(v.P90), ms(v.P99), ms(v.Max),
				v.Errors+v.Missing, pct(runtimeCPU(v.Usage)), pct(v.Usage.Others()), v.verdict(cfg.slo))
		}
		tw.Flush()
		held := -1
		for i, v := range verdicts {
			if v.Holds {
				held = i
			}
		}
		if held >= 0 {
			fmt.Fprintf(w, "largest user count that held: %d\n", verdicts[held].Window.Users)
		} else {
			fmt.Fprintln(w, "no step held")
		}
		// The detail of the last step that held and of the first that did not.
		for i, v := range verdicts {
			if i == held || (!v.Holds && i == held+1) {
				printWindow(w, r, v)
			}
		}
		return
	}
	for _, v := range verdicts {
		printWindow(w, r, v)
	}
}

func printWindow(w io.Writer, r *runner, v Verdict) {
	win := v.Window
	span := win.End - win.Start
	samples := r.rec.Between(win.Start, win.End)
	fmt.Fprintf(w, "\n%d users, actions scheduled from %s to %s (%s, after the ramp); latency from each action's scheduled time, nearest-rank percentiles over successful actions\n",
		win.Users, win.Start, win.End, span)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "action\tn\treq\tper s\tp50 ms\tp90 ms\tp99 ms\tmax ms\tfailed\tfailures\t")
	for _, st := range Aggregate(samples, r.exclude) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%s\t%s\t%s\t%s\t%d\t%s\t\n", st.Action, st.N, st.Requests, float64(st.N)/span.Seconds(),
			ms(st.Lat.P50), ms(st.Lat.P90), ms(st.Lat.P99), ms(st.Lat.Max), st.Errors, FormatOutcomes(st.Outcomes))
	}
	tw.Flush()
	fmt.Fprintf(w, "throughput %.1f HTTP requests/s; %d actions unfinished at the window's verdict; the generator's worst lag %s ms\n",
		v.ReqRate, v.Missing, ms(maxLag(samples)))
	u := v.Usage
	if !u.Measured {
		fmt.Fprintln(w, "processes: not measured (give -pgid with -base)")
		return
	}
	fmt.Fprintf(w, "processes over the window (CPU in %% of one core; this machine has %d): machine busy %s, of which work other than the stack's and this generator's %s\n",
		runtime.NumCPU(), pct(u.Machine), pct(u.Others()))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "process\tcount\tCPU\tpeak RSS MB\t")
	for _, c := range u.Classes {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%.0f\t\n", c.Class, c.Procs, pct(c.CPU), float64(c.PeakRSS)/(1<<20))
	}
	tw.Flush()
	if len(u.Threads) > 0 {
		var parts []string
		for _, t := range u.Threads[:min(5, len(u.Threads))] {
			parts = append(parts, fmt.Sprintf("%s %s", t.Name, pct(t.CPU)))
		}
		fmt.Fprintf(w, "workerd's busiest threads: %s\n", strings.Join(parts, ", "))
	}
	if reqs := v.ReqRate * span.Seconds(); reqs > 0 {
		fmt.Fprintf(w, "workerd CPU per HTTP request: %.2f ms\n", runtimeCPU(u)/100*span.Seconds()*1000/reqs)
	}
}

func runtimeCPU(u Usage) float64 {
	for _, c := range u.Classes {
		if c.Class == runtimeClass {
			return c.CPU
		}
	}
	return 0
}

func pct(f float64) string { return fmt.Sprintf("%.0f%%", f) }

func maxLag(samples []Sample) time.Duration {
	var m time.Duration
	for _, s := range samples {
		m = max(m, s.Lag)
	}
	return m
}

// writeSamples writes samples as CSV, for a closer look at the slow ones.
func writeSamples(path string, start time.Time, samples []Sample) error {
	var b strings.Builder
	b.WriteString("scheduled_unix_ms,action,outcome,latency_ms,lag_ms\n")
	for _, s := range samples {
		fmt.Fprintf(&b, "%d,%s,%s,%.3f,%.3f\n", start.Add(s.At).UnixMilli(), s.Action, s.Outcome,
			float64(s.Latency)/float64(time.Millisecond), float64(s.Lag)/float64(time.Millisecond))
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
