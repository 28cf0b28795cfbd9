package restquery

import (
	"strconv"
	"strings"
)

// Integer reads the value of a numeric parameter (limit, depth): plain decimal digits, nothing
// else (no sign, white space, fraction, exponent, 0x/0o/0b prefix, Infinity or NaN), of a number
// that fits an int32, as the contract between the Workers carries it. ok is false for anything
// else.
//
// This departs from Twenty, which reads these parameters as JavaScript's unary + does (" 10 ",
// "1e1", "0xa" and "Infinity" are numbers there): one strict reading leaves no odd input for
// the two sides to disagree on.
func Integer(s string) (n int, ok bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, false
	}
	return int(v), true
}

// jsTrim removes the characters JavaScript's String.prototype.trim removes: white space and
// line terminators.
func jsTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		switch r {
		case '\t', '\n', '\v', '\f', '\r', ' ', '\u00a0', '\u1680', '\u2028', '\u2029', '\u202f',
			'\u205f', '\u3000', '\ufeff':
			return true
		}
		return '\u2000' <= r && r <= '\u200a'
	})
}
