package gqlapi

import (
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// SDL returns the GraphQL schema of the workspace whose objects are objects, as Twenty's
// workspace schema builder names it (see the package documentation). The output is the same for
// the same objects, in any order.
func SDL(objects []metadata.Object) string {
	return newModel(objects).sdl()
}

// findManyArgs are the arguments of a find-many root field and of a ONE_TO_MANY relation field
// (getResolverArgs('findMany') in workspace-schema-builder/utils/get-resolver-args.util.ts).
func findManyArgs(t *objectType) string {
	return "(first: Int, last: Int, offset: Int, before: String, after: String, filter: " + t.name +
		"FilterInput, orderBy: [" + t.name + "OrderByInput])"
}

func (m *model) sdl() string {
	var b strings.Builder
	b.WriteString(sharedSDL + "\n" + groupBySharedSDL + "\n")
	writeComposites(&b)
	for _, t := range m.types {
		m.writeObject(&b, t)
	}
	b.WriteString(searchSDL + "\ntype Query {\n" + searchField)
	for _, t := range m.types {
		r := t.roots
		b.WriteString("  " + r.findMany + findManyArgs(t) + ": " + t.name + "Connection\n")
		b.WriteString("  " + r.findOne + "(filter: " + t.name + "FilterInput!): " + t.name + "\n")
		if t.duplicates {
			b.WriteString("  " + r.findDuplicates + "(ids: [UUID], data: [" + t.name + "CreateInput!]): [" + t.name + "Connection!]\n")
		}
		b.WriteString("  " + r.groupBy + groupByArgs(t) + ": [" + t.name + "GroupByConnection!]\n")
	}
	b.WriteString("}\n\ntype Mutation {\n")
	for _, t := range m.types {
		r, n := t.roots, t.name
		b.WriteString("  " + r.createMany + "(data: [" + n + "CreateInput!]!, upsert: Boolean): [" + n + "!]\n")
		b.WriteString("  " + r.createOne + "(data: " + n + "CreateInput!, upsert: Boolean): " + n + "\n")
		b.WriteString("  " + r.updateOne + "(id: UUID!, data: " + n + "UpdateInput!): " + n + "\n")
		b.WriteString("  " + r.updateMany + "(data: " + n + "UpdateInput!, filter: " + n + "FilterInput!): [" + n + "!]\n")
		b.WriteString("  " + r.deleteOne + "(id: UUID!): " + n + "\n")
		b.WriteString("  " + r.deleteMany + "(filter: " + n + "FilterInput!): [" + n + "!]\n")
		b.WriteString("  " + r.restoreOne + "(id: UUID!): " + n + "\n")
		b.WriteString("  " + r.restoreMany + "(filter: " + n + "FilterInput!): [" + n + "!]\n")
		b.WriteString("  " + r.destroyOne + "(id: UUID!): " + n + "\n")
		b.WriteString("  " + r.destroyMany + "(filter: " + n + "FilterInput!): [" + n + "!]\n")
		if t.duplicates {
			b.WriteString("  " + r.mergeMany + "(ids: [UUID!]!, conflictPriorityIndex: Int!, dryRun: Boolean): " + n + "\n")
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// writeObject writes an object's enums, its type, edge and connection, and its inputs.
func (m *model) writeObject(b *strings.Builder, t *objectType) {
	for _, f := range t.fields {
		if e, ok := t.enums[f.Name]; ok {
			values, labels := make([]string, len(f.Options)), make([]string, len(f.Options))
			for i, o := range f.Options {
				values[i], labels[i] = o.Value, o.Label
			}
			writeEnum(b, e, values, labels)
			writeEnumFilter(b, e, false)
		}
	}

	// The type: the fields in order, a MANY_TO_ONE relation as its join column there, then the
	// relation fields (Twenty extends the type with them).
	writeDescription(b, "", t.obj.Description)
	b.WriteString("type " + t.name + " {\n")
	for _, f := range t.fields {
		if f.Type.IsRelation() {
			if f.IsManyToOne() {
				writeDescription(b, "  ", f.Description)
				b.WriteString("  " + f.JoinColumnName() + ": ID\n")
			}
			continue
		}
		writeDescription(b, "  ", f.Description)
		typ := m.outputType(t, *f)
		if f.Name == "id" {
			typ = "UUID!"
		}
		b.WriteString("  " + f.Name + ": " + typ + "\n")
	}
	for _, f := range t.fields {
		target, ok := m.target(*f)
		if !f.Type.IsRelation() || !ok {
			continue
		}
		writeDescription(b, "  ", f.Description)
		if f.IsManyToOne() {
			b.WriteString("  " + f.Name + ": " + target.name + "\n")
		} else {
			b.WriteString("  " + f.Name + findManyArgs(target) + ": " + target.name + "Connection\n")
		}
	}
	b.WriteString("}\n\n")

	b.WriteString("type " + t.name + "Edge {\n  node: " + t.name + "!\n  cursor: Cursor!\n}\n\n")
	writeConnection(b, t, "Connection", false)

	b.WriteString("input " + t.name + "FilterInput {\n")
	for _, f := range t.fields {
		if typ := filterType(t, *f); typ != "" {
			name := f.Name
			if f.IsManyToOne() {
				name = f.JoinColumnName()
			}
			b.WriteString("  " + name + ": " + typ + "\n")
		}
	}
	b.WriteString("  and: [" + t.name + "FilterInput]\n  or: [" + t.name + "FilterInput]\n  not: " + t.name + "FilterInput\n}\n\n")

	b.WriteString("input " + t.name + "OrderByInput {\n")
	writeFieldInputs(b, t, "OrderByDirection", "OrderByInput", "OrderByDirection")
	b.WriteString("}\n\n")

	for _, kind := range []string{"CreateInput", "UpdateInput"} {
		b.WriteString("input " + t.name + kind + " {\n")
		for _, f := range t.fields {
			switch {
			case f.IsManyToOne():
				b.WriteString("  " + f.JoinColumnName() + ": ID\n")
			case f.Type.IsRelation():
			case f.Type.IsComposite():
				b.WriteString("  " + f.Name + ": " + pascal(string(f.Type)) + kind + "\n")
			case f.Name == "id":
				b.WriteString("  id: ID\n")
			default:
				b.WriteString("  " + f.Name + ": " + m.outputType(t, *f) + "\n")
			}
		}
		b.WriteString("}\n\n")
	}
	m.writeGroupBy(b, t)
}

// outputType is the GraphQL type of a field that is neither a relation nor the id, in output and
// (but for composites) input (Twenty's type-mapper.service.ts). Every such field is nullable.
func (m *model) outputType(t *objectType, f metadata.Field) string {
	if e, ok := t.enums[f.Name]; ok {
		if f.Type == metadata.TypeMultiSelect {
			return "[" + e + "!]"
		}
		return e
	}
	switch f.Type {
	case metadata.TypeUUID:
		return "UUID"
	case metadata.TypeDateTime:
		return "DateTime"
	case metadata.TypeDate:
		return "Date"
	case metadata.TypeBoolean:
		return "Boolean"
	case metadata.TypeNumber:
		if isIntNumber(f) {
			return "Int"
		}
		return "Float"
	case metadata.TypeNumeric:
		return "BigFloat"
	case metadata.TypePosition:
		return "Position"
	case metadata.TypeRawJSON, metadata.TypeFiles:
		return "JSON"
	case metadata.TypeArray, metadata.TypeMultiSelect:
		return "[String]"
	}
	if f.Type.IsComposite() {
		return pascal(string(f.Type))
	}
	return "String" // TEXT, RICH_TEXT, and SELECT or RATING fields whose options are not enum values
}

// filterType is the filter input of a field, "" for a ONE_TO_MANY relation, which cannot be
// filtered on.
func filterType(t *objectType, f metadata.Field) string {
	if e, ok := t.enums[f.Name]; ok {
		return e + "Filter"
	}
	switch f.Type {
	case metadata.TypeUUID:
		return "UUIDFilter"
	case metadata.TypeDateTime:
		return "DateTimeFilter"
	case metadata.TypeDate:
		return "DateFilter"
	case metadata.TypeBoolean:
		return "BooleanFilter"
	case metadata.TypeNumber:
		if isIntNumber(f) {
			return "IntFilter"
		}
		return "FloatFilter"
	case metadata.TypeNumeric:
		return "BigFloatFilter"
	case metadata.TypePosition:
		return "FloatFilter"
	case metadata.TypeRawJSON, metadata.TypeFiles:
		return "RawJsonFilter"
	case metadata.TypeArray:
		return "ArrayFilter"
	case metadata.TypeSelect, metadata.TypeRating:
		return "SelectFilter"
	case metadata.TypeMultiSelect:
		return "MultiSelectFilter"
	case metadata.TypeRelation, metadata.TypeMorphRelation:
		if f.IsManyToOne() {
			return "UUIDFilter"
		}
		return ""
	}
	if f.Type.IsComposite() {
		return pascal(string(f.Type)) + "FilterInput"
	}
	return "StringFilter"
}

// writeFieldInputs writes one input field per field of t that a per-field input (order by,
// group by) takes: a MANY_TO_ONE relation by its join column, typed scalar; a composite typed
// <Composite><compositeSuffix>; a date or date-time typed date; any other non-relation field
// typed scalar.
func writeFieldInputs(b *strings.Builder, t *objectType, scalar, compositeSuffix, date string) {
	for _, f := range t.fields {
		switch {
		case f.IsManyToOne():
			b.WriteString("  " + f.JoinColumnName() + ": " + scalar + "\n")
		case f.Type.IsRelation():
		case f.Type.IsComposite():
			b.WriteString("  " + f.Name + ": " + pascal(string(f.Type)) + compositeSuffix + "\n")
		case isDate(*f):
			b.WriteString("  " + f.Name + ": " + date + "\n")
		default:
			b.WriteString("  " + f.Name + ": " + scalar + "\n")
		}
	}
}
