package main

import (
	"context"
	"log/slog"
	"time"

	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
)

// realtimePublisher is the realtime Worker's call the relay makes.
type realtimePublisher interface {
	PublishRecordEvents(context.Context, *realtimev1.PublishRecordEventsRequest) (*realtimev1.PublishRecordEventsResponse, error)
}

// realtimePublishTimeout bounds the relay's wait on the realtime Worker.
const realtimePublishTimeout = 2 * time.Second

// withRealtime makes the relay's local consumer also hand each batch to the workspace's event
// streams as it sends it, sparing the stream the queue's hop. It is best effort and never fails
// the batch: a failure here would leave the outbox row for the sweep, which re-sends it to every
// consumer. The jobs Worker's realtime subscriber delivers every batch from the queue as well;
// the room delivers an event id once, so whichever arrives first is the one clients see.
func withRealtime(local func(context.Context, *jobsv1.DatabaseEventBatch) error, rt realtimePublisher) func(context.Context, *jobsv1.DatabaseEventBatch) error {
	return func(ctx context.Context, b *jobsv1.DatabaseEventBatch) error {
		// The streams do not wait for the timeline: both calls run at once.
		done := make(chan struct{})
		go func() {
			defer close(done)
			ctx, cancel := context.WithTimeout(ctx, realtimePublishTimeout)
			defer cancel()
			if _, err := rt.PublishRecordEvents(ctx, &realtimev1.PublishRecordEventsRequest{Batch: b}); err != nil {
				slog.WarnContext(ctx, "realtime publish from the relay failed; the queue's copy will deliver", "event", b.GetName(), "workspace_id", b.GetWorkspaceId(), "error", err)
			}
		}()
		var err error
		if local != nil {
			err = local(ctx, b)
		}
		<-done
		return err
	}
}
