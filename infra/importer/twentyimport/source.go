// Package twentyimport moves a Twenty PostgreSQL onto our stack's D1 databases: the control
// database (workspaces, users, memberships, roles, API keys, object metadata) and each
// workspace's record tables on its shard, created by the records Worker's own DDL
// (services/records/importschema). See the README's Import section.
package twentyimport

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrUnsupportedVersion reports a Twenty database this importer cannot read.
var ErrUnsupportedVersion = errors.New("unsupported Twenty version")

// Source is a Twenty PostgreSQL.
type Source struct {
	conn *pgx.Conn
	// cols caches the columns of core tables whose shape changed between Twenty versions.
	cols map[string]map[string]string
}

// Connect opens the Twenty database at url and checks that it is one the importer reads: the
// core schema with its metadata tables (Twenty 0.50 and later keep objectMetadata and
// fieldMetadata in core).
func Connect(ctx context.Context, url string) (*Source, error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, url)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the Twenty database: %w", err)
	}
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'core'
AND table_name IN ('workspace', 'user', 'userWorkspace', 'apiKey', 'objectMetadata', 'fieldMetadata', 'dataSource', 'role')`).Scan(&n); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("read the core schema: %w", err)
	}
	if n < 8 {
		conn.Close(ctx)
		return nil, fmt.Errorf("%w: the core schema lacks Twenty's tables (found %d of 8: workspace, user, userWorkspace, apiKey, role, dataSource, objectMetadata, fieldMetadata); Twenty 0.50 or later is needed", ErrUnsupportedVersion, n)
	}
	return &Source{conn: conn}, nil
}

// Close closes the connection.
func (s *Source) Close(ctx context.Context) { s.conn.Close(ctx) }

// Workspace is a Twenty workspace.
type Workspace struct {
	ID, DisplayName, Subdomain, ActivationStatus, Version string
	CreatedAt, UpdatedAt                                  string
	DeletedAt                                             *string
	// Schema is its PostgreSQL schema (core.dataSource, else workspace_<base 36 id>).
	Schema string
}

// tsExpr renders a timestamptz column as our stored text (UTC, milliseconds).
func tsExpr(col string) string {
	return `to_char(` + col + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
}

// Workspaces lists the workspaces, deleted ones included.
func (s *Source) Workspaces(ctx context.Context) ([]Workspace, error) {
	rows, err := s.conn.Query(ctx, `SELECT w.id::text, coalesce(w."displayName", ''), w.subdomain, w."activationStatus"::text, coalesce(w.version, ''),
`+tsExpr(`w."createdAt"`)+`, `+tsExpr(`w."updatedAt"`)+`, `+tsExpr(`w."deletedAt"`)+`,
coalesce((SELECT d.schema FROM core."dataSource" d WHERE d."workspaceId" = w.id AND d.schema IS NOT NULL ORDER BY d."createdAt" LIMIT 1), '')
FROM core.workspace w ORDER BY w."createdAt", w.id`)
	if err != nil {
		return nil, fmt.Errorf("read workspaces: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Workspace, error) {
		var w Workspace
		err := r.Scan(&w.ID, &w.DisplayName, &w.Subdomain, &w.ActivationStatus, &w.Version, &w.CreatedAt, &w.UpdatedAt, &w.DeletedAt, &w.Schema)
		if w.Schema == "" {
			w.Schema = SchemaName(w.ID)
		}
		return w, err
	})
}

// SchemaName is Twenty's workspace schema name: workspace_ and the id as a base-36 number.
func SchemaName(workspaceID string) string {
	n, ok := new(big.Int).SetString(strings.ReplaceAll(workspaceID, "-", ""), 16)
	if !ok {
		return ""
	}
	return "workspace_" + n.Text(36)
}

// User is a Twenty user with its bcrypt hash.
type User struct {
	ID, Email, FirstName, LastName string
	PasswordHash                   *string
	CreatedAt, UpdatedAt           string
	DeletedAt                      *string
}

// Users lists the users of the installation.
func (s *Source) Users(ctx context.Context) ([]User, error) {
	rows, err := s.conn.Query(ctx, `SELECT id::text, email, "firstName", "lastName", "passwordHash", `+tsExpr(`"createdAt"`)+`, `+tsExpr(`"updatedAt"`)+`, `+tsExpr(`"deletedAt"`)+`
FROM core."user" ORDER BY "createdAt", id`)
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) {
		var u User
		return u, r.Scan(&u.ID, &u.Email, &u.FirstName, &u.LastName, &u.PasswordHash, &u.CreatedAt, &u.UpdatedAt, &u.DeletedAt)
	})
}

// Role is a workspace role with Twenty's role columns (see roles.go for their versions).
type Role struct {
	ID, WorkspaceID, Label, Description, Icon, StandardID string
	IsEditable, CanUpdateAllSettings, CanAccessAllTools   bool
	CanReadAll, CanUpdateAll, CanSoftDeleteAll            bool
	CanDestroyAll, CanBeAssignedToUsers                   bool
	CanBeAssignedToAgents, CanBeAssignedToAPIKeys         bool
	CreatedAt, UpdatedAt                                  string
}

// Membership is a userWorkspace with its role.
type Membership struct {
	ID, UserID, WorkspaceID, CreatedAt string
	RoleID                             *string
	DeletedAt                          *string
}

// Memberships lists the userWorkspaces with the role their roleTarget gives them.
func (s *Source) Memberships(ctx context.Context) ([]Membership, error) {
	assigned, err := s.roleAssignments(ctx, "userWorkspaceId")
	if err != nil {
		return nil, err
	}
	rows, err := s.conn.Query(ctx, `SELECT uw.id::text, uw."userId"::text, uw."workspaceId"::text, `+tsExpr(`uw."createdAt"`)+`,
(SELECT rt.role::text FROM (`+assigned+`) rt WHERE rt.target = uw.id ORDER BY rt.at LIMIT 1), `+tsExpr(`uw."deletedAt"`)+`
FROM core."userWorkspace" uw ORDER BY uw."createdAt", uw.id`)
	if err != nil {
		return nil, fmt.Errorf("read user workspaces: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Membership, error) {
		var m Membership
		return m, r.Scan(&m.ID, &m.UserID, &m.WorkspaceID, &m.CreatedAt, &m.RoleID, &m.DeletedAt)
	})
}

// APIKey is a Twenty API key (its token is a JWT signed with APP_SECRET, not stored).
type APIKey struct {
	ID, WorkspaceID, Name, ExpiresAt, CreatedAt, UpdatedAt string
	RevokedAt, RoleID                                      *string
}

// APIKeys lists the API keys with the role their roleTarget gives them.
func (s *Source) APIKeys(ctx context.Context) ([]APIKey, error) {
	assigned, err := s.roleAssignments(ctx, "apiKeyId")
	if err != nil {
		return nil, err
	}
	rows, err := s.conn.Query(ctx, `SELECT k.id::text, k."workspaceId"::text, k.name, `+tsExpr(`k."expiresAt"`)+`, `+tsExpr(`k."createdAt"`)+`, `+tsExpr(`k."updatedAt"`)+`,
`+tsExpr(`k."revokedAt"`)+`, (SELECT rt.role::text FROM (`+assigned+`) rt WHERE rt.target = k.id ORDER BY rt.at LIMIT 1)
FROM core."apiKey" k ORDER BY k."createdAt", k.id`)
	if err != nil {
		return nil, fmt.Errorf("read API keys: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (APIKey, error) {
		var k APIKey
		return k, r.Scan(&k.ID, &k.WorkspaceID, &k.Name, &k.ExpiresAt, &k.CreatedAt, &k.UpdatedAt, &k.RevokedAt, &k.RoleID)
	})
}

// TableColumns answers the columns of schema.table, or nil when the table does not exist.
func (s *Source) TableColumns(ctx context.Context, schema, table string) (map[string]string, error) {
	rows, err := s.conn.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`, schema, table)
	if err != nil {
		return nil, fmt.Errorf("read columns of %s.%s: %w", schema, table, err)
	}
	cols := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		cols[name] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, nil
	}
	return cols, nil
}
