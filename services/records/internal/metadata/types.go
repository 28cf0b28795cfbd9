package metadata

// FieldType is the type of a field, spelled as Twenty's FieldMetadataType
// (packages/twenty-shared/src/types/FieldMetadataType.ts).
type FieldType string

// The field types. Composite types (see [FieldType.IsComposite]) are stored as several columns,
// one per [Property].
const (
	TypeUUID          FieldType = "UUID"
	TypeText          FieldType = "TEXT"
	TypePhones        FieldType = "PHONES"
	TypeEmails        FieldType = "EMAILS"
	TypeDateTime      FieldType = "DATE_TIME"
	TypeDate          FieldType = "DATE"
	TypeBoolean       FieldType = "BOOLEAN"
	TypeNumber        FieldType = "NUMBER"
	TypeNumeric       FieldType = "NUMERIC"
	TypeLinks         FieldType = "LINKS"
	TypeCurrency      FieldType = "CURRENCY"
	TypeFullName      FieldType = "FULL_NAME"
	TypeRating        FieldType = "RATING"
	TypeSelect        FieldType = "SELECT"
	TypeMultiSelect   FieldType = "MULTI_SELECT"
	TypeRelation      FieldType = "RELATION"
	TypeMorphRelation FieldType = "MORPH_RELATION"
	TypePosition      FieldType = "POSITION"
	TypeAddress       FieldType = "ADDRESS"
	TypeRawJSON       FieldType = "RAW_JSON"
	TypeRichText      FieldType = "RICH_TEXT"
	TypeRichTextV2    FieldType = "RICH_TEXT_V2"
	TypeActor         FieldType = "ACTOR"
	TypeArray         FieldType = "ARRAY"
	TypeTSVector      FieldType = "TS_VECTOR"
	TypeFiles         FieldType = "FILES"
)

// SQLType is the storage class of a column in a STRICT SQLite table.
type SQLType string

// The SQLite types columns use. JSON values are TEXT.
const (
	SQLText    SQLType = "TEXT"
	SQLInteger SQLType = "INTEGER"
	SQLReal    SQLType = "REAL"
	SQLBlob    SQLType = "BLOB"
)

// DefaultFunc is a column default computed when a row is inserted, as Twenty's function defaults
// ("now", "uuid").
type DefaultFunc string

const (
	// Now is the current time: an ISO-8601 UTC timestamp in [DateTimeLayout] for DATE_TIME, the
	// current date in [DateLayout] for DATE.
	Now DefaultFunc = "now"
	// NewUUID is a random (version 4) UUID in lower case.
	NewUUID DefaultFunc = "uuid"
)

// DateTimeLayout is how DATE_TIME values are stored: UTC, milliseconds, a literal Z, as
// JavaScript's toISOString and Twenty's API write them. Fixed width, so text order is time order.
// Format with t.UTC().Format(DateTimeLayout).
const DateTimeLayout = "2006-01-02T15:04:05.000Z"

// DateLayout is how DATE values are stored.
const DateLayout = "2006-01-02"

// Property is one sub-field of a composite type (Twenty's CompositeProperty).
type Property struct {
	// Name is the sub-field name in the API, e.g. "primaryEmail"; the column is the field name
	// followed by Name with its first letter upper-cased ("emailsPrimaryEmail").
	Name string
	// Type is the type of the sub-field's value.
	Type FieldType
	// SQLType is how the value is stored.
	SQLType SQLType
	// IsRequired makes the column NOT NULL when the field itself is not nullable.
	IsRequired bool
	// IsIncludedInUniqueConstraint puts the column in the unique index of a unique field.
	IsIncludedInUniqueConstraint bool
	// Default is the column default when the field has none (Twenty's per-type defaults): a
	// string, or nil for NULL.
	Default any
	// Values are the allowed values of a SELECT sub-field; nil when unconstrained.
	Values []string
}

// ActorSources are the values of an ACTOR field's source (Twenty's FieldActorSource).
var ActorSources = []string{"EMAIL", "CALENDAR", "WORKFLOW", "AGENT", "API", "IMPORT", "MANUAL", "SYSTEM", "WEBHOOK", "APPLICATION"}

// typeInfo is what the package knows about one field type.
type typeInfo struct {
	// sql is the column type of a simple (one-column) type.
	sql SQLType
	// properties are the sub-fields of a composite type, in Twenty's order.
	properties []Property
	// noColumn is set for types stored nowhere in the record's own table.
	noColumn bool
}

func textProp(name string) Property {
	return Property{Name: name, Type: TypeText, SQLType: SQLText, Default: ""}
}

func jsonProp(name string) Property {
	return Property{Name: name, Type: TypeRawJSON, SQLType: SQLText}
}

func uniqueText(p Property) Property {
	p.IsIncludedInUniqueConstraint = true
	return p
}

var types = map[FieldType]typeInfo{
	TypeUUID:        {sql: SQLText},
	TypeText:        {sql: SQLText},
	TypeDateTime:    {sql: SQLText},
	TypeDate:        {sql: SQLText},
	TypeBoolean:     {sql: SQLInteger},
	TypeNumber:      {sql: SQLReal},
	TypeNumeric:     {sql: SQLReal},
	TypeRating:      {sql: SQLText},
	TypeSelect:      {sql: SQLText},
	TypeMultiSelect: {sql: SQLText},
	TypePosition:    {sql: SQLReal},
	TypeRawJSON:     {sql: SQLText},
	TypeRichText:    {sql: SQLText},
	TypeArray:       {sql: SQLText},
	TypeFiles:       {sql: SQLText},
	// A MANY_TO_ONE relation is stored as a join column; ONE_TO_MANY has none (see Columns).
	TypeRelation:      {sql: SQLText},
	TypeMorphRelation: {sql: SQLText},
	// Full-text search is not a column here (see Columns).
	TypeTSVector: {noColumn: true},

	TypeFullName: {properties: []Property{textProp("firstName"), textProp("lastName")}},
	TypeEmails:   {properties: []Property{uniqueText(textProp("primaryEmail")), jsonProp("additionalEmails")}},
	TypeLinks: {properties: []Property{
		textProp("primaryLinkLabel"), uniqueText(textProp("primaryLinkUrl")), jsonProp("secondaryLinks"),
	}},
	TypePhones: {properties: []Property{
		uniqueText(textProp("primaryPhoneNumber")),
		uniqueText(textProp("primaryPhoneCountryCode")),
		uniqueText(textProp("primaryPhoneCallingCode")),
		jsonProp("additionalPhones"),
	}},
	TypeCurrency: {properties: []Property{
		// Micros (1 unit = 1,000,000) are integers. Twenty keeps them in a PostgreSQL numeric;
		// INTEGER sorts and sums exactly up to 2^63, but D1 hands numbers to JavaScript, so
		// amounts are exact up to 2^53 micros (about 9 billion units).
		{Name: "amountMicros", Type: TypeNumeric, SQLType: SQLInteger},
		textProp("currencyCode"),
	}},
	TypeAddress: {properties: []Property{
		textProp("addressStreet1"), textProp("addressStreet2"), textProp("addressStreet3"),
		textProp("addressCity"), textProp("addressPostcode"), textProp("addressState"),
		textProp("addressCountry"),
		{Name: "addressLat", Type: TypeNumeric, SQLType: SQLReal},
		{Name: "addressLng", Type: TypeNumeric, SQLType: SQLReal},
	}},
	TypeActor: {properties: []Property{
		{Name: "source", Type: TypeSelect, SQLType: SQLText, IsRequired: true, Default: "MANUAL", Values: ActorSources},
		{Name: "workspaceMemberId", Type: TypeUUID, SQLType: SQLText},
		{Name: "name", Type: TypeText, SQLType: SQLText, IsRequired: true, Default: "System"},
		jsonProp("context"),
	}},
	TypeRichTextV2: {properties: []Property{
		{Name: "blocknote", Type: TypeText, SQLType: SQLText},
		{Name: "markdown", Type: TypeText, SQLType: SQLText},
	}},
}

// FieldTypes returns every field type, in Twenty's order.
func FieldTypes() []FieldType {
	return []FieldType{
		TypeUUID, TypeText, TypePhones, TypeEmails, TypeDateTime, TypeDate, TypeBoolean, TypeNumber,
		TypeNumeric, TypeLinks, TypeCurrency, TypeFullName, TypeRating, TypeSelect, TypeMultiSelect,
		TypeRelation, TypeMorphRelation, TypePosition, TypeAddress, TypeRawJSON, TypeRichText,
		TypeRichTextV2, TypeActor, TypeArray, TypeTSVector, TypeFiles,
	}
}

// IsValid reports whether t is a known field type.
func (t FieldType) IsValid() bool {
	_, ok := types[t]
	return ok
}

// IsComposite reports whether t is stored as several columns (FULL_NAME, EMAILS, PHONES, LINKS,
// CURRENCY, ADDRESS, ACTOR, RICH_TEXT_V2).
func (t FieldType) IsComposite() bool {
	return len(types[t].properties) > 0
}

// IsRelation reports whether t is RELATION or MORPH_RELATION.
func (t FieldType) IsRelation() bool {
	return t == TypeRelation || t == TypeMorphRelation
}

// Properties returns the sub-fields of a composite type, in Twenty's order, or nil.
func (t FieldType) Properties() []Property {
	ps := types[t].properties
	if ps == nil {
		return nil
	}
	out := make([]Property, len(ps))
	copy(out, ps)
	return out
}

// Option is one choice of a SELECT, MULTI_SELECT or RATING field.
type Option struct {
	// ID identifies the option across renames of its value.
	ID       string
	Value    string
	Label    string
	Color    string
	Position int
}

// RatingOptions are the options of a RATING field, RATING_1 to RATING_5, as Twenty generates them.
func RatingOptions() []Option {
	opts := make([]Option, 5)
	for i := range opts {
		v := "RATING_" + string(rune('1'+i))
		opts[i] = Option{Value: v, Label: string(rune('1' + i)), Position: i}
	}
	return opts
}

// RelationType is the cardinality of a relation field, seen from the field's object.
type RelationType string

// The relation types. A MANY_TO_ONE field holds the join column <name>Id; its ONE_TO_MANY
// inverse on the target object has no column.
const (
	ManyToOne RelationType = "MANY_TO_ONE"
	OneToMany RelationType = "ONE_TO_MANY"
)

// OnDeleteAction is what happens to a MANY_TO_ONE join column when the target row is destroyed
// (hard-deleted). Soft deletes (deletedAt) never trigger it.
type OnDeleteAction string

// The on-delete actions, as Twenty's RelationOnDeleteAction.
const (
	Cascade  OnDeleteAction = "CASCADE"
	SetNull  OnDeleteAction = "SET_NULL"
	Restrict OnDeleteAction = "RESTRICT"
	NoAction OnDeleteAction = "NO_ACTION"
)

// Relation describes the relation of a RELATION or MORPH_RELATION field (Twenty keeps it in the
// field's settings and its relationTarget* columns).
type Relation struct {
	Type RelationType
	// TargetObjectNameSingular is the object on the other side.
	TargetObjectNameSingular string
	// TargetFieldName is the inverse field on the target object.
	TargetFieldName string
	// OnDelete applies to MANY_TO_ONE; empty means SET_NULL, Twenty's default.
	OnDelete OnDeleteAction
	// MorphID groups the fields of one MORPH_RELATION.
	MorphID string
	// TargetObjectMetadataID and TargetFieldMetadataID are the metadata ids of the other side,
	// once ids are assigned.
	TargetObjectMetadataID string
	TargetFieldMetadataID  string
}

// EffectiveOnDelete returns OnDelete, or SET_NULL when it is empty.
func (r Relation) EffectiveOnDelete() OnDeleteAction {
	if r.OnDelete == "" {
		return SetNull
	}
	return r.OnDelete
}
