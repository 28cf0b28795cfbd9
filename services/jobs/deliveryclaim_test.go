package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
)

// TestTwoCopiesOfAnEventSendOnce delivers one event twice at the same moment (a relay retried
// and a sweep, a few milliseconds apart), to a receiver that takes its time: the attempt is
// claimed by one of them, so the webhook gets one POST; a claim whose job died is taken over
// after the lease.
func TestTwoCopiesOfAnEventSendOnce(t *testing.T) {
	d, _ := newTestDeliverer(t)
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		posts.Add(1)
		time.Sleep(100 * time.Millisecond)
	}))
	t.Cleanup(srv.Close)
	insertWebhook(t, d.db, wsA, hook1, srv.URL, `["*.*"]`, "")
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := d.handleEvents(ctx, personBatch(wsA, "created", &jobsv1.DatabaseEvent{Id: "e1"})); err != nil {
				t.Errorf("handleEvents: %v", err)
			}
		}()
	}
	wg.Wait()
	if n := posts.Load(); n != 1 {
		t.Errorf("POSTs = %d, want 1", n)
	}
	if s := deliveryStatus(t, d.db, deliveryID("e1", hook1)); s != "succeeded/1" {
		t.Errorf("delivery = %s, want succeeded/1", s)
	}

	// A job that claimed attempt 1 of another delivery and died: a second job waits out the lease.
	if err := d.handleEvents(ctx, personBatch(wsA, "created", &jobsv1.DatabaseEvent{Id: "e2"})); err != nil {
		t.Fatal(err)
	}
	id := deliveryID("e2", hook1)
	if _, err := d.db.Exec(`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, claimed_at = ? WHERE id = ?`,
		testNow.Format("2006-01-02T15:04:05.000Z"), id); err != nil {
		t.Fatal(err)
	}
	before := posts.Load()
	if err := d.attemptByID(ctx, wsA, id, 1); err != nil || posts.Load() != before {
		t.Errorf("attempt under a live claim: err %v, POSTs %d, want none", err, posts.Load()-before)
	}
	d.now = func() time.Time { return testNow.Add(claimLease + time.Second) }
	if err := d.attemptByID(ctx, wsA, id, 1); err != nil || posts.Load() != before+1 {
		t.Errorf("attempt after the lease: err %v, POSTs %d, want 1", err, posts.Load()-before)
	}
}
