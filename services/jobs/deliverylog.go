package main

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"net/http"

	"connectrpc.com/connect"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// This file serves the delivery log (twenty.jobs.v1.WebhookDeliveryService): a webhook's
// deliveries with their attempts, and the replay of dead ones. Every query is scoped by the
// request's workspace, so another workspace's webhook or delivery is not found.

// Refusals of the delivery log; deliveryConnectError maps them to Connect codes.
var (
	errNoSuchWebhook    = errors.New("webhook not found")
	errDeliveryNotFound = errors.New("webhook delivery not found")
	errDeliveryInput    = errors.New("invalid webhook delivery request")
)

// Page sizes of ListWebhookDeliveries, and the most deliveries one replay takes (the bound
// parameters of a D1 statement are limited to 100).
const (
	defaultDeliveryPage = 20
	maxDeliveryPage     = 50
	maxReplay           = 50
)

var statusNames = map[jobsv1.WebhookDeliveryStatus]string{
	jobsv1.WebhookDeliveryStatus_WEBHOOK_DELIVERY_STATUS_PENDING:   statusPending,
	jobsv1.WebhookDeliveryStatus_WEBHOOK_DELIVERY_STATUS_SUCCEEDED: statusSucceeded,
	jobsv1.WebhookDeliveryStatus_WEBHOOK_DELIVERY_STATUS_RETRYING:  statusRetrying,
	jobsv1.WebhookDeliveryStatus_WEBHOOK_DELIVERY_STATUS_DEAD:      statusDead,
}

func statusOf(s string) jobsv1.WebhookDeliveryStatus {
	for k, v := range statusNames {
		if v == s {
			return k
		}
	}
	return jobsv1.WebhookDeliveryStatus_WEBHOOK_DELIVERY_STATUS_UNSPECIFIED
}

// deliveryLog implements jobsv1connect.WebhookDeliveryServiceHandler over a deliverer's store.
type deliveryLog struct {
	jobsv1connect.UnimplementedWebhookDeliveryServiceHandler
	d *deliverer
}

// mount serves the delivery log's RPCs on the jobs Worker's mux.
func (d *deliverer) mount(mux *http.ServeMux) {
	mux.Handle(jobsv1connect.NewWebhookDeliveryServiceHandler(&deliveryLog{d: d}, rpc.HandlerOptions()...))
}

// deliveryConnectError is the one place the log's errors become Connect codes; storage errors
// stay internal (shared/rpc masks them).
func deliveryConnectError(err error) error {
	switch {
	case errors.Is(err, errNoSuchWebhook), errors.Is(err, errDeliveryNotFound):
		return connect.NewError(connect.CodeNotFound, err)
	case errors.Is(err, errDeliveryInput):
		return connect.NewError(connect.CodeInvalidArgument, err)
	}
	return err
}

// checkWebhook answers errNoSuchWebhook unless the workspace has a live webhook id.
func (d *deliverer) checkWebhook(ctx context.Context, workspaceID, id string) error {
	if workspaceID == "" || id == "" {
		return fmt.Errorf("%w: workspace and webhook are required", errDeliveryInput)
	}
	var one int
	err := d.db.QueryRowContext(ctx, `SELECT 1 FROM webhooks WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL`, id, workspaceID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return errNoSuchWebhook
	}
	if err != nil {
		return fmt.Errorf("read webhook: %w", err)
	}
	return nil
}

// ListWebhookDeliveries implements jobsv1connect.WebhookDeliveryServiceHandler.
func (l *deliveryLog) ListWebhookDeliveries(ctx context.Context, req *jobsv1.ListWebhookDeliveriesRequest) (*jobsv1.ListWebhookDeliveriesResponse, error) {
	res, err := l.d.list(ctx, req)
	if err != nil {
		return nil, deliveryConnectError(err)
	}
	return res, nil
}

func (d *deliverer) list(ctx context.Context, req *jobsv1.ListWebhookDeliveriesRequest) (*jobsv1.ListWebhookDeliveriesResponse, error) {
	if err := d.checkWebhook(ctx, req.GetWorkspaceId(), req.GetWebhookId()); err != nil {
		return nil, err
	}
	limit := int(req.GetLimit())
	switch {
	case limit == 0:
		limit = defaultDeliveryPage
	case limit < 0 || limit > maxDeliveryPage:
		return nil, fmt.Errorf("%w: limit must be between 1 and %d", errDeliveryInput, maxDeliveryPage)
	}
	where := `workspace_id = ? AND webhook_id = ?`
	args := []any{req.GetWorkspaceId(), req.GetWebhookId()}
	if s := req.GetStatus(); s != jobsv1.WebhookDeliveryStatus_WEBHOOK_DELIVERY_STATUS_UNSPECIFIED {
		name, ok := statusNames[s]
		if !ok {
			return nil, fmt.Errorf("%w: unknown status %d", errDeliveryInput, s)
		}
		where += ` AND status = ?`
		args = append(args, name)
	}
	res := &jobsv1.ListWebhookDeliveriesResponse{}
	if err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE `+where, args...).Scan(&res.TotalCount); err != nil {
		return nil, fmt.Errorf("count webhook deliveries: %w", err)
	}
	if req.GetAfter() != "" {
		created, id, ok := decodeDeliveryCursor(req.GetAfter())
		if !ok {
			return nil, fmt.Errorf("%w: invalid cursor", errDeliveryInput)
		}
		where += ` AND (created_at, id) < (?, ?)`
		args = append(args, created, id)
	}
	rows, err := d.queryDeliveries(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE `+where+
		` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, err
	}
	if len(rows) > limit {
		rows, res.HasNextPage = rows[:limit], true
	}
	if res.Deliveries, err = d.withAttempts(ctx, rows); err != nil {
		return nil, err
	}
	for i, r := range rows {
		res.Deliveries[i].Cursor = base64.RawURLEncoding.EncodeToString([]byte(r.createdAt + "|" + r.id))
		res.EndCursor = res.Deliveries[i].Cursor
	}
	return res, nil
}

func decodeDeliveryCursor(c string) (createdAt, id string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(b), "|")
}

func (d *deliverer) queryDeliveries(ctx context.Context, query string, args ...any) ([]*deliveryRow, error) {
	rs, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read webhook deliveries: %w", err)
	}
	defer rs.Close()
	var out []*deliveryRow
	for rs.Next() {
		r, err := scanDelivery(rs.Scan)
		if err != nil {
			return nil, fmt.Errorf("read webhook deliveries: %w", err)
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// withAttempts answers rows as messages, each with its attempts, read in one query.
func (d *deliverer) withAttempts(ctx context.Context, rows []*deliveryRow) ([]*jobsv1.WebhookDelivery, error) {
	out := make([]*jobsv1.WebhookDelivery, len(rows))
	byID := map[string]*jobsv1.WebhookDelivery{}
	ids := make([]any, len(rows))
	for i, r := range rows {
		out[i] = &jobsv1.WebhookDelivery{
			Id: r.id, WebhookId: r.webhookID, EventId: r.eventID, EventName: r.eventName, Status: statusOf(r.status),
			Attempts: int32(r.attempts), LastStatusCode: int32(r.lastStatusCode), LastError: r.lastError,
			CreatedAt: r.createdAt, UpdatedAt: r.updatedAt, NextAttemptAt: r.nextAttemptAt,
		}
		byID[r.id], ids[i] = out[i], r.id
	}
	if len(rows) == 0 {
		return out, nil
	}
	rs, err := d.db.QueryContext(ctx, `SELECT delivery_id, attempt, status_code, latency_ms, error, attempted_at
FROM webhook_delivery_attempts WHERE delivery_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) ORDER BY delivery_id, attempt`, ids...)
	if err != nil {
		return nil, fmt.Errorf("read webhook delivery attempts: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var id string
		a := &jobsv1.WebhookDeliveryAttempt{}
		if err := rs.Scan(&id, &a.Attempt, &a.StatusCode, &a.LatencyMs, &a.Error, &a.AttemptedAt); err != nil {
			return nil, fmt.Errorf("read webhook delivery attempts: %w", err)
		}
		if m := byID[id]; m != nil {
			m.AttemptLog = append(m.AttemptLog, a)
		}
	}
	return out, rs.Err()
}

// ReplayWebhookDeliveries implements jobsv1connect.WebhookDeliveryServiceHandler.
func (l *deliveryLog) ReplayWebhookDeliveries(ctx context.Context, req *jobsv1.ReplayWebhookDeliveriesRequest) (*jobsv1.ReplayWebhookDeliveriesResponse, error) {
	res, err := l.d.replay(ctx, req.GetWorkspaceId(), req.GetWebhookId(), req.GetDeliveryIds())
	if err != nil {
		return nil, deliveryConnectError(err)
	}
	return &jobsv1.ReplayWebhookDeliveriesResponse{Deliveries: res}, nil
}

// replay makes dead deliveries pending again, with a whole retry schedule after their attempts
// so far, and queues their next attempt. The UPDATE takes only dead rows, so two replays racing
// queue one attempt; the attempt's own guard (deliverysend.go) sends it once.
func (d *deliverer) replay(ctx context.Context, workspaceID, webhookID string, ids []string) ([]*jobsv1.WebhookDelivery, error) {
	if err := d.checkWebhook(ctx, workspaceID, webhookID); err != nil {
		return nil, err
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) > maxReplay {
		return nil, fmt.Errorf("%w: at most %d deliveries at once", errDeliveryInput, maxReplay)
	}
	scope, args := `workspace_id = ? AND webhook_id = ?`, []any{workspaceID, webhookID}
	if len(ids) > 0 {
		scope += ` AND id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
		var n int
		if err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE `+scope, args...).Scan(&n); err != nil {
			return nil, fmt.Errorf("read webhook deliveries: %w", err)
		}
		if n != len(ids) {
			return nil, errDeliveryNotFound
		}
	}
	rows, err := d.queryDeliveries(ctx, `UPDATE webhook_deliveries SET status = 'pending', attempt_limit = attempts + ?,
  next_attempt_at = '', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE id IN (SELECT id FROM webhook_deliveries WHERE `+scope+` AND status = 'dead' ORDER BY created_at LIMIT ?)
RETURNING `+deliveryColumns, append(append([]any{d.cfg.maxAttempts}, args...), maxReplay)...)
	if err != nil {
		return nil, err
	}
	var queued []*deliveryRow
	var errs []error
	for _, r := range rows {
		if err := d.enqueueAttempt(ctx, r.workspaceID, r.id, r.attempts+1, 0); err != nil {
			errs = append(errs, err)
			// Dead again, so that a later replay takes it.
			_, _ = d.db.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'dead' WHERE id = ? AND status = 'pending' AND attempts = ?`, r.id, r.attempts)
			continue
		}
		queued = append(queued, r)
	}
	if len(errs) > 0 && len(queued) == 0 {
		return nil, errors.Join(errs...)
	}
	return d.withAttempts(ctx, queued)
}
