package d1

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"

	"github.com/twentyworkers/twenty/shared/jsonquote"
)

// The batch wire format between Go and the glue's d1Batch helper (shared/js/d1wire.mjs): the
// statements as one JSON string, the results as one JSON document in a Uint8Array. A BLOB
// travels as {"b64": "<base64>"} both ways; every other value is JSON's null, number or string.

// encodeBatch encodes statements whose arguments Batch normalized (nil, int64, float64, string
// or []byte).
func encodeBatch(stmts []Stmt) ([]byte, error) { return appendBatch(nil, stmts) }

// appendBatch appends the encoding of statements to dst, without reflection:
// [{"sql": …, "args": […]}, …], strings quoted as JSON.stringify quotes them (invalid UTF-8 as
// U+FFFD), numbers as JavaScript writes them. NaN and the infinities, which JSON cannot hold,
// are an error.
func appendBatch(dst []byte, stmts []Stmt) ([]byte, error) {
	dst = append(dst, '[')
	for i, s := range stmts {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"sql":`...)
		dst = jsonquote.AppendJS(dst, s.SQL)
		dst = append(dst, `,"args":[`...)
		for j, a := range s.Args {
			if j > 0 {
				dst = append(dst, ',')
			}
			switch v := a.(type) {
			case nil:
				dst = append(dst, "null"...)
			case string:
				dst = jsonquote.AppendJS(dst, v)
			case int64:
				dst = strconv.AppendInt(dst, v, 10)
			case float64:
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("encode statements: statement %d argument %d: unsupported value %v", i, j, v)
				}
				dst = jsonquote.AppendFloat(dst, v, 64)
			case []byte:
				dst = append(dst, `{"b64":"`...)
				dst = base64.StdEncoding.AppendEncode(dst, v)
				dst = append(dst, `"}`...)
			default:
				return nil, fmt.Errorf("encode statements: statement %d argument %d: unsupported type %T", i, j, a)
			}
		}
		dst = append(dst, "]}"...)
	}
	return append(dst, ']'), nil
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
