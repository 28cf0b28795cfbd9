package main

import (
	"io/fs"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/migrations"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

// TestRolesMigrationKeepsAssignments applies the migrations before 0012 to a control database
// holding a workspace with its standard roles, a member and an API key, then 0012 in one
// transaction as D1 applies a migration (with foreign keys enforced): the rebuilt roles keep
// their ids and references, and get Twenty's values for the new columns.
func TestRolesMigrationKeepsAssignments(t *testing.T) {
	db := sqltest.OpenEmpty(t)
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	apply := func(name string, tx bool) {
		t.Helper()
		script, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		sql := string(script)
		if tx {
			sql = "BEGIN;\n" + sql + "\nCOMMIT;"
		}
		if _, err := db.Exec(sql); err != nil {
			t.Fatalf("apply %s: %v", name, err)
		}
	}
	i := slices.Index(names, "0012_roles_permissions.sql")
	if i < 0 {
		t.Fatal("no migration 0012_roles_permissions.sql")
	}
	for _, n := range names[:i] {
		apply(n, false)
	}
	for _, q := range []string{
		`INSERT INTO workspaces (id) VALUES ('ws')`,
		`INSERT INTO users (id, email) VALUES ('u', 'u@x.dev')`,
		`INSERT INTO roles (id, workspace_id, standard_id, label, description, is_editable, can_update_all_settings)
VALUES ('admin', 'ws', 'admin', 'Admin', 'Admin role', 0, 1), ('member', 'ws', 'member', 'Member', 'Member role', 1, 0)`,
		`INSERT INTO user_workspaces (id, user_id, workspace_id, workspace_member_id, role_id) VALUES ('uw', 'u', 'ws', 'wm', 'member')`,
		`INSERT INTO api_keys (id, workspace_id, name, role_id, expires_at) VALUES ('k', 'ws', 'key', 'admin', '2100-01-01')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	apply(names[i], true)
	for _, n := range names[i+1:] {
		apply(n, false)
	}

	type role struct {
		ID, Icon                                               string
		Editable, Settings, Tools, Read, Update, Soft, Destroy int
		Users, Agents, APIKeys                                 int
	}
	rows, err := db.Query(`SELECT id, icon, is_editable, can_update_all_settings, can_access_all_tools, can_read_all_object_records,
can_update_all_object_records, can_soft_delete_all_object_records, can_destroy_all_object_records,
can_be_assigned_to_users, can_be_assigned_to_agents, can_be_assigned_to_api_keys FROM roles ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []role
	for rows.Next() {
		var r role
		if err := rows.Scan(&r.ID, &r.Icon, &r.Editable, &r.Settings, &r.Tools, &r.Read, &r.Update, &r.Soft, &r.Destroy, &r.Users, &r.Agents, &r.APIKeys); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	want := []role{
		{ID: "admin", Icon: "IconUserCog", Editable: 0, Settings: 1, Tools: 1, Read: 1, Update: 1, Soft: 1, Destroy: 1, Users: 1, Agents: 0, APIKeys: 1},
		{ID: "member", Icon: "IconUser", Editable: 1, Settings: 0, Tools: 1, Read: 1, Update: 1, Soft: 1, Destroy: 1, Users: 1, Agents: 0, APIKeys: 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("roles after 0012 (-want +got):\n%s", diff)
	}
	if n := count(t, db, `SELECT count(*) FROM pragma_foreign_key_check`); n != 0 {
		t.Errorf("%d foreign key violations after 0012", n)
	}
	// The references still hold: a custom role without a standard id, then deleting a role in use fails.
	if _, err := db.Exec(`INSERT INTO roles (id, workspace_id, label) VALUES ('custom', 'ws', 'Sales')`); err != nil {
		t.Errorf("custom role: %v", err)
	}
	if _, err := db.Exec(`DELETE FROM roles WHERE id = 'member'`); err == nil {
		t.Error("deleting a role a member has succeeded")
	}
	if _, err := db.Exec(`INSERT INTO object_permissions (id, workspace_id, role_id, object_metadata_id, can_update) VALUES ('p', 'ws', 'custom', 'nope', 0)`); err == nil {
		t.Error("an object permission on no object was stored")
	}
}
