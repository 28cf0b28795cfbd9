package graphql

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScanDocument(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("{", n) + strings.Repeat("}", n) }
	for _, tc := range []struct {
		name, query string
		want        *Error // nil: the scan lets it through to the parser
	}{
		{"ordinary", `query Q($f: FilterInput) { echo(filter: $f, list: [1, 2]) }`, nil},
		{"at the limit", nest(MaxNesting), nil},
		{"one past the limit", nest(MaxNesting + 1), &Error{Message: NestingError().Message, Locations: []Location{{1, MaxNesting + 1}}}},
		{"mixed brackets", strings.Repeat("([{", 43) + "x" + strings.Repeat("}])", 43),
			&Error{Message: NestingError().Message, Locations: []Location{{1, 129}}}},
		{"brackets in strings", `{ echo(s: "` + nest(200) + `") }`, nil},
		{"brackets in block strings", `{ echo(s: """` + nest(200) + ` \""" """) }`, nil},
		{"brackets in comments", "# " + nest(200) + "\n{ __typename }", nil},
		{"escaped quote", `{ echo(s: "\"` + nest(200) + `") }`, nil},
		{"escaped NUL", "{\n echo(s: \"a\\u0000\") }", &Error{Message: NULError().Message, Locations: []Location{{2, 12}}}},
		{"braced NUL escape", `{ echo(s: "\u{000}") }`, &Error{Message: NULError().Message, Locations: []Location{{1, 12}}}},
		{"NUL in block string", "{ echo(s: \"\"\"a\x00\"\"\") }", &Error{Message: NULError().Message, Locations: []Location{{1, 15}}}},
		{"not NUL", `{ echo(s: "\u0001\u{10}") }`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := scanDocument(tc.query)
			if got != nil {
				got = &Error{Message: got.Message, Locations: got.Locations}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("scanDocument (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNestingInlineAndInVariables checks that one limit refuses deep values alike written in the
// document and sent as variables, with the same error and status, over HTTP.
func TestNestingInlineAndInVariables(t *testing.T) {
	s, _ := newTestSchema(t, WithMaxBodyBytes(1<<20))
	post := func(body any) (int, string) {
		b, _ := json.Marshal(body)
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(b)))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		var out struct{ Errors []struct{ Message string } }
		_ = json.Unmarshal(w.Body.Bytes(), &out)
		if len(out.Errors) == 0 {
			return w.Code, ""
		}
		return w.Code, out.Errors[0].Message
	}
	type answer struct {
		Status  int
		Message string
	}
	for _, n := range []int{10, 200, 5000} {
		inline := "{ echo(filter: " + strings.Repeat("{and: [", n) + "{}" + strings.Repeat("]}", n) + ") }"
		var variable any = map[string]any{}
		for range n {
			variable = map[string]any{"and": []any{variable}}
		}
		got := map[string]answer{}
		got["inline"] = answer{}
		got["inline"] = func() answer { c, m := post(map[string]any{"query": inline}); return answer{c, m} }()
		got["variables"] = func() answer {
			c, m := post(map[string]any{"query": "query Q($f: FilterInput) { echo(filter: $f) }", "variables": map[string]any{"f": variable}})
			return answer{c, m}
		}()
		want := answer{http.StatusOK, ""}
		if n > MaxNesting/2 {
			want = answer{http.StatusBadRequest, NestingError().Message}
		}
		if diff := cmp.Diff(map[string]answer{"inline": want, "variables": want}, got); diff != "" {
			t.Errorf("nested %d (-want +got):\n%s", n, diff)
		}
	}
}

// TestStrictLiterals checks the literals graphql-js refuses and gqlparser let through: an Int past
// 32 bits (inline as in variables), a Float past float64, a NUL in a string.
func TestStrictLiterals(t *testing.T) {
	s, _ := newTestSchema(t)
	for _, tc := range []struct {
		query string
		vars  map[string]any
		want  string
	}{
		{`{ echo(i: 2147483647) }`, nil, ""},
		{`{ echo(i: 2147483648) }`, nil, "Int cannot represent non 32-bit signed integer value: 2147483648"},
		{`{ echo(i: -2147483649) }`, nil, "Int cannot represent non 32-bit signed integer value: -2147483649"},
		{`query Q($i: Int) { echo(i: $i) }`, map[string]any{"i": 2147483648.0}, `Variable "$i" got invalid value 2147483648; Int cannot represent non 32-bit signed integer value: 2147483648`},
		{`{ echo(id: 99999999999999999999) }`, nil, ""},
		{`{ echo(f: 1e308) }`, nil, ""},
		{`{ echo(f: 1e309) }`, nil, "Float cannot represent non numeric value: 1e309"},
		{`{ echo(s: "a\u0000") }`, nil, NULError().Message},
		{`{ echo(s: {a: 1}) }`, nil, "String cannot represent a non string value: {a:1}"},
		{`{ echo(filter: {nope: 1}) }`, nil, `Field "nope" is not defined by type "FilterInput".`},
		{`{ echo(role: OWNER) }`, nil, `Value "OWNER" does not exist in "Role" enum.`},
		{`{ echo(input: {email: "a"}) }`, nil, `Field "SignUpInput.password" of required type "String!" was not provided.`},
	} {
		r := s.Execute(t.Context(), Request{Query: tc.query, Variables: tc.vars})
		got := ""
		if len(r.Errors) > 0 {
			got = r.Errors[0].Message
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: first error (-want +got):\n%s", tc.query, diff)
		}
	}
}

// TestValidationCostLinear checks that validating a value costs in proportion to its size, not
// its size times its depth: the allocations (deterministic, unlike time) of a filter 4 times
// larger and deeper stay within 6 times. gqlparser's own value rule made them grow with the square.
func TestValidationCostLinear(t *testing.T) {
	s, _ := newTestSchema(t, WithCacheSize(0))
	allocs := func(n int) float64 {
		q := "{ echo(filter: " + strings.Repeat(`{limit: 1, and: [{score: 1.5}, `, n) + "{}" + strings.Repeat("]}", n) + ") }"
		return testing.AllocsPerRun(5, func() {
			if d := s.parse(q); d.errs != nil {
				t.Fatal(d.errs[0].Message)
			}
		})
	}
	small, large := allocs(15), allocs(60)
	if large > 6*small {
		t.Errorf("allocations: %v for 15 levels, %v for 60: more than linear", small, large)
	}
}
