// Package faults makes the seams of a Worker (D1, KV, R2, queues, service bindings, the realtime
// Durable Object) fail or slow down on demand, for the end-to-end fault tests.
//
// A [Table] holds the faults of one isolate; the decorators in this package (and the services' own
// for their narrower interfaces) ask it before each call. A Worker wraps its bindings only when
// DEV_ROUTES is on and serves the table on /__dev/faults ([Routes]), so a deployment pays nothing.
//
// A failing call answers an error that is a *connect.Error of code Unavailable wrapping an
// [*Error]: the services pass Connect errors through as they are, so the gateway answers 503 with
// Retry-After. A slow call waits for the rule's latency (or until its context ends) first.
package faults

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"connectrpc.com/connect"
)

// The seams a rule names.
const (
	D1      = "d1"      // a D1 database; target: its binding name (CONTROL, DB_0)
	KV      = "kv"      // a KV namespace; target: its binding name
	R2      = "r2"      // an R2 bucket; target: its binding name
	Queue   = "queue"   // a queue producer; target: its binding name
	Binding = "binding" // a service binding to another Worker; target: the Worker (records, auth…)
	DO      = "do"      // a Durable Object namespace; target: its binding name (REALTIME)
)

var seams = []string{D1, KV, R2, Queue, Binding, DO}

// Rule is one fault: calls to Seam (to Target only, when set) wait Latency, then fail if Fail.
// Count > 0 applies it to that many calls, after which it is gone; 0 keeps it until cleared.
type Rule struct {
	Seam   string `json:"seam"`
	Target string `json:"target,omitempty"`
	Fail   bool   `json:"fail,omitempty"`
	// Crash ends the Go instance at the call (a panic on another goroutine), standing for an
	// isolate that dies there: the Worker starts a fresh instance, without this table, for the
	// next event.
	Crash   bool          `json:"crash,omitempty"`
	Latency time.Duration `json:"-"`
	Count   int           `json:"count,omitempty"`
	// Hits is how many calls the rule has applied to so far (read only).
	Hits int `json:"hits"`
}

// ruleJSON is Rule on the wire: the latency in milliseconds.
type ruleJSON struct {
	Rule
	LatencyMs int64 `json:"latencyMs,omitempty"`
}

// MarshalJSON writes the latency as latencyMs.
func (r Rule) MarshalJSON() ([]byte, error) {
	type plain Rule
	return json.Marshal(struct {
		plain
		LatencyMs int64 `json:"latencyMs,omitempty"`
	}{plain(r), r.Latency.Milliseconds()})
}

// Error is an injected failure of a seam.
type Error struct {
	Seam, Target string
}

func (e *Error) Error() string {
	if e.Target == "" {
		return fmt.Sprintf("%s unavailable (injected fault)", e.Seam)
	}
	return fmt.Sprintf("%s %s unavailable (injected fault)", e.Seam, e.Target)
}

// Table is the faults of one isolate. Its zero value has none; a nil *Table never faults.
// It is safe for concurrent use and holds its lock only to read and count a rule, never across
// a wait.
type Table struct {
	mu    sync.Mutex
	rules []*Rule
}

// Set adds r, replacing the rule of the same seam and target.
func (t *Table) Set(r Rule) error {
	if !slices.Contains(seams, r.Seam) {
		return fmt.Errorf("faults: unknown seam %q (one of %v)", r.Seam, seams)
	}
	if r.Latency < 0 || r.Latency > time.Minute || r.Count < 0 {
		return errors.New("faults: latency must be within [0, 1m] and count at least 0")
	}
	if !r.Fail && !r.Crash && r.Latency == 0 {
		return errors.New("faults: a rule must fail, crash or slow down")
	}
	r.Hits = 0
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rules = slices.DeleteFunc(t.rules, func(x *Rule) bool { return x.Seam == r.Seam && x.Target == r.Target })
	t.rules = append(t.rules, &r)
	return nil
}

// Clear removes every rule.
func (t *Table) Clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rules = nil
}

// Rules answers a copy of the rules in force.
func (t *Table) Rules() []Rule {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Rule, 0, len(t.rules))
	for _, r := range t.rules {
		out = append(out, *r)
	}
	return out
}

// take finds the rule for a call to seam's target, counting the call against it. A rule for the
// target comes before one for the whole seam.
func (t *Table) take(seam, target string) (Rule, bool) {
	if t == nil {
		return Rule{}, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	i := slices.IndexFunc(t.rules, func(r *Rule) bool { return r.Seam == seam && r.Target == target && target != "" })
	if i < 0 {
		i = slices.IndexFunc(t.rules, func(r *Rule) bool { return r.Seam == seam && r.Target == "" })
	}
	if i < 0 {
		return Rule{}, false
	}
	r := t.rules[i]
	r.Hits++
	out := *r
	if r.Count > 0 && r.Hits >= r.Count {
		t.rules = slices.Delete(t.rules, i, i+1)
	}
	return out, true
}

// Check applies the fault for a call to seam's target, if any: it waits the rule's latency (an
// error if ctx ends first), then answers a Connect Unavailable error wrapping an *Error if the
// rule fails. With no rule it answers nil at once.
func (t *Table) Check(ctx context.Context, seam, target string) error {
	r, ok := t.take(seam, target)
	if !ok {
		return nil
	}
	if r.Latency > 0 {
		timer := time.NewTimer(r.Latency)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return connect.NewError(connect.CodeDeadlineExceeded, fmt.Errorf("%s %s: %w", seam, target, ctx.Err()))
		}
	}
	if r.Crash {
		go func() { panic(fmt.Sprintf("faults: injected crash at %s %s", seam, target)) }()
		time.Sleep(time.Second) // the panic ends the program before this call returns
	}
	if r.Fail {
		return connect.NewError(connect.CodeUnavailable, &Error{Seam: seam, Target: target})
	}
	return nil
}

// Routes serves t on mux for the local stack:
//
//	GET    /__dev/faults  the rules in force, with their hits
//	POST   /__dev/faults  set one rule: {"seam":"d1","target":"DB_0","fail":true,"latencyMs":0,"count":0}
//	DELETE /__dev/faults  clear them all
func Routes(mux *http.ServeMux, t *Table) {
	mux.HandleFunc("GET /__dev/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, t.Rules())
	})
	mux.HandleFunc("POST /__dev/faults", func(w http.ResponseWriter, r *http.Request) {
		var in ruleJSON
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&in); err != nil {
			http.Error(w, "faults: a rule in JSON: "+err.Error(), http.StatusBadRequest)
			return
		}
		in.Latency = time.Duration(in.LatencyMs) * time.Millisecond
		if err := t.Set(in.Rule); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		writeJSON(w, http.StatusOK, t.Rules())
	})
	mux.HandleFunc("DELETE /__dev/faults", func(w http.ResponseWriter, r *http.Request) {
		t.Clear()
		writeJSON(w, http.StatusOK, []Rule{})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // a dev route: a client gone away is no error
}

// EnvVar is the variable that turns fault injection on in a Worker of the local stack. The
// secondary Workers cannot see DEV_ROUTES (wrangler's --var reaches the primary only), so the
// stack's process environment carries this one to every Worker; no deployment sets it.
const EnvVar = "DEV_FAULTS"

// Enabled reports whether get (a Worker's vars) turns fault injection on.
func Enabled(get func(string) string) bool { return get(EnvVar) == "true" }
