package fuzzcost

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a TB that keeps what Check reports.
type recorder struct{ errors []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

var sink [][]byte

// TestCheck checks that Check passes a cost linear in the request and fails a quadratic one.
func TestCheck(t *testing.T) {
	grow := Pump{"[", "x", "", "", "]"}.Grow
	for _, tc := range []struct {
		name     string
		run      func(req string) int
		wantFail bool
	}{
		{"linear", func(req string) int {
			sink = [][]byte{make([]byte, 64*len(req))}
			return 0
		}, false},
		{"quadratic", func(req string) int {
			sink = sink[:0]
			for range req {
				sink = append(sink, make([]byte, 4*len(req)))
			}
			return 0
		}, true},
	} {
		var r recorder
		Check[int](&r, grow, 4<<10, tc.run, func(string, int) string { return "same" })
		if failed := len(r.errors) > 0; failed != tc.wantFail {
			t.Errorf("%s: Check reported %q, want failure %t", tc.name, strings.Join(r.errors, "; "), tc.wantFail)
		}
	}
}

func TestPumpGrow(t *testing.T) {
	if got, want := (Pump{"{", "a%d:[", "x", "]%d", "}"}).Grow(2), "{a0:[a1:[x]1]0}"; got != want {
		t.Errorf("Grow(2) = %q, want %q", got, want)
	}
}
