package main

import (
	"context"
	"testing"

	"github.com/twentyworkers/twenty/shared/sqltest"
)

// TestMembersWithACustomRole: a member whose role is a custom one (no standard id, since
// migration 0012) is read like any other.
func TestMembersWithACustomRole(t *testing.T) {
	db := sqltest.Open(t)
	for _, q := range []string{
		`INSERT INTO workspaces (id) VALUES ('ws')`,
		`INSERT INTO users (id, email) VALUES ('u', 'u@x.dev')`,
		`INSERT INTO roles (id, workspace_id, label) VALUES ('sales', 'ws', 'Sales')`,
		`INSERT INTO user_workspaces (id, user_id, workspace_id, workspace_member_id, role_id) VALUES ('uw', 'u', 'ws', 'wm', 'sales')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s := &store{db: db}
	ctx := context.Background()
	if m, err := s.membership(ctx, "u", "ws"); err != nil || m.RoleID != "sales" || m.RoleStandardID != "" {
		t.Errorf("membership = %+v, %v", m, err)
	}
	if m, err := s.memberByWorkspaceMemberID(ctx, "ws", "wm"); err != nil || m.RoleID != "sales" {
		t.Errorf("memberByWorkspaceMemberID = %+v, %v", m, err)
	}
	if err := s.canUpdateSettings(ctx, "u", "ws"); err != errSettingsOnly {
		t.Errorf("canUpdateSettings = %v, want errSettingsOnly", err)
	}
	if roles, err := s.roles(ctx, "ws"); err != nil || len(roles) != 1 || roles[0].StandardID != "" {
		t.Errorf("roles = %+v, %v", roles, err)
	}
}
