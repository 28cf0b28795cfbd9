package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/outbox"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
)

// A record event batch goes on the jobs queue only when the jobs Worker has something to do with
// it. Its event subscribers there are the webhooks (a workspace with a live webhook), the
// workflows (a workspace with a DATABASE_EVENT trigger), the attachments' files (an attachment
// destroyed) and realtime (a batch the relay could not publish itself); the timeline is written by
// the relay (outbox.Relay.Local). Most writes concern none of them, and for those the queue's
// round trip through the jobs Worker was the larger part of a write's cost. Each answer is as
// current as the write: the triggers are read by the write's own batch (triggerProbe), the
// webhooks by the relay right after it, as the jobs Worker read them when it took the batch.
// A subscriber added to the jobs Worker (services/jobs/main.go) must be known here.

// queueOnlyEvents are the batches whose consumer on the queue needs no workspace setting: the
// attachment files' cleanup (services/jobs/filecleanup.go).
var queueOnlyEvents = map[string]bool{"attachment.destroyed": true}

// triggerObject is the object whose records are workflows' automated triggers.
const triggerObject = "workflowAutomatedTrigger"

// triggerProbe is the SQL expression, for the outbox writer's probe, true when the workspace has a
// DATABASE_EVENT workflow trigger; empty when its schema has no such triggers to read (every
// batch then goes on the queue).
func triggerProbe(workspaceID string, objects []metadata.Object) string {
	for _, o := range objects {
		if o.NameSingular != triggerObject {
			continue
		}
		if _, ok := o.Field("type"); !ok {
			return ""
		}
		table, err := ddl.TableName(workspaceID, triggerObject)
		if err != nil {
			return ""
		}
		return `EXISTS (SELECT 1 FROM "` + table + `" WHERE "type" = 'DATABASE_EVENT' AND "deletedAt" IS NULL) AS "listened"`
	}
	return ""
}

// queueWanted is the relay's Queued: whether a batch of row has a consumer on the jobs queue.
// When it cannot tell, it answers yes: a batch enqueued for nothing costs a little, one not
// enqueued for a consumer would be lost to it.
func (s *server) queueWanted(ctx context.Context, row outbox.Row, b *jobsv1.DatabaseEventBatch) bool {
	switch {
	case !b.GetRealtimePublished(), queueOnlyEvents[b.GetName()]:
		return true
	case (!row.Probed || row.Listened) && !strings.HasPrefix(b.GetObjectNameSingular(), "workflow"):
		return true // a trigger may start a workflow (the workflow objects' own events start none)
	}
	has, err := s.hasWebhooks(ctx, b.GetWorkspaceId())
	if err != nil {
		slog.WarnContext(ctx, "webhooks not read; the batch goes on the queue", "workspace_id", b.GetWorkspaceId(), "error", err.Error())
		return true
	}
	return has
}

// hasWebhooks reports whether the workspace has a live webhook (the jobs Worker's table, in the
// control database: migrations/0006_webhooks.sql).
func (s *server) hasWebhooks(ctx context.Context, workspaceID string) (bool, error) {
	var n int64
	if err := s.control.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM webhooks WHERE workspace_id = ? AND deleted_at IS NULL)`, workspaceID).Scan(&n); err != nil {
		return false, fmt.Errorf("read webhooks: %w", err)
	}
	return n != 0, nil
}
