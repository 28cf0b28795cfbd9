package openapi

import (
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

func field(t metadata.FieldType, name string) metadata.Field {
	return metadata.Field{Type: t, Name: name, IsActive: true, IsNullable: true}
}

func TestFieldSchemas(t *testing.T) {
	str, num := obj{"type": "string"}, obj{"type": "number"}
	uuid := obj{"type": "string", "format": "uuid"}
	sel := field(metadata.TypeSelect, "stage")
	sel.Options = []metadata.Option{{Value: "NEW"}, {Value: "WON"}}
	multi := field(metadata.TypeMultiSelect, "tags")
	multi.Options = sel.Options
	float := field(metadata.TypeNumber, "ratio")
	float.Settings = map[string]any{"dataType": "float"}
	decimals := field(metadata.TypeNumber, "price")
	decimals.Settings = map[string]any{"decimals": float64(2)}
	actorSources := arr{}
	for _, s := range metadata.ActorSources {
		actorSources = append(actorSources, s)
	}
	tests := []struct {
		name string
		f    metadata.Field
		use  schemaUse
		want obj
	}{
		{"uuid", field(metadata.TypeUUID, "x"), forCreate, uuid},
		{"text", field(metadata.TypeText, "x"), forCreate, str},
		{"rich text", field(metadata.TypeRichText, "x"), forCreate, str},
		{"date-time", field(metadata.TypeDateTime, "x"), forCreate, obj{"type": "string", "format": "date-time"}},
		{"date", field(metadata.TypeDate, "x"), forCreate, obj{"type": "string", "format": "date"}},
		{"number", field(metadata.TypeNumber, "x"), forCreate, obj{"type": "integer"}},
		{"float number", float, forCreate, num},
		{"number with decimals", decimals, forCreate, num},
		{"numeric", field(metadata.TypeNumeric, "x"), forCreate, num},
		{"position", field(metadata.TypePosition, "x"), forCreate, num},
		{"boolean", field(metadata.TypeBoolean, "x"), forCreate, obj{"type": "boolean"}},
		{"raw JSON", field(metadata.TypeRawJSON, "x"), forCreate, obj{"type": "object"}},
		{"select", sel, forCreate, obj{"type": "string", "enum": arr{"NEW", "WON"}}},
		{"multi-select", multi, forCreate, obj{"type": "array", "items": obj{"type": "string", "enum": arr{"NEW", "WON"}}}},
		{"rating without options", field(metadata.TypeRating, "x"), forCreate,
			obj{"type": "string", "enum": arr{"RATING_1", "RATING_2", "RATING_3", "RATING_4", "RATING_5"}}},
		{"array", field(metadata.TypeArray, "x"), forCreate, obj{"type": "array", "items": str}},
		{"files to write", field(metadata.TypeFiles, "x"), forCreate, obj{"type": "array", "items": obj{
			"type": "object", "properties": obj{"fileId": uuid, "label": str},
		}}},
		{"files answered", field(metadata.TypeFiles, "x"), forResponse, obj{"type": "array", "items": obj{
			"type": "object", "properties": obj{"fileId": uuid, "label": str, "extension": str, "url": str},
		}}},
		{"full name", field(metadata.TypeFullName, "x"), forCreate, obj{"type": "object", "properties": obj{"firstName": str, "lastName": str}}},
		{"currency", field(metadata.TypeCurrency, "x"), forCreate, obj{"type": "object", "properties": obj{"amountMicros": num, "currencyCode": str}}},
		{"address", field(metadata.TypeAddress, "x"), forCreate, obj{"type": "object", "properties": obj{
			"addressStreet1": str, "addressStreet2": str, "addressStreet3": str, "addressCity": str, "addressPostcode": str,
			"addressState": str, "addressCountry": str, "addressLat": num, "addressLng": num,
		}}},
		{"rich text v2", field(metadata.TypeRichTextV2, "x"), forCreate, obj{"type": "object", "properties": obj{"blocknote": str, "markdown": str}}},
		{"actor to write", field(metadata.TypeActor, "x"), forUpdate, obj{"type": "object", "properties": obj{
			"source": obj{"type": "string", "enum": actorSources},
		}}},
		{"actor answered", field(metadata.TypeActor, "x"), forResponse, obj{"type": "object", "properties": obj{
			"source": obj{"type": "string", "enum": actorSources}, "workspaceMemberId": uuid, "name": str, "context": obj{"type": "object"},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, fieldSchema(tt.f, tt.use)); diff != "" {
				t.Errorf("fieldSchema (-want +got):\n%s", diff)
			}
		})
	}
}

// TestObjectSchemas checks which fields each of an object's schemas has: inactive fields, the
// search vector, ONE_TO_MANY sides and server-set fields are left out; a MANY_TO_ONE relation is
// its join column, and embeds its target when answered, if the target is documented.
func TestObjectSchemas(t *testing.T) {
	o := metadata.CustomObject("rocket", "rockets", "Rocket", "Rockets")
	hidden := field(metadata.TypeText, "hidden")
	hidden.IsActive = false
	serial := field(metadata.TypeUUID, "serial")
	serial.IsNullable = false // no default: required (a text would default to "")
	flag := field(metadata.TypeBoolean, "flag")
	flag.IsNullable, flag.DefaultValue = false, false // a default: not required
	company := field(metadata.TypeRelation, "company")
	company.Relation = &metadata.Relation{Type: metadata.ManyToOne, TargetObjectNameSingular: "company"}
	launcher := field(metadata.TypeRelation, "launcher")
	launcher.Relation = &metadata.Relation{Type: metadata.ManyToOne, TargetObjectNameSingular: "launcher"} // not documented
	o.Fields = append(o.Fields, hidden, serial, flag, company, launcher)
	known := map[string]bool{"rocket": true, "company": true}

	sorted := cmpopts.SortSlices(func(a, b string) bool { return a < b })
	input := []string{"name", "position", "createdBy", "updatedBy", "serial", "flag", "companyId", "launcherId"}
	tests := []struct {
		use      schemaUse
		want     []string
		required any
	}{
		{forCreate, input, arr{"serial"}},
		{forUpdate, input, nil},
		{forResponse, append(input, "id", "createdAt", "updatedAt", "deletedAt", "company"), nil},
	}
	for _, tt := range tests {
		s := objectSchema(o, tt.use, known)
		if diff := cmp.Diff(tt.want, slices.Collect(maps.Keys(s["properties"].(obj))), sorted); diff != "" {
			t.Errorf("properties of use %d (-want +got):\n%s", tt.use, diff)
		}
		if diff := cmp.Diff(tt.required, s["required"]); diff != "" {
			t.Errorf("required of use %d (-want +got):\n%s", tt.use, diff)
		}
		if _, ok := s["example"]; ok == (tt.use == forResponse) {
			t.Errorf("use %d: example present = %v", tt.use, ok)
		}
	}
	want := obj{"name": "Rocket name", "serial": exampleUUID}
	if diff := cmp.Diff(want, example(o)); diff != "" {
		t.Errorf("example (-want +got):\n%s", diff)
	}
	embedded := objectSchema(o, forResponse, known)["properties"].(obj)["company"]
	if diff := cmp.Diff(obj{"type": "object", "oneOf": arr{schemaRef("CompanyForResponse")}}, embedded); diff != "" {
		t.Errorf("embedded company (-want +got):\n%s", diff)
	}
}

func TestTitleCase(t *testing.T) {
	for in, want := range map[string]string{"person": "Person", "workspaceMember": "Workspace Member", "noteTarget": "Note Target"} {
		if got := titleCase(in); got != want {
			t.Errorf("titleCase(%q) = %q, want %q", in, got, want)
		}
	}
}
