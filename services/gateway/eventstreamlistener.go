package main

import (
	"context"

	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// Writes publish their events to a workspace's realtime room only while the records Worker knows
// the room is listened to (services/records/eventconsumers.go). The gateway tells it before each
// event stream reaches the room and on each query a stream adds: from then on, every write of the
// workspace publishes; the records Worker forgets it once the room has had nothing open for a
// while.

// listenRealtime records the workspace's room as a listener of its record events.
func (g *gateway) listenRealtime(ctx context.Context, ws string) *graphql.Error {
	_, err := g.records.SetEventListener(ctx, &recordsv1.SetEventListenerRequest{
		WorkspaceId: ws, Kind: recordsv1.EventListenerKind_EVENT_LISTENER_KIND_REALTIME, Listening: true})
	if isUnavailable(err) {
		return graphql.UnavailableError() // the records Worker down for now: the client retries
	}
	if err != nil {
		return graphql.NewError("INTERNAL_SERVER_ERROR", "Internal server error")
	}
	return nil
}
