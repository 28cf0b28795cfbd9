package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"google.golang.org/protobuf/encoding/protojson"
)

// handlerFunc runs one job. An error asks for a retry; after the queue's max_retries the job goes
// to the dead-letter queue.
type handlerFunc func(ctx context.Context, job *jobsv1.Job) error

// errJobDead, wrapped in a handler's error, says that its job can never succeed (a webhook
// delivery after its last attempt): the job is dead-lettered at once instead of retried.
var errJobDead = errors.New("job is dead")

// errDiagnostic is what the diagnostic.fail job always returns.
var errDiagnostic = errors.New("diagnostic job failed on purpose")

// builtinHandlers are the job types every installation handles. The diagnostic types let an
// operator (and the end-to-end tests) check the whole queue path: success, retries, dead letters.
// events are the record events' subscribers.
func builtinHandlers(events *eventFanout) map[string]handlerFunc {
	return map[string]handlerFunc{
		"diagnostic.ok":   func(context.Context, *jobsv1.Job) error { return nil },
		"diagnostic.fail": func(context.Context, *jobsv1.Job) error { return errDiagnostic },
		eventJobType:      events.handle,
	}
}

// consumer handles batches from the jobs queue and from its dead-letter queue.
type consumer struct {
	db       *d1.DB
	handlers map[string]handlerFunc
	// retryBase is the first retry's delay; each later attempt doubles it, up to maxRetryDelay.
	retryBase time.Duration
	// unrecorded counts the jobs this isolate ran without recording a run (unrecordedOnSuccess),
	// by workspace and type, for the development routes.
	unrecorded unrecordedRuns
}

// unrecordedOnSuccess are the job types whose first attempt, when it succeeds, leaves no job_runs
// row: a record event's job, one per write. Its outcome is recorded where it matters (webhook
// deliveries, the timeline, a workflow's run), and a row per mutation would make the per-event
// bookkeeping the control database's largest write load (docs/capacity.md). A failed or retried
// attempt is recorded as any job's.
var unrecordedOnSuccess = map[string]bool{eventJobType: true}

// unrecordedRuns counts runs not recorded, by workspace and type. It is bounded: an isolate that
// served more than maxUnrecordedKeys workspaces' jobs starts afresh (the counts serve the
// development routes only).
type unrecordedRuns struct {
	mu sync.Mutex
	n  map[[2]string]int
}

const maxUnrecordedKeys = 10000

func (u *unrecordedRuns) add(workspaceID, jobType string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.n == nil || len(u.n) >= maxUnrecordedKeys {
		u.n = map[[2]string]int{}
	}
	u.n[[2]string{workspaceID, jobType}]++
}

func (u *unrecordedRuns) count(workspaceID, jobType string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.n[[2]string{workspaceID, jobType}]
}

const maxRetryDelay = 5 * time.Minute

// isDeadLetterQueue tells the dead-letter queue ("<queue>-dlq") from a work queue.
func isDeadLetterQueue(name string) bool { return strings.HasSuffix(name, "-dlq") }

// handleBatch implements cfworker.Handlers.Queue: every message is acked or retried on its own.
// The messages of a batch run concurrently: a job spends its time waiting on D1, service
// bindings and webhook receivers, so one message's wait no longer delays the others.
func (c *consumer) handleBatch(ctx context.Context, b *cfworker.Batch) {
	var wg sync.WaitGroup
	for _, m := range b.Messages {
		wg.Go(func() {
			if isDeadLetterQueue(b.Queue) {
				c.bury(ctx, b.Queue, m)
			} else {
				c.run(ctx, m)
			}
		})
	}
	wg.Wait()
}

// run executes one job and records its outcome.
func (c *consumer) run(ctx context.Context, m *cfworker.Message) {
	job, err := jobqueue.Decode(m.Body)
	if err != nil {
		c.deadOnArrival(ctx, m, undecodable(m), err)
		return
	}
	handle, ok := c.handlers[job.GetType()]
	if !ok {
		c.deadOnArrival(ctx, m, job, fmt.Errorf("no handler for job type %q", job.GetType()))
		return
	}
	runErr := handle(ctx, job)
	if errors.Is(runErr, errJobDead) {
		c.deadOnArrival(ctx, m, job, runErr)
		return
	}
	if runErr == nil && m.Attempts <= 1 && unrecordedOnSuccess[job.GetType()] {
		c.unrecorded.add(job.GetWorkspaceId(), job.GetType())
		m.Ack()
		return
	}
	status, lastError := "succeeded", ""
	if runErr != nil {
		status, lastError = "retrying", runErr.Error()
	}
	if err := c.record(ctx, recordRun(job, status, m.Attempts, lastError)); err != nil {
		slog.ErrorContext(ctx, "record job run", "job_id", job.GetId(), "error", err.Error())
	}
	if runErr != nil {
		slog.WarnContext(ctx, "job failed", "job_id", job.GetId(), "type", job.GetType(), "attempts", m.Attempts, "error", runErr.Error())
		m.Retry(c.backoff(m.Attempts))
		return
	}
	m.Ack()
}

// backoff is the delay before the retry that follows attempt number attempts (1-based).
func (c *consumer) backoff(attempts int) time.Duration {
	d := c.retryBase
	for i := 1; i < attempts && d < maxRetryDelay; i++ {
		d *= 2
	}
	return min(d, maxRetryDelay)
}

// undecodable stands for a message whose body is not a job: it keeps the raw body, keyed by the
// message id.
func undecodable(m *cfworker.Message) *jobsv1.Job {
	return &jobsv1.Job{Id: m.ID, Type: "undecodable", Payload: m.Body}
}

// deadOnArrival records a job that can never succeed (undecodable, unknown type) as a dead letter
// at once instead of retrying it.
func (c *consumer) deadOnArrival(ctx context.Context, m *cfworker.Message, job *jobsv1.Job, cause error) {
	slog.ErrorContext(ctx, "job cannot run", "job_id", job.GetId(), "type", job.GetType(), "error", cause.Error())
	err := c.record(ctx,
		insertDeadLetter(job, "", m.Attempts),
		d1.Stmt{SQL: upsertRunSQL, Args: []any{job.GetId(), job.GetType(), job.GetWorkspaceId(), "dead", m.Attempts, cause.Error(), job.GetRequestId()}})
	if err != nil {
		slog.ErrorContext(ctx, "record dead letter", "job_id", job.GetId(), "error", err.Error())
		m.Retry(c.retryBase)
		return
	}
	m.Ack()
}

// bury records a job that exhausted its retries. Both writes go in one batch, so a job is never
// half buried; redelivery is harmless (the dead letter is keyed by job id).
func (c *consumer) bury(ctx context.Context, queue string, m *cfworker.Message) {
	job, err := jobqueue.Decode(m.Body)
	if err != nil {
		c.deadOnArrival(ctx, m, undecodable(m), err)
		return
	}
	slog.ErrorContext(ctx, "job dead-lettered", "job_id", job.GetId(), "type", job.GetType(), "queue", queue)
	err = c.record(ctx,
		insertDeadLetter(job, strings.TrimSuffix(queue, "-dlq"), m.Attempts),
		d1.Stmt{SQL: `UPDATE job_runs SET status = 'dead', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`, Args: []any{job.GetId()}})
	if err != nil {
		slog.ErrorContext(ctx, "record dead letter", "job_id", job.GetId(), "error", err.Error())
		m.Retry(c.retryBase)
		return
	}
	m.Ack()
}

const upsertRunSQL = `INSERT INTO job_runs (id, type, workspace_id, status, attempts, last_error, request_id)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
  last_error = excluded.last_error, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`

func recordRun(job *jobsv1.Job, status string, attempts int, lastError string) d1.Stmt {
	return d1.Stmt{SQL: upsertRunSQL, Args: []any{job.GetId(), job.GetType(), job.GetWorkspaceId(), status, attempts, lastError, job.GetRequestId()}}
}

// insertDeadLetter keeps the whole job as protobuf JSON (payload base64), keyed by its id. Its
// attempts are those recorded for the job's runs (a dead-letter delivery counts its own from 1).
func insertDeadLetter(job *jobsv1.Job, queue string, attempts int) d1.Stmt {
	return d1.Stmt{
		SQL: `INSERT INTO dead_letters (id, queue, type, workspace_id, job_json, attempts)
VALUES (?, ?, ?, ?, ?, COALESCE((SELECT attempts FROM job_runs WHERE id = ?), ?)) ON CONFLICT (id) DO NOTHING`,
		Args: []any{job.GetId(), queue, job.GetType(), job.GetWorkspaceId(), protojson.Format(job), job.GetId(), attempts},
	}
}

func (c *consumer) record(ctx context.Context, stmts ...d1.Stmt) error {
	_, err := c.db.Batch(ctx, stmts...)
	return err
}

// prune is the jobs Worker's cron task: it drops succeeded runs after a week, and dead letters
// and the webhook delivery log after 30 days, in one batch.
func (c *consumer) prune(ctx context.Context, _ cfworker.ScheduledEvent) error {
	_, err := c.db.Batch(ctx,
		d1.Stmt{SQL: `DELETE FROM job_runs WHERE status = 'succeeded' AND updated_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-7 days')`},
		d1.Stmt{SQL: `DELETE FROM dead_letters WHERE received_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days')`},
		// The webhook delivery log keeps 30 days (deliverylog.go); a delivery still retrying stays.
		d1.Stmt{SQL: `DELETE FROM webhook_delivery_attempts WHERE attempted_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days')`},
		d1.Stmt{SQL: `DELETE FROM webhook_deliveries WHERE status IN ('succeeded', 'dead') AND updated_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days')`},
	)
	if err != nil {
		return fmt.Errorf("prune job history: %w", err)
	}
	return nil
}
