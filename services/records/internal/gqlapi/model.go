package gqlapi

import (
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// model is what the schema exposes of a workspace's objects, shared by the SDL writer and the
// resolvers so that both read the same names.
type model struct {
	// all are every object of the workspace, as the engine takes them.
	all []metadata.Object
	// complexityLimit is the most complex query a root field runs (see complexity.go).
	complexityLimit int
	// types are the exposed objects, by NameSingular.
	types  []*objectType
	byName map[string]*objectType
}

// objectType is one exposed object.
type objectType struct {
	obj metadata.Object
	// name is the GraphQL type name (Person).
	name  string
	roots rootNames
	// duplicates tells whether the object has duplicate criteria, hence personDuplicates and
	// mergePeople (Twenty's shouldBuildResolver).
	duplicates bool
	// fields are the exposed fields in metadata order: active ones, but the search vector (not a
	// column here), relations whose target is not exposed and ONE_TO_MANY relations whose
	// inverse holds no join column.
	fields []*metadata.Field
	// enums maps a SELECT, MULTI_SELECT or RATING field to its enum type ({Singular}{Field}Enum);
	// one whose options cannot all be enum values is a String.
	enums map[string]string
	// joins maps a join column (companyId) to its MANY_TO_ONE field.
	joins map[string]*metadata.Field
	// aggregates are the aggregate fields of its connections, totalCount first.
	aggregates []aggField
}

// field returns the exposed field named name.
func (t *objectType) field(name string) (metadata.Field, bool) {
	i := slices.IndexFunc(t.fields, func(f *metadata.Field) bool { return f.Name == name })
	if i < 0 {
		return metadata.Field{}, false
	}
	return *t.fields[i], true
}

// target returns the exposed object a relation field points at.
func (m *model) target(f metadata.Field) (*objectType, bool) {
	if f.Relation == nil {
		return nil, false
	}
	t, ok := m.byName[f.Relation.TargetObjectNameSingular]
	return t, ok
}

// inverse returns the MANY_TO_ONE field of t's records that a ONE_TO_MANY field f of another
// object reads its records by (company.people → person.company, join column companyId).
func inverse(target metadata.Object, f metadata.Field) (metadata.Field, bool) {
	inv, ok := target.Field(f.Relation.TargetFieldName)
	if !ok || !inv.IsManyToOne() || inv.Relation.TargetObjectNameSingular == "" {
		return metadata.Field{}, false
	}
	return inv, true
}

// typeSuffixes are the types generated per object, after its own.
var typeSuffixes = []string{"", "Edge", "Connection", "FilterInput", "OrderByInput", "CreateInput", "UpdateInput",
	"GroupByInput", "GroupByConnection", "OrderByWithGroupByInput", "OrderByWithGroupByAggregateInput"}

// newModel decides what of objects the schema exposes: active objects with valid names, sorted
// by name, each skipped when one of its type or root field names is already taken (by the
// shared types or an object before it). Their fields are then resolved against the exposed
// objects.
func newModel(objects []metadata.Object) *model {
	m := newTypes(objects)
	m.addAggregates()
	return m
}

// addAggregates sets every exposed type's aggregate fields (aggregateFields).
func (m *model) addAggregates() {
	for _, t := range m.types {
		t.aggregates = aggregateFields(t)
	}
}

// newTypes is newModel without the types' aggregate fields, which a workspace whose SDL is
// shared takes from the shared schema (Schemas.New).
func newTypes(objects []metadata.Object) *model {
	m := &model{all: objects, byName: map[string]*objectType{}, complexityLimit: maxComplexity}
	sorted := slices.Clone(objects)
	slices.SortFunc(sorted, func(a, b metadata.Object) int { return strings.Compare(a.NameSingular, b.NameSingular) })
	taken := map[string]bool{}
	for _, n := range sharedTypeNames() {
		taken[n] = true
	}
	roots := map[string]bool{}
	for _, o := range sorted {
		if !o.IsActive || !isName(o.NameSingular) || !isName(o.NamePlural) || o.NameSingular == o.NamePlural {
			continue
		}
		t := &objectType{obj: o, name: pascal(o.NameSingular), roots: namesOf(o.NameSingular, o.NamePlural),
			duplicates: len(engine.DuplicateCriteria(o)) > 0}
		clash := false
		for _, s := range typeSuffixes {
			clash = clash || taken[t.name+s]
		}
		for _, r := range t.roots.all(t.duplicates) {
			clash = clash || roots[r]
		}
		if clash {
			continue
		}
		for _, s := range typeSuffixes {
			taken[t.name+s] = true
		}
		for _, r := range t.roots.all(t.duplicates) {
			roots[r] = true
		}
		m.types = append(m.types, t)
		m.byName[o.NameSingular] = t
	}
	for _, t := range m.types {
		m.resolveFields(t, taken)
	}
	return m
}

// resolveFields sets t's exposed fields, enums and join columns.
func (m *model) resolveFields(t *objectType, taken map[string]bool) {
	t.enums, t.joins = map[string]string{}, map[string]*metadata.Field{}
	names := map[string]bool{}
	for i := range t.obj.Fields {
		f := &t.obj.Fields[i] // the cached objects' own field, not a copy: a model stays small
		if !f.IsActive || !isName(f.Name) || names[f.Name] || !f.Type.IsValid() || f.Type == metadata.TypeTSVector {
			continue
		}
		switch {
		case f.IsManyToOne():
			join := f.JoinColumnName()
			if names[join] {
				continue
			}
			names[join] = true
			t.joins[join] = f
		case f.Type.IsRelation():
			target, ok := m.target(*f)
			if !ok {
				continue
			}
			if _, ok := inverse(target.obj, *f); !ok {
				continue
			}
		case f.Type == metadata.TypeSelect || f.Type == metadata.TypeMultiSelect || f.Type == metadata.TypeRating:
			if name := t.name + pascal(f.Name) + "Enum"; enumable(f.Options) && !taken[name] && !taken[name+"Filter"] {
				taken[name], taken[name+"Filter"] = true, true
				t.enums[f.Name] = name
			}
		}
		names[f.Name] = true
		t.fields = append(t.fields, f)
	}
}

// enumable reports whether options can be the values of an enum: at least one, each a valid
// enum value, none repeated.
func enumable(options []metadata.Option) bool {
	seen := map[string]bool{}
	for _, o := range options {
		if !isEnumValue(o.Value) || seen[o.Value] {
			return false
		}
		seen[o.Value] = true
	}
	return len(options) > 0
}

// isIntNumber reports whether a NUMBER field holds integers (settings.dataType "int"), which
// Twenty types Int rather than Float.
func isIntNumber(f metadata.Field) bool {
	dt, _ := f.Settings["dataType"].(string)
	return f.Type == metadata.TypeNumber && dt == "int"
}
