package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/outbox"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
)

// realtimePublisher is the realtime Worker's call the relay makes.
type realtimePublisher interface {
	PublishRecordEvents(context.Context, *realtimev1.PublishRecordEventsRequest) (*realtimev1.PublishRecordEventsResponse, error)
}

// realtimePublishTimeout bounds the relay's wait on the realtime Worker.
const realtimePublishTimeout = 2 * time.Second

// publishRealtime is the relay's Publish: it hands each batch to the workspace's event streams
// before the batch goes on the queue, sparing the streams the queue's hop. It is best effort and
// never fails the batch: a failure here would leave the outbox row for the sweep, which re-sends
// it to every consumer. A batch it delivered goes on the queue marked, and the jobs Worker's
// realtime subscriber leaves it, so each batch costs the realtime Worker one call; one it could
// not deliver the subscriber publishes from the queue. The room delivers an event id once, so a
// batch that reaches it both ways (a relay and a sweep) is seen once.
//
// A write whose own batch found no realtime listener for the workspace (outbox.ListenRealtime:
// the gateway sets it before it hands a stream to the room) and a room checked lately is
// delivered to every stream there is, none, without a call. A room that answers it has nothing
// open left goes to idle, which removes the listener and marks the room checked; an unchecked
// room that has something open (streams from before the listeners) goes to heard, which
// records its listener.
func publishRealtime(rt realtimePublisher, idle, heard func(ctx context.Context, workspaceID string)) func(context.Context, outbox.Row, *jobsv1.DatabaseEventBatch) bool {
	return func(ctx context.Context, row outbox.Row, b *jobsv1.DatabaseEventBatch) bool {
		if row.Probed && row.Listeners&(outbox.ListenRealtime|outbox.ListenRoomUnchecked) == 0 {
			return true
		}
		ctx, cancel := context.WithTimeout(ctx, realtimePublishTimeout)
		defer cancel()
		res, err := rt.PublishRecordEvents(ctx, &realtimev1.PublishRecordEventsRequest{Batch: b})
		if err != nil {
			slog.WarnContext(ctx, "realtime publish from the relay failed; the queue's copy will deliver", "event", b.GetName(), "workspace_id", b.GetWorkspaceId(), "error", err)
			return false
		}
		switch {
		case res.GetIdle() && idle != nil:
			idle(ctx, b.GetWorkspaceId())
		case !res.GetIdle() && row.Listeners&outbox.ListenRoomUnchecked != 0 && heard != nil:
			heard(ctx, b.GetWorkspaceId())
		}
		return true
	}
}
