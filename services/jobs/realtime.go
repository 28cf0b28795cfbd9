package main

import (
	"context"
	"fmt"

	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
)

// realtimePublisher is the event subscriber that keeps Twenty's event streams live: it hands each
// record event batch to the realtime Worker, which matches it against the workspace's
// registered queries and has the workspace's room deliver it. The room delivers an event id once
// and never an event older than one it delivered for the same record, so the queue's
// redeliveries and its concurrently run batches are harmless; an error asks for the batch again.
type realtimePublisher struct {
	client recordEventPublisher
}

// recordEventPublisher is the realtime Worker's call this subscriber makes.
type recordEventPublisher interface {
	PublishRecordEvents(context.Context, *realtimev1.PublishRecordEventsRequest) (*realtimev1.PublishRecordEventsResponse, error)
}

func (p *realtimePublisher) handleEvents(ctx context.Context, b *jobsv1.DatabaseEventBatch) error {
	if _, err := p.client.PublishRecordEvents(ctx, &realtimev1.PublishRecordEventsRequest{Batch: b}); err != nil {
		return fmt.Errorf("publish %s to realtime: %w", b.GetName(), err)
	}
	return nil
}
