package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// The workflow figures time Twenty's workflows on a stack: in workspaces each with an active
// one-step workflow ("when a person is created, POST their id to a receiver"), a burst of person
// creates through REST each starts a run, which travels the record event pipeline (outbox,
// relay, queue, the workflow subscriber), is created as a workflowRun and runs its step as a
// queue job. They report runs per second and the latency from a create's request to its step's
// POST at the receiver (the run saves its COMPLETED state right after), and check every run
// ended COMPLETED.

// stepReceiver records when each record's HTTP_REQUEST step arrived.
type stepReceiver struct {
	mu       sync.Mutex
	arrived  map[string]time.Time // by record id
	dupes    int
	received atomic.Int64
}

func (rc *stepReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	var body struct{ ID string }
	raw, err := io.ReadAll(r.Body)
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil || body.ID == "" {
		http.Error(w, "not a workflow step", http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	if _, seen := rc.arrived[body.ID]; seen {
		rc.dupes++
	} else {
		rc.arrived[body.ID] = now
	}
	rc.mu.Unlock()
	rc.received.Add(1)
	w.WriteHeader(http.StatusOK)
}

// graphqlCall posts a data operation to /graphql with token and decodes its data into out.
func graphqlCall(ctx context.Context, tg *target, token, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tg.base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := tg.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	var reply struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.Unmarshal(raw, &reply); err != nil || len(reply.Errors) > 0 {
		return fmt.Errorf("%s: status %d: %s", query[:min(40, len(query))], res.StatusCode, raw)
	}
	return json.Unmarshal(reply.Data, out)
}

// activeWorkflow creates and activates the one-step workflow in the token's workspace.
func activeWorkflow(ctx context.Context, tg *target, token, receiver string) error {
	var wf struct{ CreateWorkflow struct{ ID string } }
	if err := graphqlCall(ctx, tg, token, `mutation($d: WorkflowCreateInput!) { createWorkflow(data: $d) { id } }`,
		map[string]any{"d": map[string]any{"name": "Bench"}}, &wf); err != nil {
		return err
	}
	trigger := map[string]any{"type": "DATABASE_EVENT", "settings": map[string]any{"eventName": "person.created"}, "nextStepIds": []string{"post"}}
	steps := []map[string]any{{"id": "post", "name": "POST", "type": "HTTP_REQUEST", "valid": true, "nextStepIds": []string{},
		"settings": map[string]any{"input": map[string]any{"url": receiver, "method": "POST", "body": map[string]any{"id": "{{trigger.id}}"}}}}}
	var v struct{ CreateWorkflowVersion struct{ ID string } }
	if err := graphqlCall(ctx, tg, token, `mutation($d: WorkflowVersionCreateInput!) { createWorkflowVersion(data: $d) { id } }`,
		map[string]any{"d": map[string]any{"workflowId": wf.CreateWorkflow.ID, "name": "v1", "trigger": trigger, "steps": steps}}, &v); err != nil {
		return err
	}
	var ok struct{ ActivateWorkflowVersion bool }
	return graphqlCall(ctx, tg, token, `mutation($id: UUID!) { activateWorkflowVersion(workflowVersionId: $id) }`,
		map[string]any{"id": v.CreateWorkflowVersion.ID}, &ok)
}

// workflowFigures sends n person creates over c connections to workspaces with the bench
// workflow active and waits (up to timeout) for their n steps' POSTs.
func workflowFigures(ctx context.Context, w, stderr io.Writer, tg *target, n, c int, timeout time.Duration) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("workflow figures: receiver: %w", err)
	}
	rc := &stepReceiver{arrived: make(map[string]time.Time, n)}
	srv := &http.Server{Handler: rc, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	// A workspace may send Twenty's 100 API requests a minute, a few of them spent on the setup.
	const perWorkspace = 80
	workspaces := make([]*target, (n+perWorkspace-1)/perWorkspace)
	tokens := make([]string, len(workspaces))
	for i := range workspaces {
		_, _, access, err := signUp(ctx, tg)
		if err != nil {
			return fmt.Errorf("workflow figures: sign-up flow: %w", err)
		}
		if err := activeWorkflow(ctx, tg, access, "http://"+ln.Addr().String()+"/step"); err != nil {
			return fmt.Errorf("workflow figures: the workflow: %w", err)
		}
		authed := *tg
		authed.header = tg.header.Clone()
		authed.header.Set("Authorization", "Bearer "+access)
		authed.header.Set("Content-Type", "application/json")
		workspaces[i], tokens[i] = &authed, access
	}
	fmt.Fprintf(stderr, "bench: workflows: %d person creates over %d connections in %d workspaces, each with an active one-step workflow\n", n, c, len(workspaces))
	started := make(map[string]time.Time, n)
	var mu sync.Mutex
	var failed atomic.Int64
	next := make(chan int)
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			for i := range next {
				id := newRecordID()
				body, _ := json.Marshal(map[string]any{"id": id, "city": "Bench"})
				mu.Lock()
				started[id] = time.Now()
				mu.Unlock()
				if s := workspaces[i%len(workspaces)].do(ctx, http.MethodPost, "/rest/people", body); s.status != http.StatusCreated {
					failed.Add(1)
				}
			}
		})
	}
	first := time.Now()
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	want := int64(n) - failed.Load()
	deadline := time.Now().Add(timeout)
	for rc.received.Load() < want && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(time.Second) // the last runs save their COMPLETED state after their POST
	completed := 0
	for _, token := range tokens {
		var runs struct{ WorkflowRuns struct{ TotalCount int } }
		if err := graphqlCall(ctx, tg, token, `{ workflowRuns(filter: {status: {eq: COMPLETED}}) { totalCount } }`, nil, &runs); err != nil {
			return fmt.Errorf("workflow figures: count the runs: %w", err)
		}
		completed += runs.WorkflowRuns.TotalCount
	}

	rc.mu.Lock()
	defer rc.mu.Unlock()
	var lat []time.Duration
	var last time.Time
	for id, at := range rc.arrived {
		if s, ok := started[id]; ok {
			lat = append(lat, at.Sub(s))
		}
		if at.After(last) {
			last = at
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	s := Summarize(lat)
	fmt.Fprintf(w, "\nworkflows: %d person creates (c=%d), each running a one-step workflow (DATABASE_EVENT → HTTP_REQUEST)\n", n, c)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "creates ok\tsteps\tduplicates\tcompleted\truns/s\tp50\tp90\tp99\tmax\t")
	rps := 0.0
	if !last.IsZero() {
		rps = float64(len(lat)) / last.Sub(first).Seconds()
	}
	fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%.1f\t%s\t%s\t%s\t%s\t\n", want, len(rc.arrived), rc.dupes, completed, rps,
		millis(s.P50), millis(s.P90), millis(s.P99), millis(s.Max))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "  latency: from a create's request to its run's step POST at the receiver; runs/s: steps received over the time from the first request to the last")
	if missing := want - int64(len(rc.arrived)); missing > 0 {
		return fmt.Errorf("workflow figures: %d steps did not arrive within %s", missing, timeout)
	}
	if int64(completed) != want {
		return fmt.Errorf("workflow figures: %d runs COMPLETED, want %d", completed, want)
	}
	return nil
}
