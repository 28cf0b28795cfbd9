package graphql

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// fieldGroup is the fields of a selection set merged under one response key (spec CollectFields).
type fieldGroup struct {
	key    string
	fields []*ast.Field
	// def is the field's definition in the type the group was collected for (the validator's for
	// SelectedFields), nil for __typename.
	def *ast.FieldDefinition
	// named is the definition of the named type inside def's type (lists unwrapped), looked up
	// by namedType on first use: every item of a list would otherwise look it up again.
	named *ast.Definition
	// subType and sub memoize collectSubfields for the first object type asked (the only one
	// but for interfaces and unions), without hashing a map key per item of a list.
	subType *ast.Definition
	sub     []*fieldGroup
}

// namedType answers the definition of the named type of g's field.
func (g *fieldGroup) namedType(s *Schema) *ast.Definition {
	if g.named == nil {
		t := g.def.Type
		for t.Elem != nil {
			t = t.Elem
		}
		g.named = s.schema.Types[t.NamedType]
	}
	return g.named
}

// groupIndexMin is the number of groups from which collect indexes them by key in a map.
const groupIndexMin = 16

// collect gathers the fields of set that apply to an object of type t, in order, merging those
// with the same response key into groups after the groups given. A nil t stands for any type (all
// fragments apply); definitions then come from validation.
func (r *request) collect(t *ast.Definition, set ast.SelectionSet, groups []*fieldGroup) []*fieldGroup {
	var index map[string]*fieldGroup
	var visited map[string]bool
	var walk func(set ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				if !r.included(sel.Directives) {
					continue
				}
				var g *fieldGroup
				if index != nil {
					g = index[sel.Alias]
				} else {
					for _, h := range groups {
						if h.key == sel.Alias {
							g = h
							break
						}
					}
				}
				if g != nil {
					g.fields = append(g.fields, sel)
					continue
				}
				g = &fieldGroup{key: sel.Alias, fields: []*ast.Field{sel}}
				switch {
				case sel.Name == "__typename":
				case t != nil:
					g.def = t.Fields.ForName(sel.Name)
				default:
					g.def = sel.Definition
				}
				if g.def == nil && sel.Name != "__typename" {
					continue // not a field of t; validation makes this unreachable
				}
				groups = append(groups, g)
				if index != nil {
					index[g.key] = g
				} else if len(groups) >= groupIndexMin {
					index = make(map[string]*fieldGroup, 2*len(groups))
					for _, h := range groups {
						index[h.key] = h
					}
				}
			case *ast.InlineFragment:
				if r.included(sel.Directives) && r.applies(sel.TypeCondition, t) {
					walk(sel.SelectionSet)
				}
			case *ast.FragmentSpread:
				if visited[sel.Name] || !r.included(sel.Directives) {
					continue
				}
				if visited == nil {
					visited = make(map[string]bool)
				}
				visited[sel.Name] = true
				if f := r.doc.fragments[sel.Name]; f != nil && r.applies(f.TypeCondition, t) {
					walk(f.SelectionSet)
				}
			}
		}
	}
	walk(set)
	return groups
}

// applies reports whether a fragment with type condition cond applies to an object of type t (any
// type when t is nil).
func (r *request) applies(cond string, t *ast.Definition) bool {
	return cond == "" || t == nil || cond == t.Name || r.s.possible[cond][t.Name]
}

// included evaluates @skip and @include.
func (r *request) included(dirs ast.DirectiveList) bool {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		a := d.Arguments.ForName("if")
		if a == nil {
			continue
		}
		v, _, _ := r.s.coerceLiteral(a.Value, nonNullBoolean, r.vars)
		if b, _ := v.(bool); b == (d.Name == "skip") {
			return false
		}
	}
	return true
}

var nonNullBoolean = ast.NonNullNamedType("Boolean", nil)

// collectSubfields returns the merged selections of the fields of g for an object of type t.
func (w *walker) collectSubfields(g *fieldGroup, t *ast.Definition) []*fieldGroup {
	if g.subType == t {
		return g.sub
	}
	key := subfieldsKey{g, t}
	if groups, ok := w.subfields[key]; ok {
		return groups
	}
	var groups []*fieldGroup
	for _, f := range g.fields {
		groups = w.collect(t, f.SelectionSet, groups)
	}
	if g.subType == nil {
		g.subType, g.sub = t, groups
		return groups
	}
	if w.subfields == nil {
		w.subfields = make(map[subfieldsKey][]*fieldGroup)
	}
	w.subfields[key] = groups
	return groups
}

// complete projects v, the value of field g of an object of type parentType, onto typ.
func (w *walker) complete(ctx context.Context, typ *ast.Type, parentType *ast.Definition, g *fieldGroup, v any, p *path) (any, *Error) {
	out, err := w.completeNullable(ctx, typ, parentType, g, v, p)
	if err == nil && out == nil && typ.NonNull {
		return nil, w.fieldError(NewError(CodeInternal,
			fmt.Sprintf("Cannot return null for non-nullable field %s.%s.", parentType.Name, g.def.Name)), g, p)
	}
	return out, err
}

// completeNullable is complete ignoring whether typ is non-null.
func (w *walker) completeNullable(ctx context.Context, typ *ast.Type, parentType *ast.Definition, g *fieldGroup, v any, p *path) (any, *Error) {
	if isNull(v) {
		return nil, nil
	}
	if typ.Elem != nil {
		return w.completeList(ctx, typ, parentType, g, v, p)
	}
	def := g.namedType(w.s)
	switch def.Kind {
	case ast.Scalar, ast.Enum:
		out, err := serialize(def, v)
		if err != nil {
			return nil, w.bug(ctx, g, p, err)
		}
		return out, nil
	case ast.Interface, ast.Union:
		concrete, err := w.concreteType(ctx, def, v)
		if err != nil {
			return nil, w.bug(ctx, g, p, err)
		}
		def = concrete
	}
	switch v.(type) {
	case map[string]any, Object:
	default:
		return nil, w.bug(ctx, g, p, fmt.Errorf("a %T cannot be a %s", v, def.Name))
	}
	fields := w.collectSubfields(g, def)
	out := make(object, len(fields))
	paths := make([]path, len(fields))
	for i, sub := range fields {
		paths[i] = path{parent: p, key: sub.key}
		fv, err := w.executeField(ctx, def, v, sub, &paths[i])
		if err != nil {
			return nil, err
		}
		out[i] = member{key: sub.key, value: fv}
	}
	return out, nil
}

// completeList completes each item of the list v.
func (w *walker) completeList(ctx context.Context, typ *ast.Type, parentType *ast.Definition, g *fieldGroup, v any, p *path) (any, *Error) {
	var n int
	var item func(i int) any
	switch l := v.(type) {
	case []any:
		n, item = len(l), func(i int) any { return l[i] }
	case []map[string]any:
		n, item = len(l), func(i int) any { return l[i] }
	default:
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			return nil, w.bug(ctx, g, p, fmt.Errorf("a %T cannot be a list", v))
		}
		n, item = rv.Len(), func(i int) any { return rv.Index(i).Interface() }
	}
	out := make([]any, n)
	paths := make([]path, n)
	for i := range n {
		paths[i] = path{parent: p, index: i}
		iv, err := w.complete(ctx, typ.Elem, parentType, g, item(i), &paths[i])
		if err != nil {
			if typ.Elem.NonNull {
				return nil, err
			}
			w.errs = append(w.errs, err)
		}
		out[i] = iv
	}
	return out, nil
}

// concreteType returns the object type of v, a value of interface or union type abstract, named
// by its "__typename" field.
func (w *walker) concreteType(ctx context.Context, abstract *ast.Definition, v any) (*ast.Definition, error) {
	var name any
	switch v := v.(type) {
	case map[string]any:
		name = v["__typename"]
	case Object:
		var err error
		if name, err = v.Field(ctx, "__typename", nil); err != nil {
			return nil, fmt.Errorf("__typename of a %s: %w", abstract.Name, err)
		}
	}
	s, _ := name.(string)
	if !w.s.possible[abstract.Name][s] {
		return nil, fmt.Errorf("__typename %q of a %T is not an object type of %s", s, v, abstract.Name)
	}
	return w.s.schema.Types[s], nil
}

// bug logs a value that does not fit the schema, a server bug, and returns the error the client
// gets for it.
func (w *walker) bug(ctx context.Context, g *fieldGroup, p *path, err error) *Error {
	e := w.internalError(g, p)
	slog.ErrorContext(ctx, "graphql: resolved value does not fit the schema", "path", fmt.Sprint(e.Path), "error", err)
	return e
}

// isNull reports whether v stands for null: nil, a nil map or a nil pointer Object.
func isNull(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case map[string]any:
		return v == nil
	case Object:
		rv := reflect.ValueOf(v)
		return rv.Kind() == reflect.Pointer && rv.IsNil()
	}
	return false
}

// serialize converts a leaf value to what its scalar or enum type sends in JSON, following
// graphql-js's serializers for the built-in scalars.
func serialize(def *ast.Definition, v any) (any, error) {
	if def.Kind == ast.Enum {
		s, ok := stringValue(v)
		if !ok || def.EnumValues.ForName(s) == nil {
			return nil, fmt.Errorf("enum %s cannot represent %#v", def.Name, v)
		}
		return s, nil
	}
	switch def.Name {
	case "String", "ID":
		if _, ok := v.(string); ok {
			return v, nil // as it came: boxing the string again would allocate
		}
	case "Int":
		if i, ok := v.(int64); ok && i >= math.MinInt32 && i <= math.MaxInt32 {
			return v, nil
		}
	case "Boolean":
		if _, ok := v.(bool); ok {
			return v, nil
		}
	}
	switch def.Name {
	case "String":
		switch v := v.(type) {
		case time.Time:
			return v.Format(time.RFC3339Nano), nil
		case bool:
			return strconv.FormatBool(v), nil
		}
		if s, ok := stringValue(v); ok {
			return s, nil
		}
		if f, ok := numberValue(v); ok && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return strconv.FormatFloat(f, 'f', -1, 64), nil
		}
	case "ID":
		if s, ok := stringValue(v); ok {
			return s, nil
		}
		if i, ok := integerValue(v); ok {
			return strconv.FormatInt(i, 10), nil
		}
	case "Int":
		if i, ok := integerValue(v); ok && i >= math.MinInt32 && i <= math.MaxInt32 {
			return i, nil
		}
	case "Float":
		if f, ok := numberValue(v); ok && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f, nil
		}
	case "Boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
	default: // custom scalars send their JSON encoding
		switch v := v.(type) {
		case string, bool, int64, float64, int, json.RawMessage:
			return v, nil
		case time.Time:
			return v.Format(time.RFC3339Nano), nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("scalar %s: %w", def.Name, err)
		}
		return json.RawMessage(b), nil
	}
	return nil, fmt.Errorf("%s cannot represent %#v", def.Name, v)
}

// stringValue returns v if it is a string of any named string type.
func stringValue(v any) (string, bool) {
	if s, ok := v.(string); ok {
		return s, true
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String(), true
	}
	return "", false
}

// integerValue returns v as an int64 if it is an integer, or a float with an integral value.
func integerValue(v any) (int64, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case int:
		return int64(v), true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<63 {
			return int64(v), true
		}
		return 0, false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return int64(u), true
		}
	case reflect.Float32:
		if f := rv.Float(); f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return int64(f), true
		}
	}
	return 0, false
}

// numberValue returns v as a float64 if it is a number of any Go numeric type.
func numberValue(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	case int:
		return float64(v), true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	}
	return 0, false
}
