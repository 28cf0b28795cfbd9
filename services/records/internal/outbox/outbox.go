// Package outbox makes record events as durable as the changes they describe (ARCHITECTURE §9):
// a mutation's write batch also writes its events into an outbox table on the same shard
// (Writer, an engine.EventLog), so the events exist if and only if the change does; after the
// response, the relay reads those rows, puts their events on the jobs queue and deletes them
// (Relay.Send); what was not relayed (the isolate died, the queue refused) is swept later by a
// cron (Relay.Sweep). A row can be relayed twice (sent, then the delete lost): every event has a
// stable id derived from its row, by which consumers deduplicate.
package outbox

import (
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/shared/d1"
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

// Writer records the events of one call's writes in the shard's outbox. It is an engine.EventLog
// for the Batcher the call's engine operations run on, and keeps the ids of the rows it wrote for
// the relay. One GraphQL request runs its mutations concurrently, so it is safe for concurrent use.
type Writer struct {
	workspaceID string
	actor       Actor
	date        string
	// ready tells that the shard is known to have the outbox table.
	ready *atomic.Bool

	mu   sync.Mutex
	rows []string
}

// NewWriter returns the writer of a call of the workspace by actor at now, on a shard whose
// table is known to exist when ready is set.
func NewWriter(workspaceID string, actor Actor, now time.Time, ready *atomic.Bool) *Writer {
	return &Writer{workspaceID: workspaceID, actor: actor, date: now.UTC().Format(DateLayout), ready: ready}
}

// Rows answers the ids of the rows the writer's statements write (some may belong to a batch that
// failed, and then do not exist).
func (w *Writer) Rows() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.rows...)
}

// LogEvents implements engine.EventLog: per MaxRecordsPerRow records, an INSERT of the row with
// the records' images before the writes, and an UPDATE adding them after; or, for created
// records, one INSERT with the images after.
func (w *Writer) LogEvents(e engine.Events) (before, after []d1.Stmt, err error) {
	if !w.ready.Load() {
		before = append(before, createTable)
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
		insert := func(imagesColumn string) d1.Stmt {
			return d1.Stmt{
				SQL: `INSERT INTO "` + Table + `" ("id", "workspace_id", "object_metadata_id", "object_name_singular", "action", "event_date",
  "user_id", "workspace_member_id", "actor", "record_ids", "` + imagesColumn + `") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ` + e.Images + `)`,
				Args: []any{id, w.workspaceID, e.Object.ID, e.Object.NameSingular, e.Action, w.date,
					w.actor.UserID, w.actor.WorkspaceMemberID, actorJSON, string(list), string(list)},
			}
		}
		switch {
		case e.Before:
			before = append(before, insert("before_images"))
			if e.After {
				after = append(after, d1.Stmt{
					SQL:  `UPDATE "` + Table + `" SET "after_images" = ` + e.Images + ` WHERE "id" = ?`,
					Args: []any{string(list), id},
				})
			}
		case e.After:
			after = append(after, insert("after_images"))
		default:
			continue
		}
		w.mu.Lock()
		w.rows = append(w.rows, id)
		w.mu.Unlock()
	}
	return before, after, nil
}

var _ engine.EventLog = (*Writer)(nil)
