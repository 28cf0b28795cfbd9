package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/restquery"
)

// peopleWorkspace initialises a workspace in the harness and creates people from JSON records.
func peopleWorkspace(t *testing.T, h *harness, records string) string {
	t.Helper()
	ctx := context.Background()
	ws := h.workspace(t)
	if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people",
		RecordsJson: []byte(records), Actor: &recordsv1.Actor{Source: "API"}}); err != nil {
		t.Fatal(err)
	}
	return ws
}

func TestMergeManyRPC(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	p1, p2 := ids.NewUUID(), ids.NewUUID()
	ws := peopleWorkspace(t, h, `[{"id":"`+p1+`","city":"Paris"},{"id":"`+p2+`","jobTitle":"CTO"}]`)
	deal := ids.NewUUID()
	if _, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "opportunities",
		RecordsJson: []byte(`[{"id":"` + deal + `","name":"Deal","pointOfContactId":"` + p2 + `"}]`), Actor: &recordsv1.Actor{Source: "API"}}); err != nil {
		t.Fatal(err)
	}
	before := len(h.sentEvents(t))
	actor := &recordsv1.Actor{Source: "MANUAL", WorkspaceMemberId: ids.NewUUID(), UserId: ids.NewUUID()}
	merge := func(dryRun bool) (*recordsv1.MergeManyResponse, error) {
		return h.client.MergeMany(ctx, &recordsv1.MergeManyRequest{WorkspaceId: ws, ObjectNamePlural: "people",
			Ids: []string{p1, p2}, ConflictPriorityIndex: 0, DryRun: dryRun, Actor: actor, Shape: &recordsv1.Shape{Fields: []string{"id", "city", "jobTitle"}, HasFields: true}})
	}

	// A dry run answers the merged record and changes nothing.
	dry, err := merge(true)
	if err != nil {
		t.Fatalf("MergeMany dry run: %v", err)
	}
	var rec struct{ ID, City, JobTitle string }
	if err := json.Unmarshal(dry.GetRecordJson(), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.ID == p1 || rec.City != "Paris" || rec.JobTitle != "CTO" || len(h.sentEvents(t)) != before {
		t.Errorf("dry run = %s, %d events; want the merged record under a new id, no event", dry.GetRecordJson(), len(h.sentEvents(t))-before)
	}

	res, err := merge(false)
	if err != nil {
		t.Fatalf("MergeMany: %v", err)
	}
	if want := `{"city":"Paris","id":"` + p1 + `","jobTitle":"CTO"}`; string(res.GetRecordJson()) != want || res.GetObjectNameSingular() != "person" {
		t.Errorf("merged = %s (%s), want %s (person)", res.GetRecordJson(), res.GetObjectNameSingular(), want)
	}
	events := h.sentEvents(t)[before:]
	var got []string
	movedHistory := 0
	for _, b := range events {
		if b.GetName() == "timelineActivity.updated" {
			movedHistory += len(b.GetEvents()) // the merged-away record's timeline, now the kept one's
			continue
		}
		for _, e := range b.GetEvents() {
			got = append(got, b.GetName()+" "+e.GetRecordId())
			if b.GetName() == "opportunity.updated" {
				got = append(got, "  updated fields: "+strings.Join(e.GetUpdatedFields(), ","))
			}
		}
	}
	// The opportunity whose point of contact was the merged-away record now points at the kept one.
	want := []string{"person.updated " + p1, "person.destroyed " + p2, "opportunity.updated " + deal, "  updated fields: pointOfContactId"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if movedHistory == 0 {
		t.Errorf("no timelineActivity.updated event: the merged-away record's timeline did not move to the kept one")
	}
	if _, err := h.client.FindOne(ctx, &recordsv1.FindOneRequest{WorkspaceId: ws, ObjectNamePlural: "people", Id: p2}); connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("FindOne of the merged-away record = %v, want NotFound", err)
	}

	// Merging a record that is gone is NotFound; invalid arguments are Twenty's 400s.
	tests := []struct {
		ids   []string
		index int32
		code  connect.Code
		msg   string
	}{
		{[]string{p1, p2}, 0, connect.CodeNotFound, "One or more records not found"},
		{[]string{p1}, 0, connect.CodeInvalidArgument, "At least 2 record IDs are required for merge"},
		{[]string{p1, p2}, 5, connect.CodeInvalidArgument, "Invalid conflict priority '5'. Valid options for 2 records: 0-1"},
	}
	for _, tt := range tests {
		_, err := h.client.MergeMany(ctx, &recordsv1.MergeManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", Ids: tt.ids, ConflictPriorityIndex: tt.index, Actor: actor})
		var ce *connect.Error
		if !errors.As(err, &ce) || ce.Code() != tt.code || ce.Message() != tt.msg {
			t.Errorf("MergeMany(%v, %d) error = %v, want %v %q", tt.ids, tt.index, err, tt.code, tt.msg)
		}
	}
}

func TestFindDuplicatesRPC(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	p1, p2, p3 := ids.NewUUID(), ids.NewUUID(), ids.NewUUID()
	ws := peopleWorkspace(t, h, `[{"id":"`+p1+`","name":{"firstName":"John","lastName":"Doe"}},`+
		`{"id":"`+p2+`","name":{"firstName":"John","lastName":"Doe"}},{"id":"`+p3+`","name":{"firstName":"Phil","lastName":"Collins"}}]`)
	find := func(req *recordsv1.FindDuplicatesRequest) ([][]string, error) {
		req.WorkspaceId, req.ObjectNamePlural = ws, "people"
		res, err := h.client.FindDuplicates(ctx, req)
		if err != nil {
			return nil, err
		}
		out := [][]string{}
		for _, d := range res.GetResults() {
			var records []struct{ ID string }
			if err := json.Unmarshal(d.GetRecordsJson(), &records); err != nil {
				t.Fatal(err)
			}
			found := []string{}
			for _, r := range records {
				found = append(found, r.ID)
			}
			if int(d.GetTotalCount()) != len(found) || (len(found) > 0) != (d.GetPageInfo().GetEndCursor() != "") {
				t.Errorf("page of %v: total %d, page info %v", found, d.GetTotalCount(), d.GetPageInfo())
			}
			out = append(out, found)
		}
		return out, nil
	}
	first, second := p1, p2
	if second < first {
		first, second = second, first
	}
	got, err := find(&recordsv1.FindDuplicatesRequest{DataJson: []byte(`[{"name":{"firstName":"John","lastName":"Doe"}}]`), HasData: true})
	if diff := cmp.Diff([][]string{{first, second}}, got); err != nil || diff != "" {
		t.Errorf("by data: %v (-want +got):\n%s", err, diff)
	}
	got, err = find(&recordsv1.FindDuplicatesRequest{Ids: []string{p1}, HasIds: true})
	if diff := cmp.Diff([][]string{{p2}}, got); err != nil || diff != "" {
		t.Errorf("by id: %v (-want +got):\n%s", err, diff)
	}
	got, err = find(&recordsv1.FindDuplicatesRequest{HasIds: true})
	if err != nil || len(got) != 0 {
		t.Errorf("empty ids = %v, %v; want no answers", got, err)
	}
	for _, tt := range []struct {
		req *recordsv1.FindDuplicatesRequest
		msg string
	}{
		{&recordsv1.FindDuplicatesRequest{DataJson: []byte(`[]`), HasData: true}, `The "data" condition can not be empty when "ids" input not provided`},
		{&recordsv1.FindDuplicatesRequest{DataJson: []byte(`[]`), HasData: true, HasIds: true}, `You cannot provide both "data" and "ids" arguments`},
		{&recordsv1.FindDuplicatesRequest{DataJson: []byte(`{"a":1}`), HasData: true}, "data must be a JSON array of objects"},
	} {
		_, err := find(tt.req)
		var ce *connect.Error
		if !errors.As(err, &ce) || ce.Code() != connect.CodeInvalidArgument || ce.Message() != tt.msg {
			t.Errorf("FindDuplicates error = %v, want %q", err, tt.msg)
		}
	}
}

func TestGroupByRPC(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ws := peopleWorkspace(t, h, `[{"city":"Paris","jobTitle":"CTO"},{"city":"Paris"},{"city":"Lyon","jobTitle":"CEO"}]`)
	filter, err := restquery.ParseFilter("city[neq]:Nice")
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.client.GroupBy(ctx, &recordsv1.GroupByRequest{
		WorkspaceId: ws, ObjectNamePlural: "people",
		GroupBy:    []*recordsv1.GroupByDimension{{Field: "city"}},
		Aggregates: []string{"totalCount", "countEmptyJobTitle"},
		Filter:     recordquery.ToProto(&recordquery.Query{Filter: filter}).GetFilter(),
		Limit:      10,
	})
	if err != nil {
		t.Fatalf("GroupBy: %v", err)
	}
	want := `[{"totalCount":"1","countEmptyJobTitle":"0","groupByDimensionValues":["Lyon"]},` +
		`{"totalCount":"2","countEmptyJobTitle":"1","groupByDimensionValues":["Paris"]}]`
	if string(res.GetGroupsJson()) != want {
		t.Errorf("groups = %s, want %s", res.GetGroupsJson(), want)
	}
	res, err = h.client.GroupBy(ctx, &recordsv1.GroupByRequest{WorkspaceId: ws, ObjectNamePlural: "people", GroupBy: []*recordsv1.GroupByDimension{{Field: "city"}},
		Filter: recordquery.ToProto(&recordquery.Query{Filter: mustFilter(t, "city[eq]:Nice")}).GetFilter()})
	if err != nil || string(res.GetGroupsJson()) != "[]" {
		t.Errorf("no group = %s, %v; want []", res.GetGroupsJson(), err)
	}
	res, err = h.client.GroupBy(ctx, &recordsv1.GroupByRequest{WorkspaceId: ws, ObjectNamePlural: "people", Aggregates: []string{"totalCount"},
		GroupBy: []*recordsv1.GroupByDimension{{Field: "name", By: &recordsv1.GroupByDimension_SubField{SubField: "firstName"}}}})
	if want := `[{"totalCount":"3","groupByDimensionValues":[""]}]`; err != nil || string(res.GetGroupsJson()) != want {
		t.Errorf("by name.firstName = %s, %v; want %s", res.GetGroupsJson(), err, want)
	}
	for _, tt := range []struct {
		req *recordsv1.GroupByRequest
		msg string
	}{
		{&recordsv1.GroupByRequest{GroupBy: []*recordsv1.GroupByDimension{{Field: "nope"}}}, "Unidentified field in groupBy: nope"},
		{&recordsv1.GroupByRequest{GroupBy: []*recordsv1.GroupByDimension{{Field: "city"}}, Aggregates: []string{"sumCity"}}, `Unknown aggregate "sumCity" for object person`},
		{&recordsv1.GroupByRequest{GroupBy: []*recordsv1.GroupByDimension{{Field: "createdAt", By: &recordsv1.GroupByDimension_Date{Date: &recordsv1.DateGrouping{Granularity: "DECADE"}}}}},
			`Invalid date granularity "DECADE" for field "createdAt"`},
	} {
		tt.req.WorkspaceId, tt.req.ObjectNamePlural = ws, "people"
		_, err := h.client.GroupBy(ctx, tt.req)
		var ce *connect.Error
		if !errors.As(err, &ce) || ce.Code() != connect.CodeInvalidArgument || ce.Message() != tt.msg {
			t.Errorf("GroupBy error = %v, want %q", err, tt.msg)
		}
	}
}

func mustFilter(t *testing.T, s string) *recordquery.Filter {
	t.Helper()
	f, err := restquery.ParseFilter(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
