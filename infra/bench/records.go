package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/infra/devstack"
)

// recordsPerWorkspace keeps each workspace within its rate limit (100 requests a minute): a
// workspace serves its seeding, a warm-up round and 9 measured rounds of the 8 record requests.
const recordsPerWorkspace = 84

// recordOp is one of the record requests the records figures time.
type recordOp struct {
	name   string
	method string
	path   func(ws *benchWorkspace) string
	body   []byte
	// bodyOf, when set, makes the body for the workspace (a mutation naming its person).
	bodyOf func(ws *benchWorkspace) []byte
	want   int
}

// benchWorkspace is a workspace the records figures run in: its token and a seeded person's id.
type benchWorkspace struct {
	tg       *target
	personID string
	used     int
}

// recordOps are the calls the issues' figures name: on REST list 20 people, get one, a filtered
// list and create one; on GraphQL people(first:20) and createPerson. A GraphQL answer with errors
// still has status 200: the figures check the body for them.
func recordOps() []recordOp {
	return []recordOp{
		{name: "GET /rest/people?limit=20", method: http.MethodGet, want: http.StatusOK,
			path: func(*benchWorkspace) string { return "/rest/people?limit=20" }},
		{name: "GET /rest/people/{id}", method: http.MethodGet, want: http.StatusOK,
			path: func(ws *benchWorkspace) string { return "/rest/people/" + ws.personID }},
		{name: "GET /rest/people?filter=city[eq]:Paris,position[gte]:10", method: http.MethodGet, want: http.StatusOK,
			path: func(*benchWorkspace) string {
				return "/rest/people?filter=city%5Beq%5D:Paris,position%5Bgte%5D:10&limit=20"
			}},
		{name: "POST /rest/people", method: http.MethodPost, want: http.StatusCreated,
			path: func(*benchWorkspace) string { return "/rest/people" },
			body: []byte(`{"name":{"firstName":"Bench","lastName":"Created"},"city":"Lyon"}`)},
		{name: "POST /graphql people(first:20)", method: http.MethodPost, want: http.StatusOK,
			path: func(*benchWorkspace) string { return "/graphql" },
			body: []byte(`{"query":"{ people(first: 20) { edges { node { id name { firstName lastName } city emails { primaryEmail } position createdAt } cursor } pageInfo { hasNextPage endCursor } totalCount } }"}`)},
		{name: "POST /graphql createPerson", method: http.MethodPost, want: http.StatusOK,
			path: func(*benchWorkspace) string { return "/graphql" },
			body: []byte(`{"query":"mutation { createPerson(data: {name: {firstName: \"Bench\", lastName: \"GraphQL\"}, city: \"Lyon\"}) { id city createdAt } }"}`)},
		{name: "PATCH /rest/people/{id}", method: http.MethodPatch, want: http.StatusOK,
			path:   func(ws *benchWorkspace) string { return "/rest/people/" + ws.personID },
			bodyOf: func(ws *benchWorkspace) []byte { return []byte(fmt.Sprintf(`{"city":"Nice %d"}`, ws.used)) }},
		{name: "POST /graphql updatePerson", method: http.MethodPost, want: http.StatusOK,
			path: func(*benchWorkspace) string { return "/graphql" },
			bodyOf: func(ws *benchWorkspace) []byte {
				return []byte(fmt.Sprintf(`{"query":"mutation { updatePerson(id: \"%s\", data: {city: \"Nice %d\"}) { id city updatedAt } }"}`, ws.personID, ws.used))
			}},
	}
}

// seedWorkspace creates 20 people in the workspace of tg's token and remembers one of them.
func seedWorkspace(ctx context.Context, tg *target) (*benchWorkspace, error) {
	people := make([]string, 20)
	for i := range people {
		people[i] = fmt.Sprintf(`{"name":{"firstName":"Bench","lastName":"%d"},"city":"Paris","position":%d,"emails":{"primaryEmail":"bench%d@example.com"}}`, i, i, i)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tg.base+"/rest/batch/people", bytes.NewReader([]byte("["+strings.Join(people, ",")+"]")))
	if err != nil {
		return nil, err
	}
	req.Header = tg.header.Clone()
	req.Header.Set("Content-Type", "application/json")
	res, err := tg.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("seeding people: %w", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("seeding people: status %d: %.200s", res.StatusCode, raw)
	}
	var created struct {
		Data struct {
			CreatePeople []struct{ ID string } `json:"createPeople"`
		}
	}
	if err := json.Unmarshal(raw, &created); err != nil || len(created.Data.CreatePeople) == 0 {
		return nil, fmt.Errorf("seeding people: unexpected answer %.200s", raw)
	}
	return &benchWorkspace{tg: tg, personID: created.Data.CreatePeople[0].ID, used: 1}, nil
}

// recordFigures times the record requests, n of each, interleaved one of each per round so that
// drift in the machine's load hits them alike. Against a server of our own it signs up a new
// workspace whenever the current one nears its rate limit; against another server (a Twenty,
// with -token) every request runs in the token's workspace.
func recordFigures(ctx context.Context, w io.Writer, tg *target, n int, signUpWorkspaces bool, o recordRun) error {
	r, err := newRecordRunner(ctx, tg, signUpWorkspaces, o.cpu)
	if err != nil {
		return err
	}
	r.pass = strings.TrimSpace(o.label)
	start := time.Now()
	for range n {
		if err := r.round(ctx); err != nil {
			return err
		}
	}
	results := r.finish(ctx, time.Since(start))
	fmt.Fprintf(w, "\nrecords%s (n=%d each, interleaved%s, %d workspace(s) of 20 seeded people; Twenty on this machine: REST list 20 p50 ~10 ms, create p50 ~30 ms; GraphQL people(first:20) p50 7.4 ms, createPerson 26.5 ms)\n", o.label, n, gapNote(tg.gap), r.workspaces)
	printResults(w, results)
	r.cpuUse.print(w, len(r.ops)*n)
	fmt.Fprintf(w, "first request of each kind in a new workspace (its warm-up round, not in the figures above; %d workspaces)\n", r.workspaces)
	printResults(w, r.coldResults())
	return nil
}

// gapNote names the pause before each record request, when there is one.
func gapNote(gap time.Duration) string {
	if gap <= 0 {
		return ""
	}
	return fmt.Sprintf(", a %v gap before each", gap)
}

// recordRunner sends the record requests to one server, a round (one request of each) at a time,
// signing up and seeding a new workspace whenever the current one nears its rate limit.
type recordRunner struct {
	pass             string // the figures' label, for -samples
	tg               *target
	signUpWorkspaces bool
	cpu              cpuMeter
	ops              []recordOp
	ws               *benchWorkspace
	workspaces       int
	results          []pathResult
	lats             [][]time.Duration
	cpuUse           cpuUse
	// cold holds the warm-up round of each workspace: the first request of each kind there,
	// which fills the caches of a workspace not seen before (its schema, its GraphQL schema).
	cold     []pathResult
	coldLats [][]time.Duration
}

func newRecordRunner(ctx context.Context, tg *target, signUpWorkspaces bool, cpu cpuMeter) (*recordRunner, error) {
	r := &recordRunner{tg: tg, signUpWorkspaces: signUpWorkspaces, cpu: cpu, ops: recordOps()}
	r.results, r.cold = make([]pathResult, len(r.ops)), make([]pathResult, len(r.ops))
	r.lats, r.coldLats = make([][]time.Duration, len(r.ops)), make([][]time.Duration, len(r.ops))
	for i, op := range r.ops {
		r.results[i] = pathResult{path: op.name, statuses: map[int]int{}}
		r.cold[i] = pathResult{path: op.name, statuses: map[int]int{}}
	}
	if err := r.nextWorkspace(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// nextWorkspace moves to a new seeded workspace: a new sign-up, or the token's own workspace.
func (r *recordRunner) nextWorkspace(ctx context.Context) error {
	wtg := r.tg
	if r.signUpWorkspaces {
		_, _, access, err := signUp(ctx, r.tg)
		if err != nil {
			return fmt.Errorf("records figures: sign-up: %w", err)
		}
		c := *r.tg
		c.header = r.tg.header.Clone()
		c.header.Set("Authorization", "Bearer "+access)
		wtg = &c
	}
	ws, err := seedWorkspace(ctx, wtg)
	if err != nil {
		return err
	}
	r.ws = ws
	r.workspaces++
	// The figures are of a workspace in use: its first requests (warming its caches) are timed
	// apart, and the work its sign-up and seeding leave behind (their events through the pipeline)
	// is done before the measured rounds start.
	r.send(ctx, true)
	r.quiet(ctx)
	return ctx.Err()
}

// round sends one request of each op, in order, timing the successful ones and the CPU the
// server's processes spend on the round. Before moving to a new workspace it waits for the work
// the measured rounds left behind (their events through the pipeline), counting its CPU with them.
func (r *recordRunner) round(ctx context.Context) error {
	if r.signUpWorkspaces && r.ws.used+len(r.ops) > recordsPerWorkspace {
		r.settle(ctx)
		if err := r.nextWorkspace(ctx); err != nil {
			return err
		}
	}
	before := r.cpu.read()
	r.send(ctx, false)
	r.cpuUse.add(before, r.cpu.read())
	return ctx.Err()
}

// send sends one request of each op in the current workspace, into the warm-up rounds' figures
// (cold) or the measured ones.
func (r *recordRunner) send(ctx context.Context, cold bool) {
	results, lats, phase := r.results, r.lats, "measured"
	if cold {
		results, lats, phase = r.cold, r.coldLats, "cold"
	}
	ws := r.ws
	for i, op := range r.ops {
		c := *ws.tg
		body := op.body
		if op.bodyOf != nil {
			body = op.bodyOf(ws)
		}
		if body != nil {
			c.header = ws.tg.header.Clone()
			c.header.Set("Content-Type", "application/json")
		}
		if c.gap > 0 {
			time.Sleep(c.gap)
		}
		start := time.Now()
		s := c.do(ctx, op.method, op.path(ws), body)
		c.samples.add(r.pass, phase, op.name, start, s)
		if s.status == http.StatusOK && op.path(ws) == "/graphql" && s.graphqlErrors {
			s.status = http.StatusUnprocessableEntity // counted as an error
		}
		ws.used++
		results[i].sent++
		if s.status != op.want {
			results[i].errors++
			results[i].statuses[s.status]++
			if results[i].firstErr == nil {
				results[i].firstErr = fmt.Errorf("status %d (want %d) %v", s.status, op.want, s.err)
			}
			continue
		}
		lats[i] = append(lats[i], s.d)
	}
}

// settle waits for the server to go quiet, counting the CPU it spends meanwhile as the measured
// rounds': what they left behind is part of their cost.
func (r *recordRunner) settle(ctx context.Context) {
	before := r.cpu.read()
	r.quiet(ctx)
	r.cpuUse.add(before, r.cpu.read())
}

// quiet waits until the stack's runtime has run at most 3 ms in each of two successive 50 ms
// windows (its queued work done), for at most 5 s. Without a CPU meter (another server) it
// returns at once.
func (r *recordRunner) quiet(ctx context.Context) {
	if r.cpu.runtimePID == 0 {
		return
	}
	const window, busy = 50 * time.Millisecond, 3 * time.Millisecond
	run := func() time.Duration {
		d, err := devstack.RunTime(r.cpu.runtimePID)
		if err != nil {
			return 0
		}
		return d
	}
	deadline := time.Now().Add(5 * time.Second)
	idle, last := 0, run()
	for idle < 2 && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(window)
		now := run()
		if now-last <= busy {
			idle++
		} else {
			idle = 0
		}
		last = now
	}
}

// finish waits for the work the last rounds left behind, then summarizes the rounds sent so
// far, over elapsed.
func (r *recordRunner) finish(ctx context.Context, elapsed time.Duration) []pathResult {
	r.settle(ctx)
	for i := range r.results {
		r.results[i].lat = Summarize(r.lats[i])
		r.results[i].elapsed = elapsed / time.Duration(len(r.ops))
	}
	return r.results
}

// coldResults summarizes the warm-up rounds.
func (r *recordRunner) coldResults() []pathResult {
	for i := range r.cold {
		r.cold[i].lat = Summarize(r.coldLats[i])
	}
	return r.cold
}

// recordRun tells recordFigures what it measures: a label for the heading and the processes
// whose CPU time it reports per request (none against another server).
type recordRun struct {
	label string
	cpu   cpuMeter
}

// cpuMeter reads the CPU time of the stack's workerd processes: the runtime and wrangler's proxy.
type cpuMeter struct {
	runtimePID, proxyPID int
}

// cpuSample is the CPU time of the runtime and the proxy at one moment.
type cpuSample struct{ runtime, proxy time.Duration }

func (m cpuMeter) read() cpuSample {
	var s cpuSample
	if m.runtimePID != 0 {
		s.runtime, _ = devstack.CPUTime(m.runtimePID)
	}
	if m.proxyPID != 0 {
		s.proxy, _ = devstack.CPUTime(m.proxyPID)
	}
	return s
}

// cpuUse sums CPU time over the measured rounds only: sign-ups (bcrypt) and seeding between
// rounds are left out. Work a round leaves behind (queued record events) counts in a later one.
type cpuUse struct {
	total cpuSample
	seen  bool
}

func (u *cpuUse) add(before, after cpuSample) {
	u.total.runtime += after.runtime - before.runtime
	u.total.proxy += after.proxy - before.proxy
	u.seen = u.seen || after.runtime > 0
}

func (u *cpuUse) print(w io.Writer, requests int) {
	if !u.seen || requests == 0 {
		return
	}
	per := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(requests) }
	fmt.Fprintf(w, "CPU per request (workerd, 10 ms ticks summed over the rounds): runtime %.2f ms, wrangler's dev proxy %.2f ms\n",
		per(u.total.runtime), per(u.total.proxy))
}

// localRecordFigures runs the records figures. On the local stack it runs them twice: through the
// dev URL, where wrangler's proxy Worker forwards every request (about 2 ms of CPU each, a cost
// no deployment has), and at the runtime's own socket, reporting workerd's CPU per request.
func localRecordFigures(ctx context.Context, stdout, stderr io.Writer, tg *target, stack *devstack.Stack, n int, noToken bool) error {
	if stack == nil {
		return recordFigures(ctx, stdout, tg, n, noToken, recordRun{})
	}
	rt, err := stack.Runtime(ctx, "/healthz")
	if err != nil {
		fmt.Fprintf(stderr, "bench: runtime socket not found, records figures through the dev URL only: %v\n", err)
		return recordFigures(ctx, stdout, tg, n, true, recordRun{label: " through wrangler dev's URL"})
	}
	meter := cpuMeter{runtimePID: rt.PID, proxyPID: rt.ProxyPID}
	if err := recordFigures(ctx, stdout, tg, n, true, recordRun{label: " through wrangler dev's URL (its proxy Worker in front)", cpu: meter}); err != nil {
		return err
	}
	direct := *tg
	direct.base = rt.URL
	before, gcErr := direct.instanceAt(ctx, recordsInstance)
	if err := recordFigures(ctx, stdout, &direct, n, true, recordRun{label: " at the runtime's own socket (no dev proxy, as deployed traffic arrives)", cpu: meter}); err != nil {
		return err
	}
	if gcErr == nil {
		gcErr = collectorFigures(ctx, stdout, &direct, before) // collector.go
	}
	if gcErr != nil {
		fmt.Fprintf(stderr, "bench: no garbage collector figures: %v\n", gcErr)
	}
	return nil
}
