package graphql

import (
	"bytes"
	"encoding/json"

	"github.com/twentyworkers/twenty/shared/jsonquote"
)

// object is a result object: its fields in selection order, as the spec asks responses to be.
type object []member

type member struct {
	key   string
	value any
}

// MarshalJSON encodes o with its fields in order.
func (o object) MarshalJSON() ([]byte, error) {
	return appendJSON(nil, o), nil
}

// MarshalJSON encodes r as the spec's response: "errors" first when there are any, then "data"
// when execution started.
func (r Response) MarshalJSON() ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, 512))
	buf.WriteByte('{')
	if len(r.Errors) > 0 {
		buf.WriteString(`"errors":`)
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r.Errors); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
	}
	b := buf.Bytes()
	if r.executed {
		if len(r.Errors) > 0 {
			b = append(b, ',')
		}
		b = append(b, `"data":`...)
		b = appendJSON(b, r.Data)
	}
	return append(b, '}'), nil
}

// appendJSON appends the JSON encoding of v, a completed value: nil, bool, string, int64, float64,
// object, []any, or a custom scalar's value (encoded by encoding/json unless already raw JSON).
func appendJSON(b []byte, v any) []byte {
	if out, ok := jsonquote.AppendScalar(b, v); ok {
		return out
	}
	switch v := v.(type) {
	case object:
		b = append(b, '{')
		for i, m := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonquote.Append(b, m.key)
			b = append(b, ':')
			b = appendJSON(b, m.value)
		}
		return append(b, '}')
	case []any:
		b = append(b, '[')
		for i, item := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, item)
		}
		return append(b, ']')
	case json.RawMessage:
		return append(b, v...)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...) // completion marshals custom scalars, so this is unreachable
	}
	return append(b, raw...)
}
