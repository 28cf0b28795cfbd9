package main

import (
	"context"
	"fmt"

	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
	"google.golang.org/protobuf/proto"
)

// realtimePublisher is the event subscriber that keeps Twenty's event streams live: it hands each
// record event batch to the realtime Worker, which matches it against the workspace's
// registered queries and has the workspace's room deliver it. The room delivers an event id once
// and never an event older than one it delivered for the same record, so the queue's
// redeliveries and its concurrently run batches are harmless; an error asks for the batch again.
type realtimePublisher struct {
	client recordEventPublisher
}

// recordEventPublisher is the realtime Worker's calls this subscriber makes.
type recordEventPublisher interface {
	PublishRecordEvents(context.Context, *realtimev1.PublishRecordEventsRequest) (*realtimev1.PublishRecordEventsResponse, error)
	PublishMetadataEvents(context.Context, *realtimev1.PublishMetadataEventsRequest) (*realtimev1.PublishRecordEventsResponse, error)
}

// metadataEventJobType is the job the records Worker queues after a metadata mutation; its
// payload is a twenty.realtime.v1.PublishMetadataEventsRequest.
const metadataEventJobType = "metadata.event"

// handleMetadataJob hands a metadata mutation's events to the workspace's event streams. A job
// whose events are of another workspace is an error, so it ends as a dead letter.
func (p *realtimePublisher) handleMetadataJob(ctx context.Context, job *jobsv1.Job) error {
	req := &realtimev1.PublishMetadataEventsRequest{}
	if err := proto.Unmarshal(job.GetPayload(), req); err != nil {
		return fmt.Errorf("decode metadata events: %w", err)
	}
	if req.GetWorkspaceId() != job.GetWorkspaceId() {
		return fmt.Errorf("metadata events of workspace %q in a job of workspace %q", req.GetWorkspaceId(), job.GetWorkspaceId())
	}
	if _, err := p.client.PublishMetadataEvents(ctx, req); err != nil {
		return fmt.Errorf("publish metadata events to realtime: %w", err)
	}
	return nil
}

// handleEvents publishes a batch the records relay did not publish itself (RealtimePublished).
func (p *realtimePublisher) handleEvents(ctx context.Context, b *jobsv1.DatabaseEventBatch) error {
	if b.GetRealtimePublished() {
		return nil
	}
	if _, err := p.client.PublishRecordEvents(ctx, &realtimev1.PublishRecordEventsRequest{Batch: b}); err != nil {
		return fmt.Errorf("publish %s to realtime: %w", b.GetName(), err)
	}
	return nil
}
