package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeTwenty answers the calls a simulated user makes, each after delay, counting how many it
// serves at once; a person create is published to every open event stream.
type fakeTwenty struct {
	delay             time.Duration
	listStatus        int
	busy, maxBusy     atomic.Int64
	mu                sync.Mutex
	streams           []chan string
	creates, requests atomic.Int64
}

func (f *fakeTwenty) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get("Accept") == "text/event-stream" {
		ch := make(chan string, 64)
		f.mu.Lock()
		f.streams = append(f.streams, ch)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		for {
			select {
			case id := <-ch:
				fmt.Fprintf(w, "event: next\ndata: {\"data\":{\"onDbEvent\":{\"action\":\"CREATED\",\"record\":{\"id\":%q}}}}\n\n", id)
				w.(http.Flusher).Flush()
			case <-r.Context().Done():
				return
			}
		}
	}
	n := f.busy.Add(1)
	defer f.busy.Add(-1)
	for {
		m := f.maxBusy.Load()
		if n <= m || f.maxBusy.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(f.delay)
	q := string(body)
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/metadata" && strings.Contains(q, "getLoginTokenFromCredentials"):
		fmt.Fprint(w, `{"data":{"getLoginTokenFromCredentials":{"loginToken":{"token":"login"}}}}`)
	case r.URL.Path == "/metadata" && strings.Contains(q, "getAuthTokensFromLoginToken"):
		fmt.Fprint(w, `{"data":{"getAuthTokensFromLoginToken":{"tokens":{"accessOrWorkspaceAgnosticToken":{"token":"access"}}}}}`)
	case r.URL.Path == "/metadata" && strings.Contains(q, "createFileUpload"):
		fmt.Fprint(w, `{"data":{"createFileUpload":{"fileId":"f1","uploadUrl":"http://elsewhere/file-upload/f1?token=t","contentType":"text/plain"}}}`)
	case r.URL.Path == "/metadata" && strings.Contains(q, "completeFileUpload"):
		fmt.Fprint(w, `{"data":{"completeFileUpload":{"id":"f1","url":"http://elsewhere/file/f1"}}}`)
	case r.URL.Path == "/file-upload/f1" && r.Method == http.MethodPut:
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/rest/people" && r.Method == http.MethodGet:
		w.WriteHeader(f.listStatus)
		fmt.Fprint(w, `{"data":{"people":[]}}`)
	case r.URL.Path == "/rest/people" && r.Method == http.MethodPost:
		var p struct{ ID string }
		_ = json.Unmarshal(body, &p)
		f.creates.Add(1)
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"data":{"createPerson":{"id":%q}}}`, p.ID)
		f.mu.Lock()
		for _, s := range f.streams {
			select {
			case s <- p.ID:
			default:
			}
		}
		f.mu.Unlock()
	default:
		http.Error(w, `{"error":"unexpected"}`, http.StatusTeapot)
	}
}

// A slow server does not slow the arrivals: every action goes out at its scheduled time, so
// the server sees more actions at once than there are users, and the latencies include the
// delay. Failures are counted by status; event deliveries are timed.
func TestRunnerOpenLoop(t *testing.T) {
	const delay = 300 * time.Millisecond
	fake := &fakeTwenty{delay: delay, listStatus: http.StatusTooManyRequests}
	srv := httptest.NewServer(fake)
	defer srv.Close()

	plan := Plan{Stages: []Stage{{Users: 3, Hold: 1500 * time.Millisecond}}, Think: 60 * time.Millisecond, Subscribe: 1,
		Mix: mixOf(t, "list=1,create=2,upload=1"), Seed: 4}
	events, err := plan.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	ws := &workspace{email: "u@example.com", password: "p", created: map[string]time.Time{}, ids: []string{"p1"}}
	r := &runner{api: newAPI(srv.URL, 5*time.Second), rec: &Recorder{}, workspaces: []*workspace{ws}, perWS: 3,
		smallFile: []byte("hello"), windows: plan.Windows(), start: time.Now()}
	r.perWindow = make([]atomic.Int64, len(r.windows))
	r.play(t.Context(), events, nil, 5*time.Second)

	samples := r.rec.Between(0, time.Hour)
	byAction := map[Action]int{}
	for _, s := range samples {
		byAction[s.Action]++
		if s.Lag > delay/2 {
			t.Errorf("%s sent %s late: the generator waited on the server", s.Action, s.Lag)
		}
		if s.Action != ActEvent && s.Latency < delay {
			t.Errorf("%s latency %s, below the server's delay %s", s.Action, s.Latency, delay)
		}
	}
	scheduled := count(events)
	for _, a := range []Action{ActLogin, ActSubscribe, ActList, ActCreate, ActUpload} {
		if byAction[a] != scheduled[a] {
			t.Errorf("%s: %d samples, %d scheduled", a, byAction[a], scheduled[a])
		}
	}
	if m := fake.maxBusy.Load(); m <= 3 {
		t.Errorf("the server saw at most %d requests at once for 3 users: the arrivals waited for answers", m)
	}
	stats := Aggregate(samples, nil)
	for _, st := range stats {
		switch st.Action {
		case ActList:
			if st.Errors != st.N || st.Outcomes["429"] != st.N {
				t.Errorf("list: %d of %d failed (%v), want every one a 429", st.Errors, st.N, st.Outcomes)
			}
		case ActCreate, ActUpload, ActLogin, ActSubscribe:
			if st.Errors != 0 {
				t.Errorf("%s: %d failed: %v", st.Action, st.Errors, st.Outcomes)
			}
		}
	}
	// Every create reaches the three streams (all sessions subscribe, and they are open by the
	// time the first create answers).
	if got, want := byAction[ActEvent], 3*int(fake.creates.Load()); got < want*9/10 {
		t.Errorf("%d event deliveries, want about %d", got, want)
	}
	if v := Judge(r.rec.Between(0, time.Hour), r.windows[0], int(r.perWindow[0].Load()), nil, time.Second, 0.01); v.Missing != 0 {
		t.Errorf("%d actions unfinished after the drain", v.Missing)
	}
}
