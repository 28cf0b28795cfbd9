package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/permissions"
	"github.com/twentyworkers/twenty/shared/d1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// roleServer serves recordsv1connect.RoleServiceHandler: Twenty's role, object-permission,
// field-permission and permission-flag metadata modules, and role assignment. Reads read the
// workspace's schema fresh from the control database (one batch); every change goes through the
// metadata commit path (metastore.ApplyControl: the version bump and the shard's stamp), so every
// isolate's cached schema, and the permissions it enforces, follow at once. Changes need the
// caller's ROLES settings permission (an API key's role needs API_KEYS_AND_WEBHOOKS), as
// Twenty's SettingsPermissionGuard; the system (no principal) may do everything.
type roleServer struct {
	s *server
}

var _ recordsv1connect.RoleServiceHandler = (*roleServer)(nil)

func permErr(code, format string, args ...any) *permissions.Error {
	return &permissions.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// model reads the workspace's schema fresh: its objects and its permissions model.
func (r *roleServer) model(ctx context.Context, workspaceID string) (*schema, error) {
	if err := workspaceFor(workspaceID); err != nil {
		return nil, err
	}
	sc, _, err := r.s.schemaOf(ctx, workspaceID, true)
	if err != nil {
		return nil, err
	}
	if sc.Shard == "" || sc.Permissions == nil {
		return nil, notFound("workspace not found")
	}
	return sc, nil
}

// callerScope answers the scope of the call's principal in sc (nil: the system).
func callerScope(ctx context.Context, sc *schema) (*permissions.Scope, error) {
	scope, _, err := scopeIn(ctx, sc)
	return scope, err
}

// guard refuses a caller without the settings flag.
func guard(ctx context.Context, sc *schema, flag string) error {
	scope, err := callerScope(ctx, sc)
	if err != nil {
		return err
	}
	if !scope.HasFlag(flag) {
		return permissions.Denied()
	}
	return nil
}

// editableRole answers the role with id, refusing an unknown or standard (not editable) one.
func editableRole(sc *schema, id string) (*permissions.Role, error) {
	role := sc.Permissions.Role(strings.ToLower(id))
	if role == nil {
		return nil, permErr(permissions.CodeRoleNotFound, "Role not found")
	}
	if !role.IsEditable {
		return nil, permErr(permissions.CodeRoleNotEditable, "Role is not editable")
	}
	return role, nil
}

// roleToEdit answers the workspace's role id for a change of its permissions: the caller needs
// the ROLES permission and the role must be editable.
func (r *roleServer) roleToEdit(ctx context.Context, ws, id string) (*permissions.Role, error) {
	sc, err := r.model(ctx, ws)
	if err != nil {
		return nil, err
	}
	if err := guard(ctx, sc, permissions.FlagRoles); err != nil {
		return nil, err
	}
	return editableRole(sc, id)
}

// apply writes a change through the metadata commit path, then answers the fresh schema.
func (r *roleServer) apply(ctx context.Context, workspaceID string, build func(objects []metadata.Object) ([]d1.Stmt, error)) (*schema, error) {
	if err := r.s.metaStore().ApplyControl(ctx, workspaceID, build); err != nil {
		return nil, err
	}
	return r.model(ctx, workspaceID)
}

// GetRoles implements recordsv1connect.RoleServiceHandler.
func (r *roleServer) GetRoles(ctx context.Context, req *recordsv1.GetRolesRequest) (*recordsv1.GetRolesResponse, error) {
	sc, err := r.model(ctx, req.GetWorkspaceId())
	if err != nil {
		return nil, err
	}
	out := &recordsv1.GetRolesResponse{}
	for i := range sc.Permissions.Roles {
		out.Roles = append(out.Roles, roleProto(sc.Permissions, &sc.Permissions.Roles[i]))
	}
	return out, nil
}

// roleProto is role with its assignees.
func roleProto(m *permissions.Model, role *permissions.Role) *recordsv1.Role {
	p := &recordsv1.Role{
		Id: role.ID, StandardId: role.StandardID, Label: role.Label, Description: role.Description, Icon: role.Icon, IsEditable: role.IsEditable,
		CanUpdateAllSettings: role.CanUpdateAllSettings, CanAccessAllTools: role.CanAccessAllTools,
		CanReadAllObjectRecords: role.CanReadAllObjectRecords, CanUpdateAllObjectRecords: role.CanUpdateAllObjectRecords,
		CanSoftDeleteAllObjectRecords: role.CanSoftDeleteAllObjectRecords, CanDestroyAllObjectRecords: role.CanDestroyAllObjectRecords,
		CanBeAssignedToUsers: role.CanBeAssignedToUsers, CanBeAssignedToAgents: role.CanBeAssignedToAgents, CanBeAssignedToApiKeys: role.CanBeAssignedToAPIKeys,
	}
	for _, o := range role.Objects {
		p.ObjectPermissions = append(p.ObjectPermissions, objectPermissionProto(role.ID, o))
	}
	for _, f := range role.Fields {
		p.FieldPermissions = append(p.FieldPermissions, fieldPermissionProto(role.ID, f))
	}
	for _, f := range role.Flags {
		p.PermissionFlags = append(p.PermissionFlags, &recordsv1.PermissionFlag{Id: f.ID, RoleId: role.ID, Flag: f.Flag})
	}
	for id, mem := range m.Members {
		if mem.RoleID == role.ID {
			p.WorkspaceMemberIds = append(p.WorkspaceMemberIds, id)
		}
	}
	for id, rid := range m.APIKeys {
		if rid == role.ID {
			p.ApiKeyIds = append(p.ApiKeyIds, id)
		}
	}
	slices.Sort(p.WorkspaceMemberIds)
	slices.Sort(p.ApiKeyIds)
	return p
}

func objectPermissionProto(roleID string, o permissions.ObjectPermission) *recordsv1.ObjectPermission {
	return &recordsv1.ObjectPermission{Id: o.ID, RoleId: roleID, ObjectMetadataId: o.ObjectMetadataID,
		CanReadObjectRecords: o.CanRead, CanUpdateObjectRecords: o.CanUpdate, CanSoftDeleteObjectRecords: o.CanSoftDelete, CanDestroyObjectRecords: o.CanDestroy}
}

func fieldPermissionProto(roleID string, f permissions.FieldPermission) *recordsv1.FieldPermission {
	return &recordsv1.FieldPermission{Id: f.ID, RoleId: roleID, ObjectMetadataId: f.ObjectMetadataID, FieldMetadataId: f.FieldMetadataID,
		CanReadFieldValue: f.CanRead, CanUpdateFieldValue: f.CanUpdate}
}

// roleColumns are the role columns RoleInput sets, in order.
var roleColumns = []string{"label", "description", "icon", "can_update_all_settings", "can_access_all_tools",
	"can_read_all_object_records", "can_update_all_object_records", "can_soft_delete_all_object_records",
	"can_destroy_all_object_records", "can_be_assigned_to_users", "can_be_assigned_to_agents", "can_be_assigned_to_api_keys"}

// applyInput sets on role what in sets, and answers the values in roleColumns' order.
func applyInput(role *permissions.Role, in *recordsv1.RoleInput) []any {
	if in.Label != nil {
		role.Label = strings.TrimSpace(in.GetLabel())
	}
	if in.Description != nil {
		role.Description = in.GetDescription()
	}
	if in.Icon != nil {
		role.Icon = in.GetIcon()
	}
	for _, b := range []struct {
		dst *bool
		v   *bool
	}{
		{&role.CanUpdateAllSettings, in.CanUpdateAllSettings}, {&role.CanAccessAllTools, in.CanAccessAllTools},
		{&role.CanReadAllObjectRecords, in.CanReadAllObjectRecords}, {&role.CanUpdateAllObjectRecords, in.CanUpdateAllObjectRecords},
		{&role.CanSoftDeleteAllObjectRecords, in.CanSoftDeleteAllObjectRecords}, {&role.CanDestroyAllObjectRecords, in.CanDestroyAllObjectRecords},
		{&role.CanBeAssignedToUsers, in.CanBeAssignedToUsers}, {&role.CanBeAssignedToAgents, in.CanBeAssignedToAgents},
		{&role.CanBeAssignedToAPIKeys, in.CanBeAssignedToApiKeys},
	} {
		if b.v != nil {
			*b.dst = *b.v
		}
	}
	return []any{role.Label, role.Description, role.Icon, role.CanUpdateAllSettings, role.CanAccessAllTools,
		role.CanReadAllObjectRecords, role.CanUpdateAllObjectRecords, role.CanSoftDeleteAllObjectRecords,
		role.CanDestroyAllObjectRecords, role.CanBeAssignedToUsers, role.CanBeAssignedToAgents, role.CanBeAssignedToAPIKeys}
}

// validateRole applies Twenty's rules to a role's values: a label, unique in the workspace, and no
// writing without reading.
func validateRole(m *permissions.Model, role *permissions.Role) error {
	if role.Label == "" {
		return permErr(permissions.CodeInvalidArg, "Label is required")
	}
	for _, other := range m.Roles {
		if other.ID != role.ID && strings.EqualFold(other.Label, role.Label) {
			return permErr(permissions.CodeRoleLabelExists, "A role with this label already exists")
		}
	}
	if !role.CanReadAllObjectRecords && (role.CanUpdateAllObjectRecords || role.CanSoftDeleteAllObjectRecords || role.CanDestroyAllObjectRecords) {
		return permErr(permissions.CodeWriteWithoutRead, "Cannot give writing permission without reading permission")
	}
	return nil
}

// CreateRole implements recordsv1connect.RoleServiceHandler: Twenty's defaults for what the input
// leaves out (no settings, no tools, no records; assignable to users, agents and API keys).
func (r *roleServer) CreateRole(ctx context.Context, req *recordsv1.CreateRoleRequest) (*recordsv1.RoleResponse, error) {
	ws := req.GetWorkspaceId()
	sc, err := r.model(ctx, ws)
	if err != nil {
		return nil, err
	}
	if err := guard(ctx, sc, permissions.FlagRoles); err != nil {
		return nil, err
	}
	id := strings.ToLower(req.GetId())
	if id == "" {
		id = ids.NewUUID()
	} else if !ids.IsUUID(id) || sc.Permissions.Role(id) != nil {
		return nil, permErr(permissions.CodeInvalidArg, "Invalid role id")
	}
	role := &permissions.Role{ID: id, Icon: "IconUser", IsEditable: true, CanBeAssignedToUsers: true, CanBeAssignedToAgents: true, CanBeAssignedToAPIKeys: true}
	values := applyInput(role, req.GetInput())
	if err := validateRole(sc.Permissions, role); err != nil {
		return nil, err
	}
	sc, err = r.apply(ctx, ws, func([]metadata.Object) ([]d1.Stmt, error) {
		return []d1.Stmt{{
			SQL: `INSERT INTO roles (id, workspace_id, is_editable, ` + strings.Join(roleColumns, ", ") + `) VALUES (?, ?, 1` +
				strings.Repeat(", ?", len(roleColumns)) + `)`,
			Args: append([]any{id, ws}, values...),
		}}, nil
	})
	if err != nil {
		return nil, err
	}
	return r.roleResponse(sc, id)
}

func (r *roleServer) roleResponse(sc *schema, id string) (*recordsv1.RoleResponse, error) {
	role := sc.Permissions.Role(id)
	if role == nil {
		return nil, permErr(permissions.CodeRoleNotFound, "Role not found")
	}
	return &recordsv1.RoleResponse{Role: roleProto(sc.Permissions, role)}, nil
}

// UpdateRole implements recordsv1connect.RoleServiceHandler.
func (r *roleServer) UpdateRole(ctx context.Context, req *recordsv1.UpdateRoleRequest) (*recordsv1.RoleResponse, error) {
	ws := req.GetWorkspaceId()
	sc, err := r.model(ctx, ws)
	if err != nil {
		return nil, err
	}
	if err := guard(ctx, sc, permissions.FlagRoles); err != nil {
		return nil, err
	}
	old, err := editableRole(sc, req.GetId())
	if err != nil {
		return nil, err
	}
	role := *old
	values := applyInput(&role, req.GetUpdate())
	if err := validateRole(sc.Permissions, &role); err != nil {
		return nil, err
	}
	sets := make([]string, len(roleColumns))
	for i, c := range roleColumns {
		sets[i] = c + " = ?"
	}
	sc, err = r.apply(ctx, ws, func([]metadata.Object) ([]d1.Stmt, error) {
		return []d1.Stmt{{
			SQL:  `UPDATE roles SET ` + strings.Join(sets, ", ") + `, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND workspace_id = ?`,
			Args: append(values, role.ID, ws),
		}}, nil
	})
	if err != nil {
		return nil, err
	}
	return r.roleResponse(sc, role.ID)
}

// DeleteRole implements recordsv1connect.RoleServiceHandler: the role's members and API keys get
// the default role, Member, in the same batch.
func (r *roleServer) DeleteRole(ctx context.Context, req *recordsv1.DeleteRoleRequest) (*recordsv1.DeleteRoleResponse, error) {
	ws := req.GetWorkspaceId()
	sc, err := r.model(ctx, ws)
	if err != nil {
		return nil, err
	}
	if err := guard(ctx, sc, permissions.FlagRoles); err != nil {
		return nil, err
	}
	role, err := editableRole(sc, req.GetId())
	if err != nil {
		return nil, err
	}
	def := sc.Permissions.Standard("member")
	if def == nil {
		return nil, permErr(permissions.CodeDefaultRoleDelete, "Default role not found")
	}
	if role.ID == def.ID {
		return nil, permErr(permissions.CodeDefaultRoleDelete, "Default role cannot be deleted")
	}
	_, err = r.apply(ctx, ws, func([]metadata.Object) ([]d1.Stmt, error) {
		return []d1.Stmt{
			{SQL: `UPDATE user_workspaces SET role_id = ? WHERE role_id = ? AND workspace_id = ?`, Args: []any{def.ID, role.ID, ws}},
			{SQL: `UPDATE api_keys SET role_id = ? WHERE role_id = ? AND workspace_id = ?`, Args: []any{def.ID, role.ID, ws}},
			{SQL: `DELETE FROM roles WHERE id = ? AND workspace_id = ?`, Args: []any{role.ID, ws}},
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return &recordsv1.DeleteRoleResponse{Id: role.ID}, nil
}

// objectByID answers the object with id among objects.
func objectByID(objects []metadata.Object, id string) (metadata.Object, bool) {
	i := slices.IndexFunc(objects, func(o metadata.Object) bool { return o.ID == id })
	if i < 0 {
		return metadata.Object{}, false
	}
	return objects[i], true
}

func sqlBool(b *bool) any {
	if b == nil {
		return nil
	}
	if *b {
		return int64(1)
	}
	return int64(0)
}

// UpsertObjectPermissions implements recordsv1connect.RoleServiceHandler: a value the input
// leaves out keeps the one stored (none: the role's); answers the role's object permissions.
func (r *roleServer) UpsertObjectPermissions(ctx context.Context, req *recordsv1.UpsertObjectPermissionsRequest) (*recordsv1.UpsertObjectPermissionsResponse, error) {
	ws := req.GetWorkspaceId()
	role, err := r.roleToEdit(ctx, ws, req.GetRoleId())
	if err != nil {
		return nil, err
	}
	sc, err := r.apply(ctx, ws, func(objects []metadata.Object) ([]d1.Stmt, error) {
		var stmts []d1.Stmt
		for _, in := range req.GetObjectPermissions() {
			oid := strings.ToLower(in.GetObjectMetadataId())
			obj, ok := objectByID(objects, oid)
			if !ok {
				return nil, permErr(permissions.CodeObjectNotFound, "Object metadata not found")
			}
			if obj.IsSystem {
				return nil, permErr(permissions.CodeSystemObject, "Cannot add object permission on system object")
			}
			// The permission as it will be: the input over what is stored, over the role's.
			now := permissions.ObjectPermission{ObjectMetadataID: oid}
			for _, o := range role.Objects {
				if o.ObjectMetadataID == oid {
					now = o
				}
			}
			for _, p := range []struct{ dst, v **bool }{
				{&now.CanRead, &in.CanReadObjectRecords}, {&now.CanUpdate, &in.CanUpdateObjectRecords},
				{&now.CanSoftDelete, &in.CanSoftDeleteObjectRecords}, {&now.CanDestroy, &in.CanDestroyObjectRecords},
			} {
				if *p.v != nil {
					*p.dst = *p.v
				}
			}
			a := permissions.NewScope(&permissions.Role{CanReadAllObjectRecords: role.CanReadAllObjectRecords, CanUpdateAllObjectRecords: role.CanUpdateAllObjectRecords,
				CanSoftDeleteAllObjectRecords: role.CanSoftDeleteAllObjectRecords, CanDestroyAllObjectRecords: role.CanDestroyAllObjectRecords,
				Objects: []permissions.ObjectPermission{now}}).Access(oid)
			if !a.Read && (a.Update || a.SoftDelete || a.Destroy) {
				return nil, permErr(permissions.CodeWriteWithoutRead, "Cannot give update permission to non-readable object")
			}
			stmts = append(stmts, d1.Stmt{
				SQL: `INSERT INTO object_permissions (id, workspace_id, role_id, object_metadata_id, can_read, can_update, can_soft_delete, can_destroy)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (role_id, object_metadata_id) DO UPDATE SET can_read = excluded.can_read,
can_update = excluded.can_update, can_soft_delete = excluded.can_soft_delete, can_destroy = excluded.can_destroy,
updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
				Args: []any{ids.NewUUID(), ws, role.ID, oid, sqlBool(now.CanRead), sqlBool(now.CanUpdate), sqlBool(now.CanSoftDelete), sqlBool(now.CanDestroy)},
			})
		}
		return stmts, nil
	})
	if err != nil {
		return nil, err
	}
	out := &recordsv1.UpsertObjectPermissionsResponse{ObjectPermissions: []*recordsv1.ObjectPermission{}}
	if role := sc.Permissions.Role(role.ID); role != nil {
		for _, o := range role.Objects {
			out.ObjectPermissions = append(out.ObjectPermissions, objectPermissionProto(role.ID, o))
		}
	}
	return out, nil
}

// UpsertFieldPermissions implements recordsv1connect.RoleServiceHandler: a field permission only
// restricts (false); one with neither value set is removed. Answers the role's field permissions.
func (r *roleServer) UpsertFieldPermissions(ctx context.Context, req *recordsv1.UpsertFieldPermissionsRequest) (*recordsv1.UpsertFieldPermissionsResponse, error) {
	ws := req.GetWorkspaceId()
	role, err := r.roleToEdit(ctx, ws, req.GetRoleId())
	if err != nil {
		return nil, err
	}
	sc, err := r.apply(ctx, ws, func(objects []metadata.Object) ([]d1.Stmt, error) {
		var stmts []d1.Stmt
		for _, in := range req.GetFieldPermissions() {
			oid, fid := strings.ToLower(in.GetObjectMetadataId()), strings.ToLower(in.GetFieldMetadataId())
			obj, ok := objectByID(objects, oid)
			if !ok {
				return nil, permErr(permissions.CodeObjectNotFound, "Object metadata not found")
			}
			if obj.IsSystem {
				return nil, permErr(permissions.CodeSystemObjectField, "Cannot add field permission on system object")
			}
			if !slices.ContainsFunc(obj.Fields, func(f metadata.Field) bool { return f.ID == fid }) {
				return nil, permErr(permissions.CodeFieldNotFound, "Field metadata not found")
			}
			if (in.CanReadFieldValue != nil && in.GetCanReadFieldValue()) || (in.CanUpdateFieldValue != nil && in.GetCanUpdateFieldValue()) {
				return nil, permErr(permissions.CodeOnlyRestriction, "Field permission can only introduce a restriction")
			}
			if in.CanReadFieldValue == nil && in.CanUpdateFieldValue == nil {
				stmts = append(stmts, d1.Stmt{SQL: `DELETE FROM field_permissions WHERE role_id = ? AND field_metadata_id = ?`, Args: []any{role.ID, fid}})
				continue
			}
			stmts = append(stmts, d1.Stmt{
				SQL: `INSERT INTO field_permissions (id, workspace_id, role_id, object_metadata_id, field_metadata_id, can_read, can_update)
VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (role_id, field_metadata_id) DO UPDATE SET can_read = excluded.can_read,
can_update = excluded.can_update, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
				Args: []any{ids.NewUUID(), ws, role.ID, oid, fid, sqlBool(in.CanReadFieldValue), sqlBool(in.CanUpdateFieldValue)},
			})
		}
		return stmts, nil
	})
	if err != nil {
		return nil, err
	}
	out := &recordsv1.UpsertFieldPermissionsResponse{FieldPermissions: []*recordsv1.FieldPermission{}}
	if role := sc.Permissions.Role(role.ID); role != nil {
		for _, f := range role.Fields {
			out.FieldPermissions = append(out.FieldPermissions, fieldPermissionProto(role.ID, f))
		}
	}
	return out, nil
}

// UpsertPermissionFlags implements recordsv1connect.RoleServiceHandler: the role's flags become
// the ones given; answers them.
func (r *roleServer) UpsertPermissionFlags(ctx context.Context, req *recordsv1.UpsertPermissionFlagsRequest) (*recordsv1.UpsertPermissionFlagsResponse, error) {
	ws := req.GetWorkspaceId()
	role, err := r.roleToEdit(ctx, ws, req.GetRoleId())
	if err != nil {
		return nil, err
	}
	flags := slices.Clone(req.GetFlags())
	slices.Sort(flags)
	flags = slices.Compact(flags)
	for _, f := range flags {
		if !slices.Contains(permissions.Flags, f) {
			return nil, permErr(permissions.CodeInvalidSetting, "Invalid permission setting (unknown value)")
		}
	}
	sc, err := r.apply(ctx, ws, func([]metadata.Object) ([]d1.Stmt, error) {
		list, _ := json.Marshal(flags)
		stmts := []d1.Stmt{{SQL: `DELETE FROM role_permission_flags WHERE role_id = ? AND flag NOT IN (SELECT value FROM json_each(?))`, Args: []any{role.ID, string(list)}}}
		for _, f := range flags {
			stmts = append(stmts, d1.Stmt{SQL: `INSERT INTO role_permission_flags (id, workspace_id, role_id, flag) VALUES (?, ?, ?, ?) ON CONFLICT (role_id, flag) DO NOTHING`,
				Args: []any{ids.NewUUID(), ws, role.ID, f}})
		}
		return stmts, nil
	})
	if err != nil {
		return nil, err
	}
	out := &recordsv1.UpsertPermissionFlagsResponse{PermissionFlags: []*recordsv1.PermissionFlag{}}
	if role := sc.Permissions.Role(role.ID); role != nil {
		for _, f := range role.Flags {
			out.PermissionFlags = append(out.PermissionFlags, &recordsv1.PermissionFlag{Id: f.ID, RoleId: role.ID, Flag: f.Flag})
		}
	}
	return out, nil
}

// AssignRole implements recordsv1connect.RoleServiceHandler: Twenty's updateWorkspaceMemberRole
// (the ROLES permission; never one's own role, never the last admin's) and assignRoleToApiKey
// (the API_KEYS_AND_WEBHOOKS permission).
func (r *roleServer) AssignRole(ctx context.Context, req *recordsv1.AssignRoleRequest) (*recordsv1.AssignRoleResponse, error) {
	ws := req.GetWorkspaceId()
	sc, err := r.model(ctx, ws)
	if err != nil {
		return nil, err
	}
	role := sc.Permissions.Role(strings.ToLower(req.GetRoleId()))
	if role == nil {
		return nil, permErr(permissions.CodeRoleNotFound, "Role not found")
	}
	var stmt d1.Stmt
	switch {
	case req.GetApiKeyId() != "":
		if err := guard(ctx, sc, permissions.FlagAPIKeysAndWebhooks); err != nil {
			return nil, err
		}
		key := strings.ToLower(req.GetApiKeyId())
		if _, ok := sc.Permissions.APIKeys[key]; !ok {
			return nil, notFound("API key not found")
		}
		if !role.CanBeAssignedToAPIKeys {
			return nil, permErr(permissions.CodeNotAssignableKeys, "Role cannot be assigned to API keys")
		}
		stmt = d1.Stmt{SQL: `UPDATE api_keys SET role_id = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND workspace_id = ?`, Args: []any{role.ID, key, ws}}
	default:
		if err := guard(ctx, sc, permissions.FlagRoles); err != nil {
			return nil, err
		}
		member := strings.ToLower(req.GetWorkspaceMemberId())
		mem, ok := sc.Permissions.Members[member]
		if !ok {
			return nil, permErr(permissions.CodeMemberNotFound, "Workspace member not found")
		}
		if p, _ := rpc.PrincipalOf(ctx); p != nil && p.GetWorkspaceMemberId() == member {
			return nil, permErr(permissions.CodePermissionDenied, "Cannot update self role")
		}
		if !role.CanBeAssignedToUsers {
			return nil, permErr(permissions.CodeNotAssignableUsers, "Role cannot be assigned to users")
		}
		if admin := sc.Permissions.Standard("admin"); admin != nil && mem.RoleID == admin.ID && role.ID != admin.ID {
			admins := 0
			for _, m := range sc.Permissions.Members {
				if m.RoleID == admin.ID {
					admins++
				}
			}
			if admins <= 1 {
				return nil, permErr(permissions.CodeLastAdmin, "Cannot unassign admin role from last admin of the workspace")
			}
		}
		stmt = d1.Stmt{SQL: `UPDATE user_workspaces SET role_id = ? WHERE workspace_member_id = ? AND workspace_id = ?`, Args: []any{role.ID, member, ws}}
	}
	if _, err := r.apply(ctx, ws, func([]metadata.Object) ([]d1.Stmt, error) { return []d1.Stmt{stmt}, nil }); err != nil {
		return nil, err
	}
	return &recordsv1.AssignRoleResponse{}, nil
}

// GetPermissions implements recordsv1connect.RoleServiceHandler: the call's principal's effective
// permissions, read fresh (the gateway's settings checks must not act on a stale role), and the
// field the request names, if any (an upload into a FILES field checks its object's permissions).
func (r *roleServer) GetPermissions(ctx context.Context, req *recordsv1.GetPermissionsRequest) (*recordsv1.GetPermissionsResponse, error) {
	sc, err := r.model(ctx, req.GetWorkspaceId())
	if err != nil {
		return nil, err
	}
	scope, err := callerScope(ctx, sc)
	if err != nil {
		return nil, err
	}
	out := &recordsv1.GetPermissionsResponse{System: scope == nil, CanUpdateAllSettings: scope == nil || scope.Role.CanUpdateAllSettings, PermissionFlags: scope.FlagList()}
	if scope != nil {
		out.Role = roleProto(sc.Permissions, scope.Role)
	}
	for _, o := range sc.Objects {
		a := scope.Access(o.ID)
		restricted := map[string]permissions.FieldAccess{}
		for id, f := range a.Restricted {
			restricted[id] = f
		}
		b, err := json.Marshal(restricted)
		if err != nil {
			return nil, fmt.Errorf("encode restricted fields: %w", err)
		}
		out.ObjectsPermissions = append(out.ObjectsPermissions, &recordsv1.ObjectRecordsPermission{
			ObjectMetadataId: o.ID, CanReadObjectRecords: a.Read, CanUpdateObjectRecords: a.Update,
			CanSoftDeleteObjectRecords: a.SoftDelete, CanDestroyObjectRecords: a.Destroy, RestrictedFieldsJson: b,
			ObjectNameSingular: o.NameSingular, HiddenKeys: scope.HiddenKeys(o, sc.Objects),
		})
		for _, f := range o.Fields {
			if id := req.GetFieldMetadataId(); id != "" && f.ID == id {
				out.Field = &recordsv1.PermissionsField{Id: f.ID, Type: string(f.Type), ObjectMetadataId: o.ID}
			}
		}
	}
	return out, nil
}
