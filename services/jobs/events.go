package main

import (
	"context"
	"fmt"
	"log/slog"

	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"google.golang.org/protobuf/proto"
)

// eventJobType is the type of the jobs the records Worker sends for every record mutation; the
// payload is a twenty.jobs.v1.DatabaseEventBatch.
const eventJobType = "database.event"

// handleDatabaseEvent takes a record event batch off the queue. Its consumers (webhooks, the
// timeline, realtime) subscribe here as they are built; until then the batch is checked and
// recorded as a run, so an undecodable one is a dead letter and not silently acknowledged.
func handleDatabaseEvent(ctx context.Context, job *jobsv1.Job) error {
	b := &jobsv1.DatabaseEventBatch{}
	if err := proto.Unmarshal(job.GetPayload(), b); err != nil {
		return fmt.Errorf("decode database event: %w", err)
	}
	if b.GetName() == "" || b.GetWorkspaceId() != job.GetWorkspaceId() {
		return fmt.Errorf("database event %q of workspace %q in a job of workspace %q", b.GetName(), b.GetWorkspaceId(), job.GetWorkspaceId())
	}
	slog.DebugContext(ctx, "database event", "event", b.GetName(), "workspace_id", b.GetWorkspaceId(), "records", len(b.GetEvents()))
	return nil
}
