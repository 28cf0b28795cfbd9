// Package outbox makes record events as durable as the changes they describe (ARCHITECTURE §9):
// a mutation's write batch also writes its events into an outbox table on the same shard
// (Writer, an engine.EventLog), so the events exist if and only if the change does; after the
// response, the relay reads those rows, puts their events on the jobs queue and deletes them
// (Relay.Send); what was not relayed (the isolate died, the queue refused) is swept later by a
// cron (Relay.Sweep). A row can be relayed twice (sent, then the delete lost): every event has a
// stable id derived from its row, by which consumers deduplicate.
package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// Table is the outbox on each shard. Its name starts with an underscore, which an object's table
// never does. A row holds the events of one write of up to MaxRecordsPerRow records of one
// object: the records' images as the write's batch took them (engine.Events.Images).
const Table = "_event_outbox"

// createTable creates the outbox where it is missing: a shard gets it with its first event.
var createTable = d1.Stmt{SQL: `CREATE TABLE IF NOT EXISTS "` + Table + `" (
  "id" TEXT PRIMARY KEY,
  "workspace_id" TEXT NOT NULL,
  "object_metadata_id" TEXT NOT NULL,
  "object_name_singular" TEXT NOT NULL,
  "action" TEXT NOT NULL,
  "event_date" TEXT NOT NULL,
  "user_id" TEXT NOT NULL,
  "workspace_member_id" TEXT NOT NULL,
  "actor" TEXT NOT NULL,
  "record_ids" TEXT NOT NULL,
  "before_images" TEXT,
  "after_images" TEXT
) STRICT`}

// MaxRecordsPerRow bounds the records of one row, so that a row with both images of large records
// stays far below D1's 2 MB per row.
const MaxRecordsPerRow = 25

// DateLayout is the layout of event dates: RFC 3339 in UTC with milliseconds, as Twenty's
// eventDate.
const DateLayout = "2006-01-02T15:04:05.000Z"

// Actor is who made the change the events describe.
type Actor struct {
	UserID, WorkspaceMemberID string
	// JSON is the actor as createdBy shows it ({source, workspaceMemberId, name, context}).
	JSON []byte
}

// ShardState is what an isolate knows of one shard's outbox: whether its table exists, and the
// rows it relayed and has not deleted yet. Deleting is deferred so that it costs no round trip of
// its own: the next write batch on the shard deletes them, or a flush shortly after the relay.
type ShardState struct {
	Ready atomic.Bool

	mu      sync.Mutex
	relayed []string
}

// addRelayed notes rows relayed and not yet deleted.
func (st *ShardState) addRelayed(ids []string) {
	st.mu.Lock()
	st.relayed = append(st.relayed, ids...)
	st.mu.Unlock()
}

// Relayed reports whether rows relayed on the shard wait for their delete (Relay.Flush).
func (st *ShardState) Relayed() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.relayed) > 0
}

// takeRelayed answers the rows relayed and not yet deleted, which the caller now deletes (or
// gives back with addRelayed).
func (st *ShardState) takeRelayed() []string {
	st.mu.Lock()
	defer st.mu.Unlock()
	ids := st.relayed
	st.relayed = nil
	return ids
}

// deleteRow is the statement deleting one outbox row.
func deleteRow(id string) d1.Stmt {
	return d1.Stmt{SQL: `DELETE FROM "` + Table + `" WHERE "id" = ?`, Args: []any{id}}
}

// deleteRows is the statement deleting outbox rows by id.
func deleteRows(ids []string) (d1.Stmt, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return d1.Stmt{}, fmt.Errorf("outbox: row ids: %w", err)
	}
	return d1.Stmt{SQL: `DELETE FROM "` + Table + `" WHERE "id" IN (SELECT value FROM json_each(?))`, Args: []any{string(list)}}, nil
}

// Writer records the events of one call's writes in the shard's outbox. It is an engine.EventLog
// for the Batcher the call's engine operations run on (see Batcher): its statements answer the
// rows they write (RETURNING), so the relay sends them without reading them back. It also puts
// the deletion of rows relayed earlier into the call's first write batch. One GraphQL request
// runs its mutations concurrently, so it is safe for concurrent use.
type Writer struct {
	workspaceID string
	actor       Actor
	date        string
	shard       *ShardState

	// probe is an SQL expression each row's statement also answers (Row.Probed, Row.Listeners).
	probe string
	// dropUnheard, when set, has a created row its own batch consumed deleted by that batch when
	// the probe finds nobody else to hear it, unless it answers false for the row's event name
	// (DropUnheard).
	dropUnheard func(event string) bool
	// inline, when set, answers the statements consuming a batch of created records inside the
	// write's own batch (InlineCreated).
	inline func(b *jobsv1.DatabaseEventBatch) ([]d1.Stmt, bool)
	// prefetch, when set, answers the reads a batch of changed records has the write's own batch
	// make (Prefetch).
	prefetch func(b *jobsv1.DatabaseEventBatch) []d1.Stmt

	mu      sync.Mutex
	rows    map[string]*Row // by id, as the write batches answered them
	order   []string        // row ids in the order the batches wrote them
	pending map[string]Row  // rows logged, by id, until their batch answers
	reads   map[string]int  // prefetched reads given to the batches, by row id
	dropped map[string]bool // rows their batch deleted again (DropUnheard)
	taken   []string        // relayed rows whose DELETE is in a batch not yet answered
}

// NewWriter returns the writer of a call of the workspace by actor at now, on a shard.
func NewWriter(workspaceID string, actor Actor, now time.Time, shard *ShardState) *Writer {
	return &Writer{workspaceID: workspaceID, actor: actor, date: now.UTC().Format(DateLayout), shard: shard,
		rows: map[string]*Row{}, pending: map[string]Row{}, reads: map[string]int{}, dropped: map[string]bool{}}
}

// Probe has each row's statement also answer expr (ProbeSQL): who listens to the workspace's
// events, read in the write's own batch and so exactly as current as the write. Call it before
// the first write.
func (w *Writer) Probe(expr string) { w.probe = expr }

// DropUnheard has the write batch of created records whose events it consumed itself
// (InlineCreated) also delete their row when the probe, in that same batch, finds that nobody
// else hears the workspace's events: exactly ListenKnown, that is its webhooks all recorded and
// none, no workflow trigger, no realtime listener and its room found idle lately. The relay
// would do nothing with such a row but delete it, one batch later; the write's own batch does,
// and the row is not in Rows. drop answers false for the events ("person.created") a consumer on
// the queue needs whoever listens. Only a relay whose realtime publish skips a room found idle
// (and whose queue skips what no webhook or trigger hears) may ask for it. Call it after Probe.
func (w *Writer) DropUnheard(drop func(event string) bool) {
	if w.probe != "" {
		w.dropUnheard = drop
	}
}

// dropMark starts the SQL of the delete DropUnheard adds, so that observe finds its answer.
const dropMark = "/*" + Table + " unheard*/ "

// InlineCreated has the write batches of created records also run what consume answers for their
// events, rendered without images (ids, actor, date), right after the outbox row: a consumer that
// needs nothing the write has not decided yet (the timeline of a created record) then commits with
// the write, and the row says so (Row.Consumed), so the relay skips it (Relay.Local). consume
// answers false when it needs more (a read, the images): the relay does it as before. What
// consume writes must be what Relay.Local would, as a sweep runs that again. Call it before the
// first write.
func (w *Writer) InlineCreated(consume func(b *jobsv1.DatabaseEventBatch) ([]d1.Stmt, bool)) {
	w.inline = consume
}

// Prefetch has the write batches of records changed (not created) also run the reads fn answers
// for their events, rendered without images, after the writes: what Relay.Local will need that
// does not depend on the images, read without a round trip of its own. The answers go with the
// row (Row.Prefetched). Call it before the first write.
func (w *Writer) Prefetch(fn func(b *jobsv1.DatabaseEventBatch) []d1.Stmt) { w.prefetch = fn }

// prefetchMark starts the SQL of a prefetched read: which row's reads it is, and which of them,
// so that observe finds its answer in the batch.
func prefetchMark(rowID string, i int) string {
	return "/*" + Table + " " + rowID + " " + strconv.Itoa(i) + "*/ "
}

// Rows answers the rows the call's write batches wrote, in order, as they wrote them, but for
// those the batches deleted again (DropUnheard).
func (w *Writer) Rows() []Row {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]Row, 0, len(w.order))
	for _, id := range w.order {
		if !w.dropped[id] {
			out = append(out, *w.rows[id])
		}
	}
	return out
}

// LogEvents implements engine.EventLog: per MaxRecordsPerRow records, an INSERT of the row with
// the records' images before the writes, and an UPDATE adding them after; or, for created
// records, one INSERT with the images after. The first of a call's batches also deletes the
// rows relayed since the shard's last delete.
func (w *Writer) LogEvents(e engine.Events) (before, after []d1.Stmt, err error) {
	if !w.shard.Ready.Load() {
		before = append(before, createTables...)
	}
	if relayed := w.shard.takeRelayed(); len(relayed) > 0 {
		del, err := deleteRows(relayed)
		if err != nil {
			w.shard.addRelayed(relayed)
			return nil, nil, err
		}
		before = append(before, del)
		w.mu.Lock()
		w.taken = append(w.taken, relayed...)
		w.mu.Unlock()
	}
	actorJSON := string(w.actor.JSON)
	if actorJSON == "" {
		actorJSON = "{}"
	}
	for start := 0; start < len(e.IDs); start += MaxRecordsPerRow {
		chunk := e.IDs[start:min(start+MaxRecordsPerRow, len(e.IDs))]
		list, err := json.Marshal(chunk)
		if err != nil {
			return nil, nil, fmt.Errorf("outbox: record ids: %w", err)
		}
		id := ids.NewUUID()
		ret := returning
		if w.probe != "" {
			ret += ", (" + w.probe + `) AS "listeners"`
		}
		insert := func(imagesColumn string) d1.Stmt {
			return d1.Stmt{
				SQL: `INSERT INTO "` + Table + `" ("id", "workspace_id", "object_metadata_id", "object_name_singular", "action", "event_date",
  "user_id", "workspace_member_id", "actor", "record_ids", "` + imagesColumn + `") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ` + e.Images + `)` + ret,
				Args: []any{id, w.workspaceID, e.Object.ID, e.Object.NameSingular, e.Action, w.date,
					w.actor.UserID, w.actor.WorkspaceMemberID, actorJSON, string(list), string(list)},
			}
		}
		row := Row{ID: id, WorkspaceID: w.workspaceID, ObjectMetadataID: e.Object.ID, ObjectNameSingular: e.Object.NameSingular,
			Action: e.Action, EventDate: w.date, UserID: w.actor.UserID, WorkspaceMemberID: w.actor.WorkspaceMemberID,
			Actor: actorJSON, RecordIDs: string(list)}
		switch {
		case e.Before:
			before = append(before, insert("before_images"))
			if e.After {
				after = append(after, d1.Stmt{
					SQL:  `UPDATE "` + Table + `" SET "after_images" = ` + e.Images + ` WHERE "id" = ?` + returningAfter,
					Args: []any{string(list), id},
				})
			}
		case e.After:
			after = append(after, insert("after_images"))
		default:
			continue
		}
		if w.inline != nil && e.Action == engine.ActionCreated && !e.Before {
			if stmts, ok := w.inline(row.bare(chunk)); ok {
				after = append(after, stmts...)
				row.Consumed = true
				if w.dropUnheard != nil && w.dropUnheard(e.Object.NameSingular+"."+e.Action) {
					after = append(after, d1.Stmt{
						SQL:  dropMark + `DELETE FROM "` + Table + `" WHERE "id" = ? AND (` + w.probe + `) = ` + strconv.Itoa(ListenKnown) + ` RETURNING "id"`,
						Args: []any{id},
					})
				}
			}
		}
		var reads []d1.Stmt
		if w.prefetch != nil && e.Before && e.After && e.Action != engine.ActionUpserted {
			reads = w.prefetch(row.bare(chunk))
			for i, st := range reads {
				st.SQL = prefetchMark(id, i) + st.SQL
				after = append(after, st)
			}
		}
		w.mu.Lock()
		w.reads[id] = len(reads)
		w.pending[id] = row
		w.mu.Unlock()
	}
	return before, after, nil
}

// returning makes the writer's statements answer the row's id and images as written (and the
// probe's answer, when the writer has one).
const returning = ` RETURNING "id", COALESCE("before_images", ''), COALESCE("after_images", '')`

// returningAfter is returning for the statement adding a row's after images to the before
// images its INSERT answered (with the probe): the images it wrote, not both again.
const returningAfter = ` RETURNING "id", '', COALESCE("after_images", '')`

// observe takes what a batch holding the writer's statements answered: the rows it wrote. A
// batch that failed wrote nothing: the deletes it carried are given back to the shard.
func (w *Writer) observe(stmts []d1.Stmt, res []d1.Result, batchErr error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if batchErr != nil {
		if len(w.taken) > 0 {
			w.shard.addRelayed(w.taken)
			w.taken = nil
		}
		return
	}
	w.taken = nil
	for i := range stmts {
		if i >= len(res) || len(res[i].Rows) != 1 || len(res[i].Rows[0]) < 3 {
			continue
		}
		v := res[i].Rows[0]
		id, _ := v[0].(string)
		p, ok := w.pending[id]
		if !ok {
			continue
		}
		r := w.rows[id]
		if r == nil {
			r = &p
			w.rows[id] = r
			w.order = append(w.order, id)
		}
		if before, _ := v[1].(string); before != "" {
			r.BeforeImages = before
		}
		if after, _ := v[2].(string); after != "" {
			r.AfterImages = after
		}
		if w.probe != "" && len(v) == 4 {
			r.Probed = true
			r.Listeners |= listenersOf(v[3])
		}
		w.shard.Ready.Store(true) // the batch wrote to the table
	}
	for i := range stmts {
		if i < len(res) && len(res[i].Rows) == 1 && strings.HasPrefix(stmts[i].SQL, dropMark) {
			id, _ := res[i].Rows[0][0].(string)
			w.dropped[id] = true
		}
	}
	got := map[string]map[int]d1.Result{}
	for i := range stmts {
		rest, ok := strings.CutPrefix(stmts[i].SQL, "/*"+Table+" ")
		if i >= len(res) || !ok {
			continue
		}
		mark, _, _ := strings.Cut(rest, "*/")
		id, n, _ := strings.Cut(mark, " ")
		if k, err := strconv.Atoi(n); err == nil {
			if got[id] == nil {
				got[id] = map[int]d1.Result{}
			}
			got[id][k] = res[i]
		}
	}
	for id, answers := range got {
		r := w.rows[id]
		if r == nil || len(answers) != w.reads[id] {
			continue // not all answered: the relay reads for itself
		}
		r.Prefetched = make([]d1.Result, len(answers))
		for k, a := range answers {
			if k < len(r.Prefetched) {
				r.Prefetched[k] = a
			}
		}
	}
}

// listenersOf reads the probe's answer as D1 gives it (an integer; a float from JSON). One it
// cannot read has every bit set: everyone may listen.
func listenersOf(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case float64:
		return int64(n)
	}
	return -1
}

// Batcher is a call's shard as the engine sees it: inner's batches, recording their events with
// the Writer.
type Batcher struct {
	Inner interface {
		Batch(ctx context.Context, stmts ...d1.Stmt) ([]d1.Result, error)
	}
	*Writer
}

// Batch implements engine.Batcher: inner's batch, whose answers to the writer's statements the
// writer keeps.
func (b Batcher) Batch(ctx context.Context, stmts ...d1.Stmt) ([]d1.Result, error) {
	res, err := b.Inner.Batch(ctx, stmts...)
	b.observe(stmts, res, err)
	return res, err
}

var _ engine.Batcher = Batcher{}

var _ engine.EventLog = (*Writer)(nil)
