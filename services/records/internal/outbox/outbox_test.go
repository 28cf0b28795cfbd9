package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"github.com/twentyworkers/twenty/shared/queue/queuemem"
	"github.com/twentyworkers/twenty/shared/sqltest"
	"google.golang.org/protobuf/proto"
)

const ws = "3b8e6458-5fc1-4e63-8563-008ccddaa6db"

// fixture is a shard with a workspace's tables, the workspace's objects and a writer's batcher.
type fixture struct {
	shard   Shard
	objects []metadata.Object
	person  metadata.Object
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := sqltest.OpenEmpty(t)
	stmts, err := ddl.InitWorkspace(ws, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Batch(t.Context(), stmts...); err != nil {
		t.Fatal(err)
	}
	f := &fixture{shard: Shard{DB: db, State: &ShardState{}}, objects: metadata.StandardObjects()}
	for i := range f.objects {
		f.objects[i].ID = "obj-" + f.objects[i].NameSingular
		if f.objects[i].NameSingular == "person" {
			f.person = f.objects[i]
		}
	}
	return f
}

// newFixtureWith is newFixture after the batches of setup ran on its shard.
func newFixtureWith(t *testing.T, setup [][]d1.Stmt) *fixture {
	t.Helper()
	f := newFixture(t)
	for _, stmts := range setup {
		if _, err := f.shard.DB.Batch(t.Context(), stmts...); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fixture) objectsOf(_ context.Context, workspaceID string) ([]metadata.Object, error) {
	if workspaceID != ws {
		return nil, errors.New("no such workspace")
	}
	return f.objects, nil
}

var actor = Actor{UserID: "user-1", WorkspaceMemberID: "member-1", JSON: []byte(`{"source":"MANUAL","name":"Tim"}`)}

// create creates people through the engine with a writer, as one call does, and answers the writer.
func (f *fixture) create(t *testing.T, people ...map[string]any) *Writer {
	t.Helper()
	w := NewWriter(ws, actor, time.Now(), f.shard.State)
	var e engine.Engine
	if _, err := e.CreateMany(t.Context(), Batcher{Inner: f.shard.DB, Writer: w}, ws, f.person, f.objects, engine.Actor{Source: "MANUAL", Name: "Tim"}, people); err != nil {
		t.Fatal(err)
	}
	return w
}

func (f *fixture) pending(t *testing.T) int {
	t.Helper()
	var n int
	if err := f.shard.DB.QueryRow(`SELECT count(*) FROM "` + Table + `"`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// sent decodes the event batches a queue received: "<name> <record id> <event id>" per event.
func sent(t *testing.T, q *queuemem.Memory) []string {
	t.Helper()
	var out []string
	for _, body := range q.Sent() {
		job, err := jobqueue.Decode(body)
		if err != nil {
			t.Fatal(err)
		}
		b := &jobsv1.DatabaseEventBatch{}
		if err := proto.Unmarshal(job.GetPayload(), b); err != nil {
			t.Fatal(err)
		}
		if job.GetType() != EventJobType || job.GetWorkspaceId() != ws || b.GetEventDate() == "" {
			t.Errorf("job %s of %s, batch dated %q", job.GetType(), job.GetWorkspaceId(), b.GetEventDate())
		}
		for _, e := range b.GetEvents() {
			out = append(out, b.GetName()+" "+e.GetRecordId()+" "+e.GetId())
		}
	}
	return out
}

func TestWriteThenRelay(t *testing.T) {
	f := newFixture(t)
	w := f.create(t, map[string]any{"id": "00000000-0000-4000-8000-000000000001", "city": "Oslo"}, map[string]any{"id": "00000000-0000-4000-8000-000000000002"})
	if got := f.pending(t); got != 1 {
		t.Fatalf("outbox rows after the write = %d, want 1", got)
	}
	q := queuemem.New()
	r := &Relay{Queue: q}
	st, err := r.Send(t.Context(), f.shard, w.Rows(), f.objectsOf)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Stats{Rows: 1, Events: 2, Sent: 1}, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	row := w.Rows()[0].ID
	want := []string{
		"person.created 00000000-0000-4000-8000-000000000001 " + EventID(row, "00000000-0000-4000-8000-000000000001"),
		"person.created 00000000-0000-4000-8000-000000000002 " + EventID(row, "00000000-0000-4000-8000-000000000002"),
	}
	if diff := cmp.Diff(want, sent(t, q)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if got := f.pending(t); got != 1 {
		t.Errorf("outbox rows after the relay, before a flush = %d, want 1", got)
	}
	if err := r.Flush(t.Context(), f.shard); err != nil {
		t.Fatal(err)
	}
	if got := f.pending(t); got != 0 {
		t.Errorf("outbox rows after the flush = %d, want 0", got)
	}
	// The event carries the record after the write, as the API shows it.
	job, _ := jobqueue.Decode(q.Sent()[0])
	b := &jobsv1.DatabaseEventBatch{}
	_ = proto.Unmarshal(job.GetPayload(), b)
	var after struct {
		City string
		Name map[string]any
	}
	if err := json.Unmarshal(b.GetEvents()[0].GetAfterJson(), &after); err != nil || after.City != "Oslo" || after.Name == nil {
		t.Errorf("after = %s (%v), want the created record", b.GetEvents()[0].GetAfterJson(), err)
	}
}

// TestPublishMarksTheQueuedBatch: a batch the relay's Publish took goes on the queue marked
// RealtimePublished (the queue's realtime subscriber leaves it); one it did not take goes unmarked.
func TestPublishMarksTheQueuedBatch(t *testing.T) {
	for _, took := range []bool{true, false} {
		f := newFixture(t)
		w := f.create(t, map[string]any{"id": "00000000-0000-4000-8000-000000000001"})
		q := queuemem.New()
		var published []string
		r := &Relay{Queue: q, Publish: func(_ context.Context, _ Row, b *jobsv1.DatabaseEventBatch) bool {
			published = append(published, b.GetName())
			return took
		}}
		if _, err := r.Send(t.Context(), f.shard, w.Rows(), f.objectsOf); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"person.created"}, published); diff != "" {
			t.Errorf("published (-want +got):\n%s", diff)
		}
		job, _ := jobqueue.Decode(q.Sent()[0])
		b := &jobsv1.DatabaseEventBatch{}
		if err := proto.Unmarshal(job.GetPayload(), b); err != nil {
			t.Fatal(err)
		}
		if b.GetRealtimePublished() != took {
			t.Errorf("Publish took the batch: %v; queued batch marked RealtimePublished = %v", took, b.GetRealtimePublished())
		}
	}
}

// failingQueue refuses every message.
type failingQueue struct{ calls atomic.Int32 }

func (q *failingQueue) Send(context.Context, []byte) error {
	q.calls.Add(1)
	return errors.New("queue full")
}

// TestQueueDownThenSweep: a queue that refuses gets bounded retries, then the outbox keeps the
// events, and the sweep sends each of them once when the queue is back.
func TestQueueDownThenSweep(t *testing.T) {
	f := newFixture(t)
	w := f.create(t, map[string]any{"id": "00000000-0000-4000-8000-000000000001"})
	down := &failingQueue{}
	st, err := (&Relay{Queue: down, Attempts: 3, Backoff: time.Millisecond}).Send(t.Context(), f.shard, w.Rows(), f.objectsOf)
	if err == nil || st.Left != 1 || st.Sent != 0 {
		t.Fatalf("relay to a full queue = %+v, %v; want the row left and an error", st, err)
	}
	if got := down.calls.Load(); got != 3 {
		t.Errorf("attempts = %d, want 3", got)
	}
	if got := f.pending(t); got != 1 {
		t.Fatalf("outbox rows = %d, want 1", got)
	}
	if err := (&Relay{}).Flush(t.Context(), f.shard); err != nil || f.pending(t) != 1 {
		t.Fatalf("a flush after a failed relay: %v, %d rows; want the row kept", err, f.pending(t))
	}
	up := queuemem.New()
	r := &Relay{Queue: up}
	// A sweep leaves rows younger than its age alone: a relay may still be on them.
	if st, err := r.Sweep(t.Context(), f.shard, time.Hour, 10, f.objectsOf); err != nil || st.Rows != 0 {
		t.Errorf("sweep of rows younger than an hour = %+v, %v; want none", st, err)
	}
	st, err = r.Sweep(t.Context(), f.shard, 0, 10, f.objectsOf)
	if err != nil || st.Sent != 1 {
		t.Fatalf("sweep = %+v, %v", st, err)
	}
	if got := len(sent(t, up)); got != 1 {
		t.Errorf("events sent by the sweep = %d, want 1", got)
	}
	if st, _ := r.Sweep(t.Context(), f.shard, 0, 10, f.objectsOf); st.Rows != 0 || len(up.Sent()) != 1 {
		t.Errorf("a second sweep read %d rows and the queue holds %d messages; want 0 and 1", st.Rows, len(up.Sent()))
	}
}

// TestAnsweredRowsAreTheStoredRows: the rows a write batch answers, which the relay sends, are
// the rows the outbox holds, which a sweep would send: the same events, ids included, so a
// consumer skips the second of them.
func TestAnsweredRowsAreTheStoredRows(t *testing.T) {
	f := newFixture(t)
	w := f.create(t, map[string]any{"id": "00000000-0000-4000-8000-000000000001", "city": "Oslo"})
	var e engine.Engine
	if _, err := e.UpdateMany(t.Context(), Batcher{Inner: f.shard.DB, Writer: w}, ws, f.person, f.objects, engine.Actor{Source: "MANUAL", Name: "Tim"},
		engine.Selection{ID: "00000000-0000-4000-8000-000000000001"}, map[string]any{"city": "Bergen"}, engine.Shape{}); err != nil {
		t.Fatal(err)
	}
	stored, err := readRows(t.Context(), f.shard, d1.Stmt{SQL: selectRows + " ORDER BY rowid"})
	if err != nil {
		t.Fatal(err)
	}
	answered := w.Rows()
	if diff := cmp.Diff(stored, answered); diff != "" {
		t.Fatalf("answered rows (-stored +answered):\n%s", diff)
	}
	for i := range stored {
		a, _ := stored[i].Batches(&f.person)
		b, _ := answered[i].Batches(&f.person)
		if len(a) != 1 || len(b) != 1 || !proto.Equal(a[0], b[0]) {
			t.Errorf("row %d: stored %v, answered %v: want the same events", i, a, b)
		}
	}
	if got := answered[1].Action; got != "updated" || len(mustBatches(t, answered[1], &f.person)[0].GetEvents()[0].GetUpdatedFields()) == 0 {
		t.Errorf("second row %s, want an update with its updated fields", got)
	}
}

func mustBatches(t *testing.T, r Row, obj *metadata.Object) []*jobsv1.DatabaseEventBatch {
	t.Helper()
	b, err := r.Batches(obj)
	if err != nil || len(b) == 0 {
		t.Fatalf("Batches = %v, %v", b, err)
	}
	return b
}

// TestNextWriteDeletesRelayedRows: rows relayed are deleted by the shard's next write batch, at
// no round trip of their own.
func TestNextWriteDeletesRelayedRows(t *testing.T) {
	f := newFixture(t)
	w := f.create(t, map[string]any{"city": "Oslo"})
	if _, err := (&Relay{Queue: queuemem.New()}).Send(t.Context(), f.shard, w.Rows(), f.objectsOf); err != nil {
		t.Fatal(err)
	}
	f.create(t, map[string]any{"city": "Rome"})
	var left string
	if err := f.shard.DB.QueryRow(`SELECT "id" FROM "` + Table + `"`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left == w.Rows()[0].ID || f.pending(t) != 1 {
		t.Errorf("after the next write: %d rows, the relayed one still there: %v", f.pending(t), left == w.Rows()[0].ID)
	}
}

// TestSweepCreatesTheTable: a shard that never had an event is swept without error.
func TestSweepCreatesTheTable(t *testing.T) {
	db := sqltest.OpenEmpty(t)
	st, err := (&Relay{Queue: queuemem.New()}).Sweep(t.Context(), Shard{DB: db, State: &ShardState{}}, 0, 10, nil)
	if err != nil || st != (Stats{}) {
		t.Errorf("sweep of an empty shard = %+v, %v", st, err)
	}
}

// TestUnknownWorkspaceIsLeft: a row whose workspace cannot be read stays in the outbox.
func TestUnknownWorkspaceIsLeft(t *testing.T) {
	f := newFixture(t)
	f.create(t, map[string]any{"city": "Oslo"})
	st, err := (&Relay{Queue: queuemem.New()}).Sweep(t.Context(), f.shard, 0, 10, func(context.Context, string) ([]metadata.Object, error) {
		return nil, errors.New("control database down")
	})
	if err == nil || st.Left != 1 || f.pending(t) != 1 {
		t.Errorf("sweep without the workspace's objects = %+v, %v, %d rows left; want the row kept and an error", st, err, f.pending(t))
	}
}
