package gqlapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// objectsWithIDs returns objects() with ids prefixed by prefix, as another workspace has them.
func objectsWithIDs(prefix string) []metadata.Object {
	objs := objects()
	for i := range objs {
		objs[i].ID = prefix + objs[i].NameSingular
		for j := range objs[i].Fields {
			objs[i].Fields[j].ID = prefix + objs[i].NameSingular + "." + objs[i].Fields[j].Name
		}
	}
	return objs
}

func TestSchemasShareTheExecutableSchemaOfTheSameSDL(t *testing.T) {
	c := NewSchemas(4)
	a, err := c.New(objectsWithIDs("a-"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.New(objectsWithIDs("b-"))
	if err != nil {
		t.Fatal(err)
	}
	if a.gql != b.gql {
		t.Error("two workspaces with the same objects (other ids) got two executable schemas")
	}
	if a.m == b.m {
		t.Error("two workspaces share a model")
	}
	// Their aggregate fields (all in the SDL) are one copy, not one per workspace.
	shared := 0
	for _, ta := range a.m.types {
		tb := b.m.byName[ta.obj.NameSingular]
		if len(ta.aggregates) == 0 || tb == nil {
			continue
		}
		if &ta.aggregates[0] != &tb.aggregates[0] {
			t.Errorf("%s: two workspaces hold two copies of its aggregate fields", ta.name)
		}
		shared++
	}
	if shared == 0 {
		t.Error("no type with aggregate fields to compare")
	}
	fewer, err := c.New(metadata.StandardObjects())
	if err != nil {
		t.Fatal(err)
	}
	if fewer.gql == a.gql {
		t.Error("a workspace without the custom object got the schema of one with it")
	}
	single, err := New(objects())
	if err != nil {
		t.Fatal(err)
	}
	if single.gql == a.gql {
		t.Error("New shared a schema, want a builder of its own")
	}
}

// TestSharedSchemaRunsOnTheCallersModel: a workspace served by a schema first built for another
// workspace gets its own objects in its resolvers (its record events name its own object ids).
func TestSharedSchemaRunsOnTheCallersModel(t *testing.T) {
	f := newFixture(t)
	c := NewSchemas(4)
	if _, err := c.New(objectsWithIDs("first-")); err != nil {
		t.Fatal(err)
	}
	second, err := c.New(objectsWithIDs("second-"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	resp := second.Execute(t.Context(), Request{DB: f.db, WorkspaceID: ws, Actor: actor,
		OnChange: func(obj metadata.Object, action Action, changes []engine.Change) {
			got = append(got, obj.ID+" "+string(action))
		}}, graphql.Request{Query: `mutation { createPet(data: {name: "Rex"}) { name } }`})
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %v", resp.Errors)
	}
	if diff := cmp.Diff([]string{"second-pet created"}, got); diff != "" {
		t.Errorf("record events (-want +got):\n%s", diff)
	}
}
