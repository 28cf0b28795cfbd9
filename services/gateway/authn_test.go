package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/kv"
)

func sign(t testing.TB, c authtoken.Claims) string {
	t.Helper()
	token, err := testKey.Sign(c)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return token
}

func TestRecordAPIAuthentication(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	now := time.Now()
	access := authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", now, 0)
	access.ID = "session-1"
	revokedSession := authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", now, 0)
	revokedSession.ID = "session-2"
	if err := s.cache.Put(context.Background(), "auth/revoked/session-2", []byte("x"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.cache.Put(context.Background(), "auth/revoked/key-2", []byte("x"), time.Hour); err != nil {
		t.Fatal(err)
	}
	// ws-deleted was deleted: one entry revokes all of its tokens, whatever their own ids.
	if err := s.cache.Put(context.Background(), "auth/revoked/"+authtoken.WorkspaceRevocationID("ws-deleted"), []byte("x"), 0); err != nil {
		t.Fatal(err)
	}
	deletedSession := authtoken.AccessClaims("u-2", "ws-deleted", "m-2", "uw-2", "password", now, 0)
	deletedSession.ID = "session-3"
	otherKey, _ := authtoken.NewSigningKey()
	forged, _ := otherKey.Sign(access)
	forged = strings.Replace(forged, otherKey.ID, testKey.ID, 1) // the kid of a known key, another key's signature

	tests := []struct {
		name   string
		header string
		path   string
		status int
		want   envelope
	}{
		{"no token", "", "/rest/people", 403, envelope{403, "FORBIDDEN_EXCEPTION", []string{"Missing authentication token"}}},
		{"token in the URL only", "", "/rest/people?token=" + sign(t, access), 403, envelope{403, "FORBIDDEN_EXCEPTION", []string{"Missing authentication token"}}},
		{"not a bearer", "Basic abc", "/rest/people", 403, envelope{403, "FORBIDDEN_EXCEPTION", []string{"Missing authentication token"}}},
		{"garbage", "Bearer garbage", "/rest/people", 401, envelope{401, "UNAUTHENTICATED", []string{"No payload"}}},
		{"bad signature", "Bearer " + forged, "/rest/people", 401, envelope{401, "UNAUTHENTICATED", []string{"Token invalid."}}},
		{"expired", "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", now.Add(-time.Hour), time.Minute)), "/rest/people", 401, envelope{401, "UNAUTHENTICATED", []string{"Token has expired."}}},
		{"workspace-agnostic", "Bearer " + sign(t, authtoken.WorkspaceAgnosticClaims("u-1", "password", now, 0)), "/rest/people", 403, envelope{403, "FORBIDDEN_EXCEPTION", []string{"A workspace-agnostic token cannot access workspace data"}}},
		{"login token", "Bearer " + sign(t, authtoken.LoginClaims("tim@apple.dev", "ws-1", "password", now, 0)), "/rest/people", 401, envelope{401, "UNAUTHENTICATED", []string{"Token invalid."}}},
		{"signed-out session", "Bearer " + sign(t, revokedSession), "/rest/people", 401, envelope{401, "UNAUTHENTICATED", []string{"Token has been revoked."}}},
		{"revoked API key", "Bearer " + sign(t, authtoken.APIKeyClaims("key-2", "ws-1", now, now.Add(time.Hour))), "/rest/people", 403, envelope{403, "FORBIDDEN_EXCEPTION", []string{"This API Key is revoked"}}},
		{"session of a deleted workspace", "Bearer " + sign(t, deletedSession), "/rest/people", 401, envelope{401, "UNAUTHENTICATED", []string{"Token has been revoked."}}},
		{"API key of a deleted workspace", "Bearer " + sign(t, authtoken.APIKeyClaims("key-3", "ws-deleted", now, now.Add(time.Hour))), "/rest/people", 403, envelope{403, "FORBIDDEN_EXCEPTION", []string{"This API Key is revoked"}}},
		// A valid token passes authentication; the list itself is tested in rest_test.go.
		{"access token", "Bearer " + sign(t, access), "/rest/nothing/here/at/all", 400, envelope{400, "BadRequestException", []string{badPathMessage}}},
		{"API key", "Bearer " + sign(t, authtoken.APIKeyClaims("key-1", "ws-1", now, now.Add(time.Hour))), "/rest/nothing/here/at/all", 400, envelope{400, "BadRequestException", []string{badPathMessage}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.do(t, http.MethodGet, tt.path, "", "Authorization", tt.header)
			if diff := cmp.Diff(tt.want, decode[envelope](t, rec)); rec.Code != tt.status || diff != "" {
				t.Errorf("GET %s = %d (want %d), envelope (-want +got):\n%s", tt.path, rec.Code, tt.status, diff)
			}
		})
	}
}

func TestGraphQLAuthentication(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	query := `{"query":"{ currentUser { id email } }"}`
	type gqlResponse struct {
		Data   map[string]any
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	for _, path := range []string{"/metadata", "/graphql"} {
		rec := s.do(t, http.MethodPost, path, query, "Content-Type", "application/json", "Authorization", "Bearer "+sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0)))
		got := decode[gqlResponse](t, rec)
		if diff := cmp.Diff(map[string]any{"currentUser": map[string]any{"id": "u-1", "email": "tim@apple.dev"}}, got.Data); rec.Code != 200 || diff != "" {
			t.Errorf("POST %s currentUser = %d %s, data (-want +got):\n%s", path, rec.Code, rec.Body, diff)
		}
		rec = s.do(t, http.MethodPost, path, query, "Content-Type", "application/json", "Authorization", "Bearer garbage")
		got = decode[gqlResponse](t, rec)
		if len(got.Errors) != 1 || got.Errors[0].Message != "No payload" || got.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
			t.Errorf("POST %s with a garbage token = %s, want one UNAUTHENTICATED error", path, rec.Body)
		}
	}
}

// windowLimiter allows limit requests per key, for the gateway tests.
type windowLimiter struct {
	mu    sync.Mutex
	limit int
	seen  map[string]int
}

func (l *windowLimiter) Allow(_ context.Context, key string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen[key]++
	return l.seen[key] <= l.limit, nil
}

func TestRateLimits(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*"), RateLimitPeriod: time.Minute}, "", "")
	ws, anon := &windowLimiter{limit: 3, seen: map[string]int{}}, &windowLimiter{limit: 2, seen: map[string]int{}}
	s.gateway, s.gw = newGateway(deps{cfg: s.gw.cfg, clients: s.clients, cache: s.cache, workspaceLimiter: ws, anonymousLimiter: anon})
	token := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	codes := func(n int, headers ...string) []int {
		var out []int
		for range n {
			out = append(out, s.do(t, http.MethodGet, "/rest/people", "", headers...).Code)
		}
		return out
	}
	if diff := cmp.Diff([]int{200, 200, 200, 429}, codes(4, "Authorization", "Bearer "+token)); diff != "" {
		t.Errorf("workspace budget (-want +got):\n%s", diff)
	}
	// Another workspace has its own budget.
	other := sign(t, authtoken.AccessClaims("u-2", "ws-2", "m-2", "uw-2", "password", time.Now(), 0))
	if got := codes(1, "Authorization", "Bearer "+other); got[0] != 200 {
		t.Errorf("another workspace = %v, want 200", got)
	}
	rec := s.do(t, http.MethodGet, "/rest/people", "", "Authorization", "Bearer "+token)
	want := envelope{429, "ThrottlerException", []string{"ThrottlerException: Too Many Requests"}}
	if diff := cmp.Diff(want, decode[envelope](t, rec)); diff != "" || rec.Header().Get("Retry-After") != "60" {
		t.Errorf("429 envelope (-want +got):\n%s\nRetry-After = %q, want 60", diff, rec.Header().Get("Retry-After"))
	}
	// Anonymous GraphQL callers are counted per client address.
	q := `{"query":"{ checkUserExists(email: \"a@b.co\") { exists } }"}`
	var got []int
	for range 3 {
		got = append(got, s.do(t, http.MethodPost, "/metadata", q, "Content-Type", "application/json", "CF-Connecting-IP", "203.0.113.7").Code)
	}
	got = append(got, s.do(t, http.MethodPost, "/metadata", q, "Content-Type", "application/json", "CF-Connecting-IP", "203.0.113.8").Code)
	if diff := cmp.Diff([]int{200, 200, 429, 200}, got); diff != "" {
		t.Errorf("anonymous budget per address (-want +got):\n%s", diff)
	}
}

func TestRevocationChecksAreCachedBriefly(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	clock := time.Now()
	s.gw.tokens.now = func() time.Time { return clock }
	// Refreshes behind a request run when the test says, as workerd runs them after the response.
	var behind []func(context.Context)
	s.gw.tokens.background = func(_ context.Context, fn func(context.Context)) { behind = append(behind, fn) }
	runBehind := func() {
		for _, fn := range behind {
			fn(context.Background())
		}
		behind = nil
	}
	reads := 0
	s.gw.tokens.revocations = countingKV{Store: s.cache, reads: &reads}
	status := sessionStatus(t, s, "session-9")
	if got := status(); got != 200 {
		t.Fatalf("before revocation = %d, want 200", got)
	}
	if reads != 2 { // the token's id and its workspace
		t.Errorf("first request read KV %d times, want 2", reads)
	}
	// Revoked elsewhere (another isolate wrote KV): this isolate trusts its check for a moment…
	if err := s.cache.Put(context.Background(), "auth/revoked/session-9", []byte("x"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != 200 || reads != 2 {
		t.Errorf("within %s of the last check = %d after %d KV reads, want the cached answer (200) and no read", revocationRecheck, got, reads)
	}
	// …then the next request still gets the answer it has, without waiting on KV, and reads KV
	// again behind it, once however many requests come meanwhile…
	clock = clock.Add(revocationRecheck)
	if got := status(); got != 200 {
		t.Errorf("first request after %s = %d, want the stale answer (200)", revocationRecheck, got)
	}
	if got := status(); got != 200 {
		t.Errorf("second request before the refresh = %d, want 200", got)
	}
	if len(behind) != 2 || reads != 2 { // one refresh per id, none run yet
		t.Errorf("refreshes started = %d with %d KV reads, want 2 and 2", len(behind), reads)
	}
	runBehind()
	// …whose answer the following requests get.
	if got := status(); got != 401 {
		t.Errorf("after the refresh = %d, want 401", got)
	}
	// An answer older than revocationStale is not used: the request waits on KV.
	status = sessionStatus(t, s, "session-11")
	if got := status(); got != 200 {
		t.Fatalf("new session = %d, want 200", got)
	}
	if err := s.cache.Put(context.Background(), "auth/revoked/session-11", []byte("x"), time.Hour); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(revocationStale)
	if got := status(); got != 401 {
		t.Errorf("after %s = %d, want 401 at once", revocationStale, got)
	}
	// A revocation made through this isolate applies at once.
	status = sessionStatus(t, s, "session-10")
	status()
	s.gw.tokens.markRevoked("session-10")
	if got := status(); got != 401 {
		t.Errorf("after markRevoked = %d, want 401", got)
	}
}

// sessionStatus returns a function answering the status of GET /rest/people with an access token
// of session id.
func sessionStatus(t *testing.T, s *stack, id string) func() int {
	c := authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0)
	c.ID = id
	token := "Bearer " + sign(t, c)
	return func() int { return s.do(t, http.MethodGet, "/rest/people", "", "Authorization", token).Code }
}

// countingKV counts the reads of a KV store.
type countingKV struct {
	kv.Store
	reads *int
}

func (c countingKV) Get(ctx context.Context, key string) ([]byte, error) {
	*c.reads++
	return c.Store.Get(ctx, key)
}

// badPathMessage is Twenty's 400 for a record path of no route: the caller got past
// authentication.
const badPathMessage = "Query path '/rest/nothing/here/at/all' invalid. Valid examples: /rest/companies/id or /rest/companies or /rest/batch/companies"
