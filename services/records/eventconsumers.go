package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/outbox"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// A record event batch goes where someone listens, and nowhere else. On the jobs queue, its
// subscribers are the webhooks (a workspace with a live webhook), the workflows (a workspace with
// a DATABASE_EVENT trigger), the attachments' files (an attachment destroyed) and realtime (a
// batch the relay could not publish itself); the timeline is written by the relay
// (outbox.Relay.Local); event streams get it from the relay (realtimepublish.go) when the
// workspace's room is listened to. Most writes concern none of them, and for those the queue's
// round trip through the jobs Worker and the realtime Worker's call were most of a write's cost.
// Who listens is read by the write's own batch (outbox.ProbeSQL: the triggers, and the listeners
// the jobs Worker and the gateway set through SetEventListener), so it is exactly as current as
// the write. A subscriber added to the jobs Worker (services/jobs/main.go) must be known here.

// queueOnlyEvents are the batches whose consumer on the queue needs no workspace setting: the
// attachment files' cleanup (services/jobs/filecleanup.go).
var queueOnlyEvents = map[string]bool{"attachment.destroyed": true}

// triggerObject is the object whose records are workflows' automated triggers.
const triggerObject = "workflowAutomatedTrigger"

// realtimeGraceSeconds is how long a realtime listener stays after it was set, whatever its room
// answers: long enough for the stream it was set for to reach the room.
const realtimeGraceSeconds = 300

// listenersProbe is the outbox writer's probe for the workspace (outbox.ProbeSQL). A schema
// without workflow triggers to read counts as having one: its batches go on the queue.
func listenersProbe(workspaceID string, objects []metadata.Object) string {
	triggers := ""
	for _, o := range objects {
		if o.NameSingular != triggerObject {
			continue
		}
		table, err := ddl.TableName(workspaceID, triggerObject)
		if _, ok := o.Field("type"); ok && err == nil {
			triggers = `EXISTS (SELECT 1 FROM "` + table + `" WHERE "type" = 'DATABASE_EVENT' AND "deletedAt" IS NULL)`
		}
	}
	return outbox.ProbeSQL(workspaceID, triggers)
}

// unheardDroppable is the outbox writer's DropUnheard filter: a created record's row its own
// batch consumed may go with that batch when nobody hears the workspace, unless a consumer on the
// queue needs its event whoever listens. Where the relay publishes to realtime itself
// (publishRealtime skips a room found idle), such a row is what queueWanted refuses and Local
// skips: the relay would only delete it.
func unheardDroppable(event string) bool { return !queueOnlyEvents[event] }

// queueWanted is the relay's Queued: whether a batch of row has a consumer on the jobs queue.
// When it cannot tell, it answers yes: a batch enqueued for nothing costs a little, one not
// enqueued for a consumer would be lost to it.
func (s *server) queueWanted(ctx context.Context, row outbox.Row, b *jobsv1.DatabaseEventBatch) bool {
	l := row.Listeners
	switch {
	case !b.GetRealtimePublished(), queueOnlyEvents[b.GetName()], !row.Probed, l&outbox.ListenWebhook != 0:
		return true
	case l&outbox.ListenTrigger != 0 && !strings.HasPrefix(b.GetObjectNameSingular(), "workflow"):
		return true // a trigger may start a workflow (the workflow objects' own events start none)
	case l&outbox.ListenKnown != 0:
		return false
	}
	has, err := s.backfillWebhooks(ctx, b.GetWorkspaceId())
	if err != nil {
		slog.WarnContext(ctx, "webhooks not recorded on the shard; the batch goes on the queue", "workspace_id", b.GetWorkspaceId(), "error", err.Error())
		return true
	}
	return has
}

// backfillWebhooks records the workspace's live webhooks on its shard, as listeners, with the
// mark that they all are: what a workspace whose webhooks predate the listeners needs once. It
// reports whether there are any.
func (s *server) backfillWebhooks(ctx context.Context, workspaceID string) (bool, error) {
	rows, err := s.control.QueryContext(ctx, `SELECT id FROM webhooks WHERE workspace_id = ? AND deleted_at IS NULL`, workspaceID)
	if err != nil {
		return false, fmt.Errorf("read webhooks: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return false, fmt.Errorf("read webhooks: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("read webhooks: %w", err)
	}
	shard, err := s.shardOf(ctx, workspaceID)
	if err != nil {
		return false, err
	}
	if _, err := shard.Batch(ctx, outbox.Backfill(workspaceID, ids)...); err != nil {
		return false, fmt.Errorf("record webhooks as listeners: %w", err)
	}
	return len(ids) > 0, nil
}

// realtimeIdle is publishRealtime's idle: the workspace's room had nothing open, so its realtime
// listener goes, unless it was set within realtimeGraceSeconds.
func (s *server) realtimeIdle(ctx context.Context, workspaceID string) {
	shard, err := s.shardOf(ctx, workspaceID)
	if err == nil {
		_, err = shard.Batch(ctx, outbox.RealtimeIdle(workspaceID, realtimeGraceSeconds)...)
	}
	if err != nil {
		slog.WarnContext(ctx, "realtime listener of an idle room kept", "workspace_id", workspaceID, "error", err.Error())
	}
}

// realtimeHeard is publishRealtime's heard: the workspace's room, unchecked, had streams open that
// no listener stood for, so it gets one.
func (s *server) realtimeHeard(ctx context.Context, workspaceID string) {
	shard, err := s.shardOf(ctx, workspaceID)
	if err == nil {
		_, err = shard.Batch(ctx, outbox.SetListener(workspaceID, outbox.ListenerRealtime, "", true)...)
	}
	if err != nil {
		slog.WarnContext(ctx, "realtime listener of a room with streams not recorded; the room is asked again", "workspace_id", workspaceID, "error", err.Error())
	}
}

// shardOf answers the workspace's shard database.
func (s *server) shardOf(ctx context.Context, workspaceID string) (*d1.DB, error) {
	sc, _, err := s.schemaOf(ctx, workspaceID, false)
	if err != nil {
		return nil, err
	}
	shard, ok := s.shards[sc.Shard]
	if !ok {
		return nil, notFound("workspace %s has no shard", workspaceID)
	}
	return shard, nil
}

// listenerKinds are SetEventListener's kinds as the outbox records them.
var listenerKinds = map[recordsv1.EventListenerKind]outbox.ListenerKind{
	recordsv1.EventListenerKind_EVENT_LISTENER_KIND_WEBHOOK:  outbox.ListenerWebhook,
	recordsv1.EventListenerKind_EVENT_LISTENER_KIND_REALTIME: outbox.ListenerRealtime,
}

// SetEventListener implements recordsv1connect.RecordsServiceHandler.
func (s *server) SetEventListener(ctx context.Context, req *recordsv1.SetEventListenerRequest) (*recordsv1.SetEventListenerResponse, error) {
	ws := req.GetWorkspaceId()
	if err := workspaceFor(ws); err != nil {
		return nil, err
	}
	kind, ok := listenerKinds[req.GetKind()]
	switch {
	case !ok:
		return nil, invalid("unknown event listener kind %s", req.GetKind())
	case kind == outbox.ListenerWebhook && req.GetKey() == "":
		return nil, invalid("a webhook listener needs the webhook's id")
	}
	shard, err := s.shardOf(ctx, ws)
	if err != nil {
		return nil, err
	}
	if _, err := shard.Batch(ctx, outbox.SetListener(ws, kind, req.GetKey(), req.GetListening())...); err != nil {
		return nil, fmt.Errorf("set event listener: %w", err)
	}
	return &recordsv1.SetEventListenerResponse{}, nil
}
