package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/jsonquote"
)

// This file turns record events into webhook deliveries, as Twenty's CallWebhookJobsJob and
// transformEventBatchToWebhookEvents do (engine/metadata-modules/webhook): every event of a batch
// goes to every live webhook of the workspace whose operations match the event name, one
// delivery each. deliverysend.go POSTs them; deliverylog.go serves their log.

// deliveryJobType is the job of one attempt of one delivery; its payload is a deliveryJob.
const deliveryJobType = "webhook.deliver"

// webhookActions are the actions whose batches Twenty sends to webhooks (EntityEventsToDbListener:
// created, updated, deleted, restored, destroyed; an upsert emits created or updated).
var webhookActions = map[string]bool{"created": true, "updated": true, "deleted": true, "restored": true, "destroyed": true}

// wildcardExcluded are the events only an exact operation matches (Twenty's
// WILDCARD_EXCLUDED_EVENT_NAMES: workflow runs update too often for "*.updated").
var wildcardExcluded = map[string]bool{"workflowRun.updated": true}

// operationsToMatch are the webhook operations that subscribe to event "<object>.<action>".
func operationsToMatch(event string) []string {
	object, action, _ := strings.Cut(event, ".")
	if wildcardExcluded[event] {
		return []string{event}
	}
	return []string{event, "*." + action, object + ".*", "*.*"}
}

// subscribes reports whether a webhook with operations ops receives event.
func subscribes(ops []string, event string) bool {
	for _, op := range operationsToMatch(event) {
		if slices.Contains(ops, op) {
			return true
		}
	}
	return false
}

// deliveryConfig is the retry schedule, from the jobs Worker's vars.
type deliveryConfig struct {
	// maxAttempts is how many attempts a delivery gets before it is dead (WEBHOOK_MAX_ATTEMPTS, 5).
	maxAttempts int
	// retryBase is the delay before the first retry, doubled for each later one
	// (WEBHOOK_RETRY_BASE_SECONDS, 30 s), up to maxRetryBackoff.
	retryBase time.Duration
	// timeout bounds one POST (Twenty's 5 s).
	timeout time.Duration
	// inline is how many deliveries of a batch get their first attempt inside the event handler,
	// for latency (Twenty's chunk of 20); the rest go to the queue.
	inline int
}

const maxRetryBackoff = time.Hour

func parseDeliveryConfig(get func(string) string) deliveryConfig {
	c := deliveryConfig{maxAttempts: 5, retryBase: 30 * time.Second, timeout: 5 * time.Second, inline: 20}
	if n, err := strconv.Atoi(get("WEBHOOK_MAX_ATTEMPTS")); err == nil && n >= 1 && n <= 20 {
		c.maxAttempts = n
	}
	if n, err := strconv.Atoi(get("WEBHOOK_RETRY_BASE_SECONDS")); err == nil && n >= 1 && n <= 3600 {
		c.retryBase = time.Duration(n) * time.Second
	}
	return c
}

// backoff is the delay before the attempt that follows attempt number attempt (1-based).
func (c deliveryConfig) backoff(attempt int) time.Duration {
	d := c.retryBase
	for i := 1; i < attempt && d < maxRetryBackoff; i++ {
		d *= 2
	}
	return min(d, maxRetryBackoff)
}

// delayedSender puts a message on the jobs queue, delivered after delay (a Queues producer's send
// with delaySeconds).
type delayedSender interface {
	SendDelayed(ctx context.Context, body []byte, delay time.Duration) error
}

// targetChecker re-checks a webhook's URL at send time (webhookurl.Policy).
type targetChecker interface {
	Check(raw string) error
}

// httpDoer sends the POST: an *http.Client over fetch on workerd, over the network natively.
type httpDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// deliverer is the webhook subscriber, the webhook.deliver job handler and the delivery log's store.
type deliverer struct {
	db      *d1.DB
	queue   delayedSender
	client  httpDoer
	targets targetChecker
	cfg     deliveryConfig
	now     func() time.Time
}

// webhook is what delivery reads of a row of the webhooks table.
type webhook struct {
	id, targetURL, secret string
	operations            []string
}

// liveWebhooks answers the workspace's webhooks that are not deleted.
func (d *deliverer) liveWebhooks(ctx context.Context, workspaceID string) ([]webhook, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, target_url, operations, secret FROM webhooks WHERE workspace_id = ? AND deleted_at IS NULL ORDER BY id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("read webhooks: %w", err)
	}
	defer rows.Close()
	var out []webhook
	for rows.Next() {
		var w webhook
		var ops string
		if err := rows.Scan(&w.id, &w.targetURL, &ops, &w.secret); err != nil {
			return nil, fmt.Errorf("read webhooks: %w", err)
		}
		if err := json.Unmarshal([]byte(ops), &w.operations); err != nil {
			slog.WarnContext(ctx, "webhook with unreadable operations", "webhook_id", w.id, "error", err.Error())
			continue
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// deliveryID derives a delivery's id from its event and webhook (a name-based UUID in the
// webhook's namespace), so that the same event relayed again makes the same delivery.
func deliveryID(eventID, webhookID string) string { return ids.NameUUID(webhookID, eventID) }

// eventID names an event for its deliveries: its id, or for a producer that sent none, its
// batch's name and date with the record.
func eventID(b *jobsv1.DatabaseEventBatch, e *jobsv1.DatabaseEvent) string {
	if e.GetId() != "" {
		return e.GetId()
	}
	return b.GetName() + "/" + b.GetEventDate() + "/" + e.GetRecordId()
}

// handleEvents implements eventSubscriber: it records one delivery per event and matching
// webhook, idempotently, then makes the first attempt of each (of the first cfg.inline ones here,
// of the others through the queue).
func (d *deliverer) handleEvents(ctx context.Context, b *jobsv1.DatabaseEventBatch) error {
	object, action, _ := strings.Cut(b.GetName(), ".")
	if !webhookActions[action] || object == "timelineActivity" || len(b.GetEvents()) == 0 {
		return nil
	}
	all, err := d.liveWebhooks(ctx, b.GetWorkspaceId())
	if err != nil {
		return err
	}
	var hooks []webhook
	for _, w := range all {
		if subscribes(w.operations, b.GetName()) {
			hooks = append(hooks, w)
		}
	}
	if len(hooks) == 0 {
		return nil
	}
	var rows []*deliveryRow
	for _, w := range hooks {
		for _, e := range b.GetEvents() {
			rows = append(rows, &deliveryRow{
				id: deliveryID(eventID(b, e), w.id), workspaceID: b.GetWorkspaceId(), webhookID: w.id,
				eventID: eventID(b, e), eventName: b.GetName(), body: webhookBody(b, e, w, d.now),
				status: statusPending, attemptLimit: d.cfg.maxAttempts,
			})
		}
	}
	if err := d.insertDeliveries(ctx, rows); err != nil {
		return err
	}
	return d.firstAttempts(ctx, rows)
}

// insertDeliveries records new deliveries (a delivery already recorded is kept as it is), a
// chunk of statements per D1 batch.
func (d *deliverer) insertDeliveries(ctx context.Context, rows []*deliveryRow) error {
	const chunk = 50
	for start := 0; start < len(rows); start += chunk {
		var stmts []d1.Stmt
		for _, r := range rows[start:min(start+chunk, len(rows))] {
			stmts = append(stmts, d1.Stmt{
				SQL: `INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, event_id, event_name, body, status, attempt_limit)
VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (id) DO NOTHING`,
				Args: []any{r.id, r.workspaceID, r.webhookID, r.eventID, r.eventName, string(r.body), r.attemptLimit},
			})
		}
		if _, err := d.db.Batch(ctx, stmts...); err != nil {
			return fmt.Errorf("record webhook deliveries: %w", err)
		}
	}
	return nil
}

// firstAttempts runs attempt 1 of each delivery: a delivery recorded by an earlier relay of the
// batch is read back and skipped when it was already attempted. At most 6 POSTs run at once
// (a Worker's limit of simultaneous outgoing connections).
func (d *deliverer) firstAttempts(ctx context.Context, rows []*deliveryRow) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, 6)
	)
	for i, r := range rows {
		if i >= d.cfg.inline {
			if err := d.enqueueAttempt(ctx, r.workspaceID, r.id, 1, 0); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			err := d.attemptByID(ctx, r.workspaceID, r.id, 1)
			if err != nil && !errors.Is(err, errJobDead) {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// webhookBody is the POST's body, byte for byte what Twenty's CallWebhookJob sends
// (JSON.stringify of the job data without its secret): targetUrl, eventName,
// objectMetadata{id, nameSingular}, workspaceId, webhookId, eventDate, userId and
// workspaceMemberId when the actor is a user, the record (after, else before, else {}), and
// updatedFields on an update. The record's JSON is the records Worker's, as it is.
func webhookBody(b *jobsv1.DatabaseEventBatch, e *jobsv1.DatabaseEvent, w webhook, now func() time.Time) []byte {
	date := b.GetEventDate()
	if date == "" {
		date = now().UTC().Format("2006-01-02T15:04:05.000Z")
	}
	out := make([]byte, 0, 256+len(e.GetAfterJson())+len(e.GetBeforeJson()))
	field := func(name string) { out = append(append(append(out, '"'), name...), '"', ':') }
	str := func(name, v string) {
		field(name)
		out = jsonquote.AppendJS(out, v)
		out = append(out, ',')
	}
	out = append(out, '{')
	str("targetUrl", w.targetURL)
	str("eventName", b.GetName())
	field("objectMetadata")
	out = append(out, '{')
	str("id", b.GetObjectMetadataId())
	str("nameSingular", b.GetObjectNameSingular())
	out[len(out)-1] = '}'
	out = append(out, ',')
	str("workspaceId", b.GetWorkspaceId())
	str("webhookId", w.id)
	str("eventDate", date)
	if e.GetUserId() != "" {
		str("userId", e.GetUserId())
	}
	if e.GetWorkspaceMemberId() != "" {
		str("workspaceMemberId", e.GetWorkspaceMemberId())
	}
	field("record")
	out = append(out, eventRecord(e)...)
	if strings.HasSuffix(b.GetName(), ".updated") {
		out = append(out, ',')
		field("updatedFields")
		out = append(out, '[')
		for i, f := range e.GetUpdatedFields() {
			if i > 0 {
				out = append(out, ',')
			}
			out = jsonquote.AppendJS(out, f)
		}
		out = append(out, ']')
	}
	return append(out, '}')
}

// eventRecord is the record a webhook shows: after when the event has it, else before, else {}.
func eventRecord(e *jobsv1.DatabaseEvent) []byte {
	for _, r := range [][]byte{e.GetAfterJson(), e.GetBeforeJson()} {
		if t := strings.TrimSpace(string(r)); t != "" && t != "null" {
			return []byte(t)
		}
	}
	return []byte("{}")
}
