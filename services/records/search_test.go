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
