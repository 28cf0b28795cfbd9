// Package fuzzcost holds fuzz targets to a cost per byte of input: a request grown k times must
// not take more than a loose time per byte, nor allocate more per byte as it grows (the mark of a
// cost quadratic in its size). It serves the fuzz tests of every package that parses client input.
package fuzzcost

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Pump is a request that grows: grown k times it is prefix, k copies of open, middle, k copies of
// close and suffix. "%d" in open and close stands for the copy's number (open's count up, close's
// down, so that nested copies pair up), to make copies differ: aliases, fragment names. A fuzz
// target takes the five parts, so the fuzzer varies what grows as well as what surrounds it.
type Pump [5]string // prefix, open, middle, close, suffix

// The parts of a Pump.
const (
	prefix = iota
	open
	middle
	closing
	suffix
)

// Grow returns the request grown k times.
func (p Pump) Grow(k int) string {
	var b strings.Builder
	b.WriteString(p[prefix])
	for i := range k {
		b.WriteString(strings.ReplaceAll(p[open], "%d", strconv.Itoa(i)))
	}
	b.WriteString(p[middle])
	for i := range k {
		b.WriteString(strings.ReplaceAll(p[closing], "%d", strconv.Itoa(k-1-i)))
	}
	b.WriteString(p[suffix])
	return b.String()
}

// Add adds p to f's seed corpus, as the five strings a target takes.
func (p Pump) Add(f *testing.F) { f.Add(p[prefix], p[open], p[middle], p[closing], p[suffix]) }

// Bounds of Check. Time is bounded loosely, so that a loaded machine never fails it; the
// bytes allocated, which do not depend on the load, closely.
const (
	costTimeBase    = 50 * time.Millisecond
	costTimePerByte = 20 * time.Microsecond
	// costGrowth is how much the bytes allocated per byte of request may grow while the request
	// grows four times (two doublings) and gets the same kind of answer.
	costGrowth = 2
	// costSlackPerByte and costSlack absorb the small variations of allocations (size classes,
	// pools emptied by a collection).
	costSlackPerByte = 8
	costSlack        = 4 << 10
)

// costPoint is one size of a grown request and what a run of it cost: bytes allocated and time,
// each the least of two runs (see measure).
type costPoint struct {
	k, size int
	bytes   uint64
	time    time.Duration
	answer  string
}

func (p costPoint) String() string {
	return fmt.Sprintf("k=%d: %d bytes, %d bytes allocated (%.0f/byte) in %v, answer %q",
		p.k, p.size, p.bytes, float64(p.bytes)/float64(max(p.size, 1)), p.time, p.answer)
}

// TB is the part of testing.TB that Check reports to.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// Check bounds the cost per byte of a request that grows: it runs grow(k) for k = 1 and then
// 12, 24, 48… while the request stays within maxSize bytes (multiples of 12, so that a construct
// that needs 2, 3 or 4 copies to close is closed at every size). check looks at each result and
// names the kind of answer it is (the path the request took: executed, refused by which rule).
// Check fails when a run takes longer than costTimeBase plus costTimePerByte a byte, and when,
// among sizes that got the same answer, the bytes allocated per byte added since the smallest of
// them grew more than costGrowth times over two doublings: the mark of a cost that is quadratic
// in the size (about 3 times), where a linear one keeps its rate (1, give or take the steps of
// size classes and slice growth).
func Check[R any](t TB, grow func(k int) string, maxSize int, run func(req string) R, check func(req string, r R) string) {
	t.Helper()
	var points []costPoint
	slow := false
	for k := 1; !slow; k = max(12, 2*k) {
		req := grow(k)
		if len(req) > maxSize && k > 1 || len(points) > 0 && len(req) == points[len(points)-1].size {
			break
		}
		p := costPoint{k: k, size: len(req)}
		p.bytes, p.time, p.answer = measure(req, run, check)
		points = append(points, p)
		if limit := costTimeBase + time.Duration(len(req))*costTimePerByte; p.time > limit {
			t.Errorf("a request of %d bytes took %v, more than %v:%s\nthe request: %.300q", len(req), p.time, limit, table(points), req)
			slow = true // a larger one would take longer
		}
	}
	// Compare each size's rate with that of the size two doublings smaller, both counted from the
	// smallest size that got the same answer (the rates of runs that took other paths do not
	// compare). The smaller size's rate is at least its bytes per byte: when the request grows
	// by little next to its fixed part, the rate over so few bytes is mostly the steps of size
	// classes and slice growth. points[0] (k=1) is not on the doubling scale.
	base := 1
	for j := 2; j < len(points); j++ {
		if points[j].answer != points[base].answer {
			base = j
			continue
		}
		i := j - 2
		if i <= base {
			continue
		}
		before := max(rate(points[base], points[i]), float64(points[i].bytes)/float64(points[i].size))
		after := rate(points[base], points[j])
		if after > costGrowth*before+costSlackPerByte+costSlack/float64(points[j].size-points[base].size) {
			t.Errorf("the bytes allocated per byte of request grew from %.0f to %.0f over two doublings:%s\nthe largest request: %.300q",
				before, after, table(points[base:j+1]), grow(points[j].k))
			return
		}
	}
}

func table(points []costPoint) string {
	var b strings.Builder
	for _, p := range points {
		fmt.Fprintf(&b, "\n\t%v", p)
	}
	return b.String()
}

// rate is the bytes allocated per byte added from a to b.
func rate(a, b costPoint) float64 {
	return (float64(b.bytes) - float64(a.bytes)) / float64(b.size-a.size)
}

// measure runs req twice (once when a run costs enough that the variations of a few KiB do not
// matter) and returns the least bytes allocated and time of a run, and check's answer.
// A run that does not end within 10 s fails the process: it hangs.
func measure[R any](req string, run func(string) R, check func(string, R) string) (bytes uint64, elapsed time.Duration, answer string) {
	bytes, elapsed = ^uint64(0), time.Hour
	var before, after runtime.MemStats
	for i := range 2 {
		watchdog := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("a request hangs: %.300q", req)) })
		runtime.ReadMemStats(&before)
		start := time.Now()
		r := run(req)
		d := time.Since(start)
		runtime.ReadMemStats(&after)
		watchdog.Stop()
		bytes, elapsed = min(bytes, after.TotalAlloc-before.TotalAlloc), min(elapsed, d)
		if i == 0 {
			answer = check(req, r)
		}
		if bytes >= 256<<10 || d >= time.Millisecond {
			break
		}
	}
	return bytes, elapsed, answer
}

// StripDigits drops the digits of s, which in an answer count what grew.
func StripDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if '0' <= r && r <= '9' {
			return -1
		}
		return r
	}, s)
}
