package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/twentyworkers/twenty/shared/cfworker"
)

// The delivery sweep: a delivery whose next attempt should have run long ago lost its job (the
// queue refused the retry through all of the job's own retries). The sweep queues that attempt
// again; the attempt's guard (deliverysend.go) makes a duplicate harmless.

// sweepCron is the delivery sweep's Cron Trigger (services/jobs/wrangler.jsonc).
const sweepCron = "*/10 * * * *"

// sweepGrace is how late an attempt must be before the sweep queues it again.
const sweepGrace = 10 * time.Minute

// sweepBatch bounds the deliveries one sweep queues.
const sweepBatch = 200

// withDeliverySweep runs the delivery sweep on its Cron Trigger and prune on the others.
func withDeliverySweep(prune func(context.Context, cfworker.ScheduledEvent) error, d *deliverer) func(context.Context, cfworker.ScheduledEvent) error {
	return func(ctx context.Context, e cfworker.ScheduledEvent) error {
		if e.Cron == sweepCron {
			return d.sweep(ctx)
		}
		return prune(ctx, e)
	}
}

// sweep queues the next attempt of every delivery pending or retrying for longer than
// sweepGrace past its due time.
func (d *deliverer) sweep(ctx context.Context) error {
	due := d.now().Add(-sweepGrace).UTC().Format("2006-01-02T15:04:05.000Z")
	rows, err := d.queryDeliveries(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
WHERE (status = 'retrying' AND next_attempt_at < ?) OR (status = 'pending' AND updated_at < ?)
ORDER BY updated_at LIMIT ?`, due, due, sweepBatch)
	if err != nil {
		return fmt.Errorf("sweep webhook deliveries: %w", err)
	}
	var errs []error
	for _, r := range rows {
		if err := d.enqueueAttempt(ctx, r.workspaceID, r.id, r.attempts+1, 0); err != nil {
			errs = append(errs, err)
		}
	}
	if len(rows) > 0 {
		slog.WarnContext(ctx, "webhook deliveries swept", "queued", len(rows)-len(errs), "failed", len(errs))
	}
	return errors.Join(errs...)
}
