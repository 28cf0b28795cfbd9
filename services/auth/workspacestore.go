package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/twentyworkers/twenty/shared/d1"
)

// This file is the SQL of workspace settings, invitations and memberships (migrations/0014).

// workspaceSettings is a workspace with its invite settings, stored settings and member count.
type workspaceSettings struct {
	workspace
	InviteHash           string
	PublicInviteEnabled  bool
	Settings             string // JSON object
	CreatedAt, UpdatedAt time.Time
	Members              int
	DefaultRoleID        string
}

const workspaceSettingsSelect = `SELECT w.id, w.display_name, w.activation_status, COALESCE(w.subdomain, ''), COALESCE(w.logo_file_id, ''),
  COALESCE(w.invite_hash, ''), w.is_public_invite_link_enabled, w.settings, w.created_at, w.updated_at,
  (SELECT count(*) FROM user_workspaces uw WHERE uw.workspace_id = w.id),
  COALESCE((SELECT r.id FROM roles r WHERE r.workspace_id = w.id AND r.id = json_extract(w.settings, '$.defaultRoleId')),
    (SELECT r.id FROM roles r WHERE r.workspace_id = w.id AND r.standard_id = 'member'), '')
FROM workspaces w WHERE w.deleted_at IS NULL AND `

func (s *store) scanWorkspaceSettings(row *sql.Row) (workspaceSettings, error) {
	var ws workspaceSettings
	var created, updated string
	err := row.Scan(&ws.ID, &ws.DisplayName, &ws.ActivationStatus, &ws.Subdomain, &ws.LogoFileID,
		&ws.InviteHash, &ws.PublicInviteEnabled, &ws.Settings, &created, &updated, &ws.Members, &ws.DefaultRoleID)
	if errors.Is(err, sql.ErrNoRows) {
		return workspaceSettings{}, errWorkspaceNotFound
	}
	if err != nil {
		return workspaceSettings{}, fmt.Errorf("read workspace settings: %w", err)
	}
	ws.CreatedAt, ws.UpdatedAt = parseTime(created), parseTime(updated)
	return ws, nil
}

func (s *store) workspaceSettings(ctx context.Context, id string) (workspaceSettings, error) {
	return s.scanWorkspaceSettings(s.db.QueryRowContext(ctx, workspaceSettingsSelect+`w.id = ?`, id))
}

// workspaceByInviteHash answers the workspace whose invite hash this is, or errWorkspaceNotFound.
func (s *store) workspaceByInviteHash(ctx context.Context, hash string) (workspaceSettings, error) {
	if hash == "" {
		return workspaceSettings{}, errWorkspaceNotFound
	}
	return s.scanWorkspaceSettings(s.db.QueryRowContext(ctx, workspaceSettingsSelect+`w.invite_hash = ?`, hash))
}

// workspaceUpdate is what updateWorkspace changes; nil fields stay as they are.
type workspaceUpdate struct {
	DisplayName, Subdomain, InviteHash *string
	PublicInviteEnabled                *bool
	Settings                           string // a JSON object merged into the stored settings; "" for none
}

// updateWorkspace applies u in one statement. A subdomain or invite hash another workspace has
// leaves the workspace unchanged and answers errSubdomainTaken or errInviteHashTaken.
func (s *store) updateWorkspace(ctx context.Context, id string, u workspaceUpdate, now time.Time) error {
	settings := u.Settings
	if settings == "" {
		settings = "{}"
	}
	var public any
	if u.PublicInviteEnabled != nil {
		public = *u.PublicInviteEnabled
	}
	res, err := s.db.Batch(ctx,
		d1.Stmt{SQL: `SELECT
  EXISTS (SELECT 1 FROM workspaces WHERE subdomain = ? AND id <> ?),
  EXISTS (SELECT 1 FROM workspaces WHERE invite_hash = ? AND id <> ?)`,
			Args: []any{nullable(u.Subdomain), id, nullable(u.InviteHash), id}},
		d1.Stmt{SQL: `UPDATE workspaces SET
  display_name = COALESCE(?, display_name),
  subdomain = COALESCE(?, subdomain),
  invite_hash = COALESCE(?, invite_hash),
  is_public_invite_link_enabled = COALESCE(?, is_public_invite_link_enabled),
  settings = json_patch(settings, ?),
  updated_at = ?
WHERE id = ? AND deleted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM workspaces o WHERE o.id <> workspaces.id AND ((? IS NOT NULL AND o.subdomain = ?) OR (? IS NOT NULL AND o.invite_hash = ?)))
RETURNING id`,
			Args: []any{nullable(u.DisplayName), nullable(u.Subdomain), nullable(u.InviteHash), public, settings, formatTime(now), id,
				nullable(u.Subdomain), nullable(u.Subdomain), nullable(u.InviteHash), nullable(u.InviteHash)}},
	)
	if err != nil {
		return fmt.Errorf("update workspace: %w", err)
	}
	if len(res[1].Rows) > 0 {
		return nil
	}
	if taken := res[0].Rows; len(taken) == 1 && truthy(taken[0][0]) {
		return errSubdomainTaken
	}
	if taken := res[0].Rows; len(taken) == 1 && truthy(taken[0][1]) {
		return errInviteHashTaken
	}
	return errWorkspaceNotFound
}

func nullable(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// truthy reads an SQLite boolean as D1 and the SQLite driver answer it.
func truthy(v any) bool {
	switch v := v.(type) {
	case int64:
		return v != 0
	case float64:
		return v != 0
	case bool:
		return v
	}
	return false
}

// invitation is a personal invitation to a workspace (Twenty's INVITATION_TOKEN app token).
type invitation struct {
	ID, WorkspaceID, Email, RoleID string
	ExpiresAt                      time.Time
}

const invitationColumns = `id, workspace_id, email, COALESCE(role_id, ''), expires_at`

func scanInvitation(scan func(...any) error) (invitation, error) {
	var inv invitation
	var expires string
	if err := scan(&inv.ID, &inv.WorkspaceID, &inv.Email, &inv.RoleID, &expires); err != nil {
		return invitation{}, err
	}
	inv.ExpiresAt = parseTime(expires)
	return inv, nil
}

func insertInvitationStmt(inv invitation, tokenSHA256 string) d1.Stmt {
	var role any
	if inv.RoleID != "" {
		role = inv.RoleID
	}
	return d1.Stmt{
		SQL: `INSERT INTO workspace_invitations (id, workspace_id, email, role_id, token_sha256, expires_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (workspace_id, email) DO NOTHING RETURNING id`,
		Args: []any{inv.ID, inv.WorkspaceID, inv.Email, role, tokenSHA256, formatTime(inv.ExpiresAt)},
	}
}

// isMemberEmailSQL is true when the email (the 2nd argument) belongs to a member of the workspace
// (the 1st).
const isMemberEmailSQL = `EXISTS (SELECT 1 FROM user_workspaces uw JOIN users u ON u.id = uw.user_id
WHERE uw.workspace_id = ? AND u.email = ? AND u.deleted_at IS NULL)`

// createInvitation stores inv unless the email is invited already (errInvitationExists) or belongs
// to a member (errAlreadyMember), both decided by the inserting statement itself.
func (s *store) createInvitation(ctx context.Context, inv invitation, tokenSHA256 string) error {
	var role any
	if inv.RoleID != "" {
		role = inv.RoleID
	}
	res, err := s.db.Batch(ctx,
		d1.Stmt{SQL: `INSERT INTO workspace_invitations (id, workspace_id, email, role_id, token_sha256, expires_at)
SELECT ?, ?, ?, ?, ?, ? WHERE NOT ` + isMemberEmailSQL + `
ON CONFLICT (workspace_id, email) DO NOTHING RETURNING id`,
			Args: []any{inv.ID, inv.WorkspaceID, inv.Email, role, tokenSHA256, formatTime(inv.ExpiresAt), inv.WorkspaceID, inv.Email}},
		d1.Stmt{SQL: `SELECT ` + isMemberEmailSQL, Args: []any{inv.WorkspaceID, inv.Email}},
	)
	if err != nil {
		return fmt.Errorf("create invitation: %w", err)
	}
	if len(res[0].Rows) > 0 {
		return nil
	}
	if rows := res[1].Rows; len(rows) == 1 && truthy(rows[0][0]) {
		return errAlreadyMember
	}
	return errInvitationExists
}

// replaceInvitation deletes old and stores next (its resend) atomically.
func (s *store) replaceInvitation(ctx context.Context, old invitation, next invitation, tokenSHA256 string) error {
	res, err := s.db.Batch(ctx,
		d1.Stmt{SQL: `DELETE FROM workspace_invitations WHERE id = ? AND workspace_id = ?`, Args: []any{old.ID, old.WorkspaceID}},
		insertInvitationStmt(next, tokenSHA256),
	)
	if err != nil {
		return fmt.Errorf("replace invitation: %w", err)
	}
	if len(res[1].Rows) == 0 {
		return errInvitationExists
	}
	return nil
}

func (s *store) invitation(ctx context.Context, workspaceID, id string) (invitation, error) {
	inv, err := scanInvitation(s.db.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM workspace_invitations WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return invitation{}, errInvalidInvitation
	}
	if err != nil {
		return invitation{}, fmt.Errorf("read invitation: %w", err)
	}
	return inv, nil
}

// invitationByToken answers the workspace's invitation whose token has this SHA-256.
func (s *store) invitationByToken(ctx context.Context, workspaceID, tokenSHA256 string) (invitation, error) {
	inv, err := scanInvitation(s.db.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM workspace_invitations WHERE workspace_id = ? AND token_sha256 = ?`,
		workspaceID, tokenSHA256).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return invitation{}, errInvitationTokenInvalid
	}
	if err != nil {
		return invitation{}, fmt.Errorf("read invitation: %w", err)
	}
	return inv, nil
}

func (s *store) invitations(ctx context.Context, workspaceID string) ([]invitation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+invitationColumns+` FROM workspace_invitations WHERE workspace_id = ? ORDER BY created_at, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	defer rows.Close()
	out := []invitation{}
	for rows.Next() {
		inv, err := scanInvitation(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("list invitations: %w", err)
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// deleteInvitation deletes the workspace's invitation id and reports whether there was one.
func (s *store) deleteInvitation(ctx context.Context, workspaceID, id string) (bool, error) {
	res, err := s.db.Batch(ctx, d1.Stmt{SQL: `DELETE FROM workspace_invitations WHERE workspace_id = ? AND id = ? RETURNING id`, Args: []any{workspaceID, id}})
	if err != nil {
		return false, fmt.Errorf("delete invitation: %w", err)
	}
	return len(res[0].Rows) > 0, nil
}

// assignableRole checks that the workspace has the role id and that users may have it, as
// sendInvitations does in Twenty.
func (s *store) assignableRole(ctx context.Context, workspaceID, id string) error {
	var assignable bool
	err := s.db.QueryRowContext(ctx, `SELECT can_be_assigned_to_users FROM roles WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan(&assignable)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return errRoleNotFound
	case err != nil:
		return fmt.Errorf("read role: %w", err)
	case !assignable:
		return errRoleNotAssignable
	}
	return nil
}

// join makes the user a member of the workspace, unless they are one already, and deletes the
// workspace's invitations of their email, in one batch. The role is roleID (an invitation's) while
// the workspace has it, else the workspace's default role (its settings' defaultRoleId), else
// Member. It answers the membership.
func (s *store) join(ctx context.Context, userID, email, workspaceID, roleID string, m membership) (membership, error) {
	_, err := s.db.Batch(ctx,
		d1.Stmt{SQL: `INSERT INTO user_workspaces (id, user_id, workspace_id, workspace_member_id, role_id)
SELECT ?, ?, ?, ?, COALESCE(
  (SELECT id FROM roles WHERE id = ? AND workspace_id = ?),
  (SELECT r.id FROM roles r JOIN workspaces w ON w.id = r.workspace_id WHERE w.id = ? AND r.id = json_extract(w.settings, '$.defaultRoleId')),
  (SELECT id FROM roles WHERE workspace_id = ? AND standard_id = 'member')) WHERE true
ON CONFLICT (user_id, workspace_id) DO NOTHING`,
			Args: []any{m.UserWorkspaceID, userID, workspaceID, m.WorkspaceMemberID, roleID, workspaceID, workspaceID, workspaceID}},
		d1.Stmt{SQL: `DELETE FROM workspace_invitations WHERE workspace_id = ? AND email = ?`, Args: []any{workspaceID, email}},
	)
	if err != nil {
		return membership{}, fmt.Errorf("join workspace: %w", err)
	}
	return s.membership(ctx, userID, workspaceID)
}

// member is a membership found by its workspaceMember id.
type member struct {
	membership
	UserID    string
	CreatedAt time.Time
}

func (s *store) memberByWorkspaceMemberID(ctx context.Context, workspaceID, workspaceMemberID string) (member, error) {
	var m member
	var created string
	err := s.db.QueryRowContext(ctx, `SELECT uw.id, uw.workspace_member_id, uw.role_id, coalesce(r.standard_id, ''), uw.user_id, uw.created_at
FROM user_workspaces uw JOIN roles r ON r.id = uw.role_id WHERE uw.workspace_id = ? AND uw.workspace_member_id = ?`, workspaceID, workspaceMemberID).
		Scan(&m.UserWorkspaceID, &m.WorkspaceMemberID, &m.RoleID, &m.RoleStandardID, &m.UserID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return member{}, errMemberNotFound
	}
	if err != nil {
		return member{}, fmt.Errorf("read member: %w", err)
	}
	m.CreatedAt = parseTime(created)
	return m, nil
}

// memberCounts answers how many members the workspace has and how many of them are admins.
func (s *store) memberCounts(ctx context.Context, workspaceID string) (members, admins int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(r.standard_id = 'admin'), 0) FROM user_workspaces uw
JOIN roles r ON r.id = uw.role_id WHERE uw.workspace_id = ?`, workspaceID).Scan(&members, &admins)
	if err != nil {
		return 0, 0, fmt.Errorf("count members: %w", err)
	}
	return members, admins, nil
}

// removeMember deletes the membership and revokes the user's refresh tokens in that workspace in
// one batch; when it was the last member, the workspace is suspended and soft-deleted with it, as
// Twenty does.
func (s *store) removeMember(ctx context.Context, workspaceID string, m member, last bool, now time.Time) error {
	stmts := []d1.Stmt{
		{SQL: `DELETE FROM user_workspaces WHERE id = ? AND workspace_id = ?`, Args: []any{m.UserWorkspaceID, workspaceID}},
		{SQL: `UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND workspace_id = ? AND revoked_at IS NULL`,
			Args: []any{formatTime(now), m.UserID, workspaceID}},
	}
	if last {
		stmts = append(stmts, d1.Stmt{SQL: `UPDATE workspaces SET activation_status = 'SUSPENDED', deleted_at = ?, updated_at = ? WHERE id = ?`,
			Args: []any{formatTime(now), formatTime(now), workspaceID}})
	}
	if _, err := s.db.Batch(ctx, stmts...); err != nil {
		return fmt.Errorf("remove member: %w", err)
	}
	return nil
}

// Twenty's invitation throttles (INVITATION_SENDING_BY_EMAIL_THROTTLE_* and
// INVITATION_SENDING_BY_WORKSPACE_THROTTLE_*): at most 10 invitation emails to one address and 500
// from one workspace in 7 days. The counts are fixed windows kept in login_throttle under their own
// keys (an address's key holds a hash of it, not the address).
const (
	invitationThrottleWindow   = 7 * 24 * time.Hour
	maxInvitationsPerEmail     = 10
	maxInvitationsPerWorkspace = 500
)

func invitationThrottleKeys(workspaceID string, emails []string) (workspaceKey string, emailKeys []string) {
	for _, e := range emails {
		emailKeys = append(emailKeys, "invitations/email:"+invitationTokenSHA256(e))
	}
	return "invitations/workspace:" + workspaceID, emailKeys
}

// takeInvitationBudget counts the invitation emails about to be sent and answers
// errTooManyInvitations, counting none, when a throttle would be passed.
func (s *store) takeInvitationBudget(ctx context.Context, workspaceID string, emails []string, now time.Time) error {
	wsKey, emailKeys := invitationThrottleKeys(workspaceID, emails)
	keys, _ := json.Marshal(append([]string{wsKey}, emailKeys...)) // strings only
	since := formatTime(now.Add(-invitationThrottleWindow))
	rows, err := s.db.QueryContext(ctx, `SELECT key, failures FROM login_throttle
WHERE key IN (SELECT value FROM json_each(?)) AND window_start > ?`, string(keys), since)
	if err != nil {
		return fmt.Errorf("read invitation throttle: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			return fmt.Errorf("read invitation throttle: %w", err)
		}
		if (key == wsKey && n+len(emails) > maxInvitationsPerWorkspace) || (key != wsKey && n+1 > maxInvitationsPerEmail) {
			return errTooManyInvitations
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read invitation throttle: %w", err)
	}
	// One statement per key kind: the workspace's count grows by the emails, each address's by one.
	const upsert = `INSERT INTO login_throttle (key, window_start, failures) SELECT value, ?, ? FROM json_each(?) WHERE true
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN window_start > ? THEN failures + excluded.failures ELSE excluded.failures END,
  window_start = CASE WHEN window_start > ? THEN window_start ELSE excluded.window_start END`
	wsKeys, _ := json.Marshal([]string{wsKey})
	addrKeys, _ := json.Marshal(emailKeys)
	stmts := []d1.Stmt{
		{SQL: upsert, Args: []any{formatTime(now), len(emails), string(wsKeys), since, since}},
		{SQL: upsert, Args: []any{formatTime(now), 1, string(addrKeys), since, since}},
	}
	if _, err := s.db.Batch(ctx, stmts...); err != nil {
		return fmt.Errorf("count invitations: %w", err)
	}
	return nil
}
