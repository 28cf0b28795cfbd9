package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// metaWorkspace is an initialised workspace of a harness, with helpers calling the metadata RPCs.
type metaWorkspace struct {
	t     *testing.T
	h     *harness
	id    string
	shard *d1.DB
}

func newMetaWorkspace(t *testing.T, h *harness) metaWorkspace {
	t.Helper()
	ws := h.workspace(t)
	res, err := h.client.InitWorkspace(context.Background(), &recordsv1.InitWorkspaceRequest{WorkspaceId: ws, WorkspaceMemberId: ids.NewUUID(), UserId: ids.NewUUID()})
	if err != nil {
		t.Fatal(err)
	}
	return metaWorkspace{t: t, h: h, id: ws, shard: h.shards[res.GetShard()]}
}

// call runs operation op of the metadata RPCs on kind (callMetadata) and answers its JSON.
func (w metaWorkspace) call(kind, op, id, input string) ([]byte, error) {
	return callMetadata(w.h.client, w.id, kind, op, id, input)
}

// must calls the RPC, failing the test on an error, and decodes the result into out.
func (w metaWorkspace) must(kind, op, id, input string, out any) []byte {
	w.t.Helper()
	res, err := w.call(kind, op, id, input)
	if err != nil {
		w.t.Fatalf("%s %s %s %s: %v", kind, op, id, input, err)
	}
	if out != nil {
		if err := json.Unmarshal(res, out); err != nil {
			w.t.Fatalf("%s %s: result %s: %v", kind, op, res, err)
		}
	}
	return res
}

func (w metaWorkspace) createObject(singular, plural string) metadata.ObjectDTO {
	w.t.Helper()
	var o metadata.ObjectDTO
	w.must("objects", "create_one", "", fmt.Sprintf(`{"nameSingular":%q,"namePlural":%q,"labelSingular":"L %s","labelPlural":"L %s","icon":"IconTestPipe","isLabelSyncedWithName":false}`,
		singular, plural, singular, plural), &o)
	return o
}

func (w metaWorkspace) createField(input string) metadata.FieldDTO {
	w.t.Helper()
	var f metadata.FieldDTO
	w.must("fields", "create_one", "", input, &f)
	return f
}

func (w metaWorkspace) createRecords(plural, records string) ([]map[string]any, error) {
	res, err := w.h.client.CreateMany(context.Background(), &recordsv1.CreateManyRequest{WorkspaceId: w.id, ObjectNamePlural: plural, RecordsJson: []byte(records), Actor: &recordsv1.Actor{Source: "API"}})
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	err = json.Unmarshal(res.GetRecordsJson(), &out)
	return out, err
}

func (w metaWorkspace) findRecords(plural string) []map[string]any {
	w.t.Helper()
	q := &recordquery.Query{Limit: recordquery.DefaultLimit}
	res, err := w.h.client.FindMany(context.Background(), &recordsv1.FindManyRequest{WorkspaceId: w.id, ObjectNamePlural: plural, Query: recordquery.ToProto(q)})
	if err != nil {
		w.t.Fatalf("FindMany %s: %v", plural, err)
	}
	var out []map[string]any
	if err := json.Unmarshal(res.GetRecordsJson(), &out); err != nil {
		w.t.Fatal(err)
	}
	return out
}

func (w metaWorkspace) objectNamed(name string) metadata.ObjectDTO {
	w.t.Helper()
	var list []metadata.ObjectDTO
	w.must("objects", "find_many", "", "", &list)
	for _, o := range list {
		if o.NameSingular == name {
			return o
		}
	}
	w.t.Fatalf("no object %s", name)
	return metadata.ObjectDTO{}
}

func fieldNamed(o metadata.ObjectDTO, name string) (metadata.FieldDTO, bool) {
	for _, f := range o.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return metadata.FieldDTO{}, false
}

// wantError checks err is a Connect error with code and message.
func wantError(t *testing.T, what string, err error, code connect.Code, msg string) {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != code || ce.Message() != msg {
		t.Errorf("%s: error %v, want %v %q", what, err, code, msg)
	}
}

func TestMetadataCustomObjectIsUsableAtOnce(t *testing.T) {
	h := newHarness(t)
	w := newMetaWorkspace(t, h)
	// Schemas are cached: read people first, here and in another isolate, so that both hold the
	// old schema; the new object must be usable in both at once.
	w.findRecords("people")
	other := h.otherIsolate(t)
	listPeople := func() error {
		_, err := other.FindMany(context.Background(), &recordsv1.FindManyRequest{WorkspaceId: w.id, ObjectNamePlural: "people", Query: recordquery.ToProto(&recordquery.Query{Limit: 1})})
		return err
	}
	if err := listPeople(); err != nil {
		t.Fatal(err)
	}

	o := w.createObject("pet", "pets")
	name, ok := fieldNamed(o, "name")
	if !ok || !o.IsCustom || !o.IsActive || o.Icon != "IconTestPipe" || o.LabelIdentifierFieldMetadataID == nil || *o.LabelIdentifierFieldMetadataID != name.ID {
		t.Errorf("created object = %+v, want an active custom object named by its name field", o)
	}
	if !ids.IsUUID(o.ID) || o.CreatedAt == "" || len(o.Fields) < 10 || name.ObjectMetadataID != o.ID {
		t.Errorf("created object: id %q, createdAt %q, %d fields, name field of %q", o.ID, o.CreatedAt, len(o.Fields), name.ObjectMetadataID)
	}
	// The standard objects got the link fields, with the inverse side named in the relation.
	noteTarget := w.objectNamed("noteTarget")
	link, ok := fieldNamed(noteTarget, "pet")
	if !ok || link.Relation == nil || link.Relation.Type != metadata.ManyToOne || link.Relation.TargetObjectMetadata.ID != o.ID || link.Relation.TargetFieldMetadata.Name != "noteTargets" {
		t.Errorf("noteTarget.pet = %+v, relation %+v", link, link.Relation)
	}
	if _, ok := fieldNamed(w.objectNamed("timelineActivity"), "targetPet"); !ok {
		t.Error("timelineActivity has no targetPet")
	}

	created, err := w.createRecords("pets", `[{"name":"Rex"},{"name":"Kiki"}]`)
	if err != nil || len(created) != 2 || created[0]["name"] != "Rex" {
		t.Fatalf("CreateMany pets = %v, %v", created, err)
	}
	if got := w.findRecords("pets"); len(got) != 2 {
		t.Errorf("FindMany pets = %v, want the 2 pets", got)
	}
	if res, err := other.FindMany(context.Background(), &recordsv1.FindManyRequest{WorkspaceId: w.id, ObjectNamePlural: "pets", Query: recordquery.ToProto(&recordquery.Query{Limit: 5})}); err != nil || res.GetTotalCount() != 2 {
		t.Errorf("pets in another isolate = %v, %v; want the 2 pets", res, err)
	}
	// A note can target the pet through the new join column.
	notes, err := w.createRecords("notes", `[{"title":"vet"}]`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.createRecords("noteTargets", fmt.Sprintf(`[{"noteId":%q,"petId":%q}]`, notes[0]["id"], created[0]["id"])); err != nil {
		t.Errorf("noteTarget of a pet: %v", err)
	}

	var one metadata.ObjectDTO
	w.must("objects", "find_one", strings.ToUpper(o.ID), "", &one)
	if one.ID != o.ID || len(one.Fields) != len(o.Fields) {
		t.Errorf("find_one by the upper-case id = %s with %d fields", one.ID, len(one.Fields))
	}
	_, err = w.call("objects", "create_one", "", `{"nameSingular":"pet","namePlural":"petz","labelSingular":"A","labelPlural":"B"}`)
	wantError(t, "duplicate nameSingular", err, connect.CodeInvalidArgument, "Object already exists")
	_, err = w.call("objects", "create_one", "", `{"nameSingular":"animal","namePlural":"pETS","labelSingular":"A","labelPlural":"B"}`)
	wantError(t, "namePlural taken ignoring case", err, connect.CodeInvalidArgument, "Object already exists")
}

func TestMetadataObjectErrors(t *testing.T) {
	h := newHarness(t)
	w := newMetaWorkspace(t, h)
	person := w.objectNamed("person")
	unknown := "00000000-0000-4000-8000-000000000000"
	tests := []struct {
		name, op, id, input string
		code                connect.Code
		msg                 string
	}{
		{"empty nameSingular", "create_one", "", `{"nameSingular":""}`, connect.CodeInvalidArgument, "nameSingular should not be empty"},
		{"missing labels", "create_one", "", `{"nameSingular":"a","namePlural":"as"}`, connect.CodeInvalidArgument, "labelSingular must be a string"},
		{"not camelCase", "create_one", "", `{"nameSingular":"Not_Camel","namePlural":"x","labelSingular":"A","labelPlural":"B"}`, connect.CodeInvalidArgument,
			"Name is not valid: it must start with lowercase letter and contain only alphanumeric letters"},
		{"reserved", "create_one", "", `{"nameSingular":"user","namePlural":"users","labelSingular":"A","labelPlural":"B"}`, connect.CodeInvalidArgument,
			`This name is reserved. Use a different name or the system will add "Custom" suffix.`},
		{"same names", "create_one", "", `{"nameSingular":"fish","namePlural":"fish","labelSingular":"A","labelPlural":"B"}`, connect.CodeInvalidArgument,
			"The singular and plural names cannot be the same for an object"},
		{"same labels", "create_one", "", `{"nameSingular":"fish","namePlural":"fishes","labelSingular":"Fish","labelPlural":"fish"}`, connect.CodeInvalidArgument,
			"The singular and plural labels cannot be the same for an object"},
		{"labels not synced", "create_one", "", `{"nameSingular":"fish","namePlural":"fishes","labelSingular":"Fish","labelPlural":"Fish list","isLabelSyncedWithName":true}`,
			connect.CodeInvalidArgument, "Names are not synced with labels"},
		{"not an object", "create_one", "", `[1]`, connect.CodeInvalidArgument, "The input must be a JSON object"},
		{"malformed id", "find_one", "not-a-uuid", "", connect.CodeInvalidArgument, "Validation failed (uuid is expected)"},
		{"unknown id", "find_one", unknown, "", connect.CodeNotFound, "Object metadata with id " + unknown + " not found"},
		{"update unknown", "update_one", unknown, `{"labelSingular":"X"}`, connect.CodeNotFound, "Object metadata with id " + unknown + " not found"},
		{"rename a standard object", "update_one", person.ID, `{"nameSingular":"human","namePlural":"humans"}`, connect.CodeInvalidArgument,
			"Cannot edit standard object metadata properties: namePlural, nameSingular"},
		{"delete standard", "delete_one", person.ID, "", connect.CodeInvalidArgument, "Standard Objects can't be deleted"},
		{"delete unknown", "delete_one", unknown, "", connect.CodeNotFound, "Object metadata with id " + unknown + " not found"},
	}
	for _, tt := range tests {
		_, err := w.call("objects", tt.op, tt.id, tt.input)
		wantError(t, tt.name, err, tt.code, tt.msg)
	}
	if _, err := w.call("rockets", "find_many", "", ""); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("unknown kind: %v, want invalid argument", err)
	}
}

func TestMetadataUpdateAndDeleteObject(t *testing.T) {
	h := newHarness(t)
	w := newMetaWorkspace(t, h)
	o := w.createObject("rocket", "rockets")
	if _, err := w.createRecords("rockets", `[{"name":"Apollo"}]`); err != nil {
		t.Fatal(err)
	}
	_, err := w.call("objects", "delete_one", o.ID, "")
	wantError(t, "delete an active object", err, connect.CodeInvalidArgument, "Active objects can't be deleted")

	var updated metadata.ObjectDTO
	w.must("objects", "update_one", o.ID, `{"labelSingular":"Spaceship","description":"Goes up","isActive":false,"nameSingular":"rocket"}`, &updated)
	if updated.LabelSingular != "Spaceship" || updated.Description != "Goes up" || updated.IsActive || len(updated.Fields) == 0 {
		t.Errorf("updated = %+v", updated)
	}
	var deleted metadata.ObjectDTO
	w.must("objects", "delete_one", o.ID, "", &deleted)
	if deleted.ID != o.ID || deleted.Fields != nil {
		t.Errorf("deleted = %+v, want the object without its fields", deleted)
	}
	table, _ := ddl.TableName(w.id, "rocket")
	noteTargets, _ := ddl.TableName(w.id, "noteTarget")
	if n := count(t, w.shard, `SELECT count(*) FROM sqlite_master WHERE name = ?`, table); n != 0 {
		t.Errorf("the table of a deleted object is still there")
	}
	if n := count(t, w.shard, `SELECT count(*) FROM pragma_table_info(?) WHERE name = 'rocketId'`, noteTargets); n != 0 {
		t.Errorf("noteTarget still has rocketId")
	}
	if _, ok := fieldNamed(w.objectNamed("noteTarget"), "rocket"); ok {
		t.Errorf("noteTarget still has the rocket field")
	}
	_, err = w.call("objects", "find_one", o.ID, "")
	wantError(t, "find a deleted object", err, connect.CodeNotFound, "Object metadata with id "+o.ID+" not found")
	if _, err := w.createRecords("rockets", `[{"name":"Apollo"}]`); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("records of a deleted object: %v, want invalid argument", err)
	}
	// The name is free again.
	w.createObject("rocket", "rockets")
}

func TestMetadataFieldsOfEachKind(t *testing.T) {
	h := newHarness(t)
	w := newMetaWorkspace(t, h)
	o := w.createObject("pet", "pets")
	company := w.objectNamed("company")
	tests := []struct {
		typ, extra string
		value      string // a value to write, as JSON
	}{
		{"TEXT", `"defaultValue":"'none'"`, `"Rex"`},
		{"NUMBER", ``, `4.5`},
		{"NUMERIC", ``, `12`},
		{"BOOLEAN", `"defaultValue":false`, `true`},
		{"DATE_TIME", ``, `"2024-05-01T10:00:00.000Z"`},
		{"DATE", ``, `"2024-05-01"`},
		{"UUID", ``, `"` + ids.NewUUID() + `"`},
		{"RATING", ``, `"RATING_3"`},
		{"SELECT", `"options":[{"value":"DOG","label":"Dog","color":"green"},{"value":"CAT","label":"Cat","color":"red"}],"defaultValue":"'DOG'"`, `"CAT"`},
		{"MULTI_SELECT", `"options":[{"value":"CUTE","label":"Cute"},{"value":"LOUD","label":"Loud"}]`, `["CUTE","LOUD"]`},
		{"CURRENCY", ``, `{"amountMicros":1500000,"currencyCode":"EUR"}`},
		{"EMAILS", ``, `{"primaryEmail":"rex@example.com","additionalEmails":[]}`},
		{"LINKS", ``, `{"primaryLinkUrl":"https://example.com","primaryLinkLabel":"","secondaryLinks":[]}`},
		{"FULL_NAME", ``, `{"firstName":"Rex","lastName":"Dog"}`},
		{"PHONES", ``, `{"primaryPhoneNumber":"612345678","primaryPhoneCountryCode":"FR","primaryPhoneCallingCode":"+33","additionalPhones":[]}`},
		{"ADDRESS", ``, `{"addressCity":"Paris"}`},
		{"RAW_JSON", ``, `{"a":1}`},
		{"ARRAY", ``, `["a","b"]`},
		{"RICH_TEXT_V2", ``, `{"markdown":"**hi**","blocknote":null}`},
	}
	record := map[string]json.RawMessage{}
	for _, tt := range tests {
		name := "f" + strings.ReplaceAll(strings.ToLower(tt.typ), "_", "")
		input := fmt.Sprintf(`{"objectMetadataId":%q,"type":%q,"name":%q,"label":"F %s"`, o.ID, tt.typ, name, tt.typ)
		if tt.extra != "" {
			input += "," + tt.extra
		}
		f := w.createField(input + "}")
		if f.Name != name || string(f.Type) != tt.typ || f.ObjectMetadataID != o.ID || !f.IsCustom || !f.IsActive || !f.IsNullable {
			t.Errorf("created %s field = %+v", tt.typ, f)
		}
		record[name] = json.RawMessage(tt.value)
	}
	sel, _ := fieldNamed(w.objectNamed("pet"), "fselect")
	if len(sel.Options) != 2 || !ids.IsUUID(sel.Options[0].ID) || sel.Options[1].Position != 1 || sel.DefaultValue != "'DOG'" {
		t.Errorf("select field = %+v", sel)
	}
	body, _ := json.Marshal([]any{record})
	created, err := w.createRecords("pets", string(body))
	if err != nil {
		t.Fatalf("a pet with every kind of field: %v", err)
	}
	if created[0]["fselect"] != "CAT" || created[0]["ftext"] != "Rex" {
		t.Errorf("created pet = %v", created[0])
	}
	if _, err := w.createRecords("pets", `[{"fselect":"FISH"}]`); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("a value outside the options: %v, want invalid argument", err)
	}
	defaults, err := w.createRecords("pets", `[{}]`)
	if err != nil || defaults[0]["fselect"] != "DOG" || defaults[0]["ftext"] != "none" {
		t.Errorf("defaults = %v, %v; want fselect DOG and ftext none", defaults, err)
	}

	// A MANY_TO_ONE relation to company opens the inverse list on company.
	owner := w.createField(fmt.Sprintf(`{"objectMetadataId":%q,"type":"RELATION","name":"owner","label":"Owner",
		"relationCreationPayload":{"targetObjectMetadataId":%q,"targetFieldLabel":"Owned pets","targetFieldIcon":"IconDog","type":"MANY_TO_ONE"}}`, o.ID, company.ID))
	inv, ok := fieldNamed(w.objectNamed("company"), "ownedPets")
	if !ok || owner.Relation == nil || owner.Relation.TargetFieldMetadata.ID != inv.ID || inv.Relation.Type != metadata.OneToMany || inv.Icon != "IconDog" {
		t.Errorf("owner = %+v, inverse = %+v", owner.Relation, inv)
	}
	companies, err := w.createRecords("companies", `[{"name":"Acme"}]`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.createRecords("pets", fmt.Sprintf(`[{"ownerId":%q}]`, companies[0]["id"])); err != nil {
		t.Errorf("a pet owned by a company: %v", err)
	}
	// A ONE_TO_MANY relation puts the join column on the target.
	w.createField(fmt.Sprintf(`{"objectMetadataId":%q,"type":"RELATION","name":"sitters","label":"Sitters",
		"relationCreationPayload":{"targetObjectMetadataId":%q,"targetFieldLabel":"Sitting","type":"ONE_TO_MANY"}}`, o.ID, w.objectNamed("person").ID))
	if f, ok := fieldNamed(w.objectNamed("person"), "sitting"); !ok || f.Relation.Type != metadata.ManyToOne {
		t.Errorf("person.sitting = %+v", f)
	}
	people, _ := ddl.TableName(w.id, "person")
	if n := count(t, w.shard, `SELECT count(*) FROM pragma_table_info(?) WHERE name = 'sittingId'`, people); n != 1 {
		t.Errorf("person has no sittingId column")
	}
}

func TestMetadataFieldErrors(t *testing.T) {
	h := newHarness(t)
	w := newMetaWorkspace(t, h)
	o := w.createObject("pet", "pets")
	w.createField(fmt.Sprintf(`{"objectMetadataId":%q,"type":"TEXT","name":"nickname","label":"Nickname"}`, o.ID))
	person := w.objectNamed("person")
	city, _ := fieldNamed(person, "city")
	company, _ := fieldNamed(person, "company")
	unknown := "00000000-0000-4000-8000-000000000000"
	field := func(rest string) string { return fmt.Sprintf(`{"objectMetadataId":%q,%s}`, o.ID, rest) }
	tests := []struct {
		name, op, id, input string
		code                connect.Code
		msg                 string
	}{
		{"duplicate name", "create_one", "", field(`"type":"TEXT","name":"nickname","label":"Again"`), connect.CodeInvalidArgument,
			`Name "nickname" is not available as it is already used by another field`},
		{"name of a column", "create_one", "", field(`"type":"TEXT","name":"createdBySource","label":"X"`), connect.CodeInvalidArgument,
			`Name "createdBySource" is reserved composite field name`},
		{"empty name", "create_one", "", field(`"type":"TEXT","name":"","label":"X"`), connect.CodeInvalidArgument, "name should not be empty"},
		{"bad type", "create_one", "", field(`"type":"BLOB","name":"x","label":"X"`), connect.CodeInvalidArgument,
			"type must be one of the following values: UUID, TEXT, PHONES, EMAILS, DATE_TIME, DATE, BOOLEAN, NUMBER, NUMERIC, LINKS, CURRENCY, FULL_NAME, RATING, SELECT, MULTI_SELECT, RELATION, MORPH_RELATION, POSITION, ADDRESS, RAW_JSON, RICH_TEXT, RICH_TEXT_V2, ACTOR, ARRAY, TS_VECTOR, FILES"},
		{"unknown object", "create_one", "", `{"objectMetadataId":"` + unknown + `","type":"TEXT","name":"x","label":"X"}`, connect.CodeInvalidArgument, "Object metadata not found"},
		{"bad object id", "create_one", "", `{"objectMetadataId":"x","type":"TEXT","name":"x","label":"X"}`, connect.CodeInvalidArgument, "objectMetadataId must be a UUID"},
		{"select without options", "create_one", "", field(`"type":"SELECT","name":"kind","label":"Kind"`), connect.CodeInvalidArgument, "Options are required for enum fields"},
		{"lower-case option", "create_one", "", field(`"type":"SELECT","name":"kind","label":"Kind","options":[{"value":"dog","label":"Dog"}]`), connect.CodeInvalidArgument,
			`Value must be in UPPER_CASE and follow snake_case "dog"`},
		{"default outside options", "create_one", "", field(`"type":"SELECT","name":"kind","label":"Kind","options":[{"value":"DOG","label":"Dog"}],"defaultValue":"'CAT'"`),
			connect.CodeInvalidArgument, `Default value "'CAT'" must be one of the option values`},
		{"relation without payload", "create_one", "", field(`"type":"RELATION","name":"owner","label":"Owner"`), connect.CodeInvalidArgument, "Relation creation payload is invalid"},
		{"relation to nowhere", "create_one", "", field(`"type":"RELATION","name":"owner","label":"Owner","relationCreationPayload":{"targetObjectMetadataId":"` + unknown + `","targetFieldLabel":"Pets","type":"MANY_TO_ONE"}`),
			connect.CodeInvalidArgument, "Object metadata relation target not found for relation creation payload"},
		{"inverse name taken", "create_one", "", field(`"type":"RELATION","name":"owner","label":"Owner","relationCreationPayload":{"targetObjectMetadataId":"` + person.ID + `","targetFieldLabel":"City","type":"MANY_TO_ONE"}`),
			connect.CodeInvalidArgument, `Name "city" is not available as it is already used by another field`},
		{"malformed id", "find_one", "nope", "", connect.CodeInvalidArgument, "Validation failed (uuid is expected)"},
		{"unknown id", "find_one", unknown, "", connect.CodeNotFound, "Field metadata with id " + unknown + " not found"},
		{"update unknown", "update_one", unknown, `{"label":"X"}`, connect.CodeInvalidArgument, "Field metadata to update not found"},
		{"delete unknown", "delete_one", unknown, "", connect.CodeNotFound, "Field to delete not found"},
		{"delete standard", "delete_one", city.ID, "", connect.CodeInvalidArgument, "Deleting standard fields is not allowed"},
		{"rename standard", "update_one", city.ID, `{"name":"town"}`, connect.CodeInvalidArgument, "Forbidden updated properties for standard field metadata: name"},
		{"change a relation", "update_one", company.ID, `{"name":"employer","isNullable":false}`, connect.CodeInvalidArgument,
			"Forbidden updated properties for relation field metadata: name, isNullable"},
		{"delete the label identifier", "delete_one", *o.LabelIdentifierFieldMetadataID, "", connect.CodeInvalidArgument, "Deleting standard fields is not allowed"},
	}
	for _, tt := range tests {
		_, err := w.call("fields", tt.op, tt.id, tt.input)
		wantError(t, tt.name, err, tt.code, tt.msg)
	}
}

func TestMetadataUpdateAndDeleteField(t *testing.T) {
	h := newHarness(t)
	w := newMetaWorkspace(t, h)
	o := w.createObject("pet", "pets")
	species := w.createField(fmt.Sprintf(`{"objectMetadataId":%q,"type":"SELECT","name":"species","label":"Species",
		"options":[{"value":"DOG","label":"Dog"},{"value":"CAT","label":"Cat"}]}`, o.ID))
	if _, err := w.createRecords("pets", `[{"name":"Rex","species":"DOG"},{"name":"Tom","species":"CAT"}]`); err != nil {
		t.Fatal(err)
	}
	// Rename DOG to HOUND (same option id), drop CAT, add BIRD.
	var updated metadata.FieldDTO
	w.must("fields", "update_one", species.ID, fmt.Sprintf(`{"label":"Kind","options":[{"id":%q,"value":"HOUND","label":"Hound"},{"value":"BIRD","label":"Bird"}]}`,
		species.Options[0].ID), &updated)
	if updated.Label != "Kind" || len(updated.Options) != 2 || updated.Options[0].ID != species.Options[0].ID || updated.UpdatedAt < updated.CreatedAt {
		t.Errorf("updated = %+v", updated)
	}
	got := map[string]any{}
	for _, r := range w.findRecords("pets") {
		got[r["name"].(string)] = r["species"]
	}
	if diff := cmp.Diff(map[string]any{"Rex": "HOUND", "Tom": nil}, got); diff != "" {
		t.Errorf("species after the options changed (-want +got):\n%s", diff)
	}
	// A standard field takes a new label, and its options keep stable ids.
	stage, _ := fieldNamed(w.objectNamed("opportunity"), "stage")
	var relabelled metadata.FieldDTO
	w.must("fields", "update_one", stage.ID, `{"label":"Phase","isActive":false}`, &relabelled)
	if relabelled.Label != "Phase" || relabelled.IsActive || relabelled.Options[0].ID != stage.Options[0].ID {
		t.Errorf("relabelled stage = %+v", relabelled)
	}

	// Deleting a custom field drops its column.
	var deleted metadata.FieldDTO
	w.must("fields", "delete_one", species.ID, "", &deleted)
	table, _ := ddl.TableName(w.id, "pet")
	if n := count(t, w.shard, `SELECT count(*) FROM pragma_table_info(?) WHERE name = 'species'`, table); deleted.ID != species.ID || n != 0 {
		t.Errorf("deleted %s, species columns left: %d", deleted.ID, n)
	}
	_, err := w.call("fields", "find_one", species.ID, "")
	wantError(t, "find a deleted field", err, connect.CodeNotFound, "Field metadata with id "+species.ID+" not found")

	// Deleting one side of a relation deletes the other.
	owner := w.createField(fmt.Sprintf(`{"objectMetadataId":%q,"type":"RELATION","name":"owner","label":"Owner",
		"relationCreationPayload":{"targetObjectMetadataId":%q,"targetFieldLabel":"Pets","type":"MANY_TO_ONE"}}`, o.ID, w.objectNamed("company").ID))
	w.must("fields", "delete_one", owner.Relation.TargetFieldMetadata.ID, "", nil)
	if _, ok := fieldNamed(w.objectNamed("pet"), "owner"); ok {
		t.Error("pet.owner survived the deletion of company.pets")
	}
	if n := count(t, w.shard, `SELECT count(*) FROM pragma_table_info(?) WHERE name = 'ownerId'`, table); n != 0 {
		t.Error("ownerId survived")
	}
}

func TestMetadataIsolatesWorkspaces(t *testing.T) {
	h := newHarness(t)
	a, b := newMetaWorkspace(t, h), newMetaWorkspace(t, h)
	pet := a.createObject("pet", "pets")
	var list []metadata.ObjectDTO
	b.must("objects", "find_many", "", "", &list)
	for _, o := range list {
		if o.NameSingular == "pet" || o.ID == pet.ID {
			t.Errorf("workspace b sees %s", o.NameSingular)
		}
	}
	_, err := b.call("objects", "find_one", pet.ID, "")
	wantError(t, "another workspace's object", err, connect.CodeNotFound, "Object metadata with id "+pet.ID+" not found")
	_, err = b.call("objects", "delete_one", pet.ID, "")
	wantError(t, "delete another workspace's object", err, connect.CodeNotFound, "Object metadata with id "+pet.ID+" not found")
	// b may create its own pet.
	b.createObject("pet", "pets")
	if _, err := b.createRecords("pets", `[{"name":"B's"}]`); err != nil {
		t.Fatal(err)
	}
	if got := a.findRecords("pets"); len(got) != 0 {
		t.Errorf("workspace a sees b's pets: %v", got)
	}
}
