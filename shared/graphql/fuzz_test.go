package graphql

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/twentyworkers/twenty/shared/fuzzcost"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// answerOf names the kind of answer resp is: whether it has data, its error codes, and the start
// of its first error's message without digits (which count what grew).
func answerOf(resp *Response) string {
	var b strings.Builder
	fmt.Fprintf(&b, "data=%t", resp.Data != nil)
	var codes []string
	for _, e := range resp.Errors {
		codes = append(codes, e.Code())
	}
	slices.Sort(codes)
	fmt.Fprintf(&b, " codes=%v", slices.Compact(codes))
	if len(resp.Errors) > 0 {
		fmt.Fprintf(&b, " %.48s", fuzzcost.StripDigits(resp.Errors[0].Message))
	}
	return b.String()
}

// checkResponse fails unless resp is a response a client can read: executed or with an error,
// every error with a message and a code, encoding to valid JSON.
func checkResponse(t *testing.T, query string, resp *Response) {
	t.Helper()
	if !resp.executed && len(resp.Errors) == 0 {
		t.Errorf("Execute(%.300q): not executed and no error", query)
	}
	for _, e := range resp.Errors {
		if e.Message == "" || e.Code() == "" {
			t.Errorf("Execute(%.300q): error without message or code: %#v", query, e)
		}
	}
	b, err := json.Marshal(resp)
	if err != nil {
		t.Fatalf("Execute(%.300q): json.Marshal: %v", query, err)
	}
	if !json.Valid(b) {
		t.Fatalf("Execute(%.300q): invalid JSON %.300s", query, b)
	}
}

// FuzzExecute runs arbitrary documents, made of five parts that grow (see pump): whatever the
// document, Execute answers with valid JSON and GraphQL errors, never a panic or a hang, and its
// cost per byte stays within checkCost's bounds as the document grows.
func FuzzExecute(f *testing.F) {
	for _, q := range []string{
		`{ me: currentUser { id handle: email name role createdAt settings workspaces(first: 1) { id } friends { id email } } }`,
		`{ node(id: "u1") { __typename id ... on User { email } ...W } } fragment W on Workspace { displayName }`,
		`{ search(text: "a") { __typename ... on User { email } ... on Workspace { displayName memberCount } } }`,
		`query ($s: Boolean!, $i: Boolean = true) { currentUser { id @skip(if: $s) email @include(if: $i) } }`,
		`query ($i: Int, $in: SignUpInput) { echo(i: $i, input: $in, filter: {and: [{limit: 1}], ids: ["a"]}, j: {a: [1, B]}) }`,
		`mutation ($in: SignUpInput!) { signUp(input: $in) { user { id } } a: append(s: "1") failNonNull }`,
		`{ mustUser { id } users { id email } fail failCode panic badRole { role } node(id: "bad") { id } }`,
		`{ currentUser { ...A } } fragment A on User { id ...B } fragment B on User { ...A }`,
		`query A { __typename } query B { __typename }`,
		`subscription { x }`,
		`{ __type(name: "User") { fields(includeDeprecated: true) { name args { name defaultValue } type { kind ofType { name } } } } }`,
		introspectionQuery,
		`{`, `}`, `"`, `""" """`, `{ a(b: [[[[1]]]]) }`, `query ($x: [[Int!]!]) { echo(list: $x) }`, "\xff",
	} {
		fuzzcost.Pump{q}.Add(f)
	}
	// The shapes that cost more than their size where a rule was quadratic or a limit missing.
	for _, p := range []fuzzcost.Pump{
		// Values nested inline, one bracket a level (so that 96 levels fit in MaxNesting) and two.
		{"{ echo(filter: ", "{and: ", "{limit: 1}", "}", ") }"},
		{"{ echo(filter: ", "{and: [", "{limit: 1}", "]}", ") }"},
		{"{ echo(j: ", "{a: ", "1", "}", ") }"},
		{"{ echo(list: ", "[", "1", "]", ") }"},
		// Long lists, of scalars, objects and variables.
		{"{ echo(list: [", "%d, ", "0", "", "]) }"},
		{"{ echo(filter: {and: [", "{limit: %d}, ", "{score: 1.5}", "", "]}) }"},
		{"query (", "$v%d: Int = %d ", ") { echo(list: [", "$v%d, ", "]) }"},
		// Many aliases: of one field, of distinct fields, at the root.
		{"{ currentUser { ", "a: id ", "", "", "} }"},
		{"{ currentUser { ", "a%d: email ", "", "", "} }"},
		{"{ ", "a%d: currentUser { id } ", "", "", "}"},
		// Many fragments, spread in one selection; inline fragments nested.
		{"{ currentUser { ", "...F%d ", "} } ", "fragment F%d on User { f%d: email } ", ""},
		// k aliases spreading one fragment of k fields: k×k fields executed.
		{"{ currentUser { ", "a%d: friends { ...F } ", "} } fragment F on User { ", "e%d: id ", "}"},
		{"{ currentUser { ", "...F%d ", "} } ", "fragment F%d on User { id } ", ""},
		{"{ currentUser { ", "... on User { ", "id", " }", " } }"},
		// Selections nested past the depth limit; many operations; many directives.
		{"{ currentUser { ", "friends { ", "id", " }", " } }"},
		{"", "query Q%d { __typename } ", "", "", ""},
		{"{ currentUser { id ", "@include(if: true) ", "", "", "} }"},
		// Long strings, block strings, escapes and comments.
		{`{ echo(s: "`, "x", "", "", `") }`},
		{`{ echo(s: """`, "x", "", "", `""") }`},
		{`{ echo(s: "`, `\u00e9\n`, "", "", `") }`},
		{"{ ", "# comment\n", "__typename", "", " }"},
		// Many arguments: repeated, unknown.
		{"{ echo(", `s: "x" `, "", "", ") }"},
		{"{ echo(", "a%d: 1 ", "", "", ") }"},
	} {
		p.Add(f)
	}
	s, st := newTestSchema(f)
	u, ust := newTestSchema(f, WithCacheSize(0)) // every run parses and validates: what checkCost measures
	vars := map[string]any{"s": true, "i": 3.0, "id": "u1", "in": map[string]any{"email": "e", "password": "p"}, "x": []any{1.0}}
	f.Fuzz(func(t *testing.T, prefix, opening, middle, closing, suffix string) {
		p := fuzzcost.Pump{prefix, opening, middle, closing, suffix}
		query := p.Grow(1)
		for range 2 { // the second time from the cache
			st.reset()
			checkResponse(t, query, s.Execute(context.Background(), Request{Query: query, Variables: vars}))
		}
		fuzzcost.Check(t, p.Grow, 16<<10,
			func(query string) *Response {
				ust.reset()
				return u.Execute(context.Background(), Request{Query: query, Variables: vars})
			},
			func(query string, resp *Response) string {
				checkResponse(t, query, resp)
				return answerOf(resp)
			})
	})
}

// reset forgets what append appended, so that a request's cost does not depend on the ones before.
func (st *testState) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.log = nil
}

// FuzzServeHTTP posts arbitrary bodies, made of five parts that grow (see pump): whatever the
// body, ServeHTTP answers a status it documents with a GraphQL JSON body, never a panic or a
// hang, and its cost per byte stays within checkCost's bounds as the body grows.
func FuzzServeHTTP(f *testing.F) {
	for _, b := range []string{
		`{"query": "query Q($id: UUID!) { node(id: $id) { id } }", "operationName": "Q", "variables": {"id": "u1"}}`,
		`{"query": "mutation { failNonNull a: append(s: \"x\") }"}`,
		`{"query": "query ($in: SignUpInput, $l: [Int!]) { echo(input: $in, list: $l) }", "variables": {"in": {"email": "e", "password": "p", "tags": ["a"]}, "l": [1, 2]}}`,
		`{"query": "{ nope }"}`, `{"query": "{"}`, `{"query": `, `{"query": "{ __typename }", "variables": "x"}`, `{}`, `[]`, `null`,
		`{"query": "{ __typename }", "variables": {"a": "\u0000"}}`, "{\"query\": \"{ echo(s: \\\"\x00\\\") }\"}",
	} {
		fuzzcost.Pump{b}.Add(f)
	}
	for _, p := range []fuzzcost.Pump{
		// Variables nested: input objects, lists, a JSON scalar; past MaxNesting too.
		{`{"query": "query ($f: FilterInput) { echo(filter: $f) }", "variables": {"f": `, `{"and": [`, `{"limit": 1}`, `]}`, `}}`},
		{`{"query": "query ($f: FilterInput) { echo(filter: $f) }", "variables": {"f": `, `{"and": `, `{"limit": 1}`, `}`, `}}`},
		{`{"query": "query ($j: JSON) { echo(j: $j) }", "variables": {"j": `, `{"a": `, `1`, `}`, `}}`},
		{`{"query": "query ($j: JSON) { echo(j: $j) }", "variables": {"j": `, `[`, ``, `]`, `}}`},
		// Values nested inline, in the document inside the JSON.
		{`{"query": "{ echo(filter: `, `{and: `, `{limit: 1}`, `}`, `) }"}`},
		{`{"query": "{ echo(filter: `, `{and: [`, `{limit: 1}`, `]}`, `) }"}`},
		// Long lists and many variables.
		{`{"query": "query ($l: [Int!]) { echo(list: $l) }", "variables": {"l": [`, `%d, `, `0`, ``, `]}}`},
		{`{"query": "query ($f: FilterInput) { echo(filter: $f) }", "variables": {"f": {"and": [`, `{"limit": %d}, `, `{"score": 1.5}`, ``, `]}}}`},
		{`{"query": "query (`, `$v%d: Int `, `) { echo(i: $v0) }", "variables": {`, `"v%d": %d, `, `"x": 0}}`},
		// Many aliases, fragments; long strings, escaped in JSON and in GraphQL.
		{`{"query": "{ `, `a%d: __typename `, ``, ``, `}"}`},
		{`{"query": "{ currentUser { `, `...F%d `, `} } `, `fragment F%d on User { id } `, `"}`},
		{`{"query": "{ echo(s: \"`, `\\u00e9`, ``, ``, `\") }"}`},
		{`{"query": "{ echo(s: \"`, `\u00e9`, ``, ``, `\") }"}`},
		{`{"query": "query ($s: String) { echo(s: $s) }", "variables": {"s": "`, `x\"\\`, ``, ``, `"}}`},
		// A long operation name, keys repeated, white space.
		{`{"query": "query Q { __typename }", "operationName": "`, `Q`, `"}`, ``, ``},
		{`{"query": "{ __typename }", "variables": {`, `"a": 1, `, `"b": 2`, ``, `}}`},
		{`{"query": "{ __typename }"`, ` `, `}`, ``, ``},
	} {
		p.Add(f)
	}
	s, st := newTestSchema(f, WithCacheSize(0)) // every run parses and validates: what checkCost measures
	f.Fuzz(func(t *testing.T, prefix, opening, middle, closing, suffix string) {
		p := fuzzcost.Pump{prefix, opening, middle, closing, suffix}
		fuzzcost.Check(t, p.Grow, 16<<10,
			func(body string) *httptest.ResponseRecorder {
				st.reset()
				req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				return rec
			},
			func(body string, rec *httptest.ResponseRecorder) string {
				return checkHTTPResponse(t, body, rec)
			})
	})
}

// checkHTTPResponse fails unless rec is an answer ServeHTTP documents for a POST in JSON: 200,
// 400 or 413, with a GraphQL JSON body whose every error has a message and a code. It names
// the kind of answer: the status, the error codes and the start of the first message.
func checkHTTPResponse(t *testing.T, body string, rec *httptest.ResponseRecorder) string {
	t.Helper()
	switch rec.Code {
	case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
	default:
		t.Errorf("POST %.300q: status %d", body, rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("POST %.300q: Content-Type %q", body, ct)
	}
	var resp struct {
		Data   *json.RawMessage `json:"data"`
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("POST %.300q: body %.300q is not a GraphQL response: %v", body, rec.Body.Bytes(), err)
	}
	if rec.Code != http.StatusOK && len(resp.Errors) == 0 {
		t.Errorf("POST %.300q: status %d without an error", body, rec.Code)
	}
	codes := []string{}
	for _, e := range resp.Errors {
		if e.Message == "" || e.Extensions.Code == "" {
			t.Errorf("POST %.300q: error without message or code: %+v", body, e)
		}
		codes = append(codes, e.Extensions.Code)
	}
	slices.Sort(codes)
	answer := fmt.Sprintf("%d data=%t codes=%v", rec.Code, resp.Data != nil, slices.Compact(codes))
	if len(resp.Errors) > 0 {
		answer += fmt.Sprintf(" %.48s", fuzzcost.StripDigits(resp.Errors[0].Message))
	}
	return answer
}

// FuzzVariables coerces arbitrary JSON variables: bad values are BAD_USER_INPUT errors, never a
// panic.
func FuzzVariables(f *testing.F) {
	for _, v := range []string{
		`{"s": "x", "i": 3, "f": 4, "id": 12, "r": "GUEST", "j": {"k": [1, {"z": null}]}, "l": 9}`,
		`{"in": {"email": "e", "password": "p", "tags": ["a", null]}, "f": {"ids": "a", "and": [{"limit": 2, "score": 1}, null]}}`,
		`{"i": 1.5, "in": {"email": 1}, "r": "admin", "f": {"nope": true}, "l": [1, null]}`,
		`{"i": 1e300, "f": "1", "id": true, "in": [], "f": [[[]]]}`,
		`{}`, `null`, `[]`,
	} {
		f.Add(v)
	}
	s, _ := newTestSchema(f)
	const query = `query ($s: String, $i: Int, $f: Float, $id: ID, $r: Role, $j: JSON, $l: [Int!], $in: SignUpInput, $filter: FilterInput) {
		echo(s: $s, i: $i, f: $f, id: $id, role: $r, j: $j, list: $l, input: $in, filter: $filter) }`
	f.Fuzz(func(t *testing.T, vars string) {
		var v map[string]any
		if json.Unmarshal([]byte(vars), &v) != nil {
			return
		}
		resp := s.Execute(context.Background(), Request{Query: query, Variables: v})
		for _, e := range resp.Errors {
			if e.Code() != CodeBadUserInput {
				t.Errorf("Execute with %s: unexpected error %#v", vars, e)
			}
		}
		if _, err := json.Marshal(resp); err != nil {
			t.Fatalf("Execute with %s: json.Marshal: %v", vars, err)
		}
	})
}
