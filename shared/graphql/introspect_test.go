package graphql

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// introspectionQuery is the query GraphiQL sends (graphql-js getIntrospectionQuery with every
// option on).
const introspectionQuery = `
query IntrospectionQuery {
  __schema {
    description
    queryType { name kind }
    mutationType { name kind }
    subscriptionType { name kind }
    types { ...FullType }
    directives {
      name
      description
      isRepeatable
      locations
      args(includeDeprecated: true) { ...InputValue }
    }
  }
}

fragment FullType on __Type {
  kind
  name
  description
  specifiedByURL
  isOneOf
  fields(includeDeprecated: true) {
    name
    description
    args(includeDeprecated: true) { ...InputValue }
    type { ...TypeRef }
    isDeprecated
    deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) {
    name
    description
    isDeprecated
    deprecationReason
  }
  possibleTypes { ...TypeRef }
}

fragment InputValue on __InputValue {
  name
  description
  type { ...TypeRef }
  defaultValue
  isDeprecated
  deprecationReason
}

fragment TypeRef on __Type {
  kind
  name
  ofType {
    kind
    name
    ofType {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}`

// The introspection result, as a client decodes it.
type (
	introSchema struct {
		Description      *string
		QueryType        *introType
		MutationType     *introType
		SubscriptionType *introType
		Types            []introType
		Directives       []introDirective
	}
	introType struct {
		Kind           string
		Name           *string
		Description    *string
		SpecifiedByURL *string
		IsOneOf        *bool
		Fields         []introField
		InputFields    []introInputValue
		Interfaces     []introType
		EnumValues     []introEnumValue
		PossibleTypes  []introType
		OfType         *introType
	}
	introField struct {
		Name              string
		Description       *string
		Args              []introInputValue
		Type              introType
		IsDeprecated      bool
		DeprecationReason *string
	}
	introInputValue struct {
		Name              string
		Description       *string
		Type              introType
		DefaultValue      *string
		IsDeprecated      bool
		DeprecationReason *string
	}
	introEnumValue struct {
		Name              string
		Description       *string
		IsDeprecated      bool
		DeprecationReason *string
	}
	introDirective struct {
		Name         string
		Description  *string
		IsRepeatable bool
		Locations    []string
		Args         []introInputValue
	}
)

func ptr[T any](v T) *T { return &v }

// typeString renders a type reference as SDL does: [Int!]!.
func (t introType) typeString() string {
	switch t.Kind {
	case "NON_NULL":
		return t.OfType.typeString() + "!"
	case "LIST":
		return "[" + t.OfType.typeString() + "]"
	}
	return *t.Name
}

func TestIntrospectionQuery(t *testing.T) {
	s, _ := newTestSchema(t)
	resp := s.Execute(context.Background(), Request{Query: introspectionQuery})
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %v", toJSON(t, resp))
	}
	body, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Data struct {
			Schema introSchema `json:"__schema"`
		}
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	sch := got.Data.Schema
	types := map[string]introType{}
	for _, typ := range sch.Types {
		types[*typ.Name] = typ
	}
	names := func(ts []introType) []string {
		var out []string
		for _, t := range ts {
			out = append(out, *t.Name)
		}
		return out
	}

	t.Run("roots", func(t *testing.T) {
		got := []any{*sch.QueryType.Name, sch.QueryType.Kind, *sch.MutationType.Name, sch.SubscriptionType, sch.Description}
		want := []any{"Query", "OBJECT", "Mutation", (*introType)(nil), (*string)(nil)}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("(-got +want):\n%s", diff)
		}
	})
	t.Run("types", func(t *testing.T) {
		for _, name := range []string{"Query", "Mutation", "User", "Node", "SearchResult", "Role", "SignUpInput",
			"UUID", "String", "Boolean", "__Schema", "__Type", "__TypeKind"} {
			if _, ok := types[name]; !ok {
				t.Errorf("type %s missing", name)
			}
		}
	})
	t.Run("Query fields", func(t *testing.T) {
		var got []string
		for _, f := range types["Query"].Fields {
			got = append(got, f.Name+": "+f.Type.typeString())
		}
		want := []string{"currentUser: User", "node: Node", "search: [SearchResult!]!", "echo: JSON", "mustUser: User!",
			"users: [User!]", "badRole: User", "fail: String", "failCode: String", "panic: String"}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("(-got +want):\n%s", diff)
		}
	})
	t.Run("arguments", func(t *testing.T) {
		var echo introField
		for _, f := range types["Query"].Fields {
			if f.Name == "echo" {
				echo = f
			}
		}
		type arg struct {
			Name, Type string
			Default    *string
			Deprecated bool
		}
		var got []arg
		for _, a := range echo.Args {
			got = append(got, arg{a.Name, a.Type.typeString(), a.DefaultValue, a.IsDeprecated})
		}
		want := []arg{
			{"s", "String", nil, false}, {"i", "Int", nil, false}, {"f", "Float", nil, false}, {"b", "Boolean", nil, false},
			{"id", "ID", nil, false}, {"role", "Role", nil, false}, {"j", "JSON", nil, false}, {"filter", "FilterInput", nil, false},
			{"input", "SignUpInput", nil, false}, {"list", "[Int!]", nil, false}, {"n", "Int", ptr("42"), false},
			{"old", "String", nil, true},
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("(-got +want):\n%s", diff)
		}
	})
	t.Run("User", func(t *testing.T) {
		user := types["User"]
		var legacy introField
		for _, f := range user.Fields {
			if f.Name == "legacy" {
				legacy = f
			}
		}
		got := []any{user.Kind, *user.Description, names(user.Interfaces), legacy.IsDeprecated, *legacy.DeprecationReason,
			user.InputFields == nil, user.EnumValues == nil, user.PossibleTypes == nil, user.IsOneOf == nil}
		want := []any{"OBJECT", "A person who can sign in.", []string{"Node"}, true, "No longer supported",
			true, true, true, true}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("(-got +want):\n%s", diff)
		}
	})
	t.Run("abstract types", func(t *testing.T) {
		got := [][]string{names(types["Node"].PossibleTypes), names(types["SearchResult"].PossibleTypes)}
		want := [][]string{{"User", "Workspace"}, {"User", "Workspace"}}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("(-got +want):\n%s", diff)
		}
	})
	t.Run("enum", func(t *testing.T) {
		got := types["Role"].EnumValues
		want := []introEnumValue{
			{Name: "ADMIN"},
			{Name: "MEMBER", Description: ptr("A regular member.")},
			{Name: "GUEST", IsDeprecated: true, DeprecationReason: ptr("Use MEMBER.")},
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("(-got +want):\n%s", diff)
		}
	})
	t.Run("input object", func(t *testing.T) {
		in := types["SignUpInput"]
		var got []string
		for _, f := range in.InputFields {
			d := "-"
			if f.DefaultValue != nil {
				d = *f.DefaultValue
			}
			got = append(got, f.Name+": "+f.Type.typeString()+" = "+d)
		}
		want := []string{"email: String! = -", "password: String! = -", `locale: String = "en"`, "role: Role = MEMBER", "tags: [String!] = -"}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("(-got +want):\n%s", diff)
		}
		if in.IsOneOf == nil || *in.IsOneOf {
			t.Errorf("isOneOf = %v, want false", in.IsOneOf)
		}
	})
	t.Run("scalar", func(t *testing.T) {
		uuid := types["UUID"]
		got := []any{uuid.Kind, *uuid.Description, *uuid.SpecifiedByURL, uuid.Fields == nil}
		want := []any{"SCALAR", "An RFC 4122 UUID.", "https://www.rfc-editor.org/rfc/rfc4122", true}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("(-got +want):\n%s", diff)
		}
	})
	t.Run("directives", func(t *testing.T) {
		var got []string
		for _, d := range sch.Directives {
			got = append(got, d.Name)
		}
		want := []string{"deprecated", "include", "oneOf", "skip", "specifiedBy"}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("(-got +want):\n%s", diff)
		}
		skip := sch.Directives[3]
		gotSkip := []any{skip.Locations, skip.Args[0].Name, skip.Args[0].Type.typeString(), skip.IsRepeatable}
		wantSkip := []any{[]string{"FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"}, "if", "Boolean!", false}
		if diff := cmp.Diff(gotSkip, wantSkip); diff != "" {
			t.Errorf("@skip (-got +want):\n%s", diff)
		}
	})
}

func TestIntrospectionFields(t *testing.T) {
	s, _ := newTestSchema(t)
	tests := []struct {
		query string
		want  string
	}{
		{
			query: `{ __type(name: "Role") { kind name enumValues { name } all: enumValues(includeDeprecated: true) { name isDeprecated } } }`,
			want: `{"data":{"__type":{"kind":"ENUM","name":"Role","enumValues":[{"name":"ADMIN"},{"name":"MEMBER"}],
				"all":[{"name":"ADMIN","isDeprecated":false},{"name":"MEMBER","isDeprecated":false},{"name":"GUEST","isDeprecated":true}]}}}`,
		},
		{
			query: `{ __type(name: "Nope") { name } }`,
			want:  `{"data":{"__type":null}}`,
		},
		{
			query: `{ __type(name: "Token") { __typename fields { __typename name type { kind name ofType { kind name ofType { name } } } } } }`,
			want: `{"data":{"__type":{"__typename":"__Type","fields":[
				{"__typename":"__Field","name":"token","type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"SCALAR","name":"String","ofType":null}}},
				{"__typename":"__Field","name":"expiresAt","type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"SCALAR","name":"DateTime","ofType":null}}}]}}}`,
		},
		{
			query: `{ __schema { queryType { name } mutationType { fields { name } } } currentUser { id } }`,
			want: `{"data":{"__schema":{"queryType":{"name":"Query"},"mutationType":{"fields":[
				{"name":"signUp"},{"name":"append"},{"name":"failNonNull"}]}},"currentUser":{"id":"u1"}}}`,
		},
		{
			query: `{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }`,
			want: `{"errors":[{"message":"Maximum introspection depth exceeded","locations":[{"line":1,"column":3}],
				"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
		},
	}
	for _, tt := range tests {
		got := toJSON(t, s.Execute(context.Background(), Request{Query: tt.query}))
		if diff := cmp.Diff(got, decodeJSON(t, []byte(tt.want))); diff != "" {
			t.Errorf("Execute(%s) mismatch (-got +want):\n%s", tt.query, diff)
		}
	}
}
