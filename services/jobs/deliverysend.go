package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/jsonquote"
	"github.com/twentyworkers/twenty/shared/requestid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// This file makes one attempt of a delivery: the POST as Twenty's CallWebhookJob makes it, the
// attempt's record, and the retry's job. Each step is guarded by the delivery's row, so a job
// run twice (the queue delivers at least once) sends once after the delivery succeeded.

// A delivery's states, as stored.
const (
	statusPending   = "pending"
	statusSucceeded = "succeeded"
	statusRetrying  = "retrying"
	statusDead      = "dead"
)

// jobsQueueName is the work queue (services/jobs/wrangler.jsonc), named in dead letters.
const jobsQueueName = "twenty-jobs"

// deliveryRow is a row of webhook_deliveries.
type deliveryRow struct {
	id, workspaceID, webhookID, eventID, eventName string
	body                                           []byte
	status                                         string
	attempts, attemptLimit, lastStatusCode         int
	lastError, nextAttemptAt, createdAt, updatedAt string
}

// deliveryJob is a webhook.deliver job's payload: which attempt of which delivery to make.
type deliveryJob struct {
	DeliveryID string `json:"deliveryId"`
	Attempt    int    `json:"attempt"`
}

// errWebhookGone is an attempt of a delivery whose webhook was deleted: it is dead at once.
var errWebhookGone = errors.New("the webhook was deleted")

// handleJob runs a webhook.deliver job.
func (d *deliverer) handleJob(ctx context.Context, job *jobsv1.Job) error {
	var p deliveryJob
	if err := json.Unmarshal(job.GetPayload(), &p); err != nil || p.DeliveryID == "" || p.Attempt < 1 {
		return fmt.Errorf("webhook.deliver payload %q: %w", job.GetPayload(), errJobDead)
	}
	return d.attemptByID(ctx, job.GetWorkspaceId(), p.DeliveryID, p.Attempt)
}

const deliveryColumns = `id, workspace_id, webhook_id, event_id, event_name, body, status, attempts, attempt_limit,
  last_status_code, last_error, next_attempt_at, created_at, updated_at`

func scanDelivery(scan func(...any) error) (*deliveryRow, error) {
	r := &deliveryRow{}
	var body string
	err := scan(&r.id, &r.workspaceID, &r.webhookID, &r.eventID, &r.eventName, &body, &r.status, &r.attempts,
		&r.attemptLimit, &r.lastStatusCode, &r.lastError, &r.nextAttemptAt, &r.createdAt, &r.updatedAt)
	r.body = []byte(body)
	return r, err
}

// attemptByID makes attempt number attempt of the workspace's delivery id.
func (d *deliverer) attemptByID(ctx context.Context, workspaceID, id string, attempt int) error {
	r, err := scanDelivery(d.db.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE id = ? AND workspace_id = ?`, id, workspaceID).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		slog.WarnContext(ctx, "webhook delivery not found (pruned?)", "delivery_id", id, "workspace_id", workspaceID)
		return nil
	}
	if err != nil {
		return fmt.Errorf("read webhook delivery %s: %w", id, err)
	}
	return d.attempt(ctx, r, attempt)
}

// attempt makes attempt number attempt of r unless the row says it is not due: the delivery
// succeeded, or this attempt was made already (then its retry is queued again, in case the
// queueing failed), or the job is stale.
func (d *deliverer) attempt(ctx context.Context, r *deliveryRow, attempt int) error {
	switch {
	case r.status == statusSucceeded:
		return nil
	case r.status == statusDead:
		if r.attempts == attempt {
			return fmt.Errorf("webhook delivery %s: %w", r.id, errJobDead)
		}
		return nil
	case r.attempts == attempt && r.status == statusRetrying:
		return d.enqueueAttempt(ctx, r.workspaceID, r.id, attempt+1, d.cfg.backoff(attempt))
	case r.attempts != attempt-1:
		return nil
	}
	claimed, err := d.claim(ctx, r)
	if err != nil || !claimed {
		return err // another job is making this attempt: it sends, and records it
	}
	out := d.send(ctx, r)
	return d.record(ctx, r, attempt, out)
}

// claimLease is how long a job's claim on an attempt holds: longer than a POST may take, after
// which a job that claimed and did not record is taken for dead and the attempt may be made again.
const claimLease = time.Minute

// claim takes the lease of r's next attempt for this job; false when another job holds it (a live
// claim) or made the attempt meanwhile.
func (d *deliverer) claim(ctx context.Context, r *deliveryRow) (bool, error) {
	now := d.now().UTC()
	var id string
	err := d.db.QueryRowContext(ctx, `UPDATE webhook_deliveries SET claimed_at = ?
WHERE id = ? AND attempts = ? AND status IN ('pending', 'retrying') AND (claimed_at IS NULL OR claimed_at < ?) RETURNING id`,
		now.Format("2006-01-02T15:04:05.000Z"), r.id, r.attempts, now.Add(-claimLease).Format("2006-01-02T15:04:05.000Z")).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		slog.InfoContext(ctx, "webhook attempt claimed by another job", "delivery_id", r.id, "attempt", r.attempts+1)
		return false, nil
	case err != nil:
		return false, fmt.Errorf("claim attempt %d of webhook delivery %s: %w", r.attempts+1, r.id, err)
	}
	return true, nil
}

// outcome is what one POST came to.
type outcome struct {
	statusCode int
	latency    time.Duration
	err        error // nil for a 2xx
	final      bool  // no retry can help (webhook deleted, target refused)
}

// send POSTs r to its webhook's current target.
func (d *deliverer) send(ctx context.Context, r *deliveryRow) outcome {
	var target, secret string
	err := d.db.QueryRowContext(ctx, `SELECT target_url, secret FROM webhooks WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL`,
		r.webhookID, r.workspaceID).Scan(&target, &secret)
	if errors.Is(err, sql.ErrNoRows) {
		return outcome{err: errWebhookGone, final: true}
	}
	if err != nil {
		return outcome{err: fmt.Errorf("read the webhook: %w", err)}
	}
	target = absoluteURL(target)
	if err := d.targets.Check(target); err != nil {
		return outcome{err: err, final: true}
	}
	body := retarget(r.body, target)
	ctx, cancel := context.WithTimeout(ctx, d.cfg.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return outcome{err: fmt.Errorf("build the request: %w", err), final: true}
	}
	for k, v := range webhookHeaders(body, secret, d.now()) {
		req.Header.Set(k, v)
	}
	start := time.Now()
	res, err := d.client.Do(req)
	if err != nil {
		return outcome{latency: time.Since(start), err: sendError(ctx, err, d.cfg.timeout)}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10)) // the answer is not kept
	_ = res.Body.Close()
	out := outcome{statusCode: res.StatusCode, latency: time.Since(start)}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		out.err = fmt.Errorf("the target answered %d", res.StatusCode)
	}
	return out
}

// webhookHeaders are the POST's headers as CallWebhookJob sets them: JSON, and with a secret
// the time in milliseconds, the HMAC-SHA256 (hex) of "<timestamp>:<body>" and a random nonce.
func webhookHeaders(body []byte, secret string, now time.Time) map[string]string {
	h := map[string]string{"Content-Type": "application/json", "Accept": "application/json, text/plain, */*"}
	if secret == "" {
		return h
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + ":"))
	mac.Write(body)
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	h["X-Twenty-Webhook-Timestamp"] = ts
	h["X-Twenty-Webhook-Signature"] = hex.EncodeToString(mac.Sum(nil))
	h["X-Twenty-Webhook-Nonce"] = hex.EncodeToString(nonce[:])
	return h
}

// absoluteURL is Twenty's getAbsoluteUrl: a target without http(s):// is https.
func absoluteURL(u string) string {
	l := strings.ToLower(u)
	if strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") {
		return u
	}
	return "https://" + u
}

// retarget rewrites the body's targetUrl (its first field) when the webhook's target changed
// since the delivery was recorded: the POST goes to the current target and says so.
func retarget(body []byte, target string) []byte {
	var head struct {
		TargetURL string `json:"targetUrl"`
	}
	if json.Unmarshal(body, &head) != nil {
		return body
	}
	old := jsonquote.AppendJS([]byte(`{"targetUrl":`), head.TargetURL)
	if head.TargetURL == target || !bytes.HasPrefix(body, old) {
		return body
	}
	return append(jsonquote.AppendJS([]byte(`{"targetUrl":`), target), body[len(old):]...)
}

// sendError says why a POST got no answer without the URL (which may carry a token).
func sendError(ctx context.Context, err error, timeout time.Duration) error {
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("no answer within %s", timeout)
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Err // without the address dialled
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if inner := errors.Unwrap(err); inner != nil && strings.HasPrefix(err.Error(), "jsfetch:") {
		return inner // the fetch's own error, without the path jsfetch names
	}
	return err
}

// record stores the attempt and the delivery's new state in one batch, queues the retry, and
// answers errJobDead for a delivery now dead (its job is also kept as a dead letter).
func (d *deliverer) record(ctx context.Context, r *deliveryRow, attempt int, out outcome) error {
	status, next, errText := statusSucceeded, "", ""
	if out.err != nil {
		errText = out.err.Error()
		status = statusRetrying
		if out.final || attempt >= r.attemptLimit {
			status = statusDead
		} else {
			next = d.now().Add(d.cfg.backoff(attempt)).UTC().Format("2006-01-02T15:04:05.000Z")
		}
	}
	stmts := []d1.Stmt{
		{SQL: `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, workspace_id, webhook_id, event_id, event_name, status_code, latency_ms, error)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id, attempt) DO NOTHING`,
			Args: []any{r.id, attempt, r.workspaceID, r.webhookID, r.eventID, r.eventName, out.statusCode, out.latency.Milliseconds(), errText}},
		{SQL: `UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status_code = ?, last_error = ?, next_attempt_at = ?,
  claimed_at = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND attempts = ?`,
			Args: []any{status, attempt, out.statusCode, errText, next, r.id, attempt - 1}},
	}
	if status == statusDead {
		stmts = append(stmts, insertDeadLetter(d.attemptJob(ctx, r.workspaceID, r.id, attempt), jobsQueueName, attempt))
	}
	if _, err := d.db.Batch(ctx, stmts...); err != nil {
		return fmt.Errorf("record attempt %d of webhook delivery %s: %w", attempt, r.id, err)
	}
	attrs := []any{"delivery_id", r.id, "webhook_id", r.webhookID, "event", r.eventName, "attempt", attempt,
		"status", status, "status_code", out.statusCode, "latency_ms", out.latency.Milliseconds()}
	switch status {
	case statusSucceeded:
		slog.InfoContext(ctx, "webhook delivered", attrs...)
	case statusRetrying:
		slog.WarnContext(ctx, "webhook delivery failed", append(attrs, "error", errText)...)
		return d.enqueueAttempt(ctx, r.workspaceID, r.id, attempt+1, d.cfg.backoff(attempt))
	case statusDead:
		slog.ErrorContext(ctx, "webhook delivery dead", append(attrs, "error", errText)...)
		return fmt.Errorf("webhook delivery %s: %s: %w", r.id, errText, errJobDead)
	}
	return nil
}

// attemptJob is the webhook.deliver job of an attempt; its id names the delivery and attempt, so
// a retry queued twice is one job in the jobs log.
func (d *deliverer) attemptJob(ctx context.Context, workspaceID, id string, attempt int) *jobsv1.Job {
	payload, _ := json.Marshal(deliveryJob{DeliveryID: id, Attempt: attempt}) // cannot fail
	return &jobsv1.Job{
		Id: id + "." + strconv.Itoa(attempt), Type: deliveryJobType, WorkspaceId: workspaceID, Payload: payload,
		EnqueuedAt: timestamppb.New(d.now()), RequestId: requestid.FromContext(ctx),
	}
}

// enqueueAttempt queues attempt number attempt of a delivery, to run after delay.
func (d *deliverer) enqueueAttempt(ctx context.Context, workspaceID, id string, attempt int, delay time.Duration) error {
	body, err := proto.Marshal(d.attemptJob(ctx, workspaceID, id, attempt))
	if err != nil {
		return fmt.Errorf("encode webhook.deliver job: %w", err)
	}
	if err := d.queue.SendDelayed(ctx, body, delay); err != nil {
		return fmt.Errorf("queue attempt %d of webhook delivery %s: %w", attempt, id, err)
	}
	return nil
}
