package twentyimport

import (
	"context"
	"fmt"
	"strings"

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
	c.APIKeys, err = s.APIKeys(ctx)
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

// roleStandardID maps a Twenty role to one of ours: the records and auth Workers know two roles
// per workspace, admin (Twenty's Admin role, which can change every setting) and member.
func roleStandardID(r Role) string {
	if strings.EqualFold(r.Label, "admin") || r.CanUpdateAllSettings {
		return "admin"
	}
	return "member"
}

// controlStatements answers the control database's rows for workspace w: the workspace, its shard,
// its users, roles, memberships and API keys, and its objects' definitions at metadata version 1.
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
	roleFor := map[string]string{} // Twenty role id → our role id
	kept := map[string]string{}    // standard id → our role id
	for _, r := range c.Roles {
		if r.WorkspaceID != w.ID {
			continue
		}
		std := roleStandardID(r)
		if id, ok := kept[std]; ok {
			roleFor[r.ID] = id
			skipped = append(skipped, Skipped{"role " + r.Label, "merged into the workspace's " + std + " role (the stack has two roles per workspace)"})
			continue
		}
		kept[std], roleFor[r.ID] = r.ID, r.ID
		stmts = append(stmts, stmt{`INSERT INTO roles (id, workspace_id, standard_id, label, description, is_editable, can_update_all_settings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			[]any{r.ID, w.ID, std, r.Label, r.Description, b2i(r.IsEditable), b2i(std == "admin"), r.CreatedAt}})
	}
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
	stmts = append(stmts, stmt{`INSERT INTO workspace_metadata (workspace_id, version) VALUES (?, 1) ON CONFLICT (workspace_id) DO NOTHING`, []any{w.ID}})
	return stmts, skipped, nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
