package d1

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEncodeBatch(t *testing.T) {
	got, err := encodeBatch([]Stmt{
		{SQL: "INSERT INTO t VALUES (?, ?, ?, ?, ?)", Args: []any{nil, int64(1) << 52, 2.5, "é\"", []byte{1, 2, 255}}},
		{SQL: "SELECT 1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"sql":"INSERT INTO t VALUES (?, ?, ?, ?, ?)","args":[null,4503599627370496,2.5,"é\"",{"b64":"AQL/"}]},{"sql":"SELECT 1","args":[]}]`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("encodeBatch (-want +got):\n%s", diff)
	}
}

// wireBlob is a BLOB on the wire.
type wireBlob struct {
	B64 string `json:"b64"`
}

// TestEncodeBatchReadsBackAsGiven: what JSON.parse (here encoding/json) reads from the encoding
// is the statements as given, whatever their strings hold; NaN is refused.
func TestEncodeBatchReadsBackAsGiven(t *testing.T) {
	strs := []string{"", "plain", "quote\" back\\slash", "ctl \x00\x01\x1f\b\f\n\r\t", "<html> & é 日本 😀", "sep \u2028 \u2029", "bad \xff\xfe utf8"}
	nums := []any{int64(0), int64(-9007199254740991), 1.5, 1e21, 1e-7, math.Copysign(0, -1), 123456789.125}
	var stmts []Stmt
	for _, s := range strs {
		stmts = append(stmts, Stmt{SQL: "SELECT " + s, Args: append([]any{s, nil, []byte(s)}, nums...)})
	}
	enc, err := encodeBatch(stmts)
	if err != nil {
		t.Fatal(err)
	}
	var got []struct {
		SQL  string            `json:"sql"`
		Args []json.RawMessage `json:"args"`
	}
	if err := json.Unmarshal(enc, &got); err != nil {
		t.Fatalf("encoding is not JSON: %v\n%s", err, enc)
	}
	if len(got) != len(stmts) {
		t.Fatalf("%d statements read back, want %d", len(got), len(stmts))
	}
	for i, s := range strs {
		valid := string([]rune(s)) // each invalid byte as U+FFFD, as encoding/json writes it
		var str string
		var blob wireBlob
		if err := json.Unmarshal(got[i].Args[0], &str); err != nil || str != valid || got[i].SQL != "SELECT "+valid {
			t.Errorf("statement %d: sql %q, string %q (%v), want %q", i, got[i].SQL, str, err, valid)
		}
		if string(got[i].Args[1]) != "null" {
			t.Errorf("statement %d: nil as %s", i, got[i].Args[1])
		}
		if err := json.Unmarshal(got[i].Args[2], &blob); err != nil || blob.B64 != base64.StdEncoding.EncodeToString([]byte(s)) {
			t.Errorf("statement %d: BLOB as %s", i, got[i].Args[2])
		}
		for k, n := range nums {
			want, _ := json.Marshal(n)
			if g := string(got[i].Args[3+k]); g != string(want) {
				t.Errorf("statement %d: number %v as %s, want %s", i, n, g, want)
			}
		}
	}
	if _, err := encodeBatch([]Stmt{{SQL: "SELECT ?", Args: []any{math.NaN()}}}); err == nil {
		t.Error("NaN encoded, want an error")
	}
}

func TestDecodeBatch(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Result
		wantErr string // a substring of the error; "" for success
	}{
		{
			name: "cells of every kind",
			in:   `[{"columns":["id","n","f","x","b"],"rows":[["a",1,2.5,null,{"b64":"AQL/"}],["b",-9007199254740991,1e300,"s",null]],"changes":0}]`,
			want: []Result{{
				Columns: []string{"id", "n", "f", "x", "b"},
				Rows: [][]any{
					{"a", int64(1), 2.5, nil, []byte{1, 2, 255}},
					{"b", int64(-9007199254740991), 1e300, "s", nil},
				},
			}},
		},
		{
			name: "a write and an empty read",
			in:   `[{"columns":[],"rows":[],"changes":3},{"columns":[],"rows":[],"changes":0}]`,
			want: []Result{{Changes: 3}, {}},
		},
		{
			name: "keys in any order, unknown keys and whitespace",
			in:   " [ {\"x\": {\"y\": [1, {\"z\": null}]}, \"rows\" : [ [ \"a\\u00e9\\ud83d\\ude00\" , -0 ] ] ,\n\"changes\":\t2, \"columns\": [\"s\", \"n\"]} ]\r\n",
			want: []Result{{
				Columns: []string{"s", "n"},
				Rows:    [][]any{{"aé😀", int64(0)}},
				Changes: 2,
			}},
		},
		{
			name: "escapes and lone surrogates",
			in:   `[{"columns":["a"],"rows":[["\"\\\/\b\f\n\r\t"],["\ud800x\udc00\ud800\ud800\udc00"]],"changes":0}]`,
			want: []Result{{
				Columns: []string{"a"},
				Rows:    [][]any{{"\"\\/\b\f\n\r\t"}, {"\uFFFDx\uFFFD\uFFFD\U00010000"}},
			}},
		},
		{
			name: "zero results",
			in:   `[]`,
			want: []Result{},
		},
		{name: "a short row", in: `[{"columns":["a","b"],"rows":[[1]],"changes":0}]`, wantErr: "statement 0 row 0: 1 cells for 2 columns"},
		{name: "duplicate columns", in: `[{"columns":["a","a"],"rows":[[1,2]],"changes":0}]`, wantErr: `statement 0: column "a" appears twice`},
		{name: "bad base64", in: `[{"columns":["a"],"rows":[[{"b64":"%%"}]],"changes":0}]`, wantErr: `statement 0 row 0 column "a": illegal base64 data`},
		{name: "a number beyond float64", in: `[{"columns":["a"],"rows":[[1e400]],"changes":0}]`, wantErr: `statement 0 row 0 column "a": cell 1e400: strconv.ParseFloat`},
		{name: "a boolean cell", in: `[{"rows":[[true]],"columns":["a"]}]`, wantErr: `statement 0 row 0 column "a": cell true`},
		{name: "not JSON", in: `[{`, wantErr: "decode results: "},
		{name: "trailing data", in: `[] []`, wantErr: "decode results: offset 3: unexpected '[', want the end of the results"},
		{name: "columns not an array", in: `[{"columns":"a"}]`, wantErr: "decode results: offset 12: unexpected '\"', want an array of column names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeBatch([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("decodeBatch error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("decodeBatch: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decodeBatch (-want +got):\n%s", diff)
			}
		})
	}
}

// equivalenceInputs are results JSON on which decodeBatch must do what oracleDecodeBatch
// does; they also seed FuzzDecodeBatch.
var equivalenceInputs = []string{
	// Valid results.
	`[]`,
	`null`,
	` [ ] `,
	`[null]`,
	`[{}]`,
	`[{"columns":[],"rows":[],"changes":0}]`,
	`[{"columns":["a"],"rows":[["x"],[null],[1],[-1],[0],[-0],[1.5],[-2.5e-3],[1e300],[-1e300],[1E2],[1e-400]],"changes":1}]`,
	`[{"columns":["n"],"rows":[[9007199254740991],[9007199254740992],[9007199254740993],[-9007199254740993],[123456789012345],[1234567890123456],[12345678901234567890],[9223372036854775807],[9223372036854775808],[-9223372036854775808],[-9223372036854775809],[100000000000000000000000]]}]`,
	`[{"columns":["n"],"rows":[[0.0],[1.0],[1e0],[-0.0],[0e5],[1.000000000000000000001],[4.9e-324],[2.2250738585072014e-308],[1.7976931348623157e308]]}]`,
	`[{"columns":["s"],"rows":[[""],["é"],["日本"],["😀"],["\u00e9"],["\uD83D\uDE00"],["\ud83d\ude00"],["\uDE00\uD83D"],["\uD800"],["\uDC00"],["\uD800\u0041"],["\uD800\uD800"],["\u0000"],["\uFFFD"],["\/"],["a\"b\\c"]]}]`,
	"[{\"columns\":[\"s\"],\"rows\":[[\"\xff\"],[\"a\xc3\"],[\"\xed\xa0\x80\"],[\"\xef\xbf\xbd\"],[\"\x7f\"],[\"\xe9\\n\"]]}]",
	`[{"columns":["b"],"rows":[[{"b64":""}],[{"b64":"AQL/"}],[{}],[{"B64":"AA=="}],[{"b64":"AA==","x":[1,{"y":2}]}],[{"b64":"AA==","b64":null}],[{"b64":null}],[{"b64":"AQ\u003d\u003d"}],[{"b64":"AQ==\n"}]]}]`,
	`[{"columns":["a","b"],"rows":[[1,2]],"changes":0,"meta":{"duration":0.1,"x":[true,false,null,"s",{"k":[]}]}}]`,
	`[{"rows":[["a","b"]],"columns":["x","y"],"changes":5},{"changes":2,"columns":[],"rows":[]},null,{"columns":["c"],"rows":[[3]]}]`,
	"\t\n\r [ {\r\n \"columns\" \t: [ \"a\" ] , \"rows\" : [ [ 1 ] , [ null ] ] , \"changes\" : 0 } ] \n",
	`[{"COLUMNS":["a"],"Rows":[[1]],"Changes":7}]`,
	`[{"column\u017f":["a"],"row\u017f":[[1]],"change\u017f":7}]`,
	`[{"\u0063olumns":["a"],"rows":[[1]]}]`,
	`[{"columns":["a"],"rows":[[1]],"changes":null}]`,
	`[{"columns":["a"],"rows":[[1]],"changes":3,"changes":null}]`,
	`[{"columns":["a"],"rows":[[1]],"changes":-1.5}]`,
	`[{"columns":["a"],"rows":[[1]],"changes":1e300}]`,
	`[{"columns":null,"rows":null}]`,
	`[{"rows":[[]]}]`,
	`[{"columns":[],"rows":[[],null]}]`,
	`[{"columns":[null],"rows":[[1]]}]`,
	`[{"columns":["a","b"],"columns":["c"],"rows":[[1]]}]`,
	`[{"columns":["a","b"],"columns":[null,null],"rows":[[1,2]]}]`,
	`[{"columns":["a","b"],"columns":["x"],"columns":[null,null],"rows":[[1,2]]}]`,
	`[{"columns":["a","b"],"columns":[],"columns":[null,null],"rows":[[1,2]]}]`,
	`[{"columns":["a","b"],"columns":null,"columns":[null,null],"rows":[[1,2]]}]`,
	`[{"columns":["a"],"rows":[[1],[2]],"rows":[[3]]}]`,
	`[{"columns":["a"],"rows":[[1],[2]],"rows":null}]`,
	`[{"columns":["a"],"rows":[[true]],"rows":[[3]]}]`,
	`[{"columns":["a","0"],"rows":[[1,2]]}]`,
	`[{"columns":["0"],"rows":[[1]]}]`,
	// Errors, in the JSON or in the values.
	``,
	` `,
	`[`,
	`]`,
	`[{`,
	`[{}`,
	`[{},]`,
	`[,{}]`,
	`[{}{}]`,
	`[{}] x`,
	`[]]`,
	`{}`,
	`1`,
	`"x"`,
	`nul`,
	`[1]`,
	`[[]]`,
	`["x"]`,
	`[true]`,
	`[{"columns":1}]`,
	`[{"columns":[1]}]`,
	`[{"columns":[[]]}]`,
	`[{"columns":{}}]`,
	`[{"rows":1}]`,
	`[{"rows":[1]}]`,
	`[{"rows":["x"]}]`,
	`[{"rows":[{}]}]`,
	`[{"changes":"1"}]`,
	`[{"changes":true}]`,
	`[{"changes":[]}]`,
	`[{"changes":1e400}]`,
	`[{"columns":["a"],"rows":[[1,2]]}]`,
	`[{"columns":["a"],"rows":[[]]}]`,
	`[{"columns":["a"],"rows":[[false]]}]`,
	`[{"columns":["a"],"rows":[[[1]]]}]`,
	`[{"columns":["a"],"rows":[[-1e400]]}]`,
	`[{"columns":["a"],"rows":[[{"b64":1}]]}]`,
	`[{"columns":["a"],"rows":[[{"b64":"A"}]]}]`,
	`[{"columns":["a"],"rows":[[{"b64":"\u00e9"}]]}]`,
	`[{"columns":["a"],"rows":[[{"b64":[],"b64":"AA=="}]]}]`,
	`[{"columns":["a"],"rows":[["\x"]]}]`,
	`[{"columns":["a"],"rows":[["\u12"]]}]`,
	`[{"columns":["a"],"rows":[["\uD800\u12"]]}]`,
	`[{"columns":["a"],"rows":[["\uZZZZ"]]}]`,
	"[{\"columns\":[\"a\"],\"rows\":[[\"\x01\"]]}]",
	"[{\"columns\":[\"a\"],\"rows\":[[\"\t\"]]}]",
	`[{"columns":["a"],"rows":[["abc`,
	`[{"columns":["a"],"rows":[["abc\`,
	`[{"columns":["a"],"rows":[[01]]}]`,
	`[{"columns":["a"],"rows":[[-]]}]`,
	`[{"columns":["a"],"rows":[[1.]]}]`,
	`[{"columns":["a"],"rows":[[.5]]}]`,
	`[{"columns":["a"],"rows":[[1e]]}]`,
	`[{"columns":["a"],"rows":[[1e+]]}]`,
	`[{"columns":["a"],"rows":[[+1]]}]`,
	`[{"columns":["a"],"rows":[[NaN]]}]`,
	`[{"columns":["a"],"rows":[[Infinity]]}]`,
	`[{"columns":["a"],"rows":[[0x10]]}]`,
	`[{"columns":["a"],"rows":[[nul]]}]`,
	`[{"columns":["a"],"rows":[[nulll]]}]`,
	`[{"columns":["a"],"rows":[[1 2]]}]`,
	`[{"columns":["a"] "rows":[[1]]}]`,
	`[{"columns" ["a"]}]`,
	`[{columns:["a"]}]`,
	`[{"columns":["a"],"rows":[[1]],}]`,
	`[{"x":tru}]`,
	`[{"x":[1,]}]`,
	`[{"x":{"a":1,}}]`,
	`[{"x":{"a"}}]`,
	`[{"x":{1:2}}]`,
	"\xef\xbb\xbf[]",
	"[\x00]",
	`[{"columns":["a","b"],"rows":[[1],[{"b64":"%"}]]}]`,
	`[{"columns":["a","b"],"rows":[[1,{"b64":"%"}],[1]]}]`,
	`[{"columns":["a","a"],"rows":[]}]`,
	`[{"columns":["a"],"rows":[[1]]},{"columns":["a"],"rows":[[1,2]]}]`,
	`[{"columns":["a"],"rows":[[1]]},{`,
}

func TestDecodeBatchMatchesEncodingJSON(t *testing.T) {
	inputs := append([]string{
		strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
		strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
		`[{"x":` + strings.Repeat("[", maxDepth-2) + strings.Repeat("]", maxDepth-2) + `}]`,
		`[{"x":` + strings.Repeat("[", maxDepth-1) + strings.Repeat("]", maxDepth-1) + `}]`,
		string(benchmarkPage()),
	}, equivalenceInputs...)
	for _, in := range inputs {
		name := in
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			checkDecodeBatch(t, []byte(in))
		})
	}
}

// checkDecodeBatch fails the test unless decodeBatch and oracleDecodeBatch both fail on data
// or both return the same results.
func checkDecodeBatch(t *testing.T, data []byte) {
	t.Helper()
	want, wantErr := oracleDecodeBatch(data)
	got, err := decodeBatch(data)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("decodeBatch(%q) error = %v, encoding/json's = %v", data, err, wantErr)
	}
	if err != nil {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decodeBatch(%q) (-encoding/json +got):\n%s", data, diff)
	}
}

// oracleDecodeBatch is decodeBatch as it was with encoding/json, the reference for the
// single-pass decoder.
func oracleDecodeBatch(data []byte) ([]Result, error) {
	var wire []struct {
		Columns []string            `json:"columns"`
		Rows    [][]json.RawMessage `json:"rows"`
		Changes float64             `json:"changes"`
	}
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
				v, err := oracleDecodeCell(cell)
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

// oracleDecodeCell decodes one result cell for oracleDecodeBatch.
func oracleDecodeCell(cell json.RawMessage) (any, error) {
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
