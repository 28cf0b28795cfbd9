package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"github.com/twentyworkers/twenty/shared/sqltest"
	"github.com/twentyworkers/twenty/shared/webhookurl"
)

// fakeQueue keeps the jobs sent to it with their delays.
type fakeQueue struct {
	mu   sync.Mutex
	jobs []queuedJob
}

type queuedJob struct {
	job   *jobsv1.Job
	delay time.Duration
}

func (q *fakeQueue) SendDelayed(_ context.Context, body []byte, delay time.Duration) error {
	job, err := jobqueue.Decode(body)
	if err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = append(q.jobs, queuedJob{job, delay})
	return nil
}

// take answers the jobs queued since the last take.
func (q *fakeQueue) take() []queuedJob {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.jobs
	q.jobs = nil
	return out
}

// receiver is a webhook target: it keeps every request and answers the status status() gives.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests []received
	status   int
	delay    time.Duration
}

type received struct {
	header http.Header
	body   string
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{status: http.StatusOK}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.requests = append(rc.requests, received{r.Header.Clone(), string(b)})
		status, delay := rc.status, rc.delay
		rc.mu.Unlock()
		time.Sleep(delay)
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) answer(status int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.status = status
}

func (rc *receiver) got() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.requests...)
}

var testNow = time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC)

func newTestDeliverer(t *testing.T) (*deliverer, *fakeQueue) {
	q := &fakeQueue{}
	return &deliverer{
		db: sqltest.Open(t), queue: q, client: &http.Client{},
		targets: webhookurl.Policy{AllowLoopback: true},
		cfg:     deliveryConfig{maxAttempts: 3, retryBase: 10 * time.Second, timeout: 2 * time.Second, inline: 20},
		now:     func() time.Time { return testNow },
	}, q
}

func insertWebhook(t *testing.T, db *d1.DB, workspaceID, id, target, operations, secret string) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO webhooks (id, workspace_id, target_url, operations, secret) VALUES (?, ?, ?, ?, ?)`,
		id, workspaceID, target, operations, secret); err != nil {
		t.Fatalf("insert webhook: %v", err)
	}
}

const (
	wsA   = "20202020-0000-4000-8000-00000000000a"
	wsB   = "20202020-0000-4000-8000-00000000000b"
	hook1 = "11111111-0000-4000-8000-000000000001"
	hook2 = "11111111-0000-4000-8000-000000000002"
)

func personBatch(workspaceID, action string, events ...*jobsv1.DatabaseEvent) *jobsv1.DatabaseEventBatch {
	return &jobsv1.DatabaseEventBatch{
		Name: "person." + action, WorkspaceId: workspaceID, ObjectNameSingular: "person",
		ObjectMetadataId: "0bj00000-0000-4000-8000-000000000001", EventDate: "2026-12-06T22:59:59.123Z", Events: events,
	}
}

func TestSubscribes(t *testing.T) {
	tests := []struct {
		ops   []string
		event string
		want  bool
	}{
		{[]string{"person.created"}, "person.created", true},
		{[]string{"person.created"}, "person.updated", false},
		{[]string{"person.created"}, "company.created", false},
		{[]string{"*.updated"}, "company.updated", true},
		{[]string{"*.updated"}, "company.deleted", false},
		{[]string{"person.*"}, "person.destroyed", true},
		{[]string{"person.*"}, "personal.created", false},
		{[]string{"*.*"}, "opportunity.restored", true},
		{[]string{"company.created", "person.*"}, "person.deleted", true},
		{nil, "person.created", false},
		// Twenty sends workflowRun.updated only to webhooks that name it.
		{[]string{"*.*", "*.updated", "workflowRun.*"}, "workflowRun.updated", false},
		{[]string{"workflowRun.updated"}, "workflowRun.updated", true},
		{[]string{"*.*"}, "workflowRun.created", true},
	}
	for _, tt := range tests {
		if got := subscribes(tt.ops, tt.event); got != tt.want {
			t.Errorf("subscribes(%q, %q) = %v, want %v", tt.ops, tt.event, got, tt.want)
		}
	}
}

func TestWebhookBody(t *testing.T) {
	w := webhook{id: hook1, targetURL: "https://example.com/hook?a=1&b=<2>"}
	tests := []struct {
		name  string
		batch *jobsv1.DatabaseEventBatch
		want  string
	}{
		{
			"created by a user: after, no updatedFields",
			personBatch(wsA, "created", &jobsv1.DatabaseEvent{Id: "e1", RecordId: "r1", UserId: "u1", WorkspaceMemberId: "m1",
				AfterJson: []byte(`{"id":"r1","name":{"firstName":"Ada <&>","lastName":"L` + "\u2028" + `"},"city":null}`)}),
			`{"targetUrl":"https://example.com/hook?a=1&b=<2>","eventName":"person.created","objectMetadata":{"id":"0bj00000-0000-4000-8000-000000000001","nameSingular":"person"},` +
				`"workspaceId":"` + wsA + `","webhookId":"` + hook1 + `","eventDate":"2026-12-06T22:59:59.123Z","userId":"u1","workspaceMemberId":"m1",` +
				`"record":{"id":"r1","name":{"firstName":"Ada <&>","lastName":"L` + "\u2028" + `"},"city":null}}`,
		},
		{
			"updated through an API key: no actor, updatedFields",
			personBatch(wsA, "updated", &jobsv1.DatabaseEvent{Id: "e2", RecordId: "r1", BeforeJson: []byte(`{"id":"r1","city":"A"}`),
				AfterJson: []byte(`{"id":"r1","city":"B"}`), UpdatedFields: []string{"city"}}),
			`{"targetUrl":"https://example.com/hook?a=1&b=<2>","eventName":"person.updated","objectMetadata":{"id":"0bj00000-0000-4000-8000-000000000001","nameSingular":"person"},` +
				`"workspaceId":"` + wsA + `","webhookId":"` + hook1 + `","eventDate":"2026-12-06T22:59:59.123Z","record":{"id":"r1","city":"B"},"updatedFields":["city"]}`,
		},
		{
			"updated with no field named: an empty list",
			personBatch(wsA, "updated", &jobsv1.DatabaseEvent{Id: "e3", AfterJson: []byte(`{"id":"r1"}`)}),
			`{"targetUrl":"https://example.com/hook?a=1&b=<2>","eventName":"person.updated","objectMetadata":{"id":"0bj00000-0000-4000-8000-000000000001","nameSingular":"person"},` +
				`"workspaceId":"` + wsA + `","webhookId":"` + hook1 + `","eventDate":"2026-12-06T22:59:59.123Z","record":{"id":"r1"},"updatedFields":[]}`,
		},
		{
			"destroyed: before",
			personBatch(wsA, "destroyed", &jobsv1.DatabaseEvent{Id: "e4", BeforeJson: []byte(`{"id":"r1","deletedAt":"2026-12-06T22:00:00.000Z"}`)}),
			`{"targetUrl":"https://example.com/hook?a=1&b=<2>","eventName":"person.destroyed","objectMetadata":{"id":"0bj00000-0000-4000-8000-000000000001","nameSingular":"person"},` +
				`"workspaceId":"` + wsA + `","webhookId":"` + hook1 + `","eventDate":"2026-12-06T22:59:59.123Z","record":{"id":"r1","deletedAt":"2026-12-06T22:00:00.000Z"}}`,
		},
		{
			"no record at all, no date: {} and now",
			&jobsv1.DatabaseEventBatch{Name: "person.deleted", WorkspaceId: wsA, ObjectNameSingular: "person", ObjectMetadataId: "o", Events: []*jobsv1.DatabaseEvent{{Id: "e5", AfterJson: []byte("null")}}},
			`{"targetUrl":"https://example.com/hook?a=1&b=<2>","eventName":"person.deleted","objectMetadata":{"id":"o","nameSingular":"person"},` +
				`"workspaceId":"` + wsA + `","webhookId":"` + hook1 + `","eventDate":"2026-12-06T23:00:00.000Z","record":{}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := webhookBody(tt.batch, tt.batch.GetEvents()[0], w, func() time.Time { return testNow })
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("webhookBody (-want +got):\n%s", diff)
			}
		})
	}
}

// verifySignature checks a POST's signature as a receiver does, with its own HMAC.
func verifySignature(t *testing.T, r received, secret string) {
	t.Helper()
	ts := r.header.Get("X-Twenty-Webhook-Timestamp")
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		t.Errorf("X-Twenty-Webhook-Timestamp = %q, want milliseconds", ts)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + ":" + r.body))
	if got, want := r.header.Get("X-Twenty-Webhook-Signature"), hex.EncodeToString(mac.Sum(nil)); got != want {
		t.Errorf("X-Twenty-Webhook-Signature = %q, want %q", got, want)
	}
	if n := r.header.Get("X-Twenty-Webhook-Nonce"); len(n) != 32 {
		t.Errorf("X-Twenty-Webhook-Nonce = %q, want 32 hex digits", n)
	}
}

func TestDeliveryPostsTwentysSignedBody(t *testing.T) {
	d, q := newTestDeliverer(t)
	rc := newReceiver(t)
	insertWebhook(t, d.db, wsA, hook1, rc.URL+"/signed", `["person.created"]`, "s3cret")
	insertWebhook(t, d.db, wsA, hook2, rc.URL+"/plain", `["*.*"]`, "")
	b := personBatch(wsA, "created", &jobsv1.DatabaseEvent{Id: "e1", RecordId: "r1", AfterJson: []byte(`{"id":"r1"}`)})
	if err := d.handleEvents(context.Background(), b); err != nil {
		t.Fatalf("handleEvents: %v", err)
	}
	got := rc.got()
	if len(got) != 2 {
		t.Fatalf("received %d POSTs, want 2", len(got))
	}
	for _, r := range got {
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		switch {
		case r.header.Get("X-Twenty-Webhook-Signature") != "":
			verifySignature(t, r, "s3cret")
			if want := string(webhookBody(b, b.Events[0], webhook{id: hook1, targetURL: rc.URL + "/signed"}, d.now)); r.body != want {
				t.Errorf("signed body = %s, want %s", r.body, want)
			}
		default:
			for _, h := range []string{"X-Twenty-Webhook-Timestamp", "X-Twenty-Webhook-Nonce"} {
				if r.header.Get(h) != "" {
					t.Errorf("a webhook without a secret got %s", h)
				}
			}
		}
	}
	if jobs := q.take(); len(jobs) != 0 {
		t.Errorf("queued %d jobs after two successes, want none", len(jobs))
	}
	for _, id := range []string{deliveryID("e1", hook1), deliveryID("e1", hook2)} {
		if s := deliveryStatus(t, d.db, id); s != "succeeded/1" {
			t.Errorf("delivery %s = %s, want succeeded/1", id, s)
		}
	}
}

func deliveryStatus(t *testing.T, db *d1.DB, id string) string {
	t.Helper()
	var status string
	var attempts int
	if err := db.QueryRow(`SELECT status, attempts FROM webhook_deliveries WHERE id = ?`, id).Scan(&status, &attempts); err != nil {
		t.Fatalf("read delivery %s: %v", id, err)
	}
	return status + "/" + strconv.Itoa(attempts)
}

func TestDeliveryIsIdempotentAndSelective(t *testing.T) {
	d, _ := newTestDeliverer(t)
	rc := newReceiver(t)
	insertWebhook(t, d.db, wsA, hook1, rc.URL, `["person.*"]`, "")
	insertWebhook(t, d.db, wsA, hook2, rc.URL, `["company.created","*.updated"]`, "")
	insertWebhook(t, d.db, wsB, "11111111-0000-4000-8000-0000000000b1", rc.URL, `["*.*"]`, "")
	insertWebhook(t, d.db, wsA, "11111111-0000-4000-8000-0000000000d1", rc.URL, `["*.*"]`, "")
	if _, err := d.db.Exec(`UPDATE webhooks SET deleted_at = '2026-12-01T00:00:00.000Z' WHERE id = '11111111-0000-4000-8000-0000000000d1'`); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	created := personBatch(wsA, "created", &jobsv1.DatabaseEvent{Id: "e1"}, &jobsv1.DatabaseEvent{Id: "e2"})
	for range 2 { // the outbox relays at least once
		if err := d.handleEvents(ctx, created); err != nil {
			t.Fatalf("handleEvents: %v", err)
		}
	}
	if n := len(rc.got()); n != 2 {
		t.Errorf("two events relayed twice to one matching webhook: %d POSTs, want 2", n)
	}
	for _, name := range []string{"upserted", "unknown"} {
		if err := d.handleEvents(ctx, personBatch(wsA, name, &jobsv1.DatabaseEvent{Id: "x-" + name})); err != nil {
			t.Fatal(err)
		}
	}
	timeline := &jobsv1.DatabaseEventBatch{Name: "timelineActivity.created", WorkspaceId: wsA, Events: []*jobsv1.DatabaseEvent{{Id: "t1"}}}
	if err := d.handleEvents(ctx, timeline); err != nil {
		t.Fatal(err)
	}
	if n := len(rc.got()); n != 2 {
		t.Errorf("upserted, unknown and timelineActivity events made %d more POSTs, want none", n-2)
	}
	if err := d.handleEvents(ctx, personBatch(wsA, "updated", &jobsv1.DatabaseEvent{Id: "e3"})); err != nil {
		t.Fatal(err)
	}
	if n := len(rc.got()); n != 4 {
		t.Errorf("person.updated to person.* and *.updated: %d POSTs in all, want 4", n)
	}
}

func TestParseDeliveryConfig(t *testing.T) {
	tests := []struct {
		vars        map[string]string
		wantMax     int
		wantBackoff []time.Duration // before attempts 2, 3, …
	}{
		{nil, 5, []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}},
		{map[string]string{"WEBHOOK_MAX_ATTEMPTS": "3", "WEBHOOK_RETRY_BASE_SECONDS": "1"}, 3, []time.Duration{time.Second, 2 * time.Second}},
		{map[string]string{"WEBHOOK_MAX_ATTEMPTS": "0", "WEBHOOK_RETRY_BASE_SECONDS": "x"}, 5, []time.Duration{30 * time.Second}},
		{map[string]string{"WEBHOOK_MAX_ATTEMPTS": "12", "WEBHOOK_RETRY_BASE_SECONDS": "900"}, 12, []time.Duration{15 * time.Minute, 30 * time.Minute, time.Hour, time.Hour}},
	}
	for _, tt := range tests {
		c := parseDeliveryConfig(func(k string) string { return tt.vars[k] })
		var got []time.Duration
		for i := range tt.wantBackoff {
			got = append(got, c.backoff(i+1))
		}
		if c.maxAttempts != tt.wantMax || c.timeout != 5*time.Second || !cmp.Equal(got, tt.wantBackoff) {
			t.Errorf("parseDeliveryConfig(%v) = %d attempts, timeout %s, backoff %v; want %d, 5s, %v", tt.vars, c.maxAttempts, c.timeout, got, tt.wantMax, tt.wantBackoff)
		}
	}
}
