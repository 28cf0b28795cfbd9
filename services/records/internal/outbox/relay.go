package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
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
}

// Shard is one shard's database and whether it is known to have the outbox table.
type Shard struct {
	DB    *d1.DB
	Ready *atomic.Bool
}

// ObjectsFunc answers a workspace's objects (its current metadata).
type ObjectsFunc func(ctx context.Context, workspaceID string) ([]metadata.Object, error)

// Stats count what a relay did.
type Stats struct {
	// Rows were read, Events were in them, Sent rows were relayed and deleted, Left rows stay for
	// a later sweep.
	Rows, Events, Sent, Left int
}

const selectRows = `SELECT "id", "workspace_id", "object_metadata_id", "object_name_singular", "action", "event_date",
  "user_id", "workspace_member_id", "actor", "record_ids", COALESCE("before_images", ''), COALESCE("after_images", '')
FROM "` + Table + `"`

// Send relays the rows whose ids are rowIDs (those that exist: a failed batch wrote none), in
// the order they were written: what a call's writer wrote, right after the call.
func (r *Relay) Send(ctx context.Context, shard Shard, rowIDs []string, objects ObjectsFunc) (Stats, error) {
	if len(rowIDs) == 0 {
		return Stats{}, nil
	}
	list, err := json.Marshal(rowIDs)
	if err != nil {
		return Stats{}, fmt.Errorf("outbox: row ids: %w", err)
	}
	rows, err := readRows(ctx, shard, d1.Stmt{SQL: selectRows + ` WHERE "id" IN (SELECT value FROM json_each(?)) ORDER BY rowid`, Args: []any{string(list)}})
	if err != nil {
		return Stats{}, err
	}
	return r.relay(ctx, shard, rows, objects)
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
		st, err := r.relay(ctx, shard, rows, objects)
		total.Rows, total.Events, total.Sent, total.Left = total.Rows+st.Rows, total.Events+st.Events, total.Sent+st.Sent, total.Left+st.Left
		if err != nil || len(rows) < limit || st.Sent == 0 || ctx.Err() != nil {
			return total, err
		}
	}
}

// readRows runs a select of outbox rows, creating the table first on a shard not known to have
// it.
func readRows(ctx context.Context, shard Shard, sel d1.Stmt) ([]Row, error) {
	stmts := []d1.Stmt{sel}
	if !shard.Ready.Load() {
		stmts = []d1.Stmt{createTable, sel}
	}
	res, err := shard.DB.Batch(ctx, stmts...)
	if err != nil {
		return nil, fmt.Errorf("outbox: read: %w", err)
	}
	shard.Ready.Store(true)
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

// relay sends each row's batches and deletes the rows whose batches all went. A row that cannot
// be sent now stays; nothing is dropped.
func (r *Relay) relay(ctx context.Context, shard Shard, rows []Row, objects ObjectsFunc) (Stats, error) {
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
				if err = r.send(ctx, b); err != nil {
					break
				}
			}
		}
		if err != nil {
			errs = append(errs, err)
			st.Left++
			continue
		}
		sent = append(sent, row.ID)
	}
	if len(sent) > 0 {
		list, err := json.Marshal(sent)
		if err == nil {
			_, err = shard.DB.Batch(ctx, d1.Stmt{SQL: `DELETE FROM "` + Table + `" WHERE "id" IN (SELECT value FROM json_each(?))`, Args: []any{string(list)}})
		}
		if err != nil {
			// Sent and not deleted: the sweep sends them again, and consumers skip the events they
			// have by id.
			errs = append(errs, fmt.Errorf("outbox: delete relayed rows: %w", err))
			st.Left += len(sent)
		} else {
			st.Sent = len(sent)
		}
	}
	return st, errors.Join(errs...)
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
		time.Sleep(wait)
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
