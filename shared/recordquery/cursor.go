package recordquery

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
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
	return EncodeCursorFields(fields)
}

func setField(fields []CursorField, key string, v any) []CursorField {
	for i := range fields {
		if fields[i].Key == key {
			fields[i].Value = v
			return fields
		}
	}
	return append(fields, CursorField{Key: key, Value: v})
}

// EncodeCursorFields returns the cursor of an object with the given members, in order. Values
// are encoded as encoding/json does, without HTML escaping; values it cannot encode, and
// non-finite numbers, become null, as JSON.stringify makes NaN.
func EncodeCursorFields(fields []CursorField) string {
	var buf bytes.Buffer
	writeObject(&buf, fields)
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

func writeObject(buf *bytes.Buffer, fields []CursorField) {
	buf.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeValue(buf, f.Key)
		buf.WriteByte(':')
		writeValue(buf, f.Value)
	}
	buf.WriteByte('}')
}

func writeValue(buf *bytes.Buffer, v any) {
	switch v := v.(type) {
	case []CursorField:
		writeObject(buf, v)
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
