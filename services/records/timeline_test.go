package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/kv/kvmem"
	"github.com/twentyworkers/twenty/shared/queue/queuemem"
	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/restquery"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

// newTimelineHarness is newHarness with a TimelineService client on the same server.
func newTimelineHarness(t *testing.T) (*harness, recordsv1connect.TimelineServiceClient) {
	h := &harness{control: sqltest.Open(t), shards: map[string]*d1.DB{"DB_0": sqltest.OpenEmpty(t)}, jobs: queuemem.New(), cache: kvmem.New()}
	srv := httptest.NewServer(newHandler(h.control, h.shards, h.cache, h.jobs, nil, nil))
	t.Cleanup(srv.Close)
	h.client = recordsv1connect.NewRecordsServiceClient(srv.Client(), srv.URL)
	return h, recordsv1connect.NewTimelineServiceClient(srv.Client(), srv.URL)
}

// timelineOf reads a record's timeline as the REST API does
// (?filter=targetPersonId[eq]:<id>&order_by=happensAt[AscNullsLast]).
func timelineOf(t *testing.T, h *harness, ws, column, id string) []map[string]any {
	t.Helper()
	f, err := restquery.ParseFilter(column + "[eq]:" + id)
	if err != nil {
		t.Fatal(err)
	}
	q := &recordquery.Query{Limit: recordquery.DefaultLimit, Filter: f, OrderBy: []recordquery.Order{{Field: "happensAt", Direction: recordquery.AscNullsLast}}}
	res, err := h.client.FindMany(context.Background(), &recordsv1.FindManyRequest{WorkspaceId: ws, ObjectNamePlural: "timelineActivities", Query: recordquery.ToProto(q)})
	if err != nil {
		t.Fatalf("FindMany timelineActivities: %v", err)
	}
	var out []map[string]any
	if err := json.Unmarshal(res.GetRecordsJson(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTimelineOfAPerson drives a person's history through the records Worker (create, two
// updates, a note attached, a delete), hands the events it emitted to the TimelineService as the
// jobs Worker does, twice, and reads the person's timeline back.
func TestTimelineOfAPerson(t *testing.T) {
	h, tl := newTimelineHarness(t)
	ctx := context.Background()
	ws, member, user := h.workspace(t), ids.NewUUID(), ids.NewUUID()
	if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws, WorkspaceMemberId: member, UserId: user, MemberFirstName: "Tim"}); err != nil {
		t.Fatal(err)
	}
	actor := &recordsv1.Actor{Source: "MANUAL", WorkspaceMemberId: member, UserId: user, Name: "Tim"}
	person, note := ids.NewUUID(), ids.NewUUID()
	create := func(plural, record string) {
		t.Helper()
		if _, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: plural, RecordsJson: []byte("[" + record + "]"), Actor: actor}); err != nil {
			t.Fatalf("create %s: %v", plural, err)
		}
	}
	update := func(data string) {
		t.Helper()
		if _, err := h.client.UpdateMany(ctx, &recordsv1.UpdateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people",
			Selection: &recordsv1.Selection{By: &recordsv1.Selection_Id{Id: person}}, DataJson: []byte(data), Actor: actor}); err != nil {
			t.Fatalf("update: %v", err)
		}
	}
	create("people", `{"id":"`+person+`","city":""}`)
	update(`{"city":"Oslo"}`)
	update(`{"city":"Bergen","jobTitle":"CTO"}`)
	create("notes", `{"id":"`+note+`","title":"Call notes"}`)
	create("noteTargets", `{"noteId":"`+note+`","personId":"`+person+`"}`)
	if _, err := h.client.DeleteMany(ctx, &recordsv1.DeleteManyRequest{WorkspaceId: ws, ObjectNamePlural: "people",
		Selection: &recordsv1.Selection{By: &recordsv1.Selection_Id{Id: person}}, Actor: actor}); err != nil {
		t.Fatalf("delete: %v", err)
	}

	events := h.sentEvents(t)
	write := func() (inserted, merged int32) {
		for _, b := range events {
			res, err := tl.WriteTimelineActivities(ctx, &recordsv1.WriteTimelineActivitiesRequest{Batch: b})
			if err != nil {
				t.Fatalf("WriteTimelineActivities(%s): %v", b.GetName(), err)
			}
			inserted += res.GetInserted()
			merged += res.GetMerged()
		}
		return inserted, merged
	}
	// The relay wrote the activities as it sent the events: person.created, person.updated (the
	// second update merged in), note.created, linked-note.created, person.deleted; noteTarget
	// itself has no timeline. The same batches handed over again insert nothing.
	if ins, _ := write(); ins != 0 {
		t.Errorf("a redelivery inserted %d; want 0", ins)
	}

	type activity struct {
		Name, WorkspaceMemberID, LinkedRecordID, LinkedRecordCachedName string
		Properties                                                      any
	}
	var got []activity
	for _, r := range timelineOf(t, h, ws, "targetPersonId", person) {
		a := activity{Properties: r["properties"]}
		a.Name, _ = r["name"].(string)
		a.WorkspaceMemberID, _ = r["workspaceMemberId"].(string)
		a.LinkedRecordID, _ = r["linkedRecordId"].(string)
		a.LinkedRecordCachedName, _ = r["linkedRecordCachedName"].(string)
		got = append(got, a)
	}
	want := []activity{
		{Name: "person.created", WorkspaceMemberID: member, Properties: map[string]any{}},
		{Name: "person.updated", WorkspaceMemberID: member, Properties: map[string]any{"diff": map[string]any{
			"city":     map[string]any{"before": "", "after": "Bergen"},
			"jobTitle": map[string]any{"before": "", "after": "CTO"},
		}}},
		{Name: "linked-note.created", WorkspaceMemberID: member, LinkedRecordID: note, LinkedRecordCachedName: "Call notes", Properties: map[string]any{}},
		{Name: "person.deleted", WorkspaceMemberID: member, Properties: map[string]any{}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the person's timeline (-want +got):\n%s", diff)
	}
	if n := len(timelineOf(t, h, ws, "targetNoteId", note)); n != 1 {
		t.Errorf("the note's timeline has %d activities, want 1 (note.created)", n)
	}
}

func TestWriteTimelineActivitiesRefusals(t *testing.T) {
	h, tl := newTimelineHarness(t)
	ctx := context.Background()
	ws := h.workspace(t)
	if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		batch *jobsv1.DatabaseEventBatch
		code  connect.Code
	}{
		{"no batch", nil, connect.CodeInvalidArgument},
		{"not a workspace id", &jobsv1.DatabaseEventBatch{Name: "person.created", WorkspaceId: "ws", ObjectNameSingular: "person"}, connect.CodeInvalidArgument},
		{"an event that is not JSON", &jobsv1.DatabaseEventBatch{Name: "person.created", WorkspaceId: ws, ObjectNameSingular: "person",
			Events: []*jobsv1.DatabaseEvent{{Id: "e", RecordId: ids.NewUUID(), AfterJson: []byte("{")}}}, connect.CodeInvalidArgument},
	}
	for _, tt := range tests {
		_, err := tl.WriteTimelineActivities(ctx, &recordsv1.WriteTimelineActivitiesRequest{Batch: tt.batch})
		if connect.CodeOf(err) != tt.code {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.code)
		}
	}
	// An object deleted since its event, a person destroyed since: nothing to write, no error.
	for _, b := range []*jobsv1.DatabaseEventBatch{
		{Name: "pet.created", WorkspaceId: ws, ObjectNameSingular: "pet", ObjectMetadataId: ids.NewUUID(), Events: []*jobsv1.DatabaseEvent{{Id: "e", RecordId: ids.NewUUID(), AfterJson: []byte("{}")}}},
		{Name: "person.created", WorkspaceId: ws, ObjectNameSingular: "person", Events: []*jobsv1.DatabaseEvent{{Id: "e", RecordId: ids.NewUUID(), AfterJson: []byte("{}")}}},
	} {
		res, err := tl.WriteTimelineActivities(ctx, &recordsv1.WriteTimelineActivitiesRequest{Batch: b})
		if err != nil || res.GetInserted() != 0 {
			t.Errorf("%s: %v, %v; want nothing written", b.GetName(), res, err)
		}
	}
}

// TestCreatedTimelineCommitsWithTheWrite: a record's "created" activity needs nothing read, so
// the create's own batch writes it, before any relay: with the relay paused, a person created by
// a member and one created by an API key have theirs at once, while a note attached to one (its
// linked-note activity reads the note's title) waits for the relay, here the sweep, which then
// writes that one and no second "created".
func TestCreatedTimelineCommitsWithTheWrite(t *testing.T) {
	h, s := newServerHarness(t)
	ctx := context.Background()
	ws, member, user := h.workspace(t), ids.NewUUID(), ids.NewUUID()
	if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws, WorkspaceMemberId: member, UserId: user, MemberFirstName: "Tim"}); err != nil {
		t.Fatal(err)
	}
	s.relayPaused.Store(true)
	byMember := &recordsv1.Actor{Source: "MANUAL", WorkspaceMemberId: member, UserId: user, Name: "Tim"}
	byKey := &recordsv1.Actor{Source: "API", Name: "key"}
	create := func(plural, record string, actor *recordsv1.Actor) {
		t.Helper()
		if _, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: plural, RecordsJson: []byte("[" + record + "]"), Actor: actor}); err != nil {
			t.Fatalf("create %s: %v", plural, err)
		}
	}
	names := func(id string) []string {
		t.Helper()
		var out []string
		for _, r := range timelineOf(t, h, ws, "targetPersonId", id) {
			name, _ := r["name"].(string)
			member, _ := r["workspaceMemberId"].(string)
			out = append(out, name+" by "+member)
		}
		return out
	}
	ann, bob, note := ids.NewUUID(), ids.NewUUID(), ids.NewUUID()
	create("people", `{"id":"`+ann+`"}`, byMember)
	create("people", `{"id":"`+bob+`"}`, byKey)
	create("notes", `{"id":"`+note+`","title":"Call notes"}`, byMember)
	create("noteTargets", `{"noteId":"`+note+`","personId":"`+ann+`"}`, byMember)

	if diff := cmp.Diff([]string{"person.created by " + member}, names(ann)); diff != "" {
		t.Errorf("ann's timeline before any relay (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"person.created by "}, names(bob)); diff != "" {
		t.Errorf("bob's timeline before any relay (-want +got):\n%s", diff)
	}
	st, err := s.sweepEvents(ctx, 0)
	if err != nil || st.Sent != 4 {
		t.Fatalf("sweep = %+v, %v; want the 4 rows sent", st, err)
	}
	if diff := cmp.Diff([]string{"person.created by " + member, "linked-note.created by " + member}, names(ann)); diff != "" {
		t.Errorf("ann's timeline after the sweep (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"person.created by "}, names(bob)); diff != "" {
		t.Errorf("bob's timeline after the sweep (-want +got):\n%s", diff)
	}
}
