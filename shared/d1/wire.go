package d1

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
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

type wireResult struct {
	Columns []string            `json:"columns"`
	Rows    [][]json.RawMessage `json:"rows"`
	Changes float64             `json:"changes"`
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
func decodeBatch(data []byte) ([]Result, error) {
	var wire []wireResult
	if err := json.Unmarshal(data, &wire); err != nil {
		return nil, fmt.Errorf("decode results: %w", err)
	}
	results := make([]Result, len(wire))
	for i, w := range wire {
		if err := checkColumns(w.Columns); err != nil {
			return nil, fmt.Errorf("statement %d: %w", i, err)
		}
		res := Result{Changes: int64(w.Changes)}
		if len(w.Rows) > 0 {
			res.Columns = w.Columns
			res.Rows = make([][]any, len(w.Rows))
		}
		for r, row := range w.Rows {
			if len(row) != len(w.Columns) {
				return nil, fmt.Errorf("statement %d row %d: %d cells for %d columns", i, r, len(row), len(w.Columns))
			}
			vals := make([]any, len(row))
			for c, cell := range row {
				v, err := decodeCell(cell)
				if err != nil {
					return nil, fmt.Errorf("statement %d row %d column %q: %w", i, r, w.Columns[c], err)
				}
				vals[c] = v
			}
			res.Rows[r] = vals
		}
		results[i] = res
	}
	return results, nil
}

// decodeCell decodes one result cell.
func decodeCell(cell json.RawMessage) (any, error) {
	cell = bytes.TrimSpace(cell)
	if len(cell) == 0 {
		return nil, fmt.Errorf("empty cell")
	}
	switch cell[0] {
	case 'n':
		return nil, nil
	case '"':
		var s string
		if err := json.Unmarshal(cell, &s); err != nil {
			return nil, err
		}
		return s, nil
	case '{':
		var b wireBlob
		if err := json.Unmarshal(cell, &b); err != nil {
			return nil, err
		}
		return base64.StdEncoding.DecodeString(b.B64)
	default:
		f, err := strconv.ParseFloat(string(cell), 64)
		if err != nil {
			return nil, fmt.Errorf("cell %.40s: %w", cell, err)
		}
		return number(f), nil
	}
}
