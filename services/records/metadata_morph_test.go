package main

import (
	"fmt"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// morphInput is a createOneField input of a MORPH_RELATION field name on object, of relation type
// typ to each of targets, whose inverses are labelled label.
func morphInput(object, name, typ, label string, targets ...string) string {
	payloads := ""
	for i, t := range targets {
		if i > 0 {
			payloads += ","
		}
		payloads += fmt.Sprintf(`{"targetObjectMetadataId":%q,"targetFieldLabel":%q,"targetFieldIcon":"IconDog","type":%q}`, t, label, typ)
	}
	return fmt.Sprintf(`{"objectMetadataId":%q,"type":"MORPH_RELATION","name":%q,"label":"L %s","morphRelationsCreationPayload":[%s]}`, object, name, name, payloads)
}

// columnCount counts the columns named column of object's table.
func (w metaWorkspace) columnCount(object, column string) int {
	w.t.Helper()
	table, err := ddl.TableName(w.id, object)
	if err != nil {
		w.t.Fatal(err)
	}
	return count(w.t, w.shard, `SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, table, column)
}

func TestMetadataMorphRelation(t *testing.T) {
	h := newHarness(t)
	w := newMetaWorkspace(t, h)
	pet := w.createObject("pet", "pets")
	person, company := w.objectNamed("person"), w.objectNamed("company")

	// MANY_TO_ONE: one field per target, named for it (ownerPerson, ownerCompany), sharing a
	// morphId, each with a join column and an inverse list on its target.
	owner := w.createField(morphInput(pet.ID, "owner", "MANY_TO_ONE", "Pets", person.ID, company.ID))
	if owner.Name != "ownerPerson" || owner.Type != metadata.TypeMorphRelation || owner.MorphID == "" || owner.Relation == nil ||
		owner.Relation.TargetObjectMetadata.ID != person.ID || owner.Relation.TargetFieldMetadata.Name != "pets" {
		t.Fatalf("created morph field = %+v, relation %+v", owner, owner.Relation)
	}
	type side struct {
		Name, Type, Relation, Target, TargetField string
		SameMorph                                 bool
	}
	sideOf := func(f metadata.FieldDTO) side {
		return side{f.Name, string(f.Type), string(f.Relation.Type), f.Relation.TargetObjectMetadata.NameSingular, f.Relation.TargetFieldMetadata.Name, f.MorphID == owner.MorphID}
	}
	var got []side
	for _, f := range w.objectNamed("pet").Fields {
		if f.Type == metadata.TypeMorphRelation {
			got = append(got, sideOf(f))
		}
	}
	for _, o := range []string{"person", "company"} {
		inv, ok := fieldNamed(w.objectNamed(o), "pets")
		if !ok {
			t.Fatalf("no inverse %s.pets", o)
		}
		got = append(got, sideOf(inv))
	}
	want := []side{
		{"ownerPerson", "MORPH_RELATION", "MANY_TO_ONE", "person", "pets", true},
		{"ownerCompany", "MORPH_RELATION", "MANY_TO_ONE", "company", "pets", true},
		{"pets", "RELATION", "ONE_TO_MANY", "pet", "ownerPerson", false},
		{"pets", "RELATION", "ONE_TO_MANY", "pet", "ownerCompany", false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("relation fields (-want +got):\n%s", diff)
	}
	for _, c := range []string{"ownerPersonId", "ownerCompanyId"} {
		if n := w.columnCount("pet", c); n != 1 {
			t.Errorf("pet has %d %s columns, want 1", n, c)
		}
	}

	// The records point at either target, and GraphQL reads each side.
	people, err := w.createRecords("people", `[{"city":"Lyon"}]`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.createRecords("pets", fmt.Sprintf(`[{"name":"Rex","ownerPersonId":%q}]`, people[0]["id"])); err != nil {
		t.Fatalf("a pet owned by a person: %v", err)
	}
	res := gqlCall(t, h.client, w.id, nil, `{ pets { edges { node { name ownerPerson { city } ownerCompany { id } } } } }`)
	wantRes := map[string]any{"data": map[string]any{"pets": map[string]any{"edges": []any{map[string]any{"node": map[string]any{
		"name": "Rex", "ownerPerson": map[string]any{"city": "Lyon"}, "ownerCompany": nil}}}}}}
	if diff := cmp.Diff(wantRes, res); diff != "" {
		t.Errorf("pets through GraphQL (-want +got):\n%s", diff)
	}

	// A field may not be named like a join column of the morph relation (Twenty's collision case).
	_, err = w.call("fields", "create_one", "", fmt.Sprintf(`{"objectMetadataId":%q,"type":"TEXT","name":"ownerPersonId","label":"Colliding"}`, pet.ID))
	wantError(t, "a field named like a morph join column", err, connect.CodeInvalidArgument, `Name "ownerPersonId" is not available as it is already used by another field`)

	// ONE_TO_MANY: the fields take the targets' plural names, and the join columns are the targets'.
	sitters := w.createField(morphInput(pet.ID, "sitters", "ONE_TO_MANY", "Sitting", person.ID, company.ID))
	if sitters.Name != "sittersPeople" || sitters.Relation.Type != metadata.OneToMany {
		t.Errorf("ONE_TO_MANY morph field = %+v", sitters)
	}
	if _, ok := fieldNamed(w.objectNamed("pet"), "sittersCompanies"); !ok {
		t.Error("no pet.sittersCompanies")
	}
	if inv, ok := fieldNamed(w.objectNamed("company"), "sitting"); !ok || inv.Relation.Type != metadata.ManyToOne || w.columnCount("company", "sittingId") != 1 {
		t.Errorf("company.sitting = %+v", inv)
	}

	// Deleting one field of a morph relation deletes the fields of all its targets and their inverses.
	w.must("fields", "delete_one", owner.ID, "", nil)
	for _, f := range []struct{ object, name string }{{"pet", "ownerPerson"}, {"pet", "ownerCompany"}, {"person", "pets"}, {"company", "pets"}} {
		if _, ok := fieldNamed(w.objectNamed(f.object), f.name); ok {
			t.Errorf("%s.%s survived the deletion of pet.ownerPerson", f.object, f.name)
		}
	}
	if n := w.columnCount("pet", "ownerPersonId") + w.columnCount("pet", "ownerCompanyId"); n != 0 {
		t.Errorf("%d morph join columns left", n)
	}
	if _, ok := fieldNamed(w.objectNamed("pet"), "sittersPeople"); !ok {
		t.Error("deleting one morph relation deleted another")
	}
}

func TestMetadataMorphRelationErrors(t *testing.T) {
	h := newHarness(t)
	w := newMetaWorkspace(t, h)
	pet := w.createObject("pet", "pets")
	person, company := w.objectNamed("person"), w.objectNamed("company")
	unknown := "00000000-0000-4000-8000-000000000000"
	tests := []struct{ name, input, msg string }{
		{"unknown target", morphInput(pet.ID, "owner", "MANY_TO_ONE", "Pets", person.ID, unknown), "Morph relation input transpilation failed"},
		{"inverse name taken", morphInput(pet.ID, "owner", "MANY_TO_ONE", "City", person.ID), `Name "city" is not available as it is already used by another field`},
		{"targets the source", morphInput(pet.ID, "owner", "MANY_TO_ONE", "Pets", person.ID, pet.ID), "Morph relation creation payloads must not target source object metadata"},
		{"one target twice", morphInput(pet.ID, "owner", "MANY_TO_ONE", "Pets", company.ID, company.ID),
			"Morph relation creation payloads must have only relation to the same object metadata"},
		{"no payload", fmt.Sprintf(`{"objectMetadataId":%q,"type":"MORPH_RELATION","name":"owner","label":"Owner"}`, pet.ID), "Relation creation payload is required"},
	}
	for _, tt := range tests {
		_, err := w.call("fields", "create_one", "", tt.input)
		wantError(t, tt.name, err, connect.CodeInvalidArgument, tt.msg)
	}
	// Nothing of a refused morph relation was written, not even the fields of its valid targets.
	if _, ok := fieldNamed(w.objectNamed("pet"), "ownerPerson"); ok {
		t.Error("a refused morph relation left pet.ownerPerson")
	}
	if n := w.columnCount("pet", "ownerPersonId"); n != 0 {
		t.Error("a refused morph relation left its join column")
	}
}
