package metadata

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// Column is one SQL column of an object's table.
type Column struct {
	// Name is the column name: the field name, field + SubField for a composite, <field>Id for a
	// MANY_TO_ONE relation.
	Name string
	// Field is the name of the field the column belongs to.
	Field string
	// Property is the composite sub-field the column holds, or "".
	Property string
	// Type is the type of the value in the column: the field's type, a sub-field's type, or
	// UUID for a join column.
	Type FieldType
	// SQLType is the column's type in the STRICT table.
	SQLType SQLType
	// Nullable is false for NOT NULL columns.
	Nullable bool
	// Default is the value of the column when an insert leaves it out: nil (NULL), a string, an
	// int64, a float64 or a DefaultFunc.
	Default any
	// Values are the allowed values (SELECT, RATING, an actor's source); nil when unconstrained.
	Values []string
	// References is set on the join column of a MANY_TO_ONE relation.
	References *Reference
	// Unique is set on the columns of a unique field that its unique index covers (see
	// [UniqueColumns]). A unique text column holds NULL, never "", for no value and has no
	// default, as Twenty's unique fields have none: SQLite's unique indexes let NULLs repeat, so
	// the index needs no WHERE clause and also serves lookups (SQLite would not use a partial
	// index excluding "" for c = 'x').
	Unique bool
}

// Reference is the foreign key of a join column.
type Reference struct {
	// Object is the nameSingular of the target object; the key is its id.
	Object   string
	OnDelete OnDeleteAction
}

// Columns returns the SQL columns of f, flattened as Twenty flattens them:
//
//   - a simple field is one column named like the field;
//   - a composite field is one column per sub-field, named field + SubField
//     (emails → emailsPrimaryEmail, emailsAdditionalEmails);
//   - a MANY_TO_ONE relation (RELATION or MORPH_RELATION) is its join column <name>Id,
//     a foreign key to the target's id; a ONE_TO_MANY relation has no column;
//   - a TS_VECTOR (searchVector) has no column: D1 has no tsvector, so full-text search is
//     computed from the searchable fields instead (FTS5 or LIKE, decided by the query engine).
//
// Defaults come from the field's DefaultValue, else from Twenty's per-type defaults: "" for
// text and for the text sub-fields of composites (but not of unique fields, see Column.Unique),
// MANUAL and System for an actor, a random UUID for id.
//
// A field that fails [ValidateField] may give columns without their default.
func Columns(f Field) []Column {
	cols, _ := columns(f)
	return cols
}

// columns is Columns, also reporting a default value it could not convert.
func columns(f Field) ([]Column, error) {
	info, ok := types[f.Type]
	if !ok || info.noColumn {
		return nil, nil
	}
	if f.Type.IsRelation() {
		if !f.IsManyToOne() {
			return nil, nil
		}
		return []Column{{
			Name:       f.JoinColumnName(),
			Field:      f.Name,
			Type:       TypeUUID,
			SQLType:    SQLText,
			Nullable:   f.IsNullable,
			References: &Reference{Object: f.Relation.TargetObjectNameSingular, OnDelete: f.Relation.EffectiveOnDelete()},
		}}, nil
	}
	if len(info.properties) == 0 {
		c := Column{
			Name:     f.Name,
			Field:    f.Name,
			Type:     f.Type,
			SQLType:  info.sql,
			Nullable: f.IsNullable && f.Name != "id",
			Values:   optionValues(f),
		}
		def, err := columnDefault(c, f.DefaultValue)
		c.Default = def
		cols := []Column{c}
		markUnique(f, cols, nil)
		return cols, err
	}
	var defaults map[string]any
	if f.DefaultValue != nil {
		m, ok := f.DefaultValue.(map[string]any)
		if !ok {
			return compositeColumns(f, info.properties), fmt.Errorf("default of %s field %q: want an object keyed by sub-field, got %T", f.Type, f.Name, f.DefaultValue)
		}
		defaults = m
	}
	cols := compositeColumns(f, info.properties)
	var firstErr error
	for i, p := range info.properties {
		v, ok := defaults[p.Name]
		if !ok {
			continue
		}
		def, err := columnDefault(cols[i], v)
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("sub-field %s: %w", p.Name, err)
		}
		cols[i].Default = def
	}
	for _, p := range slices.Sorted(maps.Keys(defaults)) {
		if !hasProperty(info.properties, p) && firstErr == nil {
			firstErr = fmt.Errorf("default of %s field %q: unknown sub-field %q", f.Type, f.Name, p)
		}
	}
	markUnique(f, cols, info.properties)
	return cols, firstErr
}

// uniqueTypes are the simple types a unique field may have.
var uniqueTypes = map[FieldType]bool{
	TypeUUID: true, TypeText: true, TypeDateTime: true, TypeDate: true, TypeNumber: true,
	TypeNumeric: true, TypeSelect: true, TypeRating: true,
}

// canBeUnique reports whether a field of type t can be unique: a simple type in uniqueTypes, or a
// composite with sub-fields Twenty includes in unique constraints.
func canBeUnique(t FieldType) bool {
	return uniqueTypes[t] || slices.ContainsFunc(types[t].properties, func(p Property) bool { return p.IsIncludedInUniqueConstraint })
}

// markUnique sets Unique on the columns of a unique field its index covers (all of a simple
// field's, the included sub-fields of a composite) and drops the "" default of their text ones.
func markUnique(f Field, cols []Column, ps []Property) {
	if !f.IsUnique || !canBeUnique(f.Type) {
		return
	}
	for i := range cols {
		if ps != nil && !ps[i].IsIncludedInUniqueConstraint {
			continue
		}
		cols[i].Unique = true
		if cols[i].Type == TypeText && cols[i].Default == "" {
			cols[i].Default = nil
		}
	}
}

// UniqueColumns returns the columns a unique field's unique index covers, or nil if f is not
// unique. For composites these are the sub-fields Twenty includes in unique constraints
// (emailsPrimaryEmail, domainNamePrimaryLinkUrl, the three primary phone columns).
func UniqueColumns(f Field) []Column {
	var out []Column
	for _, c := range Columns(f) {
		if c.Unique {
			out = append(out, c)
		}
	}
	return out
}

func hasProperty(ps []Property, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

// compositeColumns returns one column per property with the property's own default.
func compositeColumns(f Field, ps []Property) []Column {
	cols := make([]Column, len(ps))
	for i, p := range ps {
		cols[i] = Column{
			Name:     compositeColumnName(f.Name, p.Name),
			Field:    f.Name,
			Property: p.Name,
			Type:     p.Type,
			SQLType:  p.SQLType,
			Nullable: f.IsNullable || !p.IsRequired,
			Default:  p.Default,
			Values:   p.Values,
		}
	}
	return cols
}

// optionValues returns the values a SELECT or RATING column may hold.
func optionValues(f Field) []string {
	if f.Type != TypeSelect && f.Type != TypeRating {
		return nil
	}
	opts := f.Options
	if f.Type == TypeRating && len(opts) == 0 {
		opts = RatingOptions()
	}
	vals := make([]string, len(opts))
	for i, o := range opts {
		vals[i] = o.Value
	}
	return vals
}

// columnDefault converts a default value in Twenty's notation to the column's default. A nil
// value gives the type's default: "" for TEXT, nil otherwise.
func columnDefault(c Column, v any) (any, error) {
	if v == nil {
		if c.Type == TypeText && c.Property == "" {
			return "", nil
		}
		if c.Name == "id" && c.Type == TypeUUID {
			return NewUUID, nil
		}
		return nil, nil
	}
	switch v := v.(type) {
	case DefaultFunc:
		return checkFunc(c, v)
	case string:
		if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = v[1 : len(v)-1]
		} else if v == string(Now) || v == string(NewUUID) {
			return checkFunc(c, DefaultFunc(v))
		}
		switch c.Type {
		case TypeText, TypeRichText, TypeUUID, TypeSelect, TypeRating, TypeDateTime, TypeDate:
			return v, nil
		case TypeRawJSON:
			if !json.Valid([]byte(v)) {
				return nil, fmt.Errorf("default %q is not JSON", v)
			}
			return v, nil
		}
		return nil, fmt.Errorf("default %q does not fit a %s column", v, c.Type)
	case bool:
		if c.Type != TypeBoolean {
			return nil, fmt.Errorf("default %v does not fit a %s column", v, c.Type)
		}
		if v {
			return int64(1), nil
		}
		return int64(0), nil
	case int:
		return numberDefault(c, float64(v))
	case int64:
		return numberDefault(c, float64(v))
	case float64:
		return numberDefault(c, v)
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return nil, fmt.Errorf("default %s: %w", v, err)
		}
		return numberDefault(c, f)
	case []string:
		return arrayDefault(c, v)
	case []any:
		ss := make([]string, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("default %v: element %d is %T, want a string", v, i, e)
			}
			ss[i] = s
		}
		return arrayDefault(c, ss)
	case map[string]any:
		if c.Type != TypeRawJSON {
			return nil, fmt.Errorf("default %v does not fit a %s column", v, c.Type)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("default %v: %w", v, err)
		}
		return string(b), nil
	}
	return nil, fmt.Errorf("default of type %T is not supported", v)
}

func checkFunc(c Column, fn DefaultFunc) (any, error) {
	switch {
	case fn == Now && (c.Type == TypeDateTime || c.Type == TypeDate):
		return Now, nil
	case fn == NewUUID && c.Type == TypeUUID:
		return NewUUID, nil
	}
	return nil, fmt.Errorf("default %q does not fit a %s column", fn, c.Type)
}

func numberDefault(c Column, f float64) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("default %v is not a finite number", f)
	}
	switch c.SQLType {
	case SQLReal:
		return f, nil
	case SQLInteger:
		if c.Type == TypeBoolean {
			break
		}
		if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return nil, fmt.Errorf("default %v is not an integer", f)
		}
		return int64(f), nil
	}
	return nil, fmt.Errorf("default %v does not fit a %s column", f, c.Type)
}

// arrayDefault encodes a MULTI_SELECT or ARRAY default, a list of quoted values, as a JSON array.
func arrayDefault(c Column, vals []string) (any, error) {
	if c.Type != TypeMultiSelect && c.Type != TypeArray {
		return nil, fmt.Errorf("default %q does not fit a %s column", vals, c.Type)
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.TrimSuffix(strings.TrimPrefix(v, "'"), "'")
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}
