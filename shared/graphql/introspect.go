package graphql

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// This file answers __schema and __type by exposing the schema's syntax tree as Objects of the
// introspection types (__Schema, __Type, __Field, …), which the executor projects like any data.

// schemaIntro is the __Schema object.
type schemaIntro struct{ s *Schema }

func (o schemaIntro) Field(_ context.Context, name string, _ map[string]any) (any, error) {
	sch := o.s.schema
	switch name {
	case "description":
		return nonEmpty(sch.Description), nil
	case "types":
		defs := make([]*ast.Definition, 0, len(sch.Types))
		for _, d := range sch.Types {
			defs = append(defs, d)
		}
		slices.SortFunc(defs, func(a, b *ast.Definition) int { return cmp.Compare(a.Name, b.Name) })
		out := make([]any, len(defs))
		for i, d := range defs {
			out[i] = typeIntro{s: o.s, def: d}
		}
		return out, nil
	case "queryType":
		return typeIntro{s: o.s, def: sch.Query}, nil
	case "mutationType":
		if sch.Mutation == nil {
			return nil, nil
		}
		return typeIntro{s: o.s, def: sch.Mutation}, nil
	case "subscriptionType":
		if sch.Subscription == nil {
			return nil, nil
		}
		return typeIntro{s: o.s, def: sch.Subscription}, nil
	case "directives":
		dirs := make([]*ast.DirectiveDefinition, 0, len(sch.Directives))
		for _, d := range sch.Directives {
			if d.Name != "defer" { // declared by gqlparser's prelude; not supported here
				dirs = append(dirs, d)
			}
		}
		slices.SortFunc(dirs, func(a, b *ast.DirectiveDefinition) int { return cmp.Compare(a.Name, b.Name) })
		out := make([]any, len(dirs))
		for i, d := range dirs {
			out[i] = directiveIntro{s: o.s, d: d}
		}
		return out, nil
	}
	return nil, nil
}

// typeIntro is a __Type: a named type (def) or a list or non-null wrapper (wrapper).
type typeIntro struct {
	s       *Schema
	def     *ast.Definition
	wrapper *ast.Type
}

// typeRef returns the __Type of t.
func (s *Schema) typeRef(t *ast.Type) typeIntro {
	if t.NonNull || t.Elem != nil {
		return typeIntro{s: s, wrapper: t}
	}
	return typeIntro{s: s, def: s.schema.Types[t.NamedType]}
}

func (o typeIntro) Field(_ context.Context, name string, args map[string]any) (any, error) {
	if t := o.wrapper; t != nil {
		switch name {
		case "kind":
			if t.NonNull {
				return "NON_NULL", nil
			}
			return "LIST", nil
		case "ofType":
			if t.NonNull {
				inner := *t
				inner.NonNull = false
				return o.s.typeRef(&inner), nil
			}
			return o.s.typeRef(t.Elem), nil
		}
		return nil, nil
	}
	def := o.def
	includeDeprecated, _ := args["includeDeprecated"].(bool)
	switch name {
	case "kind":
		return string(def.Kind), nil
	case "name":
		return def.Name, nil
	case "description":
		return nonEmpty(def.Description), nil
	case "specifiedByURL":
		if d := def.Directives.ForName("specifiedBy"); d != nil && def.Kind == ast.Scalar {
			if a := d.Arguments.ForName("url"); a != nil {
				return a.Value.Raw, nil
			}
		}
	case "fields":
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			return nil, nil
		}
		out := make([]any, 0, len(def.Fields))
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") || !includeDeprecated && isDeprecated(f.Directives) {
				continue
			}
			out = append(out, fieldIntro{s: o.s, f: f})
		}
		return out, nil
	case "interfaces":
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			return nil, nil
		}
		out := make([]any, len(def.Interfaces))
		for i, name := range def.Interfaces {
			out[i] = typeIntro{s: o.s, def: o.s.schema.Types[name]}
		}
		return out, nil
	case "possibleTypes":
		if !def.IsAbstractType() {
			return nil, nil
		}
		var out []any
		for _, d := range o.s.schema.PossibleTypes[def.Name] {
			if d.Kind == ast.Object {
				out = append(out, typeIntro{s: o.s, def: d})
			}
		}
		return out, nil
	case "enumValues":
		if def.Kind != ast.Enum {
			return nil, nil
		}
		out := make([]any, 0, len(def.EnumValues))
		for _, v := range def.EnumValues {
			if includeDeprecated || !isDeprecated(v.Directives) {
				out = append(out, enumValueIntro{v})
			}
		}
		return out, nil
	case "inputFields":
		if def.Kind != ast.InputObject {
			return nil, nil
		}
		out := make([]any, 0, len(def.Fields))
		for _, f := range def.Fields {
			if includeDeprecated || !isDeprecated(f.Directives) {
				out = append(out, inputValueIntro{o.s, f.Name, f.Description, f.Type, f.DefaultValue, f.Directives})
			}
		}
		return out, nil
	case "isOneOf":
		if def.Kind != ast.InputObject {
			return nil, nil
		}
		return def.Directives.ForName("oneOf") != nil, nil
	}
	return nil, nil
}

// fieldIntro is a __Field.
type fieldIntro struct {
	s *Schema
	f *ast.FieldDefinition
}

func (o fieldIntro) Field(_ context.Context, name string, args map[string]any) (any, error) {
	switch name {
	case "name":
		return o.f.Name, nil
	case "description":
		return nonEmpty(o.f.Description), nil
	case "args":
		includeDeprecated, _ := args["includeDeprecated"].(bool)
		return o.s.argIntros(o.f.Arguments, includeDeprecated), nil
	case "type":
		return o.s.typeRef(o.f.Type), nil
	case "isDeprecated":
		return isDeprecated(o.f.Directives), nil
	case "deprecationReason":
		return deprecationReason(o.f.Directives), nil
	}
	return nil, nil
}

func (s *Schema) argIntros(args ast.ArgumentDefinitionList, includeDeprecated bool) []any {
	out := make([]any, 0, len(args))
	for _, a := range args {
		if includeDeprecated || !isDeprecated(a.Directives) {
			out = append(out, inputValueIntro{s, a.Name, a.Description, a.Type, a.DefaultValue, a.Directives})
		}
	}
	return out
}

// inputValueIntro is an __InputValue: an argument or an input object field.
type inputValueIntro struct {
	s            *Schema
	name         string
	description  string
	typ          *ast.Type
	defaultValue *ast.Value
	directives   ast.DirectiveList
}

func (o inputValueIntro) Field(_ context.Context, name string, _ map[string]any) (any, error) {
	switch name {
	case "name":
		return o.name, nil
	case "description":
		return nonEmpty(o.description), nil
	case "type":
		return o.s.typeRef(o.typ), nil
	case "defaultValue":
		if o.defaultValue == nil {
			return nil, nil
		}
		return o.defaultValue.String(), nil
	case "isDeprecated":
		return isDeprecated(o.directives), nil
	case "deprecationReason":
		return deprecationReason(o.directives), nil
	}
	return nil, nil
}

// enumValueIntro is an __EnumValue.
type enumValueIntro struct{ v *ast.EnumValueDefinition }

func (o enumValueIntro) Field(_ context.Context, name string, _ map[string]any) (any, error) {
	switch name {
	case "name":
		return o.v.Name, nil
	case "description":
		return nonEmpty(o.v.Description), nil
	case "isDeprecated":
		return isDeprecated(o.v.Directives), nil
	case "deprecationReason":
		return deprecationReason(o.v.Directives), nil
	}
	return nil, nil
}

// directiveIntro is a __Directive.
type directiveIntro struct {
	s *Schema
	d *ast.DirectiveDefinition
}

func (o directiveIntro) Field(_ context.Context, name string, args map[string]any) (any, error) {
	switch name {
	case "name":
		return o.d.Name, nil
	case "description":
		return nonEmpty(o.d.Description), nil
	case "isRepeatable":
		return o.d.IsRepeatable, nil
	case "locations":
		out := make([]any, len(o.d.Locations))
		for i, l := range o.d.Locations {
			out[i] = string(l)
		}
		return out, nil
	case "args":
		includeDeprecated, _ := args["includeDeprecated"].(bool)
		return o.s.argIntros(o.d.Arguments, includeDeprecated), nil
	}
	return nil, nil
}

func isDeprecated(dirs ast.DirectiveList) bool { return dirs.ForName("deprecated") != nil }

// deprecationReason returns the reason of @deprecated, its default when not given, or nil.
func deprecationReason(dirs ast.DirectiveList) any {
	d := dirs.ForName("deprecated")
	if d == nil {
		return nil
	}
	if a := d.Arguments.ForName("reason"); a != nil && a.Value.Kind != ast.NullValue {
		return a.Value.Raw
	}
	return "No longer supported"
}

// nonEmpty returns s, or nil (null) when it is empty.
func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
