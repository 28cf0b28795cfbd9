package twentyimport

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/twentyworkers/twenty/services/records/importschema"
)

// Core is the installation-wide data: what the control database holds.
type Core struct {
	Workspaces  []Workspace
	Users       []User
	Roles       []Role
	Memberships []Membership
	APIKeys     []APIKey
	// The roles' permissions, per workspace id.
	ObjectPermissions map[string][]ObjectPermission
	FieldPermissions  map[string][]FieldPermission
	PermissionFlags   map[string][]PermissionFlag
}

// ReadCore reads the core schema.
func (s *Source) ReadCore(ctx context.Context) (Core, error) {
	var c Core
	var err error
	if c.Workspaces, err = s.Workspaces(ctx); err != nil {
		return c, err
	}
	if c.Users, err = s.Users(ctx); err != nil {
		return c, err
	}
	if c.Roles, err = s.Roles(ctx); err != nil {
		return c, err
	}
	if c.Memberships, err = s.Memberships(ctx); err != nil {
		return c, err
	}
	if c.APIKeys, err = s.APIKeys(ctx); err != nil {
		return c, err
	}
	if c.ObjectPermissions, err = s.ObjectPermissions(ctx); err != nil {
		return c, err
	}
	if c.FieldPermissions, err = s.FieldPermissions(ctx); err != nil {
		return c, err
	}
	c.PermissionFlags, err = s.PermissionFlags(ctx)
	return c, err
}

// memberID answers the id of the workspaceMember record of user in the workspace's schema.
func (s *Source) memberID(ctx context.Context, schema, userID string) (string, error) {
	var id string
	err := s.conn.QueryRow(ctx, `SELECT id::text FROM `+pgx.Identifier{schema, "workspaceMember"}.Sanitize()+` WHERE "userId" = $1 ORDER BY "deletedAt" NULLS FIRST LIMIT 1`, userID).Scan(&id)
	if err == pgx.ErrNoRows {
		return "", nil
	}
	return id, err
}

// controlStatements answers the control database's rows for workspace w: the workspace, its shard,
// its users, roles with their permissions, memberships and API keys (with their roles), and its
// objects' definitions at metadata version 1. The permissions refer to objects, so they follow them.
// Every insert is idempotent, so a resumed import writes each row once.
func controlStatements(ctx context.Context, src *Source, c Core, w Workspace, objects []importschema.Object) ([]stmt, []Skipped, error) {
	var skipped []Skipped
	var deleted any
	if w.DeletedAt != nil {
		deleted = *w.DeletedAt
	}
	status := w.ActivationStatus
	stmts := []stmt{
		{`INSERT INTO workspaces (id, display_name, activation_status, created_at, updated_at, deleted_at, subdomain) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			[]any{w.ID, w.DisplayName, status, w.CreatedAt, w.UpdatedAt, deleted, w.Subdomain}},
		{`INSERT INTO shard_map (workspace_id, binding) VALUES (?, ?) ON CONFLICT (workspace_id) DO NOTHING`, []any{w.ID, ShardBinding}},
	}
	roles, perms, roleFor, kept, rskipped := roleStatements(c, w, objects)
	stmts = append(stmts, roles...)
	skipped = append(skipped, rskipped...)
	users := map[string]User{}
	for _, u := range c.Users {
		users[u.ID] = u
	}
	for _, m := range c.Memberships {
		if m.WorkspaceID != w.ID {
			continue
		}
		u, ok := users[m.UserID]
		if !ok {
			continue
		}
		member, err := src.memberID(ctx, w.Schema, u.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("workspace member of %s: %w", u.Email, err)
		}
		if member == "" {
			skipped = append(skipped, Skipped{"membership of " + u.Email, "the workspace has no workspaceMember record for the user"})
			continue
		}
		role := ""
		if m.RoleID != nil {
			role = roleFor[*m.RoleID]
		}
		if role == "" {
			role = kept["member"]
		}
		if role == "" {
			role = kept["admin"]
		}
		if role == "" {
			skipped = append(skipped, Skipped{"membership of " + u.Email, "the workspace has no role"})
			continue
		}
		var del any
		if u.DeletedAt != nil {
			del = *u.DeletedAt
		}
		var hash any
		if u.PasswordHash != nil {
			hash = *u.PasswordHash
		}
		stmts = append(stmts,
			stmt{`INSERT INTO users (id, email, first_name, last_name, password_hash, created_at, updated_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
				[]any{u.ID, u.Email, u.FirstName, u.LastName, hash, u.CreatedAt, u.UpdatedAt, del}},
			stmt{`INSERT INTO user_workspaces (id, user_id, workspace_id, workspace_member_id, role_id, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
				[]any{m.ID, u.ID, w.ID, member, role, m.CreatedAt}})
	}
	for _, k := range c.APIKeys {
		if k.WorkspaceID != w.ID {
			continue
		}
		var role, revoked any
		if k.RoleID != nil && roleFor[*k.RoleID] != "" {
			role = roleFor[*k.RoleID]
		}
		if k.RevokedAt != nil {
			revoked = *k.RevokedAt
		}
		stmts = append(stmts, stmt{`INSERT INTO api_keys (id, workspace_id, name, role_id, expires_at, revoked_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			[]any{k.ID, w.ID, k.Name, role, k.ExpiresAt, revoked, k.CreatedAt, k.UpdatedAt}})
	}
	for _, o := range objects {
		def, err := importschema.Definition(o)
		if err != nil {
			return nil, nil, err
		}
		stmts = append(stmts, stmt{`INSERT INTO object_metadata (id, workspace_id, name_singular, name_plural, definition) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			[]any{o.ID, w.ID, o.NameSingular, o.NamePlural, def}})
	}
	stmts = append(stmts, perms...)
	stmts = append(stmts, stmt{`INSERT INTO workspace_metadata (workspace_id, version) VALUES (?, 1) ON CONFLICT (workspace_id) DO NOTHING`, []any{w.ID}})
	return stmts, skipped, nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
