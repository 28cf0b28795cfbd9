package outbox

import (
	"strconv"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/shared/d1"
)

// ListenersTable records, on each shard, who outside the records Worker listens to a workspace's
// record events: its webhooks (set by the jobs Worker before it stores one), its realtime room
// (set by the gateway before it hands an event stream to the room) and, as "known", that its
// webhooks were all recorded here (Backfill). A write's own batch reads them (Probe), so where
// its events must go is known exactly as of the write, without a read of its own.
const ListenersTable = "_event_listeners"

var createListenersTable = d1.Stmt{SQL: `CREATE TABLE IF NOT EXISTS "` + ListenersTable + `" (
  "workspace_id" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "key" TEXT NOT NULL,
  "at" TEXT NOT NULL,
  PRIMARY KEY ("workspace_id", "kind", "key")
) STRICT, WITHOUT ROWID`}

// createTables are the statements a batch starts with on a shard not known to have the outbox.
var createTables = []d1.Stmt{createTable, createListenersTable}

// ListenerKind is who listens.
type ListenerKind string

// The kinds of listener: a webhook (keyed by its id), the realtime room (one per workspace), and
// the marks that a workspace's webhooks were all recorded and that its room was found idle.
const (
	ListenerWebhook  ListenerKind = "webhook"
	ListenerRealtime ListenerKind = "realtime"
	listenerKnown    ListenerKind = "known"
	// listenerRoomIdle marks when the workspace's room last said it had nothing open.
	listenerRoomIdle ListenerKind = "realtime-idle"
)

// The bits of Row.Listeners.
const (
	// ListenTrigger: the workspace has a DATABASE_EVENT workflow trigger.
	ListenTrigger = 1 << iota
	// ListenWebhook: the workspace has a webhook.
	ListenWebhook
	// ListenRealtime: the workspace's room has, or had a moment ago, an event stream.
	ListenRealtime
	// ListenKnown: the workspace's webhooks are all recorded (ListenWebhook can be trusted).
	ListenKnown
	// ListenRoomUnchecked: the workspace's room has no listener and was not found idle lately:
	// it may have streams that no gateway recorded (opened before the listeners existed), so
	// the relay asks it.
	ListenRoomUnchecked
)

// nowSQL is the database's clock, as the listeners' "at" holds it.
const nowSQL = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`

// RecheckAfter is how long the marks hold. Past it, the workspace's next write finds its webhooks
// unknown and has them recorded again (Backfill), and its room unchecked and asks it: a listener
// that was never recorded (a webhook stored, a stream opened, by a Worker that predates the
// listeners, during the deploy that brings them) is found within that time.
const RecheckAfter = 10 * time.Minute

// ProbeSQL is the writer's probe (Writer.Probe) answering Row.Listeners for workspaceID: an SQL
// expression.
// triggers is an SQL expression true when a DATABASE_EVENT workflow trigger exists; empty, the
// workspace is taken to have one.
func ProbeSQL(workspaceID, triggers string) string {
	if triggers == "" {
		triggers = "1"
	}
	// exists is true when the workspace has a row of kind (and where, when given).
	exists := func(kind ListenerKind, where string) string {
		return `EXISTS (SELECT 1 FROM "` + ListenersTable + `" WHERE "workspace_id" = ` + quote(workspaceID) + ` AND "kind" = '` + string(kind) + `'` + where + `)`
	}
	has := func(kind ListenerKind) string { return exists(kind, "") }
	recent := func(kind ListenerKind) string {
		return exists(kind, ` AND "at" > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-`+strconv.Itoa(int(RecheckAfter/time.Second))+` seconds')`)
	}
	room := has(ListenerRealtime)
	return `(` + triggers + `) | (` + has(ListenerWebhook) + ` << 1) | (` + room + ` << 2) | (` + recent(listenerKnown) + ` << 3) | ` +
		`((NOT ` + room + ` AND NOT ` + recent(listenerRoomIdle) + `) << 4)`
}

// quote is s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// SetListener answers the statements setting (or renewing) one listener, or removing it.
func SetListener(workspaceID string, kind ListenerKind, key string, listening bool) []d1.Stmt {
	if !listening {
		return []d1.Stmt{createListenersTable, {
			SQL:  `DELETE FROM "` + ListenersTable + `" WHERE "workspace_id" = ? AND "kind" = ? AND "key" = ?`,
			Args: []any{workspaceID, string(kind), key},
		}}
	}
	return []d1.Stmt{createListenersTable, {
		SQL: `INSERT INTO "` + ListenersTable + `" ("workspace_id", "kind", "key", "at") VALUES (?, ?, ?, ` + nowSQL + `)
  ON CONFLICT DO UPDATE SET "at" = excluded."at"`,
		Args: []any{workspaceID, string(kind), key},
	}}
}

// Backfill answers the statements recording a workspace's live webhooks (as the control
// database has them) and that they are all recorded, as of now (RecheckAfter). A webhook created
// meanwhile has set its own; one deleted since keeps its listener, which costs its workspace's
// batches a trip through the queue, never an event.
func Backfill(workspaceID string, webhookIDs []string) []d1.Stmt {
	stmts := []d1.Stmt{createListenersTable}
	add := func(kind ListenerKind, key string) {
		stmts = append(stmts, d1.Stmt{
			SQL:  `INSERT OR IGNORE INTO "` + ListenersTable + `" ("workspace_id", "kind", "key", "at") VALUES (?, ?, ?, ` + nowSQL + `)`,
			Args: []any{workspaceID, string(kind), key},
		})
	}
	for _, id := range webhookIDs {
		add(ListenerWebhook, id)
	}
	return append(stmts, mark(workspaceID, listenerKnown))
}

// RealtimeIdle answers the statements removing the workspace's realtime listener after its room
// said it had nothing open, unless the listener was set within grace (a stream whose listener was
// set moments ago may not have reached the room yet), and marking the room checked
// (ListenRoomUnchecked).
func RealtimeIdle(workspaceID string, graceSeconds int) []d1.Stmt {
	return []d1.Stmt{createListenersTable, {
		SQL:  `DELETE FROM "` + ListenersTable + `" WHERE "workspace_id" = ? AND "kind" = ? AND "at" < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)`,
		Args: []any{workspaceID, string(ListenerRealtime), "-" + strconv.Itoa(graceSeconds) + " seconds"},
	}, mark(workspaceID, listenerRoomIdle)}
}

// mark is the statement setting a workspace's mark of kind to now.
func mark(workspaceID string, kind ListenerKind) d1.Stmt {
	return d1.Stmt{
		SQL: `INSERT INTO "` + ListenersTable + `" ("workspace_id", "kind", "key", "at") VALUES (?, ?, '', ` + nowSQL + `)
  ON CONFLICT DO UPDATE SET "at" = excluded."at"`,
		Args: []any{workspaceID, string(kind)},
	}
}

// PurgeListeners answers the statements removing a deleted workspace's listeners.
func PurgeListeners(workspaceID string) []d1.Stmt {
	return []d1.Stmt{createListenersTable, {SQL: `DELETE FROM "` + ListenersTable + `" WHERE "workspace_id" = ?`, Args: []any{workspaceID}}}
}
