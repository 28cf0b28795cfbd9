package twentyimport

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/twentyworkers/twenty/infra/importer/pgfixture"
	"github.com/twentyworkers/twenty/services/records/importschema"
)

// queryRows answers a query's rows as text (NULL as "-").
func queryRows(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if v == nil {
				parts[i] = "-"
			} else {
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

// checkImportedRoles asserts that the fixture's roles arrived as our control rows: Admin and
// Member as ours (standard ids) with Member's change, Sales as a custom role with its object and
// field permissions and flag, and the members and keys with their roles.
func checkImportedRoles(t *testing.T, tgt *Target, f pgfixture.Fixture) {
	t.Helper()
	ws := f.WorkspaceID
	want := []string{
		"admin Admin 0 1 1 1 1 1 1",
		"member Member 1 0 1 1 1 1 0",
		"- Sales 1 0 1 1 1 0 1",
	}
	got := queryRows(t, tgt.Control, `SELECT coalesce(standard_id, '-'), label, is_editable, can_update_all_settings, can_read_all_object_records,
can_update_all_object_records, can_soft_delete_all_object_records, can_destroy_all_object_records, can_be_assigned_to_api_keys
FROM roles WHERE workspace_id = ? ORDER BY standard_id IS NULL, standard_id, label`, ws)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	want = []string{"Member rocket - - - 0", "Sales opportunity 1 0 0 0"}
	got = queryRows(t, tgt.Control, `SELECT r.label, o.name_singular, coalesce(p.can_read, '-'), coalesce(p.can_update, '-'), coalesce(p.can_soft_delete, '-'), coalesce(p.can_destroy, '-')
FROM object_permissions p JOIN roles r ON r.id = p.role_id JOIN object_metadata o ON o.id = p.object_metadata_id WHERE p.workspace_id = ? ORDER BY r.label`, ws)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("object permissions (-want +got):\n%s", diff)
	}
	want = []string{"Sales person city 0 0"}
	got = queryRows(t, tgt.Control, `SELECT r.label, o.name_singular, (SELECT json_extract(f.value, '$.Name') FROM json_each(o.definition, '$.Fields') f
WHERE json_extract(f.value, '$.ID') = p.field_metadata_id), p.can_read, p.can_update
FROM field_permissions p JOIN roles r ON r.id = p.role_id JOIN object_metadata o ON o.id = p.object_metadata_id WHERE p.workspace_id = ?`, ws)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("field permissions (-want +got):\n%s", diff)
	}
	want = []string{"Sales API_KEYS_AND_WEBHOOKS"}
	got = queryRows(t, tgt.Control, `SELECT r.label, p.flag FROM role_permission_flags p JOIN roles r ON r.id = p.role_id WHERE p.workspace_id = ?`, ws)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("flags (-want +got):\n%s", diff)
	}
	want = []string{"key " + f.APIKeyID + " Admin", "key " + f.SalesAPIKeyID + " Sales", "member " + f.MemberID + " Admin", "member " + f.SalesMemberID + " Sales"}
	got = queryRows(t, tgt.Control, `SELECT 'member', uw.workspace_member_id, r.label FROM user_workspaces uw JOIN roles r ON r.id = uw.role_id WHERE uw.workspace_id = ?
UNION ALL SELECT 'key', k.id, r.label FROM api_keys k JOIN roles r ON r.id = k.role_id WHERE k.workspace_id = ? ORDER BY 1, 3, 2`, ws, ws)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("role assignments (-want +got):\n%s", diff)
	}
}

// TestRolesAcrossTwentyVersions reads the roles' columns, settings flags and role assignments
// from the shapes Twenty's core schema had over the versions the importer reads.
func TestRolesAcrossTwentyVersions(t *testing.T) {
	admin := pgURL(t)
	const (
		ws     = "20202020-0000-4000-8000-0000000000aa"
		role   = "20202020-0000-4000-8000-0000000000bb"
		uw     = "20202020-0000-4000-8000-0000000000cc"
		apiKey = "20202020-0000-4000-8000-0000000000dd"
	)
	base := `CREATE SCHEMA core;
CREATE TABLE core."userWorkspace" (id uuid PRIMARY KEY, "userId" uuid NOT NULL, "workspaceId" uuid NOT NULL, "createdAt" timestamptz NOT NULL DEFAULT now(), "deletedAt" timestamptz);
CREATE TABLE core."apiKey" (id uuid PRIMARY KEY, name text NOT NULL, "expiresAt" timestamptz NOT NULL DEFAULT now(), "revokedAt" timestamptz, "workspaceId" uuid NOT NULL,
  "createdAt" timestamptz NOT NULL DEFAULT now(), "updatedAt" timestamptz NOT NULL DEFAULT now());
INSERT INTO core."userWorkspace" (id, "userId", "workspaceId") VALUES ('` + uw + `', gen_random_uuid(), '` + ws + `');
INSERT INTO core."apiKey" (id, name, "workspaceId") VALUES ('` + apiKey + `', 'k', '` + ws + `');
`
	oldRole := `CREATE TABLE core.role (id uuid PRIMARY KEY, label text NOT NULL, description text, "canUpdateAllSettings" boolean NOT NULL DEFAULT false,
  "isEditable" boolean NOT NULL DEFAULT true, "workspaceId" uuid NOT NULL, "createdAt" timestamptz NOT NULL DEFAULT now(), "updatedAt" timestamptz NOT NULL DEFAULT now());
INSERT INTO core.role (id, label, "workspaceId") VALUES ('` + role + `', 'Sales', '` + ws + `');
`
	newRole := `CREATE TABLE core.role (id uuid PRIMARY KEY, label text NOT NULL, description text, icon text, "standardId" uuid, "canUpdateAllSettings" boolean NOT NULL DEFAULT false,
  "canAccessAllTools" boolean NOT NULL DEFAULT false, "canReadAllObjectRecords" boolean NOT NULL DEFAULT false, "canUpdateAllObjectRecords" boolean NOT NULL DEFAULT false,
  "canSoftDeleteAllObjectRecords" boolean NOT NULL DEFAULT false, "canDestroyAllObjectRecords" boolean NOT NULL DEFAULT false,
  "canBeAssignedToUsers" boolean NOT NULL DEFAULT true, "canBeAssignedToAgents" boolean NOT NULL DEFAULT true, "canBeAssignedToApiKeys" boolean NOT NULL DEFAULT true,
  "isEditable" boolean NOT NULL DEFAULT true, "workspaceId" uuid NOT NULL, "createdAt" timestamptz NOT NULL DEFAULT now(), "updatedAt" timestamptz NOT NULL DEFAULT now());
INSERT INTO core.role (id, label, "canReadAllObjectRecords", "workspaceId") VALUES ('` + role + `', 'Sales', true, '` + ws + `');
`
	tests := []struct {
		name                string
		ddl                 string
		wantRole            string // read all, update all, destroy all, assignable to keys
		wantFlags           []string
		wantMember, wantKey string
	}{
		{"0.50: settingPermission with canUpdateSetting, userWorkspaceRole", oldRole + `
CREATE TABLE core."settingPermission" (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "roleId" uuid NOT NULL, setting text NOT NULL, "canUpdateSetting" boolean,
  "workspaceId" uuid NOT NULL, "createdAt" timestamptz NOT NULL DEFAULT now());
INSERT INTO core."settingPermission" ("roleId", setting, "canUpdateSetting", "workspaceId") VALUES ('` + role + `', 'DATA_MODEL', true, '` + ws + `'), ('` + role + `', 'ROLES', false, '` + ws + `');
CREATE TABLE core."userWorkspaceRole" (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "roleId" uuid NOT NULL, "userWorkspaceId" uuid NOT NULL, "workspaceId" uuid NOT NULL,
  "createdAt" timestamptz NOT NULL DEFAULT now());
INSERT INTO core."userWorkspaceRole" ("roleId", "userWorkspaceId", "workspaceId") VALUES ('` + role + `', '` + uw + `', '` + ws + `');
`, "true true true false", []string{"DATA_MODEL"}, role, ""},
		{"0.60: permissionFlag.permissionFlag, roleTargets without keys", newRole + `
CREATE TABLE core."permissionFlag" (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "roleId" uuid NOT NULL, "permissionFlag" text NOT NULL, "workspaceId" uuid NOT NULL,
  "createdAt" timestamptz NOT NULL DEFAULT now());
INSERT INTO core."permissionFlag" ("roleId", "permissionFlag", "workspaceId") VALUES ('` + role + `', 'WORKFLOWS', '` + ws + `');
CREATE TABLE core."roleTargets" (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "roleId" uuid NOT NULL, "userWorkspaceId" uuid, "agentId" uuid, "workspaceId" uuid NOT NULL,
  "createdAt" timestamptz NOT NULL DEFAULT now());
INSERT INTO core."roleTargets" ("roleId", "userWorkspaceId", "workspaceId") VALUES ('` + role + `', '` + uw + `', '` + ws + `');
`, "true false false true", []string{"WORKFLOWS"}, role, ""},
		{"1.x: permissionFlag.flag, roleTarget with keys", newRole + `
CREATE TABLE core."permissionFlag" (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "roleId" uuid NOT NULL, flag text NOT NULL, "workspaceId" uuid NOT NULL,
  "createdAt" timestamptz NOT NULL DEFAULT now());
INSERT INTO core."permissionFlag" ("roleId", flag, "workspaceId") VALUES ('` + role + `', 'ROLES', '` + ws + `');
CREATE TABLE core."roleTarget" (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "roleId" uuid NOT NULL, "userWorkspaceId" uuid, "apiKeyId" uuid, "agentId" uuid,
  "workspaceId" uuid NOT NULL, "createdAt" timestamptz NOT NULL DEFAULT now());
INSERT INTO core."roleTarget" ("roleId", "apiKeyId", "workspaceId") VALUES ('` + role + `', '` + apiKey + `', '` + ws + `');
`, "true false false true", []string{"ROLES"}, "", role},
		{"2.6: rolePermissionFlag to a permissionFlag catalog", newRole + `
CREATE TABLE core."permissionFlag" (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), key text NOT NULL, label text NOT NULL, "workspaceId" uuid NOT NULL,
  "createdAt" timestamptz NOT NULL DEFAULT now());
INSERT INTO core."permissionFlag" (id, key, label, "workspaceId") VALUES ('20202020-0000-4000-8000-0000000000ee', 'SECURITY', 'Security', '` + ws + `');
CREATE TABLE core."rolePermissionFlag" (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "roleId" uuid NOT NULL, "permissionFlagId" uuid, flag text,
  "workspaceId" uuid NOT NULL, "createdAt" timestamptz NOT NULL DEFAULT now());
INSERT INTO core."rolePermissionFlag" ("roleId", "permissionFlagId", "workspaceId") VALUES ('` + role + `', '20202020-0000-4000-8000-0000000000ee', '` + ws + `');
INSERT INTO core."rolePermissionFlag" ("roleId", flag, "workspaceId") VALUES ('` + role + `', 'WORKSPACE', '` + ws + `');
CREATE TABLE core."roleTarget" (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "roleId" uuid NOT NULL, "userWorkspaceId" uuid, "apiKeyId" uuid,
  "workspaceId" uuid NOT NULL, "createdAt" timestamptz NOT NULL DEFAULT now());
INSERT INTO core."roleTarget" ("roleId", "userWorkspaceId", "workspaceId") VALUES ('` + role + `', '` + uw + `', '` + ws + `');
INSERT INTO core."roleTarget" ("roleId", "apiKeyId", "workspaceId") VALUES ('` + role + `', '` + apiKey + `', '` + ws + `');
`, "true false false true", []string{"SECURITY", "WORKSPACE"}, role, role},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := fmt.Sprintf("twenty_import_roles_%d", i)
			c := emptyDatabase(t, admin, db)
			defer c.Close(context.Background())
			if _, err := c.Exec(t.Context(), base+tc.ddl); err != nil {
				t.Fatal(err)
			}
			src := &Source{conn: c}
			roles, err := src.Roles(t.Context())
			if err != nil || len(roles) != 1 {
				t.Fatalf("Roles = %+v, %v", roles, err)
			}
			r := roles[0]
			if got := fmt.Sprint(r.CanReadAll, r.CanUpdateAll, r.CanDestroyAll, r.CanBeAssignedToAPIKeys); got != tc.wantRole {
				t.Errorf("role columns = %s, want %s", got, tc.wantRole)
			}
			flags, err := src.PermissionFlags(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			var gotFlags []string
			for _, f := range flags[ws] {
				if f.RoleID != role {
					t.Errorf("flag %s of role %s", f.Flag, f.RoleID)
				}
				gotFlags = append(gotFlags, f.Flag)
			}
			slices.Sort(gotFlags)
			if diff := cmp.Diff(tc.wantFlags, gotFlags); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
			ms, err := src.Memberships(t.Context())
			if err != nil || len(ms) != 1 {
				t.Fatalf("Memberships = %+v, %v", ms, err)
			}
			keys, err := src.APIKeys(t.Context())
			if err != nil || len(keys) != 1 {
				t.Fatalf("APIKeys = %+v, %v", keys, err)
			}
			or := func(s *string) string {
				if s == nil {
					return ""
				}
				return *s
			}
			if got := or(ms[0].RoleID) + "/" + or(keys[0].RoleID); got != tc.wantMember+"/"+tc.wantKey {
				t.Errorf("member/key roles = %s, want %s/%s", got, tc.wantMember, tc.wantKey)
			}
		})
	}
}

// emptyDatabase creates database db (dropped at the end) and answers a connection to it.
func emptyDatabase(t *testing.T, adminURL, db string) *pgx.Conn {
	t.Helper()
	a, err := pgx.Connect(t.Context(), adminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(t.Context())
	ident := pgx.Identifier{db}.Sanitize()
	if _, err := a.Exec(t.Context(), "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Exec(t.Context(), "CREATE DATABASE "+ident); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pgfixture.Drop(context.Background(), adminURL, db) })
	cfg, err := pgx.ParseConfig(adminURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = db
	conn, err := pgx.ConnectConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

func TestRoleStatements(t *testing.T) {
	const ws = "w1"
	yes, no := true, false
	objects := []importschema.Object{{ID: "o-person", NameSingular: "person", Fields: []importschema.Field{{ID: "f-city", Name: "city"}}}}
	c := Core{
		Roles: []Role{
			{ID: "r-admin", WorkspaceID: ws, Label: "Admin", CanReadAll: true},
			{ID: "r-member", WorkspaceID: ws, Label: "Member", IsEditable: true},
			{ID: "r-sales", WorkspaceID: ws, Label: "Sales", IsEditable: true, CanBeAssignedToAPIKeys: true},
			{ID: "r-admin2", WorkspaceID: ws, Label: "admin"},
			{ID: "r-other", WorkspaceID: "w2", Label: "Sales"},
		},
		ObjectPermissions: map[string][]ObjectPermission{ws: {
			{ID: "op1", RoleID: "r-sales", ObjectID: "o-person", CanUpdate: &no},
			{ID: "op2", RoleID: "r-sales", ObjectID: "o-remote", CanRead: &yes},
			{ID: "op3", RoleID: "r-admin2", ObjectID: "o-person", CanRead: &yes},
		}},
		FieldPermissions: map[string][]FieldPermission{ws: {
			{ID: "fp1", RoleID: "r-sales", ObjectID: "o-person", FieldID: "f-city", CanRead: &no},
			{ID: "fp2", RoleID: "r-sales", ObjectID: "o-person", FieldID: "f-unsupported", CanRead: &no},
		}},
		PermissionFlags: map[string][]PermissionFlag{ws: {{ID: "pf1", RoleID: "r-sales", Flag: "WORKFLOWS"}}},
	}
	roles, perms, roleFor, kept, skipped := roleStatements(c, Workspace{ID: ws}, objects)
	type row struct{ ID, Standard, Label string }
	var gotRoles []row
	for _, s := range roles {
		std, _ := s.Args[2].(string)
		gotRoles = append(gotRoles, row{s.Args[0].(string), std, s.Args[3].(string)})
	}
	want := []row{{"r-admin", "admin", "Admin"}, {"r-member", "member", "Member"}, {"r-sales", "", "Sales"}}
	if diff := cmp.Diff(want, gotRoles); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	var gotPerms []string
	for _, s := range perms {
		gotPerms = append(gotPerms, s.Args[0].(string))
	}
	if diff := cmp.Diff([]string{"op1", "fp1", "pf1"}, gotPerms); diff != "" {
		t.Errorf("permissions (-want +got):\n%s", diff)
	}
	wantFor := map[string]string{"r-admin": "r-admin", "r-member": "r-member", "r-sales": "r-sales", "r-admin2": "r-admin"}
	if diff := cmp.Diff(wantFor, roleFor); diff != "" {
		t.Errorf("roleFor (-want +got):\n%s", diff)
	}
	if kept["admin"] != "r-admin" || kept["member"] != "r-member" {
		t.Errorf("kept = %v", kept)
	}
	var what []string
	for _, s := range skipped {
		what = append(what, s.What)
	}
	if diff := cmp.Diff([]string{"role admin", "object permission op2", "object permission op3", "field permission fp2"}, what); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}
