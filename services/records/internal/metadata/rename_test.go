package metadata

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRenameObject(t *testing.T) {
	rocket := CustomObject("rocket", "rockets", "Rocket", "Rockets")
	rocket.Fields = append(rocket.Fields, manyToOne("company", "Company", "", "company", "rockets", SetNull))
	all := append(StandardObjects(), rocket)
	for _, l := range CustomObjectLinks(rocket) {
		k := slices.IndexFunc(all, func(o Object) bool { return o.NameSingular == l.Object })
		all[k].Fields = append(slices.Clone(all[k].Fields), l.Field)
	}
	company := slices.IndexFunc(all, func(o Object) bool { return o.NameSingular == "company" })
	all[company].Fields = append(all[company].Fields, oneToMany("rockets", "Rockets", "", "rocket", "company"))
	if err := ValidateSchema(all); err != nil {
		t.Fatal(err)
	}
	snapshot := cloneObjects(all)

	got, renamed, err := RenameObject(all, "rocket", "spaceship", "spaceships", "Spaceship")
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateSchema(got); err != nil {
		t.Errorf("the renamed schema does not validate: %v", err)
	}
	if diff := cmp.Diff(snapshot, all); diff != "" {
		t.Errorf("RenameObject changed its input (-before +after):\n%s", diff)
	}
	type rel struct{ Object, Field, Target, TargetField, Label string }
	var relations []rel
	for _, o := range got {
		for _, f := range o.Fields {
			if f.Relation != nil && (f.Relation.TargetObjectNameSingular == "spaceship" || o.NameSingular == "spaceship") {
				relations = append(relations, rel{o.NameSingular, f.Name, f.Relation.TargetObjectNameSingular, f.Relation.TargetFieldName, f.Label})
			}
		}
	}
	want := []rel{
		{"attachment", "spaceship", "spaceship", "attachments", "Spaceship"},
		{"company", "rockets", "spaceship", "company", "Rockets"}, // a relation of its own keeps its name
		{"favorite", "spaceship", "spaceship", "favorites", "Spaceship"},
		{"noteTarget", "spaceship", "spaceship", "noteTargets", "Spaceship"},
		{"spaceship", "timelineActivities", "timelineActivity", "targetSpaceship", "Timeline Activities"},
		{"spaceship", "favorites", "favorite", "spaceship", "Favorites"},
		{"spaceship", "attachments", "attachment", "spaceship", "Attachments"},
		{"spaceship", "noteTargets", "noteTarget", "spaceship", "Notes"},
		{"spaceship", "taskTargets", "taskTarget", "spaceship", "Tasks"},
		{"spaceship", "company", "company", "rockets", "Company"},
		{"taskTarget", "spaceship", "spaceship", "taskTargets", "Spaceship"},
		{"timelineActivity", "targetSpaceship", "spaceship", "timelineActivities", "Spaceship"},
	}
	sortRel := func(a, b rel) int {
		if c := strings.Compare(a.Object, b.Object); c != 0 {
			return c
		}
		return strings.Compare(a.Field, b.Field)
	}
	slices.SortFunc(want, sortRel)
	slices.SortFunc(relations, sortRel)
	if diff := cmp.Diff(want, relations); diff != "" {
		t.Errorf("relations of the renamed object (-want +got):\n%s", diff)
	}
	var names []string
	for _, r := range renamed {
		names = append(names, r.Object+"."+r.From.Name+" -> "+r.To.Name)
	}
	slices.Sort(names)
	wantNames := []string{"attachment.rocket -> spaceship", "favorite.rocket -> spaceship", "noteTarget.rocket -> spaceship",
		"taskTarget.rocket -> spaceship", "timelineActivity.targetRocket -> targetSpaceship"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("renamed link fields (-want +got):\n%s", diff)
	}
}

func cloneObjects(all []Object) []Object {
	out := make([]Object, len(all))
	for i, o := range all {
		o.Fields = slices.Clone(o.Fields)
		for j, f := range o.Fields {
			if f.Relation != nil {
				r := *f.Relation
				o.Fields[j].Relation = &r
			}
		}
		out[i] = o
	}
	return out
}
