package gqlapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// nestedFilter writes a filter of n nested connectives around an empty filter, as GraphQL
// (inline) and as JSON (a variable's value).
func nestedFilter(kind string, n int) (inline string, variable map[string]any) {
	opening, closing := "{not:", "}"
	if kind == "and" {
		opening, closing = "{and:[", "]}"
	}
	inline = strings.Repeat(opening, n) + "{}" + strings.Repeat(closing, n)
	js := strings.ReplaceAll(strings.ReplaceAll(inline, "{not:", `{"not":`), "{and:", `{"and":`)
	if err := json.Unmarshal([]byte(js), &variable); err != nil {
		panic(err)
	}
	return inline, variable
}

// TestFilterNesting checks that a filter nested past recordquery.MaxFilterDepth is refused with
// the same error inline and in variables, nots of nothing included (they used to be answered 200).
func TestFilterNesting(t *testing.T) {
	f := newFixture(t)
	errorOf := func(query string, vars map[string]any) string {
		b, _ := f.exec(t, query, vars).MarshalJSON()
		var out struct {
			Errors []struct{ Message string }
		}
		_ = json.Unmarshal(b, &out)
		if len(out.Errors) == 0 {
			return ""
		}
		return out.Errors[0].Message
	}
	tooDeep := recordquery.ErrFilterTooDeep.Error()
	for _, tc := range []struct {
		kind string
		n    int
		want string
	}{
		{"not", recordquery.MaxFilterDepth, ""},
		{"and", recordquery.MaxFilterDepth - 1, ""}, // the innermost {} is an and node of its own
		{"not", recordquery.MaxFilterDepth + 1, tooDeep},
		{"and", recordquery.MaxFilterDepth + 1, tooDeep},
		{"not", 60, tooDeep},
	} {
		inline, variable := nestedFilter(tc.kind, tc.n)
		got := map[string]string{
			"inline":    errorOf("{ people(filter: "+inline+") { totalCount } }", nil),
			"variables": errorOf("query Q($f: PersonFilterInput) { people(filter: $f) { totalCount } }", map[string]any{"f": variable}),
		}
		want := map[string]string{"inline": tc.want, "variables": tc.want}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s nested %d: errors (-want +got):\n%s", tc.kind, tc.n, diff)
		}
	}
}
