package d1

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The batch wire format between Go and the glue's d1Batch helper (shared/js/d1wire.mjs): the
// statements as one JSON string, the results as one JSON string. A BLOB travels as
// {"b64": "<base64>"} both ways; every other value is JSON's null, number or string.

type wireStmt struct {
	SQL  string `json:"sql"`
	Args []any  `json:"args"`
}

type wireBlob struct {
	B64 string `json:"b64"`
}

// encodeBatch encodes statements whose arguments Batch normalized (nil, int64, float64, string
// or []byte).
func encodeBatch(stmts []Stmt) ([]byte, error) {
	wire := make([]wireStmt, len(stmts))
	for i, s := range stmts {
		args := make([]any, len(s.Args))
		for j, a := range s.Args {
			if b, ok := a.([]byte); ok {
				args[j] = wireBlob{B64: base64.StdEncoding.EncodeToString(b)}
			} else {
				args[j] = a
			}
		}
		wire[i] = wireStmt{SQL: s.SQL, Args: args}
	}
	out, err := json.Marshal(wire)
	if err != nil {
		return nil, fmt.Errorf("encode statements: %w", err)
	}
	return out, nil
}

// decodeBatch decodes the helper's results into Results: numbers as int64 when integral (as
// [number] does), strings, nil, and BLOBs as []byte.
//
// It reads data in one pass, without reflection, and accepts and decodes exactly what
// json.Unmarshal into a []struct{Columns []string; Rows [][]json.RawMessage; Changes float64}
// followed by a per-cell decoding did: keys matched as encoding/json matches field names,
// a repeated key decoded the same way, unknown keys skipped, strings unescaped with invalid
// UTF-8 and lone surrogates as U+FFFD, and nesting limited to encoding/json's depth.
//
// The plain (unescaped) strings of one row share one allocation, so keeping any value of a
// row keeps that row's text alive.
func decodeBatch(data []byte) ([]Result, error) {
	d := decoder{data: data}
	return d.batch()
}

// maxDepth is encoding/json's limit on nested arrays and objects, which decodeBatch keeps.
const maxDepth = 10000

// decoder reads the results JSON. Each value method starts at the value's first byte and
// leaves pos just after it.
type decoder struct {
	data  []byte
	pos   int
	depth int    // open arrays and objects
	buf   []byte // the last escaped string, unescaped
	cells []any  // scratch for the row being read
	names []string
	spans []span // plain strings of the array being read, copied when it ends
}

// span is a plain string at data[start:end] that goes to index in the array being read.
type span struct {
	index, start, end int
}

// cellError is the first cell of a result that failed to decode, reported once the
// result's columns are known.
type cellError struct {
	row, col int
	err      error
}

// batch reads the top-level array of results.
func (d *decoder) batch() ([]Result, error) {
	results := []Result{}
	d.skipSpace()
	if d.peek() == 'n' {
		if err := d.literal("null"); err != nil {
			return nil, err
		}
	} else {
		if err := d.open('[', "an array of results"); err != nil {
			return nil, err
		}
		for i := 0; ; i++ {
			more, err := d.more(']', i == 0)
			if err != nil {
				return nil, err
			}
			if !more {
				break
			}
			res, err := d.result(i)
			if err != nil {
				return nil, err
			}
			results = append(results, res)
		}
	}
	d.skipSpace()
	if d.pos < len(d.data) {
		return nil, d.unexpected("the end of the results")
	}
	return results, nil
}

// result reads statement i's result object (or null, an empty result) and validates it.
func (d *decoder) result(i int) (Result, error) {
	if d.peek() == 'n' {
		return Result{}, d.literal("null")
	}
	if err := d.open('{', "a result object"); err != nil {
		return Result{}, err
	}
	var (
		cols    []string
		rows    [][]any
		changes float64
		bad     *cellError
	)
	for first := true; ; first = false {
		more, err := d.more('}', first)
		if err != nil {
			return Result{}, err
		}
		if !more {
			break
		}
		key, err := d.key()
		if err != nil {
			return Result{}, err
		}
		switch {
		case keyIs(key, "columns"):
			cols, err = d.columns(cols)
		case keyIs(key, "rows"):
			rows, bad, err = d.rows()
		case keyIs(key, "changes"):
			changes, err = d.changes(changes)
		default:
			err = d.skipValue()
		}
		if err != nil {
			return Result{}, err
		}
	}
	return newResult(i, cols, rows, changes, bad)
}

// newResult validates statement i's decoded fields and returns its Result.
func newResult(i int, cols []string, rows [][]any, changes float64, bad *cellError) (Result, error) {
	if err := checkColumns(cols); err != nil {
		return Result{}, fmt.Errorf("statement %d: %w", i, err)
	}
	res := Result{Changes: int64(changes)}
	if len(rows) == 0 {
		return res, nil
	}
	for r, row := range rows {
		if len(row) != len(cols) {
			return Result{}, fmt.Errorf("statement %d row %d: %d cells for %d columns", i, r, len(row), len(cols))
		}
		if bad != nil && bad.row == r {
			return Result{}, fmt.Errorf("statement %d row %d column %q: %w", i, r, cols[bad.col], bad.err)
		}
	}
	res.Columns, res.Rows = cols, rows
	return res, nil
}

// columns reads the column names. Like encoding/json, a repeated "columns" key decodes into
// the previous names' array (prev), in which a null name leaves the name that was there.
func (d *decoder) columns(prev []string) ([]string, error) {
	switch d.peek() {
	case 'n':
		return nil, d.literal("null")
	case '[':
	default:
		return nil, d.unexpected("an array of column names")
	}
	if err := d.open('[', "an array of column names"); err != nil {
		return nil, err
	}
	prev = prev[:cap(prev)]
	names, spans := d.names[:0], d.spans[:0]
	for n := 0; ; n++ {
		more, err := d.more(']', n == 0)
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		switch d.peek() {
		case '"':
			start := d.pos + 1
			s, plain, err := d.str()
			if err != nil {
				return nil, err
			}
			if plain {
				spans = append(spans, span{n, start, start + len(s)})
				names = append(names, "")
			} else {
				names = append(names, string(s))
			}
		case 'n':
			if err := d.literal("null"); err != nil {
				return nil, err
			}
			if n < len(prev) {
				names = append(names, prev[n])
			} else {
				names = append(names, "")
			}
		default:
			return nil, d.unexpected("a column name")
		}
	}
	d.names, d.spans = names, spans
	if len(names) == 0 {
		return []string{}, nil
	}
	cols := prev
	if len(names) > len(prev) {
		cols = make([]string, len(names))
	}
	cols = cols[:len(names)]
	copy(cols, names)
	if len(spans) > 0 {
		text, base := d.spanText(spans)
		for _, sp := range spans {
			cols[sp.index] = text[sp.start-base : sp.end-base]
		}
	}
	return cols, nil
}

// rows reads the rows and the first cell among them that failed to decode. A repeated
// "rows" key replaces the rows, as in encoding/json.
func (d *decoder) rows() ([][]any, *cellError, error) {
	switch d.peek() {
	case 'n':
		return nil, nil, d.literal("null")
	case '[':
	default:
		return nil, nil, d.unexpected("an array of rows")
	}
	if err := d.open('[', "an array of rows"); err != nil {
		return nil, nil, err
	}
	var (
		rows [][]any
		bad  *cellError
	)
	for r := 0; ; r++ {
		more, err := d.more(']', r == 0)
		if err != nil {
			return nil, nil, err
		}
		if !more {
			break
		}
		row, rowBad, err := d.row(r)
		if err != nil {
			return nil, nil, err
		}
		if bad == nil {
			bad = rowBad
		}
		rows = append(rows, row)
	}
	return rows, bad, nil
}

// row reads row r's cells (null reads as no cells) and the first of them that failed to
// decode.
func (d *decoder) row(r int) ([]any, *cellError, error) {
	switch d.peek() {
	case 'n':
		return []any{}, nil, d.literal("null")
	case '[':
	default:
		return nil, nil, d.unexpected("a row array")
	}
	if err := d.open('[', "a row array"); err != nil {
		return nil, nil, err
	}
	var bad *cellError
	cells, spans := d.cells[:0], d.spans[:0]
	for c := 0; ; c++ {
		more, err := d.more(']', c == 0)
		if err != nil {
			return nil, nil, err
		}
		if !more {
			break
		}
		if d.peek() == '"' {
			start := d.pos + 1
			s, plain, err := d.str()
			if err != nil {
				return nil, nil, err
			}
			if plain {
				spans = append(spans, span{c, start, start + len(s)})
				cells = append(cells, nil)
			} else {
				cells = append(cells, string(s))
			}
			continue
		}
		v, cellErr, err := d.cell()
		if err != nil {
			return nil, nil, err
		}
		if cellErr != nil && bad == nil {
			bad = &cellError{row: r, col: c, err: cellErr}
		}
		cells = append(cells, v)
	}
	d.cells, d.spans = cells, spans
	row := make([]any, len(cells))
	copy(row, cells)
	if len(spans) > 0 {
		text, base := d.spanText(spans)
		for _, sp := range spans {
			row[sp.index] = text[sp.start-base : sp.end-base]
		}
	}
	return row, bad, nil
}

// spanText copies the input from the first span to the last into one string, returning it
// and its offset in the input.
func (d *decoder) spanText(spans []span) (string, int) {
	base := spans[0].start
	return string(d.data[base:spans[len(spans)-1].end]), base
}

// cell reads a cell other than a string: null, a number or a BLOB object. A value that is
// none of these, a number beyond float64 or a bad BLOB is skipped and returned as cellErr;
// err is malformed JSON.
func (d *decoder) cell() (v any, cellErr, err error) {
	start := d.pos
	switch c := d.peek(); {
	case c == 'n':
		return nil, nil, d.literal("null")
	case c == '-' || isDigit(c):
		num, err := d.number()
		if err != nil {
			return nil, nil, err
		}
		n, badNum := parseNumber(num)
		return n, badNum, nil
	case c == '{':
		return d.blob()
	}
	if err := d.skipValue(); err != nil {
		return nil, nil, err
	}
	// true, false or an array: report ParseFloat's error, as decoding cells always has.
	raw := d.data[start:d.pos]
	_, err = strconv.ParseFloat(string(raw), 64)
	return nil, fmt.Errorf("cell %.40s: %w", raw, err), nil
}

// parseNumber converts a JSON number with strconv.ParseFloat and [number]; an integer of at
// most 15 digits, which a float64 holds exactly, converts directly to the same int64.
func parseNumber(num []byte) (any, error) {
	digits := num
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) <= 15 {
		var n int64
		integral := true
		for _, c := range digits {
			if !isDigit(c) {
				integral = false
				break
			}
			n = n*10 + int64(c-'0')
		}
		if integral {
			if len(digits) < len(num) {
				n = -n
			}
			return n, nil
		}
	}
	f, err := strconv.ParseFloat(string(num), 64)
	if err != nil {
		return nil, fmt.Errorf("cell %.40s: %w", num, err)
	}
	return number(f), nil
}

// blob reads a BLOB cell, {"b64": "<base64>"}, decoding it as json.Unmarshal into a wireBlob
// and base64.StdEncoding did: other keys are ignored, a null "b64" leaves the previous one,
// and a missing "b64" is an empty BLOB.
func (d *decoder) blob() (v any, cellErr, err error) {
	if err := d.open('{', "a BLOB object"); err != nil {
		return nil, nil, err
	}
	var b64 []byte
	for first := true; ; first = false {
		more, err := d.more('}', first)
		if err != nil {
			return nil, nil, err
		}
		if !more {
			break
		}
		key, err := d.key()
		if err != nil {
			return nil, nil, err
		}
		if !keyIs(key, "b64") {
			if err := d.skipValue(); err != nil {
				return nil, nil, err
			}
			continue
		}
		switch d.peek() {
		case '"':
			s, plain, err := d.str()
			if err != nil {
				return nil, nil, err
			}
			if plain {
				b64 = s
			} else {
				b64 = append([]byte(nil), s...)
			}
		case 'n':
			if err := d.literal("null"); err != nil {
				return nil, nil, err
			}
		default:
			if cellErr == nil {
				cellErr = fmt.Errorf("b64 at offset %d is not a string", d.pos)
			}
			if err := d.skipValue(); err != nil {
				return nil, nil, err
			}
		}
	}
	if cellErr != nil {
		return nil, cellErr, nil
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(b64)))
	n, err := base64.StdEncoding.Decode(out, b64)
	if err != nil {
		return nil, err, nil
	}
	return out[:n], nil, nil
}

// changes reads the number of changed rows; null leaves prev, as in encoding/json.
func (d *decoder) changes(prev float64) (float64, error) {
	switch c := d.peek(); {
	case c == 'n':
		return prev, d.literal("null")
	case c == '-' || isDigit(c):
		start := d.pos
		num, err := d.number()
		if err != nil {
			return 0, err
		}
		f, err := strconv.ParseFloat(string(num), 64)
		if err != nil {
			return 0, fmt.Errorf("decode results: offset %d: changes: %w", start, err)
		}
		return f, nil
	}
	return 0, d.unexpected("changes as a number")
}

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
