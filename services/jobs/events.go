package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"google.golang.org/protobuf/proto"
)

// eventJobType is the type of the jobs the records Worker relays for every record mutation; the
// payload is a twenty.jobs.v1.DatabaseEventBatch.
const eventJobType = "database.event"

// eventSubscriber is one consumer of record events (webhooks, the timeline, workflows, realtime).
// A batch can arrive more than once (the outbox relays at least once, the queue redelivers), so a
// subscriber makes its handling idempotent by event id; an error asks for the batch again.
type eventSubscriber interface {
	handleEvents(ctx context.Context, b *jobsv1.DatabaseEventBatch) error
}

// eventFanout hands each record event batch to every subscriber. They all run, concurrently and
// each on its own; the job is retried when any failed, and the ones that succeeded skip what they
// already did.
type eventFanout struct {
	subscribers map[string]eventSubscriber // by name, for logs
}

// handle takes a record event batch off the queue. An undecodable batch, or one whose workspace
// is not its job's, is an error, so it ends as a dead letter instead of being acknowledged.
func (f *eventFanout) handle(ctx context.Context, job *jobsv1.Job) error {
	b := &jobsv1.DatabaseEventBatch{}
	if err := proto.Unmarshal(job.GetPayload(), b); err != nil {
		return fmt.Errorf("decode database event: %w", err)
	}
	if b.GetName() == "" || b.GetWorkspaceId() != job.GetWorkspaceId() {
		return fmt.Errorf("database event %q of workspace %q in a job of workspace %q", b.GetName(), b.GetWorkspaceId(), job.GetWorkspaceId())
	}
	slog.DebugContext(ctx, "database event", "event", b.GetName(), "workspace_id", b.GetWorkspaceId(), "records", len(b.GetEvents()))
	errs := make([]error, 0, len(f.subscribers))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, s := range f.subscribers {
		wg.Go(func() {
			if err := s.handleEvents(ctx, b); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
