package gqlapi

import (
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// sharedSDL is the part of the schema every workspace has: Twenty's scalars, enums, PageInfo and
// filter inputs (workspace-schema-builder/graphql-types/ in packages/twenty-server/src/engine/api/
// graphql/), with their names and operators. Operators the engine does not run (regex,
// containsIlike, containsJsonb, …) are kept so that Twenty's clients' documents validate; using
// one answers BAD_USER_INPUT.
const sharedSDL = `scalar UUID
scalar DateTime
scalar Date
scalar BigFloat
scalar Position
scalar JSON
scalar Cursor
scalar ConnectionCursor

"""This enum is used to specify the order of results"""
enum OrderByDirection {
  AscNullsFirst
  AscNullsLast
  DescNullsFirst
  DescNullsLast
}

"""This enum to filter by nullability"""
enum FilterIs {
  NULL
  NOT_NULL
}

type PageInfo {
  startCursor: ConnectionCursor
  endCursor: ConnectionCursor
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
}

input UUIDFilter {
  eq: UUID
  in: [UUID]
  neq: UUID
  is: FilterIs
}

input StringFilter {
  eq: String
  gt: String
  gte: String
  in: [String!]
  lt: String
  lte: String
  neq: String
  startsWith: String
  endsWith: String
  like: String
  ilike: String
  regex: String
  iregex: String
  is: FilterIs
}

input DateTimeFilter {
  eq: DateTime
  gt: DateTime
  gte: DateTime
  in: [DateTime!]
  lt: DateTime
  lte: DateTime
  neq: DateTime
  is: FilterIs
}

input DateFilter {
  eq: Date
  gt: Date
  gte: Date
  in: [Date!]
  lt: Date
  lte: Date
  neq: Date
  is: FilterIs
}

input FloatFilter {
  eq: Float
  gt: Float
  gte: Float
  in: [Float!]
  lt: Float
  lte: Float
  neq: Float
  is: FilterIs
}

input IntFilter {
  eq: Int
  gt: Int
  gte: Int
  in: [Int!]
  lt: Int
  lte: Int
  neq: Int
  is: FilterIs
}

input BigFloatFilter {
  eq: BigFloat
  gt: BigFloat
  gte: BigFloat
  in: [BigFloat!]
  lt: BigFloat
  lte: BigFloat
  neq: BigFloat
  is: FilterIs
}

input BooleanFilter {
  eq: Boolean
  is: FilterIs
}

input SelectFilter {
  in: [String]
  is: FilterIs
}

input MultiSelectFilter {
  containsAny: [String]
  containsExactly: [String]
  is: FilterIs
  isEmptyArray: Boolean
}

input ArrayFilter {
  containsIlike: [String]
  contains: [String]
  not_contains: [String]
  is: FilterIs
  isEmptyArray: Boolean
}

input RawJsonFilter {
  is: FilterIs
  like: String
  containsJsonb: String
}
`

// sharedTypeNames are the names of the types every schema has, which no object may take.
func sharedTypeNames() []string {
	names := []string{"Query", "Mutation", "Subscription", "String", "Int", "Float", "Boolean", "ID",
		"UUID", "DateTime", "Date", "BigFloat", "Position", "JSON", "Cursor", "ConnectionCursor",
		"OrderByDirection", "FilterIs", "PageInfo", "UUIDFilter", "StringFilter", "DateTimeFilter",
		"DateFilter", "FloatFilter", "IntFilter", "BigFloatFilter", "BooleanFilter", "SelectFilter",
		"MultiSelectFilter", "ArrayFilter", "RawJsonFilter"}
	names = append(names, groupBySharedTypeNames...)
	for _, t := range compositeTypes() {
		n := pascal(string(t))
		names = append(names, n, n+"FilterInput", n+"OrderByInput", n+"CreateInput", n+"UpdateInput", n+"GroupByInput")
		for _, p := range t.Properties() {
			if e := compositeEnum(t, p); e != "" {
				names = append(names, e, e+"Filter")
			}
		}
	}
	return names
}

// compositeTypes are the composite field types, in Twenty's order.
func compositeTypes() []metadata.FieldType {
	var out []metadata.FieldType
	for _, t := range metadata.FieldTypes() {
		if t.IsComposite() {
			out = append(out, t)
		}
	}
	return out
}

// compositeEnum names the enum of a composite's SELECT sub-field (ActorSourceEnum), "" for other
// sub-fields.
func compositeEnum(t metadata.FieldType, p metadata.Property) string {
	if p.Type != metadata.TypeSelect || !enumableValues(p.Values) {
		return ""
	}
	return pascal(string(t)) + pascal(p.Name) + "Enum"
}

func enumableValues(values []string) bool {
	opts := make([]metadata.Option, len(values))
	for i, v := range values {
		opts[i] = metadata.Option{Value: v}
	}
	return enumable(opts)
}

// inputHidden reports whether a composite's sub-field is left out of its create and update
// inputs: an actor's workspaceMemberId and name, which the server sets (Twenty's hidden: 'input').
func inputHidden(t metadata.FieldType, p metadata.Property) bool {
	return t == metadata.TypeActor && (p.Name == "workspaceMemberId" || p.Name == "name")
}

// propertyScalar is the GraphQL type of a composite's sub-field value.
func propertyScalar(t metadata.FieldType, p metadata.Property) string {
	if e := compositeEnum(t, p); e != "" {
		return e
	}
	switch p.Type {
	case metadata.TypeRawJSON:
		return "JSON"
	case metadata.TypeNumeric:
		return "BigFloat"
	case metadata.TypeUUID:
		return "UUID"
	}
	return "String"
}

// propertyFilter is the filter input of a composite's sub-field.
func propertyFilter(t metadata.FieldType, p metadata.Property) string {
	if e := compositeEnum(t, p); e != "" {
		return e + "Filter"
	}
	switch p.Type {
	case metadata.TypeRawJSON:
		return "RawJsonFilter"
	case metadata.TypeNumeric:
		return "BigFloatFilter"
	case metadata.TypeUUID:
		return "UUIDFilter"
	}
	return "StringFilter"
}

// writeComposites writes the composite types: per type its object, its enums and their filters,
// and its filter, order-by, create and update inputs.
func writeComposites(b *strings.Builder) {
	for _, t := range compositeTypes() {
		n := pascal(string(t))
		props := t.Properties()
		for _, p := range props {
			if e := compositeEnum(t, p); e != "" {
				writeEnum(b, e, p.Values, nil)
				writeEnumFilter(b, e, true)
			}
		}
		b.WriteString("type " + n + " {\n")
		for _, p := range props {
			b.WriteString("  " + p.Name + ": " + propertyScalar(t, p) + "\n")
		}
		b.WriteString("}\n\ninput " + n + "FilterInput {\n")
		for _, p := range props {
			b.WriteString("  " + p.Name + ": " + propertyFilter(t, p) + "\n")
		}
		b.WriteString("}\n\ninput " + n + "OrderByInput {\n")
		for _, p := range props {
			b.WriteString("  " + p.Name + ": OrderByDirection\n")
		}
		b.WriteString("}\n")
		for _, kind := range []string{"CreateInput", "UpdateInput"} {
			b.WriteString("\ninput " + n + kind + " {\n")
			for _, p := range props {
				if !inputHidden(t, p) {
					b.WriteString("  " + p.Name + ": " + propertyScalar(t, p) + "\n")
				}
			}
			b.WriteString("}\n")
		}
		b.WriteString("\n")
		writeCompositeGroupBy(b, t)
	}
}

// writeEnum writes an enum of values, each described by its label when labels has one.
func writeEnum(b *strings.Builder, name string, values []string, labels []string) {
	b.WriteString("enum " + name + " {\n")
	for i, v := range values {
		if i < len(labels) {
			writeDescription(b, "  ", labels[i])
		}
		b.WriteString("  " + v + "\n")
	}
	b.WriteString("}\n\n")
}

// writeEnumFilter writes Twenty's filter of an enum (createGqlEnumFilterType in
// workspace-schema-builder/utils/create-gql-enum-filter-type.util.ts): {Enum}Filter, with the
// comparisons for a scalar enum.
func writeEnumFilter(b *strings.Builder, enum string, comparisons bool) {
	b.WriteString("input " + enum + "Filter {\n  eq: " + enum + "\n  neq: " + enum + "\n  in: [" + enum + "]\n  containsAny: [" +
		enum + "]\n  is: FilterIs\n  isEmptyArray: Boolean\n")
	if comparisons {
		b.WriteString("  gt: " + enum + "\n  gte: " + enum + "\n  lt: " + enum + "\n  lte: " + enum + "\n")
	}
	b.WriteString("}\n\n")
}

// writeDescription writes a description as a block string: on one line when the text is one
// line not ending with a quote, else on lines of its own, so that any text reads back as it is.
func writeDescription(b *strings.Builder, indent, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	text = strings.ReplaceAll(text, `"""`, `\"""`)
	if !strings.ContainsAny(text, "\r\n") && !strings.HasSuffix(text, `"`) {
		b.WriteString(indent + `"""` + text + `"""` + "\n")
		return
	}
	b.WriteString(indent + `"""` + "\n" + indent + strings.ReplaceAll(text, "\n", "\n"+indent) + "\n" + indent + `"""` + "\n")
}
