package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/authtoken"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1/authv1connect"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"github.com/twentyworkers/twenty/shared/rpc"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// count answers a COUNT(*) query's number.
func (w *wsHarness) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := w.deps.control.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestDeleteCurrentWorkspace(t *testing.T) {
	w := newWorkspaceHarness(t)
	ctx := context.Background()
	admin := w.onboard(t, "tim@apple.dev")
	other := w.onboard(t, "satya@microsoft.dev")
	wsID, otherID := admin.workspace.GetId(), other.workspace.GetId()
	hash := w.current(t, admin.access).GetInviteHash()
	grace := w.join(t, &authv1.SignUpInWorkspaceRequest{Email: "grace@apple.dev", Password: "hopper1906", WorkspaceInviteHash: hash})
	satyaInA := w.join(t, &authv1.SignUpInWorkspaceRequest{Email: "satya@microsoft.dev", Password: "correct horse", WorkspaceInviteHash: hash})
	if _, err := w.ws.SendInvitations(as(admin.access), &authv1.SendInvitationsRequest{Emails: []string{"ada@apple.dev"}}); err != nil {
		t.Fatal(err)
	}
	expires := timestamppb.New(w.clock.Now().Add(90 * 24 * time.Hour))
	key, err := w.client.CreateApiKey(as(admin.access), &authv1.CreateApiKeyRequest{Name: "Zapier", ExpiresAt: expires})
	if err != nil {
		t.Fatal(err)
	}
	keyToken, err := w.client.GenerateApiKeyToken(as(admin.access), &authv1.GenerateApiKeyTokenRequest{ApiKeyId: key.GetApiKey().GetId(), ExpiresAt: expires})
	if err != nil {
		t.Fatal(err)
	}
	queued := len(w.queue.Sent())

	// A member without the WORKSPACE permission may not.
	_, err = w.ws.DeleteCurrentWorkspace(as(grace), &authv1.DeleteCurrentWorkspaceRequest{})
	wantCode(t, "a member's DeleteCurrentWorkspace", err, connect.CodePermissionDenied, "User does not have permission")
	// Nor may a workspace be purged before it is deleted.
	_, err = w.ws.PurgeWorkspace(ctx, &authv1.PurgeWorkspaceRequest{WorkspaceId: wsID})
	wantCode(t, "PurgeWorkspace of a live workspace", err, connect.CodeFailedPrecondition, "Workspace is not being deleted")

	res, err := w.ws.DeleteCurrentWorkspace(as(admin.access), &authv1.DeleteCurrentWorkspaceRequest{})
	if err != nil {
		t.Fatalf("DeleteCurrentWorkspace: %v", err)
	}
	if res.GetWorkspace().GetWorkspace().GetId() != wsID || res.GetWorkspace().GetWorkspace().GetDisplayName() != "Apple Inc" ||
		res.GetWorkspace().GetWorkspace().GetActivationStatus() != "SUSPENDED" || res.GetDeletedAt() == nil {
		t.Errorf("DeleteCurrentWorkspace = %v", res)
	}
	// The sessions in the workspace (tim's, grace's, satya's), tim's workspace-agnostic session of
	// his sign-up (he is deleted) and the API key; satya's session in his own workspace stays.
	if n := len(res.GetRevokedTokenIds()); n != 5 || !slices.Contains(res.GetRevokedTokenIds(), key.GetApiKey().GetId()) {
		t.Errorf("revoked %v, want 4 sessions and the API key", res.GetRevokedTokenIds())
	}
	sent := w.queue.Sent()[queued:]
	if len(sent) != 1 {
		t.Fatalf("queued %d jobs, want the purge", len(sent))
	}
	if job, err := jobqueue.Decode(sent[0]); err != nil || job.GetType() != workspacePurgeJobType || job.GetWorkspaceId() != wsID {
		t.Errorf("queued %v (%v), want a workspace.purge of %s", job, err, wsID)
	}

	// Every token of the workspace stops at once.
	for name, token := range map[string]string{"admin": admin.access, "member": grace, "satya in A": satyaInA} {
		_, err := w.client.CurrentUser(as(token), &authv1.CurrentUserRequest{})
		wantCode(t, name+"'s token after the deletion", err, connect.CodeUnauthenticated, "Token has been revoked.")
	}
	if _, err := w.ws.GetCurrentWorkspace(as(keyToken.GetToken()), &authv1.GetCurrentWorkspaceRequest{}); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Errorf("API key after the deletion: %v, want Unauthenticated", err)
	}
	// One entry revoked them all (a workspace of any size costs one KV write): the workspace's own
	// sessions and key have no entry of their own, only the deleted members' sessions outside it do.
	if _, err := w.cache.Get(ctx, revokedKey(authtoken.WorkspaceRevocationID(wsID))); err != nil {
		t.Errorf("the workspace's revocation: %v", err)
	}
	ownEntries := 0
	for _, id := range res.GetRevokedTokenIds() {
		if _, err := w.cache.Get(ctx, revokedKey(id)); err == nil {
			ownEntries++
		}
	}
	if ownEntries != 1 {
		t.Errorf("tokens revoked one by one = %d, want 1 (tim's workspace-agnostic session)", ownEntries)
	}
	if _, err := w.client.RenewToken(ctx, &authv1.RenewTokenRequest{AppToken: admin.refresh}); err == nil {
		t.Error("the admin's refresh token still renews")
	}
	// The members who had no other workspace are gone; their email may sign up again.
	for _, email := range []string{"tim@apple.dev", "grace@apple.dev"} {
		if _, err := w.store().userByEmail(ctx, email); !errors.Is(err, errUserNotFound) {
			t.Errorf("user %s after the deletion: %v, want deleted", email, err)
		}
	}
	if _, err := w.client.SignUp(ctx, &authv1.SignUpRequest{Email: "tim@apple.dev", Password: "another horse"}); err != nil {
		t.Errorf("signing up again as tim: %v", err)
	}
	// satya keeps his user and his own workspace.
	if got := w.current(t, other.access); got.GetWorkspace().GetId() != otherID || got.GetWorkspaceMembersCount() != 1 {
		t.Errorf("the other workspace = %v", got)
	}
	for query, want := range map[string]int{
		`SELECT count(*) FROM user_workspaces WHERE workspace_id = ?`:                     0,
		`SELECT count(*) FROM workspace_invitations WHERE workspace_id = ?`:               0,
		`SELECT count(*) FROM refresh_tokens WHERE workspace_id = ?`:                      0,
		`SELECT count(*) FROM api_keys WHERE workspace_id = ? AND revoked_at IS NULL`:     0,
		`SELECT count(*) FROM workspaces WHERE id = ? AND purge_requested_at IS NOT NULL`: 1,
		`SELECT count(*) FROM workspaces WHERE id = ? AND deleted_at IS NOT NULL`:         1,
		`SELECT count(*) FROM roles WHERE workspace_id = ?`:                               2,
	} {
		if got := w.count(t, query, wsID); got != want {
			t.Errorf("%s = %d, want %d", query, got, want)
		}
	}
	if got := w.count(t, `SELECT count(*) FROM user_workspaces uw JOIN users u ON u.id = uw.user_id WHERE u.email = 'satya@microsoft.dev'`); got != 1 {
		t.Errorf("satya's memberships = %d, want his own workspace's", got)
	}

	// The purge removes the rest, and may run again; the other workspace is untouched.
	otherRows := w.count(t, `SELECT count(*) FROM roles WHERE workspace_id = ?`, otherID)
	for range 2 {
		if p, err := w.ws.PurgeWorkspace(ctx, &authv1.PurgeWorkspaceRequest{WorkspaceId: wsID}); err != nil || !p.GetDone() {
			t.Fatalf("PurgeWorkspace = %v, %v", p, err)
		}
	}
	for _, query := range []string{`SELECT count(*) FROM workspaces WHERE id = ?`, `SELECT count(*) FROM roles WHERE workspace_id = ?`,
		`SELECT count(*) FROM api_keys WHERE workspace_id = ?`, `SELECT count(*) FROM role_permission_flags WHERE workspace_id = ?`} {
		if got := w.count(t, query, wsID); got != 0 {
			t.Errorf("after the purge, %s = %d", query, got)
		}
	}
	if got := w.count(t, `SELECT count(*) FROM roles WHERE workspace_id = ?`, otherID); got != otherRows || got == 0 {
		t.Errorf("the other workspace's roles = %d, want %d", got, otherRows)
	}
	if got := w.current(t, other.access); got.GetWorkspace().GetId() != otherID {
		t.Errorf("the other workspace after the purge = %v", got)
	}
	_, err = w.ws.PurgeWorkspace(ctx, &authv1.PurgeWorkspaceRequest{WorkspaceId: otherID})
	wantCode(t, "PurgeWorkspace of the other, live workspace", err, connect.CodeFailedPrecondition, "Workspace is not being deleted")
}

// failingQueue refuses every message.
type failingQueue struct{}

func (failingQueue) Send(context.Context, []byte) error { return errors.New("queue unavailable") }

func TestDeleteCurrentWorkspaceQueueDown(t *testing.T) {
	w := newWorkspaceHarness(t)
	admin := w.onboard(t, "tim@apple.dev")
	d := w.deps
	d.members, d.jobs = w.members, failingQueue{}
	srv := httptest.NewServer(newHandler(d, nil))
	t.Cleanup(srv.Close)
	ws := authv1connect.NewWorkspaceServiceClient(srv.Client(), srv.URL, rpc.ClientOptions()...)
	// The deletion is answered: the workspace is marked, which the jobs Worker's sweep finds.
	if _, err := ws.DeleteCurrentWorkspace(as(admin.access), &authv1.DeleteCurrentWorkspaceRequest{}); err != nil {
		t.Fatalf("DeleteCurrentWorkspace with the queue down: %v", err)
	}
	if got := w.count(t, `SELECT count(*) FROM workspaces WHERE id = ? AND purge_requested_at IS NOT NULL`, admin.workspace.GetId()); got != 1 {
		t.Errorf("marked workspaces = %d, want 1", got)
	}
}
