package main

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseMix(t *testing.T) {
	tests := []struct {
		in      string
		want    []Weighted
		wantErr bool
	}{
		{in: "list=3, open=1", want: []Weighted{{ActList, 3}, {ActGet, 1}}},
		{in: "search=0.5,upload=0,create=2", want: []Weighted{{ActSearch, 0.5}, {ActCreate, 2}}},
		{in: DefaultMix, want: []Weighted{{ActList, 25}, {ActGet, 20}, {ActGQLList, 15}, {ActSearch, 10}, {ActCreate, 10}, {ActUpdate, 12}, {ActUpload, 8}}},
		{in: "login=1", wantErr: true}, // not a mix action: every session logs in
		{in: "list=1,list=2", wantErr: true},
		{in: "list", wantErr: true},
		{in: "list=-1", wantErr: true},
		{in: "list=NaN", wantErr: true},
		{in: "list=0", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseMix(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseMix(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseMix(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func mixOf(t *testing.T, s string) []Weighted {
	t.Helper()
	m, err := ParseMix(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// count answers the events of each action.
func count(events []Event) map[Action]int {
	c := map[Action]int{}
	for _, e := range events {
		c[e.Action]++
	}
	return c
}

func TestScheduleRampAndOrder(t *testing.T) {
	p := Plan{Stages: []Stage{{Users: 10, Ramp: 10 * time.Second, Hold: 20 * time.Second}}, Think: time.Second, Mix: mixOf(t, "list=1"), Seed: 7}
	events, err := p.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	var logins []time.Duration
	for i, e := range events {
		if i > 0 && e.At < events[i-1].At {
			t.Fatalf("event %d at %s comes after one at %s", i, e.At, events[i-1].At)
		}
		if e.At >= p.Duration() {
			t.Errorf("event at %s, past the run's %s", e.At, p.Duration())
		}
		if e.Action == ActLogin {
			logins = append(logins, e.At)
		}
	}
	// One session per user for the whole run (Session 0): the users arrive one a second.
	want := []time.Duration{0, 1e9, 2e9, 3e9, 4e9, 5e9, 6e9, 7e9, 8e9, 9e9}
	if diff := cmp.Diff(want, logins); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
	if n := count(events)[ActEnd]; n != 0 {
		t.Errorf("%d session ends, want none (sessions last the run)", n)
	}

	again, _ := p.Schedule()
	if diff := cmp.Diff(events, again); diff != "" {
		t.Errorf("the same seed gave another schedule (-first +second):\n%s", diff)
	}
	p.Seed = 8
	other, _ := p.Schedule()
	if cmp.Equal(events, other) {
		t.Error("another seed gave the same schedule")
	}
}

// The actions are a Poisson process per user: over many users their count is close to the
// users' time in the run over the think time, and the mix's shares show.
func TestScheduleRateAndMix(t *testing.T) {
	p := Plan{Stages: []Stage{{Users: 200, Ramp: 20 * time.Second, Hold: 60 * time.Second}}, Think: 2 * time.Second,
		Mix: mixOf(t, "list=3,create=1"), Subscribe: 0.25, Seed: 1}
	events, err := p.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	c := count(events)
	// User i arrives at i*20s/200 and stays until 80 s: 70 s on average, 35 think times.
	want := 200 * 70.0 / 2
	if got := float64(c[ActList] + c[ActCreate]); math.Abs(got-want) > 0.05*want {
		t.Errorf("%v actions, want %v ± 5%%", got, want)
	}
	if share := float64(c[ActList]) / float64(c[ActList]+c[ActCreate]); math.Abs(share-0.75) > 0.03 {
		t.Errorf("list share %.3f, want 0.75 ± 0.03", share)
	}
	if c[ActLogin] != 200 {
		t.Errorf("%d logins, want 200", c[ActLogin])
	}
	if s := c[ActSubscribe]; s < 30 || s > 70 {
		t.Errorf("%d subscriptions, want about 50", s)
	}
}

// Sessions end and are replaced at once: each session starts with its login, ends with its end
// event (but the run's last), and a slot's sessions do not overlap.
func TestScheduleSessions(t *testing.T) {
	p := Plan{Stages: []Stage{{Users: 20, Hold: 120 * time.Second}}, Think: time.Second, Session: 15 * time.Second,
		Mix: mixOf(t, "open=1"), Seed: 3}
	events, err := p.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	type span struct {
		slot        int
		login, last time.Duration
		ended       bool
		actions     int
	}
	sessions := map[int]*span{}
	var order []int
	for _, e := range events {
		s := sessions[e.Session]
		if s == nil {
			if e.Action != ActLogin {
				t.Fatalf("session %d begins with %s", e.Session, e.Action)
			}
			s = &span{slot: e.Slot, login: e.At}
			sessions[e.Session] = s
			order = append(order, e.Session)
		}
		if s.ended {
			t.Fatalf("session %d has %s after its end", e.Session, e.Action)
		}
		s.last = e.At
		switch e.Action {
		case ActEnd:
			s.ended = true
		case ActGet:
			s.actions++
		}
	}
	if len(sessions) < 20*120/15/2 {
		t.Errorf("%d sessions, want about %d", len(sessions), 20*120/15)
	}
	lastEnd := map[int]time.Duration{}
	for _, id := range order {
		s := sessions[id]
		if prev, ok := lastEnd[s.slot]; ok && s.login < prev {
			t.Errorf("slot %d: session %d logs in at %s before the last one ended at %s", s.slot, id, s.login, prev)
		}
		lastEnd[s.slot] = s.last
	}
}

func TestScheduleStagesUpAndDown(t *testing.T) {
	p := Plan{Stages: []Stage{
		{Users: 4, Ramp: 4 * time.Second, Hold: 10 * time.Second},
		{Users: 8, Ramp: 4 * time.Second, Hold: 10 * time.Second},
		{Users: 2, Hold: 10 * time.Second},
	}, Think: 500 * time.Millisecond, Mix: mixOf(t, "search=1"), Seed: 5}
	events, err := p.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	loginAt := map[int]time.Duration{}
	for _, e := range events {
		if e.Action == ActLogin {
			loginAt[e.Slot] = e.At
		}
		// Slots 2.. leave when the third stage begins, at 28 s.
		if e.Slot >= 2 && e.At > 28*time.Second {
			t.Errorf("slot %d has %s at %s, after its stage dropped it", e.Slot, e.Action, e.At)
		}
	}
	want := map[int]time.Duration{0: 0, 1: 1e9, 2: 2e9, 3: 3e9, 4: 14e9, 5: 15e9, 6: 16e9, 7: 17e9}
	if diff := cmp.Diff(want, loginAt); diff != "" {
		t.Errorf("arrivals (-want +got):\n%s", diff)
	}
	if n := count(events)[ActEnd]; n != 6 {
		t.Errorf("%d session ends, want the 6 dropped slots'", n)
	}
	wantWin := []Window{{Stage: 0, Users: 4, Start: 4e9, End: 14e9}, {Stage: 1, Users: 8, Start: 18e9, End: 28e9}, {Stage: 2, Users: 2, Start: 28e9, End: 38e9}}
	if diff := cmp.Diff(wantWin, p.Windows()); diff != "" {
		t.Errorf("windows (-want +got):\n%s", diff)
	}
}

func TestScheduleMaxRequests(t *testing.T) {
	p := Plan{Stages: []Stage{{Users: 50, Ramp: 5 * time.Second, Hold: 60 * time.Second}}, Think: time.Second,
		Mix: mixOf(t, "upload=1,list=1"), MaxRequests: 500, Seed: 2}
	events, err := p.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		n += e.Action.requests()
	}
	if n > 500 || n < 497 { // the last action may not fit (an upload is 3 requests)
		t.Errorf("%d requests scheduled, want at most 500 and close to it", n)
	}
	if last := events[len(events)-1].At; last > 30*time.Second {
		t.Errorf("the bound still schedules up to %s", last)
	}
}

func TestPlanValidate(t *testing.T) {
	ok := Plan{Stages: []Stage{{Users: 1, Hold: time.Second}}, Think: time.Second, Mix: []Weighted{{ActList, 1}}}
	tests := []struct {
		name   string
		change func(*Plan)
	}{
		{"no stage", func(p *Plan) { p.Stages = nil }},
		{"no think time", func(p *Plan) { p.Think = 0 }},
		{"negative session", func(p *Plan) { p.Session = -1 }},
		{"subscribe share over 1", func(p *Plan) { p.Subscribe = 1.5 }},
		{"empty mix", func(p *Plan) { p.Mix = nil }},
		{"negative users", func(p *Plan) { p.Stages[0].Users = -1 }},
		{"negative bound", func(p *Plan) { p.MaxRequests = -1 }},
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a good plan: %v", err)
	}
	for _, tt := range tests {
		p := ok
		p.Stages = []Stage{ok.Stages[0]}
		tt.change(&p)
		if _, err := p.Schedule(); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestStepStages(t *testing.T) {
	got, err := StepStages(10, 15, 50, time.Second, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	want := []Stage{{Users: 10, Ramp: time.Second, Hold: 2 * time.Second}, {Users: 25, Ramp: time.Second, Hold: 2 * time.Second}, {Users: 40, Ramp: time.Second, Hold: 2 * time.Second}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range [][3]int{{0, 1, 5}, {5, 0, 10}, {10, 1, 5}} {
		if _, err := StepStages(bad[0], bad[1], bad[2], time.Second, time.Second); err == nil {
			t.Errorf("StepStages%v: no error", bad)
		}
	}
}
