package graphql

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

func TestMain(m *testing.M) {
	// Resolver failures are logged; keep test output readable. TestResolverErrorsAreLogged
	// captures the log it checks.
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

const testSDL = `
"An RFC 4122 UUID."
scalar UUID @specifiedBy(url: "https://www.rfc-editor.org/rfc/rfc4122")
scalar DateTime
scalar JSON

enum Role {
  ADMIN
  "A regular member."
  MEMBER
  GUEST @deprecated(reason: "Use MEMBER.")
}

interface Node { id: UUID! }

"A person who can sign in."
type User implements Node {
  id: UUID!
  email: String!
  name: String
  role: Role!
  createdAt: DateTime
  settings: JSON
  workspaces(first: Int = 10): [Workspace!]!
  friends: [User]
  legacy: String @deprecated
}

type Workspace implements Node {
  id: UUID!
  displayName: String
  memberCount: Int!
}

union SearchResult = User | Workspace

type Token { token: String! expiresAt: DateTime! }
type AuthTokens { accessToken: Token! refreshToken: Token! }
type SignUpResult { user: User! tokens: AuthTokens }

input SignUpInput {
  email: String!
  password: String!
  locale: String = "en"
  role: Role = MEMBER
  tags: [String!]
}

input FilterInput {
  ids: [UUID!]
  and: [FilterInput!]
  limit: Int
  score: Float
}

type Query {
  currentUser: User
  node(id: UUID!): Node
  search(text: String!, first: Int = 5): [SearchResult!]!
  echo(s: String, i: Int, f: Float, b: Boolean, id: ID, role: Role, j: JSON, filter: FilterInput,
    input: SignUpInput, list: [Int!], n: Int = 42, old: String @deprecated): JSON
  mustUser: User!
  users: [User!]
  badRole: User
  fail: String
  failCode: String
  panic: String
}

type Mutation {
  signUp(input: SignUpInput!): SignUpResult!
  append(s: String!): [String!]!
  failNonNull: String!
}
`

var (
	created = time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	acme    = map[string]any{"__typename": "Workspace", "id": "w1", "displayName": "Acme", "memberCount": 3}
	globex  = map[string]any{"__typename": "Workspace", "id": "w2", "displayName": "Globex", "memberCount": int32(5)}
	bob     = map[string]any{"__typename": "User", "id": "u2", "email": "bob@example.com", "role": "MEMBER"}
)

// user is an Object: its workspaces take an argument.
type user struct{ fields map[string]any }

func (u *user) Field(_ context.Context, name string, args map[string]any) (any, error) {
	switch name {
	case "__typename":
		return "User", nil
	case "workspaces":
		all := []map[string]any{acme, globex}
		n := args["first"].(int64)
		return all[:min(int(n), len(all))], nil
	}
	return u.fields[name], nil
}

func alice() *user {
	return &user{map[string]any{
		"id": "u1", "email": "alice@example.com", "name": "Alice", "role": "ADMIN",
		"createdAt": created, "settings": map[string]any{"theme": "dark", "sizes": []int{1, 2}},
		"friends": []any{bob, nil, map[string]any{"id": "u3"}},
	}}
}

// testState records what resolvers saw.
type testState struct {
	mu   sync.Mutex
	args map[string]any // of the last echo
	log  []string       // of append
}

func newTestSchema(t testing.TB, opts ...Option) (*Schema, *testState) {
	t.Helper()
	st := &testState{}
	s, err := NewSchema(testSDL, map[string]Resolver{
		"Query.currentUser": func(context.Context, map[string]any) (any, error) { return alice(), nil },
		"Query.node": func(_ context.Context, args map[string]any) (any, error) {
			switch args["id"] {
			case "u1":
				return alice(), nil
			case "w1":
				return acme, nil
			case "bad":
				return map[string]any{"id": "bad"}, nil
			}
			return nil, nil
		},
		"Query.search": func(context.Context, map[string]any) (any, error) {
			return []any{alice(), globex}, nil
		},
		"Query.echo": func(_ context.Context, args map[string]any) (any, error) {
			st.mu.Lock()
			defer st.mu.Unlock()
			st.args = args
			return args, nil
		},
		"Query.mustUser": func(context.Context, map[string]any) (any, error) { return nil, nil },
		"Query.users": func(context.Context, map[string]any) (any, error) {
			return []map[string]any{bob, {"id": "u3", "role": "GUEST"}}, nil
		},
		"Query.badRole": func(context.Context, map[string]any) (any, error) {
			return map[string]any{"id": "u4", "email": "x@example.com", "role": "OWNER"}, nil
		},
		"Query.fail": func(context.Context, map[string]any) (any, error) {
			return nil, errors.New("db down: password=hunter2")
		},
		"Query.failCode": func(context.Context, map[string]any) (any, error) {
			return nil, fmt.Errorf("find user: %w",
				NewError(CodeNotFound, "User not found").WithExtension("subCode", "USER_NOT_FOUND"))
		},
		"Query.panic": func(context.Context, map[string]any) (any, error) { panic("boom") },
		"Mutation.signUp": func(_ context.Context, args map[string]any) (any, error) {
			in := args["input"].(map[string]any)
			return map[string]any{
				"user":   map[string]any{"id": "u9", "email": in["email"], "role": in["role"]},
				"tokens": nil,
			}, nil
		},
		"Mutation.append": func(_ context.Context, args map[string]any) (any, error) {
			st.mu.Lock()
			defer st.mu.Unlock()
			time.Sleep(time.Millisecond)
			st.log = append(st.log, args["s"].(string))
			return slices.Clone(st.log), nil
		},
		"Mutation.failNonNull": func(context.Context, map[string]any) (any, error) {
			return nil, NewError(CodeForbidden, "Forbidden")
		},
	}, opts...)
	if err != nil {
		t.Fatalf("NewSchema: %v", err)
	}
	return s, st
}

// toJSON encodes resp and decodes it again, for comparison with a JSON literal.
func toJSON(t testing.TB, resp *Response) any {
	t.Helper()
	b, err := json.Marshal(resp)
	if err != nil {
		t.Fatalf("json.Marshal(%#v): %v", resp, err)
	}
	return decodeJSON(t, b)
}

func decodeJSON(t testing.TB, b []byte) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("trailing data after %s", b)
	}
	return v
}

func TestIsRootField(t *testing.T) {
	s, _ := newTestSchema(t)
	tests := []struct {
		op   ast.Operation
		name string
		want bool
	}{
		{ast.Query, "currentUser", true},
		{ast.Mutation, "signUp", true},
		{ast.Query, "signUp", false},
		{ast.Query, "__schema", false},
		{ast.Subscription, "currentUser", false},
	}
	for _, tt := range tests {
		if got := s.IsRootField(tt.op, tt.name); got != tt.want {
			t.Errorf("IsRootField(%s, %s) = %v, want %v", tt.op, tt.name, got, tt.want)
		}
	}
}
