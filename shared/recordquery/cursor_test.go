package recordquery

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// referenceEncodeCursorFields is EncodeCursorFields as it was, encoding every value with
// encoding/json: cursors must not change, clients send them back.
func referenceEncodeCursorFields(fields []CursorField) string {
	var buf bytes.Buffer
	referenceWriteObject(&buf, fields)
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

func referenceWriteObject(buf *bytes.Buffer, fields []CursorField) {
	buf.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		referenceWriteValue(buf, f.Key)
		buf.WriteByte(':')
		referenceWriteValue(buf, f.Value)
	}
	buf.WriteByte('}')
}

func referenceWriteValue(buf *bytes.Buffer, v any) {
	switch v := v.(type) {
	case []CursorField:
		referenceWriteObject(buf, v)
		return
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			buf.WriteString("null")
			return
		}
	case float32:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			buf.WriteString("null")
			return
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		buf.WriteString("null")
		return
	}
	buf.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// referenceEncodeCursor is EncodeCursor as it was (members found through a map).
func referenceEncodeCursor(orderBy []Order, record map[string]any) string {
	var fields []CursorField
	index := map[string]int{}
	set := func(key string, v any) {
		if i, ok := index[key]; ok {
			fields[i].Value = v
			return
		}
		index[key] = len(fields)
		fields = append(fields, CursorField{Key: key, Value: v})
	}
	for _, o := range orderBy {
		root, rest, composite := strings.Cut(o.Field, ".")
		if !composite {
			if v, ok := record[root]; ok {
				set(root, v)
			}
			continue
		}
		sub, _, _ := strings.Cut(rest, ".")
		var obj []CursorField
		if i, ok := index[root]; ok {
			obj, _ = fields[i].Value.([]CursorField)
		}
		if m, ok := record[root].(map[string]any); ok {
			if v, ok := m[sub]; ok {
				obj = setField(obj, sub, v)
			}
		}
		if obj == nil {
			obj = []CursorField{}
		}
		set(root, obj)
	}
	if v, ok := record["id"]; ok {
		set("id", v)
	}
	return referenceEncodeCursorFields(fields)
}

type named string

type marshaler struct{}

func (marshaler) MarshalJSON() ([]byte, error) { return []byte(`{"m":1}`), nil }

// cursorValues are values a cursor may hold, the ones records hold and others.
var cursorValues = []any{
	nil, true, false, "", "Ada", "20202020-0687-4c41-b707-ed1bfca972a7",
	"quote \" backslash \\ slash /", "<html> & co", "tab\tnewline\ncr\rbs\bff\f", "\x00\x01\x1f\x7f",
	"é Zoë 日本 🚀", "invalid \xff\xfe utf-8 \xc3", "line\u2028para\u2029sep", "\u2027\u202a",
	int64(0), int64(-1), int64(math.MaxInt64), int64(math.MinInt64), 42, -7,
	0.0, math.Copysign(0, -1), 1.0, 3.5, -2.25, 0.1, 1e20, 1e21, 123456789012345680000.0, 1e-6, 1e-7, -1e-7,
	5e-324, math.MaxFloat64, 1.5e300, -1.5e-300, 1e-10, 12345.678e-12,
	math.NaN(), math.Inf(1), math.Inf(-1),
	float32(0.1), float32(1e21), float32(1e-7), float32(3), float32(math.NaN()),
	json.Number("12345678901234567890"), json.Number("1.5"), json.Number("not a number"),
	[]any{"a", 1.0}, map[string]any{"b": 1, "a": "<"}, []string{"x"}, []byte("bytes"),
	named("named"), marshaler{}, (*int)(nil), make(chan int), struct{ A int }{1},
	[]CursorField{}, []CursorField{{"x", "y"}, {"n", 1.5}, {"deep", []CursorField{{"z", nil}}}},
}

func TestEncodeCursorFieldsIsEncodingJSON(t *testing.T) {
	for _, v := range cursorValues {
		fields := []CursorField{{Key: "k", Value: v}, {Key: "id", Value: "x"}}
		got, want := EncodeCursorFields(fields), referenceEncodeCursorFields(fields)
		if diff := cmp.Diff(decodeB64(t, got), decodeB64(t, want)); diff != "" {
			t.Errorf("EncodeCursorFields(%#v) mismatch (-got +want):\n%s", v, diff)
		}
		if got != want {
			t.Errorf("EncodeCursorFields(%#v) = %s, want %s", v, got, want)
		}
	}
	// Keys are strings too.
	for _, v := range cursorValues {
		s, ok := v.(string)
		if !ok {
			continue
		}
		fields := []CursorField{{Key: s, Value: 1}}
		if got, want := EncodeCursorFields(fields), referenceEncodeCursorFields(fields); got != want {
			t.Errorf("EncodeCursorFields(key %q) = %s, want %s", s, decodeB64(t, got), decodeB64(t, want))
		}
	}
}

func TestEncodeCursorIsReference(t *testing.T) {
	record := map[string]any{
		"id": "20202020-0687-4c41-b707-ed1bfca972a7", "position": 3.0, "city": "Zoë <&>", "none": nil,
		"done": true, "count": int64(12),
		"name": map[string]any{"firstName": "Ada", "lastName": nil},
		"bad":  "not a map",
	}
	tests := []struct {
		name    string
		orderBy []Order
		record  map[string]any
	}{
		{"nothing", nil, map[string]any{}},
		{"no ordering", nil, record},
		{"scalars", []Order{{"position", AscNullsFirst}, {"city", DescNullsLast}, {"none", AscNullsFirst}, {"done", AscNullsFirst}, {"count", AscNullsFirst}}, record},
		{"repeated", []Order{{"city", AscNullsFirst}, {"position", AscNullsFirst}, {"city", DescNullsLast}}, record},
		{"sub-fields", []Order{{"name.lastName", AscNullsFirst}, {"position", AscNullsFirst}, {"name.firstName", AscNullsFirst}, {"name.lastName", AscNullsFirst}}, record},
		{"sub-field of a scalar", []Order{{"bad.x", AscNullsFirst}, {"city.y", AscNullsFirst}}, record},
		{"scalar over a composite", []Order{{"name.firstName", AscNullsFirst}, {"name", AscNullsFirst}}, record},
		{"composite over a scalar", []Order{{"city", AscNullsFirst}, {"city.x", AscNullsFirst}}, record},
		{"deep path", []Order{{"name.firstName.more", AscNullsFirst}}, record},
		{"id first", []Order{{"id", AscNullsFirst}, {"position", AscNullsFirst}}, record},
		{"many members", []Order{{"a", AscNullsFirst}, {"b", AscNullsFirst}, {"c", AscNullsFirst}, {"d", AscNullsFirst}, {"e", AscNullsFirst}, {"f", AscNullsFirst}, {"g", AscNullsFirst}, {"h", AscNullsFirst}, {"i", AscNullsFirst}, {"j.k", AscNullsFirst}},
			map[string]any{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9, "j": map[string]any{"k": 10}, "id": "x"}},
	}
	for _, tt := range tests {
		got, want := EncodeCursor(tt.orderBy, tt.record), referenceEncodeCursor(tt.orderBy, tt.record)
		if diff := cmp.Diff(decodeB64(t, got), decodeB64(t, want)); diff != "" || got != want {
			t.Errorf("%s: EncodeCursor() mismatch (-got +want):\n%s", tt.name, diff)
		}
	}
}

func FuzzEncodeCursorFields(f *testing.F) {
	f.Add("Ada", 1.5, int64(3), true)
	f.Add("\xff\u2028\"\\\n", 1e21, int64(-1), false)
	f.Add("", 1e-7, int64(math.MinInt64), true)
	f.Fuzz(func(t *testing.T, s string, x float64, n int64, b bool) {
		fields := []CursorField{{s, s}, {"x", x}, {"n", n}, {"b", b}, {"sub", []CursorField{{s, float32(x)}}}}
		if got, want := EncodeCursorFields(fields), referenceEncodeCursorFields(fields); got != want {
			t.Errorf("EncodeCursorFields(%#v) = %s, want %s", fields, decodeB64(t, got), decodeB64(t, want))
		}
	})
}

func decodeB64(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("cursor %q is not base64: %v", s, err)
	}
	return string(b)
}

// BenchmarkEncodeCursor encodes the cursors of a page: Twenty's default ordering (by id), and an
// ordering by a composite sub-field and a number.
func BenchmarkEncodeCursor(b *testing.B) {
	record := map[string]any{
		"id":       "20202020-0687-4c41-b707-ed1bfca972a7",
		"position": 3.0,
		"name":     map[string]any{"firstName": "Ada", "lastName": "Lovelace"},
	}
	benchmarks := []struct {
		name    string
		orderBy []Order
	}{
		{"id", []Order{{"id", AscNullsFirst}}},
		{"name_position_id", []Order{{"name.lastName", AscNullsFirst}, {"position", DescNullsLast}, {"id", AscNullsFirst}}},
	}
	for _, bb := range benchmarks {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				EncodeCursor(bb.orderBy, record)
			}
		})
	}
}
