package jsonquote

import (
	"bytes"
	"encoding/json"
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
