package graphql

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// FuzzExecute runs arbitrary documents: whatever the input, Execute answers with valid JSON and
// GraphQL errors, never a panic or a hang.
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
		f.Add(q)
	}
	s, _ := newTestSchema(f)
	vars := map[string]any{"s": true, "i": 3.0, "id": "u1", "in": map[string]any{"email": "e", "password": "p"}, "x": []any{1.0}}
	f.Fuzz(func(t *testing.T, query string) {
		for range 2 { // the second time from the cache
			start := time.Now()
			watchdog := time.AfterFunc(5*time.Second, func() { panic(fmt.Sprintf("Execute(%q) hangs", query)) })
			resp := s.Execute(context.Background(), Request{Query: query, Variables: vars})
			watchdog.Stop()
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("Execute(%q) took %v", query, d)
			}
			if !resp.executed && len(resp.Errors) == 0 {
				t.Errorf("Execute(%q): not executed and no error", query)
			}
			for _, e := range resp.Errors {
				if e.Message == "" || e.Code() == "" {
					t.Errorf("Execute(%q): error without message or code: %#v", query, e)
				}
			}
			b, err := json.Marshal(resp)
			if err != nil {
				t.Fatalf("Execute(%q): json.Marshal: %v", query, err)
			}
			if !json.Valid(b) {
				t.Fatalf("Execute(%q): invalid JSON %s", query, b)
			}
		}
	})
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
