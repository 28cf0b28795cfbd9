package main

import (
	"context"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
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
