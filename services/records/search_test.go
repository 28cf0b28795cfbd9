package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// TestGraphQLSearch runs search through the records contract, on a workspace's shard: the
// workspace's first search creates its indexes over the records already there.
func TestGraphQLSearch(t *testing.T) {
	h := newHarness(t)
	ws := h.workspace(t)
	if _, err := h.client.InitWorkspace(context.Background(), &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	actor := &recordsv1.Actor{Source: "MANUAL", WorkspaceMemberId: ids.NewUUID(), UserId: ids.NewUUID(), Name: "Tim Apple"}
	gqlCall(t, h.client, ws, actor, `mutation { createPerson(data: {name: {firstName: "Hélène", lastName: "Yourcenar"}}) { id } }`)
	got := gqlCall(t, h.client, ws, actor, `{ search(searchInput: "helen", limit: 5) { edges { node { label objectNameSingular } } } }`)
	if s := jsonString(t, got); !strings.Contains(s, `"label":"Hélène Yourcenar"`) {
		t.Errorf("search = %s", s)
	}
	gqlCall(t, h.client, ws, actor, `mutation { createCompany(data: {name: "Lettres"}) { id } }`)
	got = gqlCall(t, h.client, ws, actor, `{ search(searchInput: "lett", limit: 5) { edges { node { label objectNameSingular } } } }`)
	if s := jsonString(t, got); !strings.Contains(s, `"label":"Lettres"`) {
		t.Errorf("search after a create = %s", s)
	}
}

func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSearchFollowsTheLabelIdentifier checks that a custom object searched by its name is
// searched by another field once that field names its records.
func TestSearchFollowsTheLabelIdentifier(t *testing.T) {
	h := newHarness(t)
	w := newMetaWorkspace(t, h)
	api := &recordsv1.Actor{Source: "API"}
	if _, err := callMetadata(h.client, w.id, "objects", "create_one", "",
		`{"nameSingular":"rocket","namePlural":"rockets","labelSingular":"Rocket","labelPlural":"Rockets"}`); err != nil {
		t.Fatal(err)
	}
	rocket := objectID(t, h, w.id, "rocket")
	raw, err := callMetadata(h.client, w.id, "fields", "create_one", "", `{"objectMetadataId":"`+rocket+`","type":"TEXT","name":"code","label":"Code"}`)
	if err != nil {
		t.Fatal(err)
	}
	var code struct{ ID string }
	if err := json.Unmarshal(raw, &code); err != nil || code.ID == "" {
		t.Fatalf("field %s: %v", raw, err)
	}
	gqlCall(t, h.client, w.id, api, `mutation { createRocket(data: {name: "Saturn", code: "XJ9"}) { id } }`)
	search := func(q string) string {
		return jsonString(t, gqlCall(t, h.client, w.id, api, `{ search(searchInput: "`+q+`", limit: 5) { edges { node { label } } } }`))
	}
	if got := search("satu"); !strings.Contains(got, `"label":"Saturn"`) {
		t.Errorf("search by name = %s", got)
	}
	if got := search("xj9"); strings.Contains(got, "label") {
		t.Errorf("search by code before it names the rockets = %s", got)
	}
	if _, err := callMetadata(h.client, w.id, "objects", "update_one", rocket, `{"labelIdentifierFieldMetadataId":"`+code.ID+`"}`); err != nil {
		t.Fatal(err)
	}
	if got := search("xj9"); !strings.Contains(got, `"label":"XJ9"`) {
		t.Errorf("search by code once it names the rockets = %s", got)
	}
}
