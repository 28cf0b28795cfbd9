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
