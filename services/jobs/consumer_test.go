package main

import (
	"context"
	"errors"
	"google.golang.org/protobuf/proto"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"github.com/twentyworkers/twenty/shared/queue/queuemem"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

// delivery is a queue delivery whose decision the test reads back.
type delivery struct {
	msg      *cfworker.Message
	decision string
}

func deliver(id string, attempts int, body []byte) *delivery {
	d := &delivery{}
	d.msg = cfworker.NewMessage(id, attempts, time.Now(), body,
		func() { d.decision = "ack" },
		func(delay time.Duration) { d.decision = "retry " + delay.String() })
	return d
}

func encode(t *testing.T, job *jobsv1.Job) []byte {
	t.Helper()
	q := queuemem.New()
	if _, err := jobqueue.Enqueue(context.Background(), q, job); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	return q.Sent()[0]
}

type runRow struct {
	Status    string
	Attempts  int
	LastError string
}

func readRun(t *testing.T, db *d1.DB, id string) runRow {
	t.Helper()
	var r runRow
	if err := db.QueryRow(`SELECT status, attempts, last_error FROM job_runs WHERE id = ?`, id).Scan(&r.Status, &r.Attempts, &r.LastError); err != nil {
		t.Fatalf("read job_runs %s: %v", id, err)
	}
	return r
}

func newConsumer(t *testing.T) *consumer {
	return &consumer{db: sqltest.Open(t), handlers: builtinHandlers(&eventFanout{}), retryBase: time.Second}
}

func TestRunRecordsOutcomeAndDecides(t *testing.T) {
	tests := []struct {
		name     string
		jobType  string
		attempts int
		decision string
		run      runRow
	}{
		{"success is acked", "diagnostic.ok", 1, "ack", runRow{"succeeded", 1, ""}},
		{"failure is retried with backoff", "diagnostic.fail", 1, "retry 1s", runRow{"retrying", 1, errDiagnostic.Error()}},
		{"later failures back off more", "diagnostic.fail", 3, "retry 4s", runRow{"retrying", 3, errDiagnostic.Error()}},
		{"unknown type is dead at once", "no.such.type", 1, "ack", runRow{"dead", 1, `no handler for job type "no.such.type"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newConsumer(t)
			job := &jobsv1.Job{Id: "job-1", Type: tt.jobType}
			d := deliver("msg-1", tt.attempts, encode(t, job))
			c.handleBatch(context.Background(), &cfworker.Batch{Queue: "twenty-jobs", Messages: []*cfworker.Message{d.msg}})
			if d.decision != tt.decision {
				t.Errorf("decision = %q, want %q", d.decision, tt.decision)
			}
			if diff := cmp.Diff(tt.run, readRun(t, c.db, "job-1")); diff != "" {
				t.Errorf("job_runs mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBackoffIsCapped(t *testing.T) {
	c := &consumer{retryBase: time.Second}
	got := []time.Duration{c.backoff(1), c.backoff(2), c.backoff(5), c.backoff(40)}
	want := []time.Duration{time.Second, 2 * time.Second, 16 * time.Second, maxRetryDelay}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("backoff mismatch (-want +got):\n%s", diff)
	}
}

func TestDeadLetterQueueBuriesOnce(t *testing.T) {
	c := newConsumer(t)
	ctx := context.Background()
	body := encode(t, &jobsv1.Job{Id: "job-9", Type: "diagnostic.fail", WorkspaceId: "ws-1"})
	for attempt := 1; attempt <= 3; attempt++ {
		c.handleBatch(ctx, &cfworker.Batch{Queue: "twenty-jobs", Messages: []*cfworker.Message{deliver("m", attempt, body).msg}})
	}
	// The dead-letter queue may deliver twice; the job is buried once.
	for range 2 {
		d := deliver("m", 1, body)
		c.handleBatch(ctx, &cfworker.Batch{Queue: "twenty-jobs-dlq", Messages: []*cfworker.Message{d.msg}})
		if d.decision != "ack" {
			t.Fatalf("dead-letter decision = %q, want ack", d.decision)
		}
	}
	var queue, jobType, workspace string
	var attempts, count int
	if err := c.db.QueryRow(`SELECT queue, type, workspace_id, attempts, (SELECT count(*) FROM dead_letters) FROM dead_letters WHERE id = 'job-9'`).
		Scan(&queue, &jobType, &workspace, &attempts, &count); err != nil {
		t.Fatalf("read dead letter: %v", err)
	}
	got := []any{queue, jobType, workspace, attempts, count, readRun(t, c.db, "job-9").Status}
	want := []any{"twenty-jobs", "diagnostic.fail", "ws-1", 3, 1, "dead"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dead letter mismatch (-want +got):\n%s", diff)
	}
}

func TestUndecodableMessageIsDeadLettered(t *testing.T) {
	c := newConsumer(t)
	d := deliver("msg-x", 1, []byte("\xff not a job"))
	c.handleBatch(context.Background(), &cfworker.Batch{Queue: "twenty-jobs", Messages: []*cfworker.Message{d.msg}})
	if d.decision != "ack" {
		t.Errorf("decision = %q, want ack (retrying cannot help)", d.decision)
	}
	var jobType string
	if err := c.db.QueryRow(`SELECT type FROM dead_letters WHERE id = 'msg-x'`).Scan(&jobType); err != nil || jobType != "undecodable" {
		t.Errorf("dead letter type = %q, %v; want undecodable", jobType, err)
	}
}

func TestStorageFailureRetries(t *testing.T) {
	c := newConsumer(t)
	c.db.Close() // every write now fails
	d := deliver("msg-1", 1, encode(t, &jobsv1.Job{Id: "j", Type: "no.such.type"}))
	c.handleBatch(context.Background(), &cfworker.Batch{Queue: "twenty-jobs", Messages: []*cfworker.Message{d.msg}})
	if d.decision != "retry 1s" {
		t.Errorf("decision = %q, want a retry: a dead letter that was not recorded must not be acked", d.decision)
	}
}

func TestPruneKeepsRecentAndFailed(t *testing.T) {
	c := newConsumer(t)
	ctx := context.Background()
	_, err := c.db.Batch(ctx,
		d1.Stmt{SQL: `INSERT INTO job_runs (id, type, status, attempts, updated_at) VALUES
			('old-ok', 't', 'succeeded', 1, '2020-01-01T00:00:00.000Z'),
			('new-ok', 't', 'succeeded', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
			('old-dead', 't', 'dead', 3, '2020-01-01T00:00:00.000Z')`},
		d1.Stmt{SQL: `INSERT INTO dead_letters (id, queue, type, job_json, attempts, received_at) VALUES
			('old-dl', 'q', 't', '{}', 3, '2020-01-01T00:00:00.000Z'),
			('new-dl', 'q', 't', '{}', 3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`},
	)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	if err := c.prune(ctx, cfworker.ScheduledEvent{}); err != nil {
		t.Fatalf("prune: %v", err)
	}
	var left []string
	rows, err := c.db.Query(`SELECT id FROM job_runs UNION ALL SELECT id FROM dead_letters ORDER BY 1`)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		left = append(left, id)
	}
	if diff := cmp.Diff([]string{"new-dl", "new-ok", "old-dead"}, left); diff != "" {
		t.Errorf("rows left after prune (-want +got):\n%s", diff)
	}
}

// failingSubscriber fails every batch while fail is set.
type failingSubscriber struct{ fail bool }

func (s *failingSubscriber) handleEvents(context.Context, *jobsv1.DatabaseEventBatch) error {
	if s.fail {
		return errors.New("subscriber down")
	}
	return nil
}

// TestRecordEventJobsRecordOnlyWhatWentWrong: a record event's job that succeeds at its first
// attempt leaves no job_runs row (the development routes still count it); one that fails is
// recorded as retrying, and its later success as succeeded.
func TestRecordEventJobsRecordOnlyWhatWentWrong(t *testing.T) {
	sub := &failingSubscriber{}
	c := &consumer{db: sqltest.Open(t), handlers: builtinHandlers(&eventFanout{subscribers: map[string]eventSubscriber{"s": sub}}), retryBase: time.Second}
	ctx := context.Background()
	runs := func() int {
		var n int
		if err := c.db.QueryRow(`SELECT count(*) FROM job_runs`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	payload, err := proto.Marshal(&jobsv1.DatabaseEventBatch{Name: "person.created", WorkspaceId: "ws-1"})
	if err != nil {
		t.Fatal(err)
	}
	ok := deliver("m-1", 1, encode(t, &jobsv1.Job{Id: "job-ok", Type: eventJobType, WorkspaceId: "ws-1", Payload: payload}))
	c.handleBatch(ctx, &cfworker.Batch{Queue: "twenty-jobs", Messages: []*cfworker.Message{ok.msg}})
	if ok.decision != "ack" || runs() != 0 || c.unrecorded.count("ws-1", eventJobType) != 1 {
		t.Errorf("first-attempt success: decision %q, %d job_runs rows, %d counted; want ack, 0, 1", ok.decision, runs(), c.unrecorded.count("ws-1", eventJobType))
	}
	sub.fail = true
	body := encode(t, &jobsv1.Job{Id: "job-retry", Type: eventJobType, WorkspaceId: "ws-1", Payload: payload})
	failed := deliver("m-2", 1, body)
	c.handleBatch(ctx, &cfworker.Batch{Queue: "twenty-jobs", Messages: []*cfworker.Message{failed.msg}})
	if failed.decision != "retry 1s" || readRun(t, c.db, "job-retry").Status != "retrying" {
		t.Errorf("failure: decision %q, run %+v; want a retry recorded", failed.decision, readRun(t, c.db, "job-retry"))
	}
	sub.fail = false
	retried := deliver("m-2", 2, body)
	c.handleBatch(ctx, &cfworker.Batch{Queue: "twenty-jobs", Messages: []*cfworker.Message{retried.msg}})
	if diff := cmp.Diff(runRow{"succeeded", 2, ""}, readRun(t, c.db, "job-retry")); retried.decision != "ack" || diff != "" {
		t.Errorf("retried success: decision %q, run (-want +got):\n%s", retried.decision, diff)
	}
}
