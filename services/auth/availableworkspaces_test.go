package main

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
)

// TestCurrentUserAvailableWorkspaces: asked for them, CurrentUser answers the workspaces the user
// is a member of (with its logo and a login token that enters it) and those it has a live
// invitation to, as Twenty's User.availableWorkspaces; not asked, none.
func TestCurrentUserAvailableWorkspaces(t *testing.T) {
	h := newHarness(t)
	tim := h.onboard(t, "tim@apple.dev")
	jane := h.onboard(t, "jane@other.dev")
	bob := h.onboard(t, "bob@third.dev")
	ctx := as(tim.access)
	if _, err := h.client.SetWorkspaceLogo(ctx, &authv1.SetWorkspaceLogoRequest{LogoFileId: "logo-1"}); err != nil {
		t.Fatal(err)
	}
	later, earlier := formatTime(h.clock.Now().Add(time.Hour)), formatTime(h.clock.Now().Add(-time.Hour))
	for _, inv := range []struct{ id, ws, expires string }{
		{"i-live", jane.workspace.GetId(), later},
		{"i-expired", bob.workspace.GetId(), earlier},
		{"i-member", tim.workspace.GetId(), later}, // a workspace tim is in already
	} {
		if _, err := h.deps.control.ExecContext(context.Background(), `INSERT INTO workspace_invitations (id, workspace_id, email, token_sha256, expires_at)
VALUES (?, ?, 'Tim@Apple.dev', ?, ?)`, inv.id, inv.ws, "sha-"+inv.id, inv.expires); err != nil {
			t.Fatal(err)
		}
	}

	plain, err := h.client.CurrentUser(ctx, &authv1.CurrentUserRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(plain.GetUser().GetAvailableWorkspacesForSignIn()) + len(plain.GetUser().GetAvailableWorkspacesForSignUp()); n != 0 {
		t.Errorf("%d available workspaces not asked for", n)
	}

	res, err := h.client.CurrentUser(ctx, &authv1.CurrentUserRequest{WithAvailableWorkspaces: true})
	if err != nil {
		t.Fatal(err)
	}
	u := res.GetUser()
	signIn := u.GetAvailableWorkspacesForSignIn()
	if len(signIn) != 1 {
		t.Fatalf("sign-in workspaces = %v", signIn)
	}
	login := signIn[0].GetLoginToken().GetToken()
	want := &authv1.User{
		AvailableWorkspacesForSignIn: []*authv1.AvailableWorkspace{{Id: tim.workspace.GetId(), DisplayName: "Apple Inc", Subdomain: tim.workspace.GetSubdomain(), LogoFileId: "logo-1"}},
		AvailableWorkspacesForSignUp: []*authv1.AvailableWorkspace{{Id: jane.workspace.GetId(), DisplayName: "Apple Inc", Subdomain: jane.workspace.GetSubdomain()}},
	}
	got := &authv1.User{AvailableWorkspacesForSignIn: signIn, AvailableWorkspacesForSignUp: u.GetAvailableWorkspacesForSignUp()}
	if diff := cmp.Diff(want, got, protocmp.Transform(), protocmp.IgnoreFields(&authv1.AvailableWorkspace{}, "login_token")); diff != "" {
		t.Errorf("available workspaces (-want +got):\n%s", diff)
	}
	if u.GetAvailableWorkspacesForSignUp()[0].GetLoginToken() != nil {
		t.Error("a sign-up workspace has a login token")
	}
	// The login token enters the workspace.
	tokens, err := h.client.GetAuthTokensFromLoginToken(context.Background(), &authv1.GetAuthTokensFromLoginTokenRequest{LoginToken: login})
	if err != nil {
		t.Fatalf("GetAuthTokensFromLoginToken: %v", err)
	}
	me, err := h.client.CurrentUser(as(tokens.GetTokens().GetAccessOrWorkspaceAgnosticToken().GetToken()), &authv1.CurrentUserRequest{})
	if err != nil || me.GetUser().GetCurrentWorkspace().GetId() != tim.workspace.GetId() {
		t.Errorf("entered %v, %v; want %s", me.GetUser().GetCurrentWorkspace().GetId(), err, tim.workspace.GetId())
	}
}

// TestSignUpAvailableWorkspaces: a user signing up is answered the workspaces its email is invited
// to (Twenty's signUp availableWorkspaces, for sign-up), with their logos.
func TestSignUpAvailableWorkspaces(t *testing.T) {
	h := newHarness(t)
	tim := h.onboard(t, "tim@apple.dev")
	if _, err := h.client.SetWorkspaceLogo(as(tim.access), &authv1.SetWorkspaceLogoRequest{LogoFileId: "logo-1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.deps.control.ExecContext(context.Background(), `INSERT INTO workspace_invitations (id, workspace_id, email, token_sha256, expires_at)
VALUES ('i-1', ?, 'new@apple.dev', 'sha-1', ?)`, tim.workspace.GetId(), formatTime(h.clock.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		email string
		want  []*authv1.AvailableWorkspace
	}{
		{"new@apple.dev", []*authv1.AvailableWorkspace{{Id: tim.workspace.GetId(), DisplayName: "Apple Inc", Subdomain: tim.workspace.GetSubdomain(), LogoFileId: "logo-1"}}},
		{"stranger@apple.dev", nil},
	} {
		up, err := h.client.SignUp(context.Background(), &authv1.SignUpRequest{Email: tc.email, Password: "correct horse"})
		if err != nil {
			t.Fatalf("SignUp(%s): %v", tc.email, err)
		}
		if diff := cmp.Diff(tc.want, up.GetAvailableWorkspaces(), protocmp.Transform()); diff != "" {
			t.Errorf("%s: available workspaces (-want +got):\n%s", tc.email, diff)
		}
	}
}
