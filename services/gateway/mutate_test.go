package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// missingID names no record in the fake records Worker.
const missingID = "00000000-0000-4000-8000-000000000404"

// echoed describes a record call as the fake records Worker sees it, as the records it answers:
// one per id, two for a filter.
func echoed(sel *recordsv1.Selection, shape *recordsv1.Shape, extra map[string]any) ([]byte, error) {
	base := map[string]any{"depth": shape.GetDepth()}
	if shape.GetHasFields() {
		base["fields"] = shape.GetFields()
	}
	for k, v := range extra {
		base[k] = v
	}
	var out []map[string]any
	switch by := sel.GetBy().(type) {
	case *recordsv1.Selection_Id:
		if by.Id == missingID {
			return nil, connect.NewError(connect.CodeNotFound, errors.New("Record not found"))
		}
		base["id"] = by.Id
		out = append(out, base)
	case *recordsv1.Selection_Filter:
		for _, id := range []string{"f1", "f2"} {
			r := map[string]any{"id": id, "filter": describeFilter(by.Filter)}
			for k, v := range base {
				r[k] = v
			}
			out = append(out, r)
		}
	default:
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("A non-empty filter is required"))
	}
	return json.Marshal(out)
}

// describeFilter writes a filter tree as and(field op raw, …).
func describeFilter(f *recordsv1.Filter) string {
	switch n := f.GetNode().(type) {
	case *recordsv1.Filter_And, *recordsv1.Filter_Or:
		name, list := "and", f.GetAnd()
		if _, ok := n.(*recordsv1.Filter_Or); ok {
			name, list = "or", f.GetOr()
		}
		var parts []string
		for _, c := range list.GetFilters() {
			parts = append(parts, describeFilter(c))
		}
		return name + "(" + strings.Join(parts, ",") + ")"
	case *recordsv1.Filter_Condition:
		return n.Condition.GetField() + " " + n.Condition.GetOp() + " " + n.Condition.GetValue().GetRaw()
	}
	return "?"
}

func fakeMutationResponse(records []byte, err error) (*recordsv1.MutationResponse, error) {
	if err != nil {
		return nil, err
	}
	return &recordsv1.MutationResponse{RecordsJson: records, ObjectNameSingular: "person", ObjectNamePlural: "people"}, nil
}

// FindOne answers the record with the id, showing the shape asked.
func (fakeRecords) FindOne(_ context.Context, req *recordsv1.FindOneRequest) (*recordsv1.FindOneResponse, error) {
	records, err := echoed(&recordsv1.Selection{By: &recordsv1.Selection_Id{Id: req.GetId()}}, req.GetShape(), nil)
	if err != nil {
		return nil, err
	}
	var list []json.RawMessage
	if err := json.Unmarshal(records, &list); err != nil {
		return nil, err
	}
	return &recordsv1.FindOneResponse{RecordJson: list[0], ObjectNameSingular: "person", ObjectNamePlural: "people"}, nil
}

// UpdateMany answers the records selected, with the data and the actor's source.
func (fakeRecords) UpdateMany(_ context.Context, req *recordsv1.UpdateManyRequest) (*recordsv1.MutationResponse, error) {
	return fakeMutationResponse(echoed(req.GetSelection(), req.GetShape(), map[string]any{"data": json.RawMessage(req.GetDataJson()), "actor": req.GetActor().GetSource()}))
}

// DeleteMany answers the records selected, telling a destroy.
func (fakeRecords) DeleteMany(_ context.Context, req *recordsv1.DeleteManyRequest) (*recordsv1.MutationResponse, error) {
	return fakeMutationResponse(echoed(req.GetSelection(), req.GetShape(), map[string]any{"destroy": req.GetDestroy(), "actor": req.GetActor().GetSource()}))
}

// RestoreMany answers the records selected.
func (fakeRecords) RestoreMany(_ context.Context, req *recordsv1.RestoreManyRequest) (*recordsv1.MutationResponse, error) {
	return fakeMutationResponse(echoed(req.GetSelection(), req.GetShape(), map[string]any{"restored": true}))
}

// TestRESTMutations checks the record routes' requests to the records Worker, Twenty's envelopes
// and its 400s and 404s.
func TestRESTMutations(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	token := "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	const p1 = "00000000-0000-4000-8000-0000000000f1"
	bad := func(msg string) string {
		return `{"statusCode":400,"error":"BadRequestException","messages":[` + jsonQuote(msg) + `]}`
	}
	tests := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", "/rest/people/" + p1 + "?depth=1&fields=id,city", "", 200,
			`{"data":{"person":{"depth":1,"fields":["id","city"],"id":"` + p1 + `"}}}`},
		{"GET", "/rest/people/malformed-uuid", "", 400, bad("'malformed-uuid' is not a valid UUID")},
		{"GET", "/rest/people/" + missingID, "", 404, `{"statusCode":404,"error":"NotFoundException","messages":["Record not found"]}`},
		{"GET", "/rest/people/" + p1 + "?depth=2", "", 400, bad("'depth=2' parameter invalid. Allowed values are 0, 1")},

		{"PATCH", "/rest/people/" + p1, `{"city":"X"}`, 200,
			`{"data":{"updatePerson":{"actor":"MANUAL","data":{"city":"X"},"depth":0,"id":"` + p1 + `"}}}`},
		{"PUT", "/rest/people/" + p1 + "?fields=city", `{"city":"X"}`, 200,
			`{"data":{"updatePerson":{"actor":"MANUAL","data":{"city":"X"},"depth":0,"fields":["city"],"id":"` + p1 + `"}}}`},
		{"PATCH", "/rest/people?filter=city[eq]:Paris", `{"city":"X"}`, 200,
			`{"data":{"updatePeople":[{"actor":"MANUAL","data":{"city":"X"},"depth":0,"filter":"and(city eq Paris)","id":"f1"},{"actor":"MANUAL","data":{"city":"X"},"depth":0,"filter":"and(city eq Paris)","id":"f2"}]}}`},
		{"PATCH", "/rest/people", `{"city":"X"}`, 400, bad("A non-empty filter is required")},
		{"PATCH", "/rest/people/" + missingID, `{"city":"X"}`, 404, `{"statusCode":404,"error":"NotFoundException","messages":["Record not found"]}`},
		{"PATCH", "/rest/people/" + p1, `[{"city":"X"}]`, 400, bad("Request body must be an object")},
		{"PATCH", "/rest/people/" + p1, `{"city":`, 400, bad("Request body is not valid JSON (at position 8)")},
		{"PATCH", "/rest/people/nope", `{}`, 400, bad("'nope' is not a valid UUID")},

		{"DELETE", "/rest/people/" + p1, "", 200,
			`{"data":{"deletePerson":{"actor":"MANUAL","depth":0,"destroy":true,"fields":["id"],"id":"` + p1 + `"}}}`},
		{"DELETE", "/rest/people/" + p1 + "?soft_delete=true&depth=1", "", 200,
			`{"data":{"deletePerson":{"actor":"MANUAL","depth":1,"destroy":false,"id":"` + p1 + `"}}}`},
		{"DELETE", "/rest/people?filter=city[eq]:Paris&soft_delete=true", "", 200,
			`{"data":{"deletePeople":[{"actor":"MANUAL","depth":0,"destroy":false,"fields":["id"],"filter":"and(city eq Paris)","id":"f1"},{"actor":"MANUAL","depth":0,"destroy":false,"fields":["id"],"filter":"and(city eq Paris)","id":"f2"}]}}`},
		{"DELETE", "/rest/people?soft_delete=true", "", 400, bad(msgBulkDeleteNeedsFilter)},
		{"DELETE", "/rest/people", "", 400, bad(msgBulkDestroyNeedsFilter)},
		{"DELETE", "/rest/people/" + missingID, "", 404, `{"statusCode":404,"error":"NotFoundException","messages":["Record not found"]}`},
		{"DELETE", "/rest/people?filter=city[xx]:Paris", "", 400, ""},

		{"PATCH", "/rest/people/" + p1 + "/restore?fields=id", "", 200,
			`{"data":{"restorePerson":{"depth":0,"fields":["id"],"id":"` + p1 + `","restored":true}}}`},
		{"PATCH", "/rest/people/restore?filter=id[eq]:" + p1 + "&fields=id", "", 200,
			`{"data":{"restorePeople":[{"depth":0,"fields":["id"],"filter":"and(id eq ` + p1 + `)","id":"f1","restored":true},{"depth":0,"fields":["id"],"filter":"and(id eq ` + p1 + `)","id":"f2","restored":true}]}}`},
		{"PATCH", "/rest/people/restore", "", 400, bad("A non-empty filter is required")},

		{"POST", "/rest/people?depth=2", `{"city":"X"}`, 400, bad("'depth=2' parameter invalid. Allowed values are 0, 1")},
		{"POST", "/rest/people?upsert=true&fields=", `{"city":"X"}`, 400,
			bad("'fields' parameter is empty. Expected a comma-separated list of field names, e.g. fields=id,name")},
	}
	for _, tt := range tests {
		rec := s.do(t, tt.method, tt.path, tt.body, "Authorization", token, "Content-Type", "application/json")
		if rec.Code != tt.status {
			t.Errorf("%s %s = %d, want %d: %s", tt.method, tt.path, rec.Code, tt.status, rec.Body)
			continue
		}
		if tt.want == "" {
			continue
		}
		if diff := cmp.Diff(tt.want+"\n", rec.Body.String()); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", tt.method, tt.path, diff)
		}
	}
}

// jsonQuote is s as a JSON string.
func jsonQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestRESTMutationsNeedAuth checks that the record routes refuse a request without a token.
func TestRESTMutationsNeedAuth(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	for _, m := range []string{http.MethodGet, http.MethodPatch, http.MethodDelete} {
		if rec := s.do(t, m, "/rest/people/00000000-0000-4000-8000-0000000000f1", ""); rec.Code != http.StatusForbidden {
			t.Errorf("%s without a token = %d, want 403", m, rec.Code)
		}
	}
}
