package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/cfworker"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"google.golang.org/protobuf/proto"
)

// sentEvents decodes the record events the harness's queue received.
func (h *harness) sentEvents(t *testing.T) []*jobsv1.DatabaseEventBatch {
	t.Helper()
	var out []*jobsv1.DatabaseEventBatch
	for _, body := range h.jobs.Sent() {
		job, err := jobqueue.Decode(body)
		if err != nil {
			t.Fatal(err)
		}
		if job.GetType() != eventJobType {
			continue
		}
		b := &jobsv1.DatabaseEventBatch{}
		if err := proto.Unmarshal(job.GetPayload(), b); err != nil {
			t.Fatalf("decode event: %v", err)
		}
		if job.GetWorkspaceId() != b.GetWorkspaceId() {
			t.Errorf("job of workspace %q carries an event of %q", job.GetWorkspaceId(), b.GetWorkspaceId())
		}
		out = append(out, b)
	}
	return out
}

func TestCreateEmitsTwentysCreatedEvent(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ws := h.workspace(t)
	if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	member, user := ids.NewUUID(), ids.NewUUID()
	p1, p2 := ids.NewUUID(), ids.NewUUID()
	_, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{
		WorkspaceId: ws, ObjectNamePlural: "people",
		RecordsJson: []byte(`[{"id":"` + p1 + `","city":"Paris"},{"id":"` + p2 + `"}]`),
		Actor:       &recordsv1.Actor{Source: "MANUAL", WorkspaceMemberId: member, UserId: user, Name: "Tim Apple"},
	})
	if err != nil {
		t.Fatalf("CreateMany: %v", err)
	}
	events := h.sentEvents(t)
	if len(events) != 1 {
		t.Fatalf("sent %d event batches, want 1", len(events))
	}
	b := events[0]
	type event struct {
		Record, User, Member, City string
		HasBefore                  bool
		Actor                      map[string]any
	}
	var got []event
	for _, e := range b.GetEvents() {
		var after struct{ City string }
		if err := json.Unmarshal(e.GetAfterJson(), &after); err != nil {
			t.Fatalf("after_json: %v", err)
		}
		var actor map[string]any
		if err := json.Unmarshal(e.GetActorJson(), &actor); err != nil {
			t.Fatalf("actor_json: %v", err)
		}
		got = append(got, event{e.GetRecordId(), e.GetUserId(), e.GetWorkspaceMemberId(), after.City, e.GetBeforeJson() != nil, actor})
	}
	actor := map[string]any{"source": "MANUAL", "name": "Tim Apple", "workspaceMemberId": member, "context": map[string]any{}}
	want := []event{{p1, user, member, "Paris", false, actor}, {p2, user, member, "", false, actor}}
	if b.GetName() != "person.created" || b.GetObjectNameSingular() != "person" || b.GetObjectMetadataId() == "" {
		t.Errorf("batch = %q %q %q, want person.created for person with its metadata id", b.GetName(), b.GetObjectNameSingular(), b.GetObjectMetadataId())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	// A refused create sends nothing.
	if _, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", RecordsJson: []byte(`[{"id":"` + p1 + `"}]`)}); err == nil {
		t.Fatal("duplicate id accepted")
	}
	if n := len(h.sentEvents(t)); n != 1 {
		t.Errorf("after a refused create, %d event batches, want 1", n)
	}
}

func TestLargeEventBatchesAreSplitToFitAQueueMessage(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ws := h.workspace(t)
	if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	// 100 people of about 3 KB each: about 300 KB of created events, more than one message holds.
	long := strings.Repeat("x", 3000)
	var records, want []string
	for range 100 {
		id := ids.NewUUID()
		records = append(records, `{"id":"`+id+`","jobTitle":"`+long+`"}`)
		want = append(want, id)
	}
	before := len(h.jobs.Sent())
	if _, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people",
		RecordsJson: []byte("[" + strings.Join(records, ",") + "]"), Actor: &recordsv1.Actor{Source: "API"}}); err != nil {
		t.Fatal(err)
	}
	bodies := h.jobs.Sent()[before:]
	if len(bodies) < 3 {
		t.Errorf("%d jobs, want the events split over at least 3", len(bodies))
	}
	var got []string
	for _, body := range bodies {
		if len(body) > 128<<10 {
			t.Errorf("a job of %d bytes, over the queue's 128 KB", len(body))
		}
		job, err := jobqueue.Decode(body)
		if err != nil {
			t.Fatal(err)
		}
		b := &jobsv1.DatabaseEventBatch{}
		if err := proto.Unmarshal(job.GetPayload(), b); err != nil {
			t.Fatal(err)
		}
		if b.GetName() != "person.created" || b.GetWorkspaceId() != ws {
			t.Errorf("batch %q of %s, want person.created of %s", b.GetName(), b.GetWorkspaceId(), ws)
		}
		for _, e := range b.GetEvents() {
			got = append(got, e.GetRecordId())
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("created events, in order (-want +got):\n%s", diff)
	}
}

// TestCronSweepsWhatNoRelaySent: with the relay gone after the write (paused), a create's event
// waits in the outbox; the cron leaves it while a relay could still be on it, and a sweep of
// older rows relays it once.
func TestCronSweepsWhatNoRelaySent(t *testing.T) {
	h, s := newServerHarness(t)
	ctx := context.Background()
	ws := h.workspace(t)
	if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	s.relayPaused.Store(true)
	p := ids.NewUUID()
	if _, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people",
		RecordsJson: []byte(`[{"id":"` + p + `"}]`), Actor: &recordsv1.Actor{Source: "API", Name: "key"}}); err != nil {
		t.Fatal(err)
	}
	if got := len(h.sentEvents(t)); got != 0 {
		t.Fatalf("%d event batches sent with the relay paused, want 0", got)
	}
	if err := s.sweepOnCron(ctx, cfworker.ScheduledEvent{Cron: "* * * * *", Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if got := len(h.sentEvents(t)); got != 0 {
		t.Fatalf("the cron sent %d batches of rows younger than %s, want 0", got, sweepAge)
	}
	st, err := s.sweepEvents(ctx, 0)
	if err != nil || st.Sent != 1 || st.Events != 1 {
		t.Fatalf("sweep = %+v, %v; want 1 row with 1 event sent", st, err)
	}
	events := h.sentEvents(t)
	if len(events) != 1 || events[0].GetName() != "person.created" || events[0].GetEvents()[0].GetRecordId() != p || events[0].GetEvents()[0].GetId() == "" {
		t.Fatalf("sent %v, want person.created of %s with an event id", events, p)
	}
	if st, _ := s.sweepEvents(ctx, 0); st.Rows != 0 || len(h.sentEvents(t)) != 1 {
		t.Errorf("a second sweep read %d rows; want 0 and still 1 batch sent", st.Rows)
	}
}
