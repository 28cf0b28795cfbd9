package main

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/cfworker"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
)

func TestSweepRequeuesLostAttempts(t *testing.T) {
	d, q := newTestDeliverer(t)
	rc := newReceiver(t)
	rc.answer(http.StatusInternalServerError)
	insertWebhook(t, d.db, wsA, hook1, rc.URL, `["*.*"]`, "")
	ctx := context.Background()
	if err := d.handleEvents(ctx, personBatch(wsA, "created", &jobsv1.DatabaseEvent{Id: "late"}, &jobsv1.DatabaseEvent{Id: "due"}, &jobsv1.DatabaseEvent{Id: "stuck"})); err != nil {
		t.Fatal(err)
	}
	q.take() // the retries were lost
	// "late" is retrying, due 20 minutes ago; "due" is retrying, due 5 minutes ago (still
	// within the grace); "stuck" is pending since an hour (its first attempt never ran).
	for _, u := range []struct{ id, sql string }{
		{deliveryID("late", hook1), `UPDATE webhook_deliveries SET next_attempt_at = '2026-12-06T22:40:00.000Z' WHERE id = ?`},
		{deliveryID("due", hook1), `UPDATE webhook_deliveries SET next_attempt_at = '2026-12-06T22:55:00.000Z' WHERE id = ?`},
		{deliveryID("stuck", hook1), `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = '', updated_at = '2026-12-06T22:00:00.000Z' WHERE id = ?`},
	} {
		if _, err := d.db.Exec(u.sql, u.id); err != nil {
			t.Fatal(err)
		}
	}
	pruned := 0
	cron := withDeliverySweep(func(context.Context, cfworker.ScheduledEvent) error { pruned++; return nil }, d)
	if err := cron(ctx, cfworker.ScheduledEvent{Cron: sweepCron}); err != nil {
		t.Fatalf("sweep: %v", err)
	}
	got := map[string]int{}
	for _, j := range q.take() {
		var p deliveryJob
		if err := json.Unmarshal(j.job.GetPayload(), &p); err != nil {
			t.Fatal(err)
		}
		got[p.DeliveryID] = p.Attempt
	}
	want := map[string]int{deliveryID("late", hook1): 2, deliveryID("stuck", hook1): 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("swept attempts (-want +got):\n%s", diff)
	}
	if err := cron(ctx, cfworker.ScheduledEvent{Cron: "17 3 * * *"}); err != nil || pruned != 1 {
		t.Errorf("the daily trigger: %v, prune ran %d times; want once", err, pruned)
	}
}
