package engine

import (
	"slices"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// target is the column a filter condition or an ordering key resolves to.
type target struct {
	// field is the field the column belongs to.
	field metadata.Field
	// prop is the composite sub-field the column holds, or nil.
	prop *metadata.Property
	// column is the column.
	column metadata.Column
	// path names the target as Twenty's messages do: "position", "name.firstName", or a join
	// column, "companyId".
	path string
	// opType is the type that decides the allowed operators and how values are typed: the
	// field's type, a sub-field's type, or RELATION for a join column.
	opType metadata.FieldType
}

// simpleTarget returns the target of a field stored in one column (a simple field, or the join
// column of a MANY_TO_ONE relation when joinColumn is set).
func simpleTarget(f metadata.Field, joinColumn bool) (target, bool) {
	cols := metadata.ReadColumns(f)
	if len(cols) != 1 {
		return target{}, false
	}
	path := f.Name
	if joinColumn {
		path = f.JoinColumnName()
	}
	return target{field: f, column: cols[0], path: path, opType: f.Type}, true
}

// subFieldTarget returns the target of sub-field name of composite field f.
func subFieldTarget(f metadata.Field, name string) (target, bool) {
	props := f.Type.Properties()
	i := slices.IndexFunc(props, func(p metadata.Property) bool { return p.Name == name })
	if i < 0 {
		return target{}, false
	}
	cols := metadata.ReadColumns(f)
	p := props[i]
	return target{field: f, prop: &p, column: cols[i], path: f.Name + "." + name, opType: p.Type}, true
}

// joinColumnField returns the MANY_TO_ONE relation field whose join column is named name.
func joinColumnField(o metadata.Object, name string) (metadata.Field, bool) {
	for _, f := range o.Fields {
		if f.IsManyToOne() && f.JoinColumnName() == name {
			return f, true
		}
	}
	return metadata.Field{}, false
}

// nullEquivalent returns the SQL literal Twenty treats as equal to NULL in t's column (its
// DEFAULT_*_NULL_EQUIVALENT_VALUE and findPostgresDefaultNullEquivalentValue): ” for text, '[]'
// for the JSON arrays of MULTI_SELECT and ARRAY fields and of composites, or "" for none. An
// "is NULL" filter also matches it, and so do eq, like and ilike with an empty value.
func (t target) nullEquivalent() (literal string, isText bool) {
	if t.prop == nil {
		switch t.field.Type {
		case metadata.TypeText:
			return "''", true
		case metadata.TypeMultiSelect, metadata.TypeArray:
			return "'[]'", false
		}
		return "", false
	}
	switch t.field.Type {
	case metadata.TypeAddress:
		switch t.prop.Name {
		case "addressStreet1", "addressStreet2", "addressCity", "addressState", "addressPostcode", "addressCountry":
			return "''", true
		}
	case metadata.TypeEmails:
		switch t.prop.Name {
		case "primaryEmail":
			return "''", true
		case "additionalEmails":
			return "'[]'", false
		}
	case metadata.TypeLinks:
		switch t.prop.Name {
		case "primaryLinkUrl", "primaryLinkLabel":
			return "''", true
		case "secondaryLinks":
			return "'[]'", false
		}
	case metadata.TypePhones:
		switch t.prop.Name {
		case "primaryPhoneNumber", "primaryPhoneCountryCode", "primaryPhoneCallingCode":
			return "''", true
		case "additionalPhones":
			return "'[]'", false
		}
	case metadata.TypeFullName:
		return "''", true
	case metadata.TypeActor:
		if t.prop.Name == "name" {
			return "''", true
		}
	}
	return "", false
}

// Operators by field type, as Twenty's filter-operators.constant.ts lists them (the lists its
// messages show). ARRAY also takes containsAny here, as MULTI_SELECT does.
var (
	stringOps      = []string{"eq", "neq", "gt", "gte", "lt", "lte", "in", "is", "like", "ilike", "startsWith", "endsWith"}
	numberOps      = []string{"eq", "neq", "gt", "gte", "lt", "lte", "in", "is"}
	booleanOps     = []string{"eq", "is"}
	arrayOps       = []string{"containsAny", "containsIlike", "is", "isEmptyArray"}
	multiSelectOps = []string{"containsAny", "is", "isEmptyArray"}
	enumOps        = []string{"eq", "neq", "in", "containsAny", "is", "isEmptyArray"}
	rawJSONOps     = []string{"is", "like"}
	richTextOps    = []string{"ilike"}
	compositeOps   = []string{"eq", "neq", "is"}
)

// allowedOps returns the operators a field of type t takes (get-operators-for-field-type.util.ts).
func allowedOps(t metadata.FieldType) []string {
	switch t {
	case metadata.TypeText:
		return stringOps
	case metadata.TypeNumber, metadata.TypeNumeric, metadata.TypePosition,
		metadata.TypeDate, metadata.TypeDateTime,
		metadata.TypeUUID, metadata.TypeRelation, metadata.TypeMorphRelation:
		return numberOps
	case metadata.TypeBoolean:
		return booleanOps
	case metadata.TypeArray:
		return arrayOps
	case metadata.TypeMultiSelect:
		return multiSelectOps
	case metadata.TypeSelect, metadata.TypeRating:
		return enumOps
	case metadata.TypeRawJSON, metadata.TypeFiles:
		return rawJSONOps
	case metadata.TypeRichText:
		return richTextOps
	}
	return compositeOps
}

// checkOp returns Twenty's error unless op is allowed on t.
func checkOp(t target, op recordquery.Op) error {
	ops := allowedOps(t.opType)
	if !slices.Contains(ops, string(op)) {
		return msgOperatorNotAllowed(string(op), t.path, string(t.opType), ops)
	}
	return nil
}
