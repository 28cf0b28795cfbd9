package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// runner plays a schedule against the API: one goroutine per action at its scheduled time,
// whatever the server is doing.
type runner struct {
	api        *api
	rec        *Recorder
	workspaces []*workspace
	perWS      int    // users (slots) per workspace
	fixedToken string // -token: every session uses it and does not log in
	noLogins   bool   // sessions use their workspace owner's token instead of logging in
	exclude    []Action
	smallFile  []byte
	sessions   sync.Map       // session number → *session
	watchers   sync.WaitGroup // event streams being read
	inFlight   atomic.Int64
	dispatched atomic.Int64
	start      time.Time
	windows    []Window
	perWindow  []atomic.Int64 // ALL-row actions dispatched per window
}

// session is one simulated user's visit: a login, maybe an event stream, actions.
type session struct {
	ws    *workspace
	ip    string
	ready chan struct{} // closed once the login ended
	token string        // empty if the login failed
	mu    sync.Mutex
	str   *stream
	ended bool
}

func (r *runner) workspaceOf(slot int) *workspace {
	return r.workspaces[(slot/r.perWS)%len(r.workspaces)]
}

func (r *runner) sessionOf(ev Event) *session {
	s, _ := r.sessions.LoadOrStore(ev.Session, &session{ws: r.workspaceOf(ev.Slot), ip: randomIP(), ready: make(chan struct{})})
	return s.(*session)
}

// play dispatches events until they run out, ctx ends or stop closes; then it waits up to drain
// for the actions in flight.
func (r *runner) play(ctx context.Context, events []Event, stop <-chan struct{}, drain time.Duration) {
	reqCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	var wg sync.WaitGroup
	timer := time.NewTimer(0)
	<-timer.C
dispatch:
	for _, ev := range events {
		if d := time.Until(r.start.Add(ev.At)); d > 0 {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-ctx.Done():
				timer.Stop()
				break dispatch
			case <-stop:
				timer.Stop()
				break dispatch
			}
		}
		select {
		case <-stop:
			break dispatch
		default:
		}
		if i := windowOf(r.windows, ev.At); i >= 0 && ev.Action.requests() > 0 && !containsAction(r.exclude, ev.Action) {
			r.perWindow[i].Add(1)
		}
		r.dispatched.Add(1)
		wg.Go(func() { r.exec(reqCtx, ev) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		// The last creates' events are still on their way to the streams.
		sleepUntil(ctx, time.Now().Add(min(drain, 2*time.Second)))
	case <-time.After(drain):
	}
	cancel() // actions still in flight fail as transport errors
	r.sessions.Range(func(_, v any) bool {
		v.(*session).close()
		return true
	})
	<-done
	r.watchers.Wait()
}

func windowOf(ws []Window, at time.Duration) int {
	for i, w := range ws {
		if at >= w.Start && at < w.End {
			return i
		}
	}
	return -1
}

func containsAction(as []Action, a Action) bool {
	for _, x := range as {
		if x == a {
			return true
		}
	}
	return false
}

func (s *session) close() {
	s.mu.Lock()
	s.ended = true
	str := s.str
	s.str = nil
	s.mu.Unlock()
	if str != nil {
		str.body.Close()
	}
}

// exec runs one event and records it.
func (r *runner) exec(ctx context.Context, ev Event) {
	due := r.start.Add(ev.At)
	lag := time.Since(due)
	sess := r.sessionOf(ev)
	if ev.Action == ActEnd {
		sess.close()
		r.sessions.Delete(ev.Session)
		return
	}
	r.inFlight.Add(1)
	defer r.inFlight.Add(-1)
	record := func(outcome string) {
		r.rec.Add(Sample{At: ev.At, Action: ev.Action, Outcome: outcome, Latency: time.Since(due), Lag: lag})
	}
	if ev.Action == ActLogin {
		if r.fixedToken != "" || sess.ws.password == "" || r.noLogins {
			sess.token = cmp.Or(r.fixedToken, sess.ws.owner)
			close(sess.ready)
			return // a session on a given token does not log in
		}
		tok, o := r.api.login(ctx, sess.ip, sess.ws.email, sess.ws.password)
		sess.token = tok
		close(sess.ready)
		record(o)
		return
	}
	select {
	case <-sess.ready:
	case <-ctx.Done():
		record(outcomeTransport)
		return
	}
	if sess.token == "" {
		record("no-login")
		return
	}
	who := caller{token: sess.token, ip: sess.ip}
	ws := sess.ws
	switch ev.Action {
	case ActSubscribe:
		str, o := r.api.subscribe(ctx, who)
		record(o)
		if str == nil {
			return
		}
		sess.mu.Lock()
		if sess.ended {
			sess.mu.Unlock()
			str.body.Close()
			return
		}
		sess.str = str
		sess.mu.Unlock()
		r.watchers.Go(func() { r.watch(ws, str) })
	case ActList:
		city := cities[rand.IntN(len(cities))]
		res := r.api.do(ctx, who, http.MethodGet, "/rest/people?filter=city%5Beq%5D:"+city+"&order_by=position%5BAscNullsFirst%5D&limit=20", nil)
		record(res.outcome(http.StatusOK, false))
	case ActGet:
		res := r.api.do(ctx, who, http.MethodGet, "/rest/people/"+ws.randomPerson(), nil)
		record(res.outcome(http.StatusOK, false))
	case ActGQLList:
		_, o := r.api.gql(ctx, who, "/graphql", gqlListQuery, map[string]any{"city": cities[rand.IntN(len(cities))]}, nil)
		record(o)
	case ActSearch:
		name := []rune(firstNames[rand.IntN(len(firstNames))])
		if rand.IntN(2) == 1 {
			name = []rune(lastNames[rand.IntN(len(lastNames))])
		}
		_, o := r.api.gql(ctx, who, "/graphql", searchQuery, map[string]any{"q": string(name[:min(2+rand.IntN(3), len(name))])}, nil)
		record(o)
	case ActCreate:
		id := newUUIDv4()
		body, _ := json.Marshal(map[string]any{"id": id,
			"name":   map[string]any{"firstName": firstNames[rand.IntN(len(firstNames))], "lastName": "Load"},
			"city":   cities[rand.IntN(len(cities))],
			"emails": map[string]any{"primaryEmail": "load-" + id[:8] + "@example.com"}})
		ws.addCreated(id, time.Now())
		res := r.api.do(ctx, who, http.MethodPost, "/rest/people", body)
		record(res.outcome(http.StatusCreated, false))
	case ActUpdate:
		body, _ := json.Marshal(map[string]any{"city": cities[rand.IntN(len(cities))], "position": rand.IntN(1000)})
		res := r.api.do(ctx, who, http.MethodPatch, "/rest/people/"+ws.randomPerson(), body)
		record(res.outcome(http.StatusOK, false))
	case ActUpload:
		record(r.api.upload(ctx, who, r.smallFile))
	default:
		record("unknown-action")
	}
}

// watch reads a session's stream until it closes, recording each person create of the run that
// reaches it (from the create's send to the event's arrival).
func (r *runner) watch(ws *workspace, str *stream) {
	for {
		id, err := str.next()
		if err != nil {
			return
		}
		now := time.Now()
		if sent, ok := ws.createdAt(id); ok {
			r.rec.Add(Sample{At: sent.Sub(r.start), Action: ActEvent, Outcome: outcomeOK, Latency: now.Sub(sent)})
		}
	}
}

// newUUIDv4 makes a record id.
func newUUIDv4() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rand.IntN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
