package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/authtoken"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/kv"
)

// authFailure is a token problem with Twenty's status, code and message. On REST it is answered as
// {"statusCode":…,"error":code,"messages":[message]}; on GraphQL as an error with extensions.code.
type authFailure struct {
	status  int
	code    string // REST error name
	gqlCode string // GraphQL extensions.code
	message string
}

func (f *authFailure) Error() string { return f.message }

var (
	errNoToken        = &authFailure{http.StatusForbidden, "FORBIDDEN_EXCEPTION", "FORBIDDEN", "Missing authentication token"}
	errBadSignature   = &authFailure{http.StatusUnauthorized, "UNAUTHENTICATED", "UNAUTHENTICATED", "Token invalid."}
	errGarbageToken   = &authFailure{http.StatusUnauthorized, "UNAUTHENTICATED", "UNAUTHENTICATED", "No payload"}
	errExpiredToken   = &authFailure{http.StatusUnauthorized, "UNAUTHENTICATED", "UNAUTHENTICATED", "Token has expired."}
	errRevokedToken   = &authFailure{http.StatusUnauthorized, "UNAUTHENTICATED", "UNAUTHENTICATED", "Token has been revoked."}
	errRevokedAPIKey  = &authFailure{http.StatusForbidden, "FORBIDDEN_EXCEPTION", "FORBIDDEN", "This API Key is revoked"}
	errNotAPIToken    = &authFailure{http.StatusUnauthorized, "UNAUTHENTICATED", "UNAUTHENTICATED", "Token invalid."}
	errAgnosticOnData = &authFailure{http.StatusForbidden, "FORBIDDEN_EXCEPTION", "FORBIDDEN", "A workspace-agnostic token cannot access workspace data"}
)

// keyRefetchInterval bounds how often an unknown kid makes the gateway ask auth for keys again, so
// garbage tokens cannot turn into a flood of calls.
const keyRefetchInterval = 10 * time.Second

// revocationRecheck is how long the isolate trusts a "not revoked" answer from KV for a token id
// as it is. Revocations that pass through this isolate (signOut, revokeApiKey) apply at once;
// others within this delay, which is well inside KV's own propagation between locations.
const revocationRecheck = 2 * time.Second

// revocationStale is how old a "not revoked" answer may be and still let a request through while
// KV is read again behind it (stale-while-revalidate): the request after revocationRecheck does not
// wait on KV, the read it starts refreshes the answer for the next ones. An answer older than this
// (an isolate that has not seen the token for a while) is not used: the request reads KV itself.
// So a revocation made elsewhere stops a token within revocationRecheck plus one KV read, at most
// revocationStale on an isolate whose reads keep failing; KV itself takes up to 60 s to reach
// every location.
const revocationStale = 30 * time.Second

// revocationCache remembers what KV said about token ids, so a request costs no KV read when the
// same token was checked a moment ago. It is bounded: past maxEntries it starts afresh.
type revocationCache struct {
	mu         sync.Mutex
	checked    map[string]time.Time // id → when KV last said it was not revoked
	revoked    map[string]bool      // ids known revoked
	refreshing map[string]bool      // ids whose KV read behind a request is in flight
}

const revocationCacheEntries = 10000

// revocationAnswer is what the cache knows of a token id.
type revocationAnswer int

const (
	answerUnknown revocationAnswer = iota // never checked, or too long ago: read KV now
	answerFresh                           // checked within revocationRecheck (or known revoked)
	answerStale                           // not revoked when last checked, within revocationStale
)

// lookup answers what the cache knows of id at now, and whether it is revoked.
func (c *revocationCache) lookup(id string, now time.Time) (revoked bool, a revocationAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.revoked[id] {
		return true, answerFresh
	}
	at, ok := c.checked[id]
	switch age := now.Sub(at); {
	case !ok || age >= revocationStale:
		return false, answerUnknown
	case age < revocationRecheck:
		return false, answerFresh
	}
	return false, answerStale
}

// startRefresh claims the KV read behind requests for id: false when one is in flight already.
func (c *revocationCache) startRefresh(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refreshing[id] {
		return false
	}
	if c.refreshing == nil {
		c.refreshing = map[string]bool{}
	}
	c.refreshing[id] = true
	return true
}

// endRefresh releases the claim of startRefresh.
func (c *revocationCache) endRefresh(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.refreshing, id)
}

func (c *revocationCache) store(id string, revoked bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.checked == nil || len(c.checked)+len(c.revoked) > revocationCacheEntries {
		c.checked, c.revoked = map[string]time.Time{}, map[string]bool{}
	}
	if revoked {
		c.revoked[id] = true
		delete(c.checked, id)
		return
	}
	c.checked[id] = now
}

// keySource returns the public keys tokens are signed with (auth's GetVerificationKeys).
type keySource func(ctx context.Context) ([]authtoken.PublicKey, error)

// tokenVerifier checks tokens locally: signature and expiry with public keys cached in the isolate
// (no call per request), revocation with one KV read when the token carries a jti.
type tokenVerifier struct {
	keys        keySource
	revocations kv.Store
	legacy      string // APP_SECRET of an imported Twenty installation
	now         func() time.Time
	// background runs a refresh after the response (cfworker.WaitUntil).
	background func(ctx context.Context, fn func(ctx context.Context))

	mu        sync.Mutex
	v         *authtoken.Verifier
	fetchedAt time.Time
	recent    revocationCache
}

// markRevoked applies a revocation this isolate just made to its next requests.
func (t *tokenVerifier) markRevoked(id string) {
	if id != "" {
		t.recent.store(id, true, t.now())
	}
}

// errRevocationUnavailable is what a caller learns when KV cannot say whether its token is revoked.
var errRevocationUnavailable = errors.New("The token could not be checked, please retry")

// isRevoked reads the revocation of a token id from the cache, else from KV. A stale "not revoked"
// answer (revocationStale) lets the request through and refreshes itself behind it.
func (t *tokenVerifier) isRevoked(ctx context.Context, id string) (bool, error) {
	revoked, known := t.recent.lookup(id, t.now())
	switch known {
	case answerFresh:
		return revoked, nil
	case answerStale:
		if t.recent.startRefresh(id) {
			t.background(ctx, func(ctx context.Context) {
				defer t.recent.endRefresh(id)
				if _, err := t.readRevocation(ctx, id); err != nil {
					// The answer stays stale: the next request past revocationRecheck tries again,
					// and past revocationStale one waits on KV and fails closed.
					slog.WarnContext(ctx, "token revocation refresh failed", "error", err.Error())
				}
			})
		}
		return false, nil
	}
	revoked, err := t.readRevocation(ctx, id)
	if err != nil {
		// Fail closed: a token whose revocation cannot be read is not let through; KV being down
		// for now is worth a retry (503 with Retry-After), not a 500. The cause is logged, not sent.
		slog.WarnContext(ctx, "token revocation check failed", "error", err.Error())
		return false, connect.NewError(connect.CodeUnavailable, errRevocationUnavailable)
	}
	return revoked, nil
}

// readRevocation reads the revocation of a token id from KV into the cache.
func (t *tokenVerifier) readRevocation(ctx context.Context, id string) (bool, error) {
	_, err := t.revocations.Get(ctx, "auth/revoked/"+id)
	switch {
	case err == nil:
		t.recent.store(id, true, t.now())
		return true, nil
	case errors.Is(err, kv.ErrNotFound):
		t.recent.store(id, false, t.now())
		return false, nil
	}
	return false, fmt.Errorf("read revocation: %w", err)
}

// current answers the verifier, fetching the keys when there are none yet or when refetch is set
// and the last fetch is old enough. mu is never held across the fetch: one Go instance serves all
// of an isolate's requests, and a request waiting on another's call to auth may find that call's
// I/O context gone when the other request ends (it then never wakes, and workerd cancels it as
// hung). Requests that find no keys each fetch them; the last to finish installs its verifier.
func (t *tokenVerifier) current(ctx context.Context, refetch bool) (*authtoken.Verifier, error) {
	t.mu.Lock()
	v, fetchedAt := t.v, t.fetchedAt
	t.mu.Unlock()
	if v != nil && (!refetch || t.now().Sub(fetchedAt) < keyRefetchInterval) {
		return v, nil
	}
	keys, err := t.keys(ctx)
	if err != nil {
		return nil, fmt.Errorf("fetch verification keys: %w", err)
	}
	opts := []authtoken.Option{authtoken.Clock(t.now)}
	if t.legacy != "" {
		opts = append(opts, authtoken.LegacySecret(t.legacy))
	}
	v, err = authtoken.NewVerifier(keys, opts...)
	if err != nil {
		return nil, fmt.Errorf("build verifier: %w", err)
	}
	t.mu.Lock()
	t.v, t.fetchedAt = v, t.now()
	t.mu.Unlock()
	return v, nil
}

// verify answers the claims of a valid, unrevoked token, an *authFailure, or an internal error.
func (t *tokenVerifier) verify(ctx context.Context, token string) (*authtoken.Claims, error) {
	v, err := t.current(ctx, false)
	if err != nil {
		return nil, err
	}
	c, err := v.Verify(token)
	if errors.Is(err, authtoken.ErrUnknownKey) {
		if v, err = t.current(ctx, true); err != nil {
			return nil, err
		}
		c, err = v.Verify(token)
	}
	switch {
	case err == nil:
	case errors.Is(err, authtoken.ErrExpired):
		return nil, errExpiredToken
	case errors.Is(err, authtoken.ErrMalformed):
		return nil, errGarbageToken
	default:
		return nil, errBadSignature
	}
	// A token is revoked by its own id (a signed-out session, a revoked API key) or with its whole
	// workspace (a deleted one).
	for _, id := range []string{c.ID, workspaceRevocation(c.WorkspaceID)} {
		if id == "" {
			continue
		}
		revoked, err := t.isRevoked(ctx, id)
		if err != nil {
			return nil, err
		}
		if revoked && c.Type == authtoken.TypeAPIKey {
			return nil, errRevokedAPIKey
		}
		if revoked {
			return nil, errRevokedToken
		}
	}
	return c, nil
}

// workspaceRevocation is the revocation id of a token's workspace, "" for a token without one.
func workspaceRevocation(workspaceID string) string {
	if workspaceID == "" {
		return ""
	}
	return authtoken.WorkspaceRevocationID(workspaceID)
}

// bearer extracts the token of an "Authorization: Bearer …" header, the scheme in any case
// (RFC 7235). A token in the URL (?token=) is never read here: Twenty refuses it on its APIs.
func bearer(r *http.Request) (string, bool) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	return token, strings.EqualFold(scheme, "Bearer") && token != ""
}

// canonicalBearer rewrites "Authorization: bearer …" (any case) as "Bearer …", so the Workers the
// header is forwarded to read the same token the gateway does.
func canonicalBearer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			next.ServeHTTP(w, r) // already canonical, as every client but a hand-written one sends it
			return
		}
		if token, ok := bearer(r); ok {
			r = r.Clone(r.Context())
			r.Header.Set("Authorization", "Bearer "+token)
		}
		next.ServeHTTP(w, r)
	})
}

type principalKey struct{}

// principalFrom answers the verified claims of the request, or nil.
func principalFrom(ctx context.Context) *authtoken.Claims {
	c, _ := ctx.Value(principalKey{}).(*authtoken.Claims)
	return c
}

// recordAPIAuth guards Twenty's record APIs (/rest): a valid user ACCESS or API_KEY token is
// required; anything else answers Twenty's envelope.
func (g *gateway) recordAPIAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearer(r)
		if !ok {
			writeAuthFailure(w, errNoToken)
			return
		}
		c, err := g.tokens.verify(r.Context(), token)
		if err != nil {
			writeAuthFailure(w, err)
			return
		}
		switch c.Type {
		case authtoken.TypeAccess, authtoken.TypeAPIKey:
		case authtoken.TypeWorkspaceAgnostic:
			writeAuthFailure(w, errAgnosticOnData)
			return
		default:
			writeAuthFailure(w, errNotAPIToken)
			return
		}
		next.ServeHTTP(w, r.WithContext(withClaims(r.Context(), c))) // principal.go
	})
}

// writeAuthFailure answers an *authFailure in Twenty's REST envelope, anything else as a 500.
func writeAuthFailure(w http.ResponseWriter, err error) {
	var f *authFailure
	if errors.As(err, &f) {
		writeError(w, f.status, f.code, f.message)
		return
	}
	if isUnavailable(err) { // unavailable.go
		writeConnectError(w, err)
		return
	}
	writeError(w, http.StatusInternalServerError, "", "Internal server error")
}

// authKeys adapts the auth contract's GetVerificationKeys to a keySource.
func authKeys(get func(context.Context, *authv1.GetVerificationKeysRequest) (*authv1.GetVerificationKeysResponse, error)) keySource {
	return func(ctx context.Context) ([]authtoken.PublicKey, error) {
		res, err := get(ctx, &authv1.GetVerificationKeysRequest{})
		if err != nil {
			return nil, err
		}
		keys := make([]authtoken.PublicKey, 0, len(res.GetKeys()))
		for _, k := range res.GetKeys() {
			p, err := authtoken.ParsePublicKey(k.GetId(), k.GetPublicKey())
			if err != nil {
				return nil, fmt.Errorf("key %s: %w", k.GetId(), err)
			}
			keys = append(keys, p)
		}
		return keys, nil
	}
}

// graphqlAuth authenticates GraphQL requests when they carry a token: public operations (signUp,
// login) need none, the others check the principal through auth. A token that does not verify
// fails the whole request with an UNAUTHENTICATED (or FORBIDDEN) error, as Twenty answers.
func (g *gateway) graphqlAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), clientAddressKey{}, clientAddress(r))
		if token, ok := bearer(r); ok {
			c, err := g.tokens.verify(ctx, token)
			if err != nil {
				var f *authFailure
				if !errors.As(err, &f) && isUnavailable(err) { // unavailable.go
					writeUnavailableGraphQL(w)
					return
				}
				if !errors.As(err, &f) {
					graphql.WriteResponse(w, http.StatusOK, &graphql.Response{Errors: []*graphql.Error{graphql.NewError("INTERNAL_SERVER_ERROR", "Internal server error")}})
					return
				}
				graphql.WriteResponse(w, http.StatusOK, &graphql.Response{Errors: []*graphql.Error{graphql.NewError(f.gqlCode, f.message)}})
				return
			}
			ctx = withClaims(ctx, c) // principal.go
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
