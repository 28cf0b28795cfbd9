//go:build e2e

package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type gqlError struct {
	Message    string
	Extensions map[string]any
}

type gqlReply struct {
	Data   json.RawMessage
	Errors []gqlError
}

// gql posts a GraphQL operation to path (/metadata or /graphql), with token as Bearer when set.
func gql(t *testing.T, path, token, query string, vars map[string]any, headers ...string) gqlReply {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	h := append([]string{"Content-Type", "application/json"}, headers...)
	if token != "" {
		h = append(h, "Authorization", "Bearer "+token)
	}
	r := post(t, path, string(body), h...)
	if r.status != http.StatusOK {
		t.Fatalf("POST %s = %d %s", path, r.status, r.body)
	}
	return decode[gqlReply](t, r)
}

// data decodes the data of a reply that must have no errors.
func data[T any](t *testing.T, r gqlReply) T {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("GraphQL errors: %+v", r.Errors)
	}
	var v T
	if err := json.Unmarshal(r.Data, &v); err != nil {
		t.Fatalf("data %s: %v", r.Data, err)
	}
	return v
}

// wantGQLError fails unless r has exactly one error with code and message.
func wantGQLError(t *testing.T, what string, r gqlReply, code, msg string) {
	t.Helper()
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != code || r.Errors[0].Message != msg {
		t.Errorf("%s: errors %+v, want one %s %q", what, r.Errors, code, msg)
	}
}

type token struct{ Token, ExpiresAt string }

type tokenPair struct {
	AccessOrWorkspaceAgnosticToken, RefreshToken token
}

// account is a user with an activated workspace, as Twenty's onboarding leaves one.
type account struct {
	email, password string
	access, refresh string
	workspaceID     string
}

const tokenFields = `tokens { accessOrWorkspaceAgnosticToken { token expiresAt } refreshToken { token expiresAt } }`

// onboard replays Twenty's sign-up flow on path: signUp, signUpInNewWorkspace,
// getAuthTokensFromLoginToken, activateWorkspace.
func onboard(t *testing.T, path string) account {
	t.Helper()
	a := account{email: "user-" + randomHex(t, 6) + "@apple.dev", password: "pw-" + randomHex(t, 8)}
	up := data[struct{ SignUp struct{ Tokens tokenPair } }](t, gql(t, path, "",
		`mutation SignUp($email: String!, $password: String!) { signUp(email: $email, password: $password) {
			availableWorkspaces { availableWorkspacesForSignIn { id } availableWorkspacesForSignUp { id } } `+tokenFields+` } }`,
		map[string]any{"email": a.email, "password": a.password}))
	created := data[struct {
		SignUpInNewWorkspace struct {
			LoginToken token
			Workspace  struct {
				ID            string
				WorkspaceUrls struct{ SubdomainURL string }
			}
		}
	}](t, gql(t, path, up.SignUp.Tokens.AccessOrWorkspaceAgnosticToken.Token,
		`mutation { signUpInNewWorkspace(input: {displayName: "Apple"}) { loginToken { token expiresAt } workspace { id workspaceUrls { subdomainUrl } } } }`, nil))
	if created.SignUpInNewWorkspace.Workspace.WorkspaceUrls.SubdomainURL == "" {
		t.Errorf("signUpInNewWorkspace gave no workspace URL")
	}
	tokens := data[struct{ GetAuthTokensFromLoginToken struct{ Tokens tokenPair } }](t, gql(t, path, "",
		`mutation($t: String!) { getAuthTokensFromLoginToken(loginToken: $t, origin: "http://localhost:3001") { `+tokenFields+` } }`,
		map[string]any{"t": created.SignUpInNewWorkspace.LoginToken.Token}))
	a.access = tokens.GetAuthTokensFromLoginToken.Tokens.AccessOrWorkspaceAgnosticToken.Token
	a.refresh = tokens.GetAuthTokensFromLoginToken.Tokens.RefreshToken.Token
	act := data[struct {
		ActivateWorkspace struct{ ID, ActivationStatus string }
	}](t, gql(t, path, a.access,
		`mutation { activateWorkspace(data: {displayName: "Apple Inc"}) { id activationStatus } }`, nil))
	if act.ActivateWorkspace.ActivationStatus != "ACTIVE" || act.ActivateWorkspace.ID != created.SignUpInNewWorkspace.Workspace.ID {
		t.Fatalf("activateWorkspace = %+v", act.ActivateWorkspace)
	}
	a.workspaceID = act.ActivateWorkspace.ID
	return a
}

type currentUser struct {
	CurrentUser struct {
		Email            string
		CurrentWorkspace struct{ ID, DisplayName, ActivationStatus string }
		WorkspaceMember  struct{ ID string }
	}
}

const currentUserQuery = `{ currentUser { email currentWorkspace { id displayName activationStatus } workspaceMember { id name { firstName lastName } } } }`

func TestTwentySignUpFlowOnBothEndpoints(t *testing.T) {
	for _, path := range []string{"/metadata", "/graphql"} {
		t.Run(path, func(t *testing.T) {
			a := onboard(t, path)
			me := data[currentUser](t, gql(t, path, a.access, currentUserQuery, nil))
			want := []string{a.email, a.workspaceID, "Apple Inc", "ACTIVE"}
			got := []string{me.CurrentUser.Email, me.CurrentUser.CurrentWorkspace.ID, me.CurrentUser.CurrentWorkspace.DisplayName, me.CurrentUser.CurrentWorkspace.ActivationStatus}
			if diff := cmp.Diff(want, got); diff != "" || me.CurrentUser.WorkspaceMember.ID == "" {
				t.Errorf("currentUser (-want +got):\n%s\nmember %q", diff, me.CurrentUser.WorkspaceMember.ID)
			}
			// Activation asked records to set the workspace up: its standard objects' tables exist
			// on its shard and hold the creator's workspaceMember record.
			objects := decode[[]struct {
				NameSingular string
				Records      int
			}](t, get(t, "/__dev/svc/records/workspaces/"+a.workspaceID+"/objects"))
			counts := map[string]int{}
			for _, o := range objects {
				counts[o.NameSingular] = o.Records
			}
			if len(counts) != 15 || counts["workspaceMember"] != 1 || counts["person"] != 0 {
				t.Errorf("records of the new workspace = %v, want the 15 standard objects and one member", counts)
			}
			roles := data[struct{ GetRoles []struct{ Label string } }](t, gql(t, path, a.access, `{ getRoles { id label isEditable canUpdateAllSettings } }`, nil))
			if len(roles.GetRoles) != 2 || roles.GetRoles[0].Label != "Admin" || roles.GetRoles[1].Label != "Member" {
				t.Errorf("getRoles = %+v, want Admin and Member", roles.GetRoles)
			}
			// The access token works on the record API.
			if r := get(t, "/rest/people", "Authorization", "Bearer "+a.access); r.status != http.StatusOK {
				t.Errorf("GET /rest/people with the access token = %d %s, want 200", r.status, r.body)
			}
		})
	}
}

func TestPasswordLoginAndErrors(t *testing.T) {
	a := onboard(t, "/metadata")
	login := func(email, password string) gqlReply {
		return gql(t, "/metadata", "", `mutation($e: String!, $p: String!) { getLoginTokenFromCredentials(email: $e, password: $p, origin: "http://localhost:3001/") { loginToken { token expiresAt } } }`,
			map[string]any{"e": email, "p": password})
	}
	wantGQLError(t, "wrong password", login(a.email, "wrong password"), "FORBIDDEN", "Wrong password")
	wantGQLError(t, "unknown user", login("nobody-"+randomHex(t, 4)+"@apple.dev", "whatever1"), "NOT_FOUND", "User not found")
	lt := data[struct{ GetLoginTokenFromCredentials struct{ LoginToken token } }](t, login(strings.ToUpper(a.email), a.password))
	tokens := data[struct{ GetAuthTokensFromLoginToken struct{ Tokens tokenPair } }](t, gql(t, "/metadata", "",
		`mutation($t: String!) { getAuthTokensFromLoginToken(loginToken: $t, origin: "http://localhost:3001/") { `+tokenFields+` } }`,
		map[string]any{"t": lt.GetLoginTokenFromCredentials.LoginToken.Token}))
	me := data[currentUser](t, gql(t, "/metadata", tokens.GetAuthTokensFromLoginToken.Tokens.AccessOrWorkspaceAgnosticToken.Token, currentUserQuery, nil))
	if me.CurrentUser.CurrentWorkspace.ID != a.workspaceID {
		t.Errorf("logged in to %q, want %q", me.CurrentUser.CurrentWorkspace.ID, a.workspaceID)
	}
	wantGQLError(t, "currentUser without a token", gql(t, "/metadata", "", currentUserQuery, nil), "UNAUTHENTICATED", "Missing authentication token")
	wantGQLError(t, "currentUser with garbage", gql(t, "/metadata", "garbage", currentUserQuery, nil), "UNAUTHENTICATED", "No payload")
	wantGQLError(t, "weak password", gql(t, "/metadata", "", `mutation { signUp(email: "weak@apple.dev", password: "short") { tokens { refreshToken { token } } } }`, nil),
		"BAD_USER_INPUT", "Password too weak")
	exists := data[struct{ CheckUserExists struct{ Exists bool } }](t, gql(t, "/metadata", "", `query($e: String!) { checkUserExists(email: $e) { exists availableWorkspacesCount isEmailVerified } }`, map[string]any{"e": a.email}))
	if !exists.CheckUserExists.Exists {
		t.Errorf("checkUserExists(%s) = false", a.email)
	}
	for i := range 10 {
		login(a.email, fmt.Sprintf("wrong-%d", i))
	}
	wantGQLError(t, "right password after too many failures", login(a.email, a.password), "TOO_MANY_REQUESTS", "Too many login attempts, please try again later")
}

func TestRecordAPIAuthenticationErrors(t *testing.T) {
	a := onboard(t, "/metadata")
	agnostic := data[struct{ SignUp struct{ Tokens tokenPair } }](t, gql(t, "/metadata", "",
		`mutation($e: String!) { signUp(email: $e, password: "long enough") { `+tokenFields+` } }`,
		map[string]any{"e": "agnostic-" + randomHex(t, 4) + "@apple.dev"})).SignUp.Tokens.AccessOrWorkspaceAgnosticToken.Token
	parts := strings.Split(a.access, ".")
	tampered := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
	tests := []struct {
		name, path, header string
		status             int
		want               envelope
	}{
		{"no token", "/rest/people", "", 403, envelope{403, "FORBIDDEN_EXCEPTION", []string{"Missing authentication token"}}},
		{"token only in the URL", "/rest/people?token=" + a.access, "", 403, envelope{403, "FORBIDDEN_EXCEPTION", []string{"Missing authentication token"}}},
		{"garbage", "/rest/people", "Bearer garbage", 401, envelope{401, "UNAUTHENTICATED", []string{"No payload"}}},
		{"bad signature", "/rest/people", "Bearer " + tampered, 401, envelope{401, "UNAUTHENTICATED", []string{"Token invalid."}}},
		{"workspace-agnostic token", "/rest/people", "Bearer " + agnostic, 403, envelope{403, "FORBIDDEN_EXCEPTION", []string{"A workspace-agnostic token cannot access workspace data"}}},
		{"refresh token", "/rest/people", "Bearer " + a.refresh, 401, envelope{401, "UNAUTHENTICATED", []string{"Token invalid."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, tt.path, "Authorization", tt.header)
			if diff := cmp.Diff(tt.want, decode[envelope](t, r)); r.status != tt.status || diff != "" {
				t.Errorf("GET %s = %d, want %d (-want +got):\n%s", tt.path, r.status, tt.status, diff)
			}
		})
	}
}

func TestSignOutTakesEffectOnTheNextRequest(t *testing.T) {
	a := onboard(t, "/metadata")
	if r := gql(t, "/metadata", a.access, `mutation { signOut }`, nil); len(r.Errors) > 0 || string(r.Data) != `{"signOut":true}` {
		t.Fatalf("signOut = %s %+v", r.Data, r.Errors)
	}
	r := get(t, "/rest/people", "Authorization", "Bearer "+a.access)
	if diff := cmp.Diff(envelope{401, "UNAUTHENTICATED", []string{"Token has been revoked."}}, decode[envelope](t, r)); r.status != 401 || diff != "" {
		t.Errorf("REST after signOut = %d (-want +got):\n%s", r.status, diff)
	}
	wantGQLError(t, "currentUser after signOut", gql(t, "/metadata", a.access, currentUserQuery, nil), "UNAUTHENTICATED", "Token has been revoked.")
	wantGQLError(t, "renewToken after signOut", gql(t, "/metadata", "", `mutation($t: String!) { renewToken(appToken: $t) { `+tokenFields+` } }`, map[string]any{"t": a.refresh}),
		"UNAUTHENTICATED", "Token has been revoked.")
}

func TestRefreshRotationAndReuseDetection(t *testing.T) {
	t.Parallel() // waits out Twenty's one-minute cool-down alongside the other tests
	a := onboard(t, "/metadata")
	renew := func(refresh string) gqlReply {
		return gql(t, "/metadata", "", `mutation($t: String!) { renewToken(appToken: $t) { `+tokenFields+` } }`, map[string]any{"t": refresh})
	}
	rotated := data[struct{ RenewToken struct{ Tokens tokenPair } }](t, renew(a.refresh)).RenewToken.Tokens
	if rotated.RefreshToken.Token == a.refresh || rotated.AccessOrWorkspaceAgnosticToken.Token == "" {
		t.Fatalf("renewToken did not rotate: %+v", rotated)
	}
	if me := data[currentUser](t, gql(t, "/metadata", rotated.AccessOrWorkspaceAgnosticToken.Token, currentUserQuery, nil)); me.CurrentUser.Email != a.email {
		t.Errorf("renewed access token is for %q", me.CurrentUser.Email)
	}
	time.Sleep(62 * time.Second)
	wantGQLError(t, "reuse of a rotated refresh token after the cool-down", renew(a.refresh),
		"FORBIDDEN", "Suspicious activity detected, this refresh token has been revoked")
	wantGQLError(t, "the newest refresh token after a reuse", renew(rotated.RefreshToken.Token), "UNAUTHENTICATED", "Token has been revoked.")
	if r := get(t, "/rest/people", "Authorization", "Bearer "+rotated.AccessOrWorkspaceAgnosticToken.Token); r.status != http.StatusUnauthorized {
		t.Errorf("access token after a reuse = %d, want 401", r.status)
	}
}

func TestAPIKeyCreateUseRevoke(t *testing.T) {
	a := onboard(t, "/metadata")
	expires := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
	created := data[struct {
		CreateAPIKey struct {
			ID, Name string
			Role     struct{ Label string }
		}
	}](t, gql(t, "/metadata", a.access, `mutation($e: String!) { createApiKey(input: {name: "Zapier", expiresAt: $e}) { id name expiresAt revokedAt role { label } } }`, map[string]any{"e": expires}))
	if created.CreateAPIKey.Name != "Zapier" || created.CreateAPIKey.Role.Label != "Admin" {
		t.Errorf("createApiKey = %+v", created.CreateAPIKey)
	}
	keyToken := data[struct{ GenerateAPIKeyToken struct{ Token string } }](t, gql(t, "/metadata", a.access,
		`mutation($id: UUID!, $e: String!) { generateApiKeyToken(apiKeyId: $id, expiresAt: $e) { token } }`,
		map[string]any{"id": created.CreateAPIKey.ID, "e": expires})).GenerateAPIKeyToken.Token
	if r := get(t, "/rest/people", "Authorization", "Bearer "+keyToken); r.status != http.StatusOK {
		t.Errorf("REST with the API key = %d %s, want 200", r.status, r.body)
	}
	keys := data[struct {
		APIKeys []struct{ ID string } `json:"apiKeys"`
	}](t, gql(t, "/metadata", a.access, `{ apiKeys { id name } }`, nil))
	if len(keys.APIKeys) != 1 || keys.APIKeys[0].ID != created.CreateAPIKey.ID {
		t.Errorf("apiKeys = %+v", keys.APIKeys)
	}
	revoked := gql(t, "/metadata", a.access, `mutation($id: UUID!) { revokeApiKey(input: {id: $id}) { id revokedAt } }`, map[string]any{"id": created.CreateAPIKey.ID})
	if len(revoked.Errors) > 0 || !strings.Contains(string(revoked.Data), `"revokedAt":"20`) {
		t.Errorf("revokeApiKey = %s %+v", revoked.Data, revoked.Errors)
	}
	r := get(t, "/rest/people", "Authorization", "Bearer "+keyToken)
	if diff := cmp.Diff(envelope{403, "FORBIDDEN_EXCEPTION", []string{"This API Key is revoked"}}, decode[envelope](t, r)); r.status != 403 || diff != "" {
		t.Errorf("REST with the revoked key = %d (-want +got):\n%s", r.status, diff)
	}
	if keys := data[struct {
		APIKeys []struct{ ID string } `json:"apiKeys"`
	}](t, gql(t, "/metadata", a.access, `{ apiKeys { id } }`, nil)); len(keys.APIKeys) != 0 {
		t.Errorf("apiKeys after revoking = %+v, want none (Twenty lists active keys)", keys.APIKeys)
	}
	// Another workspace cannot see the key.
	b := onboard(t, "/metadata")
	if r := gql(t, "/metadata", b.access, `query($id: UUID!) { apiKey(input: {id: $id}) { id } }`, map[string]any{"id": created.CreateAPIKey.ID}); string(r.Data) != `{"apiKey":null}` {
		t.Errorf("another workspace's apiKey = %s %+v, want null", r.Data, r.Errors)
	}
}

func TestLoginTokenIsSingleUse(t *testing.T) {
	a := onboard(t, "/metadata")
	lt := data[struct{ GetLoginTokenFromCredentials struct{ LoginToken token } }](t, gql(t, "/metadata", "",
		`mutation($e: String!, $p: String!) { getLoginTokenFromCredentials(email: $e, password: $p, origin: "http://localhost:3001/") { loginToken { token expiresAt } } }`,
		map[string]any{"e": a.email, "p": a.password}))
	exchange := func() gqlReply {
		return gql(t, "/metadata", "", `mutation($t: String!) { getAuthTokensFromLoginToken(loginToken: $t, origin: "http://localhost:3001/") { `+tokenFields+` } }`,
			map[string]any{"t": lt.GetLoginTokenFromCredentials.LoginToken.Token})
	}
	data[struct{ GetAuthTokensFromLoginToken struct{ Tokens tokenPair } }](t, exchange())
	wantGQLError(t, "second exchange of a login token", exchange(), "UNAUTHENTICATED", "Token invalid.")
}

// jwtExp answers the exp claim of a JWT, unverified.
func jwtExp(t *testing.T, jwt string) time.Time {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct{ Exp int64 }
	if err == nil {
		err = json.Unmarshal(payload, &claims)
	}
	if err != nil || claims.Exp == 0 {
		t.Fatalf("exp of %q: %v", jwt, err)
	}
	return time.Unix(claims.Exp, 0)
}

func TestAPIKeyTokenExpiresWithItsKey(t *testing.T) {
	a := onboard(t, "/metadata")
	created := data[struct {
		CreateAPIKey struct{ ID, ExpiresAt string }
	}](t, gql(t, "/metadata", a.access,
		`mutation($e: String!) { createApiKey(input: {name: "Short", expiresAt: $e}) { id expiresAt } }`,
		map[string]any{"e": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)}))
	keyExpires, err := time.Parse(time.RFC3339Nano, created.CreateAPIKey.ExpiresAt)
	if err != nil {
		t.Fatalf("createApiKey expiresAt %q: %v", created.CreateAPIKey.ExpiresAt, err)
	}
	// A caller asking for a later expiry gets the key's: the token cannot outlive its key.
	keyToken := data[struct{ GenerateAPIKeyToken struct{ Token string } }](t, gql(t, "/metadata", a.access,
		`mutation($id: UUID!, $e: String!) { generateApiKeyToken(apiKeyId: $id, expiresAt: $e) { token } }`,
		map[string]any{"id": created.CreateAPIKey.ID, "e": time.Now().Add(10 * 365 * 24 * time.Hour).UTC().Format(time.RFC3339)})).GenerateAPIKeyToken.Token
	if exp := jwtExp(t, keyToken); exp.After(keyExpires) || exp.Before(keyExpires.Add(-time.Second)) {
		t.Errorf("API key token exp = %v, want the key's expiresAt %v (to the second, not later)", exp, keyExpires)
	}
}

// countUntil429 sends up to limit requests and answers how many passed before the first 429 and
// the 429 itself. Rate limit windows are aligned to the clock, so a run may straddle two of them.
func countUntil429(t *testing.T, limit int, send func() reply) (int, reply) {
	t.Helper()
	for i := range limit {
		if r := send(); r.status == http.StatusTooManyRequests {
			return i, r
		}
	}
	t.Fatalf("no 429 within %d requests", limit)
	return 0, reply{}
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	a := onboard(t, "/metadata")
	passed, r := countUntil429(t, 201, func() reply { return get(t, "/rest/people", "Authorization", "Bearer "+a.access) })
	if passed < 90 {
		t.Errorf("workspace throttled after %d requests, want about 100 a minute", passed)
	}
	if diff := cmp.Diff(envelope{429, "ThrottlerException", []string{"ThrottlerException: Too Many Requests"}}, decode[envelope](t, r)); diff != "" || r.header.Get("Retry-After") != "60" {
		t.Errorf("429 (-want +got):\n%s\nRetry-After = %q, want 60", diff, r.header.Get("Retry-After"))
	}
	// Another workspace keeps its own budget.
	b := onboard(t, "/metadata")
	if r := get(t, "/rest/people", "Authorization", "Bearer "+b.access); r.status != http.StatusOK {
		t.Errorf("another workspace = %d, want 200", r.status)
	}
	// Callers without a token are counted per client address.
	ip := fmt.Sprintf("198.51.100.%d", 1+time.Now().UnixNano()%200)
	check := `{"query":"{ checkUserExists(email: \"x@y.z\") { exists } }"}`
	passed, r = countUntil429(t, 201, func() reply {
		return post(t, "/metadata", check, "Content-Type", "application/json", "CF-Connecting-IP", ip)
	})
	if passed < 90 || r.header.Get("Retry-After") != "60" {
		t.Errorf("address throttled after %d requests, Retry-After %q", passed, r.header.Get("Retry-After"))
	}
	if r := post(t, "/metadata", check, "Content-Type", "application/json", "CF-Connecting-IP", "203.0.113.250"); r.status != http.StatusOK {
		t.Errorf("another address = %d, want 200", r.status)
	}
}
