package main

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

func TestMetadataRenameObject(t *testing.T) {
	h := newHarness(t)
	w := newMetaWorkspace(t, h)
	o := w.createObject("rocket", "rockets")
	rockets, err := w.createRecords("rockets", `[{"name":"Apollo"},{"name":"Soyuz"}]`)
	if err != nil {
		t.Fatal(err)
	}
	notes, err := w.createRecords("notes", `[{"title":"launch"}]`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.createRecords("noteTargets", fmt.Sprintf(`[{"noteId":%q,"rocketId":%q}]`, notes[0]["id"], rockets[0]["id"])); err != nil {
		t.Fatal(err)
	}
	// Another isolate holds the old schema.
	other := h.otherIsolate(t)
	if _, err := other.FindMany(context.Background(), &recordsv1.FindManyRequest{WorkspaceId: w.id, ObjectNamePlural: "rockets", Query: recordquery.ToProto(&recordquery.Query{Limit: 5})}); err != nil {
		t.Fatal(err)
	}

	var renamed metadata.ObjectDTO
	w.must("objects", "update_one", o.ID, `{"nameSingular":"spaceship","namePlural":"spaceships","labelSingular":"Spaceship","labelPlural":"Spaceships"}`, &renamed)
	if renamed.ID != o.ID || renamed.NameSingular != "spaceship" || renamed.NamePlural != "spaceships" || renamed.LabelSingular != "Spaceship" {
		t.Errorf("renamed = %s %s/%s %q", renamed.ID, renamed.NameSingular, renamed.NamePlural, renamed.LabelSingular)
	}
	// Its records and their links moved with it, in this isolate and the other.
	var names []string
	for _, r := range w.findRecords("spaceships") {
		names = append(names, r["name"].(string))
	}
	slices.Sort(names)
	if diff := cmp.Diff([]string{"Apollo", "Soyuz"}, names); diff != "" {
		t.Errorf("spaceships (-want +got):\n%s", diff)
	}
	if res, err := other.FindMany(context.Background(), &recordsv1.FindManyRequest{WorkspaceId: w.id, ObjectNamePlural: "spaceships", Query: recordquery.ToProto(&recordquery.Query{Limit: 5})}); err != nil || res.GetTotalCount() != 2 {
		t.Errorf("spaceships in another isolate = %v, %v; want the 2 records", res, err)
	}
	if _, err := w.createRecords("rockets", `[{"name":"Vostok"}]`); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("records under the old name: %v, want invalid argument", err)
	}
	targets := w.findRecords("noteTargets")
	if len(targets) != 1 || targets[0]["spaceshipId"] != rockets[0]["id"] {
		t.Errorf("noteTargets = %v, want the one pointing at %v by spaceshipId", targets, rockets[0]["id"])
	}
	link, ok := fieldNamed(w.objectNamed("noteTarget"), "spaceship")
	if !ok || link.Label != "Spaceship" || link.Relation == nil || link.Relation.TargetObjectMetadata.ID != o.ID || link.Relation.TargetObjectMetadata.NameSingular != "spaceship" {
		t.Errorf("noteTarget.spaceship = %+v, relation %+v", link, link.Relation)
	}
	if _, ok := fieldNamed(w.objectNamed("timelineActivity"), "targetSpaceship"); !ok {
		t.Error("timelineActivity has no targetSpaceship")
	}
	inverse, _ := fieldNamed(renamed, "noteTargets")
	if inverse.Relation == nil || inverse.Relation.TargetFieldMetadata.Name != "spaceship" {
		t.Errorf("spaceship.noteTargets relation = %+v, want its target field spaceship", inverse.Relation)
	}
	// No table or index keeps the old name, and the foreign keys follow the new table: deleting a
	// spaceship cascades to its note target.
	if n := count(t, w.shard, `SELECT count(*) FROM sqlite_master WHERE name LIKE '%rocket%' OR sql LIKE '%rocket%'`); n != 0 {
		t.Errorf("%d schema entries still name rocket", n)
	}
	table, _ := ddl.TableName(w.id, "spaceship")
	if _, err := w.shard.Exec(`DELETE FROM "`+table+`" WHERE id = ?`, rockets[0]["id"]); err != nil {
		t.Fatal(err)
	}
	if got := w.findRecords("noteTargets"); len(got) != 0 {
		t.Errorf("noteTargets after their spaceship was destroyed = %v, want none", got)
	}

	// Names that follow the labels follow new labels.
	var fish metadata.ObjectDTO
	w.must("objects", "create_one", "", `{"nameSingular":"fish","namePlural":"fishes","labelSingular":"Fish","labelPlural":"Fishes","isLabelSyncedWithName":true}`, &fish)
	var cat metadata.ObjectDTO
	w.must("objects", "update_one", fish.ID, `{"labelSingular":"Cat","labelPlural":"Cats"}`, &cat)
	if cat.NameSingular != "cat" || cat.NamePlural != "cats" {
		t.Errorf("synced object after new labels = %s/%s, want cat/cats", cat.NameSingular, cat.NamePlural)
	}
	if _, err := w.createRecords("cats", `[{"name":"Tom"}]`); err != nil {
		t.Errorf("records of the renamed synced object: %v", err)
	}

	for _, tt := range []struct{ name, input, msg string }{
		{"a taken name", `{"nameSingular":"person","namePlural":"spaceshipz"}`, "Object already exists"},
		{"names not synced with labels", `{"nameSingular":"dog","namePlural":"dogs"}`, "Names are not synced with labels"},
		{"same names", `{"nameSingular":"ship","namePlural":"ship"}`, "The singular and plural names cannot be the same for an object"},
	} {
		id := o.ID
		if tt.name == "names not synced with labels" {
			id = fish.ID
		}
		_, err := w.call("objects", "update_one", id, tt.input)
		wantError(t, tt.name, err, connect.CodeInvalidArgument, tt.msg)
	}
}
