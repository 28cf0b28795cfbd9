package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
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

// fakeMetadata is a records Worker answering the metadata RPCs (metadataRPC) and remembering the
// last request.
type fakeMetadata struct {
	mu   sync.Mutex
	last metadataCall
}

// metaIDs are the ids of the fake's objects, ascending: Twenty's lists show them descending.
var metaIDs = func() []string {
	var out []string
	for i := 1; i <= 11; i++ {
		out = append(out, fmt.Sprintf("00000000-0000-4000-8000-%012d", i))
	}
	return out
}()

const unknownID = "00000000-0000-4000-8000-000000000000"

func (f *fakeMetadata) handle(c metadataCall) ([]byte, error) {
	f.mu.Lock()
	f.last = c
	f.mu.Unlock()
	switch {
	case c.ID == unknownID:
		return nil, connect.NewError(connect.CodeNotFound, errors.New("Object metadata with id "+unknownID+" not found"))
	case c.Operation == "find_many" && c.Kind == "fields":
		return []byte(`[]`), nil
	case c.Operation == "find_many":
		var list []string
		for _, id := range metaIDs {
			list = append(list, `{"id":"`+id+`","fields":[]}`)
		}
		return []byte("[" + strings.Join(list, ",") + "]"), nil
	case c.Operation == "create_one" || c.Operation == "update_one":
		return []byte(c.Input), nil
	default:
		return []byte(`{"id":"` + c.ID + `"}`), nil
	}
}

// server serves the fake as a records Worker.
func (f *fakeMetadata) server(t *testing.T) recordsv1connect.RecordsServiceClient {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(recordsv1connect.NewRecordsServiceHandler(&metadataRPC{handle: f.handle}, rpc.HandlerOptions()...))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return recordsv1connect.NewRecordsServiceClient(srv.Client(), srv.URL)
}

// dtoOf is the fake's answer of kind (an object or field as Twenty shows it, with some members)
// as the gateway renders it, whole (TestMetadataDTO pins the rendering).
func dtoOf(t *testing.T, kind, fake string) string {
	t.Helper()
	var b []byte
	var err error
	if kind == "objects" {
		var o objectDTO
		if err := json.Unmarshal([]byte(fake), &o); err != nil {
			t.Fatal(err)
		}
		b, err = objectJSON(objectProto(o))
	} else {
		var f fieldDTO
		if err := json.Unmarshal([]byte(fake), &f); err != nil {
			t.Fatal(err)
		}
		b, err = fieldJSON(fieldProto(f))
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRESTMetadata(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	fake := &fakeMetadata{}
	s.gw.records = fake.server(t)
	token := "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	const id = "11111111-1111-4111-8111-111111111111"
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string
		call                     metadataCall
	}{
		{"list objects", "GET", "/rest/metadata/objects?limit=1", "", 200,
			`{"data":{"objects":[` + dtoOf(t, "objects", `{"id":"`+metaIDs[10]+`"}`) + `]},"pageInfo":{"hasNextPage":true,"hasPreviousPage":false,"startCursor":"` + metaIDs[10] + `","endCursor":"` + metaIDs[10] + `"},"totalCount":11}`,
			metadataCall{Workspace: "ws-1", Kind: "objects", Operation: "find_many"}},
		{"an empty list", "GET", "/rest/metadata/fields?starting_after=" + id, "", 200,
			`{"data":{"fields":[]},"pageInfo":{"hasNextPage":false,"hasPreviousPage":true,"startCursor":null,"endCursor":null},"totalCount":0}`,
			metadataCall{Workspace: "ws-1", Kind: "fields", Operation: "find_many"}},
		{"one object", "GET", "/rest/metadata/objects/" + id, "", 200, `{"data":{"object":` + dtoOf(t, "objects", `{"id":"`+id+`"}`) + `}}`,
			metadataCall{Workspace: "ws-1", Kind: "objects", Operation: "find_one", ID: id}},
		{"one field", "GET", "/rest/metadata/fields/" + id, "", 200, `{"data":{"field":` + dtoOf(t, "fields", `{"id":"`+id+`"}`) + `}}`,
			metadataCall{Workspace: "ws-1", Kind: "fields", Operation: "find_one", ID: id}},
		{"create an object", "POST", "/rest/metadata/objects", `{"nameSingular":"pet"}`, 201, `{"data":{"createOneObject":` + dtoOf(t, "objects", `{"nameSingular":"pet"}`) + `}}`,
			metadataCall{Workspace: "ws-1", Kind: "objects", Operation: "create_one", Input: `{"nameSingular":"pet"}`}},
		{"create a field", "POST", "/rest/metadata/fields", `{"name":"x"}`, 201, `{"data":{"createOneField":` + dtoOf(t, "fields", `{"name":"x"}`) + `}}`,
			metadataCall{Workspace: "ws-1", Kind: "fields", Operation: "create_one", Input: `{"name":"x"}`}},
		{"update an object", "PATCH", "/rest/metadata/objects/" + id, `{"labelSingular":"L"}`, 200, `{"data":{"updateOneObject":` + dtoOf(t, "objects", `{"labelSingular":"L"}`) + `}}`,
			metadataCall{Workspace: "ws-1", Kind: "objects", Operation: "update_one", ID: id, Input: `{"labelSingular":"L"}`}},
		{"PUT updates a field", "PUT", "/rest/metadata/fields/" + id, `{"label":"L"}`, 200, `{"data":{"updateOneField":` + dtoOf(t, "fields", `{"label":"L"}`) + `}}`,
			metadataCall{Workspace: "ws-1", Kind: "fields", Operation: "update_one", ID: id, Input: `{"label":"L"}`}},
		{"delete an object", "DELETE", "/rest/metadata/objects/" + id, "", 200, `{"data":{"deleteOneObject":` + dtoOf(t, "objects", `{"id":"`+id+`"}`) + `}}`,
			metadataCall{Workspace: "ws-1", Kind: "objects", Operation: "delete_one", ID: id}},
		{"delete a field", "DELETE", "/rest/metadata/fields/" + id, "", 200, `{"data":{"deleteOneField":` + dtoOf(t, "fields", `{"id":"`+id+`"}`) + `}}`,
			metadataCall{Workspace: "ws-1", Kind: "fields", Operation: "delete_one", ID: id}},
		{"unknown id", "GET", "/rest/metadata/objects/" + unknownID, "", 404,
			`{"statusCode":404,"error":"NotFoundException","messages":["Object metadata with id ` + unknownID + ` not found"]}`,
			metadataCall{Workspace: "ws-1", Kind: "objects", Operation: "find_one", ID: unknownID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.do(t, tt.method, tt.path, tt.body, "Authorization", token, "Content-Type", "application/json")
			if rec.Code != tt.status {
				t.Errorf("%s %s = %d %s, want %d", tt.method, tt.path, rec.Code, rec.Body, tt.status)
			}
			if diff := cmp.Diff(tt.want+"\n", rec.Body.String()); tt.want != "" && diff != "" {
				t.Errorf("%s %s body (-want +got):\n%s", tt.method, tt.path, diff)
			}
			fake.mu.Lock()
			defer fake.mu.Unlock()
			if diff := cmp.Diff(tt.call, fake.last); diff != "" {
				t.Errorf("%s %s asked records (-want +got):\n%s", tt.method, tt.path, diff)
			}
		})
	}

	fake.last = metadataCall{}
	refused := []struct {
		name, method, path, body string
		want                     envelope
	}{
		{"a bad limit", "GET", "/rest/metadata/objects?limit=x", "", envelope{400, "BadRequestException", []string{"limit 'x' is invalid. Should be an integer"}}},
		{"a fractional limit", "GET", "/rest/metadata/objects?limit=1.5", "", envelope{400, "BadRequestException", []string{"limit '1.5' is invalid. Should be an integer"}}},
		{"a negative limit", "GET", "/rest/metadata/objects?limit=-1", "", envelope{400, "BadRequestException", []string{"limit '-1' is invalid. Should be an integer"}}},
		{"both cursors", "GET", "/rest/metadata/objects?starting_after=" + id + "&ending_before=" + id, "", envelope{400, "BadRequestException", []string{"'starting_after' and 'ending_before' cannot be used together."}}},
		{"a cursor not an id", "GET", "/rest/metadata/objects?starting_after=not-a-uuid", "", envelope{400, "BadRequestException", []string{"Invalid cursor: not-a-uuid"}}},
		{"an array body", "POST", "/rest/metadata/objects", `[{}]`, envelope{400, "BadRequestException", []string{"Request body must be an object"}}},
		{"a broken body", "PATCH", "/rest/metadata/fields/" + id, `{"label":`, envelope{400, "BadRequestException", []string{"Request body is not valid JSON (at position 9)"}}},
		{"an unknown collection", "GET", "/rest/metadata/rockets", "", envelope{404, "NotFoundException", []string{"Cannot GET /rest/metadata/rockets"}}},
		{"POST with an id", "POST", "/rest/metadata/objects/" + id, `{}`, envelope{404, "NotFoundException", []string{"Cannot POST /rest/metadata/objects/" + id}}},
		{"DELETE without an id", "DELETE", "/rest/metadata/fields", "", envelope{404, "NotFoundException", []string{"Cannot DELETE /rest/metadata/fields"}}},
	}
	for _, tt := range refused {
		rec := s.do(t, tt.method, tt.path, tt.body, "Authorization", token, "Content-Type", "application/json")
		if diff := cmp.Diff(tt.want, decode[envelope](t, rec)); rec.Code != tt.want.StatusCode || diff != "" {
			t.Errorf("%s: %s %s = %d (-want +got):\n%s", tt.name, tt.method, tt.path, rec.Code, diff)
		}
	}
	if fake.last != (metadataCall{}) {
		t.Errorf("a refused request reached records: %+v", fake.last)
	}
	if rec := s.do(t, "GET", "/rest/metadata/objects", ""); rec.Code != http.StatusForbidden {
		t.Errorf("without a token = %d, want 403", rec.Code)
	}
}

// TestRESTMetadataPaging checks the REST lists' paging, done in the gateway on the whole list:
// ids descending, limit clamped, after a cursor the smaller ids, before it the greater ones, and
// Twenty's page info (going backward, there is always a next page).
func TestRESTMetadataPaging(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	s.gw.records = (&fakeMetadata{}).server(t)
	token := "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	type page struct {
		IDs        []string
		Next, Prev bool
		Start, End string
		Total      int
	}
	list := func(query string) page {
		t.Helper()
		rec := s.do(t, "GET", "/rest/metadata/objects"+query, "", "Authorization", token)
		var out struct {
			Data     struct{ Objects []struct{ ID string } }
			PageInfo struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       *string
			}
			TotalCount int
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 {
			t.Fatalf("GET %s = %d %s", query, rec.Code, rec.Body)
		}
		p := page{Next: out.PageInfo.HasNextPage, Prev: out.PageInfo.HasPreviousPage, Total: out.TotalCount, IDs: []string{}}
		for _, o := range out.Data.Objects {
			p.IDs = append(p.IDs, o.ID)
		}
		if out.PageInfo.StartCursor != nil {
			p.Start, p.End = *out.PageInfo.StartCursor, *out.PageInfo.EndCursor
		}
		return p
	}
	desc := slices.Clone(metaIDs)
	slices.Reverse(desc)
	for _, tt := range []struct {
		query string
		want  page
	}{
		{"", page{IDs: desc, Start: desc[0], End: desc[10], Total: 11}},
		{"?limit=5000", page{IDs: desc, Start: desc[0], End: desc[10], Total: 11}},
		{"?limit=1", page{IDs: desc[:1], Next: true, Start: desc[0], End: desc[0], Total: 11}},
		{"?limit=3&starting_after=" + desc[1], page{IDs: desc[2:5], Next: true, Prev: true, Start: desc[2], End: desc[4], Total: 11}},
		{"?limit=2&ending_before=" + desc[4], page{IDs: desc[2:4], Next: true, Prev: true, Start: desc[2], End: desc[3], Total: 11}},
		{"?ending_before=" + desc[1], page{IDs: desc[:1], Next: true, Start: desc[0], End: desc[0], Total: 11}},
		{"?starting_after=" + strings.ToUpper(desc[9]), page{IDs: desc[10:], Prev: true, Start: desc[10], End: desc[10], Total: 11}},
	} {
		if diff := cmp.Diff(tt.want, list(tt.query)); diff != "" {
			t.Errorf("GET /rest/metadata/objects%s (-want +got):\n%s", tt.query, diff)
		}
	}
}
