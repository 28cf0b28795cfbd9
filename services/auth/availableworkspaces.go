package main

import (
	"context"
	"fmt"

	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
)

// Twenty's User.availableWorkspaces (UserWorkspaceService.findAvailableWorkspacesByEmail and
// setLoginTokenToAvailableWorkspacesWhenAuthProviderMatch): the workspaces the user is a member of,
// for sign-in, each with a login token (password sign-in is every workspace's here); and those
// its email is invited to (a live personal invitation), for sign-up. Twenty's approved access
// domains are not kept here, and an invitation's token is kept only as its hash, so the sign-up
// entries carry no personalInviteToken.

// availableWorkspaces answers the user's available workspaces for sign-in and for sign-up.
func (s *server) availableWorkspaces(ctx context.Context, u user) (signIn, signUp []*authv1.AvailableWorkspace, err error) {
	member, err := s.store.memberWorkspaces(ctx, u.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, ws := range member {
		login, err := s.loginToken(ctx, u.Email, ws.ID)
		if err != nil {
			return nil, nil, err
		}
		a := availableWorkspaceProto(ws)
		a.LoginToken = login
		signIn = append(signIn, a)
	}
	invited, err := s.store.invitedWorkspaces(ctx, u.Email, formatTime(s.now()))
	if err != nil {
		return nil, nil, err
	}
	for _, ws := range invited {
		signUp = append(signUp, availableWorkspaceProto(ws))
	}
	return signIn, signUp, nil
}

func availableWorkspaceProto(ws workspace) *authv1.AvailableWorkspace {
	return &authv1.AvailableWorkspace{Id: ws.ID, DisplayName: ws.DisplayName, Subdomain: ws.Subdomain, LogoFileId: ws.LogoFileID}
}

// memberWorkspaces are the live workspaces the user is a member of, in the order it joined them.
func (s *store) memberWorkspaces(ctx context.Context, userID string) ([]workspace, error) {
	return s.listWorkspaces(ctx, `SELECT w.id, w.display_name, w.activation_status, coalesce(w.subdomain, ''), coalesce(w.logo_file_id, '')
FROM user_workspaces uw JOIN workspaces w ON w.id = uw.workspace_id
WHERE uw.user_id = ? AND w.deleted_at IS NULL ORDER BY uw.created_at, w.id`, userID)
}

// invitedWorkspaces are the live workspaces with an unexpired personal invitation of email whose
// member it is not yet, oldest invitation first.
func (s *store) invitedWorkspaces(ctx context.Context, email, now string) ([]workspace, error) {
	return s.listWorkspaces(ctx, `SELECT w.id, w.display_name, w.activation_status, coalesce(w.subdomain, ''), coalesce(w.logo_file_id, '')
FROM workspace_invitations i JOIN workspaces w ON w.id = i.workspace_id
WHERE i.email = ? AND i.expires_at > ? AND w.deleted_at IS NULL AND NOT EXISTS (
  SELECT 1 FROM user_workspaces uw JOIN users u ON u.id = uw.user_id WHERE uw.workspace_id = w.id AND u.email = i.email)
ORDER BY i.created_at, w.id`, email, now)
}

func (s *store) listWorkspaces(ctx context.Context, query string, args ...any) ([]workspace, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list available workspaces: %w", err)
	}
	defer rows.Close()
	var out []workspace
	for rows.Next() {
		var ws workspace
		if err := rows.Scan(&ws.ID, &ws.DisplayName, &ws.ActivationStatus, &ws.Subdomain, &ws.LogoFileID); err != nil {
			return nil, fmt.Errorf("list available workspaces: %w", err)
		}
		out = append(out, ws)
	}
	return out, rows.Err()
}
