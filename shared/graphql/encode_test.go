package graphql

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// stdJSON is encoding/json's encoding of v without HTML escaping, which appendJSON matches.
func stdJSON(t testing.TB, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	values := []any{
		nil, true, false, "", "plain", "quote\" backslash\\ slash/ <html> &", "tab\t nl\n cr\r \x00 \x1f \x7f",
		"héllo wörld ✓ 😀", "bad utf8 \xff\xfe end", "line sep \u2028 para sep \u2029",
		int64(0), int64(-42), int64(math.MaxInt64), 7,
		0.0, 1.0, -1.5, 1e20, 1e21, 1.5e-7, 1e-6, 123456789.125, math.MaxFloat64, math.SmallestNonzeroFloat64,
		[]any{int64(1), "a", nil, []any{}},
		json.RawMessage(`{"raw":true}`),
		map[string]any{"b": 1, "a": []int{1}},
	}
	for _, v := range values {
		got := string(appendJSON(nil, v))
		if want := stdJSON(t, v); got != want {
			t.Errorf("appendJSON(%#v) = %s, want %s", v, got, want)
		}
	}
}

func TestObjectKeepsOrder(t *testing.T) {
	o := object{{"z", int64(1)}, {"a", object{{"y", "x"}, {"b", nil}}}, {"m", []any{object{}}}}
	got, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"z":1,"a":{"y":"x","b":null},"m":[{}]}`; string(got) != want {
		t.Errorf("json.Marshal(object) = %s, want %s", got, want)
	}
}
