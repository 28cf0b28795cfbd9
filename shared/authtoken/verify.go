package authtoken

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Verify's errors. Every error Verify returns matches exactly one of them with errors.Is. The
// caller answers as Twenty does:
//
//   - ErrMalformed: 401 UNAUTHENTICATED "No payload" (Twenty's answer for a token it cannot
//     decode; here also for a missing exp or an unknown type).
//   - ErrSignature: 401 UNAUTHENTICATED "Token invalid.".
//   - ErrExpired: 401 UNAUTHENTICATED "Token has expired.".
//   - ErrNotYetValid: 401 UNAUTHENTICATED "Token invalid." (jsonwebtoken's NotBeforeError).
//   - ErrUnknownKey: refresh the public keys once (rate-limited: the kid is the client's
//     choice), verify again, and answer "Token invalid." if it persists.
var (
	// ErrMalformed means the token is not a JWT, its header or payload do not decode, or it lacks
	// a claim every token has: exp, and a known type.
	ErrMalformed = errors.New("authtoken: malformed token")
	// ErrSignature means the signature does not verify, or the token uses an algorithm not
	// accepted: anything but ES256 with a kid, and HS256 when a legacy secret is configured.
	ErrSignature = errors.New("authtoken: invalid signature")
	// ErrExpired means the token's exp has passed.
	ErrExpired = errors.New("authtoken: token has expired")
	// ErrNotYetValid means the token's nbf is in the future.
	ErrNotYetValid = errors.New("authtoken: token not valid yet")
	// ErrUnknownKey means the token is ES256 with a kid the Verifier has no key for.
	ErrUnknownKey = errors.New("authtoken: unknown signing key")
)

// Option configures a Verifier.
type Option func(*Verifier)

// LegacySecret makes the Verifier accept HS256 tokens signed as Twenty did before ES256, and
// still does for some token types, with the secret derived from its APP_SECRET:
// hex(sha256(appSecret + body + type)), where body is the token's workspaceId if non-empty,
// else its userId, and type its type claim. API_KEY tokens are also tried with the ACCESS type,
// which Twenty used for them until December 2025.
func LegacySecret(appSecret string) Option {
	return func(v *Verifier) { v.appSecret = appSecret }
}

// Clock makes the Verifier read the time from now instead of time.Now.
func Clock(now func() time.Time) Option {
	return func(v *Verifier) { v.now = now }
}

// Leeway makes the Verifier tolerate clock skew of up to d on exp and nbf. The default is none,
// as Twenty.
func Leeway(d time.Duration) Option {
	return func(v *Verifier) { v.leeway = d }
}

// DefaultCacheSize is the number of verified tokens a Verifier remembers unless told otherwise
// with CacheSize.
const DefaultCacheSize = 1024

// maxCachedTokenLen bounds the length of the tokens a Verifier remembers, and so its memory.
const maxCachedTokenLen = 4096

// CacheSize makes the Verifier remember up to n verified tokens, so that verifying one again
// only checks its exp and nbf. An ES256 signature check costs about 1 ms in wasm; a cache hit,
// about 1 µs. A value of n that is not positive disables the cache.
func CacheSize(n int) Option {
	return func(v *Verifier) { v.cache.max = n }
}

// Verifier verifies tokens with a fixed set of keys; make one with NewVerifier. It is safe for
// concurrent use. Its keys and
// options are fixed once built (build a new one when the keys change); its only mutable state is
// a bounded cache of verified tokens, which never changes Verify's answers.
type Verifier struct {
	keys      map[string]*ecdsa.PublicKey
	appSecret string
	now       func() time.Time
	leeway    time.Duration

	parser    *jwt.Parser
	validator *jwt.Validator // the parser's claim checks, for cache hits
	keyfunc   jwt.Keyfunc
	cache     tokenCache
}

// tokenCache maps tokens that verified to their claims.
type tokenCache struct {
	max int
	mu  sync.Mutex
	m   map[string]*Claims
}

// get returns a copy of the claims of token, if it verified before.
func (tc *tokenCache) get(token string) (*Claims, bool) {
	if tc.max <= 0 {
		return nil, false
	}
	tc.mu.Lock()
	c, ok := tc.m[token]
	tc.mu.Unlock()
	if !ok {
		return nil, false
	}
	return c.clone(), true
}

// put remembers that token verified with claims c, evicting expired entries, or another one,
// when full.
func (tc *tokenCache) put(token string, c *Claims, now time.Time) {
	if tc.max <= 0 || len(token) > maxCachedTokenLen {
		return
	}
	c = c.clone()
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.m == nil {
		tc.m = make(map[string]*Claims)
	}
	if len(tc.m) >= tc.max {
		evicted := false
		for t, e := range tc.m {
			if !evicted || !now.Before(e.ExpiresAt.Time) {
				delete(tc.m, t)
				evicted = true
			}
		}
	}
	tc.m[strings.Clone(token)] = c
}

// remove forgets token.
func (tc *tokenCache) remove(token string) {
	tc.mu.Lock()
	delete(tc.m, token)
	tc.mu.Unlock()
}

// clone returns a copy of c that shares no memory with it.
func (c *Claims) clone() *Claims {
	d := *c
	d.Audience = append(jwt.ClaimStrings(nil), c.Audience...)
	for _, t := range []**jwt.NumericDate{&d.ExpiresAt, &d.NotBefore, &d.IssuedAt} {
		if *t != nil {
			nd := **t
			*t = &nd
		}
	}
	return &d
}

// NewVerifier returns a Verifier accepting ES256 tokens signed by one of keys, selected by kid.
// Keys need distinct, non-empty IDs and P-256 public keys.
func NewVerifier(keys []PublicKey, opts ...Option) (*Verifier, error) {
	v := &Verifier{keys: make(map[string]*ecdsa.PublicKey, len(keys)), cache: tokenCache{max: DefaultCacheSize}}
	for _, k := range keys {
		if k.ID == "" {
			return nil, errors.New("authtoken: new verifier: key with empty id")
		}
		if !isP256(k.Key) {
			return nil, fmt.Errorf("authtoken: new verifier: key %s is not a P-256 key", k.ID)
		}
		if _, err := k.Key.Bytes(); err != nil {
			return nil, fmt.Errorf("authtoken: new verifier: key %s: %w", k.ID, err)
		}
		if _, dup := v.keys[k.ID]; dup {
			return nil, fmt.Errorf("authtoken: new verifier: duplicate key id %s", k.ID)
		}
		v.keys[k.ID] = k.Key
	}
	for _, opt := range opts {
		opt(v)
	}
	methods := []string{jwt.SigningMethodES256.Alg()}
	if v.appSecret != "" {
		methods = append(methods, jwt.SigningMethodHS256.Alg())
	}
	popts := []jwt.ParserOption{
		jwt.WithValidMethods(methods),
		jwt.WithExpirationRequired(),
		jwt.WithStrictDecoding(),
		jwt.WithLeeway(v.leeway),
	}
	if v.now != nil {
		popts = append(popts, jwt.WithTimeFunc(v.now))
	}
	v.parser = jwt.NewParser(popts...)
	v.validator = jwt.NewValidator(popts...)
	v.keyfunc = v.key
	return v, nil
}

// Verify checks token and returns its claims. Errors match one of ErrMalformed, ErrSignature,
// ErrExpired, ErrNotYetValid and ErrUnknownKey.
func (v *Verifier) Verify(token string) (*Claims, error) {
	if v == nil || v.parser == nil {
		return nil, fmt.Errorf("authtoken: verify: Verifier not made by NewVerifier: %w", ErrSignature)
	}
	if c, ok := v.cache.get(token); ok {
		// The signature verified before; the time-dependent checks are the parser's own.
		if err := v.validator.Validate(c); err != nil {
			v.cache.remove(token)
			return nil, fmt.Errorf("authtoken: verify: %v: %w", err, classify(err))
		}
		return c, nil
	}
	c := new(Claims)
	if _, err := v.parser.ParseWithClaims(token, c, v.keyfunc); err != nil {
		return nil, fmt.Errorf("authtoken: verify: %v: %w", err, classify(err))
	}
	v.cache.put(token, c, v.clock())
	return c, nil
}

// clock returns the current time.
func (v *Verifier) clock() time.Time {
	if v.now != nil {
		return v.now()
	}
	return time.Now()
}

// classify returns the sentinel error matching err, an error of jwt.Parser.ParseWithClaims.
func classify(err error) error {
	switch {
	// The key function's own errors come first: the parser wraps them as unverifiable.
	case errors.Is(err, ErrUnknownKey):
		return ErrUnknownKey
	case errors.Is(err, ErrMalformed), errors.Is(err, jwt.ErrTokenMalformed),
		errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return ErrMalformed
	case errors.Is(err, jwt.ErrTokenExpired):
		return ErrExpired
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return ErrNotYetValid
	}
	return ErrSignature
}

// key is the Verifier's jwt.Keyfunc. The parser calls it once the header and the claims have
// decoded and the algorithm is one of the accepted ones, and before it checks the signature.
func (v *Verifier) key(t *jwt.Token) (any, error) {
	c, ok := t.Claims.(*Claims)
	if !ok {
		return nil, errors.New("authtoken: unexpected claims type")
	}
	// Refuse unknown types before spending a signature check on them.
	if !c.Type.Valid() {
		return nil, fmt.Errorf("type %q: %w", c.Type, ErrMalformed)
	}
	switch t.Method.Alg() {
	case jwt.SigningMethodES256.Alg():
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, fmt.Errorf("ES256 token without kid: %w", ErrSignature)
		}
		k, ok := v.keys[kid]
		if !ok {
			return nil, ErrUnknownKey
		}
		return k, nil
	case jwt.SigningMethodHS256.Alg():
		if v.appSecret == "" {
			return nil, ErrSignature
		}
		body := c.WorkspaceID
		if body == "" {
			body = c.UserID
		}
		if body == "" {
			// Twenty: "Invalid token type": there is no secret to check the token with.
			return nil, fmt.Errorf("HS256 token without workspaceId or userId: %w", ErrSignature)
		}
		secret := legacySecret(v.appSecret, body, c.Type)
		if c.Type != TypeAPIKey {
			return secret, nil
		}
		return jwt.VerificationKeySet{Keys: []jwt.VerificationKey{
			secret, legacySecret(v.appSecret, body, TypeAccess),
		}}, nil
	}
	return nil, ErrSignature
}

// legacySecret returns Twenty's HS256 secret for tokens of type typ: the hex SHA-256 of
// appSecret, body and typ concatenated, used as the bytes of that hex string.
func legacySecret(appSecret, body string, typ Type) []byte {
	h := sha256.New()
	h.Write([]byte(appSecret))
	h.Write([]byte(body))
	h.Write([]byte(typ))
	var sum [sha256.Size]byte
	return hex.AppendEncode(make([]byte, 0, 2*sha256.Size), h.Sum(sum[:0]))
}
