package main

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// Summary describes a set of request latencies.
type Summary struct {
	N              int
	Min, Max, Mean time.Duration
	P50, P90, P99  time.Duration
}

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted, which must be in ascending order: the smallest value such that at
// least p percent of the values are less than or equal to it. It returns 0
// for an empty slice.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// p*n before dividing keeps integer percentiles exact (99*100/100 = 99,
	// whereas 0.99*100 may not be).
	rank := int(math.Ceil(p * float64(n) / 100))
	rank = max(1, min(rank, n))
	return sorted[rank-1]
}

// Summarize returns the summary of d. It does not modify d.
func Summarize(d []time.Duration) Summary {
	if len(d) == 0 {
		return Summary{}
	}
	sorted := slices.Clone(d)
	slices.Sort(sorted)
	var sum time.Duration
	for _, v := range sorted {
		sum += v
	}
	return Summary{
		N:    len(sorted),
		Min:  sorted[0],
		Max:  sorted[len(sorted)-1],
		Mean: sum / time.Duration(len(sorted)),
		P50:  Percentile(sorted, 50),
		P90:  Percentile(sorted, 90),
		P99:  Percentile(sorted, 99),
	}
}

// Histogram formats a status-code histogram as "404=3 500=1", in code order.
// Code 0 stands for transport errors and is printed as "transport".
func Histogram(counts map[int]int) string {
	var parts []string
	for _, code := range slices.Sorted(maps.Keys(counts)) {
		name := fmt.Sprint(code)
		if code == 0 {
			name = "transport"
		}
		parts = append(parts, fmt.Sprintf("%s=%d", name, counts[code]))
	}
	return strings.Join(parts, " ")
}

// Millis formats d in milliseconds with 3 decimals.
func Millis(d time.Duration) string {
	return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond))
}
