package main

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/d1"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Deleting a workspace (Twenty's deleteCurrentWorkspace, WorkspaceService.deleteWorkspace) is done
// in two parts. At once, in one batch: the workspace is marked deleted (purge_requested_at,
// migration 0017), its memberships, invitations and refresh tokens go, its API keys are revoked,
// and its members who belong to no other workspace are deleted (Twenty deletes their user; here
// the row goes, so the email may sign up again, as Twenty's unique index skips deleted users).
// Before that batch one KV entry revokes every token of the workspace (its sessions, API keys
// and login tokens, however many: authtoken.WorkspaceRevocationID, which the gateway and auth read
// beside each token's own id), and the deleted members' sessions outside it are revoked one by
// one, so the workspace's tokens are refused from then on. Then a workspace.purge job (the jobs Worker's
// workspacepurge.go) removes the files, the records and the metadata, and last calls
// PurgeWorkspace here, which deletes the workspace's row with what still refers to it. The jobs
// Worker's sweep enqueues the job again while a marked workspace is left, so a queue that refused
// the job loses nothing.

// workspacePurgeJobType is the job that purges a deleted workspace (the jobs Worker's).
const workspacePurgeJobType = "workspace.purge"

var errWorkspaceNotMarked = &authError{connect.CodeFailedPrecondition, "Workspace is not being deleted"}

// DeleteCurrentWorkspace implements authv1connect.WorkspaceServiceHandler. The caller's role must
// have the WORKSPACE settings permission (the gateway answers Twenty's error before calling; this
// checks it again).
func (s *workspaceServer) DeleteCurrentWorkspace(ctx context.Context, _ *authv1.DeleteCurrentWorkspaceRequest) (*authv1.DeleteCurrentWorkspaceResponse, error) {
	c, err := s.member(ctx)
	if err != nil {
		return nil, toConnect(err)
	}
	if err := s.mayDeleteWorkspace(ctx, c); err != nil {
		return nil, toConnect(err)
	}
	ws, err := s.store.workspaceSettings(ctx, c.WorkspaceID)
	if err != nil {
		return nil, toConnect(err)
	}
	now := s.now()
	tokens, err := s.store.workspaceTokens(ctx, c.WorkspaceID, now)
	if err != nil {
		return nil, err
	}
	// KV first, as RevokeApiKey does: a deletion that fails after this leaves tokens refused and
	// the workspace in place for a retry, never a deleted workspace whose tokens still work. One
	// entry revokes every token of the workspace, for good (an API key may live for years), however
	// many there are; only the sessions outside it of the members deleted with it go one by one.
	if err := s.revokeWorkspace(ctx, c.WorkspaceID); err != nil {
		return nil, err
	}
	outside := make([]revocable, 0, len(tokens))
	for _, t := range tokens {
		if !t.inWorkspace {
			outside = append(outside, t)
		}
	}
	if err := s.revokeAll(ctx, outside); err != nil {
		return nil, err
	}
	revoked := make([]string, len(tokens))
	for i, t := range tokens {
		revoked[i] = t.id
	}
	if err := s.store.markWorkspaceDeleted(ctx, c.WorkspaceID, now); err != nil {
		return nil, toConnect(err)
	}
	slog.InfoContext(ctx, "workspace deleted", "workspace_id", c.WorkspaceID, "tokens_revoked", len(revoked))
	s.enqueuePurge(ctx, c.WorkspaceID)
	// Twenty suspends the workspace, then answers it as it loads it for the deletion.
	ws.ActivationStatus = "SUSPENDED"
	return &authv1.DeleteCurrentWorkspaceResponse{Workspace: settingsProto(ws), RevokedTokenIds: revoked, DeletedAt: timestamppb.New(now)}, nil
}

// revocationWriters bounds the KV writes of a deletion in flight at once: a workspace of many
// members has many sessions, and one write after another would make the request wait on each.
const revocationWriters = 8

// revokeAll records every token id revoked in KV, revocationWriters at a time, and answers the
// first failure after all writes ended.
func (s *workspaceServer) revokeAll(ctx context.Context, tokens []revocable) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	slots := make(chan struct{}, revocationWriters)
	for _, t := range tokens {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			if err := s.revoke(ctx, t.id, t.until); err != nil {
				mu.Lock()
				first = cmp.Or(first, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return first
}

// enqueuePurge puts the workspace's purge on the jobs queue. A failure is logged, not answered:
// the workspace is marked, and the jobs Worker's sweep enqueues the purge of every marked one.
func (s *workspaceServer) enqueuePurge(ctx context.Context, workspaceID string) {
	if s.jobs == nil {
		return
	}
	if _, err := jobqueue.Enqueue(ctx, s.jobs, &jobsv1.Job{Type: workspacePurgeJobType, WorkspaceId: workspaceID}); err != nil {
		slog.WarnContext(ctx, "workspace purge not enqueued; the sweep will", "workspace_id", workspaceID, "error", err.Error())
	}
}

// mayDeleteWorkspace answers errSettingsOnly unless the caller's role (a member's, or an API
// key's) has the WORKSPACE settings permission.
func (s *workspaceServer) mayDeleteWorkspace(ctx context.Context, c *authtoken.Claims) error {
	var role string
	if c.Type == authtoken.TypeAPIKey {
		k, err := s.store.apiKey(ctx, c.WorkspaceID, c.ID)
		if err != nil {
			return err
		}
		role = k.RoleID
	} else {
		m, err := s.store.membership(ctx, c.UserID, c.WorkspaceID)
		if err != nil {
			return err
		}
		role = m.RoleID
	}
	if role == "" {
		return errSettingsOnly
	}
	ok, err := s.store.roleMaySet(ctx, role, "WORKSPACE")
	if err != nil {
		return err
	}
	if !ok {
		return errSettingsOnly
	}
	return nil
}

// PurgeWorkspace implements authv1connect.WorkspaceServiceHandler. It is reached only through the
// jobs Worker's service binding, and only touches a workspace DeleteCurrentWorkspace marked.
func (s *workspaceServer) PurgeWorkspace(ctx context.Context, req *authv1.PurgeWorkspaceRequest) (*authv1.PurgeWorkspaceResponse, error) {
	if !ids.IsUUID(req.GetWorkspaceId()) {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("workspace_id must be a UUID"))
	}
	if err := s.store.purgeWorkspace(ctx, req.GetWorkspaceId()); err != nil {
		return nil, toConnect(err)
	}
	return &authv1.PurgeWorkspaceResponse{Done: true}, nil
}

// revocable is a token id to revoke in KV and how long its tokens may live; inWorkspace says that
// its tokens carry the deleted workspace, so the workspace's own revocation covers them.
type revocable struct {
	id          string
	until       time.Time
	inWorkspace bool
}

// revokeWorkspace records every token of the workspace revoked (authtoken.WorkspaceRevocationID),
// with no expiry.
func (s *workspaceServer) revokeWorkspace(ctx context.Context, workspaceID string) error {
	if err := s.revocations.Put(ctx, revokedKey(authtoken.WorkspaceRevocationID(workspaceID)), []byte(formatTime(s.now())), 0); err != nil {
		return fmt.Errorf("record the workspace's revocation: %w", err)
	}
	return nil
}

// orphanMembersSQL selects the members of the workspace (the 1st argument, twice) who belong to
// no other workspace.
const orphanMembersSQL = `SELECT uw.user_id FROM user_workspaces uw WHERE uw.workspace_id = ?
  AND NOT EXISTS (SELECT 1 FROM user_workspaces o WHERE o.user_id = uw.user_id AND o.workspace_id <> ?)`

// workspaceTokens answers what to revoke when the workspace goes: the live sessions in it, every
// session of its members who belong to no other workspace (they are deleted), and its API keys.
func (s *store) workspaceTokens(ctx context.Context, workspaceID string, now time.Time) ([]revocable, error) {
	inside, err := s.liveSessions(ctx, `workspace_id = ?`, workspaceID)
	if err != nil {
		return nil, err
	}
	outside, err := s.liveSessions(ctx, `COALESCE(workspace_id, '') <> ? AND user_id IN (`+orphanMembersSQL+`)`, workspaceID, workspaceID, workspaceID)
	if err != nil {
		return nil, err
	}
	out := make([]revocable, 0, len(inside)+len(outside))
	for _, id := range inside {
		out = append(out, revocable{id: id, until: now.Add(authtoken.TypeAccess.DefaultTTL()), inWorkspace: true})
	}
	for _, id := range outside {
		out = append(out, revocable{id: id, until: now.Add(authtoken.TypeAccess.DefaultTTL())})
	}
	keys, err := s.apiKeys(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.RevokedAt.IsZero() && k.ExpiresAt.After(now) {
			out = append(out, revocable{id: k.ID, until: k.ExpiresAt, inWorkspace: true})
		}
	}
	return out, nil
}

// markWorkspaceDeleted does the immediate part of a deletion in one batch; the workspace must be
// live (errWorkspaceNotFound otherwise, nothing changed).
func (s *store) markWorkspaceDeleted(ctx context.Context, workspaceID string, now time.Time) error {
	at := formatTime(now)
	// Each statement after the first acts only when the first marked the workspace now.
	const marked = ` AND (SELECT purge_requested_at FROM workspaces WHERE id = ?) = ?`
	ws := []any{workspaceID, workspaceID, at}
	res, err := s.db.Batch(ctx,
		d1.Stmt{SQL: `UPDATE workspaces SET deleted_at = ?, purge_requested_at = ?, activation_status = 'SUSPENDED', updated_at = ?
WHERE id = ? AND deleted_at IS NULL RETURNING id`, Args: []any{at, at, at, workspaceID}},
		d1.Stmt{SQL: `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?), updated_at = ? WHERE workspace_id = ?` + marked, Args: append([]any{at, at}, ws...)},
		d1.Stmt{SQL: `DELETE FROM refresh_tokens WHERE workspace_id = ?` + marked, Args: ws},
		d1.Stmt{SQL: `DELETE FROM workspace_invitations WHERE workspace_id = ?` + marked, Args: ws},
		// Their memberships, refresh tokens and own navigation items go with them (ON DELETE CASCADE).
		d1.Stmt{SQL: `DELETE FROM users WHERE id IN (` + orphanMembersSQL + `)` + marked, Args: []any{workspaceID, workspaceID, workspaceID, at}},
		d1.Stmt{SQL: `DELETE FROM user_workspaces WHERE workspace_id = ?` + marked, Args: ws},
	)
	if err != nil {
		return fmt.Errorf("mark workspace %s deleted: %w", workspaceID, err)
	}
	if len(res[0].Rows) == 0 {
		return errWorkspaceNotFound // not live: nothing changed
	}
	return nil
}

// purgeWorkspace deletes what auth still holds of a marked workspace, then the workspace row,
// whose deletion takes every row that refers to it with ON DELETE CASCADE (roles and their
// permissions, the shard assignment, metadata the records Worker left). A workspace already gone
// is purged; one that is not marked answers errWorkspaceNotMarked.
func (s *store) purgeWorkspace(ctx context.Context, workspaceID string) error {
	var marked sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT purge_requested_at FROM workspaces WHERE id = ?`, workspaceID).Scan(&marked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("read workspace %s: %w", workspaceID, err)
	case !marked.Valid:
		return errWorkspaceNotMarked
	}
	where := []any{workspaceID}
	_, err = s.db.Batch(ctx,
		d1.Stmt{SQL: `DELETE FROM navigation_menu_item WHERE workspace_id = ?`, Args: where},
		d1.Stmt{SQL: `DELETE FROM user_workspaces WHERE workspace_id = ?`, Args: where},
		d1.Stmt{SQL: `DELETE FROM api_keys WHERE workspace_id = ?`, Args: where},
		d1.Stmt{SQL: `DELETE FROM refresh_tokens WHERE workspace_id = ?`, Args: where},
		d1.Stmt{SQL: `DELETE FROM workspace_invitations WHERE workspace_id = ?`, Args: where},
		d1.Stmt{SQL: `DELETE FROM login_throttle WHERE key = ?`, Args: []any{"invitations/workspace:" + workspaceID}},
		d1.Stmt{SQL: `DELETE FROM roles WHERE workspace_id = ?`, Args: where},
		d1.Stmt{SQL: `DELETE FROM workspaces WHERE id = ? AND purge_requested_at IS NOT NULL`, Args: where},
	)
	if err != nil {
		return fmt.Errorf("purge workspace %s: %w", workspaceID, err)
	}
	return nil
}
