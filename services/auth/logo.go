package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/d1"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
)

// SetWorkspaceLogo implements authv1connect.AuthServiceHandler. Twenty guards its logo mutations
// (uploadWorkspaceLogo, completeWorkspaceLogoUpload) with WorkspaceAuthGuard and
// SettingsPermissionGuard(WORKSPACE): a member or an API key whose role may update all settings
// or has the WORKSPACE flag (our Admin role has both). The file itself was checked by the files
// Worker (uploaded, CorePicture, this workspace's) before the gateway calls this; the new
// workspace's logo operations, for users only, are refused to API keys by the gateway.
func (s *server) SetWorkspaceLogo(ctx context.Context, req *authv1.SetWorkspaceLogoRequest) (*authv1.SetWorkspaceLogoResponse, error) {
	fileID := strings.TrimSpace(req.GetLogoFileId())
	if fileID == "" {
		return nil, toConnect(errLogoFileRequired)
	}
	c, err := s.caller(ctx, authtoken.TypeAccess, authtoken.TypeAPIKey)
	if err != nil {
		return nil, toConnect(err)
	}
	if c.Type == authtoken.TypeAPIKey {
		err = s.store.keyMayUpdateWorkspace(ctx, c.WorkspaceID, c.ID)
	} else {
		err = s.store.canUpdateSettings(ctx, c.UserID, c.WorkspaceID)
	}
	if err != nil {
		return nil, toConnect(err)
	}
	previous, err := s.store.setLogo(ctx, c.WorkspaceID, fileID, formatTime(s.now()))
	if err != nil {
		return nil, toConnect(err)
	}
	ws, err := s.store.workspace(ctx, c.WorkspaceID)
	if err != nil {
		return nil, toConnect(err)
	}
	res := &authv1.SetWorkspaceLogoResponse{Workspace: workspaceProto(ws)}
	if previous != fileID {
		res.ReplacedLogoFileId = previous
	}
	return res, nil
}

// canUpdateSettings answers errSettingsOnly unless the user's role in the workspace may update all
// of its settings or has the WORKSPACE flag.
func (s *store) canUpdateSettings(ctx context.Context, userID, workspaceID string) error {
	var may bool
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(r.standard_id, '') = 'admin' OR r.can_update_all_settings = 1 OR EXISTS (
  SELECT 1 FROM role_permission_flags f WHERE f.role_id = r.id AND f.flag = 'WORKSPACE') FROM user_workspaces uw
JOIN roles r ON r.id = uw.role_id WHERE uw.user_id = ? AND uw.workspace_id = ?`, userID, workspaceID).Scan(&may)
	if errors.Is(err, sql.ErrNoRows) {
		return errNoWorkspace
	}
	if err != nil {
		return fmt.Errorf("read role: %w", err)
	}
	if !may {
		return errSettingsOnly
	}
	return nil
}

// keyMayUpdateWorkspace answers errSettingsOnly unless the API key's role may update all settings
// or has the WORKSPACE flag; a key the workspace no longer has, or one without a role, may not.
func (s *store) keyMayUpdateWorkspace(ctx context.Context, workspaceID, keyID string) error {
	k, err := s.apiKey(ctx, workspaceID, keyID)
	if errors.Is(err, errAPIKeyNotFound) {
		return errSettingsOnly
	}
	if err != nil {
		return err
	}
	if k.RoleID == "" {
		return errSettingsOnly
	}
	may, err := s.roleMaySet(ctx, k.RoleID, "WORKSPACE")
	if err != nil {
		return err
	}
	if !may {
		return errSettingsOnly
	}
	return nil
}

// setLogo stores fileID as the workspace's logo and answers the one it replaced ("" when none),
// read and written in one batch so two concurrent uploads each learn what they replaced.
func (s *store) setLogo(ctx context.Context, workspaceID, fileID, now string) (string, error) {
	res, err := s.db.Batch(ctx,
		d1.Stmt{SQL: `SELECT COALESCE(logo_file_id, '') FROM workspaces WHERE id = ? AND deleted_at IS NULL`, Args: []any{workspaceID}},
		d1.Stmt{SQL: `UPDATE workspaces SET logo_file_id = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL`, Args: []any{fileID, now, workspaceID}},
	)
	if err != nil {
		return "", fmt.Errorf("set workspace logo: %w", err)
	}
	if len(res[0].Rows) == 0 {
		return "", errWorkspaceNotFound
	}
	previous, _ := res[0].Rows[0][0].(string)
	return previous, nil
}
