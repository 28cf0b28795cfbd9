package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sync"

	"connectrpc.com/connect"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1/authv1connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// workspaceSDL is Twenty's current workspace, its update, invitations, joining a workspace and
// removing a member, with Twenty's names (twenty-client-sdk's metadata schema). It is served on
// /metadata and /graphql, as authSDL is. The auth Worker's WorkspaceService answers every
// operation, confined to the caller's workspace.
const workspaceSDL = `
enum WorkspaceDiscoverability { PUBLIC MEMBERS_AND_INVITEES HIDDEN }
enum AiModelTier { extraFast fast balanced smart extraSmart }

extend type Workspace {
  inviteHash: String
  deletedAt: DateTime
  createdAt: DateTime!
  updatedAt: DateTime!
  allowImpersonation: Boolean!
  isPublicInviteLinkEnabled: Boolean!
  workspaceDiscoverability: WorkspaceDiscoverability!
  trashRetentionDays: Float!
  eventLogRetentionDays: Float!
  workspaceMembersCount: Float
  metadataVersion: Float!
  customDomain: String
  isGoogleAuthEnabled: Boolean!
  isGoogleAuthBypassEnabled: Boolean!
  isTwoFactorAuthenticationEnforced: Boolean!
  isPasswordAuthEnabled: Boolean!
  isPasswordAuthBypassEnabled: Boolean!
  isMicrosoftAuthEnabled: Boolean!
  isMicrosoftAuthBypassEnabled: Boolean!
  isCustomDomainEnabled: Boolean!
  isInternalMessagesImportEnabled: Boolean!
  allowedIframeOrigins: [String!]
  editableProfileFields: [String!]
  aiChatModelTier: AiModelTier!
  aiAgentModelTier: AiModelTier!
  isAutoModelSelectionEnabled: Boolean!
  aiModelIdByTier: JSON!
  aiEvaluationModelId: String
  aiAdditionalInstructions: String
  hasValidSignedEnterpriseKey: Boolean!
  hasValidEnterpriseValidityToken: Boolean!
  workspaceCustomApplicationId: String!
}

input UpdateWorkspaceInput {
  subdomain: String
  customDomain: String
  displayName: String
  logo: String
  inviteHash: String
  isPublicInviteLinkEnabled: Boolean
  workspaceDiscoverability: WorkspaceDiscoverability
  allowImpersonation: Boolean
  isGoogleAuthEnabled: Boolean
  isMicrosoftAuthEnabled: Boolean
  isPasswordAuthEnabled: Boolean
  isGoogleAuthBypassEnabled: Boolean
  isMicrosoftAuthBypassEnabled: Boolean
  isPasswordAuthBypassEnabled: Boolean
  defaultRoleId: UUID
  isTwoFactorAuthenticationEnforced: Boolean
  trashRetentionDays: Float
  eventLogRetentionDays: Float
  aiChatModelTier: AiModelTier
  aiAgentModelTier: AiModelTier
  isAutoModelSelectionEnabled: Boolean
  aiModelIdByTier: JSON
  aiEvaluationModelId: String
  aiAdditionalInstructions: String
  editableProfileFields: [String!]
  isInternalMessagesImportEnabled: Boolean
}

type WorkspaceInvitation { id: UUID! email: String! roleId: UUID expiresAt: DateTime! }
type SendInvitations { success: Boolean! errors: [String!]! result: [WorkspaceInvitation!]! }
type WorkspaceInviteHashValid { isValid: Boolean! }
type UserWorkspace { id: UUID! userId: UUID! locale: String! createdAt: DateTime! updatedAt: DateTime! deletedAt: DateTime }

extend type WorkspaceMember { userId: UUID avatarUrl: String locale: String colorScheme: String }
extend type User { workspaceMembers: [WorkspaceMember!] }

extend type Query {
  currentWorkspace: Workspace!
  findWorkspaceInvitations: [WorkspaceInvitation!]!
  checkWorkspaceInviteHashIsValid(inviteHash: String!): WorkspaceInviteHashValid!
  findWorkspaceFromInviteHash(inviteHash: String!): Workspace!
}

extend type Mutation {
  updateWorkspace(data: UpdateWorkspaceInput!): Workspace!
  sendInvitations(emails: [String!]!, roleId: UUID): SendInvitations!
  resendWorkspaceInvitation(appTokenId: String!): SendInvitations!
  deleteWorkspaceInvitation(appTokenId: String!): String!
  signUpInWorkspace(email: String!, password: String!, workspaceId: UUID, workspaceInviteHash: String, workspacePersonalInviteToken: String,
    captchaToken: String, locale: String, verifyEmailRedirectPath: String): SignUpOutput!
  deleteUserFromWorkspace(workspaceMemberIdToDelete: String!): UserWorkspace!
  deleteCurrentWorkspace: Workspace!
}
`

// workspaceSettingDefaults are the values of the settings no one has set: Twenty's defaults, and
// for what this backend does not have (SSO, custom domains, AI, enterprise keys) what says so.
func workspaceSettingDefaults() map[string]any {
	return map[string]any{
		"allowImpersonation": true, "workspaceDiscoverability": "MEMBERS_AND_INVITEES",
		"trashRetentionDays": float64(14), "eventLogRetentionDays": float64(1095), "customDomain": nil,
		"isGoogleAuthEnabled": false, "isGoogleAuthBypassEnabled": false, "isMicrosoftAuthEnabled": false, "isMicrosoftAuthBypassEnabled": false,
		"isPasswordAuthEnabled": true, "isPasswordAuthBypassEnabled": false, "isTwoFactorAuthenticationEnforced": false,
		"isCustomDomainEnabled": false, "isInternalMessagesImportEnabled": false,
		"allowedIframeOrigins": []any{}, "editableProfileFields": []any{"email", "name", "avatarUrl"},
		"aiChatModelTier": "balanced", "aiAgentModelTier": "balanced", "isAutoModelSelectionEnabled": true,
		"aiModelIdByTier": map[string]any{}, "aiEvaluationModelId": nil, "aiAdditionalInstructions": nil,
		"hasValidSignedEnterpriseKey": false, "hasValidEnterpriseValidityToken": false, "workspaceCustomApplicationId": "",
		"metadataVersion": float64(0), "deletedAt": nil,
	}
}

// storedSettingKeys are the UpdateWorkspaceInput fields kept in the workspace's settings as sent.
var storedSettingKeys = []string{
	"customDomain", "workspaceDiscoverability", "allowImpersonation", "isGoogleAuthEnabled", "isMicrosoftAuthEnabled",
	"isPasswordAuthEnabled", "isGoogleAuthBypassEnabled", "isMicrosoftAuthBypassEnabled", "isPasswordAuthBypassEnabled",
	"defaultRoleId", "isTwoFactorAuthenticationEnforced", "trashRetentionDays", "eventLogRetentionDays", "aiChatModelTier",
	"aiAgentModelTier", "isAutoModelSelectionEnabled", "aiModelIdByTier", "aiEvaluationModelId", "aiAdditionalInstructions",
	"editableProfileFields", "isInternalMessagesImportEnabled",
}

// settingsObj answers a workspace with its settings as Twenty's Workspace type.
func (g *gateway) settingsObj(ctx context.Context, s *authv1.WorkspaceSettings) map[string]any {
	out := g.workspaceObj(ctx, s.GetWorkspace())
	maps.Copy(out, g.settingsFields(s))
	return out
}

// settingsFields are the fields of workspaceSDL's Workspace extension.
func (g *gateway) settingsFields(s *authv1.WorkspaceSettings) map[string]any {
	out := workspaceSettingDefaults()
	var stored map[string]any
	if json.Unmarshal([]byte(s.GetSettingsJson()), &stored) == nil {
		for k, v := range stored {
			if _, known := out[k]; known {
				out[k] = v
			}
		}
	}
	var hash any
	if h := s.GetInviteHash(); h != "" {
		hash = h
	}
	maps.Copy(out, map[string]any{
		"inviteHash": hash, "isPublicInviteLinkEnabled": s.GetIsPublicInviteLinkEnabled(),
		"createdAt": timeOf(s.GetCreatedAt()), "updatedAt": timeOf(s.GetUpdatedAt()),
		"workspaceMembersCount": float64(s.GetWorkspaceMembersCount()),
	})
	return out
}

// lazyWorkspace is a Workspace whose base fields are known and whose settings are read from the
// auth Worker only when one of them is selected (currentUser.currentWorkspace).
type lazyWorkspace struct {
	g    *gateway
	base map[string]any

	once     sync.Once
	settings map[string]any
	err      error
}

// withSettings makes a Workspace object of base that answers the settings fields too.
func (g *gateway) withSettings(base map[string]any) graphql.Object {
	return &lazyWorkspace{g: g, base: base}
}

// Field implements graphql.Object.
func (w *lazyWorkspace) Field(ctx context.Context, name string, _ map[string]any) (any, error) {
	if v, ok := w.base[name]; ok {
		return v, nil
	}
	w.once.Do(func() {
		res, err := w.g.workspaces().GetCurrentWorkspace(ctx, &authv1.GetCurrentWorkspaceRequest{})
		if err != nil {
			w.err = gqlError(err)
			return
		}
		w.settings = w.g.settingsFields(res.GetWorkspace())
	})
	if w.err != nil {
		return nil, w.err
	}
	return w.settings[name], nil
}

// addWorkspaceMembers answers currentUser.workspaceMembers (the workspace's members, Twenty's
// WorkspaceMember) in user when the query selects it: one read of the workspaceMember records,
// in the caller's workspace, only then.
func (g *gateway) addWorkspaceMembers(ctx context.Context, user map[string]any) error {
	selected := false
	for _, f := range graphql.SelectedFields(ctx) {
		selected = selected || f.Name == "workspaceMembers"
	}
	c := principalFrom(ctx)
	if !selected || c == nil || c.WorkspaceID == "" {
		return nil
	}
	res, err := g.records.FindMany(ctx, &recordsv1.FindManyRequest{WorkspaceId: c.WorkspaceID, ObjectNamePlural: "workspaceMembers",
		Query: recordquery.ToProto(&recordquery.Query{Limit: recordquery.MaxLimit, OrderBy: []recordquery.Order{{Field: "createdAt", Direction: recordquery.AscNullsFirst}}})})
	if err != nil {
		return gqlError(err)
	}
	var recs []map[string]any
	if err := json.Unmarshal(res.GetRecordsJson(), &recs); err != nil {
		return fmt.Errorf("decode workspace members: %w", err)
	}
	members := make([]any, len(recs))
	for i, r := range recs {
		name, _ := r["name"].(map[string]any)
		first, _ := name["firstName"].(string)
		last, _ := name["lastName"].(string)
		email, _ := r["userEmail"].(string)
		members[i] = map[string]any{"id": r["id"], "name": map[string]any{"firstName": first, "lastName": last}, "userEmail": email,
			"userId": r["userId"], "avatarUrl": r["avatarUrl"], "locale": r["locale"], "colorScheme": r["colorScheme"]}
	}
	user["workspaceMembers"] = members
	return nil
}

// workspaces is the auth Worker's WorkspaceService.
func (g *gateway) workspaces() authv1connect.WorkspaceServiceClient {
	return g.members
}

// updateWorkspaceRequest turns Twenty's UpdateWorkspaceInput into the contract's request, with
// Twenty's validation of the values it bounds.
func updateWorkspaceRequest(data map[string]any) (*authv1.UpdateWorkspaceRequest, error) {
	req := &authv1.UpdateWorkspaceRequest{}
	for key, p := range map[string]**string{"displayName": &req.DisplayName, "subdomain": &req.Subdomain, "inviteHash": &req.InviteHash} {
		if v, ok := data[key].(string); ok {
			*p = &v
		}
	}
	if v, ok := data["isPublicInviteLinkEnabled"].(bool); ok {
		req.IsPublicInviteLinkEnabled = &v
	}
	bounds := map[string][2]float64{"trashRetentionDays": {0, 1 << 31}, "eventLogRetentionDays": {30, 1095}}
	settings := map[string]any{}
	for _, key := range storedSettingKeys {
		v, ok := data[key]
		if !ok || v == nil {
			continue
		}
		if b, bounded := bounds[key]; bounded {
			n, _ := v.(float64)
			switch {
			case n != float64(int64(n)):
				return nil, graphql.NewError(graphql.CodeBadUserInput, key+" must be an integer number")
			case n < b[0]:
				return nil, graphql.NewError(graphql.CodeBadUserInput, fmt.Sprintf("%s must not be less than %v", key, b[0]))
			case n > b[1]:
				return nil, graphql.NewError(graphql.CodeBadUserInput, fmt.Sprintf("%s must not be greater than %v", key, b[1]))
			}
		}
		settings[key] = v
	}
	if len(settings) > 0 {
		b, err := json.Marshal(settings)
		if err != nil {
			return nil, fmt.Errorf("encode workspace settings: %w", err)
		}
		req.SettingsJson = string(b)
	}
	return req, nil
}

func invitationObj(inv *authv1.Invitation) map[string]any {
	var role any
	if r := inv.GetRoleId(); r != "" {
		role = r
	}
	return map[string]any{"id": inv.GetId(), "email": inv.GetEmail(), "roleId": role, "expiresAt": timeOf(inv.GetExpiresAt())}
}

func sendInvitationsObj(res *authv1.SendInvitationsResponse) map[string]any {
	result := make([]any, len(res.GetResult()))
	for i, inv := range res.GetResult() {
		result[i] = invitationObj(inv)
	}
	errs := res.GetErrors()
	if errs == nil {
		errs = []string{}
	}
	return map[string]any{"success": res.GetSuccess(), "errors": errs, "result": result}
}

// workspaceResolvers resolve workspaceSDL through the auth Worker's WorkspaceService; the caller's
// Authorization travels with each call (rpc.ForwardCaller) and auth checks it. The settings
// permissions are Twenty's guards: WORKSPACE to update the workspace, WORKSPACE_MEMBERS for
// invitations and removing someone else (requireSettingsFlag, rolegraphql.go).
func (g *gateway) workspaceResolvers(roles recordsv1connect.RoleServiceClient) map[string]graphql.Resolver {
	w := g.workspaces()
	return map[string]graphql.Resolver{
		"Query.currentWorkspace": func(ctx context.Context, _ map[string]any) (any, error) {
			res, err := w.GetCurrentWorkspace(ctx, &authv1.GetCurrentWorkspaceRequest{})
			if err != nil {
				return nil, gqlError(err)
			}
			return g.settingsObj(ctx, res.GetWorkspace()), nil
		},
		"Mutation.updateWorkspace": func(ctx context.Context, args map[string]any) (any, error) {
			if err := requireSettingsFlag(ctx, roles, "WORKSPACE"); err != nil {
				return nil, err
			}
			req, err := updateWorkspaceRequest(obj(args, "data"))
			if err != nil {
				return nil, err
			}
			res, err := w.UpdateWorkspace(ctx, req)
			if err != nil {
				return nil, gqlError(err)
			}
			return g.settingsObj(ctx, res.GetWorkspace()), nil
		},
		"Query.findWorkspaceInvitations": func(ctx context.Context, _ map[string]any) (any, error) {
			if err := requireSettingsFlag(ctx, roles, "WORKSPACE_MEMBERS"); err != nil {
				return nil, err
			}
			res, err := w.ListInvitations(ctx, &authv1.ListInvitationsRequest{})
			if err != nil {
				return nil, gqlError(err)
			}
			out := make([]any, len(res.GetInvitations()))
			for i, inv := range res.GetInvitations() {
				out[i] = invitationObj(inv)
			}
			return out, nil
		},
		"Mutation.sendInvitations": func(ctx context.Context, args map[string]any) (any, error) {
			if err := requireSettingsFlag(ctx, roles, "WORKSPACE_MEMBERS"); err != nil {
				return nil, err
			}
			list, _ := args["emails"].([]any)
			emails := make([]string, 0, len(list))
			for _, e := range list {
				s, _ := e.(string)
				emails = append(emails, s)
			}
			res, err := w.SendInvitations(ctx, &authv1.SendInvitationsRequest{Emails: emails, RoleId: str(args, "roleId")})
			if err != nil {
				return nil, gqlError(err)
			}
			return sendInvitationsObj(res), nil
		},
		"Mutation.resendWorkspaceInvitation": func(ctx context.Context, args map[string]any) (any, error) {
			if err := requireSettingsFlag(ctx, roles, "WORKSPACE_MEMBERS"); err != nil {
				return nil, err
			}
			res, err := w.ResendInvitation(ctx, &authv1.ResendInvitationRequest{Id: str(args, "appTokenId")})
			if err != nil {
				return nil, gqlError(err)
			}
			return sendInvitationsObj(res), nil
		},
		"Mutation.deleteWorkspaceInvitation": func(ctx context.Context, args map[string]any) (any, error) {
			if err := requireSettingsFlag(ctx, roles, "WORKSPACE_MEMBERS"); err != nil {
				return nil, err
			}
			res, err := w.DeleteInvitation(ctx, &authv1.DeleteInvitationRequest{Id: str(args, "appTokenId")})
			if err != nil {
				return nil, gqlError(err)
			}
			return res.GetResult(), nil
		},
		"Query.checkWorkspaceInviteHashIsValid": func(ctx context.Context, args map[string]any) (any, error) {
			_, err := w.FindWorkspaceFromInviteHash(ctx, &authv1.FindWorkspaceFromInviteHashRequest{InviteHash: str(args, "inviteHash")})
			if connect.CodeOf(err) == connect.CodeNotFound {
				return map[string]any{"isValid": false}, nil
			}
			if err != nil {
				return nil, gqlError(err)
			}
			return map[string]any{"isValid": true}, nil
		},
		"Query.findWorkspaceFromInviteHash": func(ctx context.Context, args map[string]any) (any, error) {
			res, err := w.FindWorkspaceFromInviteHash(ctx, &authv1.FindWorkspaceFromInviteHashRequest{InviteHash: str(args, "inviteHash")})
			if err != nil {
				return nil, gqlError(err)
			}
			return g.settingsObj(ctx, res.GetWorkspace()), nil
		},
		"Mutation.signUpInWorkspace": func(ctx context.Context, args map[string]any) (any, error) {
			res, err := w.SignUpInWorkspace(ctx, &authv1.SignUpInWorkspaceRequest{
				Email: str(args, "email"), Password: str(args, "password"), WorkspaceId: str(args, "workspaceId"),
				WorkspaceInviteHash: str(args, "workspaceInviteHash"), WorkspacePersonalInviteToken: str(args, "workspacePersonalInviteToken"),
				Locale: str(args, "locale"),
			})
			if err != nil {
				return nil, gqlError(err)
			}
			return map[string]any{
				"loginToken": tokenObj(res.GetLoginToken()),
				"workspace":  map[string]any{"id": res.GetWorkspace().GetId(), "workspaceUrls": g.workspaceURLs(res.GetWorkspace().GetSubdomain())},
			}, nil
		},
		"Mutation.deleteUserFromWorkspace": func(ctx context.Context, args map[string]any) (any, error) {
			if c := principalFrom(ctx); c == nil || c.WorkspaceMemberID != str(args, "workspaceMemberIdToDelete") { // leaving needs no permission
				if err := requireSettingsFlag(ctx, roles, "WORKSPACE_MEMBERS"); err != nil {
					return nil, err
				}
			}
			res, err := w.DeleteUserFromWorkspace(ctx, &authv1.DeleteUserFromWorkspaceRequest{WorkspaceMemberId: str(args, "workspaceMemberIdToDelete")})
			if err != nil {
				return nil, gqlError(err)
			}
			for _, id := range res.GetRevokedSessionIds() {
				g.tokens.markRevoked(id) // their access tokens stop here at once
			}
			created := timeOf(res.GetCreatedAt())
			return map[string]any{"id": res.GetUserWorkspaceId(), "userId": res.GetUserId(), "locale": "en",
				"createdAt": created, "updatedAt": created, "deletedAt": g.now()}, nil
		},
		// Twenty's deleteCurrentWorkspace (SettingsPermissionGuard(WORKSPACE)) answers the workspace as
		// it was. Its tokens stop here at once; the purge of its data runs on the jobs queue.
		"Mutation.deleteCurrentWorkspace": func(ctx context.Context, _ map[string]any) (any, error) {
			if err := requireSettingsFlag(ctx, roles, "WORKSPACE"); err != nil {
				return nil, err
			}
			res, err := w.DeleteCurrentWorkspace(ctx, &authv1.DeleteCurrentWorkspaceRequest{})
			if err != nil {
				return nil, gqlError(err)
			}
			g.tokens.markRevoked(workspaceRevocation(res.GetWorkspace().GetWorkspace().GetId()))
			for _, id := range res.GetRevokedTokenIds() {
				g.tokens.markRevoked(id)
			}
			return g.settingsObj(ctx, res.GetWorkspace()), nil
		},
	}
}
