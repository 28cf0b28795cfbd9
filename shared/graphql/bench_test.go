package graphql

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const benchSDL = `
scalar DateTime
scalar UUID
type AuthToken { token: String! expiresAt: DateTime! }
type LoginToken { loginToken: AuthToken! }
type AuthTokenPair { accessOrWorkspaceAgnosticToken: AuthToken! refreshToken: AuthToken! }
type Person { id: UUID! name: String! email: String city: String jobTitle: String position: Float createdAt: DateTime! }
type PersonEdge { node: Person! cursor: String! }
type PageInfo { hasNextPage: Boolean! endCursor: String }
type PersonConnection { edges: [PersonEdge!]! pageInfo: PageInfo! totalCount: Int! }
type Query { people(first: Int = 60): PersonConnection! }
type Mutation {
  getLoginTokenFromCredentials(email: String!, password: String!, origin: String!): LoginToken!
}
`

// loginQuery is what Twenty's front end sends to log in.
const loginQuery = `mutation GetLoginTokenFromCredentials($email: String!, $password: String!, $origin: String!) {
  getLoginTokenFromCredentials(email: $email, password: $password, origin: $origin) {
    loginToken {
      token
      expiresAt
      __typename
    }
    __typename
  }
}`

const peopleQuery = `query FindManyPeople($first: Int) {
  people(first: $first) {
    edges { node { __typename id name email city jobTitle position createdAt } cursor }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`

func newBenchSchema(b *testing.B, opts ...Option) *Schema {
	expires := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := NewSchema(benchSDL, map[string]Resolver{
		"Mutation.getLoginTokenFromCredentials": func(context.Context, map[string]any) (any, error) {
			return map[string]any{"loginToken": map[string]any{"token": "eyJhbGciOiJFUzI1NiJ9.e30.sig", "expiresAt": expires}}, nil
		},
		"Query.people": func(_ context.Context, args map[string]any) (any, error) {
			n := int(args["first"].(int64))
			edges := make([]map[string]any, n)
			for i := range edges {
				edges[i] = map[string]any{"cursor": fmt.Sprint(i), "node": map[string]any{
					"id": fmt.Sprintf("20202020-0000-4000-8000-%012d", i), "name": "Person " + fmt.Sprint(i),
					"email": "p@example.com", "city": "Paris", "jobTitle": "", "position": float64(i), "createdAt": expires,
				}}
			}
			return map[string]any{"edges": edges, "pageInfo": map[string]any{"hasNextPage": true, "endCursor": "x"}, "totalCount": 1000}, nil
		},
	}, opts...)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

var loginVars = map[string]any{"email": "tim@apple.dev", "password": "tim@apple.dev", "origin": "http://localhost:3001"}

func BenchmarkExecute(b *testing.B) {
	ctx := context.Background()
	b.Run("login/cached", func(b *testing.B) {
		s := newBenchSchema(b)
		b.ReportAllocs()
		for b.Loop() {
			if resp := s.Execute(ctx, Request{Query: loginQuery, Variables: loginVars}); len(resp.Errors) > 0 {
				b.Fatal(resp.Errors)
			}
		}
	})
	b.Run("login/uncached", func(b *testing.B) {
		s := newBenchSchema(b, WithCacheSize(0))
		b.ReportAllocs()
		for b.Loop() {
			if resp := s.Execute(ctx, Request{Query: loginQuery, Variables: loginVars}); len(resp.Errors) > 0 {
				b.Fatal(resp.Errors)
			}
		}
	})
	b.Run("login/http", func(b *testing.B) {
		s := newBenchSchema(b)
		body := `{"operationName":"GetLoginTokenFromCredentials","variables":{"email":"tim@apple.dev","password":"tim@apple.dev","origin":"http://localhost:3001"},"query":` +
			fmt.Sprintf("%q", loginQuery) + `}`
		b.ReportAllocs()
		for b.Loop() {
			req := httptest.NewRequest(http.MethodPost, "/metadata", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatal(rec.Body.String())
			}
		}
	})
	b.Run("people60/cached+encode", func(b *testing.B) {
		s := newBenchSchema(b)
		b.ReportAllocs()
		for b.Loop() {
			resp := s.Execute(ctx, Request{Query: peopleQuery, Variables: map[string]any{"first": 60.0}})
			if _, err := resp.MarshalJSON(); err != nil || len(resp.Errors) > 0 {
				b.Fatal(err, resp.Errors)
			}
		}
	})
	b.Run("introspection/cached", func(b *testing.B) {
		s, _ := newTestSchema(b)
		b.ReportAllocs()
		for b.Loop() {
			if resp := s.Execute(ctx, Request{Query: introspectionQuery}); len(resp.Errors) > 0 {
				b.Fatal(resp.Errors)
			}
		}
	})
}

// workspaceSDL generates a schema shaped like a Twenty workspace's: per object, the object, its
// connection and edge, and filter, order, create and update inputs; and eight root fields.
func workspaceSDL(objects, fields int) (string, map[string]Resolver) {
	var b strings.Builder
	b.WriteString("scalar UUID\nscalar DateTime\nenum OrderByDirection { AscNullsFirst AscNullsLast DescNullsFirst DescNullsLast }\n")
	b.WriteString("input StringFilter { eq: String neq: String in: [String] like: String ilike: String is: String }\n")
	b.WriteString("type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }\n")
	resolvers := map[string]Resolver{}
	nop := func(context.Context, map[string]any) (any, error) { return nil, nil }
	var query, mutation strings.Builder
	for o := range objects {
		name := fmt.Sprintf("Object%d", o)
		fmt.Fprintf(&b, "type %s {\n  id: UUID!\n  createdAt: DateTime!\n", name)
		for f := range fields {
			fmt.Fprintf(&b, "  field%d: String\n", f)
		}
		b.WriteString("}\n")
		fmt.Fprintf(&b, "type %sEdge { node: %s! cursor: String! }\n", name, name)
		fmt.Fprintf(&b, "type %sConnection { edges: [%sEdge!]! pageInfo: PageInfo! totalCount: Int! }\n", name, name)
		for _, kind := range []string{"Filter", "OrderBy", "Create", "Update"} {
			fmt.Fprintf(&b, "input %s%sInput {\n", name, kind)
			for f := range fields {
				switch kind {
				case "Filter":
					fmt.Fprintf(&b, "  field%d: StringFilter\n", f)
				case "OrderBy":
					fmt.Fprintf(&b, "  field%d: OrderByDirection\n", f)
				default:
					fmt.Fprintf(&b, "  field%d: String\n", f)
				}
			}
			if kind == "Filter" {
				fmt.Fprintf(&b, "  and: [%sFilterInput] or: [%sFilterInput] not: %sFilterInput\n", name, name, name)
			}
			b.WriteString("}\n")
		}
		fmt.Fprintf(&query, "  object%ds(filter: %sFilterInput, orderBy: [%sOrderByInput], first: Int, after: String): %sConnection!\n", o, name, name, name)
		fmt.Fprintf(&query, "  object%d(filter: %sFilterInput!): %s\n", o, name, name)
		resolvers[fmt.Sprintf("Query.object%ds", o)] = nop
		resolvers[fmt.Sprintf("Query.object%d", o)] = nop
		for _, op := range []string{"create", "update", "delete", "destroy", "restore", "createMany"} {
			fmt.Fprintf(&mutation, "  %sObject%d(id: UUID, data: %sCreateInput): %s\n", op, o, name, name)
			resolvers[fmt.Sprintf("Mutation.%sObject%d", op, o)] = nop
		}
	}
	fmt.Fprintf(&b, "type Query {\n%s}\ntype Mutation {\n%s}\n", query.String(), mutation.String())
	return b.String(), resolvers
}

func BenchmarkNewSchema(b *testing.B) {
	for _, size := range []struct{ objects, fields int }{{10, 20}, {40, 30}} {
		sdl, resolvers := workspaceSDL(size.objects, size.fields)
		b.Run(fmt.Sprintf("objects=%d,fields=%d,sdl=%dKB", size.objects, size.fields, len(sdl)>>10), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := NewSchema(sdl, resolvers); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
