package main

import (
	"context"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func TestSetWorkspaceLogo(t *testing.T) {
	h := newHarness(t)
	u := h.onboard(t, "tim@apple.dev")
	ctx := as(u.access)
	type step struct{ logo, replaced string }
	var got []step
	for _, id := range []string{"file-1", "file-2", "file-2"} {
		res, err := h.client.SetWorkspaceLogo(ctx, &authv1.SetWorkspaceLogoRequest{LogoFileId: id})
		if err != nil {
			t.Fatalf("SetWorkspaceLogo(%s): %v", id, err)
		}
		got = append(got, step{res.GetWorkspace().GetLogoFileId(), res.GetReplacedLogoFileId()})
	}
	want := []step{{"file-1", ""}, {"file-2", "file-1"}, {"file-2", ""}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(step{})); diff != "" {
		t.Errorf("logos and what they replaced (-want +got):\n%s", diff)
	}
	me, err := h.client.CurrentUser(ctx, &authv1.CurrentUserRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if logo := me.GetUser().GetCurrentWorkspace().GetLogoFileId(); logo != "file-2" {
		t.Errorf("currentWorkspace logo = %q, want file-2", logo)
	}

	_, err = h.client.SetWorkspaceLogo(ctx, &authv1.SetWorkspaceLogoRequest{LogoFileId: " "})
	wantCode(t, "empty logo id", err, connect.CodeInvalidArgument, "A logo file id is required")
	_, err = h.client.SetWorkspaceLogo(context.Background(), &authv1.SetWorkspaceLogoRequest{LogoFileId: "file-3"})
	wantCode(t, "no token", err, connect.CodeUnauthenticated, "Missing authentication token")

	// A member whose role may not update the settings is refused, and the logo stays.
	if _, err := h.deps.control.ExecContext(context.Background(), `UPDATE user_workspaces SET role_id =
(SELECT id FROM roles WHERE workspace_id = user_workspaces.workspace_id AND standard_id = 'member')`); err != nil {
		t.Fatal(err)
	}
	_, err = h.client.SetWorkspaceLogo(ctx, &authv1.SetWorkspaceLogoRequest{LogoFileId: "file-3"})
	wantCode(t, "member", err, connect.CodePermissionDenied, "User does not have permission")
	me, _ = h.client.CurrentUser(ctx, &authv1.CurrentUserRequest{})
	if logo := me.GetUser().GetCurrentWorkspace().GetLogoFileId(); logo != "file-2" {
		t.Errorf("logo after a refused change = %q, want file-2", logo)
	}
}

// TestSetWorkspaceLogoByAPIKey: an API key whose role may update all settings or has the WORKSPACE
// flag sets the logo, as Twenty's SettingsPermissionGuard(WORKSPACE) lets it; a key of another
// role is refused and the logo stays. A member whose custom role has WORKSPACE sets it too.
func TestSetWorkspaceLogoByAPIKey(t *testing.T) {
	h := newHarness(t)
	u := h.onboard(t, "tim@apple.dev")
	admin := as(u.access)
	ws := u.workspace.GetId()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := h.deps.control.ExecContext(context.Background(), q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO roles (id, workspace_id, label) VALUES ('branding', ?, 'Branding'), ('sales', ?, 'Sales')`, ws, ws)
	exec(`INSERT INTO role_permission_flags (id, workspace_id, role_id, flag) VALUES ('f1', ?, 'branding', 'WORKSPACE'), ('f2', ?, 'sales', 'WORKFLOWS')`, ws, ws)
	var memberRole string
	if err := h.deps.control.QueryRowContext(context.Background(), `SELECT id FROM roles WHERE workspace_id = ? AND standard_id = 'member'`, ws).Scan(&memberRole); err != nil {
		t.Fatal(err)
	}
	expires := timestamppb.New(h.clock.Now().Add(24 * time.Hour))
	keyToken := func(name, roleID string) context.Context {
		t.Helper()
		k, err := h.client.CreateApiKey(admin, &authv1.CreateApiKeyRequest{Name: name, ExpiresAt: expires, RoleId: roleID})
		if err != nil {
			t.Fatalf("CreateApiKey(%s): %v", name, err)
		}
		tok, err := h.client.GenerateApiKeyToken(admin, &authv1.GenerateApiKeyTokenRequest{ApiKeyId: k.GetApiKey().GetId(), ExpiresAt: expires})
		if err != nil {
			t.Fatalf("GenerateApiKeyToken(%s): %v", name, err)
		}
		return as(tok.GetToken())
	}
	logo := func() string {
		t.Helper()
		me, err := h.client.CurrentUser(admin, &authv1.CurrentUserRequest{})
		if err != nil {
			t.Fatal(err)
		}
		return me.GetUser().GetCurrentWorkspace().GetLogoFileId()
	}
	tests := []struct {
		name    string
		ctx     context.Context
		file    string
		wantErr bool
		logo    string
	}{
		{"key of the Admin role", keyToken("admin key", ""), "file-1", false, "file-1"},
		{"key with WORKSPACE", keyToken("branding key", "branding"), "file-2", false, "file-2"},
		{"key of the Member role", keyToken("member key", memberRole), "file-3", true, "file-2"},
		{"key with another flag", keyToken("sales key", "sales"), "file-4", true, "file-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.client.SetWorkspaceLogo(tt.ctx, &authv1.SetWorkspaceLogoRequest{LogoFileId: tt.file})
			if tt.wantErr {
				wantCode(t, tt.name, err, connect.CodePermissionDenied, "User does not have permission")
			} else if err != nil {
				t.Fatalf("SetWorkspaceLogo: %v", err)
			}
			if got := logo(); got != tt.logo {
				t.Errorf("logo = %q, want %q", got, tt.logo)
			}
		})
	}

	// A member whose custom role has WORKSPACE (and no other settings right) sets it too.
	exec(`UPDATE user_workspaces SET role_id = 'branding' WHERE workspace_id = ?`, ws)
	if _, err := h.client.SetWorkspaceLogo(admin, &authv1.SetWorkspaceLogoRequest{LogoFileId: "file-5"}); err != nil {
		t.Errorf("member with WORKSPACE: %v", err)
	}
	if got := logo(); got != "file-5" {
		t.Errorf("logo = %q, want file-5", got)
	}
}
