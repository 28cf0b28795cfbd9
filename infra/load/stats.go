package main

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// Sample is one action's outcome. Latency runs from the action's scheduled time to its last
// byte, so time the request waited for a connection, the generator or an earlier step of the
// session counts.
type Sample struct {
	At      time.Duration // scheduled time, from the run's start
	Action  Action
	Outcome string // "ok", an HTTP status ("429"), "graphql" (a 200 with errors) or "transport"
	Latency time.Duration
	Lag     time.Duration // how late the generator sent it
}

// OK reports a successful action.
func (s Sample) OK() bool { return s.Outcome == outcomeOK }

const (
	outcomeOK        = "ok"
	outcomeGraphQL   = "graphql"
	outcomeTransport = "transport"
)

// Recorder collects samples from many goroutines.
type Recorder struct {
	mu      sync.Mutex
	samples []Sample
}

// Add records s.
func (r *Recorder) Add(s Sample) {
	r.mu.Lock()
	r.samples = append(r.samples, s)
	r.mu.Unlock()
}

// Between answers the samples scheduled within [start, end).
func (r *Recorder) Between(start, end time.Duration) []Sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Sample
	for _, s := range r.samples {
		if s.At >= start && s.At < end {
			out = append(out, s)
		}
	}
	return out
}

// Latencies summarizes durations.
type Latencies struct {
	N                  int
	P50, P90, P99, Max time.Duration
	Mean               time.Duration
}

// Percentile is the nearest-rank p-th percentile (0 < p <= 100) of ascending sorted; 0 if empty.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p * float64(n) / 100))
	return sorted[max(1, min(rank, n))-1]
}

// Summarize answers the summary of d, which it does not modify.
func Summarize(d []time.Duration) Latencies {
	if len(d) == 0 {
		return Latencies{}
	}
	s := slices.Clone(d)
	slices.Sort(s)
	var sum time.Duration
	for _, v := range s {
		sum += v
	}
	return Latencies{N: len(s), P50: Percentile(s, 50), P90: Percentile(s, 90), P99: Percentile(s, 99),
		Max: s[len(s)-1], Mean: sum / time.Duration(len(s))}
}

// OpStats is one action's figures over a window.
type OpStats struct {
	Action   Action
	N        int            // actions scheduled in the window that finished
	Requests int            // HTTP requests they stand for
	Errors   int            // not ok
	Outcomes map[string]int // failed outcomes by status
	Lat      Latencies      // successful actions only
	MaxLag   time.Duration
}

// reportOrder is the report's row order.
var reportOrder = []Action{ActLogin, ActSubscribe, ActList, ActGet, ActGQLList, ActSearch, ActCreate, ActUpdate, ActUpload, ActEvent}

// AllRequests names the row over every request-answering action (not ActEvent: an event's
// delivery is no one's request).
const AllRequests Action = "ALL"

// Aggregate answers per-action figures and, last, the ALL row over every action but the
// excluded ones and ActEvent.
func Aggregate(samples []Sample, exclude []Action) []OpStats {
	by := map[Action]*OpStats{}
	lat := map[Action][]time.Duration{}
	all := &OpStats{Action: AllRequests, Outcomes: map[string]int{}}
	var allLat []time.Duration
	for _, s := range samples {
		st := by[s.Action]
		if st == nil {
			st = &OpStats{Action: s.Action, Outcomes: map[string]int{}}
			by[s.Action] = st
		}
		inAll := s.Action != ActEvent && !slices.Contains(exclude, s.Action)
		add := func(st *OpStats) {
			st.N++
			st.Requests += s.Action.requests()
			st.MaxLag = max(st.MaxLag, s.Lag)
			if !s.OK() {
				st.Errors++
				st.Outcomes[s.Outcome]++
			}
		}
		add(st)
		if inAll {
			add(all)
		}
		if s.OK() {
			lat[s.Action] = append(lat[s.Action], s.Latency)
			if inAll {
				allLat = append(allLat, s.Latency)
			}
		}
	}
	var out []OpStats
	for _, a := range slices.SortedFunc(maps.Keys(by), func(a, b Action) int {
		return cmp.Compare(orderOf(a), orderOf(b))
	}) {
		st := by[a]
		st.Lat = Summarize(lat[a])
		out = append(out, *st)
	}
	all.Lat = Summarize(allLat)
	return append(out, *all)
}

func orderOf(a Action) int {
	if i := slices.Index(reportOrder, a); i >= 0 {
		return i
	}
	return len(reportOrder)
}

// FormatOutcomes prints failures as "429=3 500=1 transport=2", sorted.
func FormatOutcomes(m map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// ms formats d in milliseconds.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond))
}

// Verdict is a window judged against the latency objective.
type Verdict struct {
	Window                  Window
	Usage                   Usage
	N, Errors, Missing      int // actions judged, failed, unfinished
	P50, P90, P99, Max      time.Duration
	Rate, ReqRate           float64 // judged actions and all HTTP requests per second
	Holds                   bool
	overLatency, overErrors bool
}

// unfinished stands for the latency of an action that never answered.
const unfinished = time.Duration(math.MaxInt64)

// Judge decides whether window w held: the p99 of its actions (failed ones at their latency, the
// dispatched ones that never finished as infinitely slow) at most slo, and the failed and
// unfinished ones at most maxErrors of them. Excluded actions and event deliveries are not judged.
func Judge(samples []Sample, w Window, dispatched int, exclude []Action, slo time.Duration, maxErrors float64) Verdict {
	v := Verdict{Window: w}
	var lat []time.Duration
	reqs := 0
	for _, s := range samples {
		reqs += s.Action.requests()
		if s.Action.requests() == 0 || slices.Contains(exclude, s.Action) {
			continue
		}
		lat = append(lat, s.Latency)
		if !s.OK() {
			v.Errors++
		}
	}
	v.Missing = max(0, dispatched-len(lat))
	for range v.Missing {
		lat = append(lat, unfinished)
	}
	sum := Summarize(lat)
	v.N, v.P50, v.P90, v.P99, v.Max = sum.N, sum.P50, sum.P90, sum.P99, sum.Max
	if span := (w.End - w.Start).Seconds(); span > 0 {
		v.Rate, v.ReqRate = float64(v.N)/span, float64(reqs)/span
	}
	v.overLatency = v.P99 > slo
	v.overErrors = float64(v.Errors+v.Missing) > maxErrors*float64(v.N)
	v.Holds = v.N > 0 && !v.overLatency && !v.overErrors
	return v
}

func (v Verdict) verdict(slo time.Duration) string {
	switch {
	case v.N == 0:
		return "no actions"
	case v.overLatency && v.overErrors:
		return "p99 over " + slo.String() + ", too many failures"
	case v.overLatency:
		return "p99 over " + slo.String()
	case v.overErrors:
		return "too many failures"
	default:
		return "held"
	}
}
