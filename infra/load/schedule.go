package main

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The schedule is open-loop: every request's send time is fixed before the run starts, from the
// stages' user counts, the ramps, the think time and the session lengths, never from the server's
// answers. A slow server therefore meets the same arrivals as a fast one and its queueing shows in
// the latencies (each measured from the request's scheduled time, not from when it was sent).

// Action is what a simulated user does.
type Action string

// The actions of the mix, and the two of a session's start.
const (
	ActLogin     Action = "login"     // getLoginTokenFromCredentials + getAuthTokensFromLoginToken
	ActSubscribe Action = "subscribe" // graphql-sse onDbEvent stream on /metadata, held for the session
	ActList      Action = "list"      // REST list with a filter and an order
	ActGet       Action = "open"      // REST get one record
	ActGQLList   Action = "gql-list"  // GraphQL people(first:20, filter)
	ActSearch    Action = "search"    // GraphQL search
	ActCreate    Action = "create"    // REST create a person
	ActUpdate    Action = "update"    // REST update a person
	ActUpload    Action = "upload"    // createFileUpload + PUT + completeFileUpload of a small file
	ActEvent     Action = "event"     // a create's onDbEvent reaching a subscriber (not scheduled: observed)
	ActEnd       Action = "end"       // a session ends: its stream closes (no request)
)

// requests is how many HTTP requests one action sends.
func (a Action) requests() int {
	switch a {
	case ActLogin:
		return 2
	case ActUpload:
		return 3
	case ActEvent, ActEnd:
		return 0
	default:
		return 1
	}
}

// Weighted is an action and its share of the mix.
type Weighted struct {
	Action Action
	Weight float64
}

// DefaultMix is a CRM user's day, roughly: mostly reading lists and records, some searching,
// fewer writes, an occasional attachment.
const DefaultMix = "list=25,open=20,gql-list=15,search=10,create=10,update=12,upload=8"

var mixable = []Action{ActList, ActGet, ActGQLList, ActSearch, ActCreate, ActUpdate, ActUpload}

// ParseMix reads "action=weight,…" (weights are relative, need not sum to 100).
func ParseMix(s string) ([]Weighted, error) {
	var mix []Weighted
	seen := map[Action]bool{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, w, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("mix: %q is not action=weight", part)
		}
		a := Action(strings.TrimSpace(name))
		if !slices.Contains(mixable, a) {
			return nil, fmt.Errorf("mix: unknown action %q (want one of %v)", a, mixable)
		}
		if seen[a] {
			return nil, fmt.Errorf("mix: %q twice", a)
		}
		seen[a] = true
		f, err := strconv.ParseFloat(strings.TrimSpace(w), 64)
		if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("mix: bad weight %q for %s", w, a)
		}
		if f > 0 {
			mix = append(mix, Weighted{a, f})
		}
	}
	if len(mix) == 0 {
		return nil, errors.New("mix: no action has a positive weight")
	}
	return mix, nil
}

// Stage holds Users simulated users for Hold after bringing the count from the previous stage's
// (or zero) to Users over Ramp, arrivals evenly spaced.
type Stage struct {
	Users      int
	Ramp, Hold time.Duration
	// Warmup marks a stage that is not judged: a new stack compiles its Workers' code on first use.
	Warmup bool
}

// Plan is everything the schedule depends on.
type Plan struct {
	Stages []Stage
	// Think is the mean pause between one user's actions (exponential: each user's actions are a
	// Poisson process).
	Think time.Duration
	// Session is the mean session length (exponential); a user whose session ends is replaced at
	// once by a new one who logs in. Zero: a session lasts the whole run.
	Session time.Duration
	// Subscribe is the fraction of sessions that open an event stream after logging in.
	Subscribe float64
	Mix       []Weighted
	// MaxRequests bounds the HTTP requests scheduled (0: no bound).
	MaxRequests int
	Seed        uint64
}

// Event is one scheduled action.
type Event struct {
	At      time.Duration // from the run's start
	Slot    int           // the user's slot: which workspace it belongs to
	Session int           // unique per session
	Action  Action
}

// Duration is the planned run time: every stage's ramp and hold.
func (p Plan) Duration() time.Duration {
	var d time.Duration
	for _, s := range p.Stages {
		d += s.Ramp + s.Hold
	}
	return d
}

// MaxUsers is the largest user count of any stage.
func (p Plan) MaxUsers() int {
	n := 0
	for _, s := range p.Stages {
		n = max(n, s.Users)
	}
	return n
}

// Validate reports a plan that cannot run.
func (p Plan) Validate() error {
	switch {
	case len(p.Stages) == 0:
		return errors.New("plan: no stage")
	case p.Think <= 0:
		return errors.New("plan: think time must be positive")
	case p.Session < 0:
		return errors.New("plan: session length must not be negative")
	case p.Subscribe < 0 || p.Subscribe > 1:
		return errors.New("plan: subscribe fraction must be within [0, 1]")
	case len(p.Mix) == 0:
		return errors.New("plan: empty mix")
	case p.MaxRequests < 0:
		return errors.New("plan: max requests must not be negative")
	}
	for i, s := range p.Stages {
		if s.Users < 0 || s.Ramp < 0 || s.Hold < 0 {
			return fmt.Errorf("plan: stage %d has a negative value", i+1)
		}
	}
	return nil
}

// Window is a stage's measured part: from its ramp's end to its hold's end.
type Window struct {
	Stage      int
	Users      int
	Start, End time.Duration
	Warmup     bool
}

// Windows answers each stage's hold, in order.
func (p Plan) Windows() []Window {
	var ws []Window
	var t time.Duration
	for i, s := range p.Stages {
		t += s.Ramp
		ws = append(ws, Window{Stage: i, Users: s.Users, Start: t, End: t + s.Hold, Warmup: s.Warmup})
		t += s.Hold
	}
	return ws
}

// Schedule answers every event of the plan, in time order (ties in slot order), deterministic for
// a seed. Slots a stage adds arrive evenly over its ramp; a stage with fewer users than the last
// ends the surplus slots' sessions at its start. With MaxRequests set, the schedule stops at the
// last event that keeps the requests within it.
func (p Plan) Schedule() ([]Event, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(p.Seed, p.Seed^0x9e3779b97f4a7c15))
	total := 0.0
	for _, w := range p.Mix {
		total += w.Weight
	}
	pick := func() Action {
		x := rng.Float64() * total
		for _, w := range p.Mix {
			if x < w.Weight {
				return w.Action
			}
			x -= w.Weight
		}
		return p.Mix[len(p.Mix)-1].Action
	}
	exp := func(mean time.Duration) time.Duration {
		return time.Duration(rng.ExpFloat64() * float64(mean))
	}

	end := p.Duration()
	// slotEnd[s] is when slot s stops (its stage dropped it, or the run's end).
	var slotStart, slotEnd []time.Duration
	var t time.Duration
	users := 0
	for _, st := range p.Stages {
		if st.Users > users {
			for i := users; i < st.Users; i++ {
				at := t
				if n := st.Users - users; n > 0 && st.Ramp > 0 {
					at += st.Ramp * time.Duration(i-users) / time.Duration(n)
				}
				if i < len(slotStart) { // a slot dropped earlier comes back
					slotStart[i], slotEnd[i] = at, end
					continue
				}
				slotStart = append(slotStart, at)
				slotEnd = append(slotEnd, end)
			}
		} else {
			for i := st.Users; i < users; i++ {
				slotEnd[i] = t
			}
		}
		users = st.Users
		t += st.Ramp + st.Hold
	}

	var events []Event
	session := 0
	for slot := range slotStart {
		at, stop := slotStart[slot], slotEnd[slot]
		for at < stop {
			sessEnd := stop
			if p.Session > 0 {
				sessEnd = min(stop, at+max(exp(p.Session), p.Think))
			}
			events = append(events, Event{At: at, Slot: slot, Session: session, Action: ActLogin})
			if rng.Float64() < p.Subscribe {
				events = append(events, Event{At: at, Slot: slot, Session: session, Action: ActSubscribe})
			}
			for next := at + exp(p.Think); next < sessEnd; next += exp(p.Think) {
				events = append(events, Event{At: next, Slot: slot, Session: session, Action: pick()})
			}
			if sessEnd < end {
				events = append(events, Event{At: sessEnd, Slot: slot, Session: session, Action: ActEnd})
			}
			session++
			at = sessEnd
		}
	}
	sort.SliceStable(events, func(i, j int) bool {
		if events[i].At != events[j].At {
			return events[i].At < events[j].At
		}
		return events[i].Slot < events[j].Slot
	})
	if p.MaxRequests > 0 {
		n := 0
		for i, e := range events {
			n += e.Action.requests()
			if n > p.MaxRequests {
				events = events[:i]
				break
			}
		}
	}
	return events, nil
}

// StepStages makes the stages of a search for capacity: from first users up by step to at most
// last, each with its ramp and hold.
func StepStages(first, step, last int, ramp, hold time.Duration) ([]Stage, error) {
	if first < 1 || step < 1 || last < first {
		return nil, fmt.Errorf("find: want 1 <= first (%d) <= last (%d) and step (%d) >= 1", first, last, step)
	}
	var st []Stage
	for u := first; u <= last; u += step {
		st = append(st, Stage{Users: u, Ramp: ramp, Hold: hold})
	}
	return st, nil
}
