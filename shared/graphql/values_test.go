package graphql

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestArguments checks the Go values resolvers get for literals, variables and defaults.
func TestArguments(t *testing.T) {
	tests := []struct {
		name  string
		query string
		vars  string // JSON
		want  map[string]any
	}{
		{
			name:  "literals",
			query: `{ echo(s: "x", i: -3, f: 2, b: true, id: 7, role: ADMIN, j: {a: [1, "x", null, 2.5, B]}, list: 5) }`,
			want: map[string]any{
				"s": "x", "i": int64(-3), "f": float64(2), "b": true, "id": "7", "role": "ADMIN",
				"j": map[string]any{"a": []any{int64(1), "x", nil, 2.5, "B"}}, "list": []any{int64(5)}, "n": int64(42),
			},
		},
		{
			name:  "explicit null and default override",
			query: `{ echo(s: null, n: 1, list: [1, 2]) }`,
			want:  map[string]any{"s": nil, "n": int64(1), "list": []any{int64(1), int64(2)}},
		},
		{
			name:  "variables",
			query: `query ($s: String, $i: Int, $f: Float, $id: ID, $r: Role, $j: JSON, $l: [Int!]) { echo(s: $s, i: $i, f: $f, id: $id, role: $r, j: $j, list: $l) }`,
			vars:  `{"s": "x", "i": 3, "f": 4, "id": 12, "r": "GUEST", "j": {"k": [1, {"z": null}]}, "l": 9}`,
			want: map[string]any{
				"s": "x", "i": int64(3), "f": float64(4), "id": "12", "role": "GUEST",
				"j": map[string]any{"k": []any{float64(1), map[string]any{"z": nil}}}, "list": []any{int64(9)}, "n": int64(42),
			},
		},
		{
			name:  "variable absent or null",
			query: `query ($s: String, $i: Int, $n: Int) { echo(s: $s, i: $i, n: $n) }`,
			vars:  `{"i": null}`,
			want:  map[string]any{"i": nil, "n": int64(42)},
		},
		{
			name:  "variable defaults",
			query: `query ($s: String = "d", $in: SignUpInput = {email: "e", password: "p", tags: "t"}) { echo(s: $s, input: $in) }`,
			want: map[string]any{
				"s":     "d",
				"input": map[string]any{"email": "e", "password": "p", "locale": "en", "role": "MEMBER", "tags": []any{"t"}},
				"n":     int64(42),
			},
		},
		{
			name:  "input object variable with defaults and nesting",
			query: `query ($in: SignUpInput, $f: FilterInput) { echo(input: $in, filter: $f) }`,
			vars:  `{"in": {"email": "e", "password": "p", "locale": null}, "f": {"ids": "a", "and": [{"limit": 2, "score": 1}]}}`,
			want: map[string]any{
				"input":  map[string]any{"email": "e", "password": "p", "locale": nil, "role": "MEMBER"},
				"filter": map[string]any{"ids": []any{"a"}, "and": []any{map[string]any{"limit": int64(2), "score": float64(1)}}},
				"n":      int64(42),
			},
		},
		{
			name:  "variables inside literals",
			query: `query ($x: Int, $y: Float, $id: UUID!) { echo(filter: {limit: $x, score: $y, ids: [$id, "b"]}, j: {v: $id}) }`,
			vars:  `{"y": 1.5, "id": "a"}`,
			want: map[string]any{
				"filter": map[string]any{"score": 1.5, "ids": []any{"a", "b"}},
				"j":      map[string]any{"v": "a"},
				"n":      int64(42),
			},
		},
		{
			name:  "input object literal with defaults",
			query: `{ echo(input: {email: "e", password: "p", role: ADMIN}) }`,
			want: map[string]any{
				"input": map[string]any{"email": "e", "password": "p", "locale": "en", "role": "ADMIN"},
				"n":     int64(42),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, st := newTestSchema(t)
			req := Request{Query: tt.query}
			if tt.vars != "" {
				if err := json.Unmarshal([]byte(tt.vars), &req.Variables); err != nil {
					t.Fatal(err)
				}
			}
			if resp := s.Execute(context.Background(), req); len(resp.Errors) > 0 {
				t.Fatalf("Execute(%s) errors: %v", tt.query, toJSON(t, resp))
			}
			if diff := cmp.Diff(st.args, tt.want); diff != "" {
				t.Errorf("args (-got +want):\n%s", diff)
			}
		})
	}
}

// TestVariablesNotModified checks that coercion leaves the caller's variables alone.
func TestVariablesNotModified(t *testing.T) {
	s, _ := newTestSchema(t)
	vars := map[string]any{"in": map[string]any{"email": "e", "password": "p"}}
	s.Execute(context.Background(), Request{
		Query:     `query ($in: SignUpInput) { echo(input: $in) }`,
		Variables: vars,
	})
	want := map[string]any{"in": map[string]any{"email": "e", "password": "p"}}
	if diff := cmp.Diff(vars, want); diff != "" {
		t.Errorf("variables changed (-got +want):\n%s", diff)
	}
}
