package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
)

// runQueued runs every queued job, as the consumer would, and answers their errors.
func runQueued(t *testing.T, d *deliverer, q *fakeQueue) []error {
	t.Helper()
	var errs []error
	for _, j := range q.take() {
		errs = append(errs, d.handleJob(context.Background(), j.job))
	}
	return errs
}

func TestDeliveryRetriesDiesAndReplaysOnce(t *testing.T) {
	d, q := newTestDeliverer(t) // 3 attempts, retries after 10 s then 20 s
	rc := newReceiver(t)
	rc.answer(http.StatusInternalServerError)
	insertWebhook(t, d.db, wsA, hook1, rc.URL, `["*.*"]`, "s3cret")
	ctx := context.Background()
	if err := d.handleEvents(ctx, personBatch(wsA, "created", &jobsv1.DatabaseEvent{Id: "e1"})); err != nil {
		t.Fatalf("handleEvents: a failed POST is the delivery's business, not the batch's: %v", err)
	}
	id := deliveryID("e1", hook1)

	// Attempt 1 failed inline: attempt 2 is queued after 10 s.
	jobs := q.take()
	if len(jobs) != 1 || jobs[0].delay != 10*time.Second || jobs[0].job.GetType() != deliveryJobType || jobs[0].job.GetWorkspaceId() != wsA {
		t.Fatalf("queued %+v, want one webhook.deliver job of the workspace after 10s", jobs)
	}
	dup := jobs[0].job
	if err := d.handleJob(ctx, dup); err != nil {
		t.Fatalf("attempt 2: %v", err)
	}
	if err := d.handleJob(ctx, dup); err != nil { // the queue redelivers attempt 2
		t.Fatalf("attempt 2 again: %v", err)
	}
	jobs = q.take() // attempt 3, queued by the attempt and again by its duplicate
	if len(jobs) != 2 || jobs[0].delay != 20*time.Second {
		t.Fatalf("after attempt 2 queued %+v, want attempt 3 after 20s (twice)", jobs)
	}
	for i, j := range jobs {
		if err := d.handleJob(ctx, j.job); !errors.Is(err, errJobDead) {
			t.Errorf("attempt 3 (copy %d) = %v, want errJobDead", i, err)
		}
	}
	if n := len(rc.got()); n != 3 {
		t.Errorf("POSTs = %d, want 3 (duplicates of a made attempt do not send)", n)
	}
	if s := deliveryStatus(t, d.db, id); s != "dead/3" {
		t.Errorf("delivery = %s, want dead/3", s)
	}
	var deadJob string
	if err := d.db.QueryRow(`SELECT type FROM dead_letters WHERE id = ?`, id+".3").Scan(&deadJob); err != nil || deadJob != deliveryJobType {
		t.Errorf("dead letter of attempt 3 = %q, %v", deadJob, err)
	}
	if jobs := q.take(); len(jobs) != 0 {
		t.Errorf("a dead delivery queued %d jobs", len(jobs))
	}

	// Replay after the receiver is fixed: one more attempt, sent once however often it runs.
	rc.answer(http.StatusNoContent)
	replayed, err := d.replay(ctx, wsA, hook1, nil)
	if err != nil || len(replayed) != 1 || replayed[0].GetStatus() != jobsv1.WebhookDeliveryStatus_WEBHOOK_DELIVERY_STATUS_PENDING {
		t.Fatalf("replay = %v, %v; want the delivery, pending", replayed, err)
	}
	if again, err := d.replay(ctx, wsA, hook1, []string{id}); err != nil || len(again) != 0 {
		t.Errorf("a second replay = %v, %v; want nothing (no longer dead)", again, err)
	}
	jobs = q.take()
	if len(jobs) != 1 || jobs[0].delay != 0 {
		t.Fatalf("replay queued %+v, want attempt 4 now", jobs)
	}
	for range 2 {
		if err := d.handleJob(ctx, jobs[0].job); err != nil {
			t.Fatalf("replayed attempt: %v", err)
		}
	}
	if n := len(rc.got()); n != 4 {
		t.Errorf("POSTs = %d, want 4: the replay delivered once", n)
	}
	if s := deliveryStatus(t, d.db, id); s != "succeeded/4" {
		t.Errorf("delivery = %s, want succeeded/4", s)
	}
	res, err := d.list(ctx, &jobsv1.ListWebhookDeliveriesRequest{WorkspaceId: wsA, WebhookId: hook1})
	if err != nil {
		t.Fatal(err)
	}
	var log []string
	for _, a := range res.GetDeliveries()[0].GetAttemptLog() {
		log = append(log, a.GetError()+"|"+http.StatusText(int(a.GetStatusCode())))
	}
	want := []string{"the target answered 500|Internal Server Error", "the target answered 500|Internal Server Error", "the target answered 500|Internal Server Error", "|No Content"}
	if diff := cmp.Diff(want, log); diff != "" {
		t.Errorf("attempt log (-want +got):\n%s", diff)
	}
}

func TestDeliveryFailuresWithoutAnswer(t *testing.T) {
	tests := []struct {
		name       string
		target     func(rc *receiver) string
		wantStatus string
		wantError  string
		wantPOSTs  int
	}{
		{"timeout", func(rc *receiver) string { rc.delay = 300 * time.Millisecond; return rc.URL }, "retrying/1", "no answer within 100ms", 1},
		{"connection refused", func(*receiver) string { return "http://127.0.0.1:1/" }, "retrying/1", "connect", 0},
		{"private target: dead at once", func(*receiver) string { return "http://10.0.0.7/hook" }, "dead/1", "private", 0},
		{"metadata host: dead at once", func(*receiver) string { return "http://169.254.169.254/latest" }, "dead/1", "private", 0},
		{"no scheme is https (Twenty's getAbsoluteUrl)", func(*receiver) string { return "localhost:1/x" }, "retrying/1", "", 0},
		{"redirect is not followed", func(rc *receiver) string { rc.status = http.StatusFound; return rc.URL }, "retrying/1", "answered 302", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := newTestDeliverer(t)
			d.cfg.timeout = 100 * time.Millisecond
			rc := newReceiver(t)
			insertWebhook(t, d.db, wsA, hook1, tt.target(rc), `["*.*"]`, "")
			if err := d.handleEvents(context.Background(), personBatch(wsA, "created", &jobsv1.DatabaseEvent{Id: "e1"})); err != nil {
				t.Fatalf("handleEvents: %v", err)
			}
			id := deliveryID("e1", hook1)
			if s := deliveryStatus(t, d.db, id); s != tt.wantStatus {
				t.Errorf("delivery = %s, want %s", s, tt.wantStatus)
			}
			var errText string
			if err := d.db.QueryRow(`SELECT error FROM webhook_delivery_attempts WHERE delivery_id = ? AND attempt = 1`, id).Scan(&errText); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(errText, tt.wantError) || strings.Contains(errText, "127.0.0.1") {
				t.Errorf("attempt error = %q, want it to say %q without the URL", errText, tt.wantError)
			}
			if n := len(rc.got()); n != tt.wantPOSTs {
				t.Errorf("POSTs = %d, want %d", n, tt.wantPOSTs)
			}
		})
	}
}

func TestDeliveryToDeletedOrChangedWebhook(t *testing.T) {
	d, q := newTestDeliverer(t)
	rc := newReceiver(t)
	rc.answer(http.StatusBadGateway)
	insertWebhook(t, d.db, wsA, hook1, rc.URL+"/old", `["*.*"]`, "")
	ctx := context.Background()
	if err := d.handleEvents(ctx, personBatch(wsA, "created", &jobsv1.DatabaseEvent{Id: "e1"})); err != nil {
		t.Fatal(err)
	}
	// The target moves before the retry: the retry goes to the new one, and its body says so.
	rc.answer(http.StatusOK)
	if _, err := d.db.Exec(`UPDATE webhooks SET target_url = ? WHERE id = ?`, rc.URL+"/new", hook1); err != nil {
		t.Fatal(err)
	}
	if errs := runQueued(t, d, q); len(errs) != 1 || errs[0] != nil {
		t.Fatalf("retry: %v", errs)
	}
	got := rc.got()
	if len(got) != 2 || !strings.HasPrefix(got[1].body, `{"targetUrl":"`+rc.URL+`/new","eventName"`) {
		t.Errorf("retry body = %s, want the new targetUrl", got[len(got)-1].body)
	}

	// A deleted webhook's pending delivery dies without a POST.
	if err := d.handleEvents(ctx, personBatch(wsA, "updated", &jobsv1.DatabaseEvent{Id: "e2"})); err != nil {
		t.Fatal(err)
	}
	rc.answer(http.StatusInternalServerError)
	if _, err := d.db.Exec(`UPDATE webhook_deliveries SET status = 'retrying', attempts = 1 WHERE id = ?`, deliveryID("e2", hook1)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.db.Exec(`UPDATE webhooks SET deleted_at = '2026-12-06T23:00:00.000Z' WHERE id = ?`, hook1); err != nil {
		t.Fatal(err)
	}
	if err := d.attemptByID(ctx, wsA, deliveryID("e2", hook1), 2); !errors.Is(err, errJobDead) {
		t.Errorf("attempt of a deleted webhook's delivery = %v, want errJobDead", err)
	}
	if s := deliveryStatus(t, d.db, deliveryID("e2", hook1)); s != "dead/2" {
		t.Errorf("delivery = %s, want dead/2", s)
	}
}

// TestConsumerBuriesDeadDelivery runs a last attempt through the consumer: the job is recorded
// dead and acknowledged, not retried.
func TestConsumerBuriesDeadDelivery(t *testing.T) {
	d, q := newTestDeliverer(t)
	d.cfg.maxAttempts = 1
	rc := newReceiver(t)
	rc.answer(http.StatusInternalServerError)
	insertWebhook(t, d.db, wsA, hook1, rc.URL, `["*.*"]`, "")
	// A batch too large to attempt inline queues attempt 1.
	d.cfg.inline = 0
	if err := d.handleEvents(context.Background(), personBatch(wsA, "created", &jobsv1.DatabaseEvent{Id: "e1"})); err != nil {
		t.Fatal(err)
	}
	jobs := q.take()
	if len(jobs) != 1 {
		t.Fatalf("queued %d jobs, want attempt 1", len(jobs))
	}
	c := &consumer{db: d.db, handlers: map[string]handlerFunc{deliveryJobType: d.handleJob}, retryBase: time.Second}
	m := deliver("m1", 1, encode(t, jobs[0].job))
	c.run(context.Background(), m.msg)
	if m.decision != "ack" {
		t.Errorf("decision = %q, want ack", m.decision)
	}
	if got := readRun(t, d.db, jobs[0].job.GetId()); got.Status != "dead" {
		t.Errorf("job run = %+v, want dead", got)
	}
}
