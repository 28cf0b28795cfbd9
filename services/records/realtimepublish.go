package main

import (
	"context"
	"log/slog"
	"time"

	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1/realtimev1connect"
)

// realtimePublisher is the realtime Worker's calls the relay makes. RoomListening goes as Connect
// JSON, which the realtime Worker answers from the room without running Go; PublishRecordEvents
// as protobuf.
type realtimePublisher interface {
	RoomListening(context.Context, *realtimev1.RoomListeningRequest) (*realtimev1.RoomListeningResponse, error)
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
// It first asks whether the workspace's room has an event stream open at all. Most writes happen
// with nobody listening (integrations, imports, a workspace whose users are away), and for those
// the answer, from the room's own memory, is the whole publish: the batch is delivered to every
// stream there is, none. A stream opened after the answer gets the events that follow it, as a
// stream opened a moment later would.
func publishRealtime(rt realtimePublisher) func(context.Context, *jobsv1.DatabaseEventBatch) bool {
	return func(ctx context.Context, b *jobsv1.DatabaseEventBatch) bool {
		ctx, cancel := context.WithTimeout(ctx, realtimePublishTimeout)
		defer cancel()
		res, err := rt.RoomListening(ctx, &realtimev1.RoomListeningRequest{WorkspaceId: b.GetWorkspaceId()})
		if err == nil && !res.GetListening() {
			return true
		}
		if err != nil { // publish anyway: the room answers that, or the queue's copy will
			slog.WarnContext(ctx, "realtime room did not say whether it is listened to", "workspace_id", b.GetWorkspaceId(), "error", err)
		}
		if _, err := rt.PublishRecordEvents(ctx, &realtimev1.PublishRecordEventsRequest{Batch: b}); err != nil {
			slog.WarnContext(ctx, "realtime publish from the relay failed; the queue's copy will deliver", "event", b.GetName(), "workspace_id", b.GetWorkspaceId(), "error", err)
			return false
		}
		return true
	}
}

// realtimeClients is the realtime Worker as the relay calls it: RoomListening through a client
// that speaks Connect JSON, the rest through one that speaks protobuf.
type realtimeClients struct {
	json, proto realtimev1connect.RealtimeServiceClient
}

func (c realtimeClients) RoomListening(ctx context.Context, req *realtimev1.RoomListeningRequest) (*realtimev1.RoomListeningResponse, error) {
	return c.json.RoomListening(ctx, req)
}

func (c realtimeClients) PublishRecordEvents(ctx context.Context, req *realtimev1.PublishRecordEventsRequest) (*realtimev1.PublishRecordEventsResponse, error) {
	return c.proto.PublishRecordEvents(ctx, req)
}
