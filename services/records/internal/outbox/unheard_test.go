package outbox

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/queue/queuemem"
)

// TestDropUnheardDeletesTheRowNobodyHears: a create whose own batch consumed its events
// (InlineCreated) leaves no outbox row when the same batch finds nobody else listening to the
// workspace; a webhook, a realtime listener, a room not checked lately, webhooks not known, a
// consumer that declines or an event the filter keeps each keep the row for the relay.
func TestDropUnheardDeletesTheRowNobodyHears(t *testing.T) {
	quiet := [][]d1.Stmt{RealtimeIdle(ws, 300), Backfill(ws, nil)}
	tests := []struct {
		name    string
		setup   [][]d1.Stmt
		decline bool // the inline consumer declines
		keep    bool // the filter keeps the event
		want    int  // outbox rows after the create
	}{
		{"nobody listens", quiet, false, false, 0},
		{"a webhook", append(quiet, SetListener(ws, ListenerWebhook, "w1", true)), false, false, 1},
		{"a realtime listener", append(quiet, SetListener(ws, ListenerRealtime, "", true)), false, false, 1},
		{"the room never checked", [][]d1.Stmt{Backfill(ws, nil)}, false, false, 1},
		{"webhooks not known", [][]d1.Stmt{RealtimeIdle(ws, 300)}, false, false, 1},
		{"the consumer declines", quiet, true, false, 1},
		{"an event the queue always needs", quiet, false, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixtureWith(t, tt.setup)
			w := NewWriter(ws, actor, time.Now(), f.shard.State)
			w.Probe(ProbeSQL(ws, "0"))
			w.InlineCreated(func(*jobsv1.DatabaseEventBatch) ([]d1.Stmt, bool) { return nil, !tt.decline })
			var asked []string
			w.DropUnheard(func(event string) bool { asked = append(asked, event); return !tt.keep })
			var e engine.Engine
			if _, err := e.CreateMany(t.Context(), Batcher{Inner: f.shard.DB, Writer: w}, ws, f.person, f.objects, engine.Actor{Source: "MANUAL", Name: "Tim"},
				[]map[string]any{{"id": "00000000-0000-4000-8000-000000000001"}}); err != nil {
				t.Fatal(err)
			}
			if got := f.pending(t); got != tt.want {
				t.Errorf("outbox rows = %d, want %d", got, tt.want)
			}
			if got := len(w.Rows()); got != tt.want {
				t.Errorf("writer's rows = %d, want %d (the rows still in the outbox)", got, tt.want)
			}
			if !tt.decline && !cmp.Equal(asked, []string{"person.created"}) {
				t.Errorf("the filter was asked about %v, want person.created", asked)
			}
		})
	}
}

// TestSendDeletesTheRowWithLocalsWrites: a relay right after the write hands Local the row's
// delete on its last batch; a Local that runs it with its own writes leaves nothing for the flush,
// and one that does not (nothing to write) leaves the row to it. A sweep never hands the delete
// over: it deletes what it sent itself.
func TestSendDeletesTheRowWithLocalsWrites(t *testing.T) {
	for _, runs := range []bool{true, false} {
		f := newFixture(t)
		w := f.create(t, map[string]any{"id": "00000000-0000-4000-8000-000000000001"})
		var handed [][]d1.Stmt
		r := &Relay{Queue: queuemem.New(), Local: func(ctx context.Context, _ Row, _ *jobsv1.DatabaseEventBatch, done []d1.Stmt) (bool, error) {
			handed = append(handed, done)
			if !runs || len(done) == 0 {
				return false, nil
			}
			_, err := f.shard.DB.Batch(ctx, append([]d1.Stmt{{SQL: `CREATE TABLE IF NOT EXISTS "local_log" ("n" INTEGER)`}, {SQL: `INSERT INTO "local_log" VALUES (1)`}}, done...)...)
			return err == nil, err
		}}
		st, err := r.Send(t.Context(), f.shard, w.Rows(), f.objectsOf)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(Stats{Rows: 1, Events: 1, Sent: 1}, st); diff != "" {
			t.Errorf("Local runs the delete = %v: stats (-want +got):\n%s", runs, diff)
		}
		if len(handed) != 1 || len(handed[0]) != 1 {
			t.Fatalf("Local was handed %v, want the row's delete once", handed)
		}
		wantLeft, wantRelayed := 0, 0
		if !runs {
			wantLeft, wantRelayed = 1, 1
		}
		if got := f.pending(t); got != wantLeft {
			t.Errorf("Local runs the delete = %v: outbox rows = %d, want %d", runs, got, wantLeft)
		}
		if got := f.shard.State.Relayed(); got != (wantRelayed > 0) {
			t.Errorf("Local runs the delete = %v: Relayed() = %v, want %v", runs, got, wantRelayed > 0)
		}
		if got := len(f.shard.State.takeRelayed()); got != wantRelayed {
			t.Errorf("Local runs the delete = %v: rows left to the flush = %d, want %d", runs, got, wantRelayed)
		}
	}

	f := newFixture(t)
	f.create(t, map[string]any{"id": "00000000-0000-4000-8000-000000000001"})
	var handed []d1.Stmt
	r := &Relay{Queue: queuemem.New(), Local: func(_ context.Context, _ Row, _ *jobsv1.DatabaseEventBatch, done []d1.Stmt) (bool, error) {
		handed = append(handed, done...)
		return false, nil
	}}
	st, err := r.Sweep(t.Context(), f.shard, 0, 10, f.objectsOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(handed) != 0 || st.Sent != 1 || f.pending(t) != 0 {
		t.Errorf("sweep: Local handed %v, stats %+v, %d rows left; want nothing handed, 1 sent, none left", handed, st, f.pending(t))
	}
}
