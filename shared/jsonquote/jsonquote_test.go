package jsonquote

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// encodingJSON quotes s as encoding/json does without HTML escaping: Append's reference.
func encodingJSON(t testing.TB, s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

var samples = []string{
	"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr", "\b\f\x00\x01\x1f\x7f",
	"<html> & 'apostrophe'", "é ü 日本 🎉", "line\u2028sep\u2029para", "bad \xff utf8 \xc3",
	"\xed\xa0\x80 surrogate half", strings.Repeat("long ", 200),
}

func TestAppendMatchesEncodingJSON(t *testing.T) {
	for _, s := range samples {
		if diff := cmp.Diff(encodingJSON(t, s), string(Append(nil, s))); diff != "" {
			t.Errorf("Append(%q) (-encoding/json +got):\n%s", s, diff)
		}
	}
}

func TestAppendJS(t *testing.T) {
	tests := []struct{ in, want string }{
		{"line\u2028sep\u2029para", "\"line\u2028sep\u2029para\""},
		{"a\"b\\c\nd\be\x01", `"a\"b\\c\nd\be\u0001"`},
		{"bad \xff", `"bad \ufffd"`},
	}
	for _, tt := range tests {
		if got := string(AppendJS([]byte("x"), tt.in)); got != "x"+tt.want {
			t.Errorf("AppendJS(%q) = %s, want x%s", tt.in, got, tt.want)
		}
	}
}

func FuzzAppend(f *testing.F) {
	for _, s := range samples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(Append(nil, s)), encodingJSON(t, s); got != want {
			t.Errorf("Append(%q) = %s, encoding/json %s", s, got, want)
		}
		var back string
		if err := json.Unmarshal(AppendJS(nil, s), &back); err != nil {
			t.Errorf("AppendJS(%q) is not JSON: %v", s, err)
		}
	})
}

func TestAppendFloatMatchesEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 0.5, 1.0 / 3, 123456789, 1e20, 1e21, 1.5e21, 1e-6, 9.99e-7, 1e-9, -2.5e-12, 12345.678e30} {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(AppendFloat(nil, f, 64)); got != string(want) {
			t.Errorf("AppendFloat(%v, 64) = %s, encoding/json %s", f, got, want)
		}
	}
	for _, f := range []float32{0, 0.1, 1.0 / 3, 1e20, 1e21, 1e-6, 9.99e-7, 3.4e38} {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(AppendFloat(nil, float64(f), 32)); got != string(want) {
			t.Errorf("AppendFloat(%v, 32) = %s, encoding/json %s", f, got, want)
		}
	}
	if got := string(AppendFloat(nil, math.NaN(), 64)); got != "null" {
		t.Errorf("AppendFloat(NaN) = %s, want null", got)
	}
}

func TestAppendScalar(t *testing.T) {
	for _, v := range []any{nil, "a <b> \"c\"", true, false, int64(-42), 7, 1.5, 1e-7, float32(0.1), 1e21} {
		got, ok := AppendScalar([]byte("x"), v)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if want := "x" + strings.TrimSuffix(buf.String(), "\n"); !ok || string(got) != want {
			t.Errorf("AppendScalar(%#v) = %q, %v; want %q, true", v, got, ok, want)
		}
	}
	for _, v := range []any{map[string]any{}, []any{}, uint8(1)} {
		if got, ok := AppendScalar([]byte("x"), v); ok || string(got) != "x" {
			t.Errorf("AppendScalar(%#v) = %q, %v; want it left to the caller", v, got, ok)
		}
	}
}
