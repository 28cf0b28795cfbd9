package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/twentyworkers/twenty/shared/d1"
)

// timeFormat is how times are stored: UTC with milliseconds, as SQLite's strftime writes them, so
// text order is time order.
const timeFormat = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeFormat, s)
	return t
}

// store is the auth Worker's SQL on the control database.
type store struct {
	db *d1.DB
}

type user struct {
	ID, Email, FirstName, LastName string
	PasswordHash                   string
}

type workspace struct {
	ID, DisplayName, ActivationStatus, Subdomain string
	LogoFileID                                   string
}

// membership is a user's userWorkspace in one workspace, with its role.
type membership struct {
	UserWorkspaceID, WorkspaceMemberID, RoleID, RoleStandardID string
	CreatedAt                                                  time.Time
}

// createUser inserts u; it answers errUserExists when the email is taken.
func (s *store) createUser(ctx context.Context, u user) error {
	res, err := s.db.Batch(ctx, d1.Stmt{
		SQL: `INSERT INTO users (id, email, first_name, last_name, password_hash) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (email) DO NOTHING RETURNING id`,
		Args: []any{u.ID, u.Email, u.FirstName, u.LastName, u.PasswordHash},
	})
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	if len(res[0].Rows) == 0 {
		return errUserExists
	}
	return nil
}

func (s *store) scanUser(row *sql.Row) (user, error) {
	var u user
	var hash sql.NullString
	err := row.Scan(&u.ID, &u.Email, &u.FirstName, &u.LastName, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return user{}, errUserNotFound
	}
	if err != nil {
		return user{}, fmt.Errorf("read user: %w", err)
	}
	u.PasswordHash = hash.String
	return u, nil
}

func (s *store) userByEmail(ctx context.Context, email string) (user, error) {
	return s.scanUser(s.db.QueryRowContext(ctx,
		`SELECT id, email, first_name, last_name, password_hash FROM users WHERE email = ? AND deleted_at IS NULL`, email))
}

func (s *store) userByID(ctx context.Context, id string) (user, error) {
	return s.scanUser(s.db.QueryRowContext(ctx,
		`SELECT id, email, first_name, last_name, password_hash FROM users WHERE id = ? AND deleted_at IS NULL`, id))
}

// createWorkspace inserts a pending workspace, its Admin and Member roles, and the creator's
// admin membership, atomically.
func (s *store) createWorkspace(ctx context.Context, ws workspace, adminRoleID, memberRoleID, creatorID string, m membership) error {
	_, err := s.db.Batch(ctx,
		d1.Stmt{SQL: `INSERT INTO workspaces (id, display_name, activation_status, subdomain) VALUES (?, ?, 'PENDING_CREATION', ?)`,
			Args: []any{ws.ID, ws.DisplayName, ws.Subdomain}},
		d1.Stmt{SQL: `INSERT INTO roles (id, workspace_id, standard_id, label, description, icon, is_editable, can_update_all_settings, can_be_assigned_to_api_keys)
VALUES (?, ?, 'admin', 'Admin', 'Admin role', 'IconUserCog', 0, 1, 1), (?, ?, 'member', 'Member', 'Member role', 'IconUser', 1, 0, 0)`,
			Args: []any{adminRoleID, ws.ID, memberRoleID, ws.ID}},
		d1.Stmt{SQL: `INSERT INTO user_workspaces (id, user_id, workspace_id, workspace_member_id, role_id) VALUES (?, ?, ?, ?, ?)`,
			Args: []any{m.UserWorkspaceID, creatorID, ws.ID, m.WorkspaceMemberID, adminRoleID}},
	)
	if err != nil {
		return fmt.Errorf("create workspace: %w", err)
	}
	return nil
}

func (s *store) workspace(ctx context.Context, id string) (workspace, error) {
	var ws workspace
	var sub, logo sql.NullString
	err := s.db.QueryRowContext(ctx,
		`SELECT id, display_name, activation_status, subdomain, logo_file_id FROM workspaces WHERE id = ? AND deleted_at IS NULL`, id).
		Scan(&ws.ID, &ws.DisplayName, &ws.ActivationStatus, &sub, &logo)
	if errors.Is(err, sql.ErrNoRows) {
		return workspace{}, errWorkspaceNotFound
	}
	if err != nil {
		return workspace{}, fmt.Errorf("read workspace: %w", err)
	}
	ws.Subdomain, ws.LogoFileID = sub.String, logo.String
	return ws, nil
}

// loginWorkspace picks the workspace a password login enters: the user's workspace whose subdomain
// the origin names, else the first one the user joined.
func (s *store) loginWorkspace(ctx context.Context, userID, subdomain string) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT w.id FROM user_workspaces uw JOIN workspaces w ON w.id = uw.workspace_id
WHERE uw.user_id = ? AND w.deleted_at IS NULL
ORDER BY (w.subdomain IS NOT NULL AND w.subdomain = ?) DESC, uw.created_at, w.id LIMIT 1`, userID, subdomain).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errNoWorkspace
	}
	if err != nil {
		return "", fmt.Errorf("pick login workspace: %w", err)
	}
	return id, nil
}

func (s *store) workspaces(ctx context.Context, userID string) ([]workspace, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT w.id, w.display_name, w.activation_status FROM user_workspaces uw
JOIN workspaces w ON w.id = uw.workspace_id WHERE uw.user_id = ? AND w.deleted_at IS NULL ORDER BY uw.created_at, w.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list workspaces: %w", err)
	}
	defer rows.Close()
	var out []workspace
	for rows.Next() {
		var ws workspace
		if err := rows.Scan(&ws.ID, &ws.DisplayName, &ws.ActivationStatus); err != nil {
			return nil, fmt.Errorf("list workspaces: %w", err)
		}
		out = append(out, ws)
	}
	return out, rows.Err()
}

func (s *store) membership(ctx context.Context, userID, workspaceID string) (membership, error) {
	var m membership
	var created string
	err := s.db.QueryRowContext(ctx, `SELECT uw.id, uw.workspace_member_id, uw.role_id, coalesce(r.standard_id, ''), uw.created_at FROM user_workspaces uw
JOIN roles r ON r.id = uw.role_id WHERE uw.user_id = ? AND uw.workspace_id = ?`, userID, workspaceID).
		Scan(&m.UserWorkspaceID, &m.WorkspaceMemberID, &m.RoleID, &m.RoleStandardID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return membership{}, errNoWorkspace
	}
	if err != nil {
		return membership{}, fmt.Errorf("read membership: %w", err)
	}
	m.CreatedAt = parseTime(created)
	return m, nil
}

// activate marks a pending workspace active under displayName; it answers errAlreadyActive when the
// workspace was not pending.
func (s *store) activate(ctx context.Context, id, displayName string, now time.Time) error {
	res, err := s.db.Batch(ctx, d1.Stmt{
		SQL: `UPDATE workspaces SET activation_status = 'ACTIVE', display_name = ?, updated_at = ?
WHERE id = ? AND activation_status IN ('PENDING_CREATION', 'ONGOING_CREATION') RETURNING id`,
		Args: []any{displayName, formatTime(now), id},
	})
	if err != nil {
		return fmt.Errorf("activate workspace: %w", err)
	}
	if len(res[0].Rows) == 0 {
		return errAlreadyActive
	}
	return nil
}

type role struct {
	ID, StandardID, Label, Description string
	IsEditable, CanUpdateAllSettings   bool
}

func (s *store) roles(ctx context.Context, workspaceID string) ([]role, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, coalesce(standard_id, ''), label, description, is_editable, can_update_all_settings
FROM roles WHERE workspace_id = ? ORDER BY standard_id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	defer rows.Close()
	var out []role
	for rows.Next() {
		var r role
		if err := rows.Scan(&r.ID, &r.StandardID, &r.Label, &r.Description, &r.IsEditable, &r.CanUpdateAllSettings); err != nil {
			return nil, fmt.Errorf("list roles: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// refreshToken is a stored refresh token (Twenty's appToken).
type refreshToken struct {
	ID, UserID, WorkspaceID, SessionID string
	ExpiresAt                          time.Time
	RevokedAt                          time.Time // zero when not revoked
	Rotated                            bool      // revoked by a renewal, not a sign-out
}

func (s *store) refreshToken(ctx context.Context, id string) (refreshToken, error) {
	var t refreshToken
	var expires string
	var revoked sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT id, user_id, workspace_id, session_id, expires_at, revoked_at, replaced_by IS NOT NULL
FROM refresh_tokens WHERE id = ?`, id).
		Scan(&t.ID, &t.UserID, &t.WorkspaceID, &t.SessionID, &expires, &revoked, &t.Rotated)
	if errors.Is(err, sql.ErrNoRows) {
		return refreshToken{}, errTokenInvalid
	}
	if err != nil {
		return refreshToken{}, fmt.Errorf("read refresh token: %w", err)
	}
	t.ExpiresAt = parseTime(expires)
	if revoked.Valid {
		t.RevokedAt = parseTime(revoked.String)
	}
	return t, nil
}

func insertRefreshStmt(t refreshToken) d1.Stmt {
	return d1.Stmt{
		SQL:  `INSERT INTO refresh_tokens (id, user_id, workspace_id, session_id, expires_at) VALUES (?, ?, ?, ?, ?)`,
		Args: []any{t.ID, t.UserID, t.WorkspaceID, t.SessionID, formatTime(t.ExpiresAt)},
	}
}

// sessions answers the sessions a statement is about to revoke, so their access tokens can be
// revoked too.
func (s *store) liveSessions(ctx context.Context, where string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT session_id FROM refresh_tokens WHERE revoked_at IS NULL AND `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// useLoginToken records that the login token with id and expiry expires was exchanged, and
// answers errTokenInvalid if it already was: of two exchanges, even concurrent ones, only one gets
// in. Tokens expired by now are pruned in the same batch.
func (s *store) useLoginToken(ctx context.Context, id string, expires, now time.Time) error {
	res, err := s.db.Batch(ctx,
		d1.Stmt{SQL: `DELETE FROM used_login_tokens WHERE expires_at < ?`, Args: []any{formatTime(now)}},
		d1.Stmt{SQL: `INSERT INTO used_login_tokens (token_id, expires_at) VALUES (?, ?) ON CONFLICT (token_id) DO NOTHING RETURNING token_id`,
			Args: []any{id, formatTime(expires)}},
	)
	if err != nil {
		return fmt.Errorf("use login token: %w", err)
	}
	if len(res[1].Rows) == 0 {
		return errTokenInvalid
	}
	return nil
}

type apiKey struct {
	ID, WorkspaceID, Name, RoleID   string
	ExpiresAt, CreatedAt, UpdatedAt time.Time
	RevokedAt                       time.Time // zero when not revoked
}

const apiKeyColumns = `id, workspace_id, name, COALESCE(role_id, ''), expires_at, revoked_at, created_at, updated_at`

func scanAPIKey(scan func(...any) error) (apiKey, error) {
	var k apiKey
	var expires, created, updated string
	var revoked sql.NullString
	if err := scan(&k.ID, &k.WorkspaceID, &k.Name, &k.RoleID, &expires, &revoked, &created, &updated); err != nil {
		return apiKey{}, err
	}
	k.ExpiresAt, k.CreatedAt, k.UpdatedAt = parseTime(expires), parseTime(created), parseTime(updated)
	if revoked.Valid {
		k.RevokedAt = parseTime(revoked.String)
	}
	return k, nil
}

func (s *store) createAPIKey(ctx context.Context, k apiKey) error {
	var role any
	if k.RoleID != "" {
		role = k.RoleID
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO api_keys (id, workspace_id, name, role_id, expires_at, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)`, k.ID, k.WorkspaceID, k.Name, role, formatTime(k.ExpiresAt), formatTime(k.CreatedAt), formatTime(k.UpdatedAt))
	if err != nil {
		return fmt.Errorf("create api key: %w", err)
	}
	return nil
}

func (s *store) apiKey(ctx context.Context, workspaceID, id string) (apiKey, error) {
	k, err := scanAPIKey(s.db.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return apiKey{}, errAPIKeyNotFound
	}
	if err != nil {
		return apiKey{}, fmt.Errorf("read api key: %w", err)
	}
	return k, nil
}

func (s *store) apiKeys(ctx context.Context, workspaceID string) ([]apiKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE workspace_id = ? ORDER BY created_at, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	defer rows.Close()
	var out []apiKey
	for rows.Next() {
		k, err := scanAPIKey(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("list api keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// revokeAPIKey sets revoked_at once; revoking a revoked key keeps the first time.
func (s *store) revokeAPIKey(ctx context.Context, workspaceID, id string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?), updated_at = ? WHERE workspace_id = ? AND id = ?`,
		formatTime(now), formatTime(now), workspaceID, id)
	if err != nil {
		return fmt.Errorf("revoke api key: %w", err)
	}
	return nil
}

type storedKey struct {
	ID             string
	Sealed, Public []byte
}

func (s *store) signingKeys(ctx context.Context) ([]storedKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, sealed_private_key, public_key FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("list signing keys: %w", err)
	}
	defer rows.Close()
	var out []storedKey
	for rows.Next() {
		var k storedKey
		if err := rows.Scan(&k.ID, &k.Sealed, &k.Public); err != nil {
			return nil, fmt.Errorf("list signing keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func (s *store) insertSigningKey(ctx context.Context, k storedKey) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO signing_keys (id, sealed_private_key, public_key) VALUES (?, ?, ?)`, k.ID, k.Sealed, k.Public)
	if err != nil {
		return fmt.Errorf("store signing key: %w", err)
	}
	return nil
}

// Login throttling: at most maxFailures failed logins per key (an email or a client address) in a
// window; a success clears the email's count.
const (
	throttleWindow        = 15 * time.Minute
	maxFailuresPerEmail   = 10
	maxFailuresPerAddress = 50
)

func (s *store) failures(ctx context.Context, key string, now time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT failures FROM login_throttle WHERE key = ? AND window_start > ?`,
		key, formatTime(now.Add(-throttleWindow))).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read login throttle: %w", err)
	}
	return n, nil
}

func (s *store) recordFailure(ctx context.Context, now time.Time, keys ...string) error {
	stmts := make([]d1.Stmt, 0, len(keys))
	for _, k := range keys {
		stmts = append(stmts, d1.Stmt{
			SQL: `INSERT INTO login_throttle (key, window_start, failures) VALUES (?, ?, 1)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN window_start > ? THEN failures + 1 ELSE 1 END,
  window_start = CASE WHEN window_start > ? THEN window_start ELSE excluded.window_start END`,
			Args: []any{k, formatTime(now), formatTime(now.Add(-throttleWindow)), formatTime(now.Add(-throttleWindow))},
		})
	}
	if _, err := s.db.Batch(ctx, stmts...); err != nil {
		return fmt.Errorf("record login failure: %w", err)
	}
	return nil
}

func (s *store) clearFailures(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = ?`, key); err != nil {
		return fmt.Errorf("clear login throttle: %w", err)
	}
	return nil
}
