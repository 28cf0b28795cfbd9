package main

import (
	"context"
	"strings"

	"github.com/twentyworkers/twenty/shared/authtoken"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// admin verifies that the caller, a workspace user or an API key, has Twenty's
// API_KEYS_AND_WEBHOOKS permission (a role that may update all settings has it), and answers its
// claims. Twenty's API key resolver lets an API key whose role has it manage keys too.
func (s *server) admin(ctx context.Context) (*authtoken.Claims, error) {
	c, err := s.caller(ctx, authtoken.TypeAccess, authtoken.TypeAPIKey)
	if err != nil {
		return nil, err
	}
	var roleID string
	if c.Type == authtoken.TypeAPIKey {
		k, err := s.store.apiKey(ctx, c.WorkspaceID, c.ID)
		if err != nil {
			return nil, errAdminOnly // a key the workspace does not have (gone since its token was made)
		}
		roleID = k.RoleID
	} else {
		m, err := s.store.membership(ctx, c.UserID, c.WorkspaceID)
		if err != nil {
			return nil, err
		}
		if m.RoleStandardID == "admin" {
			return c, nil
		}
		roleID = m.RoleID
	}
	if roleID == "" {
		return nil, errAdminOnly
	}
	ok, err := s.store.roleMaySet(ctx, roleID, "API_KEYS_AND_WEBHOOKS")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errAdminOnly
	}
	return c, nil
}

func apiKeyProto(k apiKey) *authv1.ApiKey {
	out := &authv1.ApiKey{
		Id: k.ID, Name: k.Name, RoleId: k.RoleID,
		ExpiresAt: timestamppb.New(k.ExpiresAt), CreatedAt: timestamppb.New(k.CreatedAt), UpdatedAt: timestamppb.New(k.UpdatedAt),
	}
	if !k.RevokedAt.IsZero() {
		out.RevokedAt = timestamppb.New(k.RevokedAt)
	}
	return out
}

func (s *server) CreateApiKey(ctx context.Context, req *authv1.CreateApiKeyRequest) (*authv1.CreateApiKeyResponse, error) {
	c, err := s.admin(ctx)
	if err != nil {
		return nil, toConnect(err)
	}
	name := strings.TrimSpace(req.GetName())
	if name == "" {
		return nil, toConnect(errAPIKeyNameRequired)
	}
	now := s.now()
	if req.GetExpiresAt() == nil || !req.GetExpiresAt().AsTime().After(now) {
		return nil, toConnect(errExpiryRequired)
	}
	roleID, err := s.roleOrAdmin(ctx, c.WorkspaceID, req.GetRoleId())
	if err != nil {
		return nil, toConnect(err)
	}
	k := apiKey{ID: ids.NewUUID(), WorkspaceID: c.WorkspaceID, Name: name, RoleID: roleID,
		ExpiresAt: req.GetExpiresAt().AsTime(), CreatedAt: now, UpdatedAt: now}
	if err := s.store.createAPIKey(ctx, k); err != nil {
		return nil, err
	}
	return &authv1.CreateApiKeyResponse{ApiKey: apiKeyProto(k)}, nil
}

// roleOrAdmin checks that roleID is a role of the workspace; "" means the Admin role.
func (s *server) roleOrAdmin(ctx context.Context, workspaceID, roleID string) (string, error) {
	roles, err := s.store.roles(ctx, workspaceID)
	if err != nil {
		return "", err
	}
	for _, r := range roles {
		if roleID == r.ID || roleID == "" && r.StandardID == "admin" {
			return r.ID, nil
		}
	}
	return "", errRoleNotFound
}

func (s *server) GenerateApiKeyToken(ctx context.Context, req *authv1.GenerateApiKeyTokenRequest) (*authv1.GenerateApiKeyTokenResponse, error) {
	c, err := s.admin(ctx)
	if err != nil {
		return nil, toConnect(err)
	}
	k, err := s.store.apiKey(ctx, c.WorkspaceID, req.GetApiKeyId())
	if err != nil {
		return nil, toConnect(err)
	}
	if !k.RevokedAt.IsZero() {
		return nil, toConnect(errAPIKeyRevoked)
	}
	now := s.now()
	if !now.Before(k.ExpiresAt) {
		return nil, toConnect(errAPIKeyExpired)
	}
	// The token expires with its key, as in Twenty, or sooner if asked: never later, which would
	// outlive the key and its revocation's KV entry.
	expires := k.ExpiresAt
	if req.GetExpiresAt() != nil && req.GetExpiresAt().AsTime().Before(expires) {
		expires = req.GetExpiresAt().AsTime()
	}
	if !expires.After(now) {
		return nil, toConnect(errExpiryRequired)
	}
	token, err := s.keys.sign(ctx, authtoken.APIKeyClaims(k.ID, c.WorkspaceID, now, expires))
	if err != nil {
		return nil, err
	}
	return &authv1.GenerateApiKeyTokenResponse{Token: token}, nil
}

func (s *server) RevokeApiKey(ctx context.Context, req *authv1.RevokeApiKeyRequest) (*authv1.RevokeApiKeyResponse, error) {
	c, err := s.admin(ctx)
	if err != nil {
		return nil, toConnect(err)
	}
	k, err := s.store.apiKey(ctx, c.WorkspaceID, req.GetId())
	if err != nil {
		return nil, toConnect(err)
	}
	// The KV entry is what the gateway checks on every request, so it is written first: a
	// revocation that fails half way leaves the key refused (and D1 to catch up on a retry),
	// never a key D1 calls revoked that still works.
	if err := s.revoke(ctx, k.ID, k.ExpiresAt); err != nil {
		return nil, err
	}
	if err := s.store.revokeAPIKey(ctx, c.WorkspaceID, req.GetId(), s.now()); err != nil {
		return nil, err
	}
	if k, err = s.store.apiKey(ctx, c.WorkspaceID, req.GetId()); err != nil {
		return nil, err
	}
	return &authv1.RevokeApiKeyResponse{ApiKey: apiKeyProto(k)}, nil
}

func (s *server) ListApiKeys(ctx context.Context, _ *authv1.ListApiKeysRequest) (*authv1.ListApiKeysResponse, error) {
	c, err := s.admin(ctx)
	if err != nil {
		return nil, toConnect(err)
	}
	keys, err := s.store.apiKeys(ctx, c.WorkspaceID)
	if err != nil {
		return nil, err
	}
	out := &authv1.ListApiKeysResponse{ApiKeys: make([]*authv1.ApiKey, len(keys))}
	for i, k := range keys {
		out.ApiKeys[i] = apiKeyProto(k)
	}
	return out, nil
}

func (s *server) GetApiKey(ctx context.Context, req *authv1.GetApiKeyRequest) (*authv1.GetApiKeyResponse, error) {
	c, err := s.admin(ctx)
	if err != nil {
		return nil, toConnect(err)
	}
	k, err := s.store.apiKey(ctx, c.WorkspaceID, req.GetId())
	if err != nil {
		return nil, toConnect(err)
	}
	return &authv1.GetApiKeyResponse{ApiKey: apiKeyProto(k)}, nil
}

func (s *server) GetRoles(ctx context.Context, _ *authv1.GetRolesRequest) (*authv1.GetRolesResponse, error) {
	c, err := s.caller(ctx, authtoken.TypeAccess)
	if err != nil {
		return nil, toConnect(err)
	}
	roles, err := s.store.roles(ctx, c.WorkspaceID)
	if err != nil {
		return nil, err
	}
	out := &authv1.GetRolesResponse{Roles: make([]*authv1.Role, len(roles))}
	for i, r := range roles {
		out.Roles[i] = &authv1.Role{Id: r.ID, Label: r.Label, Description: r.Description, IsEditable: r.IsEditable, CanUpdateAllSettings: r.CanUpdateAllSettings}
	}
	return out, nil
}

func (s *server) GetVerificationKeys(ctx context.Context, _ *authv1.GetVerificationKeysRequest) (*authv1.GetVerificationKeysResponse, error) {
	keys, err := s.keys.publicKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := &authv1.GetVerificationKeysResponse{Keys: make([]*authv1.VerificationKey, len(keys))}
	for i, k := range keys {
		der, err := k.MarshalBinary()
		if err != nil {
			return nil, err
		}
		out.Keys[i] = &authv1.VerificationKey{Id: k.ID, PublicKey: der}
	}
	return out, nil
}
