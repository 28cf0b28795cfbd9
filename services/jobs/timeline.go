package main

import (
	"context"
	"fmt"
	"log/slog"

	"connectrpc.com/connect"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// bindingURL is the URL prefix of calls over a service binding: the binding, not the host,
// decides where they go.
const bindingURL = "http://internal"

// timelineWriter is the timeline's event subscriber. The records Worker owns every record table,
// timelineActivity's too, so the subscriber only forwards each batch to its TimelineService,
// which writes the activities idempotently (their ids derive from the event ids): a batch handed
// over again writes nothing twice. A failed call fails the job, which the queue retries.
type timelineWriter struct {
	records timelineService
}

// timelineService is the records Worker's TimelineService, as the subscriber uses it.
type timelineService interface {
	WriteTimelineActivities(context.Context, *recordsv1.WriteTimelineActivitiesRequest) (*recordsv1.WriteTimelineActivitiesResponse, error)
}

// newTimelineWriter calls the TimelineService over records (the RECORDS binding on workerd).
func newTimelineWriter(records connect.HTTPClient) *timelineWriter {
	return &timelineWriter{records: recordsv1connect.NewTimelineServiceClient(records, bindingURL, rpc.ClientOptions()...)}
}

// handleEvents implements eventSubscriber.
func (w *timelineWriter) handleEvents(ctx context.Context, b *jobsv1.DatabaseEventBatch) error {
	res, err := w.records.WriteTimelineActivities(ctx, &recordsv1.WriteTimelineActivitiesRequest{Batch: b})
	if err != nil {
		return fmt.Errorf("write timeline activities of %s: %w", b.GetName(), err)
	}
	slog.DebugContext(ctx, "timeline activities", "event", b.GetName(), "workspace_id", b.GetWorkspaceId(),
		"inserted", res.GetInserted(), "merged", res.GetMerged())
	return nil
}

// recordsProbe checks that the RECORDS binding answers, with the records Worker's shallow Health.
func recordsProbe(records connect.HTTPClient) health.Probe {
	c := recordsv1connect.NewRecordsServiceClient(records, bindingURL, rpc.ClientOptions()...)
	return health.Probe{Name: "RECORDS", Kind: "service", Check: func(ctx context.Context) error {
		_, err := c.Health(ctx, &commonv1.HealthRequest{})
		return err
	}}
}
