package main

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/rpc"
	"github.com/twentyworkers/twenty/shared/webhookurl"
)

// webhookServer serves the WebhookService on the control database's webhooks table (migration
// 0006): Twenty's webhook.service.ts, with its validation (webhookinput.go). Every statement is
// scoped to the request's workspace, so another workspace's webhook is simply not found.
type webhookServer struct {
	jobsv1connect.UnimplementedWebhookServiceHandler
	db *d1.DB
	// listeners records each webhook as a listener of its workspace's record events on the
	// records Worker, which puts a write's events on the queue only while one exists.
	listeners eventListeners
	// targets is the policy a target URL must pass (WEBHOOK_ALLOW_LOOPBACK only in local stacks).
	targets webhookurl.Policy
	now     func() time.Time
}

// eventListeners is the records Worker's call that records who listens to a workspace's events.
type eventListeners interface {
	SetEventListener(context.Context, *recordsv1.SetEventListenerRequest) (*recordsv1.SetEventListenerResponse, error)
}

// setListener records webhook id as a listener of the workspace's events, or no longer. A
// webhook is set before it is stored and removed after it is deleted, so that no event it should
// get is left off the queue; a listener left behind (a creation that failed) only sends events
// to a queue that finds no webhook.
func (s *webhookServer) setListener(ctx context.Context, workspaceID, id string, listening bool) error {
	_, err := s.listeners.SetEventListener(ctx, &recordsv1.SetEventListenerRequest{
		WorkspaceId: workspaceID, Kind: recordsv1.EventListenerKind_EVENT_LISTENER_KIND_WEBHOOK, Key: id, Listening: listening})
	if err != nil {
		return fmt.Errorf("record webhook %s as an event listener: %w", id, err)
	}
	return nil
}

// mount serves the WebhookService on mux, its refusals made Connect errors by webhookRefusals.
func (s *webhookServer) mount(mux *http.ServeMux) {
	opts := append(rpc.HandlerOptions(), connect.WithInterceptors(webhookRefusals()))
	mux.Handle(jobsv1connect.NewWebhookServiceHandler(s, opts...))
}

// webhookColumns are read in this order by scanWebhook.
const webhookColumns = `id, target_url, operations, description, secret, application_id, created_at, updated_at, deleted_at`

// timeLayout is how the table stores time: RFC 3339 with milliseconds, UTC.
const timeLayout = "2006-01-02T15:04:05.000Z"

// ListWebhooks implements jobsv1connect.WebhookServiceHandler.
func (s *webhookServer) ListWebhooks(ctx context.Context, req *jobsv1.ListWebhooksRequest) (*jobsv1.ListWebhooksResponse, error) {
	if err := needWorkspace(req.GetWorkspaceId()); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks
		WHERE workspace_id = ? AND deleted_at IS NULL ORDER BY created_at, id`, req.GetWorkspaceId())
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	defer rows.Close()
	res := &jobsv1.ListWebhooksResponse{}
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, err
		}
		res.Webhooks = append(res.Webhooks, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return res, nil
}

// GetWebhook implements jobsv1connect.WebhookServiceHandler.
func (s *webhookServer) GetWebhook(ctx context.Context, req *jobsv1.GetWebhookRequest) (*jobsv1.GetWebhookResponse, error) {
	if err := needWorkspace(req.GetWorkspaceId()); err != nil {
		return nil, err
	}
	w, err := s.one(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL`,
		strings.ToLower(req.GetId()), req.GetWorkspaceId())
	if err != nil {
		return nil, err
	}
	return &jobsv1.GetWebhookResponse{Webhook: w}, nil
}

// CreateWebhook implements jobsv1connect.WebhookServiceHandler. A client-chosen id already taken
// is ALREADY_EXISTS.
func (s *webhookServer) CreateWebhook(ctx context.Context, req *jobsv1.CreateWebhookRequest) (*jobsv1.CreateWebhookResponse, error) {
	if err := needWorkspace(req.GetWorkspaceId()); err != nil {
		return nil, err
	}
	in, err := s.checkCreate(req)
	if err != nil {
		return nil, err
	}
	ops, err := json.Marshal(append([]string{}, in.operations...)) // never null: the column holds an array
	if err != nil {
		return nil, fmt.Errorf("encode operations: %w", err)
	}
	if err := s.setListener(ctx, req.GetWorkspaceId(), in.id, true); err != nil {
		return nil, err
	}
	now := s.now().UTC().Format(timeLayout)
	w, err := s.one(ctx, `INSERT INTO webhooks (id, workspace_id, target_url, operations, description, secret, application_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING `+webhookColumns,
		in.id, req.GetWorkspaceId(), in.targetURL, string(ops), in.description, in.secret, workspaceApplicationID(req.GetWorkspaceId()), now, now)
	if errors.Is(err, errWebhookNotFound) { // ON CONFLICT DO NOTHING returned no row
		return nil, refuse(connect.CodeAlreadyExists, webhookError(codeAlreadyExists, "A webhook with this id already exists",
			"A webhook with this configuration already exists."))
	}
	if err != nil {
		return nil, err
	}
	// The workspace is not part of the conflict target: RETURNING a row proves it is ours.
	return &jobsv1.CreateWebhookResponse{Webhook: w}, nil
}

// UpdateWebhook implements jobsv1connect.WebhookServiceHandler: each field present is changed.
func (s *webhookServer) UpdateWebhook(ctx context.Context, req *jobsv1.UpdateWebhookRequest) (*jobsv1.UpdateWebhookResponse, error) {
	if err := needWorkspace(req.GetWorkspaceId()); err != nil {
		return nil, err
	}
	sets, args, err := s.checkUpdate(req)
	if err != nil {
		return nil, err
	}
	sets = append(sets, "updated_at = ?")
	args = append(args, s.now().UTC().Format(timeLayout), strings.ToLower(req.GetId()), req.GetWorkspaceId())
	w, err := s.one(ctx, `UPDATE webhooks SET `+strings.Join(sets, ", ")+`
		WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL RETURNING `+webhookColumns, args...)
	if err != nil {
		return nil, err
	}
	return &jobsv1.UpdateWebhookResponse{Webhook: w}, nil
}

// DeleteWebhook implements jobsv1connect.WebhookServiceHandler: the row stays, with deleted_at
// set, and no longer lists, matches events or receives deliveries.
func (s *webhookServer) DeleteWebhook(ctx context.Context, req *jobsv1.DeleteWebhookRequest) (*jobsv1.DeleteWebhookResponse, error) {
	if err := needWorkspace(req.GetWorkspaceId()); err != nil {
		return nil, err
	}
	now := s.now().UTC().Format(timeLayout)
	w, err := s.one(ctx, `UPDATE webhooks SET deleted_at = ?, updated_at = ?
		WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL RETURNING `+webhookColumns,
		now, now, strings.ToLower(req.GetId()), req.GetWorkspaceId())
	if err != nil {
		return nil, err
	}
	if err := s.setListener(ctx, req.GetWorkspaceId(), w.GetId(), false); err != nil {
		// Deleted all the same: the records Worker only goes on queueing its workspace's events.
		slog.WarnContext(ctx, "deleted webhook still recorded as an event listener", "webhook_id", w.GetId(), "error", err.Error())
	}
	return &jobsv1.DeleteWebhookResponse{Webhook: w}, nil
}

// one runs a statement answering at most one webhook row; none is WEBHOOK_NOT_FOUND.
func (s *webhookServer) one(ctx context.Context, query string, args ...any) (*jobsv1.Webhook, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("webhook statement: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("webhook statement: %w", err)
		}
		return nil, errWebhookNotFound
	}
	return scanWebhook(rows)
}

func scanWebhook(rows *sql.Rows) (*jobsv1.Webhook, error) {
	var w jobsv1.Webhook
	var ops string
	var description, deletedAt sql.NullString
	if err := rows.Scan(&w.Id, &w.TargetUrl, &ops, &description, &w.Secret, &w.ApplicationId, &w.CreatedAt, &w.UpdatedAt, &deletedAt); err != nil {
		return nil, fmt.Errorf("scan a webhook: %w", err)
	}
	if err := json.Unmarshal([]byte(ops), &w.Operations); err != nil {
		return nil, fmt.Errorf("webhook %s operations: %w", w.Id, err)
	}
	if description.Valid {
		w.Description = &description.String
	}
	w.DeletedAt = deletedAt.String
	return &w, nil
}

// newSecret is a webhook's signing secret when its creator gives none: Twenty's
// generateWebhookSecret, 32 random bytes in hex.
func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// workspaceApplicationID is the id of the workspace's custom application, which Twenty makes the
// owner of webhooks created through its API. There are no applications here, so it is a name-based
// UUID (version 5 layout) of the workspace id: stable, distinct per workspace, a valid UUID!.
func workspaceApplicationID(workspaceID string) string {
	sum := sha1.Sum([]byte("twenty-workspace-custom-application:" + workspaceID))
	sum[6] = sum[6]&0x0f | 0x50
	sum[8] = sum[8]&0x3f | 0x80
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
