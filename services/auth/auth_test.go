package main

import (
	"context"
	"crypto/elliptic"
	"encoding/base64"
	"errors"
	"github.com/twentyworkers/twenty/shared/ids"
	"google.golang.org/protobuf/proto"
	"math/big"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1/authv1connect"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/kv/kvmem"
	"github.com/twentyworkers/twenty/shared/requestid"
	"github.com/twentyworkers/twenty/shared/rpc"
	"github.com/twentyworkers/twenty/shared/sqltest"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// fakeRecords records InitWorkspace calls and fails while failing is set.
type fakeRecords struct {
	mu      sync.Mutex
	calls   []*recordsv1.InitWorkspaceRequest
	failing bool
}

func (f *fakeRecords) InitWorkspace(_ context.Context, req *recordsv1.InitWorkspaceRequest) (*recordsv1.InitWorkspaceResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failing {
		return nil, connect.NewError(connect.CodeUnavailable, errors.New("records down"))
	}
	f.calls = append(f.calls, req)
	return &recordsv1.InitWorkspaceResponse{Shard: "DB_0"}, nil
}

// clock is a test clock the server reads.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type harness struct {
	client  authv1connect.AuthServiceClient
	records *fakeRecords
	cache   *kvmem.Memory
	clock   *clock
	deps    deps
}

const testSecret = "0123456789abcdef0123456789abcdef-test-secret"

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{records: &fakeRecords{}, cache: kvmem.New(), clock: &clock{now: time.Now()}}
	h.deps = deps{control: sqltest.Open(t), cache: h.cache, records: h.records, keySecret: []byte(testSecret), now: h.clock.Now}
	h.client = h.clientFor(t, h.deps)
	return h
}

// clientFor serves d in a new server: another isolate over the same database.
func (h *harness) clientFor(t *testing.T, d deps) authv1connect.AuthServiceClient {
	srv := httptest.NewServer(newHandler(d, nil))
	t.Cleanup(srv.Close)
	return authv1connect.NewAuthServiceClient(srv.Client(), srv.URL, rpc.ClientOptions()...)
}

func as(token string) context.Context {
	return rpc.WithCaller(context.Background(), "Bearer "+token)
}

// wantCode fails the test unless err is a Connect error with code and message.
func wantCode(t *testing.T, what string, err error, code connect.Code, msg string) {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != code || ce.Message() != msg {
		t.Errorf("%s: error %v, want %v %q", what, err, code, msg)
	}
}

// signedIn is a user who signed up, created a workspace, exchanged the login token and activated it.
type signedIn struct {
	email, password string
	access, refresh string
	workspace       *authv1.Workspace
}

func (h *harness) onboard(t *testing.T, email string) signedIn {
	t.Helper()
	ctx := context.Background()
	up, err := h.client.SignUp(ctx, &authv1.SignUpRequest{Email: email, Password: "correct horse"})
	if err != nil {
		t.Fatalf("SignUp: %v", err)
	}
	agnostic := up.GetTokens().GetAccessOrWorkspaceAgnosticToken().GetToken()
	created, err := h.client.SignUpInNewWorkspace(as(agnostic), &authv1.SignUpInNewWorkspaceRequest{DisplayName: "Apple"})
	if err != nil {
		t.Fatalf("SignUpInNewWorkspace: %v", err)
	}
	if got := created.GetWorkspace().GetActivationStatus(); got != "PENDING_CREATION" {
		t.Errorf("new workspace status = %q, want PENDING_CREATION", got)
	}
	tokens, err := h.client.GetAuthTokensFromLoginToken(ctx, &authv1.GetAuthTokensFromLoginTokenRequest{LoginToken: created.GetLoginToken().GetToken()})
	if err != nil {
		t.Fatalf("GetAuthTokensFromLoginToken: %v", err)
	}
	access := tokens.GetTokens().GetAccessOrWorkspaceAgnosticToken().GetToken()
	act, err := h.client.ActivateWorkspace(as(access), &authv1.ActivateWorkspaceRequest{DisplayName: "Apple Inc"})
	if err != nil {
		t.Fatalf("ActivateWorkspace: %v", err)
	}
	return signedIn{email: email, password: "correct horse", access: access, refresh: tokens.GetTokens().GetRefreshToken().GetToken(), workspace: act.GetWorkspace()}
}

func TestOnboardingFlow(t *testing.T) {
	h := newHarness(t)
	u := h.onboard(t, " Tim@Apple.dev ")
	if u.workspace.GetActivationStatus() != "ACTIVE" || u.workspace.GetDisplayName() != "Apple Inc" || !strings.HasPrefix(u.workspace.GetSubdomain(), "apple-") {
		t.Errorf("activated workspace = %v", u.workspace)
	}
	me, err := h.client.CurrentUser(as(u.access), &authv1.CurrentUserRequest{})
	if err != nil {
		t.Fatalf("CurrentUser: %v", err)
	}
	if len(h.records.calls) != 1 {
		t.Fatalf("records InitWorkspace called %d times, want 1", len(h.records.calls))
	}
	init := h.records.calls[0]
	uw := me.GetUser().GetUserWorkspace()
	if !ids.IsUUID(uw.GetId()) || uw.GetCreatedAt().AsTime().IsZero() || !proto.Equal(uw.GetCreatedAt(), uw.GetUpdatedAt()) {
		t.Errorf("CurrentUser's userWorkspace = %v, want an id and its creation time", uw)
	}
	want := &authv1.User{
		Id: me.GetUser().GetId(), Email: "tim@apple.dev",
		CurrentWorkspace: u.workspace,
		WorkspaceMember:  &authv1.WorkspaceMember{Id: init.GetWorkspaceMemberId(), UserEmail: "tim@apple.dev"},
		UserWorkspace:    uw,
	}
	if diff := cmp.Diff(want, me.GetUser(), protocmp.Transform()); diff != "" {
		t.Errorf("CurrentUser mismatch (-want +got):\n%s", diff)
	}
	if init.GetWorkspaceId() != u.workspace.GetId() || init.GetUserId() != me.GetUser().GetId() || init.GetMemberEmail() != "tim@apple.dev" {
		t.Errorf("InitWorkspace request = %v", init)
	}
	roles, err := h.client.GetRoles(as(u.access), &authv1.GetRolesRequest{})
	if err != nil {
		t.Fatalf("GetRoles: %v", err)
	}
	var labels []string
	for _, r := range roles.GetRoles() {
		labels = append(labels, r.GetLabel())
	}
	if diff := cmp.Diff([]string{"Admin", "Member"}, labels); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	_, err = h.client.ActivateWorkspace(as(u.access), &authv1.ActivateWorkspaceRequest{})
	wantCode(t, "second activation", err, connect.CodeInvalidArgument, "Workspace is already activated")
}

func TestActivationRetriesAfterRecordsFailure(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	up, _ := h.client.SignUp(ctx, &authv1.SignUpRequest{Email: "a@b.co", Password: "password1"})
	created, _ := h.client.SignUpInNewWorkspace(as(up.GetTokens().GetAccessOrWorkspaceAgnosticToken().GetToken()), &authv1.SignUpInNewWorkspaceRequest{})
	tokens, _ := h.client.GetAuthTokensFromLoginToken(ctx, &authv1.GetAuthTokensFromLoginTokenRequest{LoginToken: created.GetLoginToken().GetToken()})
	access := tokens.GetTokens().GetAccessOrWorkspaceAgnosticToken().GetToken()
	h.records.failing = true
	if _, err := h.client.ActivateWorkspace(as(access), &authv1.ActivateWorkspaceRequest{DisplayName: "X"}); connect.CodeOf(err) != connect.CodeUnavailable {
		t.Fatalf("activation with records down = %v, want unavailable", err)
	}
	h.records.failing = false
	act, err := h.client.ActivateWorkspace(as(access), &authv1.ActivateWorkspaceRequest{DisplayName: "X"})
	if err != nil || act.GetWorkspace().GetActivationStatus() != "ACTIVE" {
		t.Errorf("retried activation = %v, %v; want ACTIVE", act, err)
	}
}

func TestSignUpValidation(t *testing.T) {
	h := newHarness(t)
	h.onboard(t, "taken@apple.dev")
	tests := []struct {
		email, password string
		code            connect.Code
		msg             string
	}{
		{"new@apple.dev", "short", connect.CodeInvalidArgument, "Password too weak"},
		{"not-an-email", "long enough", connect.CodeInvalidArgument, "Email is not valid"},
		{"TAKEN@apple.dev", "long enough", connect.CodeInvalidArgument, "User already exists"},
	}
	for _, tt := range tests {
		_, err := h.client.SignUp(context.Background(), &authv1.SignUpRequest{Email: tt.email, Password: tt.password})
		wantCode(t, "SignUp("+tt.email+")", err, tt.code, tt.msg)
	}
}

func TestPasswordLogin(t *testing.T) {
	h := newHarness(t)
	u := h.onboard(t, "tim@apple.dev")
	ctx := context.Background()
	tests := []struct {
		name, email, password, origin string
		code                          connect.Code
		msg                           string
	}{
		{"unknown user", "nobody@apple.dev", "whatever1", "", connect.CodeNotFound, "User not found"},
		{"wrong password", "tim@apple.dev", "wrong password", "", connect.CodePermissionDenied, "Wrong password"},
		{"right password, any case", "TIM@apple.dev", u.password, "http://localhost:3000/", 0, ""},
		{"right password, workspace origin", "tim@apple.dev", u.password, "https://" + u.workspace.GetSubdomain() + ".example.com", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := h.client.GetLoginTokenFromCredentials(ctx, &authv1.GetLoginTokenFromCredentialsRequest{Email: tt.email, Password: tt.password, Origin: tt.origin})
			if tt.code != 0 {
				wantCode(t, "login", err, tt.code, tt.msg)
				return
			}
			if err != nil {
				t.Fatalf("login: %v", err)
			}
			tokens, err := h.client.GetAuthTokensFromLoginToken(ctx, &authv1.GetAuthTokensFromLoginTokenRequest{LoginToken: res.GetLoginToken().GetToken(), Origin: tt.origin})
			if err != nil {
				t.Fatalf("exchange: %v", err)
			}
			me, err := h.client.CurrentUser(as(tokens.GetTokens().GetAccessOrWorkspaceAgnosticToken().GetToken()), &authv1.CurrentUserRequest{})
			if err != nil || me.GetUser().GetCurrentWorkspace().GetId() != u.workspace.GetId() {
				t.Errorf("CurrentUser after login = %v, %v; want workspace %s", me, err, u.workspace.GetId())
			}
		})
	}
	res, _ := h.client.GetLoginTokenFromCredentials(ctx, &authv1.GetLoginTokenFromCredentialsRequest{Email: u.email, Password: u.password})
	_, err := h.client.GetAuthTokensFromLoginToken(ctx, &authv1.GetAuthTokensFromLoginTokenRequest{LoginToken: res.GetLoginToken().GetToken(), Origin: "http://other.localhost:3000"})
	wantCode(t, "exchange for another workspace's origin", err, connect.CodePermissionDenied, "Token is not valid for this workspace")
	_, err = h.client.GetAuthTokensFromLoginToken(ctx, &authv1.GetAuthTokensFromLoginTokenRequest{LoginToken: u.access})
	wantCode(t, "exchange of an access token", err, connect.CodeUnauthenticated, "Token invalid.")
	h.clock.advance(16 * time.Minute)
	_, err = h.client.GetAuthTokensFromLoginToken(ctx, &authv1.GetAuthTokensFromLoginTokenRequest{LoginToken: res.GetLoginToken().GetToken()})
	wantCode(t, "exchange of an expired login token", err, connect.CodeUnauthenticated, "Token has expired.")
}

// outcome is "ok" or a Connect error's code and message, so a sequence of calls compares with
// cmp.Diff.
func outcome(err error) string {
	var ce *connect.Error
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &ce):
		return ce.Code().String() + ": " + ce.Message()
	}
	return err.Error()
}

// otherSignature answers token with its ES256 signature (r, s) replaced by (r, n-s), which
// verifies as well: the same token, spelled differently.
func otherSignature(t *testing.T, token string) string {
	t.Helper()
	head, sig, _ := strings.Cut(token[strings.IndexByte(token, '.')+1:], ".")
	raw, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || len(raw) != 64 {
		t.Fatalf("signature of %q: %d bytes, %v", token, len(raw), err)
	}
	s := new(big.Int).Sub(elliptic.P256().Params().N, new(big.Int).SetBytes(raw[32:]))
	s.FillBytes(raw[32:])
	return token[:strings.IndexByte(token, '.')] + "." + head + "." + base64.RawURLEncoding.EncodeToString(raw)
}

const tokenInvalid = "unauthenticated: Token invalid."

func TestLoginTokenIsSingleUse(t *testing.T) {
	h := newHarness(t)
	u := h.onboard(t, "tim@apple.dev")
	ctx := context.Background()
	fromCredentials := func(t *testing.T) string {
		res, err := h.client.GetLoginTokenFromCredentials(ctx, &authv1.GetLoginTokenFromCredentialsRequest{Email: u.email, Password: u.password})
		if err != nil {
			t.Fatalf("GetLoginTokenFromCredentials: %v", err)
		}
		return res.GetLoginToken().GetToken()
	}
	fromNewWorkspace := func(t *testing.T) string {
		res, err := h.client.SignUpInNewWorkspace(as(u.access), &authv1.SignUpInNewWorkspaceRequest{DisplayName: "Pear"})
		if err != nil {
			t.Fatalf("SignUpInNewWorkspace: %v", err)
		}
		return res.GetLoginToken().GetToken()
	}
	type exchange struct{ token, origin string }
	tests := []struct {
		name      string
		exchanges func(t *testing.T) []exchange
		want      []string
	}{
		{"credentials, exchanged twice", func(t *testing.T) []exchange {
			tok := fromCredentials(t)
			return []exchange{{token: tok}, {token: tok}}
		}, []string{"ok", tokenInvalid}},
		{"new workspace, exchanged twice", func(t *testing.T) []exchange {
			tok := fromNewWorkspace(t)
			return []exchange{{token: tok}, {token: tok}}
		}, []string{"ok", tokenInvalid}},
		{"again with the other valid signature", func(t *testing.T) []exchange {
			tok := fromCredentials(t)
			return []exchange{{token: tok}, {token: otherSignature(t, tok)}}
		}, []string{"ok", tokenInvalid}},
		{"two logins in the same second", func(t *testing.T) []exchange {
			return []exchange{{token: fromCredentials(t)}, {token: fromCredentials(t)}}
		}, []string{"ok", "ok"}},
		{"a refused exchange does not use it up", func(t *testing.T) []exchange {
			tok := fromCredentials(t)
			return []exchange{{token: tok, origin: "http://other.localhost:3000"}, {token: tok}, {token: tok}}
		}, []string{"permission_denied: Token is not valid for this workspace", "ok", tokenInvalid}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range tt.exchanges(t) {
				_, err := h.client.GetAuthTokensFromLoginToken(ctx, &authv1.GetAuthTokensFromLoginTokenRequest{LoginToken: e.token, Origin: e.origin})
				got = append(got, outcome(err))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("exchanges (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoginTokenConcurrentExchanges(t *testing.T) {
	h := newHarness(t)
	u := h.onboard(t, "tim@apple.dev")
	ctx := context.Background()
	res, err := h.client.GetLoginTokenFromCredentials(ctx, &authv1.GetLoginTokenFromCredentialsRequest{Email: u.email, Password: u.password})
	if err != nil {
		t.Fatalf("GetLoginTokenFromCredentials: %v", err)
	}
	const n = 8
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		got = map[string]int{}
	)
	for range n {
		wg.Go(func() {
			_, err := h.client.GetAuthTokensFromLoginToken(ctx, &authv1.GetAuthTokensFromLoginTokenRequest{LoginToken: res.GetLoginToken().GetToken()})
			mu.Lock()
			defer mu.Unlock()
			got[outcome(err)]++
		})
	}
	wg.Wait()
	if diff := cmp.Diff(map[string]int{"ok": 1, tokenInvalid: n - 1}, got); diff != "" {
		t.Errorf("%d concurrent exchanges of one login token (-want +got):\n%s", n, diff)
	}
}

func TestUsedLoginTokensArePrunedAfterExpiry(t *testing.T) {
	h := newHarness(t)
	u := h.onboard(t, "tim@apple.dev")
	ctx := context.Background()
	login := func() string {
		res, err := h.client.GetLoginTokenFromCredentials(ctx, &authv1.GetLoginTokenFromCredentialsRequest{Email: u.email, Password: u.password})
		if err != nil {
			t.Fatalf("GetLoginTokenFromCredentials: %v", err)
		}
		return res.GetLoginToken().GetToken()
	}
	exchange := func(token string) string {
		_, err := h.client.GetAuthTokensFromLoginToken(ctx, &authv1.GetAuthTokensFromLoginTokenRequest{LoginToken: token})
		return outcome(err)
	}
	used := func() int {
		var n int
		if err := h.deps.control.QueryRowContext(ctx, `SELECT count(*) FROM used_login_tokens`).Scan(&n); err != nil {
			t.Fatalf("count used login tokens: %v", err)
		}
		return n
	}
	first := login()
	got := []any{exchange(first), used()}
	h.clock.advance(authtoken.TypeLogin.DefaultTTL() + time.Second)
	got = append(got, exchange(first), exchange(login()), used())
	// Onboarding used a login token too; after expiry both are pruned, leaving the last one.
	want := []any{"ok", 2, "unauthenticated: Token has expired.", "ok", 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exchange, used tokens, then after expiry (-want +got):\n%s", diff)
	}
}

func TestLoginThrottle(t *testing.T) {
	h := newHarness(t)
	u := h.onboard(t, "tim@apple.dev")
	ctx := context.Background()
	login := func(password, address string) error {
		_, err := h.client.GetLoginTokenFromCredentials(ctx, &authv1.GetLoginTokenFromCredentialsRequest{Email: u.email, Password: password, ClientAddress: address})
		return err
	}
	for i := range maxFailuresPerEmail {
		wantCode(t, "failed login", login("wrong", "10.0.0."+string(rune('0'+i%10))), connect.CodePermissionDenied, "Wrong password")
	}
	wantCode(t, "right password after too many failures", login(u.password, "10.0.0.99"), connect.CodeResourceExhausted, "Too many login attempts, please try again later")
	h.clock.advance(throttleWindow)
	if err := login(u.password, "10.0.0.99"); err != nil {
		t.Errorf("login after the window: %v", err)
	}
}

func TestRefreshRotationAndReuse(t *testing.T) {
	h := newHarness(t)
	u := h.onboard(t, "tim@apple.dev")
	ctx := context.Background()
	renew := func(token string) (*authv1.RenewTokenResponse, error) {
		return h.client.RenewToken(ctx, &authv1.RenewTokenRequest{AppToken: token})
	}
	first, err := renew(u.refresh)
	if err != nil {
		t.Fatalf("renew: %v", err)
	}
	newAccess := first.GetTokens().GetAccessOrWorkspaceAgnosticToken().GetToken()
	if _, err := h.client.CurrentUser(as(newAccess), &authv1.CurrentUserRequest{}); err != nil {
		t.Errorf("renewed access token: %v", err)
	}
	// Within the cool-down the rotated token still renews (two tabs at once).
	if _, err := renew(u.refresh); err != nil {
		t.Errorf("renew with the rotated token within the cool-down: %v", err)
	}
	h.clock.advance(2 * refreshCoolDown)
	_, err = renew(u.refresh)
	wantCode(t, "reuse after the cool-down", err, connect.CodePermissionDenied, "Suspicious activity detected, this refresh token has been revoked")
	_, err = renew(first.GetTokens().GetRefreshToken().GetToken())
	wantCode(t, "the latest refresh token after a reuse", err, connect.CodeUnauthenticated, "Token has been revoked.")
	_, err = h.client.CurrentUser(as(newAccess), &authv1.CurrentUserRequest{})
	wantCode(t, "access token after a reuse", err, connect.CodeUnauthenticated, "Token has been revoked.")
}

func TestSignOut(t *testing.T) {
	h := newHarness(t)
	u := h.onboard(t, "tim@apple.dev")
	other, err := h.client.GetLoginTokenFromCredentials(context.Background(), &authv1.GetLoginTokenFromCredentialsRequest{Email: u.email, Password: u.password})
	if err != nil {
		t.Fatal(err)
	}
	second, _ := h.client.GetAuthTokensFromLoginToken(context.Background(), &authv1.GetAuthTokensFromLoginTokenRequest{LoginToken: other.GetLoginToken().GetToken()})

	if _, err := h.client.SignOut(as(u.access), &authv1.SignOutRequest{}); err != nil {
		t.Fatalf("SignOut: %v", err)
	}
	_, err = h.client.CurrentUser(as(u.access), &authv1.CurrentUserRequest{})
	wantCode(t, "access token after sign-out", err, connect.CodeUnauthenticated, "Token has been revoked.")
	_, err = h.client.RenewToken(context.Background(), &authv1.RenewTokenRequest{AppToken: u.refresh})
	wantCode(t, "refresh token after sign-out", err, connect.CodeUnauthenticated, "Token has been revoked.")
	// Another session of the same user is untouched.
	if _, err := h.client.CurrentUser(as(second.GetTokens().GetAccessOrWorkspaceAgnosticToken().GetToken()), &authv1.CurrentUserRequest{}); err != nil {
		t.Errorf("other session after sign-out: %v", err)
	}
}

func TestCallerTokenChecks(t *testing.T) {
	h := newHarness(t)
	u := h.onboard(t, "tim@apple.dev")
	tests := []struct {
		name string
		ctx  context.Context
		code connect.Code
		msg  string
	}{
		{"no header", context.Background(), connect.CodeUnauthenticated, "Missing authentication token"},
		{"garbage", as("garbage"), connect.CodeUnauthenticated, "No payload"},
		{"bad signature", as(u.access[:len(u.access)-4] + "AAAA"), connect.CodeUnauthenticated, "Token invalid."},
		{"refresh token as caller", as(u.refresh), connect.CodeUnauthenticated, "Token invalid."},
	}
	for _, tt := range tests {
		_, err := h.client.CurrentUser(tt.ctx, &authv1.CurrentUserRequest{})
		wantCode(t, tt.name, err, tt.code, tt.msg)
	}
	h.clock.advance(31 * time.Minute)
	_, err := h.client.CurrentUser(as(u.access), &authv1.CurrentUserRequest{})
	wantCode(t, "expired access token", err, connect.CodeUnauthenticated, "Token has expired.")
}

func TestAPIKeys(t *testing.T) {
	h := newHarness(t)
	u := h.onboard(t, "tim@apple.dev")
	ctx := as(u.access)
	expires := timestamppb.New(h.clock.Now().Add(90 * 24 * time.Hour))
	created, err := h.client.CreateApiKey(ctx, &authv1.CreateApiKeyRequest{Name: "Zapier", ExpiresAt: expires})
	if err != nil {
		t.Fatalf("CreateApiKey: %v", err)
	}
	key := created.GetApiKey()
	if key.GetName() != "Zapier" || key.GetRoleId() == "" || key.GetRevokedAt() != nil {
		t.Errorf("created key = %v", key)
	}
	gen, err := h.client.GenerateApiKeyToken(ctx, &authv1.GenerateApiKeyTokenRequest{ApiKeyId: key.GetId(), ExpiresAt: expires})
	if err != nil {
		t.Fatalf("GenerateApiKeyToken: %v", err)
	}
	keys, _ := h.client.GetVerificationKeys(context.Background(), &authv1.GetVerificationKeysRequest{})
	pub, err := authtoken.ParsePublicKey(keys.GetKeys()[0].GetId(), keys.GetKeys()[0].GetPublicKey())
	if err != nil {
		t.Fatal(err)
	}
	v, _ := authtoken.NewVerifier([]authtoken.PublicKey{pub}, authtoken.Clock(h.clock.Now))
	claims, err := v.Verify(gen.GetToken())
	if err != nil {
		t.Fatalf("verify API key token with the published key: %v", err)
	}
	got := []string{string(claims.Type), claims.Subject, claims.WorkspaceID, claims.ID}
	if diff := cmp.Diff([]string{"API_KEY", u.workspace.GetId(), u.workspace.GetId(), key.GetId()}, got); diff != "" {
		t.Errorf("API key claims (-want +got):\n%s", diff)
	}
	list, _ := h.client.ListApiKeys(ctx, &authv1.ListApiKeysRequest{})
	if len(list.GetApiKeys()) != 1 || list.GetApiKeys()[0].GetId() != key.GetId() {
		t.Errorf("ListApiKeys = %v", list)
	}
	revoked, err := h.client.RevokeApiKey(ctx, &authv1.RevokeApiKeyRequest{Id: key.GetId()})
	if err != nil || revoked.GetApiKey().GetRevokedAt() == nil {
		t.Fatalf("RevokeApiKey = %v, %v", revoked, err)
	}
	if _, err := h.cache.Get(context.Background(), revokedKey(key.GetId())); err != nil {
		t.Errorf("revocation not in KV for the gateway: %v", err)
	}
	_, err = h.client.GenerateApiKeyToken(ctx, &authv1.GenerateApiKeyTokenRequest{ApiKeyId: key.GetId()})
	wantCode(t, "token of a revoked key", err, connect.CodePermissionDenied, "This API Key is revoked")
	_, err = h.client.GetApiKey(ctx, &authv1.GetApiKeyRequest{Id: "00000000-0000-4000-8000-000000000000"})
	wantCode(t, "unknown key", err, connect.CodeNotFound, "API key not found")
	_, err = h.client.CreateApiKey(ctx, &authv1.CreateApiKeyRequest{Name: "old", ExpiresAt: timestamppb.New(h.clock.Now().Add(-time.Hour))})
	wantCode(t, "key expiring in the past", err, connect.CodeInvalidArgument, "expiresAt must be a date in the future")
	_, err = h.client.CreateApiKey(as(gen.GetToken()), &authv1.CreateApiKeyRequest{Name: "x", ExpiresAt: expires})
	wantCode(t, "a revoked API key creating keys", err, connect.CodeUnauthenticated, "Token has been revoked.")
	// A live key of the Admin role manages keys, as Twenty's API key resolver lets a key whose
	// role has API_KEYS_AND_WEBHOOKS.
	live, err := h.client.CreateApiKey(ctx, &authv1.CreateApiKeyRequest{Name: "automation", ExpiresAt: expires})
	if err != nil {
		t.Fatal(err)
	}
	liveToken, err := h.client.GenerateApiKeyToken(ctx, &authv1.GenerateApiKeyTokenRequest{ApiKeyId: live.GetApiKey().GetId(), ExpiresAt: expires})
	if err != nil {
		t.Fatal(err)
	}
	if made, err := h.client.CreateApiKey(as(liveToken.GetToken()), &authv1.CreateApiKeyRequest{Name: "made by a key", ExpiresAt: expires}); err != nil || made.GetApiKey().GetName() != "made by a key" {
		t.Errorf("an Admin API key creating a key = %v, %v", made, err)
	}

	// Another workspace sees none of it.
	other := h.onboard(t, "jane@other.dev")
	_, err = h.client.GetApiKey(as(other.access), &authv1.GetApiKeyRequest{Id: key.GetId()})
	wantCode(t, "another workspace's key", err, connect.CodeNotFound, "API key not found")
}

func TestAPIKeyTokenExpiry(t *testing.T) {
	h := newHarness(t)
	u := h.onboard(t, "tim@apple.dev")
	ctx := as(u.access)
	pub, err := h.client.GetVerificationKeys(context.Background(), &authv1.GetVerificationKeysRequest{})
	if err != nil {
		t.Fatalf("GetVerificationKeys: %v", err)
	}
	key, err := authtoken.ParsePublicKey(pub.GetKeys()[0].GetId(), pub.GetKeys()[0].GetPublicKey())
	if err != nil {
		t.Fatal(err)
	}
	v, err := authtoken.NewVerifier([]authtoken.PublicKey{key}, authtoken.Clock(h.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	now := h.clock.Now()
	at := func(d time.Duration) *timestamppb.Timestamp { return timestamppb.New(now.Add(d)) }
	const keyLife = 90 * 24 * time.Hour
	const expired = "invalid_argument: This API Key has expired"
	type result struct {
		Exp time.Time
		Err string
	}
	tests := []struct {
		name      string
		keyLife   time.Duration
		elapsed   time.Duration // between the key's creation and the token's
		expiresAt *timestamppb.Timestamp
		askedExp  bool   // the token expires at expiresAt, not at the key's expiry
		err       string // when no token is issued
	}{
		{name: "no expiry asked: the key's", keyLife: keyLife},
		{name: "the key's own expiry", keyLife: keyLife, expiresAt: at(keyLife)},
		{name: "later than the key: the key's", keyLife: keyLife, expiresAt: at(100 * 365 * 24 * time.Hour)},
		{name: "earlier than the key", keyLife: keyLife, expiresAt: at(24 * time.Hour), askedExp: true},
		{name: "in the past", keyLife: keyLife, expiresAt: at(-time.Hour), err: "invalid_argument: expiresAt must be a date in the future"},
		{name: "key expired", keyLife: time.Minute, elapsed: 2 * time.Minute, expiresAt: at(keyLife), err: expired},
		{name: "key expired, no expiry asked", keyLife: time.Minute, elapsed: 2 * time.Minute, err: expired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			created, err := h.client.CreateApiKey(ctx, &authv1.CreateApiKeyRequest{Name: tt.name, ExpiresAt: timestamppb.New(h.clock.Now().Add(tt.keyLife))})
			if err != nil {
				t.Fatalf("CreateApiKey: %v", err)
			}
			h.clock.advance(tt.elapsed)
			defer h.clock.advance(-tt.elapsed)
			want := result{Err: tt.err}
			switch {
			case tt.err != "":
			case tt.askedExp:
				want.Exp = time.Unix(tt.expiresAt.GetSeconds(), 0) // exp is whole seconds, rounded down
			default:
				want.Exp = time.Unix(created.GetApiKey().GetExpiresAt().GetSeconds(), 0)
			}
			var got result
			gen, err := h.client.GenerateApiKeyToken(ctx, &authv1.GenerateApiKeyTokenRequest{ApiKeyId: created.GetApiKey().GetId(), ExpiresAt: tt.expiresAt})
			if err != nil {
				got.Err = outcome(err)
			} else if c, err := v.Verify(gen.GetToken()); err != nil {
				t.Fatalf("verify the API key token: %v", err)
			} else {
				got.Exp = c.ExpiresAt.Time
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("GenerateApiKeyToken (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSigningKeySharedAcrossIsolates(t *testing.T) {
	h := newHarness(t)
	u := h.onboard(t, "tim@apple.dev")
	second := h.clientFor(t, h.deps) // a second isolate, same database and secret
	if _, err := second.CurrentUser(as(u.access), &authv1.CurrentUserRequest{}); err != nil {
		t.Errorf("token from one isolate rejected by another: %v", err)
	}
	wrong := h.deps
	wrong.keySecret = []byte("another secret entirely, 32+ chars long")
	_, err := h.clientFor(t, wrong).CurrentUser(as(u.access), &authv1.CurrentUserRequest{})
	if connect.CodeOf(err) != connect.CodeInternal {
		t.Errorf("isolate with the wrong AUTH_KEY_SECRET = %v, want an internal error (it cannot open the key)", err)
	}
}

func TestCheckUserExists(t *testing.T) {
	h := newHarness(t)
	h.onboard(t, "tim@apple.dev")
	for email, want := range map[string]*authv1.CheckUserExistsResponse{
		"TIM@apple.dev":    {Exists: true, AvailableWorkspacesCount: 1, IsEmailVerified: true},
		"nobody@apple.dev": {},
		"not an email":     {},
	} {
		got, err := h.client.CheckUserExists(context.Background(), &authv1.CheckUserExistsRequest{Email: email})
		if err != nil {
			t.Fatalf("CheckUserExists(%q): %v", email, err)
		}
		if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
			t.Errorf("CheckUserExists(%q) (-want +got):\n%s", email, diff)
		}
	}
}

func TestIdentifyCaller(t *testing.T) {
	client := newHarness(t).client
	tests := []struct {
		name, authorization string
		want                *authv1.IdentifyCallerResponse
	}{
		{"no header", "", &authv1.IdentifyCallerResponse{RequestId: "r-1"}},
		{"bearer token", "Bearer abc", &authv1.IdentifyCallerResponse{Scheme: "Bearer", RequestId: "r-1",
			CredentialSha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}},
		{"scheme only", "Bearer", &authv1.IdentifyCallerResponse{Scheme: "Bearer", RequestId: "r-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := rpc.WithCaller(requestid.WithID(context.Background(), "r-1"), tt.authorization)
			got, err := client.IdentifyCaller(ctx, &authv1.IdentifyCallerRequest{})
			if err != nil {
				t.Fatalf("IdentifyCaller: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("IdentifyCaller mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHealth(t *testing.T) {
	h := newHarness(t)
	d := h.deps
	d.probes = []health.Probe{health.SQL("CONTROL", d.control.DB), health.KV("CACHE", h.cache)}
	res, err := h.clientFor(t, d).Health(context.Background(), &commonv1.HealthRequest{Deep: true})
	if err != nil || !res.GetHealth().GetOk() || len(res.GetHealth().GetBindings()) != 2 {
		t.Errorf("Health = %v, %v", res, err)
	}
}
