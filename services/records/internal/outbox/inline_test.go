package outbox

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
)

// TestInlineConsumersRideTheWriteBatch: a create's batch runs what InlineCreated answers for its
// events (rendered without images, with the event ids the relay will give them) and marks its row
// consumed; an update's batch runs the reads Prefetch answers, after the update, and its row
// carries their answers in order; a consumer that declines leaves the row to the relay.
func TestInlineConsumersRideTheWriteBatch(t *testing.T) {
	f := newFixture(t)
	const id = "00000000-0000-4000-8000-000000000001"
	var seen []*jobsv1.DatabaseEventBatch
	write := func(decline bool) *Writer {
		w := NewWriter(ws, actor, time.Now(), f.shard.State)
		w.InlineCreated(func(b *jobsv1.DatabaseEventBatch) ([]d1.Stmt, bool) {
			seen = append(seen, b)
			return []d1.Stmt{{SQL: `CREATE TABLE IF NOT EXISTS "inline_log" ("event_id" TEXT)`},
				{SQL: `INSERT INTO "inline_log" VALUES (?)`, Args: []any{b.GetEvents()[0].GetId()}}}, !decline
		})
		w.Prefetch(func(b *jobsv1.DatabaseEventBatch) []d1.Stmt {
			seen = append(seen, b)
			if decline {
				return nil
			}
			return []d1.Stmt{{SQL: `SELECT 'first', ?`, Args: []any{b.GetEvents()[0].GetRecordId()}}, {SQL: `SELECT "city" FROM "` + f.table(t) + `" WHERE "id" = ?`, Args: []any{id}}}
		})
		return w
	}
	var e engine.Engine
	w := write(false)
	if _, err := e.CreateMany(t.Context(), Batcher{Inner: f.shard.DB, Writer: w}, ws, f.person, f.objects, engine.Actor{Source: "MANUAL", Name: "Tim"},
		[]map[string]any{{"id": id, "city": "Oslo"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.UpdateMany(t.Context(), Batcher{Inner: f.shard.DB, Writer: w}, ws, f.person, f.objects, engine.Actor{Source: "MANUAL", Name: "Tim"},
		engine.Selection{ID: id}, map[string]any{"city": "Bergen"}, engine.Shape{}); err != nil {
		t.Fatal(err)
	}
	rows := w.Rows()
	if len(rows) != 2 || !rows[0].Consumed || rows[1].Consumed || rows[0].Prefetched != nil {
		t.Fatalf("rows = %+v, want a consumed create and an update", rows)
	}
	var logged string
	if err := f.shard.DB.QueryRow(`SELECT "event_id" FROM "inline_log"`).Scan(&logged); err != nil {
		t.Fatal(err)
	}
	if want := EventID(rows[0].ID, id); logged != want {
		t.Errorf("the create's batch logged event %s, want %s (the relay's id)", logged, want)
	}
	wantReads := []d1.Result{{Columns: []string{"'first'", "?"}, Rows: [][]any{{"first", id}}}, {Columns: []string{"city"}, Rows: [][]any{{"Bergen"}}}}
	if diff := cmp.Diff(wantReads, rows[1].Prefetched); diff != "" {
		t.Errorf("the update's prefetched reads (-want +got):\n%s", diff)
	}
	if len(seen) != 2 || seen[0].GetName() != "person.created" || seen[1].GetName() != "person.updated" || len(seen[1].GetEvents()[0].GetBeforeJson()) != 0 {
		t.Errorf("consumers saw %v, want person.created then person.updated, without images", seen)
	}

	w = write(true)
	if _, err := e.UpdateMany(t.Context(), Batcher{Inner: f.shard.DB, Writer: w}, ws, f.person, f.objects, engine.Actor{Source: "MANUAL", Name: "Tim"},
		engine.Selection{ID: id}, map[string]any{"city": "Oslo"}, engine.Shape{}); err != nil {
		t.Fatal(err)
	}
	if rows := w.Rows(); len(rows) != 1 || rows[0].Consumed || rows[0].Prefetched != nil {
		t.Errorf("rows = %+v, want an update left to the relay", rows)
	}
}

func (f *fixture) table(t *testing.T) string {
	t.Helper()
	name, err := ddl.TableName(ws, "person")
	if err != nil {
		t.Fatal(err)
	}
	return name
}
