package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// Ids of the fake workspace: person (P), company (C) and pet (X, custom and inactive), each with
// fields numbered from 1. Lists go by id descending: X, C, P.
const (
	objP = "10000000-0000-4000-8000-000000000000"
	objC = "20000000-0000-4000-8000-000000000000"
	objX = "30000000-0000-4000-8000-000000000000"
)

func fieldID(object string, n int) string { return object[:len(object)-1] + string(rune('0'+n)) }

// metadataWorkspaceJSON is the fake workspace's objects as Twenty shows them (FindObjects's, rendered).
var metadataWorkspaceJSON = `[
{"id":"` + objP + `","nameSingular":"person","namePlural":"people","labelSingular":"Person","labelPlural":"People","icon":"IconUser",
 "isCustom":false,"isRemote":false,"isActive":true,"isSystem":false,"isSearchable":true,"isLabelSyncedWithName":false,
 "labelIdentifierFieldMetadataId":"` + fieldID(objP, 1) + `","imageIdentifierFieldMetadataId":null,"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-02T00:00:00.000Z",
 "fields":[
  {"id":"` + fieldID(objP, 1) + `","type":"FULL_NAME","name":"name","label":"Name","isCustom":false,"isActive":true,"isSystem":false,"isNullable":true,"isUnique":false,
   "defaultValue":{"firstName":"''","lastName":"''"},"options":null,"settings":null,"objectMetadataId":"` + objP + `","isLabelSyncedWithName":false,"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"},
  {"id":"` + fieldID(objP, 2) + `","type":"RELATION","name":"company","label":"Company","isCustom":false,"isActive":true,"isSystem":false,"isNullable":true,"isUnique":false,
   "defaultValue":null,"options":null,"settings":{"relationType":"MANY_TO_ONE","joinColumnName":"companyId"},"objectMetadataId":"` + objP + `","isLabelSyncedWithName":false,"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z",
   "relation":{"type":"MANY_TO_ONE","sourceObjectMetadata":{"id":"` + objP + `","nameSingular":"person","namePlural":"people"},"targetObjectMetadata":{"id":"` + objC + `","nameSingular":"company","namePlural":"companies"},
    "sourceFieldMetadata":{"id":"` + fieldID(objP, 2) + `","name":"company"},"targetFieldMetadata":{"id":"` + fieldID(objC, 2) + `","name":"people"}}}]},
{"id":"` + objC + `","nameSingular":"company","namePlural":"companies","labelSingular":"Company","labelPlural":"Companies",
 "isCustom":false,"isRemote":false,"isActive":true,"isSystem":false,"isSearchable":true,"isLabelSyncedWithName":false,
 "labelIdentifierFieldMetadataId":null,"imageIdentifierFieldMetadataId":null,"duplicateCriteria":[["name"]],"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z",
 "fields":[
  {"id":"` + fieldID(objC, 1) + `","type":"TEXT","name":"name","label":"Name","isCustom":false,"isActive":true,"isSystem":false,"isNullable":false,"isUnique":false,
   "defaultValue":"''","options":null,"settings":null,"objectMetadataId":"` + objC + `","isLabelSyncedWithName":false,"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"},
  {"id":"` + fieldID(objC, 2) + `","type":"RELATION","name":"people","label":"People","isCustom":false,"isActive":true,"isSystem":false,"isNullable":true,"isUnique":false,
   "defaultValue":null,"options":null,"settings":{"relationType":"ONE_TO_MANY"},"objectMetadataId":"` + objC + `","isLabelSyncedWithName":false,"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z",
   "relation":{"type":"ONE_TO_MANY","sourceObjectMetadata":{"id":"` + objC + `","nameSingular":"company","namePlural":"companies"},"targetObjectMetadata":{"id":"` + objP + `","nameSingular":"person","namePlural":"people"},
    "sourceFieldMetadata":{"id":"` + fieldID(objC, 2) + `","name":"people"},"targetFieldMetadata":{"id":"` + fieldID(objP, 2) + `","name":"company"}}}]},
{"id":"` + objX + `","nameSingular":"pet","namePlural":"pets","labelSingular":"Pet","labelPlural":"Pets",
 "isCustom":true,"isRemote":false,"isActive":false,"isSystem":false,"isSearchable":false,"isLabelSyncedWithName":true,
 "labelIdentifierFieldMetadataId":"` + fieldID(objX, 1) + `","imageIdentifierFieldMetadataId":null,"createdAt":"2026-02-01T00:00:00.000Z","updatedAt":"2026-02-01T00:00:00.000Z",
 "fields":[
  {"id":"` + fieldID(objX, 1) + `","type":"TEXT","name":"name","label":"Name","isCustom":false,"isActive":true,"isSystem":false,"isNullable":true,"isUnique":false,
   "defaultValue":"''","options":null,"settings":null,"objectMetadataId":"` + objX + `","isLabelSyncedWithName":false,"createdAt":"2026-02-01T00:00:00.000Z","updatedAt":"2026-02-01T00:00:00.000Z"},
  {"id":"` + fieldID(objX, 2) + `","type":"MORPH_RELATION","name":"targetPerson","label":"Target","isCustom":false,"isActive":true,"isSystem":false,"isNullable":true,"isUnique":false,
   "defaultValue":null,"options":null,"settings":null,"objectMetadataId":"` + objX + `","isLabelSyncedWithName":false,"createdAt":"2026-02-01T00:00:00.000Z","updatedAt":"2026-02-01T00:00:00.000Z","morphId":"m-1",
   "relation":{"type":"MANY_TO_ONE","sourceObjectMetadata":{"id":"` + objX + `","nameSingular":"pet","namePlural":"pets"},"targetObjectMetadata":{"id":"` + objP + `","nameSingular":"person","namePlural":"people"},
    "sourceFieldMetadata":{"id":"` + fieldID(objX, 2) + `","name":"targetPerson"},"targetFieldMetadata":{"id":"","name":"pets"}}},
  {"id":"` + fieldID(objX, 3) + `","type":"MORPH_RELATION","name":"targetCompany","label":"Target","isCustom":false,"isActive":true,"isSystem":false,"isNullable":true,"isUnique":false,
   "defaultValue":null,"options":null,"settings":null,"objectMetadataId":"` + objX + `","isLabelSyncedWithName":false,"createdAt":"2026-02-01T00:00:00.000Z","updatedAt":"2026-02-01T00:00:00.000Z","morphId":"m-1",
   "relation":{"type":"MANY_TO_ONE","sourceObjectMetadata":{"id":"` + objX + `","nameSingular":"pet","namePlural":"pets"},"targetObjectMetadata":{"id":"` + objC + `","nameSingular":"company","namePlural":"companies"},
    "sourceFieldMetadata":{"id":"` + fieldID(objX, 3) + `","name":"targetCompany"},"targetFieldMetadata":{"id":"","name":"pets"}}},
  {"id":"` + fieldID(objX, 4) + `","type":"SELECT","name":"mood","label":"Mood","isCustom":true,"isActive":true,"isSystem":false,"isNullable":true,"isUnique":false,
   "defaultValue":"'HAPPY'","options":[{"id":"40000000-0000-4000-8000-000000000001","value":"HAPPY","label":"Happy","color":"green","position":0}],"settings":null,
   "objectMetadataId":"` + objX + `","isLabelSyncedWithName":false,"createdAt":"2026-02-02T00:00:00.000Z","updatedAt":"2026-02-03T00:00:00.000Z"}]}
]`

// fakeMetadataStore is a records Worker answering the metadata RPCs over a fixed workspace and
// recording every call.
type fakeMetadataStore struct {
	mu    sync.Mutex
	calls []metadataCall
}

func (f *fakeMetadataStore) handle(req metadataCall) ([]byte, error) {
	f.mu.Lock()
	f.calls = append(f.calls, req)
	f.mu.Unlock()
	var objects []map[string]any
	if err := json.Unmarshal([]byte(metadataWorkspaceJSON), &objects); err != nil {
		return nil, err
	}
	answer := json.Marshal
	find := func(id string) map[string]any {
		for _, o := range objects {
			if o["id"] == id {
				return o
			}
			for _, fl := range o["fields"].([]any) {
				if fm := fl.(map[string]any); fm["id"] == id {
					return fm
				}
			}
		}
		return nil
	}
	var input map[string]any
	if req.Input != "" {
		if err := json.Unmarshal([]byte(req.Input), &input); err != nil {
			return nil, err
		}
	}
	switch req.Operation {
	case "find_many":
		return answer(objects)
	case "find_one", "update_one", "delete_one":
		switch found := find(req.ID); {
		case req.ID == "boom":
			return nil, errors.New("the shard is on fire")
		case req.ID == "stale":
			return nil, connect.NewError(connect.CodeAborted, errors.New("The data model of this workspace changed while this request ran; try again"))
		case found == nil:
			return nil, connect.NewError(connect.CodeNotFound, errors.New("Object metadata with id "+req.ID+" not found"))
		case req.Operation == "update_one":
			for k, v := range input {
				found[k] = v
			}
		case req.Operation == "delete_one":
			delete(found, "fields")
		}
		return answer(find(req.ID))
	case "create_one":
		if input["name"] == "taken" {
			return nil, connect.NewError(connect.CodeInvalidArgument, errors.New(`Name "taken" is not available as it is already used by another field`))
		}
		created := map[string]any{"id": "50000000-0000-4000-8000-000000000000", "isCustom": true, "createdAt": "2026-03-01T00:00:00.000Z", "updatedAt": "2026-03-01T00:00:00.000Z"}
		for k, v := range input {
			created[k] = v
		}
		if req.Kind == "objects" {
			created["fields"] = []any{map[string]any{"id": "50000000-0000-4000-8000-000000000001", "type": "TEXT", "name": "name", "label": "Name",
				"objectMetadataId": created["id"], "createdAt": "2026-03-01T00:00:00.000Z", "updatedAt": "2026-03-01T00:00:00.000Z"}}
		}
		return answer(created)
	}
	return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("unknown operation"))
}

// gqlAnswer is a GraphQL response as the tests read it.
type gqlAnswer struct {
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Path       []any
		Extensions map[string]any
	}
}

// metadataStack is a gateway whose records Worker is a fakeMetadataStore.
func metadataStack(t *testing.T) (*stack, *fakeMetadataStore) {
	t.Helper()
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	fake := &fakeMetadataStore{}
	mux := http.NewServeMux()
	mux.Handle(recordsv1connect.NewRecordsServiceHandler(&metadataRPC{handle: fake.handle}, rpc.HandlerOptions()...))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.gw.records = recordsv1connect.NewRecordsServiceClient(srv.Client(), srv.URL)
	return s, fake
}

// gqlPost posts a GraphQL operation to /metadata with token (none when empty).
func (s *stack) gqlPost(t *testing.T, token, query string, vars map[string]any) gqlAnswer {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	headers := []string{"Content-Type", "application/json"}
	if token != "" {
		headers = append(headers, "Authorization", "Bearer "+token)
	}
	rec := s.do(t, http.MethodPost, "/metadata", string(body), headers...)
	if rec.Code != http.StatusOK {
		t.Fatalf("POST /metadata = %d %s", rec.Code, rec.Body)
	}
	return decode[gqlAnswer](t, rec)
}

// jsonOf parses s for comparisons that ignore spacing and key order.
func jsonOf(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

func cursorOf(id string) string { return metaCursor(id) }

func TestMetadataGraphQLQueries(t *testing.T) {
	s, fake := metadataStack(t)
	token := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	const page = `pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount`
	tests := []struct {
		name, query string
		vars        map[string]any
		want        string
	}{
		{"objects with the default page", `{ objects { edges { cursor node { id nameSingular } } ` + page + ` } }`, nil,
			`{"objects":{"edges":[
				{"cursor":"` + cursorOf(objX) + `","node":{"id":"` + objX + `","nameSingular":"pet"}},
				{"cursor":"` + cursorOf(objC) + `","node":{"id":"` + objC + `","nameSingular":"company"}},
				{"cursor":"` + cursorOf(objP) + `","node":{"id":"` + objP + `","nameSingular":"person"}}],
			"pageInfo":{"hasNextPage":false,"hasPreviousPage":false,"startCursor":"` + cursorOf(objX) + `","endCursor":"` + cursorOf(objP) + `"},"totalCount":3}}`},
		{"the first object", `query($p: CursorPaging!) { objects(paging: $p) { edges { node { id } } ` + page + ` } }`, map[string]any{"p": map[string]any{"first": 1}},
			`{"objects":{"edges":[{"node":{"id":"` + objX + `"}}],
			"pageInfo":{"hasNextPage":true,"hasPreviousPage":false,"startCursor":"` + cursorOf(objX) + `","endCursor":"` + cursorOf(objX) + `"},"totalCount":3}}`},
		{"the page after a cursor", `{ objects(paging: {first: 1, after: "` + cursorOf(objX) + `"}) { edges { node { id } } ` + page + ` } }`, nil,
			`{"objects":{"edges":[{"node":{"id":"` + objC + `"}}],
			"pageInfo":{"hasNextPage":true,"hasPreviousPage":true,"startCursor":"` + cursorOf(objC) + `","endCursor":"` + cursorOf(objC) + `"},"totalCount":3}}`},
		{"the last two", `{ objects(paging: {last: 2}) { edges { node { id } } ` + page + ` } }`, nil,
			`{"objects":{"edges":[{"node":{"id":"` + objC + `"}},{"node":{"id":"` + objP + `"}}],
			"pageInfo":{"hasNextPage":false,"hasPreviousPage":true,"startCursor":"` + cursorOf(objC) + `","endCursor":"` + cursorOf(objP) + `"},"totalCount":3}}`},
		{"the page before a cursor", `{ objects(paging: {last: 1, before: "` + cursorOf(objP) + `"}) { edges { node { id } } ` + page + ` } }`, nil,
			`{"objects":{"edges":[{"node":{"id":"` + objC + `"}}],
			"pageInfo":{"hasNextPage":true,"hasPreviousPage":true,"startCursor":"` + cursorOf(objC) + `","endCursor":"` + cursorOf(objC) + `"},"totalCount":3}}`},
		{"an empty page", `{ objects(paging: {first: 5, after: "` + cursorOf(objP) + `"}) { edges { node { id } } ` + page + ` } }`, nil,
			`{"objects":{"edges":[],"pageInfo":{"hasNextPage":false,"hasPreviousPage":true,"startCursor":null,"endCursor":null},"totalCount":3}}`},
		{"custom objects", `query($f: ObjectFilter) { objects(filter: $f) { edges { node { nameSingular isCustom isActive } } totalCount } }`,
			map[string]any{"f": map[string]any{"isCustom": map[string]any{"is": true}}},
			`{"objects":{"edges":[{"node":{"nameSingular":"pet","isCustom":true,"isActive":false}}],"totalCount":1}}`},
		{"ids in a list, in any case", `{ objects(filter: {id: {in: ["` + strings.ToUpper(objP) + `", "` + objC + `"]}}) { edges { node { id } } totalCount } }`, nil,
			`{"objects":{"edges":[{"node":{"id":"` + objC + `"}},{"node":{"id":"` + objP + `"}}],"totalCount":2}}`},
		{"or and and", `{ objects(filter: {or: [{isActive: {isNot: true}}, {and: [{id: {like: "1%"}}, {isSystem: {is: false}}]}]}) { edges { node { id } } } }`, nil,
			`{"objects":{"edges":[{"node":{"id":"` + objX + `"}},{"node":{"id":"` + objP + `"}}]}}`},
		{"an id range", `{ objects(filter: {id: {gt: "` + objP + `", lte: "` + objX + `", neq: "` + objC + `"}}) { edges { node { id } } } }`, nil,
			`{"objects":{"edges":[{"node":{"id":"` + objX + `"}}]}}`},
		{"an object's fields, paged and filtered, and its fields list", `{ objects(filter: {id: {eq: "` + objX + `"}}) { edges { node {
				fields(paging: {first: 2}, filter: {isCustom: {is: false}}) { edges { cursor node { name type } } ` + page + ` }
				fieldsList { name } } } } }`, nil,
			`{"objects":{"edges":[{"node":{
				"fields":{"edges":[
					{"cursor":"` + cursorOf(fieldID(objX, 3)) + `","node":{"name":"targetCompany","type":"MORPH_RELATION"}},
					{"cursor":"` + cursorOf(fieldID(objX, 2)) + `","node":{"name":"targetPerson","type":"MORPH_RELATION"}}],
				"pageInfo":{"hasNextPage":true,"hasPreviousPage":false,"startCursor":"` + cursorOf(fieldID(objX, 3)) + `","endCursor":"` + cursorOf(fieldID(objX, 2)) + `"},"totalCount":3},
				"fieldsList":[{"name":"name"},{"name":"targetPerson"},{"name":"targetCompany"},{"name":"mood"}]}}]}}`},
		{"an object's nested fields take ten by default", `{ objects(paging: {first: 1}) { edges { node { fields { totalCount edges { node { id } } } } } } }`, nil,
			`{"objects":{"edges":[{"node":{"fields":{"totalCount":4,"edges":[
				{"node":{"id":"` + fieldID(objX, 4) + `"}},{"node":{"id":"` + fieldID(objX, 3) + `"}},{"node":{"id":"` + fieldID(objX, 2) + `"}},{"node":{"id":"` + fieldID(objX, 1) + `"}}]}}}]}}`},
		{"every field of an object, with its object", `{ fields(paging: {first: 1000}, filter: {objectMetadataId: {eq: "` + objC + `"}}) {
				edges { node { id name objectMetadataId object { nameSingular } } } totalCount } }`, nil,
			`{"fields":{"edges":[
				{"node":{"id":"` + fieldID(objC, 2) + `","name":"people","objectMetadataId":"` + objC + `","object":{"nameSingular":"company"}}},
				{"node":{"id":"` + fieldID(objC, 1) + `","name":"name","objectMetadataId":"` + objC + `","object":{"nameSingular":"company"}}}],"totalCount":2}}`},
		{"fields across objects", `{ fields(paging: {first: 3}, filter: {isCustom: {is: false}}) { edges { node { id } } totalCount pageInfo { hasNextPage } } }`, nil,
			`{"fields":{"edges":[{"node":{"id":"` + fieldID(objX, 3) + `"}},{"node":{"id":"` + fieldID(objX, 2) + `"}},{"node":{"id":"` + fieldID(objX, 1) + `"}}],
				"totalCount":7,"pageInfo":{"hasNextPage":true}}}`},
		{"one object with every DTO field", `{ object(id: "` + objC + `") { id nameSingular namePlural labelSingular labelPlural description icon shortcut isCustom isRemote isActive
				isSystem isSearchable isLabelSyncedWithName labelIdentifierFieldMetadataId imageIdentifierFieldMetadataId duplicateCriteria createdAt updatedAt } }`, nil,
			`{"object":{"id":"` + objC + `","nameSingular":"company","namePlural":"companies","labelSingular":"Company","labelPlural":"Companies","description":null,"icon":null,
				"shortcut":null,"isCustom":false,"isRemote":false,"isActive":true,"isSystem":false,"isSearchable":true,"isLabelSyncedWithName":false,
				"labelIdentifierFieldMetadataId":null,"imageIdentifierFieldMetadataId":null,"duplicateCriteria":[["name"]],
				"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"}}`},
		{"one field with its JSON values", `{ field(id: "` + fieldID(objX, 4) + `") { id type name label isCustom isNullable defaultValue options settings createdAt updatedAt relation { type } } }`, nil,
			`{"field":{"id":"` + fieldID(objX, 4) + `","type":"SELECT","name":"mood","label":"Mood","isCustom":true,"isNullable":true,"defaultValue":"'HAPPY'",
				"options":[{"id":"40000000-0000-4000-8000-000000000001","value":"HAPPY","label":"Happy","color":"green","position":0}],"settings":null,
				"createdAt":"2026-02-02T00:00:00.000Z","updatedAt":"2026-02-03T00:00:00.000Z","relation":null}}`},
		{"a relation, with what the DTO does not name read from the workspace", `{ field(id: "` + fieldID(objP, 2) + `") { morphRelations { type } relation { type
				sourceObjectMetadata { id nameSingular } targetObjectMetadata { id namePlural labelSingular }
				sourceFieldMetadata { id name } targetFieldMetadata { id name label type } } object { labelPlural } } }`, nil,
			`{"field":{"morphRelations":null,"relation":{"type":"MANY_TO_ONE",
				"sourceObjectMetadata":{"id":"` + objP + `","nameSingular":"person"},"targetObjectMetadata":{"id":"` + objC + `","namePlural":"companies","labelSingular":"Company"},
				"sourceFieldMetadata":{"id":"` + fieldID(objP, 2) + `","name":"company"},"targetFieldMetadata":{"id":"` + fieldID(objC, 2) + `","name":"people","label":"People","type":"RELATION"}},
				"object":{"labelPlural":"People"}}}`},
		{"morph relations grouped by morphId", `{ field(id: "` + fieldID(objX, 2) + `") { relation { type } morphRelations { type targetObjectMetadata { nameSingular } sourceFieldMetadata { name } } } }`, nil,
			`{"field":{"relation":null,"morphRelations":[
				{"type":"MANY_TO_ONE","targetObjectMetadata":{"nameSingular":"person"},"sourceFieldMetadata":{"name":"targetPerson"}},
				{"type":"MANY_TO_ONE","targetObjectMetadata":{"nameSingular":"company"},"sourceFieldMetadata":{"name":"targetCompany"}}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.gqlPost(t, token, tt.query, tt.vars)
			if len(got.Errors) > 0 {
				t.Fatalf("errors: %+v", got.Errors)
			}
			if diff := cmp.Diff(jsonOf(t, tt.want), jsonOf(t, string(got.Data))); diff != "" {
				t.Errorf("data (-want +got):\n%s", diff)
			}
		})
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	for _, c := range fake.calls {
		if c.Workspace != "ws-1" {
			t.Errorf("a call for workspace %q, want ws-1: %+v", c.Workspace, c)
		}
	}
}

// TestMetadataGraphQLReadsTheListOnce checks that a connection asks the records Worker for the
// list once and pages it in the gateway.
func TestMetadataGraphQLReadsTheListOnce(t *testing.T) {
	s, fake := metadataStack(t)
	token := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	got := s.gqlPost(t, token, `{ objects(paging: {last: 1}) { edges { node { nameSingular } } totalCount } }`, nil)
	if diff := cmp.Diff(jsonOf(t, `{"objects":{"edges":[{"node":{"nameSingular":"person"}}],"totalCount":3}}`), jsonOf(t, string(got.Data))); diff != "" || len(got.Errors) > 0 {
		t.Errorf("objects %+v (-want +got):\n%s", got.Errors, diff)
	}
	want := []metadataCall{{Workspace: "ws-1", Kind: "objects", Operation: "find_many"}}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if diff := cmp.Diff(want, fake.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestMetadataGraphQLMutations(t *testing.T) {
	s, fake := metadataStack(t)
	token := sign(t, authtoken.APIKeyClaims("k-1", "ws-1", time.Now(), time.Now().Add(time.Hour)))
	tests := []struct {
		name, query string
		vars        map[string]any
		want        string
		call        metadataCall
	}{
		{"createOneObject", `mutation CreateOneObjectMetadataItem($input: CreateOneObjectInput!) { createOneObject(input: $input) { id nameSingular isCustom fields(paging: {first: 5}) { edges { node { name } } } } }`,
			map[string]any{"input": map[string]any{"object": map[string]any{"nameSingular": "rocket", "namePlural": "rockets", "labelSingular": "Rocket", "labelPlural": "Rockets", "icon": "IconRocket", "isLabelSyncedWithName": false}}},
			`{"createOneObject":{"id":"50000000-0000-4000-8000-000000000000","nameSingular":"rocket","isCustom":true,"fields":{"edges":[{"node":{"name":"name"}}]}}}`,
			metadataCall{Workspace: "ws-1", Kind: "objects", Operation: "create_one",
				Input: `{"icon":"IconRocket","isLabelSyncedWithName":false,"labelPlural":"Rockets","labelSingular":"Rocket","namePlural":"rockets","nameSingular":"rocket"}`}},
		{"updateOneObject", `mutation UpdateOneObjectMetadataItem($idToUpdate: UUID!, $updatePayload: UpdateObjectPayload!) {
				updateOneObject(input: {id: $idToUpdate, update: $updatePayload}) { id isActive description } }`,
			map[string]any{"idToUpdate": objX, "updatePayload": map[string]any{"isActive": true, "description": nil}},
			`{"updateOneObject":{"id":"` + objX + `","isActive":true,"description":null}}`,
			metadataCall{Workspace: "ws-1", Kind: "objects", Operation: "update_one", ID: objX, Input: `{"description":null,"isActive":true}`}},
		{"deleteOneObject", `mutation { deleteOneObject(input: {id: "` + objX + `"}) { id nameSingular fieldsList { id } } }`, nil,
			`{"deleteOneObject":{"id":"` + objX + `","nameSingular":"pet","fieldsList":[]}}`,
			metadataCall{Workspace: "ws-1", Kind: "objects", Operation: "delete_one", ID: objX}},
		{"createOneField with options", `mutation CreateOneFieldMetadataItem($input: CreateOneFieldMetadataInput!) { createOneField(input: $input) { id name type options defaultValue objectMetadataId } }`,
			map[string]any{"input": map[string]any{"field": map[string]any{"objectMetadataId": objX, "type": "SELECT", "name": "size", "label": "Size",
				"options": []any{map[string]any{"value": "S", "label": "Small", "color": "blue", "position": 0}}, "defaultValue": "'S'"}}},
			`{"createOneField":{"id":"50000000-0000-4000-8000-000000000000","name":"size","type":"SELECT","options":[{"value":"S","label":"Small","color":"blue","position":0}],
				"defaultValue":"'S'","objectMetadataId":"` + objX + `"}}`,
			metadataCall{Workspace: "ws-1", Kind: "fields", Operation: "create_one",
				Input: `{"defaultValue":"'S'","label":"Size","name":"size","objectMetadataId":"` + objX + `","options":[{"color":"blue","label":"Small","position":0,"value":"S"}],"type":"SELECT"}`}},
		{"createOneField with literals", `mutation { createOneField(input: {field: {objectMetadataId: "` + objX + `", type: TEXT, name: "note", label: "Note", isNullable: false, settings: {displayedMaxRows: 2}}}) { name settings isNullable } }`, nil,
			`{"createOneField":{"name":"note","settings":{"displayedMaxRows":2},"isNullable":false}}`,
			metadataCall{Workspace: "ws-1", Kind: "fields", Operation: "create_one",
				Input: `{"isNullable":false,"label":"Note","name":"note","objectMetadataId":"` + objX + `","settings":{"displayedMaxRows":2},"type":"TEXT"}`}},
		{"updateOneField", `mutation { updateOneField(input: {id: "` + fieldID(objX, 4) + `", update: {label: "Humour", isActive: false}}) { id label isActive object { nameSingular } } }`, nil,
			`{"updateOneField":{"id":"` + fieldID(objX, 4) + `","label":"Humour","isActive":false,"object":{"nameSingular":"pet"}}}`,
			metadataCall{Workspace: "ws-1", Kind: "objects", Operation: "find_many"}},
		{"deleteOneField", `mutation { deleteOneField(input: {id: "` + fieldID(objX, 1) + `"}) { id name } }`, nil,
			`{"deleteOneField":{"id":"` + fieldID(objX, 1) + `","name":"name"}}`,
			metadataCall{Workspace: "ws-1", Kind: "fields", Operation: "delete_one", ID: fieldID(objX, 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.gqlPost(t, token, tt.query, tt.vars)
			if len(got.Errors) > 0 {
				t.Fatalf("errors: %+v", got.Errors)
			}
			if diff := cmp.Diff(jsonOf(t, tt.want), jsonOf(t, string(got.Data))); diff != "" {
				t.Errorf("data (-want +got):\n%s", diff)
			}
			fake.mu.Lock()
			defer fake.mu.Unlock()
			if diff := cmp.Diff(tt.call, fake.calls[len(fake.calls)-1]); diff != "" {
				t.Errorf("last call (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMetadataGraphQLErrors(t *testing.T) {
	s, fake := metadataStack(t)
	access := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	agnostic := sign(t, authtoken.WorkspaceAgnosticClaims("u-1", "password", time.Now(), 0))
	login := sign(t, authtoken.LoginClaims("tim@apple.dev", "ws-1", "password", time.Now(), 0))
	huge := cursorOf(objP)
	tests := []struct {
		name, token, query string
		code, message      string
		calls              bool // whether records was called
	}{
		{"no token", "", `{ objects { totalCount } }`, "UNAUTHENTICATED", "Missing authentication token", false},
		{"a workspace-agnostic token", agnostic, `mutation { deleteOneField(input: {id: "` + objP + `"}) { id } }`, "FORBIDDEN", "Forbidden resource", false},
		{"a login token", login, `{ fields { totalCount } }`, "UNAUTHENTICATED", "Token invalid.", false},
		{"first and last", access, `{ objects(paging: {first: 1, last: 1}) { totalCount } }`, "BAD_USER_INPUT", "Cannot use both first and last", false},
		{"first and before", access, `{ fields(paging: {first: 1, before: "` + huge + `"}) { totalCount } }`, "BAD_USER_INPUT", "Cannot use first with before", false},
		{"last and after", access, `{ objects(paging: {last: 1, after: "` + huge + `"}) { totalCount } }`, "BAD_USER_INPUT", "Cannot use last with after", false},
		{"after and before", access, `{ objects(paging: {after: "` + huge + `", before: "` + huge + `"}) { totalCount } }`, "BAD_USER_INPUT", "Cannot use both after and before", false},
		{"a negative page", access, `{ objects(paging: {first: -1}) { totalCount } }`, "BAD_USER_INPUT", "Page size cannot be negative", false},
		{"a page too large", access, `{ objects(paging: {first: 1001}) { totalCount } }`, "BAD_USER_INPUT", "Requested page size of 1001 exceeds the maximum size of 1000", false},
		{"a cursor that is not one", access, `{ objects(paging: {after: "nope"}) { totalCount } }`, "BAD_USER_INPUT", "Invalid cursor: nope", false},
		{"a cursor without a uuid", access, `{ objects(paging: {after: "eyJpZCI6MX0="}) { totalCount } }`, "BAD_USER_INPUT", "Invalid cursor: eyJpZCI6MX0=", false},
		{"an unknown object", access, `{ object(id: "` + unknownID + `") { id } }`, "NOT_FOUND", "Object metadata with id " + unknownID + " not found", true},
		{"a refused input", access, `mutation { createOneField(input: {field: {objectMetadataId: "` + objX + `", type: TEXT, name: "taken", label: "T"}}) { id } }`,
			"BAD_USER_INPUT", `Name "taken" is not available as it is already used by another field`, true},
		{"a concurrent change", access, `mutation { updateOneObject(input: {id: "stale", update: {isActive: false}}) { id } }`,
			"CONFLICT", "The data model of this workspace changed while this request ran; try again", true},
		{"a failure of records", access, `mutation { deleteOneObject(input: {id: "boom"}) { id } }`, "INTERNAL_SERVER_ERROR", "Internal server error", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.mu.Lock()
			fake.calls = nil
			fake.mu.Unlock()
			got := s.gqlPost(t, tt.token, tt.query, nil)
			if len(got.Errors) != 1 || got.Errors[0].Extensions["code"] != tt.code || got.Errors[0].Message != tt.message {
				t.Errorf("errors %+v, want one %s %q", got.Errors, tt.code, tt.message)
			}
			if string(got.Data) != "null" {
				t.Errorf("data = %s, want null", got.Data)
			}
			fake.mu.Lock()
			defer fake.mu.Unlock()
			if called := len(fake.calls) > 0; called != tt.calls {
				t.Errorf("records called = %v (%+v), want %v", called, fake.calls, tt.calls)
			}
		})
	}

	// An error below the root is reported at its path, beside the data that resolved.
	got := s.gqlPost(t, access, `{ objects(filter: {id: {eq: "`+objP+`"}}) { edges { node { id fields(paging: {first: 5000}) { totalCount } } } } }`, nil)
	if len(got.Errors) != 1 || got.Errors[0].Message != "Requested page size of 5000 exceeds the maximum size of 1000" ||
		!cmp.Equal(got.Errors[0].Path, []any{"objects", "edges", 0.0, "node", "fields"}) {
		t.Errorf("nested error = %+v", got.Errors)
	}
}
