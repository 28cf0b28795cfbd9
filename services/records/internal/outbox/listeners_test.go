package outbox

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/shared/d1"
)

// TestProbeAnswersTheListenersOfTheWrite: a write's own batch answers who listens to the
// workspace's events, as the listeners stand when it commits, another workspace's not counted.
func TestProbeAnswersTheListenersOfTheWrite(t *testing.T) {
	const other = "0d8a2f2e-9a4e-4c65-b4c9-2b1f8b8e6f11"
	triggers, err := ddl.TableName(ws, "workflowAutomatedTrigger")
	if err != nil {
		t.Fatal(err)
	}
	triggerSQL := `EXISTS (SELECT 1 FROM "` + triggers + `" WHERE "type" = 'DATABASE_EVENT' AND "deletedAt" IS NULL)`
	aged := d1.Stmt{SQL: `UPDATE "` + ListenersTable + `" SET "at" = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-11 minutes')`}
	insertTrigger := d1.Stmt{SQL: `INSERT INTO "` + triggers + `" ("id", "type", "settings") VALUES ('00000000-0000-4000-8000-0000000000aa', 'DATABASE_EVENT', '{}')`}
	tests := []struct {
		name     string
		triggers string // the probe's trigger expression
		setup    [][]d1.Stmt
		want     int64
	}{
		{"nobody, the room never checked", triggerSQL, nil, ListenRoomUnchecked},
		{"nobody, the room found idle", triggerSQL, [][]d1.Stmt{RealtimeIdle(ws, 300)}, 0},
		{"the room found idle over ten minutes ago", triggerSQL, [][]d1.Stmt{RealtimeIdle(ws, 300), {aged}}, ListenRoomUnchecked},
		{"a workspace whose webhooks were recorded, none", triggerSQL, [][]d1.Stmt{RealtimeIdle(ws, 300), Backfill(ws, nil)}, ListenKnown},
		{"a workspace whose webhooks were recorded over ten minutes ago", triggerSQL, [][]d1.Stmt{Backfill(ws, []string{"w1"}), {aged}, RealtimeIdle(ws, 300)}, ListenWebhook},
		{"a workspace recorded again", triggerSQL, [][]d1.Stmt{Backfill(ws, nil), {aged}, Backfill(ws, nil), RealtimeIdle(ws, 300)}, ListenKnown},
		{"a webhook and a room", triggerSQL, [][]d1.Stmt{
			Backfill(ws, []string{"w1"}), SetListener(ws, ListenerRealtime, "", true),
		}, ListenWebhook | ListenRealtime | ListenKnown},
		{"a webhook removed", triggerSQL, [][]d1.Stmt{
			RealtimeIdle(ws, 300), SetListener(ws, ListenerWebhook, "w1", true), SetListener(ws, ListenerWebhook, "w1", false),
		}, 0},
		{"another workspace's listeners", triggerSQL, [][]d1.Stmt{
			RealtimeIdle(ws, 300), Backfill(other, []string{"w1"}), SetListener(other, ListenerRealtime, "", true),
		}, 0},
		{"a workflow trigger", triggerSQL, [][]d1.Stmt{RealtimeIdle(ws, 300), {insertTrigger}}, ListenTrigger},
		{"a workspace without triggers to read", "", [][]d1.Stmt{RealtimeIdle(ws, 300)}, ListenTrigger},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixtureWith(t, tt.setup)
			w := NewWriter(ws, actor, time.Now(), f.shard.State)
			w.Probe(ProbeSQL(ws, tt.triggers))
			var e engine.Engine
			if _, err := e.CreateMany(t.Context(), Batcher{Inner: f.shard.DB, Writer: w}, ws, f.person, f.objects, engine.Actor{Source: "MANUAL", Name: "Tim"},
				[]map[string]any{{"id": "00000000-0000-4000-8000-000000000001"}}); err != nil {
				t.Fatal(err)
			}
			rows := w.Rows()
			if len(rows) != 1 || !rows[0].Probed {
				t.Fatalf("rows = %+v, want one probed row", rows)
			}
			if diff := cmp.Diff(tt.want, rows[0].Listeners); diff != "" {
				t.Errorf("listeners (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRealtimeIdleKeepsARecentListener: a room found idle loses its listener, unless the listener
// was set within the grace (a stream on its way to the room).
func TestRealtimeIdleKeepsARecentListener(t *testing.T) {
	f := newFixture(t)
	count := func() int64 {
		res, err := f.shard.DB.Batch(t.Context(), d1.Stmt{SQL: `SELECT count(*) AS n FROM "` + ListenersTable + `" WHERE "kind" = 'realtime'`})
		if err != nil {
			t.Fatal(err)
		}
		return res[0].Rows[0][0].(int64)
	}
	if _, err := f.shard.DB.Batch(t.Context(), SetListener(ws, ListenerRealtime, "", true)...); err != nil {
		t.Fatal(err)
	}
	if _, err := f.shard.DB.Batch(t.Context(), RealtimeIdle(ws, 300)...); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != 1 {
		t.Fatalf("realtime listeners after an idle answer within the grace = %d, want 1", got)
	}
	if _, err := f.shard.DB.Batch(t.Context(), d1.Stmt{SQL: `UPDATE "` + ListenersTable + `" SET "at" = '2020-01-01T00:00:00.000Z'`}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.shard.DB.Batch(t.Context(), RealtimeIdle(ws, 300)...); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != 0 {
		t.Errorf("realtime listeners after an idle answer past the grace = %d, want 0", got)
	}
}
