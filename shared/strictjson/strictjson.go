// Package strictjson holds client JSON to one contract before anything decodes it: well-formed,
// nested no deeper than a limit, and free of NUL characters (which PostgreSQL, and so Twenty,
// refuses in text and jsonb). The check is one pass over the bytes with an explicit stack: its
// cost is linear in the input and its Go stack constant, whatever the nesting.
package strictjson

import (
	"errors"
	"fmt"
)

// MaxDepth is the deepest nesting of objects and arrays a client value may have. Twenty's deepest
// legitimate inputs (a filter nested MaxFilterDepth levels, two per level for and/or lists) stay
// well inside it.
const MaxDepth = 128

// Reason tells which rule a value broke.
type Reason int

// The reasons a value is refused.
const (
	Syntax Reason = iota + 1 // not well-formed JSON
	Depth                    // nested deeper than the limit
	NUL                      // a NUL character, raw or escaped
)

// Error is the check's failure, at a byte offset of the input.
type Error struct {
	Reason Reason
	Offset int
	Limit  int // the depth limit, for Depth
}

func (e *Error) Error() string {
	switch e.Reason {
	case Depth:
		return fmt.Sprintf("JSON nested deeper than %d levels at position %d", e.Limit, e.Offset)
	case NUL:
		return fmt.Sprintf("JSON contains a NUL character at position %d", e.Offset)
	default:
		return fmt.Sprintf("invalid JSON at position %d", e.Offset)
	}
}

// ReasonOf returns the reason of err's *Error, or 0.
func ReasonOf(err error) Reason {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Reason
	}
	return 0
}

// Check reports whether b is exactly one JSON value (surrounded by white space only) nested at
// most maxDepth deep and without NUL characters.
func Check(b []byte, maxDepth int) error {
	s := scanner{b: b, maxDepth: maxDepth}
	s.space()
	if err := s.value(); err != nil {
		return err
	}
	s.space()
	if s.i != len(b) {
		return s.fail(Syntax)
	}
	return nil
}

type scanner struct {
	b        []byte
	i        int
	maxDepth int
	stack    []byte // '{' or '[' per open container
}

func (s *scanner) fail(r Reason) error { return &Error{Reason: r, Offset: s.i, Limit: s.maxDepth} }

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value scans one value, containers included, without recursion.
func (s *scanner) value() error {
	for {
		// At the start of a value.
		if s.i >= len(s.b) {
			return s.fail(Syntax)
		}
		switch c := s.b[s.i]; c {
		case '{', '[':
			if len(s.stack) >= s.maxDepth {
				return s.fail(Depth)
			}
			s.stack = append(s.stack, c)
			s.i++
			s.space()
			if s.i < len(s.b) && s.b[s.i] == c+2 { // '}' is '{'+2, ']' is '['+2
				s.i++
				s.stack = s.stack[:len(s.stack)-1]
				break
			}
			if c == '{' {
				if err := s.key(); err != nil {
					return err
				}
			}
			continue
		case '"':
			if err := s.str(); err != nil {
				return err
			}
		case 't':
			if err := s.lit("true"); err != nil {
				return err
			}
		case 'f':
			if err := s.lit("false"); err != nil {
				return err
			}
		case 'n':
			if err := s.lit("null"); err != nil {
				return err
			}
		default:
			if err := s.num(); err != nil {
				return err
			}
		}
		// After a value: close containers or go on to the next member.
		for {
			if len(s.stack) == 0 {
				return nil
			}
			s.space()
			if s.i >= len(s.b) {
				return s.fail(Syntax)
			}
			top := s.stack[len(s.stack)-1]
			c := s.b[s.i]
			if c == top+2 {
				s.i++
				s.stack = s.stack[:len(s.stack)-1]
				continue
			}
			if c != ',' {
				return s.fail(Syntax)
			}
			s.i++
			s.space()
			if top == '{' {
				if err := s.key(); err != nil {
					return err
				}
			}
			break
		}
	}
}

// key scans `"name" :` and the white space after it.
func (s *scanner) key() error {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return s.fail(Syntax)
	}
	if err := s.str(); err != nil {
		return err
	}
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		return s.fail(Syntax)
	}
	s.i++
	s.space()
	return nil
}

func (s *scanner) str() error {
	s.i++ // the opening quote
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return nil
		case c == 0:
			return s.fail(NUL)
		case c < 0x20:
			return s.fail(Syntax)
		case c == '\\':
			if s.i+1 >= len(s.b) {
				return s.fail(Syntax)
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+6 > len(s.b) {
					return s.fail(Syntax)
				}
				v := 0
				for _, h := range s.b[s.i+2 : s.i+6] {
					d, ok := hexDigit(h)
					if !ok {
						return s.fail(Syntax)
					}
					v = v<<4 | d
				}
				if v == 0 {
					return s.fail(NUL)
				}
				s.i += 6
			default:
				return s.fail(Syntax)
			}
		default:
			s.i++
		}
	}
	return s.fail(Syntax)
}

func hexDigit(c byte) (int, bool) {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0'), true
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10, true
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

func (s *scanner) lit(word string) error {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return s.fail(Syntax)
	}
	s.i += len(word)
	return nil
}

// num scans a number as RFC 8259 writes it: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) num() error {
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.i < len(s.b) && '1' <= s.b[s.i] && s.b[s.i] <= '9':
		s.digits()
	default:
		s.i = start
		return s.fail(Syntax)
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if !s.digits() {
			return s.fail(Syntax)
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if !s.digits() {
			return s.fail(Syntax)
		}
	}
	return nil
}

func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}
