// Package authtoken issues and verifies Twenty-compatible JWTs.
//
// The auth Worker alone holds the P-256 private keys: it signs every token ES256 with a kid
// header ([SigningKey.Sign]) and keeps its private keys sealed at rest ([SealPrivateKey]). Other
// Workers verify tokens locally with the public keys ([Verifier]), shipped to them as PKIX DER
// ([PublicKey.MarshalBinary], [ParsePublicKey]).
//
// Tokens issued by an existing Twenty instance keep working: Twenty signs ES256 with its own
// keys (import them with [ParsePublicKey]) and, up to v2.5 and still for some token types, HS256
// with a secret derived from its APP_SECRET ([LegacySecret]).
package authtoken

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Type is the value of a token's "type" claim (Twenty's JwtTokenTypeEnum).
type Type string

// The token types this package issues and accepts.
const (
	TypeAccess            Type = "ACCESS"
	TypeRefresh           Type = "REFRESH"
	TypeLogin             Type = "LOGIN"
	TypeWorkspaceAgnostic Type = "WORKSPACE_AGNOSTIC"
	TypeAPIKey            Type = "API_KEY"
	TypeFile              Type = "FILE"
)

// apiKeyLifetime is Twenty's lifetime for an API key without expiry: jsonwebtoken's "100y",
// where a year is 365.25 days.
const apiKeyLifetime = 36525 * 24 * time.Hour

// Valid reports whether t is one of the types above.
func (t Type) Valid() bool {
	switch t {
	case TypeAccess, TypeRefresh, TypeLogin, TypeWorkspaceAgnostic, TypeAPIKey, TypeFile:
		return true
	}
	return false
}

// DefaultTTL is the lifetime Twenty gives tokens of type t by default (the *_EXPIRES_IN config
// variables): 30m for ACCESS and WORKSPACE_AGNOSTIC, 60d for REFRESH, 15m for LOGIN, 1d for FILE
// and 100y for an API_KEY without expiry. It is 0 for an unknown type.
func (t Type) DefaultTTL() time.Duration {
	switch t {
	case TypeAccess, TypeWorkspaceAgnostic:
		return 30 * time.Minute
	case TypeRefresh:
		return 60 * 24 * time.Hour
	case TypeLogin:
		return 15 * time.Minute
	case TypeFile:
		return 24 * time.Hour
	case TypeAPIKey:
		return apiKeyLifetime
	}
	return 0
}

// Claims is a token's payload, with Twenty's claim names. RegisteredClaims carries sub, exp, iat
// and jti. Fields a token type does not use stay empty and are left out of the JSON.
type Claims struct {
	jwt.RegisteredClaims

	Type              Type   `json:"type"`
	UserID            string `json:"userId,omitempty"`
	WorkspaceID       string `json:"workspaceId,omitempty"`
	WorkspaceMemberID string `json:"workspaceMemberId,omitempty"`
	UserWorkspaceID   string `json:"userWorkspaceId,omitempty"`
	AuthProvider      string `json:"authProvider,omitempty"`
	// TargetedTokenType is the type of the token a REFRESH token renews (ACCESS or
	// WORKSPACE_AGNOSTIC).
	TargetedTokenType Type   `json:"targetedTokenType,omitempty"`
	FileID            string `json:"fileId,omitempty"`
	IsImpersonating   bool   `json:"isImpersonating,omitempty"`
	// ImpersonatorUserWorkspaceID and ImpersonatedUserWorkspaceID are set on ACCESS and REFRESH
	// tokens of an impersonation session; LOGIN tokens may carry the impersonator.
	ImpersonatorUserWorkspaceID string `json:"impersonatorUserWorkspaceId,omitempty"`
	ImpersonatedUserWorkspaceID string `json:"impersonatedUserWorkspaceId,omitempty"`
}

// registered returns the registered claims of a token for subject issued at now that expires
// after ttl, or after typ's default lifetime when ttl is not positive. Times are whole seconds,
// as in a JWT.
func registered(typ Type, subject, id string, now time.Time, ttl time.Duration) jwt.RegisteredClaims {
	if ttl <= 0 {
		ttl = typ.DefaultTTL()
	}
	iat := time.Unix(now.Unix(), 0)
	return jwt.RegisteredClaims{
		Subject:   subject,
		ID:        id,
		IssuedAt:  jwt.NewNumericDate(iat),
		ExpiresAt: jwt.NewNumericDate(iat.Add(ttl.Truncate(time.Second))),
	}
}

// AccessClaims returns the claims of an ACCESS token: sub is userID. A ttl that is not positive
// means the default, 30 minutes. Set the impersonation fields on the result when needed.
func AccessClaims(userID, workspaceID, workspaceMemberID, userWorkspaceID, authProvider string, now time.Time, ttl time.Duration) Claims {
	return Claims{
		RegisteredClaims:  registered(TypeAccess, userID, "", now, ttl),
		Type:              TypeAccess,
		UserID:            userID,
		WorkspaceID:       workspaceID,
		WorkspaceMemberID: workspaceMemberID,
		UserWorkspaceID:   userWorkspaceID,
		AuthProvider:      authProvider,
	}
}

// WorkspaceAgnosticClaims returns the claims of a WORKSPACE_AGNOSTIC token, for a user signed in
// but not yet in a workspace: sub is userID. A ttl that is not positive means 30 minutes.
func WorkspaceAgnosticClaims(userID, authProvider string, now time.Time, ttl time.Duration) Claims {
	return Claims{
		RegisteredClaims: registered(TypeWorkspaceAgnostic, userID, "", now, ttl),
		Type:             TypeWorkspaceAgnostic,
		UserID:           userID,
		AuthProvider:     authProvider,
	}
}

// RefreshClaims returns the claims of a REFRESH token renewing a token of type targeted: sub is
// userID and jti is tokenID, the id of the stored refresh-token row, which Sign requires.
// workspaceID is empty for a workspace-agnostic session. A ttl that is not positive means 60
// days; Twenty gives impersonation sessions 1 day.
func RefreshClaims(tokenID, userID, workspaceID, authProvider string, targeted Type, now time.Time, ttl time.Duration) Claims {
	return Claims{
		RegisteredClaims:  registered(TypeRefresh, userID, tokenID, now, ttl),
		Type:              TypeRefresh,
		UserID:            userID,
		WorkspaceID:       workspaceID,
		AuthProvider:      authProvider,
		TargetedTokenType: targeted,
	}
}

// LoginClaims returns the claims of a LOGIN token, exchanged for a token pair on workspaceID: sub
// is the user's email. A ttl that is not positive means 15 minutes.
func LoginClaims(email, workspaceID, authProvider string, now time.Time, ttl time.Duration) Claims {
	return Claims{
		RegisteredClaims: registered(TypeLogin, email, "", now, ttl),
		Type:             TypeLogin,
		WorkspaceID:      workspaceID,
		AuthProvider:     authProvider,
	}
}

// APIKeyClaims returns the claims of an API_KEY token: sub is workspaceID and jti is apiKeyID,
// which Sign requires. The token expires at expiresAt, or after 100 years when expiresAt is zero.
func APIKeyClaims(apiKeyID, workspaceID string, now, expiresAt time.Time) Claims {
	c := Claims{
		RegisteredClaims: registered(TypeAPIKey, workspaceID, apiKeyID, now, 0),
		Type:             TypeAPIKey,
		WorkspaceID:      workspaceID,
	}
	if !expiresAt.IsZero() {
		c.ExpiresAt = jwt.NewNumericDate(time.Unix(expiresAt.Unix(), 0))
	}
	return c
}

// FileClaims returns the claims of a FILE token, which grants the download of fileID: sub is
// workspaceID. A ttl that is not positive means 1 day.
func FileClaims(workspaceID, fileID string, now time.Time, ttl time.Duration) Claims {
	return Claims{
		RegisteredClaims: registered(TypeFile, workspaceID, "", now, ttl),
		Type:             TypeFile,
		WorkspaceID:      workspaceID,
		FileID:           fileID,
	}
}
