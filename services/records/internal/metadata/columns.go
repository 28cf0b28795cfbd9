package metadata

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
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

// columns is Columns, also reporting a default value it could not convert: the field's shape
// (see shapeColumns) with each column's Values and Default.
func columns(f Field) ([]Column, error) {
	cols := shapeColumns(shapeOf(f))
	if len(cols) == 0 || f.Type.IsRelation() {
		return cols, nil
	}
	info := types[f.Type]
	if len(info.properties) == 0 {
		cols[0].Values = optionValues(f)
		def, err := columnDefault(cols[0], f.DefaultValue)
		cols[0].Default = def
		dropUniqueTextDefaults(cols)
		return cols, err
	}
	for i, p := range info.properties {
		cols[i].Default, cols[i].Values = p.Default, p.Values
	}
	if f.DefaultValue == nil {
		dropUniqueTextDefaults(cols)
		return cols, nil
	}
	defaults, ok := f.DefaultValue.(map[string]any)
	if !ok {
		dropUniqueTextDefaults(cols)
		return cols, fmt.Errorf("default of %s field %q: want an object keyed by sub-field, got %T", f.Type, f.Name, f.DefaultValue)
	}
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
	if firstErr == nil && len(defaults) > 0 {
		for _, p := range slices.Sorted(maps.Keys(defaults)) {
			if !hasProperty(info.properties, p) {
				firstErr = fmt.Errorf("default of %s field %q: unknown sub-field %q", f.Type, f.Name, p)
				break
			}
		}
	}
	dropUniqueTextDefaults(cols)
	return cols, firstErr
}

// fieldShape is everything about a field its columns' names, types, nullability, uniqueness and
// foreign key depend on: the inputs of shapeColumns. It is a comparable value, copied out of the
// field, so a cache keyed by it can never answer for a field that has changed since: a field
// whose shape changed (renamed, made nullable, pointed elsewhere…) has another key.
type fieldShape struct {
	name     string
	typ      FieldType
	nullable bool
	unique   bool
	// manyToOne, target and onDelete are set for a relation that holds a join column, and only
	// then: a relation field's other settings, and any field's Relation, do not change columns.
	manyToOne bool
	target    string
	onDelete  OnDeleteAction
}

// shapeOf returns the shape of f.
func shapeOf(f Field) fieldShape {
	s := fieldShape{name: f.Name, typ: f.Type, nullable: f.IsNullable, unique: f.IsUnique}
	if f.Type.IsRelation() && f.IsManyToOne() {
		s.manyToOne, s.target, s.onDelete = true, f.Relation.TargetObjectNameSingular, f.Relation.EffectiveOnDelete()
	}
	return s
}

// shapeColumns returns, in a new slice, the columns of a field of shape s without their Default
// and Values (see Columns for the flattening). It reads nothing but s.
func shapeColumns(s fieldShape) []Column {
	info, ok := types[s.typ]
	if !ok || info.noColumn {
		return nil
	}
	if s.typ.IsRelation() {
		if !s.manyToOne {
			return nil
		}
		return []Column{{
			Name:       s.name + "Id",
			Field:      s.name,
			Type:       TypeUUID,
			SQLType:    SQLText,
			Nullable:   s.nullable,
			References: &Reference{Object: s.target, OnDelete: s.onDelete},
		}}
	}
	isUnique := s.unique && canBeUnique(s.typ)
	if len(info.properties) == 0 {
		return []Column{{
			Name:     s.name,
			Field:    s.name,
			Type:     s.typ,
			SQLType:  info.sql,
			Nullable: s.nullable && s.name != "id",
			Unique:   isUnique,
		}}
	}
	cols := make([]Column, len(info.properties))
	for i, p := range info.properties {
		cols[i] = Column{
			Name:     compositeColumnName(s.name, p.Name),
			Field:    s.name,
			Property: p.Name,
			Type:     p.Type,
			SQLType:  p.SQLType,
			Nullable: s.nullable || !p.IsRequired,
			Unique:   isUnique && p.IsIncludedInUniqueConstraint,
		}
	}
	return cols
}

// ReadColumns returns the columns of f as [Columns] does, without their Default and Values:
// what reading records needs (names, types, nullability), and all of it the query engine asks
// for on every request. Unlike Columns, it is computed once per distinct field shape and then
// remembered, so a warm request computes no columns.
//
// Why a cache keyed by content: metadata objects are values that are copied and changed (a
// metadata mutation copies an object, changes a field, then computes its columns and DDL), so
// nothing about an Object or a Field, not even the address of its Fields, tells that it is
// unchanged. The cache key is instead the part of the field the answer depends on (name, type,
// nullable, unique, a join column's target and ON DELETE), copied into a comparable value, and
// the answer is computed from that key alone: a changed field has another key, so the cache
// cannot answer stale columns, whoever changes what. Defaults and option values, which depend
// on non-comparable settings, are left to Columns, which the write and DDL paths use.
//
// The returned slice is shared by every caller (its capacity is its length, so appending to it
// copies): it must not be modified. Safe for concurrent use.
func ReadColumns(f Field) []Column {
	s := shapeOf(f)
	readColumnsCache.mu.RLock()
	cols, ok := readColumnsCache.m[s]
	readColumnsCache.mu.RUnlock()
	if ok {
		return cols
	}
	cols = shapeColumns(s)
	cols = cols[:len(cols):len(cols)]
	readColumnsCache.mu.Lock()
	defer readColumnsCache.mu.Unlock()
	if readColumnsCache.m == nil || len(readColumnsCache.m) >= maxReadColumnsCache {
		readColumnsCache.m = make(map[fieldShape][]Column)
	}
	readColumnsCache.m[s] = cols
	return cols
}

// maxReadColumnsCache bounds ReadColumns's cache: an isolate serving many workspaces with
// custom fields sees many shapes; past the bound the cache starts afresh.
const maxReadColumnsCache = 1 << 14

var readColumnsCache struct {
	mu sync.RWMutex
	m  map[fieldShape][]Column
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

// dropUniqueTextDefaults drops the "" default of the unique text columns of a field (see
// Column.Unique).
func dropUniqueTextDefaults(cols []Column) {
	for i := range cols {
		if cols[i].Unique && cols[i].Type == TypeText && cols[i].Default == "" {
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
