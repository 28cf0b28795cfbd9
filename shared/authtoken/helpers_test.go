package authtoken_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/twentyworkers/twenty/shared/authtoken"
)

// t0 is the tests' issue time, 2026-01-01T00:00:00Z.
var t0 = time.Unix(1767225600, 0)

// Ids shaped like Twenty's seed data.
const (
	userID            = "20202020-9e3b-46d4-a556-88b9ddc2b034"
	workspaceID       = "3b8e6458-5fc1-4e63-8563-008ccddaa6db"
	workspaceMemberID = "20202020-0687-4c41-b707-ed1bfca972a7"
	userWorkspaceID   = "20202020-e10a-4c27-a90b-b08c57b02d44"
	apiKeyID          = "f1d2d2f9-0000-4000-8000-000000000001"
	refreshTokenID    = "0a7e1d5c-2f3b-4c8d-9e6f-123456789abc"
	fileID            = "9c1b7a52-8d3e-4f60-a1b2-c3d4e5f60718"
	email             = "tim@apple.dev"
	appSecret         = "twenty-app-secret-for-tests"
)

// fixedKey returns a deterministic P-256 signing key named id, so that fuzz corpus entries keep
// verifying from one run to the next.
func fixedKey(tb testing.TB, id string) authtoken.SigningKey {
	tb.Helper()
	d := sha256.Sum256([]byte("authtoken test key " + id))
	priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d[:])
	if err != nil {
		tb.Fatalf("ParseRawPrivateKey: %v", err)
	}
	return authtoken.SigningKey{ID: id, Private: priv}
}

// clockAt returns a clock stopped at t.
func clockAt(t time.Time) func() time.Time { return func() time.Time { return t } }

// allClaims returns claims of every type issued at now, keyed by a test name.
func allClaims(now time.Time) map[string]authtoken.Claims {
	impersonating := authtoken.AccessClaims(userID, workspaceID, workspaceMemberID, userWorkspaceID, "password", now, 0)
	impersonating.IsImpersonating = true
	impersonating.ImpersonatorUserWorkspaceID = "20202020-1111-4c27-a90b-b08c57b02d44"
	impersonating.ImpersonatedUserWorkspaceID = userWorkspaceID
	return map[string]authtoken.Claims{
		"access":             authtoken.AccessClaims(userID, workspaceID, workspaceMemberID, userWorkspaceID, "password", now, 0),
		"access impersonate": impersonating,
		"workspace agnostic": authtoken.WorkspaceAgnosticClaims(userID, "google", now, 0),
		"refresh":            authtoken.RefreshClaims(refreshTokenID, userID, workspaceID, "password", authtoken.TypeAccess, now, 0),
		"refresh agnostic":   authtoken.RefreshClaims(refreshTokenID, userID, "", "password", authtoken.TypeWorkspaceAgnostic, now, 0),
		"login":              authtoken.LoginClaims(email, workspaceID, "password", now, 0),
		"api key":            authtoken.APIKeyClaims(apiKeyID, workspaceID, now, time.Time{}),
		"api key expiring":   authtoken.APIKeyClaims(apiKeyID, workspaceID, now, now.Add(90*24*time.Hour)),
		"file":               authtoken.FileClaims(workspaceID, fileID, now, 0),
	}
}

// b64 is the base64url encoding of a JWT segment.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// segment returns the JWT segment encoding v as JSON.
func segment(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("json.Marshal: %v", err)
	}
	return b64(b)
}

// signWith signs claims with method and key, with extra header fields, bypassing SigningKey.Sign
// and its checks.
func signWith(tb testing.TB, method jwt.SigningMethod, key any, header map[string]any, claims jwt.Claims) string {
	tb.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		if v == nil {
			delete(tok.Header, k)
		} else {
			tok.Header[k] = v
		}
	}
	s, err := tok.SignedString(key)
	if err != nil {
		tb.Fatalf("SignedString: %v", err)
	}
	return s
}

// mustSign signs c with k.
func mustSign(tb testing.TB, k authtoken.SigningKey, c authtoken.Claims) string {
	tb.Helper()
	s, err := k.Sign(c)
	if err != nil {
		tb.Fatalf("Sign: %v", err)
	}
	return s
}

// mustVerifier returns a verifier for keys.
func mustVerifier(tb testing.TB, keys []authtoken.PublicKey, opts ...authtoken.Option) *authtoken.Verifier {
	tb.Helper()
	v, err := authtoken.NewVerifier(keys, opts...)
	if err != nil {
		tb.Fatalf("NewVerifier: %v", err)
	}
	return v
}
