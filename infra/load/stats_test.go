package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const msec = time.Millisecond

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * msec
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 99, 0},
		{"one", []time.Duration{5 * msec}, 50, 5 * msec},
		{"p50 of 1..100", hundred, 50, 50 * msec},
		{"p99 of 1..100", hundred, 99, 99 * msec},
		{"p100 of 1..100", hundred, 100, 100 * msec},
		{"p99 of 10 is the max", hundred[:10], 99, 10 * msec},
		{"p90 of 10", hundred[:10], 90, 9 * msec},
	}
	for _, tt := range tests {
		if got := Percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestAggregate(t *testing.T) {
	samples := []Sample{
		{Action: ActList, Outcome: outcomeOK, Latency: 10 * msec},
		{Action: ActList, Outcome: outcomeOK, Latency: 30 * msec, Lag: 2 * msec},
		{Action: ActList, Outcome: "429", Latency: 1 * msec},
		{Action: ActUpload, Outcome: outcomeOK, Latency: 50 * msec},
		{Action: ActLogin, Outcome: outcomeOK, Latency: 120 * msec},
		{Action: ActLogin, Outcome: outcomeGraphQL, Latency: 90 * msec},
		{Action: ActEvent, Outcome: outcomeOK, Latency: 400 * msec},
		{Action: ActCreate, Outcome: outcomeTransport, Latency: 30 * time.Second},
	}
	got := Aggregate(samples, []Action{ActLogin})
	want := []OpStats{
		{Action: ActLogin, N: 2, Requests: 4, Errors: 1, Outcomes: map[string]int{"graphql": 1}, Lat: Latencies{N: 1, P50: 120 * msec, P90: 120 * msec, P99: 120 * msec, Max: 120 * msec, Mean: 120 * msec}},
		{Action: ActList, N: 3, Requests: 3, Errors: 1, Outcomes: map[string]int{"429": 1}, MaxLag: 2 * msec, Lat: Latencies{N: 2, P50: 10 * msec, P90: 30 * msec, P99: 30 * msec, Max: 30 * msec, Mean: 20 * msec}},
		{Action: ActCreate, N: 1, Requests: 1, Errors: 1, Outcomes: map[string]int{"transport": 1}},
		{Action: ActUpload, N: 1, Requests: 3, Outcomes: map[string]int{}, Lat: Latencies{N: 1, P50: 50 * msec, P90: 50 * msec, P99: 50 * msec, Max: 50 * msec, Mean: 50 * msec}},
		{Action: ActEvent, N: 1, Requests: 0, Outcomes: map[string]int{}, Lat: Latencies{N: 1, P50: 400 * msec, P90: 400 * msec, P99: 400 * msec, Max: 400 * msec, Mean: 400 * msec}},
		// ALL: list, create and upload (login excluded, the event is no request).
		{Action: AllRequests, N: 5, Requests: 7, Errors: 2, Outcomes: map[string]int{"429": 1, "transport": 1}, MaxLag: 2 * msec,
			Lat: Latencies{N: 3, P50: 30 * msec, P90: 50 * msec, P99: 50 * msec, Max: 50 * msec, Mean: 30 * msec}},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Aggregate (-want +got):\n%s", diff)
	}
	if s := FormatOutcomes(map[string]int{"transport": 2, "429": 3, "500": 1}); s != "429=3 500=1 transport=2" {
		t.Errorf("FormatOutcomes = %q", s)
	}
}

func TestJudge(t *testing.T) {
	w := Window{Users: 10, Start: 0, End: 10 * time.Second}
	fast := func(n int, d time.Duration, outcome string) []Sample {
		s := make([]Sample, n)
		for i := range s {
			s[i] = Sample{Action: ActGet, Outcome: outcome, Latency: d}
		}
		return s
	}
	cat := func(parts ...[]Sample) []Sample {
		var out []Sample
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tests := []struct {
		name       string
		samples    []Sample
		dispatched int
		exclude    []Action
		wantHolds  bool
		wantP99    time.Duration
		wantMiss   int
	}{
		{name: "fast and whole", samples: fast(100, 20*msec, outcomeOK), dispatched: 100, wantHolds: true, wantP99: 20 * msec},
		{name: "one slow in 100 is the 99th percentile's neighbour", samples: cat(fast(99, 20*msec, outcomeOK), fast(1, 900*msec, outcomeOK)), dispatched: 100, wantHolds: true, wantP99: 20 * msec},
		{name: "two slow in 100 cross it", samples: cat(fast(98, 20*msec, outcomeOK), fast(2, 900*msec, outcomeOK)), dispatched: 100, wantP99: 900 * msec},
		{name: "failed ones count at their latency", samples: cat(fast(97, 20*msec, outcomeOK), fast(3, 5*msec, "429")), dispatched: 100, wantP99: 20 * msec},
		{name: "1% failures is allowed", samples: cat(fast(99, 20*msec, outcomeOK), fast(1, 5*msec, "500")), dispatched: 100, wantHolds: true, wantP99: 20 * msec},
		{name: "unfinished ones are infinitely slow", samples: fast(95, 20*msec, outcomeOK), dispatched: 100, wantP99: unfinished, wantMiss: 5},
		{name: "excluded and event samples are not judged", samples: cat(fast(100, 20*msec, outcomeOK),
			[]Sample{{Action: ActLogin, Outcome: outcomeOK, Latency: time.Second}, {Action: ActLogin, Outcome: outcomeOK, Latency: time.Second},
				{Action: ActEvent, Outcome: outcomeOK, Latency: time.Second}, {Action: ActEvent, Outcome: outcomeOK, Latency: time.Second}}),
			dispatched: 100, exclude: []Action{ActLogin}, wantHolds: true, wantP99: 20 * msec},
		{name: "nothing", dispatched: 0, wantHolds: false},
	}
	for _, tt := range tests {
		v := Judge(tt.samples, w, tt.dispatched, tt.exclude, 200*msec, 0.01)
		if v.Holds != tt.wantHolds || v.P99 != tt.wantP99 || v.Missing != tt.wantMiss {
			t.Errorf("%s: holds %v p99 %s missing %d (%s), want %v %s %d", tt.name, v.Holds, v.P99, v.Missing, v.verdict(200*msec), tt.wantHolds, tt.wantP99, tt.wantMiss)
		}
	}
}

func TestRecorderBetween(t *testing.T) {
	var r Recorder
	for i := range 10 {
		r.Add(Sample{At: time.Duration(i) * time.Second, Action: ActGet, Outcome: outcomeOK})
	}
	if n := len(r.Between(2*time.Second, 5*time.Second)); n != 3 {
		t.Errorf("Between(2s, 5s) has %d samples, want 3 (2, 3, 4)", n)
	}
}
