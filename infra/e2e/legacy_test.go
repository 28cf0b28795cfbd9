//go:build e2e

package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// importedWorkspace is the id of a workspace of the imported installation.
const importedWorkspace = "20202020-0000-4000-8000-00000000a11e"

// legacyAppSecret is the APP_SECRET of the "imported Twenty installation" the gateway trusts.
const legacyAppSecret = "e2e-imported-twenty-app-secret"

// legacyToken signs claims the way Twenty did before ES256: HS256 with the secret
// hex(sha256(APP_SECRET + workspaceId + type)).
func legacyToken(t *testing.T, claims map[string]any) string {
	t.Helper()
	sum := sha256.Sum256([]byte(legacyAppSecret + claims["workspaceId"].(string) + claims["type"].(string)))
	secret := hex.EncodeToString(sum[:])
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

func TestLegacyTwentyTokensAndExpiry(t *testing.T) {
	now := time.Now()
	apiKey := func(exp time.Time) string {
		return legacyToken(t, map[string]any{"sub": importedWorkspace, "type": "API_KEY", "workspaceId": importedWorkspace,
			"jti": "key-" + randomHex(t, 4), "iat": now.Add(-2 * time.Hour).Unix(), "exp": exp.Unix()})
	}
	tests := []struct {
		name   string
		token  string
		status int
		want   envelope
	}{
		// It passes authentication; this installation has no such workspace, so the key has no
		// role here: Twenty's permission refusal.
		{"imported API key", apiKey(now.Add(time.Hour)), 403, envelope{403, "ForbiddenException", []string{"Entity performing the request does not have permission"}}},
		{"expired imported API key", apiKey(now.Add(-time.Hour)), 401, envelope{401, "UNAUTHENTICATED", []string{"Token has expired."}}},
		{"signed with another secret", legacyToken(t, map[string]any{"sub": "ws-other", "type": "API_KEY", "workspaceId": "ws-other", "exp": now.Add(time.Hour).Unix()})[:40] + "x.y.z",
			401, envelope{401, "UNAUTHENTICATED", []string{"No payload"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, "/rest/people", "Authorization", "Bearer "+tt.token)
			if diff := cmp.Diff(tt.want, decode[envelope](t, r)); r.status != tt.status || diff != "" {
				t.Errorf("GET /rest/people = %d, want %d (-want +got):\n%s", r.status, tt.status, diff)
			}
		})
	}
	// A token of the right shape whose signature does not match the derived secret.
	forged := legacyToken(t, map[string]any{"sub": importedWorkspace, "type": "API_KEY", "workspaceId": importedWorkspace, "exp": now.Add(time.Hour).Unix()})
	forged = forged[:len(forged)-2] + "AA"
	if r := get(t, "/rest/people", "Authorization", "Bearer "+forged); r.status != http.StatusUnauthorized {
		t.Errorf("forged legacy token = %d %s, want 401", r.status, r.body)
	}
}
