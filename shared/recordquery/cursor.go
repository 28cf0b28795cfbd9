package recordquery

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unsafe"

	"github.com/twentyworkers/twenty/shared/jsonquote"
)

// Cursors are Twenty's (cursors.util.ts in
// packages/twenty-server/src/engine/api/graphql/graphql-query-runner/utils/): the standard base64
// of the JSON of an object holding a record's values of the order-by fields, then its id, as
// {"position":3,"id":"…"}. A composite order-by field is an object of the sub-fields ordered by,
// {"name":{"firstName":"Ada"},"id":"…"}.

// CursorField is one member of a cursor object, in encoding order. A Value of type []CursorField
// is encoded as a nested object, in order.
type CursorField struct {
	Key   string
	Value any
}

// EncodeCursor returns the cursor of record under the ordering orderBy, as Twenty builds it: for
// each order-by field in turn its value in record (for a dotted path "name.firstName", the
// sub-field inside an object under "name"), then record["id"]. Absent values are left out, as
// JSON.stringify leaves out undefined ones; a key met twice keeps its first place and its last
// value.
//
// record maps field names to values, composite fields to map[string]any of their sub-fields.
func EncodeCursor(orderBy []Order, record map[string]any) string {
	// A cursor has a few members: a linear search finds them faster than a map, and they fit
	// on the stack.
	var stack [8]CursorField
	fields := stack[:0]
	set := func(key string, v any) {
		if i := fieldIndex(fields, key); i >= 0 {
			fields[i].Value = v
			return
		}
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
		if i := fieldIndex(fields, root); i >= 0 {
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
	return EncodeCursorFields(fields)
}

// fieldIndex returns the index of the member named key, or -1.
func fieldIndex(fields []CursorField, key string) int {
	for i := range fields {
		if fields[i].Key == key {
			return i
		}
	}
	return -1
}

func setField(fields []CursorField, key string, v any) []CursorField {
	if i := fieldIndex(fields, key); i >= 0 {
		fields[i].Value = v
		return fields
	}
	return append(fields, CursorField{Key: key, Value: v})
}

// EncodeCursorFields returns the cursor of an object with the given members, in order. Values
// are encoded as encoding/json does, without HTML escaping; values it cannot encode, and
// non-finite numbers, become null, as JSON.stringify makes NaN.
//
// The values records hold (nil, strings, booleans, int64, float64, nested members) are encoded
// here, into a buffer on the stack, and the cursor is the one allocation; other values go
// through encoding/json.
func EncodeCursorFields(fields []CursorField) string {
	var scratch [256]byte
	js := appendObject(scratch[:0], fields)
	out := make([]byte, base64.StdEncoding.EncodedLen(len(js)))
	base64.StdEncoding.Encode(out, js)
	// out is never written again: the string can share its bytes, as strings.Builder does.
	return unsafe.String(unsafe.SliceData(out), len(out))
}

func appendObject(b []byte, fields []CursorField) []byte {
	b = append(b, '{')
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonquote.Append(b, f.Key)
		b = append(b, ':')
		if sub, ok := f.Value.([]CursorField); ok {
			b = appendObject(b, sub)
		} else {
			b = appendValue(b, f.Value)
		}
	}
	return append(b, '}')
}

func appendValue(b []byte, v any) []byte {
	if out, ok := jsonquote.AppendScalar(b, v); ok {
		return out
	}
	return append(b, encodeJSON(v)...)
}

// encodeJSON encodes v with encoding/json, without HTML escaping, or as null if it cannot.
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte("null")
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// InvalidCursorError is the error of a cursor that does not decode. Its message is Twenty's,
// "Invalid cursor: " and the cursor, which REST answers as a 400 (decodeCursor in cursors.util.ts).
type InvalidCursorError struct {
	// Cursor is the cursor as received.
	Cursor string
	// Err is the cause, when there is one.
	Err error
}

func (e *InvalidCursorError) Error() string { return "Invalid cursor: " + e.Cursor }

func (e *InvalidCursorError) Unwrap() error { return e.Err }

var errNotObject = errors.New("cursor is not a JSON object")

// DecodeCursor decodes a cursor into its members. Like Node's Buffer.from(s, "base64"), which
// Twenty uses, it reads the standard and the URL-safe alphabets, skips other characters and stops
// at the first '='. The JSON must be an object (Twenty would go on with any JSON value); its
// numbers are json.Number, so that large integers keep their digits.
//
// An error is an *InvalidCursorError.
func DecodeCursor(s string) (map[string]any, error) {
	data := decodeBase64Loose(s)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &InvalidCursorError{Cursor: s, Err: err}
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("data after the JSON value")
		}
		return nil, &InvalidCursorError{Cursor: s, Err: err}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &InvalidCursorError{Cursor: s, Err: errNotObject}
	}
	return m, nil
}

// decodeBase64Loose decodes base64 as Node's legacy decoder does: characters of neither the
// standard nor the URL-safe alphabet are skipped, '=' ends the data, and trailing bits that do
// not make a byte are dropped.
func decodeBase64Loose(s string) []byte {
	out := make([]byte, 0, len(s)*3/4)
	var acc uint32
	n := 0
loop:
	for i := 0; i < len(s); i++ {
		c := s[i]
		var v byte
		switch {
		case 'A' <= c && c <= 'Z':
			v = c - 'A'
		case 'a' <= c && c <= 'z':
			v = c - 'a' + 26
		case '0' <= c && c <= '9':
			v = c - '0' + 52
		case c == '+' || c == '-':
			v = 62
		case c == '/' || c == '_':
			v = 63
		case c == '=':
			break loop
		default:
			continue
		}
		acc = acc<<6 | uint32(v)
		n++
		if n == 4 {
			out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	switch n {
	case 2:
		out = append(out, byte(acc>>4))
	case 3:
		out = append(out, byte(acc>>10), byte(acc>>2))
	}
	return out
}
