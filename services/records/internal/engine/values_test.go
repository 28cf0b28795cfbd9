package engine

import (
	"math"
	"testing"
)

func TestJSParseFloat(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"1", 1}, {" \t2.5", 2.5}, {"-3e2", -300}, {".5", 0.5}, {"5.", 5}, {"+7", 7},
		{"1abc", 1}, {"1e", 1}, {"1e+", 1}, {"0x10", 0}, {"12.3.4", 12.3},
		{"Infinity", math.Inf(1)}, {"-Infinityx", math.Inf(-1)}, {"1e400", math.Inf(1)},
	}
	for _, tt := range tests {
		if got := jsParseFloat(tt.in); got != tt.want {
			t.Errorf("jsParseFloat(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	for _, in := range []string{"", "x", ".", "-", "+.", "e5", "NaN", "infinity"} {
		if got := jsParseFloat(in); !math.IsNaN(got) {
			t.Errorf("jsParseFloat(%q) = %v, want NaN", in, got)
		}
	}
}

func TestInspect(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"abc", `'abc'`},
		{"it's", `"it's"`},
		{`it's "x"`, "`it's \"x\"`"},
		{"it's \"x\" `y`", `'it\'s "x" ` + "`y`'"},
		{"a\\b\nc", `'a\\b\nc'`},
		{"\x01", `'\x01'`},
		{math.NaN(), "NaN"},
		{math.Inf(-1), "-Infinity"},
		{true, "true"},
		{nil, "null"},
	}
	for _, tt := range tests {
		if got := inspect(tt.in); got != tt.want {
			t.Errorf("inspect(%#v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestLikeToGlob(t *testing.T) {
	tests := []struct{ in, want string }{
		{"%lon%", "*lon*"},
		{"_a_", "?a?"},
		{`50\%`, "50%"},
		{`a\_b`, "a_b"},
		{`a\\b`, `a\b`},
		{"a*b?c[d]", "a[*]b[?]c[[]d]"},
		{`end\`, `end\`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := likeToGlob(tt.in); got != tt.want {
			t.Errorf("likeToGlob(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2024-01-02T03:04:05.678Z", "2024-01-02T03:04:05.678Z"},
		{"2024-01-02T03:04:05Z", "2024-01-02T03:04:05.000Z"},
		{"2024-01-02T03:04:05.1234567+02:00", "2024-01-02T01:04:05.123Z"},
		{"2024-01-02T03:04:05+0200", "2024-01-02T01:04:05.000Z"},
		{"2024-01-02T03:04:05.5", "2024-01-02T03:04:05.500Z"},
		{"2024-01-02 03:04", "2024-01-02T03:04:00.000Z"},
		{"2024-01-02", "2024-01-02T00:00:00.000Z"},
		{"20240102", "2024-01-02T00:00:00.000Z"},
		{"2024/01/02", "2024-01-02T00:00:00.000Z"},
		{"01/02/2024", "2024-01-02T00:00:00.000Z"},
		{"January 2, 2024", "2024-01-02T00:00:00.000Z"},
		{"2 Jan 2024", "2024-01-02T00:00:00.000Z"},
		{"02-Jan-2024", "2024-01-02T00:00:00.000Z"},
		{"2024-Jan-02", "2024-01-02T00:00:00.000Z"},
	}
	for _, tt := range tests {
		d, ok := parseDateTime(tt.in)
		if got := d.UTC().Format("2006-01-02T15:04:05.000Z"); !ok || got != tt.want {
			t.Errorf("parseDateTime(%q) = %s, %v, want %s, true", tt.in, got, ok, tt.want)
		}
	}
	for _, in := range []string{"", "yesterday", "2024-13-01", "2024-02-30", "1/2/2024", "2024-01-02T25:00:00Z"} {
		if _, ok := parseDateTime(in); ok {
			t.Errorf("parseDateTime(%q) ok, want not", in)
		}
	}
}

func TestAnalyzeLike(t *testing.T) {
	tests := []struct {
		in    string
		shape likeShape
		text  string
	}{
		{"", likeExact, ""},
		{"abc", likeExact, "abc"},
		{`a\%b\_c\\`, likeExact, `a%b_c\`},
		{"%", likeAny, ""},
		{"%%%", likeAny, ""},
		{"abc%", likePrefix, "abc"},
		{"abc%%", likePrefix, "abc"},
		{"%abc", likeSuffix, "abc"},
		{"%abc%", likeContains, "abc"},
		{`%50\%%`, likeContains, "50%"},
		{"%a%b%", likeGeneral, ""},
		{"a%b", likeGeneral, ""},
		{"_abc", likeGeneral, ""},
		{"abc%_", likeGeneral, ""},
		{`trailing\`, likeExact, `trailing\`},
	}
	for _, tt := range tests {
		shape, text := analyzeLike(tt.in)
		if shape != tt.shape || text != tt.text {
			t.Errorf("analyzeLike(%q) = %v, %q, want %v, %q", tt.in, shape, text, tt.shape, tt.text)
		}
	}
}
