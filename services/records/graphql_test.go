package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/ids"
)

// gqlCall sends a GraphQL request through the records contract and decodes the response body.
func gqlCall(t *testing.T, c recordsv1connect.RecordsServiceClient, ws string, actor *recordsv1.Actor, query string) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	res, err := c.GraphQL(context.Background(), &recordsv1.GraphQLRequest{WorkspaceId: ws, Actor: actor, BodyJson: body})
	if err != nil {
		t.Fatalf("GraphQL %s: %v", query, err)
	}
	var out map[string]any
	if err := json.Unmarshal(res.GetBodyJson(), &out); err != nil {
		t.Fatalf("GraphQL body %s: %v", res.GetBodyJson(), err)
	}
	return out
}

func TestGraphQL(t *testing.T) {
	h := newHarness(t)
	ws := h.workspace(t)
	if _, err := h.client.InitWorkspace(context.Background(), &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	member, user := ids.NewUUID(), ids.NewUUID()
	actor := &recordsv1.Actor{Source: "MANUAL", WorkspaceMemberId: member, UserId: user, Name: "Tim Apple"}
	p1, p2 := ids.NewUUID(), ids.NewUUID()
	steps := []struct {
		name, query, want string
		event             string // the name of the event batch the step sends
	}{{
		name:  "createPeople, createdBy from the actor",
		query: `mutation { createPeople(data: [{id: "` + p1 + `", city: "a"}, {id: "` + p2 + `", city: "b"}]) { id city createdBy { source workspaceMemberId name } } }`,
		want: `{"data":{"createPeople":[{"id":"` + p1 + `","city":"a","createdBy":{"source":"MANUAL","workspaceMemberId":"` + member + `","name":"Tim Apple"}},
  {"id":"` + p2 + `","city":"b","createdBy":{"source":"MANUAL","workspaceMemberId":"` + member + `","name":"Tim Apple"}}]}}`,
		event: "person.created",
	}, {
		name:  "the REST records are the GraphQL ones",
		query: `{ people(orderBy: [{city: AscNullsFirst}]) { totalCount edges { node { city } } } }`,
		want:  `{"data":{"people":{"totalCount":2,"edges":[{"node":{"city":"a"}},{"node":{"city":"b"}}]}}}`,
	}, {
		name:  "updatePerson",
		query: `mutation { updatePerson(id: "` + p1 + `", data: {city: "c"}) { city } }`,
		want:  `{"data":{"updatePerson":{"city":"c"}}}`, event: "person.updated",
	}, {
		name:  "deletePeople",
		query: `mutation { deletePeople(filter: {city: {eq: "b"}}) { id } }`,
		want:  `{"data":{"deletePeople":[{"id":"` + p2 + `"}]}}`, event: "person.deleted",
	}, {
		name:  "the empty filter guard",
		query: `mutation { destroyPeople(filter: {}) { id } }`,
		want: `{"errors":[{"message":"A non-empty filter is required","locations":[{"line":1,"column":12}],"path":["destroyPeople"],
  "extensions":{"code":"BAD_USER_INPUT","subCode":"INVALID_QUERY_INPUT","userFriendlyMessage":"An error occurred."}}],"data":{"destroyPeople":null}}`,
	}, {
		name:  "a document that does not parse",
		query: `{ people {`,
		want:  `{"errors":[{"message":"Syntax Error: Expected Name, found <EOF>","locations":[{"line":1,"column":11}],"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`,
	}}
	for _, s := range steps {
		sent := len(h.sentEvents(t))
		got := gqlCall(t, h.client, ws, actor, s.query)
		var want map[string]any
		if err := json.Unmarshal([]byte(s.want), &want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.name, diff)
		}
		var names []string
		for _, b := range h.sentEvents(t)[sent:] {
			names = append(names, b.GetName())
			for _, e := range b.GetEvents() {
				if e.GetUserId() != user || e.GetWorkspaceMemberId() != member {
					t.Errorf("%s: event of %s by user %q member %q", s.name, e.GetRecordId(), e.GetUserId(), e.GetWorkspaceMemberId())
				}
			}
		}
		var wantNames []string
		if s.event != "" {
			wantNames = []string{s.event}
		}
		if diff := cmp.Diff(wantNames, names); diff != "" {
			t.Errorf("%s: events (-want +got):\n%s", s.name, diff)
		}
	}
	// A workspace that was never initialised has no API.
	body, _ := json.Marshal(map[string]any{"query": "{ people { totalCount } }"})
	if _, err := h.client.GraphQL(context.Background(), &recordsv1.GraphQLRequest{WorkspaceId: h.workspace(t), BodyJson: body}); err == nil {
		t.Error("GraphQL on an uninitialised workspace succeeded")
	}
}

// TestGraphQLSeesAnObjectCreatedElsewhere creates a custom object through another isolate: the
// next GraphQL request of this one, whose cached schema lacks it, queries and creates its
// records.
func TestGraphQLSeesAnObjectCreatedElsewhere(t *testing.T) {
	h := newHarness(t)
	w := newMetaWorkspace(t, h)
	api := &recordsv1.Actor{Source: "API"}
	if got := gqlCall(t, h.client, w.id, api, `{ people { totalCount } }`); got["errors"] != nil {
		t.Fatalf("people = %v", got)
	}
	other := h.otherIsolate(t)
	if _, err := callMetadata(other, w.id, "objects", "create_one", "",
		`{"nameSingular":"rocket","namePlural":"rockets","labelSingular":"Rocket","labelPlural":"Rockets"}`); err != nil {
		t.Fatal(err)
	}
	got := gqlCall(t, h.client, w.id, api, `mutation { createRocket(data: {name: "Saturn V"}) { name createdBy { source } } }`)
	want := map[string]any{"data": map[string]any{"createRocket": map[string]any{"name": "Saturn V", "createdBy": map[string]any{"source": "API"}}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("createRocket (-want +got):\n%s", diff)
	}
	got = gqlCall(t, h.client, w.id, api, `{ rockets { totalCount edges { node { name } } } }`)
	want = map[string]any{"data": map[string]any{"rockets": map[string]any{"totalCount": 1.0, "edges": []any{map[string]any{"node": map[string]any{"name": "Saturn V"}}}}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rockets (-want +got):\n%s", diff)
	}
	// A field added elsewhere to an object already known: the stamp tells the cached schema is old.
	if _, err := callMetadata(other, w.id, "fields", "create_one", "",
		`{"objectMetadataId":"`+objectID(t, h, w.id, "rocket")+`","type":"NUMBER","name":"stages","label":"Stages"}`); err != nil {
		t.Fatal(err)
	}
	got = gqlCall(t, h.client, w.id, api, `mutation { updateRockets(filter: {name: {eq: "Saturn V"}}, data: {stages: 3}) { stages } }`)
	want = map[string]any{"data": map[string]any{"updateRockets": []any{map[string]any{"stages": 3.0}}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("updateRockets (-want +got):\n%s", diff)
	}
}

// objectID reads the metadata id of object name in workspace ws.
func objectID(t *testing.T, h *harness, ws, name string) string {
	t.Helper()
	var id string
	if err := h.control.QueryRow(`SELECT json_extract(definition, '$.ID') FROM object_metadata WHERE workspace_id = ? AND name_singular = ?`, ws, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
