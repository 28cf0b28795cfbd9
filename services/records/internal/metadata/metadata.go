// Package metadata is Twenty's data model as the records Worker keeps it: objects, their fields,
// the field types, and how each field is flattened into the columns of a D1 (SQLite) table.
//
// Names follow Twenty's object and field metadata (the shapes /rest/metadata returns), and the
// columns are named as Twenty's PostgreSQL columns: a simple field is one column named like the
// field; a composite field is one column per sub-field, named field + SubField
// (name → nameFirstName, nameLastName); a MANY_TO_ONE relation is its join column <name>Id.
//
// [StandardObjects] returns Twenty's standard objects; [CustomObject] a new custom object with
// Twenty's default fields. [ValidateObject], [ValidateField] and [ValidateSchema] check names,
// types, options and relations, and D1's limit of [MaxColumns] columns per table.
package metadata

import "strings"

// Object is an object (a record type): Twenty's object metadata.
type Object struct {
	ID            string
	NameSingular  string
	NamePlural    string
	LabelSingular string
	LabelPlural   string
	Description   string
	Icon          string
	IsCustom      bool
	IsActive      bool
	IsSystem      bool
	IsRemote      bool
	IsSearchable  bool
	// LabelIdentifierFieldMetadataID and ImageIdentifierFieldMetadataID point at the fields that
	// name and picture a record, once ids are assigned.
	LabelIdentifierFieldMetadataID string
	ImageIdentifierFieldMetadataID string
	// Fields are the object's fields. Their order is the order of the table's columns.
	Fields []Field
}

// Field is a field of an object: Twenty's field metadata.
type Field struct {
	ID               string
	ObjectMetadataID string
	Type             FieldType
	// Name is the field's API name, in camelCase.
	Name        string
	Label       string
	Description string
	Icon        string
	IsCustom    bool
	IsActive    bool
	IsSystem    bool
	IsNullable  bool
	IsUnique    bool
	// DefaultValue is Twenty's default value, in Twenty's notation: text and select values
	// quoted in single quotes ("'NEW'", "''"), "now" or "uuid" for function defaults, numbers and
	// booleans as they are, a []string of quoted values for MULTI_SELECT and ARRAY, and a
	// map[string]any keyed by sub-field for composites. Nil means the type's default (Twenty's
	// rule: "" for text, e.g.).
	DefaultValue any
	// Options are the choices of a SELECT, MULTI_SELECT or RATING field.
	Options []Option
	// Settings are Twenty's other per-type settings (displayFormat, dataType, …), kept as they are.
	Settings map[string]any
	// Relation is set for RELATION and MORPH_RELATION fields.
	Relation *Relation
}

// Field returns the field named name.
func (o Object) Field(name string) (Field, bool) {
	for i := range o.Fields { // by index: a Field is large to copy
		if o.Fields[i].Name == name {
			return o.Fields[i], true
		}
	}
	return Field{}, false
}

// Columns returns the columns of the object's table, in field order.
func (o Object) Columns() []Column {
	var cols []Column
	for _, f := range o.Fields {
		cols = append(cols, Columns(f)...)
	}
	return cols
}

// JoinColumnName returns the column holding the id a MANY_TO_ONE relation points at: the field
// name followed by "Id" (companyId).
func (f Field) JoinColumnName() string {
	return f.Name + "Id"
}

// MorphFieldName names the field a MORPH_RELATION named name keeps for one of its targets, as
// Twenty's computeMorphRelationFieldName: the name followed by the target's singular name for a
// MANY_TO_ONE relation (target + person = targetPerson), its plural one for a ONE_TO_MANY.
func MorphFieldName(name string, t RelationType, target Object) string {
	if t == OneToMany {
		return name + UpperFirst(target.NamePlural)
	}
	return name + UpperFirst(target.NameSingular)
}

// IsManyToOne reports whether f is a relation that holds a join column.
func (f Field) IsManyToOne() bool {
	return f.Type.IsRelation() && f.Relation != nil && f.Relation.Type == ManyToOne
}

// compositeColumnName names the column of sub-field p of a field: field name + p with its first
// letter upper-cased, as Twenty's computeCompositeColumnName.
func compositeColumnName(field, property string) string {
	return field + UpperFirst(property)
}

// UpperFirst is s with its first letter upper-cased, as Twenty's capitalize (person → Person,
// createPerson): the names of columns, GraphQL types and resolvers, aggregates and schemas.
func UpperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
