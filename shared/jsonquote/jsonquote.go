// Package jsonquote appends Go strings and floats as JSON, without reflection or allocation: the
// scalars the hand-written encoders (GraphQL responses, REST records, record cursors) share.
package jsonquote

import (
	"math"
	"strconv"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Append appends s quoted as encoding/json quotes strings without HTML escaping: quotes,
// backslashes and control characters escaped (\b, \f, \n, \r and \t by name), invalid UTF-8 as
// U+FFFD, and U+2028 and U+2029 escaped so that the output is also valid JavaScript.
func Append(b []byte, s string) []byte { return appendQuoted(b, s, true) }

// AppendJS appends s quoted as JavaScript's JSON.stringify quotes strings: as Append, but U+2028
// and U+2029 as they are.
func AppendJS(b []byte, s string) []byte { return appendQuoted(b, s, false) }

func appendQuoted(b []byte, s string, escapeLineSeparators bool) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case escapeLineSeparators && (r == '\u2028' || r == '\u2029'):
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendFloat appends f, a float64 or (bits 32) a float32's value, as encoding/json writes numbers
// (and JavaScript): the shortest form, with an exponent only below 1e-6 or from 1e21 on, as e-7
// rather than e-07. NaN and the infinities, which JSON cannot hold, are null.
func AppendFloat(b []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// AppendScalar appends v as encoding/json encodes it when v is nil, a string (as Append), a
// bool, an int, an int64, a float64 or a float32 (as AppendFloat), and reports whether it was one
// of those; other values are left to the caller.
func AppendScalar(b []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), true
	case string:
		return Append(b, v), true
	case bool:
		return strconv.AppendBool(b, v), true
	case int64:
		return strconv.AppendInt(b, v, 10), true
	case int:
		return strconv.AppendInt(b, int64(v), 10), true
	case float64:
		return AppendFloat(b, v, 64), true
	case float32:
		return AppendFloat(b, float64(v), 32), true
	}
	return b, false
}
