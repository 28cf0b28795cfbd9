package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/kv"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// keyring holds the ES256 signing keys: the private ones sealed in D1 with the AUTH_KEY_SECRET
// secret, the newest one used to sign. It is loaded on first use and cached in the isolate.
type keyring struct {
	store        *store
	secret       []byte
	legacySecret string // APP_SECRET of an imported Twenty installation, for its HS256 tokens
	now          func() time.Time

	// mu guards cur. It is never held across I/O: one Go instance serves all of an isolate's
	// requests, and a request waiting on another's D1 call may find that call's I/O context gone
	// when the other request ends (it then never wakes, and workerd cancels it as hung). Requests
	// that find no keys each load them; the last to finish installs its copy.
	mu  sync.Mutex
	cur *keys
}

// keys are the loaded signing and verification keys.
type keys struct {
	signer   *authtoken.SigningKey
	public   []authtoken.PublicKey
	verifier *authtoken.Verifier
}

// load reads the keys, creating the first one when there is none.
func (k *keyring) load(ctx context.Context) (*keys, error) {
	stored, err := k.store.signingKeys(ctx)
	if err != nil {
		return nil, err
	}
	if len(stored) == 0 {
		key, err := authtoken.NewSigningKey()
		if err != nil {
			return nil, fmt.Errorf("new signing key: %w", err)
		}
		sealed, err := authtoken.SealPrivateKey(key, k.secret)
		if err != nil {
			return nil, fmt.Errorf("seal signing key: %w", err)
		}
		public, err := key.Public().MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("encode public key: %w", err)
		}
		if err := k.store.insertSigningKey(ctx, storedKey{ID: key.ID, Sealed: sealed, Public: public}); err != nil {
			return nil, err
		}
		// Another isolate may have created one at the same time: both are valid, read them all.
		if stored, err = k.store.signingKeys(ctx); err != nil {
			return nil, err
		}
	}
	signer, err := authtoken.OpenPrivateKey(stored[0].ID, stored[0].Sealed, k.secret)
	if err != nil {
		return nil, fmt.Errorf("open signing key %s: %w", stored[0].ID, err)
	}
	public := make([]authtoken.PublicKey, 0, len(stored))
	for _, s := range stored {
		p, err := authtoken.ParsePublicKey(s.ID, s.Public)
		if err != nil {
			return nil, fmt.Errorf("parse public key %s: %w", s.ID, err)
		}
		public = append(public, p)
	}
	opts := []authtoken.Option{authtoken.Clock(k.now)}
	if k.legacySecret != "" {
		opts = append(opts, authtoken.LegacySecret(k.legacySecret))
	}
	verifier, err := authtoken.NewVerifier(public, opts...)
	if err != nil {
		return nil, fmt.Errorf("build verifier: %w", err)
	}
	return &keys{signer: &signer, public: public, verifier: verifier}, nil
}

// state answers the loaded keys, loading them when there are none.
func (k *keyring) state(ctx context.Context) (*keys, error) {
	k.mu.Lock()
	cur := k.cur
	k.mu.Unlock()
	if cur != nil {
		return cur, nil
	}
	return k.reload(ctx)
}

// reload loads the keys, without holding mu, and installs them.
func (k *keyring) reload(ctx context.Context) (*keys, error) {
	loaded, err := k.load(ctx)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.cur = loaded
	k.mu.Unlock()
	return loaded, nil
}

func (k *keyring) sign(ctx context.Context, c authtoken.Claims) (string, error) {
	ks, err := k.state(ctx)
	if err != nil {
		return "", err
	}
	return ks.signer.Sign(c)
}

func (k *keyring) publicKeys(ctx context.Context) ([]authtoken.PublicKey, error) {
	ks, err := k.state(ctx)
	if err != nil {
		return nil, err
	}
	return ks.public, nil
}

// verify checks a token's signature and expiry, reloading the keys once for a kid it lacks (a key
// created by another isolate).
func (k *keyring) verify(ctx context.Context, token string) (*authtoken.Claims, error) {
	ks, err := k.state(ctx)
	if err != nil {
		return nil, err
	}
	c, err := ks.verifier.Verify(token)
	if errors.Is(err, authtoken.ErrUnknownKey) {
		if ks, err = k.reload(ctx); err != nil {
			return nil, err
		}
		c, err = ks.verifier.Verify(token)
	}
	return c, tokenError(err)
}

// tokenError maps a verification failure to Twenty's answer.
func tokenError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, authtoken.ErrExpired):
		return errTokenExpired
	case errors.Is(err, authtoken.ErrMalformed):
		return errNoPayload
	case errors.Is(err, authtoken.ErrSignature), errors.Is(err, authtoken.ErrUnknownKey):
		return errTokenInvalid
	default:
		return err
	}
}

// revokedKey is the KV key whose presence revokes every token with that jti: an API key's id, or a
// sign-in session's id (carried by its access tokens). The gateway reads the same key.
func revokedKey(jti string) string { return "auth/revoked/" + jti }

// caller verifies the Authorization of the call being handled and checks its type is one of want.
func (s *server) caller(ctx context.Context, want ...authtoken.Type) (*authtoken.Claims, error) {
	header := rpc.Authorization(ctx)
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		return nil, errMissingToken
	}
	c, err := s.keys.verify(ctx, strings.TrimSpace(token))
	if err != nil {
		return nil, err
	}
	if !typeIn(c.Type, want) {
		return nil, errWrongTokenType
	}
	// A token is revoked by its own id or with its whole workspace (a deleted one).
	ids := []string{c.ID}
	if c.WorkspaceID != "" {
		ids = append(ids, authtoken.WorkspaceRevocationID(c.WorkspaceID))
	}
	for _, id := range ids {
		if id == "" {
			continue
		}
		if _, err := s.revocations.Get(ctx, revokedKey(id)); err == nil {
			return nil, errTokenRevoked
		} else if !errors.Is(err, kv.ErrNotFound) {
			return nil, fmt.Errorf("check revocation: %w", err)
		}
	}
	return c, nil
}

func typeIn(t authtoken.Type, want []authtoken.Type) bool {
	for _, w := range want {
		if t == w {
			return true
		}
	}
	return false
}

// revoke records jti as revoked until until (at least KV's minimum of a minute).
func (s *server) revoke(ctx context.Context, jti string, until time.Time) error {
	ttl := max(until.Sub(s.now()), time.Minute)
	if err := s.revocations.Put(ctx, revokedKey(jti), []byte(formatTime(s.now())), ttl); err != nil {
		return fmt.Errorf("record revocation: %w", err)
	}
	return nil
}

// authProvider is the authProvider claim of tokens from a password sign-in, as Twenty writes it.
const authProvider = "password"

// session is one sign-in: its id is the jti of its access tokens and ties its refresh tokens.
type session struct {
	ID          string
	User        user
	WorkspaceID string // "" for a workspace-agnostic session
	Member      membership
}

// issuedPair is a signed token pair and the refresh token row to store with it.
type issuedPair struct {
	access, refresh string
	accessExp       time.Time
	refreshRow      refreshToken
}

// issue signs an access (or workspace-agnostic) token and a new refresh token for ses.
func (s *server) issue(ctx context.Context, ses session) (issuedPair, error) {
	now := s.now()
	var access authtoken.Claims
	if ses.WorkspaceID == "" {
		access = authtoken.WorkspaceAgnosticClaims(ses.User.ID, authProvider, now, 0)
	} else {
		access = authtoken.AccessClaims(ses.User.ID, ses.WorkspaceID, ses.Member.WorkspaceMemberID, ses.Member.UserWorkspaceID, authProvider, now, 0)
	}
	access.ID = ses.ID
	row := refreshToken{ID: ids.NewUUID(), UserID: ses.User.ID, WorkspaceID: ses.WorkspaceID, SessionID: ses.ID, ExpiresAt: now.Add(authtoken.TypeRefresh.DefaultTTL())}
	refresh := authtoken.RefreshClaims(row.ID, ses.User.ID, ses.WorkspaceID, authProvider, access.Type, now, 0)
	a, err := s.keys.sign(ctx, access)
	if err != nil {
		return issuedPair{}, err
	}
	r, err := s.keys.sign(ctx, refresh)
	if err != nil {
		return issuedPair{}, err
	}
	return issuedPair{access: a, refresh: r, accessExp: access.ExpiresAt.Time, refreshRow: row}, nil
}
