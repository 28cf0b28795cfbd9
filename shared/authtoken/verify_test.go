package authtoken_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/authtoken"
)

var sentinels = []error{
	authtoken.ErrMalformed,
	authtoken.ErrSignature,
	authtoken.ErrExpired,
	authtoken.ErrNotYetValid,
	authtoken.ErrUnknownKey,
}

// checkErr fails unless err matches want (nil for success) and no other sentinel.
func checkErr(t *testing.T, err, want error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("Verify: %v, want success", err)
		}
		return
	}
	for _, s := range sentinels {
		if got := errors.Is(err, s); got != (s == want) {
			t.Errorf("errors.Is(%v, %v) = %t, want %t", err, s, got, !got)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	k := fixedKey(t, "k1")
	other := fixedKey(t, "k2")
	v := mustVerifier(t, []authtoken.PublicKey{other.Public(), k.Public()}, authtoken.Clock(clockAt(t0.Add(time.Minute))))
	for name, want := range allClaims(t0) {
		t.Run(name, func(t *testing.T) {
			tok := mustSign(t, k, want)
			got, err := v.Verify(tok)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if diff := cmp.Diff(want, *got); diff != "" {
				t.Errorf("Verify(Sign(c)) mismatch (-want +got):\n%s", diff)
			}
			header := decodeSegment(t, tok, 0)
			if diff := cmp.Diff(map[string]any{"alg": "ES256", "typ": "JWT", "kid": "k1"}, header); diff != "" {
				t.Errorf("header mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// decodeSegment decodes segment i of tok as a JSON object.
func decodeSegment(t *testing.T, tok string, i int) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[i])
	if err != nil {
		t.Fatalf("decode segment %d: %v", i, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("unmarshal segment %d: %v", i, err)
	}
	return m
}

// TestPayload checks the claims carry Twenty's names and shapes (§3.2 of the reference).
func TestPayload(t *testing.T) {
	k := fixedKey(t, "k1")
	iat := float64(t0.Unix())
	claims := allClaims(t0)
	tests := []struct {
		name string
		want map[string]any
	}{
		{"access", map[string]any{
			"sub": userID, "userId": userID, "workspaceId": workspaceID, "workspaceMemberId": workspaceMemberID,
			"userWorkspaceId": userWorkspaceID, "type": "ACCESS", "authProvider": "password",
			"iat": iat, "exp": iat + 30*60,
		}},
		{"access impersonate", map[string]any{
			"sub": userID, "userId": userID, "workspaceId": workspaceID, "workspaceMemberId": workspaceMemberID,
			"userWorkspaceId": userWorkspaceID, "type": "ACCESS", "authProvider": "password",
			"isImpersonating": true, "impersonatorUserWorkspaceId": "20202020-1111-4c27-a90b-b08c57b02d44",
			"impersonatedUserWorkspaceId": userWorkspaceID, "iat": iat, "exp": iat + 30*60,
		}},
		{"workspace agnostic", map[string]any{
			"sub": userID, "userId": userID, "authProvider": "google", "type": "WORKSPACE_AGNOSTIC",
			"iat": iat, "exp": iat + 30*60,
		}},
		{"refresh", map[string]any{
			"sub": userID, "userId": userID, "workspaceId": workspaceID, "jti": refreshTokenID,
			"authProvider": "password", "targetedTokenType": "ACCESS", "type": "REFRESH",
			"iat": iat, "exp": iat + 60*86400,
		}},
		{"refresh agnostic", map[string]any{
			"sub": userID, "userId": userID, "jti": refreshTokenID, "authProvider": "password",
			"targetedTokenType": "WORKSPACE_AGNOSTIC", "type": "REFRESH", "iat": iat, "exp": iat + 60*86400,
		}},
		{"login", map[string]any{
			"sub": email, "workspaceId": workspaceID, "authProvider": "password", "type": "LOGIN",
			"iat": iat, "exp": iat + 15*60,
		}},
		{"api key", map[string]any{
			"sub": workspaceID, "workspaceId": workspaceID, "jti": apiKeyID, "type": "API_KEY",
			"iat": iat, "exp": iat + 36525*86400,
		}},
		{"api key expiring", map[string]any{
			"sub": workspaceID, "workspaceId": workspaceID, "jti": apiKeyID, "type": "API_KEY",
			"iat": iat, "exp": iat + 90*86400,
		}},
		{"file", map[string]any{
			"sub": workspaceID, "workspaceId": workspaceID, "fileId": fileID, "type": "FILE",
			"iat": iat, "exp": iat + 86400,
		}},
	}
	if len(tests) != len(claims) {
		t.Fatalf("%d cases for %d claim sets", len(tests), len(claims))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeSegment(t, mustSign(t, k, claims[tt.name]), 1)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("payload mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConstructorTTL(t *testing.T) {
	now := t0.Add(1500 * time.Millisecond) // fractions of a second are dropped
	tests := []struct {
		name string
		c    authtoken.Claims
		want time.Duration
	}{
		{"access 5m", authtoken.AccessClaims(userID, workspaceID, "", userWorkspaceID, "", now, 5*time.Minute), 5 * time.Minute},
		{"refresh 1d", authtoken.RefreshClaims("id", userID, workspaceID, "", authtoken.TypeAccess, now, 24*time.Hour), 24 * time.Hour},
		{"login negative", authtoken.LoginClaims(email, workspaceID, "", now, -time.Second), 15 * time.Minute},
		{"file 1.9s", authtoken.FileClaims(workspaceID, fileID, now, 1900*time.Millisecond), time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.IssuedAt.Time; !got.Equal(t0.Add(time.Second)) {
				t.Errorf("iat = %v, want %v", got, t0.Add(time.Second))
			}
			if got := tt.c.ExpiresAt.Sub(tt.c.IssuedAt.Time); got != tt.want {
				t.Errorf("exp - iat = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestExpiry(t *testing.T) {
	k := fixedKey(t, "k1")
	tok := mustSign(t, k, authtoken.AccessClaims(userID, workspaceID, "", userWorkspaceID, "", t0, time.Hour))
	exp := t0.Add(time.Hour)
	tests := []struct {
		name   string
		now    time.Time
		leeway time.Duration
		want   error
	}{
		{"just issued", t0, 0, nil},
		{"before issue", t0.Add(-time.Hour), 0, nil}, // iat is not checked, as in jsonwebtoken
		{"last nanosecond", exp.Add(-time.Nanosecond), 0, nil},
		{"at exp", exp, 0, authtoken.ErrExpired},
		{"after exp", exp.Add(time.Second), 0, authtoken.ErrExpired},
		{"within leeway", exp.Add(4 * time.Second), 5 * time.Second, nil},
		{"past leeway", exp.Add(5 * time.Second), 5 * time.Second, authtoken.ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustVerifier(t, []authtoken.PublicKey{k.Public()}, authtoken.Clock(clockAt(tt.now)), authtoken.Leeway(tt.leeway))
			_, err := v.Verify(tok)
			checkErr(t, err, tt.want)
		})
	}
}

func TestNotBefore(t *testing.T) {
	k := fixedKey(t, "k1")
	c := authtoken.AccessClaims(userID, workspaceID, "", userWorkspaceID, "", t0, time.Hour)
	c.NotBefore = jwt.NewNumericDate(t0.Add(time.Minute))
	tok := mustSign(t, k, c)
	for _, tt := range []struct {
		now  time.Time
		want error
	}{
		{t0.Add(time.Minute - time.Nanosecond), authtoken.ErrNotYetValid},
		{t0.Add(time.Minute), nil},
	} {
		v := mustVerifier(t, []authtoken.PublicKey{k.Public()}, authtoken.Clock(clockAt(tt.now)))
		_, err := v.Verify(tok)
		checkErr(t, err, tt.want)
	}
}

// replaceSegment returns tok with segment i replaced by s.
func replaceSegment(tok string, i int, s string) string {
	parts := strings.Split(tok, ".")
	parts[i] = s
	return strings.Join(parts, ".")
}

func TestReject(t *testing.T) {
	k := fixedKey(t, "k1")
	now := t0.Add(time.Minute)
	access := authtoken.AccessClaims(userID, workspaceID, workspaceMemberID, userWorkspaceID, "password", t0, 0)
	valid := mustSign(t, k, access)
	der, err := k.Public().MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	es384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	kid := map[string]any{"kid": "k1"}

	forged := access
	forged.UserID = "someone-else"
	unknownType := access
	unknownType.Type = "POSTGRES_PROXY"
	noExp := access
	noExp.ExpiresAt = nil

	tests := []struct {
		name   string
		token  string
		legacy bool
		want   error
	}{
		{"empty", "", false, authtoken.ErrMalformed},
		{"garbage", "not a token", false, authtoken.ErrMalformed},
		{"two segments", "eyJhbGciOiJFUzI1NiJ9.e30", false, authtoken.ErrMalformed},
		{"four segments", valid + ".x", false, authtoken.ErrMalformed},
		{"bearer prefix", "Bearer " + valid, false, authtoken.ErrMalformed},
		{"header not json", replaceSegment(valid, 0, b64([]byte("{"))), false, authtoken.ErrMalformed},
		{"payload not json", replaceSegment(valid, 1, b64([]byte("nope"))), false, authtoken.ErrMalformed},
		{"payload not base64", replaceSegment(valid, 1, "***"), false, authtoken.ErrMalformed},
		{"exp not a number", replaceSegment(valid, 1, segment(t, map[string]any{"type": "ACCESS", "exp": "soon"})), false, authtoken.ErrMalformed},
		{"signature not base64", replaceSegment(valid, 2, "!!"), false, authtoken.ErrMalformed},
		// Base64url whose unused trailing bits are set decodes to the same bytes when lenient.
		{"non-canonical signature", replaceSegment(valid, 2, nonCanonical(strings.Split(valid, ".")[2])), false, authtoken.ErrMalformed},
		{"tampered payload", replaceSegment(valid, 1, segment(t, forged)), false, authtoken.ErrSignature},
		{"tampered signature", replaceSegment(valid, 2, flipBit(t, strings.Split(valid, ".")[2])), false, authtoken.ErrSignature},
		{"truncated signature", replaceSegment(valid, 2, strings.Split(valid, ".")[2][:40]), false, authtoken.ErrSignature},
		{"empty signature", replaceSegment(valid, 2, ""), false, authtoken.ErrSignature},
		{"swapped header", replaceSegment(valid, 0, segment(t, map[string]any{"alg": "ES256", "kid": "k1"})), false, authtoken.ErrSignature},
		{"alg none", signWith(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kid, access), true, authtoken.ErrSignature},
		{"alg none no signature", replaceSegment(valid, 0, segment(t, map[string]any{"alg": "none", "kid": "k1"})), false, authtoken.ErrSignature},
		{"alg missing", replaceSegment(valid, 0, segment(t, map[string]any{"kid": "k1"})), false, authtoken.ErrSignature},
		{"alg unknown", replaceSegment(valid, 0, segment(t, map[string]any{"alg": "XS999", "kid": "k1"})), false, authtoken.ErrSignature},
		{"alg confusion DER", signWith(t, jwt.SigningMethodHS256, der, kid, access), false, authtoken.ErrSignature},
		{"alg confusion DER legacy", signWith(t, jwt.SigningMethodHS256, der, kid, access), true, authtoken.ErrSignature},
		{"alg confusion PEM legacy", signWith(t, jwt.SigningMethodHS256, pemKey, kid, access), true, authtoken.ErrSignature},
		{"ES384", signWith(t, jwt.SigningMethodES384, es384, kid, access), true, authtoken.ErrSignature},
		{"HS512 legacy secret", signWith(t, jwt.SigningMethodHS512, legacySecretByHand(workspaceID, "ACCESS"), nil, access), true, authtoken.ErrSignature},
		{"HS256 without legacy", signWith(t, jwt.SigningMethodHS256, legacySecretByHand(workspaceID, "ACCESS"), nil, access), false, authtoken.ErrSignature},
		{"ES256 without kid", signWith(t, jwt.SigningMethodES256, k.Private, map[string]any{"kid": nil}, access), false, authtoken.ErrSignature},
		{"ES256 kid not a string", signWith(t, jwt.SigningMethodES256, k.Private, map[string]any{"kid": 1}, access), false, authtoken.ErrSignature},
		{"unknown kid", mustSign(t, fixedKey(t, "k9"), access), false, authtoken.ErrUnknownKey},
		{"known kid other key", signWith(t, jwt.SigningMethodES256, fixedKey(t, "k9").Private, kid, access), false, authtoken.ErrSignature},
		{"unknown type", signWith(t, jwt.SigningMethodES256, k.Private, kid, unknownType), false, authtoken.ErrMalformed},
		{"no type", signWith(t, jwt.SigningMethodES256, k.Private, kid, jwt.MapClaims{"sub": userID, "exp": t0.Add(time.Hour).Unix()}), false, authtoken.ErrMalformed},
		{"no exp", signWith(t, jwt.SigningMethodES256, k.Private, kid, noExp), false, authtoken.ErrMalformed},
		{"expired and tampered", replaceSegment(mustSign(t, k, authtoken.AccessClaims(userID, workspaceID, "", "", "", t0.Add(-time.Hour), time.Second)), 2, strings.Split(valid, ".")[2]), false, authtoken.ErrSignature},
		{"valid", valid, false, nil},
		{"valid legacy", valid, true, nil},
	}
	plain := mustVerifier(t, []authtoken.PublicKey{k.Public()}, authtoken.Clock(clockAt(now)))
	legacy := mustVerifier(t, []authtoken.PublicKey{k.Public()}, authtoken.Clock(clockAt(now)), authtoken.LegacySecret(appSecret))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := plain
			if tt.legacy {
				v = legacy
			}
			c, err := v.Verify(tt.token)
			checkErr(t, err, tt.want)
			if err != nil && c != nil {
				t.Errorf("Verify returned claims %+v with error %v", c, err)
			}
		})
	}
}

// flipBit returns the base64url segment s with one bit of its decoded bytes flipped.
func flipBit(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	return b64(b)
}

// nonCanonical returns s, a canonical unpadded base64url string whose length is not a multiple of
// 4, with the unused low bits of its last character set.
func nonCanonical(s string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, s[len(s)-1])
	return s[:len(s)-1] + string(alphabet[last|1])
}

// legacySecretByHand derives Twenty's HS256 secret exactly as jwt-wrapper.service.ts does:
// createHash('sha256').update(`${APP_SECRET}${appSecretBody}${type}`).digest('hex').
func legacySecretByHand(body, typ string) []byte {
	sum := sha256.Sum256([]byte(appSecret + body + typ))
	return []byte(hex.EncodeToString(sum[:]))
}

// hs256ByHand builds an HS256 token the way jsonwebtoken does, with crypto/hmac.
func hs256ByHand(t *testing.T, payload map[string]any, secret []byte) string {
	t.Helper()
	input := b64([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + segment(t, payload)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(input))
	return input + "." + b64(mac.Sum(nil))
}

// Tokens made by Node's crypto the way Twenty's JwtWrapperService makes them (jsonwebtoken), with
// APP_SECRET = appSecret, issued at t0.
const (
	// twentyAccessSecret is sha256_hex(appSecret + workspaceID + "ACCESS").
	twentyAccessSecret = "e8f87fd3677cf9058d2510458c562eb9bf0f6501efc77ff44f2ba8dff6dafca9"
	// HS256 ACCESS, 30m.
	twentyHSAccess = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIyMDIwMjAyMC05ZTNiLTQ2ZDQtYTU1Ni04OGI5ZGRjMmIwMzQiLCJ1c2VySWQiOiIyMDIwMjAyMC05ZTNiLTQ2ZDQtYTU1Ni04OGI5ZGRjMmIwMzQiLCJ3b3Jrc3BhY2VJZCI6IjNiOGU2NDU4LTVmYzEtNGU2My04NTYzLTAwOGNjZGRhYTZkYiIsIndvcmtzcGFjZU1lbWJlcklkIjoiMjAyMDIwMjAtMDY4Ny00YzQxLWI3MDctZWQxYmZjYTk3MmE3IiwidXNlcldvcmtzcGFjZUlkIjoiMjAyMDIwMjAtZTEwYS00YzI3LWE5MGItYjA4YzU3YjAyZDQ0IiwidHlwZSI6IkFDQ0VTUyIsImF1dGhQcm92aWRlciI6InBhc3N3b3JkIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE3NjcyMjc0MDB9.th8K17L5LmizCZgsSaKLSL0wjOyrwQwLwmfqdCCGzHc"
	// HS256 API_KEY signed with the ACCESS secret, as before December 2025; expires in 36500 days.
	twentyHSAPIKeyOld = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIzYjhlNjQ1OC01ZmMxLTRlNjMtODU2My0wMDhjY2RkYWE2ZGIiLCJ0eXBlIjoiQVBJX0tFWSIsIndvcmtzcGFjZUlkIjoiM2I4ZTY0NTgtNWZjMS00ZTYzLTg1NjMtMDA4Y2NkZGFhNmRiIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjQ5MjA4MjU2MDAsImp0aSI6ImYxZDJkMmY5LTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMSJ9.mHUQsN3TmTgAmYhBnYgBtaV3uxvOKByEzYBT6JyS3R0"
	// HS256 API_KEY signed with the API_KEY secret; expires in 1d.
	twentyHSAPIKeyNew = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIzYjhlNjQ1OC01ZmMxLTRlNjMtODU2My0wMDhjY2RkYWE2ZGIiLCJ0eXBlIjoiQVBJX0tFWSIsIndvcmtzcGFjZUlkIjoiM2I4ZTY0NTgtNWZjMS00ZTYzLTg1NjMtMDA4Y2NkZGFhNmRiIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE3NjczMTIwMDAsImp0aSI6ImYxZDJkMmY5LTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMiJ9.JXkfImS31z6GNniAaUsVYqIkgkHOnARCL-1uTn9DG-c"
	// HS256 WORKSPACE_AGNOSTIC, secret derived from userId; 30m.
	twentyHSAgnostic = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIyMDIwMjAyMC05ZTNiLTQ2ZDQtYTU1Ni04OGI5ZGRjMmIwMzQiLCJ1c2VySWQiOiIyMDIwMjAyMC05ZTNiLTQ2ZDQtYTU1Ni04OGI5ZGRjMmIwMzQiLCJhdXRoUHJvdmlkZXIiOiJwYXNzd29yZCIsInR5cGUiOiJXT1JLU1BBQ0VfQUdOT1NUSUMiLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6MTc2NzIyNzQwMH0.bsMtPjfPq8OUcpkifswyeuq-SkrLq3wkAgcAJF0wkw0"
	// ES256 ACCESS with a Twenty-style UUID kid; its public key as SPKI DER; 30m.
	twentyESKid    = "a3c8e7b2-5d41-4f6e-9a10-2b7c3d4e5f60"
	twentyESSPKI   = "3059301306072a8648ce3d020106082a8648ce3d0301070342000456429365d030ac1aa24498ec9926e8d26579ac7559cef645808e5c4a9992a8ed0bf68c3de502ab940b205509eb86cb8b514e03c98633fa556e7cb20e5e6c2a81"
	twentyESAccess = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImEzYzhlN2IyLTVkNDEtNGY2ZS05YTEwLTJiN2MzZDRlNWY2MCJ9.eyJzdWIiOiIyMDIwMjAyMC05ZTNiLTQ2ZDQtYTU1Ni04OGI5ZGRjMmIwMzQiLCJ1c2VySWQiOiIyMDIwMjAyMC05ZTNiLTQ2ZDQtYTU1Ni04OGI5ZGRjMmIwMzQiLCJ3b3Jrc3BhY2VJZCI6IjNiOGU2NDU4LTVmYzEtNGU2My04NTYzLTAwOGNjZGRhYTZkYiIsInVzZXJXb3Jrc3BhY2VJZCI6IjIwMjAyMDIwLWUxMGEtNGMyNy1hOTBiLWIwOGM1N2IwMmQ0NCIsInR5cGUiOiJBQ0NFU1MiLCJhdXRoUHJvdmlkZXIiOiJwYXNzd29yZCIsImlhdCI6MTc2NzIyNTYwMCwiZXhwIjoxNzY3MjI3NDAwfQ.Ku1EYavpF0bI6hOO6KE59lqfcYAbh0TnUXjN4nhURVe6CIhchQ8szjTQZu3KTs8rl619NoDblIOISkoizzUAqg"
)

func TestLegacySecretDerivation(t *testing.T) {
	if got := string(legacySecretByHand(workspaceID, "ACCESS")); got != twentyAccessSecret {
		t.Fatalf("legacySecretByHand = %s, want %s (node createHash)", got, twentyAccessSecret)
	}
}

func TestLegacyHS256(t *testing.T) {
	now := t0.Add(time.Minute)
	secret := func(body, typ string) []byte { return legacySecretByHand(body, typ) }
	iat, exp := t0.Unix(), t0.Add(time.Hour).Unix()
	reg := func(sub, jti string, exp int64) jwt.RegisteredClaims {
		return jwt.RegisteredClaims{Subject: sub, ID: jti, IssuedAt: jwt.NewNumericDate(time.Unix(iat, 0)), ExpiresAt: jwt.NewNumericDate(time.Unix(exp, 0))}
	}
	accessPayload := map[string]any{"sub": userID, "userId": userID, "workspaceId": workspaceID, "type": "ACCESS", "iat": iat, "exp": exp}
	tests := []struct {
		name      string
		token     string
		appSecret string // empty: no LegacySecret option
		want      *authtoken.Claims
		wantErr   error
	}{
		{
			name: "node access", token: twentyHSAccess, appSecret: appSecret,
			want: &authtoken.Claims{
				RegisteredClaims: reg(userID, "", iat+1800), Type: authtoken.TypeAccess, UserID: userID, WorkspaceID: workspaceID,
				WorkspaceMemberID: workspaceMemberID, UserWorkspaceID: userWorkspaceID, AuthProvider: "password",
			},
		},
		{
			name: "node api key with ACCESS secret", token: twentyHSAPIKeyOld, appSecret: appSecret,
			want: &authtoken.Claims{RegisteredClaims: reg(workspaceID, apiKeyID, iat+100*365*86400), Type: authtoken.TypeAPIKey, WorkspaceID: workspaceID},
		},
		{
			name: "node api key with API_KEY secret", token: twentyHSAPIKeyNew, appSecret: appSecret,
			want: &authtoken.Claims{RegisteredClaims: reg(workspaceID, "f1d2d2f9-0000-4000-8000-000000000002", iat+86400), Type: authtoken.TypeAPIKey, WorkspaceID: workspaceID},
		},
		{
			name: "node workspace agnostic", token: twentyHSAgnostic, appSecret: appSecret,
			want: &authtoken.Claims{RegisteredClaims: reg(userID, "", iat+1800), Type: authtoken.TypeWorkspaceAgnostic, UserID: userID, AuthProvider: "password"},
		},
		{
			name: "by hand access", token: hs256ByHand(t, accessPayload, secret(workspaceID, "ACCESS")), appSecret: appSecret,
			want: &authtoken.Claims{RegisteredClaims: reg(userID, "", exp), Type: authtoken.TypeAccess, UserID: userID, WorkspaceID: workspaceID},
		},
		{
			name: "by hand file", appSecret: appSecret,
			token: hs256ByHand(t, map[string]any{"sub": workspaceID, "workspaceId": workspaceID, "fileId": fileID, "type": "FILE", "exp": exp}, secret(workspaceID, "FILE")),
			want: &authtoken.Claims{
				RegisteredClaims: jwt.RegisteredClaims{Subject: workspaceID, ExpiresAt: jwt.NewNumericDate(time.Unix(exp, 0))},
				Type:             authtoken.TypeFile, WorkspaceID: workspaceID, FileID: fileID,
			},
		},
		{
			name: "by hand empty workspaceId uses userId", appSecret: appSecret,
			token: hs256ByHand(t, map[string]any{"sub": userID, "userId": userID, "workspaceId": "", "type": "REFRESH", "jti": "r", "exp": exp}, secret(userID, "REFRESH")),
			want: &authtoken.Claims{
				RegisteredClaims: jwt.RegisteredClaims{Subject: userID, ID: "r", ExpiresAt: jwt.NewNumericDate(time.Unix(exp, 0))},
				Type:             authtoken.TypeRefresh, UserID: userID,
			},
		},
		{name: "no legacy secret", token: twentyHSAccess, wantErr: authtoken.ErrSignature},
		{name: "wrong app secret", token: twentyHSAccess, appSecret: appSecret + "x", wantErr: authtoken.ErrSignature},
		{name: "expired", token: hs256ByHand(t, map[string]any{"workspaceId": workspaceID, "type": "ACCESS", "exp": now.Unix()}, secret(workspaceID, "ACCESS")), appSecret: appSecret, wantErr: authtoken.ErrExpired},
		{name: "userId secret for workspace token", token: hs256ByHand(t, accessPayload, secret(userID, "ACCESS")), appSecret: appSecret, wantErr: authtoken.ErrSignature},
		{name: "other type's secret", token: hs256ByHand(t, accessPayload, secret(workspaceID, "REFRESH")), appSecret: appSecret, wantErr: authtoken.ErrSignature},
		// Only API_KEY tokens fall back to the ACCESS secret.
		{name: "file with ACCESS secret", token: hs256ByHand(t, map[string]any{"workspaceId": workspaceID, "type": "FILE", "exp": exp}, secret(workspaceID, "ACCESS")), appSecret: appSecret, wantErr: authtoken.ErrSignature},
		{name: "no body", token: hs256ByHand(t, map[string]any{"sub": "x", "type": "ACCESS", "exp": exp}, secret("", "ACCESS")), appSecret: appSecret, wantErr: authtoken.ErrSignature},
		{name: "no type", token: hs256ByHand(t, map[string]any{"workspaceId": workspaceID, "exp": exp}, secret(workspaceID, "")), appSecret: appSecret, wantErr: authtoken.ErrMalformed},
		{name: "raw APP_SECRET", token: hs256ByHand(t, accessPayload, []byte(appSecret)), appSecret: appSecret, wantErr: authtoken.ErrSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []authtoken.Option{authtoken.Clock(clockAt(now))}
			if tt.appSecret != "" {
				opts = append(opts, authtoken.LegacySecret(tt.appSecret))
			}
			v := mustVerifier(t, nil, opts...)
			got, err := v.Verify(tt.token)
			checkErr(t, err, tt.wantErr)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Verify mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTwentyES256 verifies a token signed by Node's crypto with a Twenty-style kid and key.
func TestTwentyES256(t *testing.T) {
	der, err := hex.DecodeString(twentyESSPKI)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := authtoken.ParsePublicKey(twentyESKid, der)
	if err != nil {
		t.Fatalf("ParsePublicKey: %v", err)
	}
	v := mustVerifier(t, []authtoken.PublicKey{pub}, authtoken.Clock(clockAt(t0.Add(time.Minute))))
	got, err := v.Verify(twentyESAccess)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	want := &authtoken.Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: userID, IssuedAt: jwt.NewNumericDate(t0), ExpiresAt: jwt.NewNumericDate(t0.Add(30 * time.Minute))},
		Type:             authtoken.TypeAccess, UserID: userID, WorkspaceID: workspaceID, UserWorkspaceID: userWorkspaceID, AuthProvider: "password",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Verify mismatch (-want +got):\n%s", diff)
	}
	again, err := pub.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	if got := hex.EncodeToString(again); got != twentyESSPKI {
		t.Errorf("MarshalBinary = %s, want node's %s", got, twentyESSPKI)
	}
}

func TestNewVerifierErrors(t *testing.T) {
	k := fixedKey(t, "k1")
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	offCurve := *k.Public().Key
	offCurve.X = new(big.Int).Add(offCurve.X, big.NewInt(1))
	tests := []struct {
		name string
		keys []authtoken.PublicKey
	}{
		{"empty id", []authtoken.PublicKey{{Key: k.Public().Key}}},
		{"nil key", []authtoken.PublicKey{{ID: "k"}}},
		{"P-384", []authtoken.PublicKey{{ID: "k", Key: &p384.PublicKey}}},
		{"off curve", []authtoken.PublicKey{{ID: "k", Key: &offCurve}}},
		{"no coordinates", []authtoken.PublicKey{{ID: "k", Key: &ecdsa.PublicKey{Curve: elliptic.P256()}}}},
		{"duplicate id", []authtoken.PublicKey{k.Public(), fixedKey(t, "k1").Public()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v, err := authtoken.NewVerifier(tt.keys); err == nil {
				t.Errorf("NewVerifier = %v, want error", v)
			}
		})
	}
}

func TestSignErrors(t *testing.T) {
	k := fixedKey(t, "k1")
	access := authtoken.AccessClaims(userID, workspaceID, "", userWorkspaceID, "", t0, 0)
	noExp := access
	noExp.ExpiresAt = nil
	badType := access
	badType.Type = "access"
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		key  authtoken.SigningKey
		c    authtoken.Claims
	}{
		{"refresh without jti", k, authtoken.RefreshClaims("", userID, workspaceID, "", authtoken.TypeAccess, t0, 0)},
		{"api key without jti", k, authtoken.APIKeyClaims("", workspaceID, t0, time.Time{})},
		{"unknown type", k, badType},
		{"no exp", k, noExp},
		{"no key", authtoken.SigningKey{ID: "k"}, access},
		{"no id", authtoken.SigningKey{Private: k.Private}, access},
		{"P-384", authtoken.SigningKey{ID: "k", Private: p384}, access},
		{"no scalar", authtoken.SigningKey{ID: "k", Private: &ecdsa.PrivateKey{PublicKey: *k.Public().Key}}, access},
		{"no coordinates", authtoken.SigningKey{ID: "k", Private: &ecdsa.PrivateKey{PublicKey: ecdsa.PublicKey{Curve: elliptic.P256()}, D: big.NewInt(1)}}, access},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tok, err := tt.key.Sign(tt.c); err == nil {
				t.Errorf("Sign = %q, want error", tok)
			}
		})
	}
}

func TestNewSigningKey(t *testing.T) {
	a, err := authtoken.NewSigningKey()
	if err != nil {
		t.Fatalf("NewSigningKey: %v", err)
	}
	b, err := authtoken.NewSigningKey()
	if err != nil {
		t.Fatalf("NewSigningKey: %v", err)
	}
	if len(a.ID) != 32 || a.ID == b.ID || a.Private.Equal(b.Private) {
		t.Errorf("NewSigningKey ids %q, %q: want two distinct 32-digit ids and keys", a.ID, b.ID)
	}
	v := mustVerifier(t, []authtoken.PublicKey{a.Public(), b.Public()})
	tok := mustSign(t, b, authtoken.FileClaims(workspaceID, fileID, time.Now(), 0))
	if _, err := v.Verify(tok); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

func TestZeroVerifier(t *testing.T) {
	var v authtoken.Verifier
	_, err := v.Verify(twentyHSAccess)
	checkErr(t, err, authtoken.ErrSignature)
}

// TestConcurrentVerify is for the race detector.
func TestConcurrentVerify(t *testing.T) {
	k := fixedKey(t, "k1")
	v := mustVerifier(t, []authtoken.PublicKey{k.Public()}, authtoken.Clock(clockAt(t0)), authtoken.LegacySecret(appSecret))
	toks := []string{mustSign(t, k, allClaims(t0)["access"]), twentyHSAPIKeyOld}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 20 {
				if _, err := v.Verify(toks[i%2]); err != nil {
					t.Errorf("Verify: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestCache(t *testing.T) {
	k := fixedKey(t, "k1")
	now := t0
	v := mustVerifier(t, []authtoken.PublicKey{k.Public()}, authtoken.Clock(func() time.Time { return now }),
		authtoken.LegacySecret(appSecret), authtoken.CacheSize(2))
	want := allClaims(t0)["access"]
	tok := mustSign(t, k, want)
	for i := range 3 {
		got, err := v.Verify(tok)
		if err != nil {
			t.Fatalf("Verify #%d: %v", i, err)
		}
		if diff := cmp.Diff(want, *got); diff != "" {
			t.Fatalf("Verify #%d mismatch (-want +got):\n%s", i, diff)
		}
		// Callers may change what they get without changing what the cache holds.
		got.UserID = "changed"
		got.ExpiresAt.Time = got.ExpiresAt.Add(time.Hour)
	}

	// Fill the cache past its size; every token still verifies.
	others := []string{twentyHSAccess, twentyHSAgnostic, mustSign(t, k, allClaims(t0)["file"])}
	for range 2 {
		for _, o := range others {
			if _, err := v.Verify(o); err != nil {
				t.Fatalf("Verify(%s): %v", o, err)
			}
		}
	}

	// A cached token expires like any other, and a changed one is not mistaken for it.
	if _, err := v.Verify(tok); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	_, err := v.Verify(replaceSegment(tok, 2, flipBit(t, strings.Split(tok, ".")[2])))
	checkErr(t, err, authtoken.ErrSignature)
	now = want.ExpiresAt.Time
	for range 2 {
		_, err := v.Verify(tok)
		checkErr(t, err, authtoken.ErrExpired)
	}
	now = t0
	if _, err := v.Verify(tok); err != nil {
		t.Fatalf("Verify after the clock went back: %v", err)
	}
}
