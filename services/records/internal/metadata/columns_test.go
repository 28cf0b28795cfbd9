package metadata

import (
	"encoding/json"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func field(t FieldType, name string) Field {
	return Field{Type: t, Name: name, Label: name, IsActive: true, IsNullable: true}
}

func unique(f Field) Field {
	f.IsUnique = true
	return f
}

func TestColumns(t *testing.T) {
	text := func(name, field, property string) Column {
		return Column{Name: name, Field: field, Property: property, Type: TypeText, SQLType: SQLText, Nullable: true, Default: ""}
	}
	json := func(name, field, property string) Column {
		return Column{Name: name, Field: field, Property: property, Type: TypeRawJSON, SQLType: SQLText, Nullable: true}
	}
	simple := func(name string, typ FieldType, sql SQLType) Column {
		return Column{Name: name, Field: name, Type: typ, SQLType: sql, Nullable: true}
	}
	stage := field(TypeSelect, "stage")
	stage.IsNullable = false
	stage.DefaultValue = "'NEW'"
	stage.Options = []Option{{Value: "NEW", Label: "New"}, {Value: "WON", Label: "Won"}}
	createdBy := field(TypeActor, "createdBy")
	createdBy.IsNullable = false
	createdBy.DefaultValue = map[string]any{"source": "'MANUAL'", "name": "'System'", "workspaceMemberId": nil}
	company := field(TypeRelation, "company")
	company.Relation = &Relation{Type: ManyToOne, TargetObjectNameSingular: "company", TargetFieldName: "people", OnDelete: SetNull}
	people := field(TypeRelation, "people")
	people.Relation = &Relation{Type: OneToMany, TargetObjectNameSingular: "person", TargetFieldName: "company"}
	target := field(TypeMorphRelation, "targetPerson")
	target.Relation = &Relation{Type: ManyToOne, TargetObjectNameSingular: "person", TargetFieldName: "timelineActivities", OnDelete: Cascade, MorphID: "m"}
	id := field(TypeUUID, "id")
	id.IsNullable = false
	id.DefaultValue = "uuid"
	createdAt := field(TypeDateTime, "createdAt")
	createdAt.IsNullable = false
	createdAt.DefaultValue = "now"
	done := field(TypeBoolean, "done")
	done.IsNullable = false
	done.DefaultValue = false
	tags := field(TypeMultiSelect, "tags")
	tags.Options = []Option{{Value: "A", Label: "A"}, {Value: "B", Label: "B"}}
	tags.DefaultValue = []string{"'A'"}
	position := field(TypePosition, "position")
	position.IsNullable = false
	position.DefaultValue = 0

	tests := []struct {
		field Field
		want  []Column
	}{
		{id, []Column{{Name: "id", Field: "id", Type: TypeUUID, SQLType: SQLText, Default: NewUUID}}},
		{field(TypeText, "jobTitle"), []Column{text("jobTitle", "jobTitle", "")}},
		{field(TypeUUID, "userId"), []Column{simple("userId", TypeUUID, SQLText)}},
		{createdAt, []Column{{Name: "createdAt", Field: "createdAt", Type: TypeDateTime, SQLType: SQLText, Default: Now}}},
		{field(TypeDate, "birthday"), []Column{simple("birthday", TypeDate, SQLText)}},
		{done, []Column{{Name: "done", Field: "done", Type: TypeBoolean, SQLType: SQLInteger, Default: int64(0)}}},
		{field(TypeNumber, "employees"), []Column{simple("employees", TypeNumber, SQLReal)}},
		{field(TypeNumeric, "score"), []Column{simple("score", TypeNumeric, SQLReal)}},
		{position, []Column{{Name: "position", Field: "position", Type: TypePosition, SQLType: SQLReal, Default: float64(0)}}},
		{field(TypeRawJSON, "properties"), []Column{simple("properties", TypeRawJSON, SQLText)}},
		{field(TypeRichText, "body"), []Column{simple("body", TypeRichText, SQLText)}},
		{field(TypeArray, "scopes"), []Column{simple("scopes", TypeArray, SQLText)}},
		{field(TypeFiles, "avatarFile"), []Column{simple("avatarFile", TypeFiles, SQLText)}},
		{field(TypeTSVector, "searchVector"), nil},
		{stage, []Column{{Name: "stage", Field: "stage", Type: TypeSelect, SQLType: SQLText, Default: "NEW", Values: []string{"NEW", "WON"}}}},
		{field(TypeRating, "rating"), []Column{{Name: "rating", Field: "rating", Type: TypeRating, SQLType: SQLText, Nullable: true,
			Values: []string{"RATING_1", "RATING_2", "RATING_3", "RATING_4", "RATING_5"}}}},
		{tags, []Column{{Name: "tags", Field: "tags", Type: TypeMultiSelect, SQLType: SQLText, Nullable: true, Default: `["A"]`}}},
		{company, []Column{{Name: "companyId", Field: "company", Type: TypeUUID, SQLType: SQLText, Nullable: true,
			References: &Reference{Object: "company", OnDelete: SetNull}}}},
		{people, nil},
		{target, []Column{{Name: "targetPersonId", Field: "targetPerson", Type: TypeUUID, SQLType: SQLText, Nullable: true,
			References: &Reference{Object: "person", OnDelete: Cascade}}}},
		{field(TypeFullName, "name"), []Column{text("nameFirstName", "name", "firstName"), text("nameLastName", "name", "lastName")}},
		{unique(field(TypeEmails, "emails")), []Column{
			{Name: "emailsPrimaryEmail", Field: "emails", Property: "primaryEmail", Type: TypeText, SQLType: SQLText, Nullable: true, Unique: true},
			json("emailsAdditionalEmails", "emails", "additionalEmails"),
		}},
		{unique(field(TypeText, "userEmail")), []Column{
			{Name: "userEmail", Field: "userEmail", Type: TypeText, SQLType: SQLText, Nullable: true, Unique: true},
		}},
		{unique(field(TypePhones, "phones")), []Column{
			{Name: "phonesPrimaryPhoneNumber", Field: "phones", Property: "primaryPhoneNumber", Type: TypeText, SQLType: SQLText, Nullable: true, Unique: true},
			{Name: "phonesPrimaryPhoneCountryCode", Field: "phones", Property: "primaryPhoneCountryCode", Type: TypeText, SQLType: SQLText, Nullable: true, Unique: true},
			{Name: "phonesPrimaryPhoneCallingCode", Field: "phones", Property: "primaryPhoneCallingCode", Type: TypeText, SQLType: SQLText, Nullable: true, Unique: true},
			json("phonesAdditionalPhones", "phones", "additionalPhones"),
		}},
		{field(TypeEmails, "emails"), []Column{
			text("emailsPrimaryEmail", "emails", "primaryEmail"),
			json("emailsAdditionalEmails", "emails", "additionalEmails"),
		}},
		{field(TypeLinks, "domainName"), []Column{
			text("domainNamePrimaryLinkLabel", "domainName", "primaryLinkLabel"),
			text("domainNamePrimaryLinkUrl", "domainName", "primaryLinkUrl"),
			json("domainNameSecondaryLinks", "domainName", "secondaryLinks"),
		}},
		{field(TypePhones, "phones"), []Column{
			text("phonesPrimaryPhoneNumber", "phones", "primaryPhoneNumber"),
			text("phonesPrimaryPhoneCountryCode", "phones", "primaryPhoneCountryCode"),
			text("phonesPrimaryPhoneCallingCode", "phones", "primaryPhoneCallingCode"),
			json("phonesAdditionalPhones", "phones", "additionalPhones"),
		}},
		{field(TypeCurrency, "amount"), []Column{
			{Name: "amountAmountMicros", Field: "amount", Property: "amountMicros", Type: TypeNumeric, SQLType: SQLInteger, Nullable: true},
			text("amountCurrencyCode", "amount", "currencyCode"),
		}},
		{field(TypeAddress, "address"), []Column{
			text("addressAddressStreet1", "address", "addressStreet1"),
			text("addressAddressStreet2", "address", "addressStreet2"),
			text("addressAddressStreet3", "address", "addressStreet3"),
			text("addressAddressCity", "address", "addressCity"),
			text("addressAddressPostcode", "address", "addressPostcode"),
			text("addressAddressState", "address", "addressState"),
			text("addressAddressCountry", "address", "addressCountry"),
			{Name: "addressAddressLat", Field: "address", Property: "addressLat", Type: TypeNumeric, SQLType: SQLReal, Nullable: true},
			{Name: "addressAddressLng", Field: "address", Property: "addressLng", Type: TypeNumeric, SQLType: SQLReal, Nullable: true},
		}},
		{createdBy, []Column{
			{Name: "createdBySource", Field: "createdBy", Property: "source", Type: TypeSelect, SQLType: SQLText, Default: "MANUAL", Values: ActorSources},
			{Name: "createdByWorkspaceMemberId", Field: "createdBy", Property: "workspaceMemberId", Type: TypeUUID, SQLType: SQLText, Nullable: true},
			{Name: "createdByName", Field: "createdBy", Property: "name", Type: TypeText, SQLType: SQLText, Default: "System"},
			json("createdByContext", "createdBy", "context"),
		}},
		{field(TypeRichTextV2, "bodyV2"), []Column{
			{Name: "bodyV2Blocknote", Field: "bodyV2", Property: "blocknote", Type: TypeText, SQLType: SQLText, Nullable: true},
			{Name: "bodyV2Markdown", Field: "bodyV2", Property: "markdown", Type: TypeText, SQLType: SQLText, Nullable: true},
		}},
	}
	covered := map[FieldType]bool{}
	for _, tt := range tests {
		covered[tt.field.Type] = true
		t.Run(string(tt.field.Type)+"/"+tt.field.Name, func(t *testing.T) {
			if err := ValidateField(tt.field); err != nil {
				t.Fatalf("ValidateField: %v", err)
			}
			got := Columns(tt.field)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("Columns(%s %s) mismatch (-got +want):\n%s", tt.field.Type, tt.field.Name, diff)
			}
		})
	}
	for _, typ := range FieldTypes() {
		if !covered[typ] {
			t.Errorf("no test case for type %s", typ)
		}
	}
}

func TestColumnDefaults(t *testing.T) {
	tests := []struct {
		name  string
		typ   FieldType
		value any
		want  any
	}{
		{"text quoted", TypeText, "'en'", "en"},
		{"text empty", TypeText, "''", ""},
		{"text nil", TypeText, nil, ""},
		{"text unquoted", TypeText, "plain", "plain"},
		{"number int", TypeNumber, 7, float64(7)},
		{"number float", TypeNumber, 1.5, 1.5},
		{"boolean true", TypeBoolean, true, int64(1)},
		{"date now", TypeDate, "now", Now},
		{"uuid function", TypeUUID, "uuid", NewUUID},
		{"raw json object", TypeRawJSON, map[string]any{"a": 1.0}, `{"a":1}`},
		{"array", TypeArray, []any{"'x'", "'y'"}, `["x","y"]`},
		{"uuid nil", TypeUUID, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := field(tt.typ, "f")
			f.DefaultValue = tt.value
			if err := ValidateField(f); err != nil {
				t.Fatalf("ValidateField: %v", err)
			}
			if diff := cmp.Diff(Columns(f)[0].Default, tt.want); diff != "" {
				t.Errorf("default of %s %v mismatch (-got +want):\n%s", tt.typ, tt.value, diff)
			}
		})
	}
}

func TestCompositeDefaultOverridesProperty(t *testing.T) {
	f := field(TypeFullName, "name")
	f.DefaultValue = map[string]any{"firstName": "'Ada'", "lastName": nil}
	var got []any
	for _, c := range Columns(f) {
		got = append(got, c.Default)
	}
	if diff := cmp.Diff(got, []any{"Ada", nil}); diff != "" {
		t.Errorf("defaults mismatch (-got +want):\n%s", diff)
	}
}

func TestObjectColumnsFlattenInFieldOrder(t *testing.T) {
	o := CustomObject("rocket", "rockets", "Rocket", "Rockets")
	var got []string
	for _, c := range o.Columns() {
		got = append(got, c.Name)
	}
	want := []string{
		"id", "createdAt", "updatedAt", "deletedAt", "name", "position",
		"createdBySource", "createdByWorkspaceMemberId", "createdByName", "createdByContext",
		"updatedBySource", "updatedByWorkspaceMemberId", "updatedByName", "updatedByContext",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("columns of a custom object mismatch (-got +want):\n%s", diff)
	}
}

// withoutDefaults returns cols without their Default and Values, as ReadColumns gives them.
func withoutDefaults(cols []Column) []Column {
	var out []Column
	for _, c := range cols {
		c.Default, c.Values = nil, nil
		out = append(out, c)
	}
	return out
}

// decoded returns objs as the records Worker keeps them: through JSON.
func decoded(t *testing.T, objs []Object) []Object {
	t.Helper()
	b, err := json.Marshal(objs)
	if err != nil {
		t.Fatal(err)
	}
	var out []Object
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadColumnsAreColumnsWithoutDefaults(t *testing.T) {
	objs := append(StandardObjects(), CustomObject("rocket", "rockets", "Rocket", "Rockets"))
	for _, o := range append(objs, decoded(t, objs)...) {
		for _, f := range o.Fields {
			for _, variant := range []struct{ unique, nullable bool }{{false, false}, {false, true}, {true, false}, {true, true}} {
				f.IsUnique, f.IsNullable = variant.unique, variant.nullable
				want := withoutDefaults(Columns(f))
				// Twice: computed, then remembered.
				for range 2 {
					if diff := cmp.Diff(ReadColumns(f), want); diff != "" {
						t.Errorf("%s.%s %+v: ReadColumns() mismatch (-got +want):\n%s", o.NameSingular, f.Name, variant, diff)
					}
				}
			}
		}
	}
}

// TestReadColumnsFollowChanges changes a field whose columns were read, as a metadata mutation
// changes a copy of an object: the columns read afterwards are the changed field's.
func TestReadColumnsFollowChanges(t *testing.T) {
	company := field(TypeRelation, "company")
	company.Relation = &Relation{Type: ManyToOne, TargetObjectNameSingular: "company", TargetFieldName: "people"}
	name := field(TypeFullName, "name")
	email := field(TypeEmails, "emails")
	city := field(TypeText, "city")
	tests := []struct {
		name   string
		field  Field
		change func(f *Field)
	}{
		{"renamed", city, func(f *Field) { f.Name = "town" }},
		{"made required", city, func(f *Field) { f.IsNullable = false }},
		{"made unique", email, func(f *Field) { f.IsUnique = true }},
		{"retyped", city, func(f *Field) { f.Type = TypeNumber }},
		{"composite renamed", name, func(f *Field) { f.Name = "fullName" }},
		{"composite made required", field(TypeActor, "createdBy"), func(f *Field) { f.IsNullable = false }},
		{"relation retargeted in place", company, func(f *Field) { f.Relation.TargetObjectNameSingular = "opportunity" }},
		{"relation on delete changed in place", company, func(f *Field) { f.Relation.OnDelete = Cascade }},
		{"relation turned one-to-many", company, func(f *Field) { f.Relation = &Relation{Type: OneToMany, TargetObjectNameSingular: "company"} }},
		{"relation renamed", company, func(f *Field) { f.Name = "employer" }},
	}
	for _, tt := range tests {
		f := tt.field
		if f.Relation != nil {
			r := *f.Relation
			f.Relation = &r
		}
		before := ReadColumns(f)
		o := Object{Fields: []Field{f}}
		tt.change(&o.Fields[0])
		after := ReadColumns(o.Fields[0])
		if diff := cmp.Diff(after, withoutDefaults(Columns(o.Fields[0]))); diff != "" {
			t.Errorf("%s: ReadColumns() after the change mismatch (-got +want):\n%s", tt.name, diff)
		}
		if cmp.Equal(before, after) {
			t.Errorf("%s: ReadColumns() did not change: %v", tt.name, after)
		}
	}
}

func TestReadColumnsAppendCopies(t *testing.T) {
	f := field(TypeFullName, "name")
	cols := ReadColumns(f)
	_ = append(cols, Column{Name: "extra"})
	if diff := cmp.Diff(ReadColumns(f), withoutDefaults(Columns(f))); diff != "" {
		t.Errorf("ReadColumns() after appending to an answer mismatch (-got +want):\n%s", diff)
	}
}

func TestReadColumnsConcurrent(t *testing.T) {
	var fields []Field
	for _, o := range StandardObjects() {
		fields = append(fields, o.Fields...)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 4 * len(fields) {
				f := fields[(i+g)%len(fields)]
				if i%3 == 0 {
					f.Name += strconv.Itoa(g) // shapes not seen yet
				}
				if diff := cmp.Diff(ReadColumns(f), withoutDefaults(Columns(f))); diff != "" {
					t.Errorf("%s: ReadColumns() mismatch (-got +want):\n%s", f.Name, diff)
					return
				}
			}
		})
	}
	wg.Wait()
}
