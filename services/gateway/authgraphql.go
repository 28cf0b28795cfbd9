package main

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"slices"
	"time"

	"connectrpc.com/connect"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
	"github.com/twentyworkers/twenty/shared/graphql"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// authSDL is the part of Twenty's metadata schema that auth serves, with Twenty's type, field and
// argument names. It is served on /metadata (current Twenty) and /graphql (older Twenty).
const authSDL = `
scalar DateTime
scalar UUID

type AuthToken { token: String! expiresAt: DateTime! }
type AuthTokenPair { accessOrWorkspaceAgnosticToken: AuthToken! refreshToken: AuthToken! }
type AuthTokens { tokens: AuthTokenPair! }
type LoginToken { loginToken: AuthToken! }
type ApiKeyToken { token: String! }

enum IdentityProviderType { OIDC SAML }
enum SSOIdentityProviderStatus { Active Inactive Error }
type SSOConnection { type: IdentityProviderType! id: UUID! issuer: String! name: String! status: SSOIdentityProviderStatus! }
type AvailableWorkspace {
  id: UUID!
  displayName: String
  loginToken: String
  personalInviteToken: String
  inviteHash: String
  workspaceUrls: WorkspaceUrls!
  logo: String
  sso: [SSOConnection!]!
}
type AvailableWorkspaces {
  availableWorkspacesForSignIn: [AvailableWorkspace!]!
  availableWorkspacesForSignUp: [AvailableWorkspace!]!
}
type AvailableWorkspacesAndAccessTokensOutput { availableWorkspaces: AvailableWorkspaces! tokens: AuthTokenPair! }

type WorkspaceUrls { subdomainUrl: String! customUrl: String }
type WorkspaceUrlsAndId { id: UUID! workspaceUrls: WorkspaceUrls! }
type SignUpOutput { loginToken: AuthToken! workspace: WorkspaceUrlsAndId! }

enum WorkspaceActivationStatus { ONGOING_CREATION PENDING_CREATION ACTIVE INACTIVE SUSPENDED }
type Workspace {
  id: UUID!
  displayName: String
  subdomain: String!
  activationStatus: WorkspaceActivationStatus!
  workspaceUrls: WorkspaceUrls!
  logo: String
  logoFileId: UUID
}

type FullName { firstName: String! lastName: String! }
type WorkspaceMember { id: UUID! name: FullName! userEmail: String! }
type User {
  id: UUID!
  email: String!
  firstName: String!
  lastName: String!
  currentWorkspace: Workspace
  workspaceMember: WorkspaceMember
  availableWorkspaces: AvailableWorkspaces!
}

type CheckUserExistOutput { exists: Boolean! availableWorkspacesCount: Float! isEmailVerified: Boolean! }

type Role { id: UUID! label: String! description: String isEditable: Boolean! canUpdateAllSettings: Boolean! }
type ApiKey {
  id: UUID!
  name: String!
  expiresAt: DateTime!
  revokedAt: DateTime
  createdAt: DateTime!
  updatedAt: DateTime!
  role: Role
}

input SignUpInNewWorkspaceInput { displayName: String subdomain: String }
input ActivateWorkspaceInput { displayName: String }
input CreateApiKeyInput { name: String! expiresAt: String! revokedAt: String roleId: UUID }
input GetApiKeyInput { id: UUID! }
input RevokeApiKeyInput { id: UUID! }

type Query {
  currentUser: User!
  checkUserExists(email: String!, captchaToken: String): CheckUserExistOutput!
  getRoles: [Role!]!
  apiKeys: [ApiKey!]!
  apiKey(input: GetApiKeyInput!): ApiKey
}

type Mutation {
  signUp(email: String!, password: String!, captchaToken: String, locale: String, verifyEmailRedirectPath: String): AvailableWorkspacesAndAccessTokensOutput!
  signUpInNewWorkspace(input: SignUpInNewWorkspaceInput): SignUpOutput!
  activateWorkspace(data: ActivateWorkspaceInput!): Workspace!
  getLoginTokenFromCredentials(email: String!, password: String!, origin: String!, captchaToken: String, locale: String): LoginToken!
  getAuthTokensFromLoginToken(loginToken: String!, origin: String!): AuthTokens!
  renewToken(appToken: String!): AuthTokens!
  signOut: Boolean!
  createApiKey(input: CreateApiKeyInput!): ApiKey!
  generateApiKeyToken(apiKeyId: UUID!, expiresAt: String!): ApiKeyToken
  revokeApiKey(input: RevokeApiKeyInput!): ApiKey
}
`

// graphqlCodes maps the Connect codes of the auth contract to Twenty's GraphQL error codes.
var graphqlCodes = map[connect.Code]string{
	connect.CodeInvalidArgument:   graphql.CodeBadUserInput,
	connect.CodeAlreadyExists:     graphql.CodeBadUserInput,
	connect.CodeUnauthenticated:   graphql.CodeUnauthenticated,
	connect.CodePermissionDenied:  graphql.CodeForbidden,
	connect.CodeNotFound:          graphql.CodeNotFound,
	connect.CodeResourceExhausted: "TOO_MANY_REQUESTS",
}

// gqlError turns an error of another Worker into a GraphQL error; unexpected ones stay opaque.
func gqlError(err error) error {
	var ce *connect.Error
	if errors.As(err, &ce) {
		if code, ok := graphqlCodes[ce.Code()]; ok {
			return graphql.NewError(code, ce.Message())
		}
	}
	return err
}

func str(args map[string]any, name string) string {
	s, _ := args[name].(string)
	return s
}

func obj(args map[string]any, name string) map[string]any {
	m, _ := args[name].(map[string]any)
	return m
}

func timeOf(ts *timestamppb.Timestamp) any {
	if ts == nil {
		return nil
	}
	return ts.AsTime()
}

func tokenObj(t *authv1.Token) map[string]any {
	return map[string]any{"token": t.GetToken(), "expiresAt": timeOf(t.GetExpiresAt())}
}

func pairObj(p *authv1.TokenPair) map[string]any {
	return map[string]any{
		"accessOrWorkspaceAgnosticToken": tokenObj(p.GetAccessOrWorkspaceAgnosticToken()),
		"refreshToken":                   tokenObj(p.GetRefreshToken()),
	}
}

// workspaceURLs builds a workspace's URLs on the front end's domain (FRONTEND_URL).
func (g *gateway) workspaceURLs(subdomain string) map[string]any {
	u, err := url.Parse(g.cfg.FrontendURL)
	if err != nil || u.Host == "" || subdomain == "" {
		return map[string]any{"subdomainUrl": g.cfg.FrontendURL, "customUrl": nil}
	}
	u.Host = subdomain + "." + u.Host
	return map[string]any{"subdomainUrl": u.String(), "customUrl": nil}
}

func (g *gateway) workspaceObj(ctx context.Context, ws *authv1.Workspace) map[string]any {
	out := map[string]any{
		"id": ws.GetId(), "displayName": ws.GetDisplayName(), "subdomain": ws.GetSubdomain(),
		"activationStatus": ws.GetActivationStatus(), "workspaceUrls": g.workspaceURLs(ws.GetSubdomain()),
		"logo": nil, "logoFileId": nil,
	}
	if id := ws.GetLogoFileId(); id != "" {
		out["logoFileId"], out["logo"] = id, g.logoURL(ctx, ws.GetId(), id)
	}
	return out
}

// logoURL is a workspace logo's signed URL (/file/core-picture/{id}?token=), as Twenty's
// workspace.logo field answers it; null when the files Worker cannot sign it (logged), so the
// workspace is still answered.
func (g *gateway) logoURL(ctx context.Context, workspaceID, fileID string) any {
	res, err := g.files.SignFiles(ctx, &filesv1.SignFilesRequest{WorkspaceId: workspaceID, Paths: []string{fileID}, ServerUrl: serverURL(ctx)})
	if err != nil {
		slog.WarnContext(ctx, "workspace logo left unsigned", "error", err.Error())
		return nil
	}
	if f, ok := res.GetFiles()[fileID]; ok && f.GetUrl() != "" {
		return f.GetUrl()
	}
	return nil
}

// availableWorkspaceObjs are Twenty's AvailableWorkspace objects of wss (castWorkspaceToAvailableWorkspace):
// the logo a signed URL of the workspace's logo file, "" when it has none; no SSO connection, which
// this installation does not offer.
func (g *gateway) availableWorkspaceObjs(ctx context.Context, wss []*authv1.AvailableWorkspace) []any {
	out := make([]any, len(wss))
	for i, ws := range wss {
		var logo any = ""
		if id := ws.GetLogoFileId(); id != "" {
			logo = g.logoURL(ctx, ws.GetId(), id)
		}
		var login any
		if t := ws.GetLoginToken().GetToken(); t != "" {
			login = t
		}
		out[i] = map[string]any{"id": ws.GetId(), "displayName": ws.GetDisplayName(), "loginToken": login, "personalInviteToken": nil,
			"inviteHash": nil, "workspaceUrls": g.workspaceURLs(ws.GetSubdomain()), "logo": logo, "sso": []any{}}
	}
	return out
}

func apiKeyObj(k *authv1.ApiKey, roles map[string]map[string]any) map[string]any {
	if k == nil {
		return nil
	}
	return map[string]any{
		"id": k.GetId(), "name": k.GetName(), "expiresAt": timeOf(k.GetExpiresAt()), "revokedAt": timeOf(k.GetRevokedAt()),
		"createdAt": timeOf(k.GetCreatedAt()), "updatedAt": timeOf(k.GetUpdatedAt()), "role": roles[k.GetRoleId()],
	}
}

func roleObj(r *authv1.Role) map[string]any {
	return map[string]any{"id": r.GetId(), "label": r.GetLabel(), "description": r.GetDescription(),
		"isEditable": r.GetIsEditable(), "canUpdateAllSettings": r.GetCanUpdateAllSettings()}
}

// parseDate reads the expiresAt strings Twenty's clients send (ISO 8601).
func parseDate(s string) (*timestamppb.Timestamp, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return timestamppb.New(t), nil
		}
	}
	return nil, graphql.NewError(graphql.CodeBadUserInput, "expiresAt must be an ISO 8601 date")
}

// authResolvers resolve the auth operations through the auth Worker's contract. The caller's
// Authorization travels with each call (rpc.ForwardCaller); auth verifies it again.
func (g *gateway) authResolvers() map[string]graphql.Resolver {
	a := g.auth
	roles := func(ctx context.Context) (map[string]map[string]any, error) {
		res, err := a.GetRoles(ctx, &authv1.GetRolesRequest{})
		if err != nil {
			return nil, err
		}
		out := map[string]map[string]any{}
		for _, r := range res.GetRoles() {
			out[r.GetId()] = roleObj(r)
		}
		return out, nil
	}
	// keyObj answers an API key with its role resolved, as Twenty's ApiKey.role field does.
	keyObj := func(ctx context.Context, k *authv1.ApiKey) (any, error) {
		rs, err := roles(ctx)
		if err != nil {
			return nil, gqlError(err)
		}
		return apiKeyObj(k, rs), nil
	}
	return map[string]graphql.Resolver{
		"Mutation.signUp": func(ctx context.Context, args map[string]any) (any, error) {
			res, err := a.SignUp(ctx, &authv1.SignUpRequest{Email: str(args, "email"), Password: str(args, "password"), Locale: str(args, "locale")})
			if err != nil {
				return nil, gqlError(err)
			}
			// A new user is a member of no workspace; auth answers those it is invited to.
			return map[string]any{
				"availableWorkspaces": map[string]any{"availableWorkspacesForSignIn": []any{},
					"availableWorkspacesForSignUp": g.availableWorkspaceObjs(ctx, res.GetAvailableWorkspaces())},
				"tokens": pairObj(res.GetTokens()),
			}, nil
		},
		"Mutation.signUpInNewWorkspace": func(ctx context.Context, args map[string]any) (any, error) {
			res, err := a.SignUpInNewWorkspace(ctx, &authv1.SignUpInNewWorkspaceRequest{DisplayName: str(obj(args, "input"), "displayName")})
			if err != nil {
				return nil, gqlError(err)
			}
			return map[string]any{
				"loginToken": tokenObj(res.GetLoginToken()),
				"workspace":  map[string]any{"id": res.GetWorkspace().GetId(), "workspaceUrls": g.workspaceURLs(res.GetWorkspace().GetSubdomain())},
			}, nil
		},
		"Mutation.activateWorkspace": func(ctx context.Context, args map[string]any) (any, error) {
			res, err := a.ActivateWorkspace(ctx, &authv1.ActivateWorkspaceRequest{DisplayName: str(obj(args, "data"), "displayName")})
			if err != nil {
				return nil, gqlError(err)
			}
			return g.workspaceObj(ctx, res.GetWorkspace()), nil
		},
		"Mutation.getLoginTokenFromCredentials": func(ctx context.Context, args map[string]any) (any, error) {
			res, err := a.GetLoginTokenFromCredentials(ctx, &authv1.GetLoginTokenFromCredentialsRequest{
				Email: str(args, "email"), Password: str(args, "password"), Origin: str(args, "origin"), ClientAddress: clientAddressFrom(ctx),
			})
			if err != nil {
				return nil, gqlError(err)
			}
			return map[string]any{"loginToken": tokenObj(res.GetLoginToken())}, nil
		},
		"Mutation.getAuthTokensFromLoginToken": func(ctx context.Context, args map[string]any) (any, error) {
			res, err := a.GetAuthTokensFromLoginToken(ctx, &authv1.GetAuthTokensFromLoginTokenRequest{LoginToken: str(args, "loginToken"), Origin: str(args, "origin")})
			if err != nil {
				return nil, gqlError(err)
			}
			return map[string]any{"tokens": pairObj(res.GetTokens())}, nil
		},
		"Mutation.renewToken": func(ctx context.Context, args map[string]any) (any, error) {
			res, err := a.RenewToken(ctx, &authv1.RenewTokenRequest{AppToken: str(args, "appToken")})
			if err != nil {
				return nil, gqlError(err)
			}
			return map[string]any{"tokens": pairObj(res.GetTokens())}, nil
		},
		"Mutation.signOut": func(ctx context.Context, _ map[string]any) (any, error) {
			if _, err := a.SignOut(ctx, &authv1.SignOutRequest{}); err != nil {
				return nil, gqlError(err)
			}
			if c := principalFrom(ctx); c != nil {
				g.tokens.markRevoked(c.ID) // the session's access tokens stop here at once
			}
			return true, nil
		},
		"Query.checkUserExists": func(ctx context.Context, args map[string]any) (any, error) {
			res, err := a.CheckUserExists(ctx, &authv1.CheckUserExistsRequest{Email: str(args, "email")})
			if err != nil {
				return nil, gqlError(err)
			}
			return map[string]any{"exists": res.GetExists(), "availableWorkspacesCount": float64(res.GetAvailableWorkspacesCount()), "isEmailVerified": res.GetIsEmailVerified()}, nil
		},
		"Query.currentUser": func(ctx context.Context, _ map[string]any) (any, error) {
			withAvailable := slices.ContainsFunc(graphql.SelectedFields(ctx), func(f *graphql.SelectedField) bool { return f.Name == "availableWorkspaces" })
			res, err := a.CurrentUser(ctx, &authv1.CurrentUserRequest{WithAvailableWorkspaces: withAvailable})
			if err != nil {
				return nil, gqlError(err)
			}
			u := res.GetUser()
			out := map[string]any{"id": u.GetId(), "email": u.GetEmail(), "firstName": u.GetFirstName(), "lastName": u.GetLastName(),
				"currentWorkspace": nil, "workspaceMember": nil, "currentUserWorkspace": nil}
			if ws := u.GetCurrentWorkspace(); ws != nil {
				out["currentWorkspace"] = g.withSettings(g.workspaceObj(ctx, ws)) // workspacegraphql.go
			}
			if uw := u.GetUserWorkspace(); uw != nil {
				out["currentUserWorkspace"] = map[string]any{"id": uw.GetId(), "userId": u.GetId(), "locale": "en",
					"createdAt": timeOf(uw.GetCreatedAt()), "updatedAt": timeOf(uw.GetUpdatedAt()), "deletedAt": nil}
			}
			if m := u.GetWorkspaceMember(); m != nil {
				out["workspaceMember"] = map[string]any{"id": m.GetId(), "userEmail": m.GetUserEmail(),
					"name": map[string]any{"firstName": m.GetFirstName(), "lastName": m.GetLastName()}}
			}
			if withAvailable {
				out["availableWorkspaces"] = map[string]any{
					"availableWorkspacesForSignIn": g.availableWorkspaceObjs(ctx, u.GetAvailableWorkspacesForSignIn()),
					"availableWorkspacesForSignUp": g.availableWorkspaceObjs(ctx, u.GetAvailableWorkspacesForSignUp()),
				}
			}
			if err := g.addWorkspaceMembers(ctx, out); err != nil { // workspacegraphql.go
				return nil, err
			}
			return out, nil
		},
		"Query.getRoles": func(ctx context.Context, _ map[string]any) (any, error) {
			res, err := a.GetRoles(ctx, &authv1.GetRolesRequest{})
			if err != nil {
				return nil, gqlError(err)
			}
			out := make([]any, len(res.GetRoles()))
			for i, r := range res.GetRoles() {
				out[i] = roleObj(r)
			}
			return out, nil
		},
		"Query.apiKeys": func(ctx context.Context, _ map[string]any) (any, error) {
			res, err := a.ListApiKeys(ctx, &authv1.ListApiKeysRequest{})
			if err != nil {
				return nil, gqlError(err)
			}
			rs, err := roles(ctx)
			if err != nil {
				return nil, gqlError(err)
			}
			out := []any{}
			for _, k := range res.GetApiKeys() {
				if k.GetRevokedAt() == nil { // Twenty lists active keys only
					out = append(out, apiKeyObj(k, rs))
				}
			}
			return out, nil
		},
		"Query.apiKey": func(ctx context.Context, args map[string]any) (any, error) {
			res, err := a.GetApiKey(ctx, &authv1.GetApiKeyRequest{Id: str(obj(args, "input"), "id")})
			if connect.CodeOf(err) == connect.CodeNotFound {
				return nil, nil // Twenty answers null for a key it does not find
			}
			if err != nil {
				return nil, gqlError(err)
			}
			return keyObj(ctx, res.GetApiKey())
		},
		"Mutation.createApiKey": func(ctx context.Context, args map[string]any) (any, error) {
			in := obj(args, "input")
			expires, err := parseDate(str(in, "expiresAt"))
			if err != nil {
				return nil, err
			}
			res, err := a.CreateApiKey(ctx, &authv1.CreateApiKeyRequest{Name: str(in, "name"), ExpiresAt: expires, RoleId: str(in, "roleId")})
			if err != nil {
				return nil, gqlError(err)
			}
			return keyObj(ctx, res.GetApiKey())
		},
		"Mutation.generateApiKeyToken": func(ctx context.Context, args map[string]any) (any, error) {
			expires, err := parseDate(str(args, "expiresAt"))
			if err != nil {
				return nil, err
			}
			res, err := a.GenerateApiKeyToken(ctx, &authv1.GenerateApiKeyTokenRequest{ApiKeyId: str(args, "apiKeyId"), ExpiresAt: expires})
			if err != nil {
				return nil, gqlError(err)
			}
			return map[string]any{"token": res.GetToken()}, nil
		},
		"Mutation.revokeApiKey": func(ctx context.Context, args map[string]any) (any, error) {
			res, err := a.RevokeApiKey(ctx, &authv1.RevokeApiKeyRequest{Id: str(obj(args, "input"), "id")})
			if connect.CodeOf(err) == connect.CodeNotFound {
				return nil, nil
			}
			if err != nil {
				return nil, gqlError(err)
			}
			g.tokens.markRevoked(res.GetApiKey().GetId())
			return keyObj(ctx, res.GetApiKey())
		},
	}
}

type clientAddressKey struct{}

// clientAddressFrom answers the client address the GraphQL handler put in the context.
func clientAddressFrom(ctx context.Context) string {
	a, _ := ctx.Value(clientAddressKey{}).(string)
	return a
}
