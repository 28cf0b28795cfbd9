package main

import (
	"context"
	"fmt"
	"sync"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/permissions"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// This file gives every record call its permissions scope, in one place (withSchema calls
// scopeIn): the call's principal comes from the gateway in rpc.PrincipalHeader (none: one of our
// Workers acting as the system, which may do everything); its role comes from the workspace's
// schema, cached with the objects (schema.go), so a warm call reads nothing more from D1. A
// principal the cached schema does not know (a member who joined or a key created since) makes
// the call read the schema fresh once; a principal without a role then may do nothing. The
// engine asks the scope on every operation (engine/permit.go).

// permissionReads are the control statements reading the workspace's roles (Admin, Member, then
// the custom ones as they were created) and assignments, in the batch that reads its schema;
// readPermissions reads their results.
func permissionReads(workspaceID string) []d1.Stmt {
	args := []any{workspaceID}
	return []d1.Stmt{
		{SQL: `SELECT id, coalesce(standard_id, ''), label, description, icon, is_editable, can_update_all_settings,
can_access_all_tools, can_read_all_object_records, can_update_all_object_records, can_soft_delete_all_object_records,
can_destroy_all_object_records, can_be_assigned_to_users, can_be_assigned_to_agents, can_be_assigned_to_api_keys
FROM roles WHERE workspace_id = ? ORDER BY CASE standard_id WHEN 'admin' THEN 0 WHEN 'member' THEN 1 ELSE 2 END, created_at, id`, Args: args},
		{SQL: `SELECT id, role_id, object_metadata_id, can_read, can_update, can_soft_delete, can_destroy
FROM object_permissions WHERE workspace_id = ? ORDER BY created_at, id`, Args: args},
		{SQL: `SELECT id, role_id, object_metadata_id, field_metadata_id, can_read, can_update
FROM field_permissions WHERE workspace_id = ? ORDER BY created_at, id`, Args: args},
		{SQL: `SELECT id, role_id, flag FROM role_permission_flags WHERE workspace_id = ? ORDER BY flag`, Args: args},
		{SQL: `SELECT workspace_member_id, id, role_id FROM user_workspaces WHERE workspace_id = ?`, Args: args},
		// A key without a role (made before keys had one) has the Admin role, as auth gives new keys.
		{SQL: `SELECT k.id, coalesce(k.role_id, (SELECT r.id FROM roles r WHERE r.workspace_id = k.workspace_id AND r.standard_id = 'admin'), '')
FROM api_keys k WHERE k.workspace_id = ? AND k.revoked_at IS NULL`, Args: args},
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func flag(v any) bool {
	n, _ := v.(int64)
	return n != 0
}

func optFlag(v any) *bool {
	if v == nil {
		return nil
	}
	b := flag(v)
	return &b
}

// readPermissions reads the results of permissionReads.
func readPermissions(res []d1.Result) (*permissions.Model, error) {
	if len(res) != 6 {
		return nil, fmt.Errorf("%d results, want 6", len(res))
	}
	m := &permissions.Model{Members: map[string]permissions.Member{}, APIKeys: map[string]string{}}
	byID := map[string]int{}
	for _, r := range res[0].Rows {
		byID[str(r[0])] = len(m.Roles)
		m.Roles = append(m.Roles, permissions.Role{
			ID: str(r[0]), StandardID: str(r[1]), Label: str(r[2]), Description: str(r[3]), Icon: str(r[4]), IsEditable: flag(r[5]),
			CanUpdateAllSettings: flag(r[6]), CanAccessAllTools: flag(r[7]), CanReadAllObjectRecords: flag(r[8]),
			CanUpdateAllObjectRecords: flag(r[9]), CanSoftDeleteAllObjectRecords: flag(r[10]), CanDestroyAllObjectRecords: flag(r[11]),
			CanBeAssignedToUsers: flag(r[12]), CanBeAssignedToAgents: flag(r[13]), CanBeAssignedToAPIKeys: flag(r[14]),
		})
	}
	for _, r := range res[1].Rows {
		if i, ok := byID[str(r[1])]; ok {
			m.Roles[i].Objects = append(m.Roles[i].Objects, permissions.ObjectPermission{ID: str(r[0]), ObjectMetadataID: str(r[2]),
				CanRead: optFlag(r[3]), CanUpdate: optFlag(r[4]), CanSoftDelete: optFlag(r[5]), CanDestroy: optFlag(r[6])})
		}
	}
	for _, r := range res[2].Rows {
		if i, ok := byID[str(r[1])]; ok {
			m.Roles[i].Fields = append(m.Roles[i].Fields, permissions.FieldPermission{ID: str(r[0]), ObjectMetadataID: str(r[2]),
				FieldMetadataID: str(r[3]), CanRead: optFlag(r[4]), CanUpdate: optFlag(r[5])})
		}
	}
	for _, r := range res[3].Rows {
		if i, ok := byID[str(r[1])]; ok {
			m.Roles[i].Flags = append(m.Roles[i].Flags, permissions.Flag{ID: str(r[0]), Flag: str(r[2])})
		}
	}
	for _, r := range res[4].Rows {
		m.Members[str(r[0])] = permissions.Member{UserWorkspaceID: str(r[1]), RoleID: str(r[2])}
	}
	for _, r := range res[5].Rows {
		m.APIKeys[str(r[0])] = str(r[1])
	}
	return m, nil
}

// scopeCache keeps the scopes of a schema's roles, computed on first use (no I/O under the lock).
type scopeCache struct {
	mu     sync.Mutex
	byRole map[string]*permissions.Scope
}

// scope answers the scope of role r of sc.
func (sc *schema) scope(r *permissions.Role) *permissions.Scope {
	sc.scopes.mu.Lock()
	defer sc.scopes.mu.Unlock()
	if s, ok := sc.scopes.byRole[r.ID]; ok {
		return s
	}
	if sc.scopes.byRole == nil {
		sc.scopes.byRole = map[string]*permissions.Scope{}
	}
	s := permissions.NewScope(r)
	sc.scopes.byRole[r.ID] = s
	return s
}

// errBadPrincipal is a principal header that does not decode: no permission at all.
var errBadPrincipal = connect.NewError(connect.CodePermissionDenied, fmt.Errorf("%s", permissions.MsgPermissionDenied))

// scopeIn answers the scope of the call's principal in schema sc; known is false when sc does
// not know the principal (read the schema fresh and ask again). The system's scope is nil.
func scopeIn(ctx context.Context, sc *schema) (scope *permissions.Scope, known bool, err error) {
	p, ok := rpc.PrincipalOf(ctx)
	if !ok {
		return nil, true, errBadPrincipal
	}
	if p == nil || p.GetSystem() {
		return nil, true, nil
	}
	if sc.Permissions == nil {
		return nil, false, permissions.Denied()
	}
	role, known := sc.Permissions.RoleOf(permissions.Principal{WorkspaceMemberID: p.GetWorkspaceMemberId(), APIKeyID: p.GetApiKeyId()})
	if !known || role == nil {
		return nil, known, permissions.Denied()
	}
	return sc.scope(role), true, nil
}

// permissionSlot opens the slot each record call's scope goes in (withSchema fills it).
var permissionSlot = connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		return next(permissions.WithSlot(ctx), req)
	}
})

// deniedOnCache reports a GraphQL response refused for permissions, which a cached schema
// explains when the role was granted more since: the request runs again on a fresh one (a
// refusal happens before any batch, so the shard's stamp did not tell).
func deniedOnCache(resp *graphql.Response) bool {
	for _, e := range resp.Errors {
		if e.Code() == graphql.CodeForbidden {
			return true
		}
	}
	return false
}
