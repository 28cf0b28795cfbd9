package graphql

import (
	"context"
)

// SelectedField is a field the client selected, for resolvers that plan their work (one SQL query
// for a record and its relations) from what is asked.
type SelectedField struct {
	Name string
	// Alias is the response key: the alias, or Name when there is none.
	Alias string
	// Args are the field's arguments, coerced as for Resolver; nil when it has none (or when they
	// do not coerce, which execution then reports).
	Args map[string]any
	// Selections are the fields selected below this one; nil for scalars and enums.
	Selections []*SelectedField
}

type selectionKey struct{}

// selection is what SelectedFields needs, put in the context of a root resolver.
type selection struct {
	r *request
	g *fieldGroup
}

// SelectedFields returns the fields selected below the root field whose resolver got ctx, fragments
// merged in and @skip and @include applied; nil for another context. For a field of interface or
// union type, fragments on every type are included.
func SelectedFields(ctx context.Context) []*SelectedField {
	sel, _ := ctx.Value(selectionKey{}).(*selection)
	if sel == nil {
		return nil
	}
	return sel.r.selected(sel.g)
}

func (r *request) selected(g *fieldGroup) []*SelectedField {
	t := r.s.schema.Types[g.def.Type.Name()]
	if t == nil || t.IsLeafType() {
		return nil
	}
	if t.IsAbstractType() {
		t = nil // every fragment applies; definitions come from validation
	}
	var groups []*fieldGroup
	for _, f := range g.fields {
		groups = r.collect(t, f.SelectionSet, groups)
	}
	out := make([]*SelectedField, len(groups))
	for i, sub := range groups {
		f := sub.fields[0]
		sf := &SelectedField{Name: f.Name, Alias: sub.key}
		if sub.def != nil {
			sf.Args, _ = r.s.coerceArguments(sub.def.Arguments, f.Arguments, r.vars)
			sf.Selections = r.selected(sub)
		}
		out[i] = sf
	}
	return out
}
