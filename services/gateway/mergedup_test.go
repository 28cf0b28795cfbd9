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

// MergeMany answers the kept record with what the call asked (NotFound for missingID).
func (fakeRecords) MergeMany(_ context.Context, req *recordsv1.MergeManyRequest) (*recordsv1.MergeManyResponse, error) {
	if len(req.GetIds()) < 2 {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("At least 2 record IDs are required for merge"))
	}
	for _, id := range req.GetIds() {
		if id == missingID {
			return nil, connect.NewError(connect.CodeNotFound, errors.New("One or more records not found"))
		}
	}
	rec, _ := json.Marshal(map[string]any{
		"id": req.GetIds()[req.GetConflictPriorityIndex()], "dryRun": req.GetDryRun(), "depth": req.GetShape().GetDepth(),
		"fields": req.GetShape().GetFields(), "source": req.GetActor().GetSource(),
	})
	return &recordsv1.MergeManyResponse{RecordJson: rec, ObjectNameSingular: "person", ObjectNamePlural: "people"}, nil
}

// FindDuplicates answers one page per record given, describing the call.
func (fakeRecords) FindDuplicates(_ context.Context, req *recordsv1.FindDuplicatesRequest) (*recordsv1.FindDuplicatesResponse, error) {
	switch {
	case req.GetHasData() && req.GetHasIds():
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New(`You cannot provide both "data" and "ids" arguments`))
	case !req.GetHasData() && !req.GetHasIds():
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New(`You have to provide either "data" or "ids" argument`))
	}
	var given []json.RawMessage
	json.Unmarshal(req.GetDataJson(), &given)
	for _, id := range req.GetIds() {
		given = append(given, json.RawMessage(`"`+id+`"`))
	}
	out := &recordsv1.FindDuplicatesResponse{ObjectNameSingular: "person", ObjectNamePlural: "people"}
	for _, g := range given {
		rec, _ := json.Marshal([]map[string]any{{"of": g, "depth": req.GetShape().GetDepth()}})
		out.Results = append(out.Results, &recordsv1.Duplicates{RecordsJson: rec, TotalCount: 1, PageInfo: &recordsv1.PageInfo{StartCursor: "s", EndCursor: "e"}})
	}
	return out, nil
}

// GroupBy answers one group describing the call.
func (fakeRecords) GroupBy(_ context.Context, req *recordsv1.GroupByRequest) (*recordsv1.GroupByResponse, error) {
	var orders []string
	for _, o := range req.GetOrderByForRecords() {
		orders = append(orders, o.GetField()+" "+o.GetDirection())
	}
	filter := ""
	if req.GetFilter() != nil {
		filter = describeFilter(req.GetFilter())
	}
	group, _ := json.Marshal(map[string]any{
		"groupBy": string(req.GetGroupByJson()), "aggregate": string(req.GetAggregateJson()), "filter": filter,
		"records": req.GetIncludeRecordsSample(), "order": orders, "limit": req.GetLimit(),
	})
	return &recordsv1.GroupByResponse{GroupsJson: []byte("[" + string(group) + "]")}, nil
}

func TestRESTMerge(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	token := "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"merge, singular key", http.MethodPatch, "/rest/people/merge", `{"ids":["p1","p2"],"conflictPriorityIndex":1,"dryRun":false}`, 200,
			`{"data":{"mergePerson":{"depth":0,"dryRun":false,"fields":null,"id":"p2","source":"MANUAL"}}}`},
		{"dry run, PUT, depth and fields", http.MethodPut, "/rest/people/merge?depth=1&fields=id,city", `{"ids":["p1","p2"],"dryRun":true}`, 200,
			`{"data":{"mergePerson":{"depth":1,"dryRun":true,"fields":["id","city"],"id":"p1","source":"MANUAL"}}}`},
		{"a missing record", http.MethodPatch, "/rest/people/merge", `{"ids":["p1","` + missingID + `"],"conflictPriorityIndex":0}`, 404,
			`{"statusCode":404,"error":"NotFoundException","messages":["Record not found"]}`},
		{"too few ids", http.MethodPatch, "/rest/people/merge", `{"ids":["p1"],"conflictPriorityIndex":0}`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["At least 2 record IDs are required for merge"]}`},
		{"a fractional priority", http.MethodPatch, "/rest/people/merge", `{"ids":["p1","p2"],"conflictPriorityIndex":0.5}`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["Invalid conflict priority '0.5'. Valid options for 2 records: 0-1"]}`},
		{"ids not an array", http.MethodPatch, "/rest/people/merge", `{"ids":"p1"}`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["Request body must be an object with ids (an array of record ids), conflictPriorityIndex (a number) and dryRun (a boolean)"]}`},
		{"bad depth", http.MethodPatch, "/rest/people/merge?depth=2", `{"ids":["p1","p2"]}`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["'depth=2' parameter invalid. Allowed values are 0, 1"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.do(t, tt.method, tt.path, tt.body, "Authorization", token, "Content-Type", "application/json")
			if diff := cmp.Diff(tt.want+"\n", rec.Body.String()); rec.Code != tt.status || diff != "" {
				t.Errorf("%s %s = %d (-want +got):\n%s", tt.method, tt.path, rec.Code, diff)
			}
		})
	}
	if rec := s.do(t, http.MethodPost, "/rest/people/merge", `{}`, "Authorization", token); rec.Code == 200 {
		t.Errorf("POST /rest/people/merge = 200, want merge on PATCH only")
	}
}

func TestRESTDuplicates(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	token := "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	page := `"totalCount":1,"pageInfo":{"hasNextPage":false,"hasPreviousPage":false,"startCursor":"s","endCursor":"e"}`
	tests := []struct {
		name, path, body string
		status           int
		want             string
	}{
		{"by data", "/rest/people/duplicates", `{"data":[{"name":{"firstName":"John"}}]}`, 200,
			`{"data":[{"personDuplicates":[{"depth":0,"of":{"name":{"firstName":"John"}}}],` + page + `}]}`},
		{"by ids, depth 1", "/rest/people/duplicates?depth=1", `{"ids":["p1","p2"]}`, 200,
			`{"data":[{"personDuplicates":[{"depth":1,"of":"p1"}],` + page + `},{"personDuplicates":[{"depth":1,"of":"p2"}],` + page + `}]}`},
		{"empty ids", "/rest/people/duplicates", `{"ids":[]}`, 200, `{"data":[]}`},
		{"both", "/rest/people/duplicates", `{"data":[],"ids":[]}`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["You cannot provide both \"data\" and \"ids\" arguments"]}`},
		{"neither, null counts as none", "/rest/people/duplicates", `{"data":null}`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["You have to provide either \"data\" or \"ids\" argument"]}`},
		{"data not an array", "/rest/people/duplicates", `{"data":{"a":1}}`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["\"data\" must be an array of records"]}`},
		{"not an object", "/rest/people/duplicates", `[1]`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["Request body must be an object"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.do(t, http.MethodPost, tt.path, tt.body, "Authorization", token, "Content-Type", "application/json")
			if diff := cmp.Diff(tt.want+"\n", rec.Body.String()); rec.Code != tt.status || diff != "" {
				t.Errorf("POST %s %s = %d (-want +got):\n%s", tt.path, tt.body, rec.Code, diff)
			}
		})
	}
}

func TestRESTGroupBy(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	token := "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	groupBy := `[{"closeDate":{"granularity":"DAY_OF_THE_WEEK"}},{"stage":true}]`
	q := func(s string) string {
		return strings.NewReplacer(`"`, "%22", "{", "%7B", "}", "%7D", "[", "%5B", "]", "%5D", " ", "%20").Replace(s)
	}
	tests := []struct {
		name, path string
		status     int
		want       string
	}{
		{"Twenty's example", "/rest/opportunities/groupBy?group_by=" + q(groupBy) + `&aggregate=` + q(`["maxAmountAmountMicros"]`) +
			"&include_records_sample=true&limit=3&filter=stage[eq]:NEW&order_by_for_records=name[DescNullsLast]", 200,
			`[{"aggregate":"[\"maxAmountAmountMicros\"]","filter":"and(stage eq NEW)","groupBy":"[{\"closeDate\":{\"granularity\":\"DAY_OF_THE_WEEK\"}},{\"stage\":true}]",` +
				`"limit":3,"order":["name DescNullsLast"],"records":true}]`},
		{"defaults: no aggregate, 50 groups, no records", "/rest/opportunities/groupBy?group_by=" + q(`[{"stage":true}]`) + "&limit=", 200,
			`[{"aggregate":"","filter":"","groupBy":"[{\"stage\":true}]","limit":0,"order":null,"records":false}]`},
		{"limit clamped", "/rest/opportunities/groupBy?group_by=[]&limit=1000", 200,
			`[{"aggregate":"","filter":"","groupBy":"[]","limit":200,"order":null,"records":false}]`},
		{"no group_by", "/rest/opportunities/groupBy", 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["` + strings.ReplaceAll(msgInvalidGroupBy, `"`, `\"`) + `"]}`},
		{"group_by not JSON", "/rest/opportunities/groupBy?group_by=stage", 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["` + strings.ReplaceAll(msgInvalidGroupBy, `"`, `\"`) + `"]}`},
		{"aggregate not an array of names", "/rest/opportunities/groupBy?group_by=[]&aggregate=totalCount", 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["` + strings.ReplaceAll(msgInvalidAggregate, `"`, `\"`) + `"]}`},
		{"order_by not JSON", "/rest/opportunities/groupBy?group_by=[]&order_by=stage", 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["` + strings.ReplaceAll(msgInvalidGroupsBy, `"`, `\"`) + `"]}`},
		{"bad limit", "/rest/opportunities/groupBy?group_by=[]&limit=x", 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["limit 'x' is invalid. Should be an integer"]}`},
		{"bad records order", "/rest/opportunities/groupBy?group_by=[]&order_by_for_records=name[Up]", 400, ""},
		{"bad filter", "/rest/opportunities/groupBy?group_by=[]&filter=not(a[eq]:1,b[eq]:2)", 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["'filter' invalid. 'not' conjunction should contain only 1 condition. eg: not(field[eq]:1)"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.do(t, http.MethodGet, tt.path, "", "Authorization", token)
			if rec.Code != tt.status {
				t.Fatalf("GET %s = %d %s, want %d", tt.path, rec.Code, rec.Body, tt.status)
			}
			if diff := cmp.Diff(tt.want+"\n", rec.Body.String()); tt.want != "" && diff != "" {
				t.Errorf("GET %s (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}
