package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"google.golang.org/protobuf/proto"
)

// EventJobType is the type of the jobs that carry a twenty.jobs.v1.DatabaseEventBatch.
const EventJobType = "database.event"

// Relay puts the events of outbox rows on the jobs queue and deletes the rows it sent.
type Relay struct {
	Queue jobqueue.Producer
	// Attempts is how many times a batch is offered to the queue before its row is left for the
	// sweep (3 when zero): bounded retries, then the outbox holds the events.
	Attempts int
	// Backoff is the wait before the second attempt, doubled before each later one (50 ms when
	// zero).
	Backoff time.Duration
	// Local, when set, consumes each batch in this Worker once the queue has it: the consumers
	// of what the Worker owns itself (the timeline), spared a round trip through the queue and
	// back. It must be idempotent by event id; an error leaves the row for the sweep. A row whose
	// write consumed it already (Row.Consumed) skips it; row.Prefetched has what the write read
	// for it. On the row's last batch, once every batch of the row went where it goes, a relay
	// right after the write (Send) passes done, the row's delete: Local may run it in the batch
	// of its own writes, atomically with them, and reports whether it did, which spares the row
	// the flush's batch.
	Local func(ctx context.Context, row Row, b *jobsv1.DatabaseEventBatch, done []d1.Stmt) (bool, error)
	// Publish, when set, hands each batch to the workspace's event streams before the queue gets
	// it, best effort. A batch it took goes on the queue marked RealtimePublished, so the queue's
	// realtime subscriber does not publish it again; one it did not take the queue's subscriber
	// publishes.
	Publish func(ctx context.Context, row Row, b *jobsv1.DatabaseEventBatch) bool
	// Queued, when set, tells whether a batch of row has a consumer on the queue's side. A batch
	// it answers false for is not enqueued: what Publish and Local did with it is all it needed.
	Queued func(ctx context.Context, row Row, b *jobsv1.DatabaseEventBatch) bool
}

// Shard is one shard's database and what this isolate knows of its outbox.
type Shard struct {
	DB    *d1.DB
	State *ShardState
}

// ObjectsFunc answers a workspace's objects (its current metadata).
type ObjectsFunc func(ctx context.Context, workspaceID string) ([]metadata.Object, error)

// Stats count what a relay did.
type Stats struct {
	// Rows were read, Events were in them, Sent rows were relayed and deleted, Left rows stay for
	// a later sweep. Unqueued batches had no consumer on the queue and were not enqueued.
	Rows, Events, Sent, Left, Unqueued int
}

// Add counts o into st.
func (st *Stats) Add(o Stats) {
	st.Rows, st.Events, st.Sent, st.Left, st.Unqueued = st.Rows+o.Rows, st.Events+o.Events, st.Sent+o.Sent, st.Left+o.Left, st.Unqueued+o.Unqueued
}

const selectRows = `SELECT "id", "workspace_id", "object_metadata_id", "object_name_singular", "action", "event_date",
  "user_id", "workspace_member_id", "actor", "record_ids", COALESCE("before_images", ''), COALESCE("after_images", '')
FROM "` + Table + `"`

// Send relays rows a call's writer wrote, as its write batches answered them, right after the
// call, without reading them back. The rows it sent are deleted later (Flush, or the shard's next
// write batch); until then a sweep from another isolate may send them again, which consumers
// skip by event id.
func (r *Relay) Send(ctx context.Context, shard Shard, rows []Row, objects ObjectsFunc) (Stats, error) {
	if len(rows) == 0 {
		return Stats{}, nil
	}
	st, sent, err := r.relay(ctx, rows, objects, true)
	shard.State.addRelayed(sent)
	st.Sent += len(sent)
	return st, err
}

// Flush deletes the rows relayed and not yet deleted on the shard. A failed delete gives them
// back for the next flush or write.
func (r *Relay) Flush(ctx context.Context, shard Shard) error {
	ids := shard.State.takeRelayed()
	if len(ids) == 0 {
		return nil
	}
	del, err := deleteRows(ids)
	if err == nil {
		_, err = shard.DB.Batch(ctx, del)
	}
	if err != nil {
		shard.State.addRelayed(ids)
		return fmt.Errorf("outbox: delete relayed rows: %w", err)
	}
	return nil
}

// Sweep relays the rows written before olderThan ago, oldest first, at most limit per round, round
// after round while rounds come back full and ctx allows: the rows a relay never sent.
func (r *Relay) Sweep(ctx context.Context, shard Shard, olderThan time.Duration, limit int, objects ObjectsFunc) (Stats, error) {
	var total Stats
	for {
		cutoff := time.Now().Add(-olderThan).UTC().Format(DateLayout)
		rows, err := readRows(ctx, shard, d1.Stmt{
			SQL:  selectRows + ` WHERE "event_date" <= ? ORDER BY "event_date", rowid LIMIT ?`,
			Args: []any{cutoff, int64(limit)},
		})
		if err != nil {
			return total, err
		}
		st, sent, err := r.relay(ctx, rows, objects, false)
		if len(sent) > 0 {
			shard.State.addRelayed(sent)
			if ferr := r.Flush(ctx, shard); ferr != nil {
				err = errors.Join(err, ferr)
				st.Left += len(sent)
			} else {
				st.Sent = len(sent)
			}
		}
		total.Add(st)
		if err != nil || len(rows) < limit || st.Sent == 0 || ctx.Err() != nil {
			return total, err
		}
	}
}

// Resend sends the rows written before olderThan ago again, without deleting them: what a relay
// whose delete was lost did. The dev routes use it to show that consumers skip what they have.
func (r *Relay) Resend(ctx context.Context, shard Shard, olderThan time.Duration, limit int, objects ObjectsFunc) (Stats, error) {
	rows, err := readRows(ctx, shard, d1.Stmt{
		SQL:  selectRows + ` WHERE "event_date" <= ? ORDER BY "event_date", rowid LIMIT ?`,
		Args: []any{time.Now().Add(-olderThan).UTC().Format(DateLayout), int64(limit)},
	})
	if err != nil {
		return Stats{}, err
	}
	st, sent, err := r.relay(ctx, rows, objects, false)
	st.Sent = len(sent)
	return st, err
}

// readRows runs a select of outbox rows, creating the table first on a shard not known to have
// it, and deleting first the rows this isolate relayed: a sweep does not send them again.
func readRows(ctx context.Context, shard Shard, sel d1.Stmt) ([]Row, error) {
	stmts := []d1.Stmt{sel}
	if !shard.State.Ready.Load() {
		stmts = append(append([]d1.Stmt{}, createTables...), sel)
	}
	relayed := shard.State.takeRelayed()
	if len(relayed) > 0 {
		del, err := deleteRows(relayed)
		if err != nil {
			shard.State.addRelayed(relayed)
			return nil, err
		}
		stmts = append([]d1.Stmt{del}, stmts...)
	}
	res, err := shard.DB.Batch(ctx, stmts...)
	if err != nil {
		shard.State.addRelayed(relayed)
		return nil, fmt.Errorf("outbox: read: %w", err)
	}
	shard.State.Ready.Store(true)
	out := make([]Row, 0, len(res[len(res)-1].Rows))
	for _, v := range res[len(res)-1].Rows {
		s := make([]string, len(v))
		for i := range v {
			s[i], _ = v[i].(string)
		}
		out = append(out, Row{ID: s[0], WorkspaceID: s[1], ObjectMetadataID: s[2], ObjectNameSingular: s[3], Action: s[4], EventDate: s[5],
			UserID: s[6], WorkspaceMemberID: s[7], Actor: s[8], RecordIDs: s[9], BeforeImages: s[10], AfterImages: s[11]})
	}
	return out, nil
}

// relay sends each row's batches and answers the rows whose batches all went. A row that cannot
// be sent now stays; nothing is dropped.
//
// With deleteInLocal, a row whose delete Local ran with its own writes is counted sent and not
// answered: it is gone already.
func (r *Relay) relay(ctx context.Context, rows []Row, objects ObjectsFunc, deleteInLocal bool) (Stats, []string, error) {
	st := Stats{Rows: len(rows)}
	schemas := map[string][]metadata.Object{}
	var sent []string
	var errs []error
	for _, row := range rows {
		objs, ok := schemas[row.WorkspaceID]
		if !ok {
			var err error
			if objs, err = objects(ctx, row.WorkspaceID); err != nil {
				errs = append(errs, fmt.Errorf("outbox: row %s: objects of workspace %s: %w", row.ID, row.WorkspaceID, err))
				st.Left++
				continue
			}
			schemas[row.WorkspaceID] = objs
		}
		batches, err := row.Batches(objectByID(objs, row.ObjectMetadataID))
		if err == nil {
			for _, b := range batches {
				st.Events += len(b.Events)
				if r.Publish != nil && r.Publish(ctx, row, b) {
					b.RealtimePublished = true
				}
				if r.Queued != nil && !r.Queued(ctx, row, b) {
					st.Unqueued++
					continue
				}
				if err = r.send(ctx, b); err != nil {
					break
				}
			}
		}
		deleted := false
		for i, b := range batches {
			if err != nil || r.Local == nil || row.Consumed {
				break
			}
			var done []d1.Stmt
			if deleteInLocal && i == len(batches)-1 {
				done = []d1.Stmt{deleteRow(row.ID)}
			}
			if deleted, err = r.Local(ctx, row, b, done); err != nil {
				err = fmt.Errorf("outbox: row %s: %w", row.ID, err)
			}
		}
		switch {
		case err != nil:
			errs = append(errs, err)
			st.Left++
		case deleted:
			st.Sent++
		default:
			sent = append(sent, row.ID)
		}
	}
	return st, sent, errors.Join(errs...)
}

// send offers one batch to the queue, up to r.Attempts times with a doubling backoff.
func (r *Relay) send(ctx context.Context, b *jobsv1.DatabaseEventBatch) error {
	payload, err := proto.Marshal(b)
	if err != nil {
		return fmt.Errorf("outbox: encode %s: %w", b.GetName(), err)
	}
	attempts, wait := r.Attempts, r.Backoff
	if attempts <= 0 {
		attempts = 3
	}
	if wait <= 0 {
		wait = 50 * time.Millisecond
	}
	for i := 1; ; i++ {
		_, err = jobqueue.Enqueue(ctx, r.Queue, &jobsv1.Job{Type: EventJobType, WorkspaceId: b.GetWorkspaceId(), Payload: payload})
		if err == nil || i >= attempts || ctx.Err() != nil {
			break
		}
		slog.WarnContext(ctx, "record events not enqueued yet; retrying", "event", b.GetName(), "attempt", i, "error", err.Error())
		_ = cfworker.Sleep(ctx, wait) // not time.Sleep: see cfworker.Sleep
		wait *= 2
	}
	if err != nil {
		return fmt.Errorf("outbox: enqueue %s: %w", b.GetName(), err)
	}
	return nil
}

// objectByID finds the object with metadata id id, nil when the workspace has none.
func objectByID(objs []metadata.Object, id string) *metadata.Object {
	for i := range objs {
		if objs[i].ID == id {
			return &objs[i]
		}
	}
	return nil
}

// CountStmt counts the rows waiting in a shard's outbox, per workspace.
func CountStmt() d1.Stmt {
	return d1.Stmt{SQL: `SELECT "workspace_id", count(*) FROM "` + Table + `" GROUP BY "workspace_id"`}
}
