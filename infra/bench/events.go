package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

// The events figures time the whole record event pipeline on a stack: a burst of person creates
// through REST, each producing a person.created event that travels through the shard's outbox,
// the relay, the jobs queue and the webhook subscriber to an HTTP receiver this command runs.
// They report events per second through the pipeline and the latency from a mutation's request
// to its webhook's arrival.

// webhookReceiver records when each record's webhook arrived.
type webhookReceiver struct {
	mu       sync.Mutex
	arrived  map[string]time.Time // by record id
	dupes    int
	received atomic.Int64
}

func (rc *webhookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	var body struct {
		EventName string `json:"eventName"`
		Record    struct {
			ID string `json:"id"`
		} `json:"record"`
	}
	raw, err := io.ReadAll(r.Body)
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil || body.Record.ID == "" {
		http.Error(w, "not a webhook", http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	if _, seen := rc.arrived[body.Record.ID]; seen {
		rc.dupes++
	} else {
		rc.arrived[body.Record.ID] = now
	}
	rc.mu.Unlock()
	rc.received.Add(1)
	w.WriteHeader(http.StatusOK)
}

// eventFigures creates a webhook on person.created in a new workspace of tg, sends n person
// creates over c connections and waits (up to timeout) for their n webhooks.
func eventFigures(ctx context.Context, w, stderr io.Writer, tg *target, n, c int, timeout time.Duration) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("events figures: receiver: %w", err)
	}
	rc := &webhookReceiver{arrived: make(map[string]time.Time, n)}
	srv := &http.Server{Handler: rc, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	// Each workspace may send Twenty's 100 API requests a minute: the burst is spread over enough
	// workspaces, each with its webhook.
	const perWorkspace = 90
	workspaces := make([]*target, (n+perWorkspace-1)/perWorkspace)
	for i := range workspaces {
		_, _, access, err := signUp(ctx, tg)
		if err != nil {
			return fmt.Errorf("events figures: sign-up flow: %w", err)
		}
		var created struct{ CreateWebhook struct{ ID string } }
		if _, err := gqlCall(ctx, tg, access, `mutation($in:CreateWebhookInput!){createWebhook(input:$in){id}}`,
			map[string]any{"in": map[string]any{"targetUrl": "http://" + ln.Addr().String() + "/hook", "operations": []string{"person.created"}}}, &created); err != nil {
			return fmt.Errorf("events figures: create the webhook: %w", err)
		}
		authed := *tg
		authed.header = tg.header.Clone()
		authed.header.Set("Authorization", "Bearer "+access)
		authed.header.Set("Content-Type", "application/json")
		workspaces[i] = &authed
	}
	fmt.Fprintf(stderr, "bench: events: %d person creates over %d connections in %d workspaces, webhooks to %s\n", n, c, len(workspaces), ln.Addr())
	started := make(map[string]time.Time, n)
	var mu sync.Mutex
	var failed atomic.Int64
	statuses := map[int]int{}
	next := make(chan int)
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			for i := range next {
				authed := workspaces[i%len(workspaces)]
				id := newRecordID()
				body, _ := json.Marshal(map[string]any{"id": id, "city": "Bench"})
				mu.Lock()
				started[id] = time.Now()
				mu.Unlock()
				if s := authed.do(ctx, http.MethodPost, "/rest/people", body); s.status != http.StatusCreated {
					failed.Add(1)
					mu.Lock()
					statuses[s.status]++
					mu.Unlock()
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
	written := time.Since(first)
	want := int64(n) - failed.Load()
	deadline := time.Now().Add(timeout)
	for rc.received.Load() < want && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
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
	fmt.Fprintf(w, "\nevents: %d person creates (c=%d) through outbox → relay → queue → webhook subscriber → HTTP receiver\n", n, c)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "creates ok\twebhooks\tduplicates\twrites/s\tevents/s\tp50\tp90\tp99\tmax\t")
	eps := 0.0
	if !last.IsZero() {
		eps = float64(len(lat)) / last.Sub(first).Seconds()
	}
	fmt.Fprintf(tw, "%d\t%d\t%d\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t\n", want, len(rc.arrived), rc.dupes,
		float64(want)/written.Seconds(), eps, millis(s.P50), millis(s.P90), millis(s.P99), millis(s.Max))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "  latency: from a create's request to its webhook's arrival; events/s: webhooks received over the time from the first request to the last webhook")
	if len(statuses) > 0 {
		fmt.Fprintf(w, "  failed creates by status: %v\n", statuses)
	}
	if missing := want - int64(len(rc.arrived)); missing > 0 {
		return fmt.Errorf("events figures: %d webhooks did not arrive within %s", missing, timeout)
	}
	return nil
}

func newRecordID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func millis(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
