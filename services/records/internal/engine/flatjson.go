package engine

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// jsonMember is one member of a decoded JSON object.
type jsonMember struct {
	key   string
	value any
}

// decodeChunk decodes s, a chunk of a joined record (a JSON object SQLite's json_object made of
// column values, see joinChunks), into its members, appended to out, numbers typed as D1 types
// result values (d1Number). It decodes as encoding/json's Decoder decodes the first value of s
// into a map[string]any (what follows that value is not read), and reports false where that
// would fail.
//
// The members of a chunk are column values: null, numbers and strings, which it decodes itself;
// strings are slices of s unless escaped. Anything else (an escape, invalid UTF-8, a boolean, a
// nested value, a syntax error) is left to encoding/json, for the same result.
func decodeChunk(s string, out []jsonMember) ([]jsonMember, bool) {
	if ms, ok := decodeFlatObject(s, out); ok {
		return ms, true
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var chunk map[string]any
	if err := dec.Decode(&chunk); err != nil {
		return out, false
	}
	for k, v := range chunk {
		if n, ok := v.(json.Number); ok {
			v = d1Number(n)
		}
		out = append(out, jsonMember{k, v})
	}
	return out, true
}

// decodeFlatObject decodes s when it is an object whose values are all null, numbers or strings
// without escapes, and reports false, leaving out as it was, when it is not.
func decodeFlatObject(s string, out []jsonMember) ([]jsonMember, bool) {
	n := len(out)
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return out[:n], false
	}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		return out, true
	}
	for {
		key, j, ok := plainString(s, i)
		if !ok {
			return out[:n], false
		}
		i = skipSpace(s, j)
		if i >= len(s) || s[i] != ':' {
			return out[:n], false
		}
		i = skipSpace(s, i+1)
		var v any
		switch {
		case strings.HasPrefix(s[i:], "null"):
			i += len("null")
		case i < len(s) && s[i] == '"':
			if v, i, ok = plainString(s, i); !ok {
				return out[:n], false
			}
		default:
			var num string
			if num, i, ok = number(s, i); !ok {
				return out[:n], false
			}
			v = d1Number(json.Number(num))
		}
		out = append(out, jsonMember{key, v})
		i = skipSpace(s, i)
		if i >= len(s) {
			return out[:n], false
		}
		switch s[i] {
		case ',':
			i = skipSpace(s, i+1)
		case '}':
			return out, true
		default:
			return out[:n], false
		}
	}
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// plainString reads the string starting at s[i], '"', when it has no escape and is valid UTF-8
// (as encoding/json reads it then: as it is), and returns it and the index after it.
func plainString(s string, i int) (string, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return "", i, false
	}
	start := i + 1
	for j := start; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			v := s[start:j]
			return v, j + 1, utf8.ValidString(v)
		case c == '\\' || c < 0x20:
			return "", i, false
		}
	}
	return "", i, false
}

// number reads the JSON number starting at s[i] and returns it and the index after it.
func number(s string, i int) (string, int, bool) {
	start := i
	digits := func() bool {
		j := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case !digits():
		return "", start, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return "", start, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return "", start, false
		}
	}
	return s[start:i], i, true
}
