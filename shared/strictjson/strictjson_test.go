package strictjson

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCheck(t *testing.T) {
	deep := func(n int, opening, closing string) string {
		return strings.Repeat(opening, n) + strings.Repeat(closing, n)
	}
	for _, tc := range []struct {
		name string
		in   string
		want Reason
	}{
		{"object", `{"a": [1, -2.5e+3, true, false, null, "x\"\u00e9"], "b": {}}`, 0},
		{"spaces around", " \n\t[ ] \r\n", 0},
		{"empty string value", `""`, 0},
		{"at the depth limit", deep(MaxDepth, "[", "]"), 0},
		{"objects at the limit", deep(MaxDepth-1, `{"a":`, "}")[:0] + strings.Repeat(`{"a":`, MaxDepth-1) + "{}" + strings.Repeat("}", MaxDepth-1), 0},
		{"one past the limit", deep(MaxDepth+1, "[", "]"), Depth},
		{"far past the limit", deep(100_000, "[", "]"), Depth},
		{"escaped NUL", `{"a": "x\u0000y"}`, NUL},
		{"raw NUL", "\"x\x00\"", NUL},
		{"empty", ``, Syntax},
		{"two values", `{} {}`, Syntax},
		{"trailing comma", `[1,]`, Syntax},
		{"unclosed", `{"a": [1, 2}`, Syntax},
		{"single quotes", `{'a': 1}`, Syntax},
		{"bare word", `nul`, Syntax},
		{"leading zero", `01`, Syntax},
		{"hex", `0x10`, Syntax},
		{"infinity", `Infinity`, Syntax},
		{"plus", `+1`, Syntax},
		{"dot only", `1.`, Syntax},
		{"bad escape", `"\x"`, Syntax},
		{"short unicode escape", `"\u12"`, Syntax},
		{"control character", "\"a\nb\"", Syntax},
		{"key not a string", `{a: 1}`, Syntax},
		{"missing colon", `{"a" 1}`, Syntax},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ReasonOf(Check([]byte(tc.in), MaxDepth))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Check(%.40q) reason (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// FuzzCheck holds Check to encoding/json on every input whose nesting and characters are within
// the contract, and bounds its time per byte on all.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `"\u0041"`, `[[[]]]`, `-0.5E-7`, `{"":""}`, "[\"\x00\"]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		start := time.Now()
		err := Check(b, 8)
		if d := time.Since(start); d > 50*time.Millisecond+time.Duration(len(b))*5*time.Microsecond {
			t.Fatalf("Check took %v for %d bytes", d, len(b))
		}
		if ReasonOf(err) == Syntax || err == nil {
			if bytes.Contains(b, []byte{0}) {
				return // raw NUL outside strings: a syntax error for both, inside: our rule
			}
			valid := json.Valid(b)
			if valid != (err == nil) && depthOf(b) <= 8 && !bytes.Contains(b, []byte(`\u0000`)) {
				t.Fatalf("Check(%q) = %v, json.Valid = %v", b, err, valid)
			}
		}
	})
}

// depthOf over-estimates nesting by counting brackets, strings included.
func depthOf(b []byte) int {
	d, deepest := 0, 0
	for _, c := range b {
		switch c {
		case '{', '[':
			d++
			deepest = max(deepest, d)
		case '}', ']':
			d--
		}
	}
	return deepest
}
