package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/twentyworkers/twenty/shared/authtoken"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/restquery"
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
	if len(req.GetDataJson()) > 0 { // none when finding duplicates of ids
		if err := json.Unmarshal(req.GetDataJson(), &given); err != nil {
			return nil, err
		}
	}
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
	aggregate := ""
	if len(req.GetAggregates()) > 0 {
		b, _ := json.Marshal(req.GetAggregates())
		aggregate = string(b)
	}
	group, _ := json.Marshal(map[string]any{
		"groupBy": describeGroupBy(req.GetGroupBy()), "aggregate": aggregate, "filter": filter,
		"records": req.GetIncludeRecordsSample(), "order": orders, "limit": req.GetLimit(),
	})
	return &recordsv1.GroupByResponse{GroupsJson: []byte("[" + string(group) + "]")}, nil
}

// describeGroupBy writes dimensions back as Twenty's group_by JSON.
func describeGroupBy(dims []*recordsv1.GroupByDimension) string {
	items := []map[string]any{}
	for _, d := range dims {
		var def any = true
		if date := d.GetDate(); date != nil {
			m := map[string]string{"granularity": date.GetGranularity()}
			if date.GetTimeZone() != "" {
				m["timeZone"] = date.GetTimeZone()
			}
			if date.GetWeekStartDay() != "" {
				m["weekStartDay"] = date.GetWeekStartDay()
			}
			def = m
		} else if sub := d.GetSubField(); sub != "" {
			def = map[string]bool{sub: true}
		}
		items = append(items, map[string]any{d.GetField(): def})
	}
	b, _ := json.Marshal(items)
	return string(b)
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

// TestGroupByRequest checks the typed request the REST group-by parameters become, and the
// errors (messages in Twenty's order) of parameters it refuses.
func TestGroupByRequest(t *testing.T) {
	date := func(g, zone, week string) *recordsv1.GroupByDimension_Date {
		return &recordsv1.GroupByDimension_Date{Date: &recordsv1.DateGrouping{Granularity: g, TimeZone: zone, WeekStartDay: week}}
	}
	tests := []struct {
		name, query string
		want        *recordsv1.GroupByRequest
	}{
		{"Twenty's example", `group_by=[{"closeDate":{"granularity":"DAY_OF_THE_WEEK"}},{"stage":true}]&aggregate=["maxAmountAmountMicros"]` +
			"&include_records_sample=true&limit=3&filter=stage[eq]:NEW&order_by_for_records=name[DescNullsLast]",
			&recordsv1.GroupByRequest{
				GroupBy:    []*recordsv1.GroupByDimension{{Field: "closeDate", By: date("DAY_OF_THE_WEEK", "", "")}, {Field: "stage"}},
				Aggregates: []string{"maxAmountAmountMicros"},
				Filter: &recordsv1.Filter{Node: &recordsv1.Filter_And{And: &recordsv1.FilterList{Filters: []*recordsv1.Filter{
					{Node: &recordsv1.Filter_Condition{Condition: &recordsv1.Condition{Field: "stage", Op: "eq", Value: &recordsv1.Value{Raw: "NEW"}}}},
				}}}},
				IncludeRecordsSample: true,
				OrderByForRecords:    []*recordsv1.Order{{Field: "name", Direction: "DescNullsLast"}},
				Limit:                3,
			}},
		{"a sub-field, a join column, a date's time zone and week", `group_by=[{"amount":{"currencyCode":true}},{"companyId":true},` +
			`{"createdAt":{"granularity":"WEEK","timeZone":"Europe/Paris","weekStartDay":"SUNDAY"}}]&aggregate=["totalCount","countEmptyName"]`,
			&recordsv1.GroupByRequest{
				GroupBy: []*recordsv1.GroupByDimension{
					{Field: "amount", By: &recordsv1.GroupByDimension_SubField{SubField: "currencyCode"}},
					{Field: "companyId"},
					{Field: "createdAt", By: date("WEEK", "Europe/Paris", "SUNDAY")},
				},
				Aggregates: []string{"totalCount", "countEmptyName"},
			}},
		{"items that group by nothing are left out", `group_by=[{},{"stage":false},{"amount":{"currencyCode":false}},{"city":true}]`,
			&recordsv1.GroupByRequest{GroupBy: []*recordsv1.GroupByDimension{{Field: "city"}}}},
		{"no dimension, aggregate null, limit clamped", `group_by=[]&aggregate=null&limit=1000`, &recordsv1.GroupByRequest{Limit: 200}},
		{"an empty limit is the default", `group_by=[{"stage":true}]&limit=`, &recordsv1.GroupByRequest{GroupBy: []*recordsv1.GroupByDimension{{Field: "stage"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := groupByRequest(values)
			if err != nil {
				t.Fatalf("groupByRequest(%s): %v", tt.query, err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("groupByRequest(%s) (-want +got):\n%s", tt.query, diff)
			}
		})
	}
}

func TestGroupByRequestErrors(t *testing.T) {
	tests := []struct{ name, query, want string }{
		{"no group_by", ``, msgInvalidGroupBy},
		{"group_by twice", `group_by=[]&group_by=[]`, msgInvalidGroupBy},
		{"group_by not JSON", `group_by=stage`, msgInvalidGroupBy},
		{"group_by an object", `group_by={"stage":true}`, msgInvalidGroupBy},
		{"group_by null", `group_by=null`, msgInvalidGroupBy},
		{"an item not an object", `group_by=[{"stage":true},1]`, msgInvalidGroupBy},
		{"two fields in an item", `group_by=[{"stage":true,"name":true}]`, "You cannot provide multiple fields in one GroupByInput, split them into multiple GroupByInput"},
		{"two sub-fields in an item", `group_by=[{"amount":{"amountMicros":true,"currencyCode":true}}]`,
			"You cannot provide multiple subfields in one GroupByInput, split them into multiple GroupByInput"},
		{"a granularity not a string", `group_by=[{"closeDate":{"granularity":1}}]`, `Invalid group by date definition for field "closeDate"`},
		{"aggregate not an array of names", `group_by=[]&aggregate=totalCount`, msgInvalidAggregate},
		{"aggregate twice", `group_by=[]&aggregate=[]&aggregate=[]`, msgInvalidAggregate},
		{"order_by not JSON", `group_by=[]&order_by=stage`, msgInvalidGroupsBy},
		{"bad limit", `group_by=[]&limit=x`, "limit 'x' is invalid. Should be an integer"},
		{"bad filter", `group_by=[]&filter=not(a[eq]:1,b[eq]:2)`, "'filter' invalid. 'not' conjunction should contain only 1 condition. eg: not(field[eq]:1)"},
		// Twenty's order: order_by, order_by_for_records, filter, group_by as JSON, aggregate,
		// limit, then group_by's items.
		{"order_by before group_by", `order_by=stage`, msgInvalidGroupsBy},
		{"filter before group_by", `group_by=stage&filter=not(a[eq]:1,b[eq]:2)`, "'filter' invalid. 'not' conjunction should contain only 1 condition. eg: not(field[eq]:1)"},
		{"group_by before aggregate", `group_by=stage&aggregate=totalCount`, msgInvalidGroupBy},
		{"aggregate before group_by's items", `group_by=[1]&aggregate=totalCount`, msgInvalidAggregate},
		{"limit before group_by's items", `group_by=[{"a":true,"b":true}]&limit=x`, "limit 'x' is invalid. Should be an integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := groupByRequest(values)
			var messages []string
			var bad *restquery.BadRequest
			switch {
			case errors.As(err, &bad):
				messages = bad.Messages
			case err != nil:
				messages = []string{err.Error()}
			}
			if diff := cmp.Diff([]string{tt.want}, messages); diff != "" {
				t.Errorf("groupByRequest(%s) = %v, messages (-want +got):\n%s", tt.query, got, diff)
			}
		})
	}
}
