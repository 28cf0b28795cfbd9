package graphql

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestExecute(t *testing.T) {
	s, _ := newTestSchema(t)
	tests := []struct {
		name      string
		query     string
		operation string
		vars      string // JSON
		want      string // JSON
	}{
		{
			name:  "aliases, scalars, custom scalars",
			query: `{ me: currentUser { id handle: email name role createdAt settings } }`,
			want: `{"data":{"me":{"id":"u1","handle":"alice@example.com","name":"Alice","role":"ADMIN",
				"createdAt":"2024-01-02T03:04:05.000000006Z","settings":{"sizes":[1,2],"theme":"dark"}}}}`,
		},
		{
			name:  "same field selected twice is merged",
			query: `{ currentUser { id ... on User { id email } ...F } } fragment F on Node { id }`,
			want:  `{"data":{"currentUser":{"id":"u1","email":"alice@example.com"}}}`,
		},
		{
			name: "interface with inline and named fragments",
			query: `{ u: node(id: "u1") { __typename id ... on User { email } ...W }
				w: node(id: "w1") { __typename id ... on User { email } ...W }
				none: node(id: "nope") { id } }
				fragment W on Workspace { displayName }`,
			want: `{"data":{"u":{"__typename":"User","id":"u1","email":"alice@example.com"},
				"w":{"__typename":"Workspace","id":"w1","displayName":"Acme"},"none":null}}`,
		},
		{
			name:  "union",
			query: `{ search(text: "a") { __typename ... on User { email } ... on Workspace { displayName memberCount } } }`,
			want: `{"data":{"search":[{"__typename":"User","email":"alice@example.com"},
				{"__typename":"Workspace","displayName":"Globex","memberCount":5}]}}`,
		},
		{
			name:  "__typename of roots and objects",
			query: `{ __typename currentUser { __typename t2: __typename } }`,
			want:  `{"data":{"__typename":"Query","currentUser":{"__typename":"User","t2":"User"}}}`,
		},
		{
			name:  "mutation root __typename",
			query: `mutation { __typename }`,
			want:  `{"data":{"__typename":"Mutation"}}`,
		},
		{
			name: "skip and include",
			query: `query ($s: Boolean!, $i: Boolean = true) { currentUser {
				id @skip(if: $s) email @include(if: $i) name @include(if: false) role @skip(if: false)
				... on User @skip(if: true) { createdAt } ...F @include(if: $s) } }
				fragment F on User { legacy }`,
			vars: `{"s": true}`,
			want: `{"data":{"currentUser":{"email":"alice@example.com","role":"ADMIN","legacy":null}}}`,
		},
		{
			name:  "arguments of an Object field, with default",
			query: `{ currentUser { workspaces(first: 1) { id } all: workspaces { id memberCount } } }`,
			want: `{"data":{"currentUser":{"workspaces":[{"id":"w1"}],
				"all":[{"id":"w1","memberCount":3},{"id":"w2","memberCount":5}]}}}`,
		},
		{
			name:  "non-null root field null: data is null",
			query: `{ mustUser { id } currentUser { id } }`,
			want: `{"errors":[{"message":"Cannot return null for non-nullable field Query.mustUser.",
				"locations":[{"line":1,"column":3}],"path":["mustUser"],"extensions":{"code":"INTERNAL_SERVER_ERROR"}}],
				"data":null}`,
		},
		{
			name:  "null in non-null field of a non-null list item: the nullable list is null",
			query: `{ users { id email } }`,
			want: `{"errors":[{"message":"Cannot return null for non-nullable field User.email.",
				"locations":[{"line":1,"column":14}],"path":["users",1,"email"],"extensions":{"code":"INTERNAL_SERVER_ERROR"}}],
				"data":{"users":null}}`,
		},
		{
			name:  "null in non-null field of a nullable list item: the item is null",
			query: `{ currentUser { friends { id email } } }`,
			want: `{"errors":[{"message":"Cannot return null for non-nullable field User.email.",
				"locations":[{"line":1,"column":30}],"path":["currentUser","friends",2,"email"],
				"extensions":{"code":"INTERNAL_SERVER_ERROR"}}],
				"data":{"currentUser":{"friends":[{"id":"u2","email":"bob@example.com"},null,null]}}}`,
		},
		{
			name:  "resolver errors: plain, coded and wrapped, panic",
			query: `{ fail failCode panic currentUser { id } }`,
			want: `{"errors":[
				{"message":"Internal server error","locations":[{"line":1,"column":3}],"path":["fail"],
					"extensions":{"code":"INTERNAL_SERVER_ERROR"}},
				{"message":"User not found","locations":[{"line":1,"column":8}],"path":["failCode"],
					"extensions":{"code":"NOT_FOUND","subCode":"USER_NOT_FOUND"}},
				{"message":"Internal server error","locations":[{"line":1,"column":17}],"path":["panic"],
					"extensions":{"code":"INTERNAL_SERVER_ERROR"}}],
				"data":{"fail":null,"failCode":null,"panic":null,"currentUser":{"id":"u1"}}}`,
		},
		{
			name:  "error path is the alias",
			query: `{ x: failCode }`,
			want: `{"errors":[{"message":"User not found","locations":[{"line":1,"column":3}],"path":["x"],
				"extensions":{"code":"NOT_FOUND","subCode":"USER_NOT_FOUND"}}],"data":{"x":null}}`,
		},
		{
			name:  "abstract value without __typename",
			query: `{ node(id: "bad") { id } }`,
			want: `{"errors":[{"message":"Internal server error","locations":[{"line":1,"column":3}],"path":["node"],
				"extensions":{"code":"INTERNAL_SERVER_ERROR"}}],"data":{"node":null}}`,
		},
		{
			name:  "enum value not in the schema",
			query: `{ badRole { role } }`,
			want: `{"errors":[{"message":"Internal server error","locations":[{"line":1,"column":13}],"path":["badRole","role"],
				"extensions":{"code":"INTERNAL_SERVER_ERROR"}}],"data":{"badRole":null}}`,
		},
		{
			name:  "mutation with input defaults and null field",
			query: `mutation ($in: SignUpInput!) { signUp(input: $in) { user { id email role } tokens { accessToken { token } } } }`,
			vars:  `{"in": {"email": "new@example.com", "password": "secret"}}`,
			want:  `{"data":{"signUp":{"user":{"id":"u9","email":"new@example.com","role":"MEMBER"},"tokens":null}}}`,
		},
		{
			name:      "operation by name",
			query:     `query A { a: __typename } query B { b: __typename }`,
			operation: "B",
			want:      `{"data":{"b":"Query"}}`,
		},
		{
			name:  "several operations and no name",
			query: `query A { a: __typename } query B { b: __typename }`,
			want: `{"errors":[{"message":"Must provide operation name if query contains multiple operations.",
				"extensions":{"code":"OPERATION_RESOLUTION_FAILURE"}}]}`,
		},
		{
			name:      "unknown operation",
			query:     `query A { a: __typename }`,
			operation: "C",
			want:      `{"errors":[{"message":"Unknown operation named \"C\".","extensions":{"code":"OPERATION_RESOLUTION_FAILURE"}}]}`,
		},
		{
			name:  "validation error",
			query: "{\n  currentUser { id }\n  nope\n}",
			want: `{"errors":[{"message":"Cannot query field \"nope\" on type \"Query\". Did you mean \"node\"?",
				"locations":[{"line":3,"column":3}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
		},
		{
			name:  "several validation errors",
			query: `query ($x: Int) { currentUser { id(a: 1) } echo(i: "one") }`,
			want: `{"errors":[
				{"message":"Unknown argument \"a\" on field \"User.id\".","locations":[{"line":1,"column":33}],
					"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}},
				{"message":"Int cannot represent non-integer value: \"one\"","locations":[{"line":1,"column":53}],
					"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}},
				{"message":"Variable \"$x\" is never used.","locations":[{"line":1,"column":8}],
					"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
		},
		{
			name:  "parse error",
			query: "{ currentUser { id }",
			want: `{"errors":[{"message":"Syntax Error: Expected Name, found <EOF>","locations":[{"line":1,"column":21}],
				"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`,
		},
		{
			name:  "empty query",
			query: "",
			want:  "{\"errors\":[{\"message\":\"GraphQL operations must contain a non-empty `query`.\",\"extensions\":{\"code\":\"BAD_REQUEST\"}}]}",
		},
		{
			name:  "subscription",
			query: `subscription { x }`,
			want: `{"errors":[{"message":"Schema does not support operation type \"subscription\"","locations":[{"line":1,"column":1}],
				"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
		},
		{
			name:  "missing variable",
			query: `query ($id: UUID!) { node(id: $id) { id } }`,
			want: `{"errors":[{"message":"Variable \"$id\" of required type \"UUID!\" was not provided.",
				"locations":[{"line":1,"column":8}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
		},
		{
			name:  "null variable",
			query: `query ($id: UUID!) { node(id: $id) { id } }`,
			vars:  `{"id": null}`,
			want: `{"errors":[{"message":"Variable \"$id\" of non-null type \"UUID!\" must not be null.",
				"locations":[{"line":1,"column":8}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
		},
		{
			name:  "variables of the wrong type",
			query: `query ($i: Int, $in: SignUpInput!, $r: Role, $f: FilterInput) { echo(i: $i, input: $in, role: $r, filter: $f) }`,
			vars: `{"i": 1.5, "in": {"email": "a@b.c", "password": 7}, "r": "admin",
				"f": {"and": [{"limit": 1}, {"limit": 1, "nope": true}]}}`,
			want: `{"errors":[
				{"message":"Variable \"$i\" got invalid value 1.5; Int cannot represent non-integer value: 1.5",
					"locations":[{"line":1,"column":8}],"extensions":{"code":"BAD_USER_INPUT"}},
				{"message":"Variable \"$in\" got invalid value 7 at \"in.password\"; String cannot represent a non string value: 7",
					"locations":[{"line":1,"column":17}],"extensions":{"code":"BAD_USER_INPUT"}},
				{"message":"Variable \"$r\" got invalid value \"admin\"; Value \"admin\" does not exist in \"Role\" enum.",
					"locations":[{"line":1,"column":36}],"extensions":{"code":"BAD_USER_INPUT"}},
				{"message":"Variable \"$f\" got invalid value {\"limit\":1,\"nope\":true} at \"f.and[1]\"; Field \"nope\" is not defined by type \"FilterInput\".",
					"locations":[{"line":1,"column":46}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
		},
		{
			name:  "input object field missing",
			query: `mutation ($in: SignUpInput!) { signUp(input: $in) { tokens { refreshToken { token } } } }`,
			vars:  `{"in": {"email": "a@b.c"}}`,
			want: `{"errors":[{"message":"Variable \"$in\" got invalid value {\"email\":\"a@b.c\"}; Field \"password\" of required type \"String!\" was not provided.",
				"locations":[{"line":1,"column":11}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
		},
		{
			name:  "Int out of 32-bit range",
			query: `query ($i: Int) { echo(i: $i) }`,
			vars:  `{"i": 2147483648}`,
			want: `{"errors":[{"message":"Variable \"$i\" got invalid value 2147483648; Int cannot represent non 32-bit signed integer value: 2147483648",
				"locations":[{"line":1,"column":8}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := Request{Query: tt.query, OperationName: tt.operation}
			if tt.vars != "" {
				if err := json.Unmarshal([]byte(tt.vars), &req.Variables); err != nil {
					t.Fatal(err)
				}
			}
			got := toJSON(t, s.Execute(context.Background(), req))
			want := decodeJSON(t, []byte(tt.want))
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("Execute(%s) mismatch (-got +want):\n%s", tt.query, diff)
			}
		})
	}
}

func TestExecuteMutationsRunSerially(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		want    string
		wantLog []string
	}{
		{
			name:    "in document order",
			query:   `mutation { c: append(s: "1") b: append(s: "2") ... on Mutation { a: append(s: "3") } }`,
			want:    `{"data":{"c":["1"],"b":["1","2"],"a":["1","2","3"]}}`,
			wantLog: []string{"1", "2", "3"},
		},
		{
			name:  "stopping at a failed non-null field",
			query: `mutation { a: append(s: "1") failNonNull b: append(s: "2") }`,
			want: `{"errors":[{"message":"Forbidden","locations":[{"line":1,"column":30}],"path":["failNonNull"],
				"extensions":{"code":"FORBIDDEN"}}],"data":null}`,
			wantLog: []string{"1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, st := newTestSchema(t)
			got := toJSON(t, s.Execute(context.Background(), Request{Query: tt.query}))
			if diff := cmp.Diff(got, decodeJSON(t, []byte(tt.want))); diff != "" {
				t.Errorf("Execute(%s) mismatch (-got +want):\n%s", tt.query, diff)
			}
			if diff := cmp.Diff(st.log, tt.wantLog); diff != "" {
				t.Errorf("resolvers ran (-got +want):\n%s", diff)
			}
		})
	}
}

// TestExecuteQueriesRunConcurrently has two root fields wait for each other: run one after the
// other, the first would time out.
func TestExecuteQueriesRunConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(2)
	meet := func(ctx context.Context, _ map[string]any) (any, error) {
		wg.Done()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
			return true, nil
		case <-time.After(5 * time.Second):
			return false, nil
		}
	}
	s, err := NewSchema(`type Query { a: Boolean b: Boolean }`, map[string]Resolver{"Query.a": meet, "Query.b": meet})
	if err != nil {
		t.Fatal(err)
	}
	got := toJSON(t, s.Execute(context.Background(), Request{Query: "{ a b }"}))
	if diff := cmp.Diff(got, decodeJSON(t, []byte(`{"data":{"a":true,"b":true}}`))); diff != "" {
		t.Errorf("mismatch (-got +want):\n%s", diff)
	}
}

func TestResolverErrorsAreLogged(t *testing.T) {
	var buf bytes.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	s, _ := newTestSchema(t)

	resp := s.Execute(context.Background(), Request{Query: "{ fail panic }"})

	body, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(body), "hunter2") || strings.Contains(string(body), "boom") {
		t.Errorf("response leaks the error: %s", body)
	}
	for _, want := range []string{"field=Query.fail", "password=hunter2", "field=Query.panic", "panic=boom"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestSelectedFields(t *testing.T) {
	const sdl = `
		interface Node { id: ID! }
		type User implements Node { id: ID! email: String friends: [User] workspaces(first: Int = 10): [Workspace] }
		type Workspace implements Node { id: ID! displayName: String }
		type Query { currentUser: User plan(first: Int): [Node] }`
	var got []*SelectedField
	capture := func(ctx context.Context, _ map[string]any) (any, error) {
		got = SelectedFields(ctx)
		return nil, nil
	}
	s, err := NewSchema(sdl, map[string]Resolver{"Query.currentUser": capture, "Query.plan": capture})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  []*SelectedField
	}{
		{
			query: `query ($n: Int) { currentUser { id e: email workspaces(first: $n) { id } ...F friends @skip(if: true) { id } } }
				fragment F on User { email workspaces(first: $n) { displayName } }`,
			want: []*SelectedField{
				{Name: "id", Alias: "id"},
				{Name: "email", Alias: "e"},
				{Name: "workspaces", Alias: "workspaces", Args: map[string]any{"first": int64(2)}, Selections: []*SelectedField{
					{Name: "id", Alias: "id"},
					{Name: "displayName", Alias: "displayName"},
				}},
				{Name: "email", Alias: "email"},
			},
		},
		{
			query: `{ plan { __typename id ... on User { email } ... on Workspace { displayName } } }`,
			want: []*SelectedField{
				{Name: "__typename", Alias: "__typename"},
				{Name: "id", Alias: "id"},
				{Name: "email", Alias: "email"},
				{Name: "displayName", Alias: "displayName"},
			},
		},
	}
	for _, tt := range tests {
		got = nil
		resp := s.Execute(context.Background(), Request{Query: tt.query, Variables: map[string]any{"n": 2.0}})
		if len(resp.Errors) > 0 {
			t.Fatalf("Execute(%s): %v", tt.query, resp.Errors)
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("SelectedFields for %s (-got +want):\n%s", tt.query, diff)
		}
	}
	if got := SelectedFields(context.Background()); got != nil {
		t.Errorf("SelectedFields(context.Background()) = %v, want nil", got)
	}
}

func TestNewSchemaErrors(t *testing.T) {
	ok := func(context.Context, map[string]any) (any, error) { return nil, nil }
	tests := []struct {
		name      string
		sdl       string
		resolvers map[string]Resolver
		want      []string // parts of the error
	}{
		{"bad SDL", `type Query { a: Nope }`, nil, []string{"load schema", "Undefined type Nope"}},
		{"no Query", `type Mutation { a: Int }`, map[string]Resolver{"Mutation.a": ok}, []string{"no Query type"}},
		{"missing resolver", `type Query { a: Int b: Int }`, map[string]Resolver{"Query.a": ok}, []string{"Query.b has no resolver"}},
		{
			"unknown fields", `type Query { a: Int } type Mutation { b: Int }`,
			map[string]Resolver{"Query.a": ok, "Mutation.b": ok, "Query.x": ok, "User.id": ok, "a": ok, "Query.__schema": ok},
			[]string{`"Query.__schema" names no field`, `"Query.x" names no field`, `"User.id" names no field`, `"a" names no field`},
		},
		{"nil resolver", `type Query { a: Int }`, map[string]Resolver{"Query.a": nil}, []string{`"Query.a" is nil`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSchema(tt.sdl, tt.resolvers)
			if err == nil {
				t.Fatal("NewSchema succeeded, want an error")
			}
			for _, part := range tt.want {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("NewSchema error %q lacks %q", err, part)
				}
			}
		})
	}
}

// TestExecuteConcurrently shares one Schema, and a cache too small for the queries, between
// goroutines; run with -race.
func TestExecuteConcurrently(t *testing.T) {
	s, _ := newTestSchema(t, WithCacheSize(2))
	queries := []string{
		`{ currentUser { id friends { id } } node(id: "u1") { id } }`,
		`{ search(text: "x") { __typename } users { id } }`,
		`query ($i: Int) { echo(i: $i) __type(name: "User") { name } }`,
		`{ nope }`,
	}
	want := make([]string, len(queries))
	for i, q := range queries {
		b, _ := json.Marshal(s.Execute(context.Background(), Request{Query: q, Variables: map[string]any{"i": 1.0}}))
		want[i] = string(b)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for n := range 50 {
				i := (g + n) % len(queries)
				b, _ := json.Marshal(s.Execute(context.Background(), Request{Query: queries[i], Variables: map[string]any{"i": 1.0}}))
				if string(b) != want[i] {
					t.Errorf("Execute(%s) = %s, want %s", queries[i], b, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}

// panicky is a custom scalar value whose encoding panics: a bug in the executor's path, outside
// any resolver.
type panicky struct{}

func (panicky) MarshalJSON() ([]byte, error) { panic("encoder bug") }

func TestExecutorPanicIsContained(t *testing.T) {
	s, err := NewSchema(`scalar JSON type Query { a: JSON b: String c: JSON! }`, map[string]Resolver{
		"Query.a": func(context.Context, map[string]any) (any, error) { return panicky{}, nil },
		"Query.b": func(context.Context, map[string]any) (any, error) { return "x", nil },
		"Query.c": func(context.Context, map[string]any) (any, error) { return panicky{}, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query, want string
	}{
		{
			query: "{ a b }",
			want: `{"errors":[{"message":"Internal server error","locations":[{"line":1,"column":3}],"path":["a"],
				"extensions":{"code":"INTERNAL_SERVER_ERROR"}}],"data":{"a":null,"b":"x"}}`,
		},
		{
			query: "{ b c }",
			want: `{"errors":[{"message":"Internal server error","locations":[{"line":1,"column":5}],"path":["c"],
				"extensions":{"code":"INTERNAL_SERVER_ERROR"}}],"data":null}`,
		},
	}
	for _, tt := range tests {
		got := toJSON(t, s.Execute(context.Background(), Request{Query: tt.query}))
		if diff := cmp.Diff(got, decodeJSON(t, []byte(tt.want))); diff != "" {
			t.Errorf("Execute(%s) mismatch (-got +want):\n%s", tt.query, diff)
		}
	}
}
