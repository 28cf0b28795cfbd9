package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func ms(v ...float64) []time.Duration {
	d := make([]time.Duration, len(v))
	for i, x := range v {
		d[i] = time.Duration(x * float64(time.Millisecond))
	}
	return d
}

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value p50", ms(7), 50, 7 * time.Millisecond},
		{"one value p99", ms(7), 99, 7 * time.Millisecond},
		{"two values p50 takes the lower", ms(1, 2), 50, 1 * time.Millisecond},
		{"two values p51 takes the upper", ms(1, 2), 51, 2 * time.Millisecond},
		{"ten p50", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 50, 5 * time.Millisecond},
		{"ten p90", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Millisecond},
		{"ten p99", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"hundred p99 is exact", hundred, 99, 99 * time.Millisecond},
		{"hundred p90", hundred, 90, 90 * time.Millisecond},
		{"hundred p100", hundred, 100, 100 * time.Millisecond},
		{"p0 clamps to the minimum", ms(3, 4), 0, 3 * time.Millisecond},
		{"p above 100 clamps to the maximum", ms(3, 4), 150, 4 * time.Millisecond},
		{"five p40 (rank 2)", ms(15, 20, 35, 40, 50), 40, 20 * time.Millisecond},
		{"five p41 (rank 3)", ms(15, 20, 35, 40, 50), 41, 35 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Percentile(tc.sorted, tc.p)); diff != "" {
				t.Errorf("Percentile(%v, %v) mismatch (-want +got):\n%s", tc.sorted, tc.p, diff)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name string
		in   []time.Duration
		want Summary
	}{
		{"empty", nil, Summary{}},
		{
			"one",
			ms(2.5),
			Summary{N: 1, Min: 2500 * time.Microsecond, Max: 2500 * time.Microsecond, Mean: 2500 * time.Microsecond,
				P50: 2500 * time.Microsecond, P90: 2500 * time.Microsecond, P99: 2500 * time.Microsecond},
		},
		{
			"unsorted input",
			ms(10, 1, 9, 2, 8, 3, 7, 4, 6, 5),
			Summary{N: 10, Min: 1 * time.Millisecond, Max: 10 * time.Millisecond, Mean: 5500 * time.Microsecond,
				P50: 5 * time.Millisecond, P90: 9 * time.Millisecond, P99: 10 * time.Millisecond},
		},
		{
			"outlier moves mean and p99 only",
			ms(1, 1, 1, 1, 1, 1, 1, 1, 1, 91),
			Summary{N: 10, Min: 1 * time.Millisecond, Max: 91 * time.Millisecond, Mean: 10 * time.Millisecond,
				P50: 1 * time.Millisecond, P90: 1 * time.Millisecond, P99: 91 * time.Millisecond},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tc.in...)
			if diff := cmp.Diff(tc.want, Summarize(in)); diff != "" {
				t.Errorf("Summarize mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.in, in); diff != "" {
				t.Errorf("Summarize modified its input (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHistogram(t *testing.T) {
	tests := []struct {
		in   map[int]int
		want string
	}{
		{nil, ""},
		{map[int]int{500: 1}, "500=1"},
		{map[int]int{503: 2, 404: 7, 0: 3}, "transport=3 404=7 503=2"},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, Histogram(tc.in)); diff != "" {
			t.Errorf("Histogram(%v) mismatch (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestMillis(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0.000"},
		{4571 * time.Microsecond, "4.571"},
		{1500 * time.Nanosecond, "0.002"},
		{2 * time.Second, "2000.000"},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, Millis(tc.in)); diff != "" {
			t.Errorf("Millis(%v) mismatch (-want +got):\n%s", tc.in, diff)
		}
	}
}
