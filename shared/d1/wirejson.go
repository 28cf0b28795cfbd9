package d1

// The JSON lexing under the results decoder (wire.go): syntax checks, keys, strings and skipped
// values, with encoding/json's rules for what is accepted and how strings unescape.

import (
	"fmt"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// skipValue reads any JSON value, checking its syntax.
func (d *decoder) skipValue() error {
	switch c := d.peek(); {
	case c == '"':
		_, _, err := d.str()
		return err
	case c == '-' || isDigit(c):
		_, err := d.number()
		return err
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	case c == '[':
		if err := d.open('[', "an array"); err != nil {
			return err
		}
		for first := true; ; first = false {
			more, err := d.more(']', first)
			if err != nil || !more {
				return err
			}
			if err := d.skipValue(); err != nil {
				return err
			}
		}
	case c == '{':
		if err := d.open('{', "an object"); err != nil {
			return err
		}
		for first := true; ; first = false {
			more, err := d.more('}', first)
			if err != nil || !more {
				return err
			}
			if _, err := d.key(); err != nil {
				return err
			}
			if err := d.skipValue(); err != nil {
				return err
			}
		}
	}
	return d.unexpected("a JSON value")
}

// open reads the opening bracket or brace c of an array or object.
func (d *decoder) open(c byte, want string) error {
	if d.peek() != c {
		return d.unexpected(want)
	}
	d.pos++
	d.depth++
	if d.depth > maxDepth {
		return d.errorf("more than %d nested arrays and objects", maxDepth)
	}
	return nil
}

// more reads up to the next element of an array or object that ends with end, reporting
// false after reading end. The first call for an array or object passes first.
func (d *decoder) more(end byte, first bool) (bool, error) {
	d.skipSpace()
	if d.peek() == end {
		d.pos++
		d.depth--
		return false, nil
	}
	if !first {
		if d.peek() != ',' {
			return false, d.unexpected(fmt.Sprintf("',' or %q", end))
		}
		d.pos++
		d.skipSpace()
	}
	return true, nil
}

// key reads an object key and the colon after it, returning the key unescaped; the key may
// share memory with the decoder and is valid until the next string is read.
func (d *decoder) key() ([]byte, error) {
	if d.peek() != '"' {
		return nil, d.unexpected("an object key")
	}
	key, _, err := d.str()
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.peek() != ':' {
		return nil, d.unexpected("':'")
	}
	d.pos++
	d.skipSpace()
	return key, nil
}

// keyIs reports whether an object key names the field whose JSON name is name (lower-case
// ASCII), as encoding/json matches them: exactly, or else equal once case-folded, so that
// "Rows" and "rowſ" match "rows" too.
func keyIs(key []byte, name string) bool {
	if string(key) == name {
		return true
	}
	j := 0
	for i := 0; i < len(key); j++ {
		r, n := rune(key[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(key[i:])
			r = foldRune(r)
		} else if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		if j >= len(name) || r != rune(upper(name[j])) {
			return false
		}
		i += n
	}
	return j == len(name)
}

// foldRune returns the smallest rune of r's case-folding orbit, as encoding/json folds field
// names.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// upper returns the ASCII byte c in upper case.
func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// str reads a string. plain reports that the string has no escapes and is valid UTF-8: it is
// then the input's bytes between the quotes; otherwise it is unescaped into d.buf, valid
// until the next string is read.
func (d *decoder) str() (s []byte, plain bool, err error) {
	start := d.pos + 1
	ascii := true
	for i := start; i < len(d.data); i++ {
		c := d.data[i]
		if c == '"' {
			s := d.data[start:i]
			if !ascii && !utf8.Valid(s) {
				break
			}
			d.pos = i + 1
			return s, true, nil
		}
		if c == '\\' || c < ' ' {
			break
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	s, err = d.unquote(start)
	return s, false, err
}

// unquote unescapes the string whose contents start at data[i] into d.buf, as encoding/json
// does: invalid UTF-8 bytes become U+FFFD, as do surrogate escapes that are not a valid pair.
func (d *decoder) unquote(i int) ([]byte, error) {
	buf := d.buf[:0]
	for {
		if i >= len(d.data) {
			d.pos = i
			return nil, d.unexpected("the end of the string")
		}
		switch c := d.data[i]; {
		case c == '"':
			d.pos = i + 1
			d.buf = buf
			return buf, nil
		case c == '\\':
			var err error
			if buf, i, err = d.escape(buf, i); err != nil {
				return nil, err
			}
		case c < ' ':
			d.pos = i
			return nil, d.errorf("control character %q in a string", c)
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, n := utf8.DecodeRune(d.data[i:])
			buf = utf8.AppendRune(buf, r)
			i += n
		}
	}
}

// escape appends the character that the escape sequence at data[i] stands for to buf, and
// returns the index after the sequence.
func (d *decoder) escape(buf []byte, i int) ([]byte, int, error) {
	if i+1 >= len(d.data) {
		d.pos = len(d.data)
		return nil, 0, d.unexpected("an escape sequence")
	}
	switch c := d.data[i+1]; c {
	case '"', '\\', '/':
		return append(buf, c), i + 2, nil
	case 'b':
		return append(buf, '\b'), i + 2, nil
	case 'f':
		return append(buf, '\f'), i + 2, nil
	case 'n':
		return append(buf, '\n'), i + 2, nil
	case 'r':
		return append(buf, '\r'), i + 2, nil
	case 't':
		return append(buf, '\t'), i + 2, nil
	case 'u':
		r := d.hex4(i)
		if r < 0 {
			d.pos = i
			return nil, 0, d.errorf("invalid \\u escape")
		}
		i += 6
		if utf16.IsSurrogate(r) {
			if dec := utf16.DecodeRune(r, d.hex4(i)); dec != unicode.ReplacementChar {
				return utf8.AppendRune(buf, dec), i + 6, nil
			}
			r = unicode.ReplacementChar
		}
		return utf8.AppendRune(buf, r), i, nil
	}
	d.pos = i
	return nil, 0, d.errorf("invalid escape \\%c", d.data[i+1])
}

// hex4 returns the code unit of the \uXXXX escape at data[i], or -1 if there is none.
func (d *decoder) hex4(i int) rune {
	if i+6 > len(d.data) || d.data[i] != '\\' || d.data[i+1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range d.data[i+2 : i+6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// number reads a number and returns its bytes.
func (d *decoder) number() ([]byte, error) {
	start := d.pos
	if d.peek() == '-' {
		d.pos++
	}
	switch c := d.peek(); {
	case c == '0':
		d.pos++
	case '1' <= c && c <= '9':
		d.digits()
	default:
		return nil, d.unexpected("a digit")
	}
	if d.peek() == '.' {
		d.pos++
		if !isDigit(d.peek()) {
			return nil, d.unexpected("a digit")
		}
		d.digits()
	}
	if c := d.peek(); c == 'e' || c == 'E' {
		d.pos++
		if c := d.peek(); c == '+' || c == '-' {
			d.pos++
		}
		if !isDigit(d.peek()) {
			return nil, d.unexpected("a digit")
		}
		d.digits()
	}
	return d.data[start:d.pos], nil
}

// digits reads a run of decimal digits.
func (d *decoder) digits() {
	for isDigit(d.peek()) {
		d.pos++
	}
}

// literal reads the literal word (null, true or false).
func (d *decoder) literal(word string) error {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return d.unexpected(word)
	}
	d.pos += len(word)
	return nil
}

// skipSpace reads whitespace.
func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the byte at pos, or 0 at the end of the input (which no JSON value has
// where the decoder peeks).
func (d *decoder) peek() byte {
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

// unexpected returns an error for the byte at pos, where the decoder expected want.
func (d *decoder) unexpected(want string) error {
	if d.pos >= len(d.data) {
		return d.errorf("unexpected end of input, want %s", want)
	}
	return d.errorf("unexpected %q, want %s", d.data[d.pos], want)
}

// errorf returns an error in the results' JSON at pos.
func (d *decoder) errorf(format string, args ...any) error {
	return fmt.Errorf("decode results: offset %d: %s", d.pos, fmt.Sprintf(format, args...))
}

func isDigit(c byte) bool {
	return '0' <= c && c <= '9'
}
