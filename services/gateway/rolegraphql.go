package main

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"sync"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/authtoken"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// roleSDL is Twenty's roles and permissions on /metadata, with its names (the Role,
// ObjectPermission, FieldPermission and RolePermissionFlag types, getRoles, getApiKeyRoles,
// createOneRole, updateOneRole, deleteOneRole, upsertObjectPermissions, upsertFieldPermissions,
// upsertPermissionFlags, updateWorkspaceMemberRole, assignRoleToApiKey, and the caller's
// permissions on currentUser.currentUserWorkspace), served by the records Worker's RoleService.
// Role itself is declared with the auth operations (authSDL).
const roleSDL = `
enum PermissionFlagType { API_KEYS_AND_WEBHOOKS WORKSPACE WORKSPACE_MEMBERS ROLES DATA_MODEL SECURITY WORKFLOWS IMPERSONATE SSO_BYPASS APPLICATIONS MARKETPLACE_APPS LAYOUTS BILLING AI_SETTINGS AI VIEWS UPLOAD_FILE DOWNLOAD_FILE SEND_EMAIL_TOOL CREATE_CALENDAR_EVENT_TOOL HTTP_REQUEST_TOOL CODE_INTERPRETER_TOOL IMPORT_CSV EXPORT_CSV CONNECTED_ACCOUNTS PROFILE_INFORMATION }

type ObjectPermission {
  objectMetadataId: UUID!
  canReadObjectRecords: Boolean
  canUpdateObjectRecords: Boolean
  canSoftDeleteObjectRecords: Boolean
  canDestroyObjectRecords: Boolean
  restrictedFields: JSON
}
type FieldPermission {
  id: UUID!
  objectMetadataId: UUID!
  fieldMetadataId: UUID!
  roleId: UUID!
  canReadFieldValue: Boolean
  canUpdateFieldValue: Boolean
}
type RolePermissionFlag { id: UUID! roleId: UUID! flag: String! }
type ApiKeyForRole { id: UUID! name: String! expiresAt: DateTime! revokedAt: DateTime }

extend type Role {
  universalIdentifier: UUID
  icon: String
  canBeAssignedToUsers: Boolean!
  canBeAssignedToAgents: Boolean!
  canBeAssignedToApiKeys: Boolean!
  workspaceMembers: [WorkspaceMember!]!
  apiKeys: [ApiKeyForRole!]!
  canAccessAllTools: Boolean!
  canReadAllObjectRecords: Boolean!
  canUpdateAllObjectRecords: Boolean!
  canSoftDeleteAllObjectRecords: Boolean!
  canDestroyAllObjectRecords: Boolean!
  permissionFlags: [RolePermissionFlag!]
  objectPermissions: [ObjectPermission!]
  fieldPermissions: [FieldPermission!]
}

extend type WorkspaceMember { roles: [Role!] }

extend type UserWorkspace {
  permissionFlags: [PermissionFlagType!]
  objectPermissions: [ObjectPermission!]
  objectsPermissions: [ObjectPermission!]
}

extend type User { currentUserWorkspace: UserWorkspace }

input CreateRoleInput {
  id: String
  label: String!
  description: String
  icon: String
  canUpdateAllSettings: Boolean
  canAccessAllTools: Boolean
  canReadAllObjectRecords: Boolean
  canUpdateAllObjectRecords: Boolean
  canSoftDeleteAllObjectRecords: Boolean
  canDestroyAllObjectRecords: Boolean
  canBeAssignedToUsers: Boolean
  canBeAssignedToAgents: Boolean
  canBeAssignedToApiKeys: Boolean
}
input UpdateRolePayload {
  label: String
  description: String
  icon: String
  canUpdateAllSettings: Boolean
  canAccessAllTools: Boolean
  canReadAllObjectRecords: Boolean
  canUpdateAllObjectRecords: Boolean
  canSoftDeleteAllObjectRecords: Boolean
  canDestroyAllObjectRecords: Boolean
  canBeAssignedToUsers: Boolean
  canBeAssignedToAgents: Boolean
  canBeAssignedToApiKeys: Boolean
}
input UpdateRoleInput { update: UpdateRolePayload! id: UUID! }
input ObjectPermissionInput {
  objectMetadataId: UUID!
  canReadObjectRecords: Boolean
  canUpdateObjectRecords: Boolean
  canSoftDeleteObjectRecords: Boolean
  canDestroyObjectRecords: Boolean
}
input UpsertObjectPermissionsInput { roleId: UUID! objectPermissions: [ObjectPermissionInput!]! }
input FieldPermissionInput {
  objectMetadataId: UUID!
  fieldMetadataId: UUID!
  canReadFieldValue: Boolean
  canUpdateFieldValue: Boolean
}
input UpsertFieldPermissionsInput { roleId: UUID! fieldPermissions: [FieldPermissionInput!]! }
input UpsertPermissionFlagsInput { roleId: UUID! permissionFlagKeys: [String!]! }

extend type Query {
  getApiKeyRoles: [Role!]!
}

extend type Mutation {
  createOneRole(createRoleInput: CreateRoleInput!): Role!
  updateOneRole(updateRoleInput: UpdateRoleInput!): Role!
  deleteOneRole(roleId: UUID!): String!
  upsertObjectPermissions(upsertObjectPermissionsInput: UpsertObjectPermissionsInput!): [ObjectPermission!]!
  upsertFieldPermissions(upsertFieldPermissionsInput: UpsertFieldPermissionsInput!): [FieldPermission!]!
  upsertPermissionFlags(upsertPermissionFlagsInput: UpsertPermissionFlagsInput!): [RolePermissionFlag!]!
  updateWorkspaceMemberRole(workspaceMemberId: UUID!, roleId: UUID!): WorkspaceMember!
  assignRoleToApiKey(apiKeyId: UUID!, roleId: UUID!): Boolean!
}
`

// settingsFlags are the settings permission flags Twenty's SettingsPermissionGuard puts on the
// /metadata operations served here, checked before the operation runs (withSettingsGuards).
// ROLES (role CRUD, permissions, a member's role) is also checked by the records Worker itself.
// WORKSPACE_MEMBERS, WORKSPACE, SECURITY and WORKFLOWS guards are left to the modules serving
// those operations.
var settingsFlags = map[string]string{
	"Mutation.createOneObject": "DATA_MODEL", "Mutation.updateOneObject": "DATA_MODEL", "Mutation.deleteOneObject": "DATA_MODEL",
	"Mutation.createOneField": "DATA_MODEL", "Mutation.updateOneField": "DATA_MODEL", "Mutation.deleteOneField": "DATA_MODEL",
	"Mutation.createApiKey": "API_KEYS_AND_WEBHOOKS", "Mutation.generateApiKeyToken": "API_KEYS_AND_WEBHOOKS",
	"Mutation.revokeApiKey": "API_KEYS_AND_WEBHOOKS", "Mutation.assignRoleToApiKey": "API_KEYS_AND_WEBHOOKS",
	"Mutation.createWebhook": "API_KEYS_AND_WEBHOOKS", "Mutation.updateWebhook": "API_KEYS_AND_WEBHOOKS",
	"Mutation.deleteWebhook": "API_KEYS_AND_WEBHOOKS",
	// Twenty guards its whole API key and webhook resolvers, reads included; the deliveries of a
	// webhook (ours) go with it.
	"Query.apiKeys": "API_KEYS_AND_WEBHOOKS", "Query.apiKey": "API_KEYS_AND_WEBHOOKS",
	"Query.webhooks": "API_KEYS_AND_WEBHOOKS", "Query.webhook": "API_KEYS_AND_WEBHOOKS",
	"Query.webhookDeliveries": "API_KEYS_AND_WEBHOOKS", "Mutation.replayWebhookDeliveries": "API_KEYS_AND_WEBHOOKS",
	// Twenty's WorkflowTriggerResolver (the builder's mutations check it themselves).
	"Mutation.activateWorkflowVersion": "WORKFLOWS", "Mutation.deactivateWorkflowVersion": "WORKFLOWS",
	"Mutation.runWorkflowVersion": "WORKFLOWS",
	"Mutation.createOneRole":      "ROLES", "Mutation.updateOneRole": "ROLES", "Mutation.deleteOneRole": "ROLES",
	"Mutation.upsertObjectPermissions": "ROLES", "Mutation.upsertFieldPermissions": "ROLES",
	"Mutation.upsertPermissionFlags": "ROLES", "Mutation.updateWorkspaceMemberRole": "ROLES",
}

// errSettingsDenied is Twenty's SettingsPermissionGuard refusal.
var errSettingsDenied = graphql.NewError(graphql.CodeForbidden, "Entity performing the request does not have permission").
	WithExtension("subCode", "PERMISSION_DENIED").
	WithExtension("userFriendlyMessage", "You do not have permission to access this feature. Please contact your workspace administrator for access.")

// withSettingsGuards wraps the resolvers settingsFlags names with the settings permission check.
func withSettingsGuards(resolvers map[string]graphql.Resolver, roles recordsv1connect.RoleServiceClient) map[string]graphql.Resolver {
	for name, flag := range settingsFlags {
		next, ok := resolvers[name]
		if !ok {
			continue
		}
		resolvers[name] = func(ctx context.Context, args map[string]any) (any, error) {
			if err := requireSettingsFlag(ctx, roles, flag); err != nil {
				return nil, err
			}
			return next(ctx, args)
		}
	}
	return resolvers
}

// requireSettingsFlag is the one settings permission check of the GraphQL operations (see
// settingsFlagError): Twenty's SettingsPermissionGuard refusal, or the failure to read the caller's
// permissions.
func requireSettingsFlag(ctx context.Context, roles recordsv1connect.RoleServiceClient, flag string) error {
	switch err := settingsFlagError(ctx, roles, flag); {
	case err == nil:
		return nil
	case errors.Is(err, errNoSettingsFlag):
		return errSettingsDenied
	default:
		return roleGQLError(err)
	}
}

// errNoSettingsFlag is a caller's lack of the settings permission an operation needs.
var errNoSettingsFlag = errors.New("Entity performing the request does not have permission")

// settingsFlagError asks the records Worker for the caller's effective permissions (read fresh
// there) and answers errNoSettingsFlag for a caller without the flag (a role that can update all
// settings has them all), or the records Worker's error. Callers without a workspace token are
// left to the operation's own checks.
func settingsFlagError(ctx context.Context, roles recordsv1connect.RoleServiceClient, flag string) error {
	c := principalFrom(ctx)
	if c == nil || c.WorkspaceID == "" || (c.Type != authtoken.TypeAccess && c.Type != authtoken.TypeAPIKey) {
		return nil
	}
	res, err := roles.GetPermissions(ctx, &recordsv1.GetPermissionsRequest{WorkspaceId: c.WorkspaceID})
	if connect.CodeOf(err) == connect.CodePermissionDenied {
		return errNoSettingsFlag
	}
	if err != nil {
		return err
	}
	if res.GetCanUpdateAllSettings() || slices.Contains(res.GetPermissionFlags(), flag) {
		return nil
	}
	return errNoSettingsFlag
}

// roleGQLError is Twenty's permissionGraphqlApiExceptionHandler on the records Worker's answer:
// 403 FORBIDDEN, 400 BAD_USER_INPUT, 404 NOT_FOUND; others stay internal.
func roleGQLError(err error) error {
	var ce *connect.Error
	if errors.As(err, &ce) {
		if code, ok := gqlCodeOfStatus[connectStatus[ce.Code()]]; ok {
			e := graphql.NewError(code, ce.Message())
			if sub := ce.Meta().Get("Twenty-Code"); sub != "" {
				e = e.WithExtension("subCode", sub)
			}
			return e
		}
	}
	return err
}

func roleMetaObj(r *recordsv1.Role, members func(context.Context) (map[string]any, error), keys func(context.Context) ([]*authv1.ApiKey, error)) *lazyObject {
	flags := make([]any, len(r.GetPermissionFlags()))
	for i, f := range r.GetPermissionFlags() {
		flags[i] = map[string]any{"id": f.GetId(), "roleId": f.GetRoleId(), "flag": f.GetFlag()}
	}
	objs := make([]any, len(r.GetObjectPermissions()))
	for i, o := range r.GetObjectPermissions() {
		objs[i] = objectPermissionObj(o)
	}
	fields := make([]any, len(r.GetFieldPermissions()))
	for i, f := range r.GetFieldPermissions() {
		fields[i] = fieldPermissionObj(f)
	}
	values := map[string]any{
		"id": r.GetId(), "universalIdentifier": nil, "label": r.GetLabel(), "description": r.GetDescription(), "icon": r.GetIcon(),
		"isEditable": r.GetIsEditable(), "canUpdateAllSettings": r.GetCanUpdateAllSettings(), "canAccessAllTools": r.GetCanAccessAllTools(),
		"canReadAllObjectRecords": r.GetCanReadAllObjectRecords(), "canUpdateAllObjectRecords": r.GetCanUpdateAllObjectRecords(),
		"canSoftDeleteAllObjectRecords": r.GetCanSoftDeleteAllObjectRecords(), "canDestroyAllObjectRecords": r.GetCanDestroyAllObjectRecords(),
		"canBeAssignedToUsers": r.GetCanBeAssignedToUsers(), "canBeAssignedToAgents": r.GetCanBeAssignedToAgents(),
		"canBeAssignedToApiKeys": r.GetCanBeAssignedToApiKeys(),
		"permissionFlags":        flags, "objectPermissions": objs, "fieldPermissions": fields,
	}
	return &lazyObject{values: values, lazy: map[string]func(ctx context.Context) (any, error){
		"workspaceMembers": func(ctx context.Context) (any, error) {
			out := []any{}
			if members == nil || len(r.GetWorkspaceMemberIds()) == 0 {
				return out, nil
			}
			all, err := members(ctx)
			if err != nil {
				return nil, err
			}
			for _, id := range r.GetWorkspaceMemberIds() {
				if m, ok := all[id]; ok {
					out = append(out, m)
				}
			}
			return out, nil
		},
		"apiKeys": func(ctx context.Context) (any, error) {
			out := []any{}
			if keys == nil || len(r.GetApiKeyIds()) == 0 {
				return out, nil
			}
			all, err := keys(ctx)
			if err != nil {
				return nil, err
			}
			for _, k := range all {
				for _, id := range r.GetApiKeyIds() {
					if k.GetId() == id {
						out = append(out, map[string]any{"id": k.GetId(), "name": k.GetName(), "expiresAt": timeOf(k.GetExpiresAt()), "revokedAt": timeOf(k.GetRevokedAt())})
					}
				}
			}
			return out, nil
		},
	}}
}

// lazyObject is an object whose plain fields are in values and whose costly ones (lists read
// from other Workers) are computed only when selected (graphql.Object).
type lazyObject struct {
	values map[string]any
	lazy   map[string]func(ctx context.Context) (any, error)
}

// Field implements graphql.Object.
func (o *lazyObject) Field(ctx context.Context, name string, _ map[string]any) (any, error) {
	if f, ok := o.lazy[name]; ok {
		return f(ctx)
	}
	return o.values[name], nil
}

func objectPermissionObj(o *recordsv1.ObjectPermission) map[string]any {
	return map[string]any{"objectMetadataId": o.GetObjectMetadataId(), "canReadObjectRecords": optBool(o.CanReadObjectRecords),
		"canUpdateObjectRecords": optBool(o.CanUpdateObjectRecords), "canSoftDeleteObjectRecords": optBool(o.CanSoftDeleteObjectRecords),
		"canDestroyObjectRecords": optBool(o.CanDestroyObjectRecords), "restrictedFields": map[string]any{}}
}

func fieldPermissionObj(f *recordsv1.FieldPermission) map[string]any {
	return map[string]any{"id": f.GetId(), "objectMetadataId": f.GetObjectMetadataId(), "fieldMetadataId": f.GetFieldMetadataId(), "roleId": f.GetRoleId(),
		"canReadFieldValue": optBool(f.CanReadFieldValue), "canUpdateFieldValue": optBool(f.CanUpdateFieldValue)}
}

func optBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func optArg(args map[string]any, name string) *bool {
	if b, ok := args[name].(bool); ok {
		return &b
	}
	return nil
}

func optStr(args map[string]any, name string) *string {
	if s, ok := args[name].(string); ok {
		return &s
	}
	return nil
}

// roleInput reads CreateRoleInput or UpdateRolePayload.
func roleInput(in map[string]any) *recordsv1.RoleInput {
	return &recordsv1.RoleInput{
		Label: optStr(in, "label"), Description: optStr(in, "description"), Icon: optStr(in, "icon"),
		CanUpdateAllSettings: optArg(in, "canUpdateAllSettings"), CanAccessAllTools: optArg(in, "canAccessAllTools"),
		CanReadAllObjectRecords: optArg(in, "canReadAllObjectRecords"), CanUpdateAllObjectRecords: optArg(in, "canUpdateAllObjectRecords"),
		CanSoftDeleteAllObjectRecords: optArg(in, "canSoftDeleteAllObjectRecords"), CanDestroyAllObjectRecords: optArg(in, "canDestroyAllObjectRecords"),
		CanBeAssignedToUsers: optArg(in, "canBeAssignedToUsers"), CanBeAssignedToAgents: optArg(in, "canBeAssignedToAgents"),
		CanBeAssignedToApiKeys: optArg(in, "canBeAssignedToApiKeys"),
	}
}

func list(args map[string]any, name string) []map[string]any {
	items, _ := args[name].([]any)
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// memberObj is a workspaceMember record as the metadata API's WorkspaceMember shows it.
func memberObj(rec map[string]any) map[string]any {
	name, _ := rec["name"].(map[string]any)
	first, _ := name["firstName"].(string)
	last, _ := name["lastName"].(string)
	email, _ := rec["userEmail"].(string)
	return map[string]any{"id": rec["id"], "name": map[string]any{"firstName": first, "lastName": last}, "userEmail": email}
}

// roleResolvers resolve roleSDL through the records Worker's RoleService; currentUser is auth's
// with the caller's permissions added (currentUserWorkspace, workspaceMember.roles).
func (g *gateway) roleResolvers(roles recordsv1connect.RoleServiceClient) map[string]graphql.Resolver {
	ws := func(ctx context.Context) (string, error) { return metadataWorkspace(ctx) }
	// members reads the workspace's members once per request (Role.workspaceMembers).
	members := func() func(ctx context.Context) (map[string]any, error) {
		var once sync.Once
		var out map[string]any
		var err error
		return func(ctx context.Context) (map[string]any, error) {
			once.Do(func() {
				w, werr := ws(ctx)
				if werr != nil {
					err = werr
					return
				}
				res, ferr := g.records.FindMany(ctx, &recordsv1.FindManyRequest{WorkspaceId: w, ObjectNamePlural: "workspaceMembers",
					Query: recordquery.ToProto(&recordquery.Query{Limit: recordquery.MaxLimit})})
				if ferr != nil {
					err = roleGQLError(ferr)
					return
				}
				var recs []map[string]any
				if err = json.Unmarshal(res.GetRecordsJson(), &recs); err != nil {
					return
				}
				out = map[string]any{}
				for _, r := range recs {
					if id, ok := r["id"].(string); ok {
						out[id] = memberObj(r)
					}
				}
			})
			return out, err
		}
	}
	keys := func(ctx context.Context) ([]*authv1.ApiKey, error) {
		res, err := g.auth.ListApiKeys(ctx, &authv1.ListApiKeysRequest{})
		if err != nil {
			return nil, gqlError(err)
		}
		return res.GetApiKeys(), nil
	}
	getRoles := func(ctx context.Context, onlyKeys bool) (any, error) {
		w, err := ws(ctx)
		if err != nil {
			return nil, err
		}
		res, err := roles.GetRoles(ctx, &recordsv1.GetRolesRequest{WorkspaceId: w})
		if err != nil {
			return nil, roleGQLError(err)
		}
		m := members()
		out := []any{}
		for _, r := range res.GetRoles() {
			if !onlyKeys || r.GetCanBeAssignedToApiKeys() {
				out = append(out, roleMetaObj(r, m, keys))
			}
		}
		return out, nil
	}
	authCurrentUser := g.authResolvers()["Query.currentUser"]
	return map[string]graphql.Resolver{
		"Query.getRoles":       func(ctx context.Context, _ map[string]any) (any, error) { return getRoles(ctx, false) },
		"Query.getApiKeyRoles": func(ctx context.Context, _ map[string]any) (any, error) { return getRoles(ctx, true) },
		"Query.currentUser": func(ctx context.Context, args map[string]any) (any, error) {
			v, err := authCurrentUser(ctx, args)
			if err != nil {
				return v, err
			}
			u, ok := v.(map[string]any)
			if !ok {
				return v, nil
			}
			perms := callerPermissions(roles)
			if uw, ok := u["currentUserWorkspace"].(map[string]any); ok {
				u["currentUserWorkspace"] = &userWorkspaceObj{perms: perms, values: uw}
			}
			if wm, ok := u["workspaceMember"].(map[string]any); ok {
				u["workspaceMember"] = &lazyObject{values: wm, lazy: map[string]func(ctx context.Context) (any, error){
					"roles": func(ctx context.Context) (any, error) {
						res, err := perms(ctx)
						if err != nil || res.GetRole() == nil {
							return []any{}, err
						}
						return []any{roleMetaObj(res.GetRole(), nil, nil)}, nil
					},
				}}
			}
			return u, nil
		},
		"Mutation.createOneRole": func(ctx context.Context, args map[string]any) (any, error) {
			w, err := ws(ctx)
			if err != nil {
				return nil, err
			}
			in := obj(args, "createRoleInput")
			res, err := roles.CreateRole(ctx, &recordsv1.CreateRoleRequest{WorkspaceId: w, Id: str(in, "id"), Input: roleInput(in)})
			if err != nil {
				return nil, roleGQLError(err)
			}
			return roleMetaObj(res.GetRole(), members(), keys), nil
		},
		"Mutation.updateOneRole": func(ctx context.Context, args map[string]any) (any, error) {
			w, err := ws(ctx)
			if err != nil {
				return nil, err
			}
			in := obj(args, "updateRoleInput")
			res, err := roles.UpdateRole(ctx, &recordsv1.UpdateRoleRequest{WorkspaceId: w, Id: str(in, "id"), Update: roleInput(obj(in, "update"))})
			if err != nil {
				return nil, roleGQLError(err)
			}
			return roleMetaObj(res.GetRole(), members(), keys), nil
		},
		"Mutation.deleteOneRole": func(ctx context.Context, args map[string]any) (any, error) {
			w, err := ws(ctx)
			if err != nil {
				return nil, err
			}
			res, err := roles.DeleteRole(ctx, &recordsv1.DeleteRoleRequest{WorkspaceId: w, Id: str(args, "roleId")})
			if err != nil {
				return nil, roleGQLError(err)
			}
			return res.GetId(), nil
		},
		"Mutation.upsertObjectPermissions": func(ctx context.Context, args map[string]any) (any, error) {
			w, err := ws(ctx)
			if err != nil {
				return nil, err
			}
			in := obj(args, "upsertObjectPermissionsInput")
			req := &recordsv1.UpsertObjectPermissionsRequest{WorkspaceId: w, RoleId: str(in, "roleId")}
			for _, p := range list(in, "objectPermissions") {
				req.ObjectPermissions = append(req.ObjectPermissions, &recordsv1.ObjectPermission{ObjectMetadataId: str(p, "objectMetadataId"),
					CanReadObjectRecords: optArg(p, "canReadObjectRecords"), CanUpdateObjectRecords: optArg(p, "canUpdateObjectRecords"),
					CanSoftDeleteObjectRecords: optArg(p, "canSoftDeleteObjectRecords"), CanDestroyObjectRecords: optArg(p, "canDestroyObjectRecords")})
			}
			res, err := roles.UpsertObjectPermissions(ctx, req)
			if err != nil {
				return nil, roleGQLError(err)
			}
			out := make([]any, len(res.GetObjectPermissions()))
			for i, o := range res.GetObjectPermissions() {
				out[i] = objectPermissionObj(o)
			}
			return out, nil
		},
		"Mutation.upsertFieldPermissions": func(ctx context.Context, args map[string]any) (any, error) {
			w, err := ws(ctx)
			if err != nil {
				return nil, err
			}
			in := obj(args, "upsertFieldPermissionsInput")
			req := &recordsv1.UpsertFieldPermissionsRequest{WorkspaceId: w, RoleId: str(in, "roleId")}
			for _, p := range list(in, "fieldPermissions") {
				req.FieldPermissions = append(req.FieldPermissions, &recordsv1.FieldPermission{ObjectMetadataId: str(p, "objectMetadataId"),
					FieldMetadataId: str(p, "fieldMetadataId"), CanReadFieldValue: optArg(p, "canReadFieldValue"), CanUpdateFieldValue: optArg(p, "canUpdateFieldValue")})
			}
			res, err := roles.UpsertFieldPermissions(ctx, req)
			if err != nil {
				return nil, roleGQLError(err)
			}
			out := make([]any, len(res.GetFieldPermissions()))
			for i, f := range res.GetFieldPermissions() {
				out[i] = fieldPermissionObj(f)
			}
			return out, nil
		},
		"Mutation.upsertPermissionFlags": func(ctx context.Context, args map[string]any) (any, error) {
			w, err := ws(ctx)
			if err != nil {
				return nil, err
			}
			in := obj(args, "upsertPermissionFlagsInput")
			req := &recordsv1.UpsertPermissionFlagsRequest{WorkspaceId: w, RoleId: str(in, "roleId")}
			keys, _ := in["permissionFlagKeys"].([]any)
			for _, k := range keys {
				if s, ok := k.(string); ok {
					req.Flags = append(req.Flags, s)
				}
			}
			res, err := roles.UpsertPermissionFlags(ctx, req)
			if err != nil {
				return nil, roleGQLError(err)
			}
			out := make([]any, len(res.GetPermissionFlags()))
			for i, f := range res.GetPermissionFlags() {
				out[i] = map[string]any{"id": f.GetId(), "roleId": f.GetRoleId(), "flag": f.GetFlag()}
			}
			return out, nil
		},
		"Mutation.updateWorkspaceMemberRole": func(ctx context.Context, args map[string]any) (any, error) {
			w, err := ws(ctx)
			if err != nil {
				return nil, err
			}
			member := str(args, "workspaceMemberId")
			if _, err := roles.AssignRole(ctx, &recordsv1.AssignRoleRequest{WorkspaceId: w, RoleId: str(args, "roleId"), WorkspaceMemberId: member}); err != nil {
				return nil, roleGQLError(err)
			}
			all, err := members()(ctx)
			if err != nil {
				return nil, err
			}
			m, _ := all[member].(map[string]any)
			if m == nil {
				m = map[string]any{"id": member, "name": map[string]any{"firstName": "", "lastName": ""}, "userEmail": ""}
			}
			res, err := roles.GetRoles(ctx, &recordsv1.GetRolesRequest{WorkspaceId: w})
			if err != nil {
				return nil, roleGQLError(err)
			}
			out := []any{}
			for _, r := range res.GetRoles() {
				if r.GetId() == str(args, "roleId") {
					out = append(out, roleMetaObj(r, nil, nil))
				}
			}
			m = maps.Clone(m)
			m["roles"] = out
			return m, nil
		},
		"Mutation.assignRoleToApiKey": func(ctx context.Context, args map[string]any) (any, error) {
			w, err := ws(ctx)
			if err != nil {
				return nil, err
			}
			if _, err := roles.AssignRole(ctx, &recordsv1.AssignRoleRequest{WorkspaceId: w, RoleId: str(args, "roleId"), ApiKeyId: str(args, "apiKeyId")}); err != nil {
				return nil, roleGQLError(err)
			}
			return true, nil
		},
	}
}

// callerPermissions answers a function reading the caller's effective permissions once.
func callerPermissions(roles recordsv1connect.RoleServiceClient) func(ctx context.Context) (*recordsv1.GetPermissionsResponse, error) {
	var once sync.Once
	var res *recordsv1.GetPermissionsResponse
	var err error
	return func(ctx context.Context) (*recordsv1.GetPermissionsResponse, error) {
		once.Do(func() {
			w, werr := metadataWorkspace(ctx)
			if werr != nil {
				err = werr
				return
			}
			res, err = roles.GetPermissions(ctx, &recordsv1.GetPermissionsRequest{WorkspaceId: w})
			if err != nil {
				err = roleGQLError(err)
			}
		})
		return res, err
	}
}

// userWorkspaceObj is currentUser.currentUserWorkspace: the caller's membership with its
// permissions (Twenty's permissionFlags, objectsPermissions and the older objectPermissions),
// read from the records Worker only when selected.
type userWorkspaceObj struct {
	perms  func(ctx context.Context) (*recordsv1.GetPermissionsResponse, error)
	values map[string]any // the membership as auth answers it: id, userId, locale, times
}

// Field implements graphql.Object.
func (u *userWorkspaceObj) Field(ctx context.Context, name string, _ map[string]any) (any, error) {
	switch name {
	case "permissionFlags":
		res, err := u.perms(ctx)
		if err != nil {
			return nil, err
		}
		return res.GetPermissionFlags(), nil
	case "objectPermissions", "objectsPermissions":
		res, err := u.perms(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]any, len(res.GetObjectsPermissions()))
		for i, o := range res.GetObjectsPermissions() {
			var restricted any = map[string]any{}
			if len(o.GetRestrictedFieldsJson()) > 0 {
				if err := json.Unmarshal(o.GetRestrictedFieldsJson(), &restricted); err != nil {
					return nil, err
				}
			}
			out[i] = map[string]any{"objectMetadataId": o.GetObjectMetadataId(), "canReadObjectRecords": o.GetCanReadObjectRecords(),
				"canUpdateObjectRecords": o.GetCanUpdateObjectRecords(), "canSoftDeleteObjectRecords": o.GetCanSoftDeleteObjectRecords(),
				"canDestroyObjectRecords": o.GetCanDestroyObjectRecords(), "restrictedFields": restricted}
		}
		return out, nil
	}
	return u.values[name], nil
}
