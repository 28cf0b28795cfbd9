//go:build e2e

package e2e

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// This file turns a served GraphQL schema (read by introspection, as a client generator reads it)
// into one operation per root field: arguments filled from their types with another workspace's
// ids where an id is asked for, and a selection of the result's fields. isolation_test.go sends
// them with foreign and dead tokens; nothing here is a hand list of operations.

type typeRef struct {
	Kind   string
	Name   string
	OfType *typeRef
}

// named is the type under the list and non-null wrappers.
func (r *typeRef) named() *typeRef {
	for r != nil && r.OfType != nil {
		r = r.OfType
	}
	return r
}

// String spells the reference as GraphQL does ([ID!]!).
func (r *typeRef) String() string {
	switch r.Kind {
	case "NON_NULL":
		return r.OfType.String() + "!"
	case "LIST":
		return "[" + r.OfType.String() + "]"
	}
	return r.Name
}

type inputValue struct {
	Name string
	Type *typeRef
}

type schemaField struct {
	Name string
	Args []inputValue
	Type *typeRef
}

type schemaType struct {
	Kind        string
	Name        string
	Fields      []schemaField
	InputFields []inputValue
	EnumValues  []struct{ Name string }
}

type introspected struct {
	query, mutation string
	types           map[string]*schemaType
}

const introspectionForIsolation = `query {
  __schema {
    queryType { name } mutationType { name }
    types {
      kind name
      fields { name args { name type { ...ref } } type { ...ref } }
      inputFields { name type { ...ref } }
      enumValues { name }
    }
  }
}
fragment ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`

// introspect reads the schema path serves to token.
func introspect(t *testing.T, path, token string) introspected {
	t.Helper()
	type schema struct {
		Schema struct {
			QueryType, MutationType *struct{ Name string }
			Types                   []*schemaType
		} `json:"__schema"`
	}
	s := data[schema](t, gql(t, path, token, introspectionForIsolation, nil))
	out := introspected{types: map[string]*schemaType{}}
	if s.Schema.QueryType != nil {
		out.query = s.Schema.QueryType.Name
	}
	if s.Schema.MutationType != nil {
		out.mutation = s.Schema.MutationType.Name
	}
	for _, ty := range s.Schema.Types {
		out.types[ty.Name] = ty
	}
	return out
}

// idSource answers the foreign id an argument or input field asks for, by its name.
type idSource func(name string) string

// operation is one root field: its variables' declarations, the field with its arguments and
// selection, and the variables' values. Variable names are prefixed with the field's name, so
// operations of one kind combine into one document (see combine).
type operation struct {
	name      string // Query.people, Mutation.deleteWebhook
	field     string // people
	mutation  bool
	params    []string
	body      string
	variables map[string]any
}

// combine answers one document of ops (all queries or all mutations) and its variables.
func combine(ops []operation) (string, map[string]any) {
	kind := "query"
	if len(ops) > 0 && ops[0].mutation {
		kind = "mutation"
	}
	var params, bodies []string
	vars := map[string]any{}
	for _, o := range ops {
		params = append(params, o.params...)
		bodies = append(bodies, o.body)
		for k, v := range o.variables {
			vars[k] = v
		}
	}
	doc := kind
	if len(params) > 0 {
		doc += "(" + strings.Join(params, ", ") + ")"
	}
	return doc + " { " + strings.Join(bodies, " ") + " }", vars
}

// operations answers an operation for every root field of the schema, queries first, mutations in
// name order. Root fields whose required arguments cannot be sent as JSON (Upload) are skipped
// and named in skipped.
func (s introspected) operations(ids idSource) (ops []operation, skipped []string) {
	for _, root := range []struct {
		typeName string
		mutation bool
	}{{s.query, false}, {s.mutation, true}} {
		ty := s.types[root.typeName]
		if ty == nil {
			continue
		}
		fields := append([]schemaField(nil), ty.Fields...)
		sort.Slice(fields, func(i, j int) bool { return fields[i].Name < fields[j].Name })
		for _, f := range fields {
			op, ok := s.operation(f, root.mutation, ids)
			if !ok {
				skipped = append(skipped, root.typeName+"."+f.Name)
				continue
			}
			ops = append(ops, op)
		}
	}
	return ops, skipped
}

func (s introspected) operation(f schemaField, mutation bool, ids idSource) (operation, bool) {
	vars := map[string]any{}
	var params, args []string
	for _, a := range f.Args {
		v, ok := s.value(a.Name, a.Type, ids, 0)
		if !ok {
			if a.Type.Kind == "NON_NULL" {
				return operation{}, false
			}
			continue
		}
		if v == nil && a.Type.Kind != "NON_NULL" {
			continue
		}
		if a.Name == "filter" || a.Type.Kind == "NON_NULL" || strings.EqualFold(a.Name, "id") || strings.HasSuffix(a.Name, "Id") || strings.HasSuffix(a.Name, "Ids") {
			name := f.Name + "_" + a.Name
			vars[name] = v
			params = append(params, fmt.Sprintf("$%s: %s", name, a.Type))
			args = append(args, fmt.Sprintf("%s: $%s", a.Name, name))
		}
	}
	body := f.Name
	if len(args) > 0 {
		body += "(" + strings.Join(args, ", ") + ")"
	}
	budget := maxSelectedFields
	body += s.selection(f.Type.named(), 0, &budget)
	prefix := "Query."
	if mutation {
		prefix = "Mutation."
	}
	return operation{name: prefix + f.Name, field: f.Name, mutation: mutation, params: params, body: body, variables: vars}, true
}

// maxInputDepth bounds how deep input objects are filled (filters nest and/or/not without end).
const maxInputDepth = 4

// value builds a JSON value of type r for an argument or input field called name; ok is false when
// no value can be sent (an Upload, or an input too deep to fill).
func (s introspected) value(name string, r *typeRef, ids idSource, depth int) (any, bool) {
	switch r.Kind {
	case "NON_NULL":
		return s.value(name, r.OfType, ids, depth)
	case "LIST":
		v, ok := s.value(name, r.OfType, ids, depth)
		if !ok {
			return nil, false
		}
		return []any{v}, true
	}
	lower := strings.ToLower(name)
	switch r.Kind {
	case "ENUM":
		ty := s.types[r.Name]
		if ty == nil || len(ty.EnumValues) == 0 {
			return nil, false
		}
		return ty.EnumValues[0].Name, true
	case "SCALAR":
		switch r.Name {
		case "ID", "UUID":
			return ids(name), true
		case "String":
			switch {
			case lower == "id" || strings.HasSuffix(lower, "id"):
				return ids(name), true
			case strings.Contains(lower, "email"):
				return "isolation-probe@example.com", true
			case strings.Contains(lower, "url"):
				return "https://example.com/isolation", true
			case strings.Contains(lower, "date") || strings.Contains(lower, "expires"):
				return "2030-01-01T00:00:00.000Z", true
			}
			return "isolation-probe", true
		case "Int", "Float":
			return 1, true
		case "Boolean":
			return false, true
		case "DateTime", "Date":
			return "2030-01-01T00:00:00.000Z", true
		case "Upload":
			return nil, false
		}
		return map[string]any{}, true // JSON, JSONObject and other object-like scalars
	case "INPUT_OBJECT":
		if depth >= maxInputDepth {
			return nil, false
		}
		ty := s.types[r.Name]
		if ty == nil {
			return nil, false
		}
		out := map[string]any{}
		for _, f := range ty.InputFields {
			fl := strings.ToLower(f.Name)
			switch {
			case f.Type.Kind == "NON_NULL":
			case fl == "id" || strings.HasSuffix(f.Name, "Id") || strings.HasSuffix(f.Name, "Ids"):
			case fl == "eq" || fl == "in": // a filter on an id: point it at the foreign record
			default:
				continue
			}
			idName := f.Name
			if fl == "eq" || fl == "in" {
				idName = name
			}
			v, ok := s.value(idName, f.Type, ids, depth+1)
			if !ok {
				if f.Type.Kind == "NON_NULL" {
					return nil, false
				}
				continue
			}
			out[f.Name] = v
		}
		return out, true
	}
	return nil, false
}

// maxSelectionDepth bounds the selection of nested objects (edges { node { … } } is three).
const maxSelectionDepth = 3

// maxSelectedFields bounds the fields one operation selects, well under the servers' limit on a
// document's size (a record's relations each open a connection of the related object's fields).
const maxSelectedFields = 300

// selection selects the scalar fields of an object type, and its object fields a few levels deep,
// spending at most *budget fields.
func (s introspected) selection(r *typeRef, depth int, budget *int) string {
	ty := s.types[r.Name]
	if ty == nil || (ty.Kind != "OBJECT" && ty.Kind != "INTERFACE") {
		if ty != nil && ty.Kind == "UNION" {
			return " { __typename }"
		}
		return ""
	}
	var parts []string
	for _, f := range ty.Fields {
		if hasRequiredArg(f) {
			continue
		}
		if *budget <= 0 {
			break
		}
		inner := f.Type.named()
		it := s.types[inner.Name]
		switch {
		case it == nil || it.Kind == "SCALAR" || it.Kind == "ENUM":
			parts = append(parts, f.Name)
			*budget--
		case depth+1 < maxSelectionDepth:
			if sub := s.selection(inner, depth+1, budget); sub != "" && sub != " { __typename }" {
				parts = append(parts, f.Name+sub)
			}
		}
	}
	if len(parts) == 0 {
		return " { __typename }"
	}
	return " { __typename " + strings.Join(parts, " ") + " }"
}

func hasRequiredArg(f schemaField) bool {
	for _, a := range f.Args {
		if a.Type.Kind == "NON_NULL" {
			return true
		}
	}
	return false
}
