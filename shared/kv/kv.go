// Package kv defines a key-value store seam shaped after Cloudflare Workers
// KV, together with the validation rules that every implementation applies
// before touching storage.
//
// Implementations: kvmem (in-memory fake) and cfkv (Workers KV binding, js
// only). kvtest holds the conformance checks that both must pass.
package kv

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
	"unicode/utf8"
)

// Limits of Cloudflare Workers KV, enforced by every implementation.
const (
	// MaxKeySize is the largest key, in bytes of UTF-8.
	MaxKeySize = 512
	// MaxValueSize is the largest value: 25 MiB.
	MaxValueSize = 25 << 20
	// MinTTL is the shortest expiration Cloudflare accepts (expirationTtl 60).
	// A shorter positive TTL is rounded up to it; see EffectiveTTL.
	MinTTL = 60 * time.Second
	// MaxTTL is the longest expiration workerd can pass to KV: expirationTtl is a 32-bit signed
	// number of seconds (about 68 years). A longer ttl means no expiry; see EffectiveTTL.
	MaxTTL = math.MaxInt32 * time.Second
)

var (
	// ErrNotFound is returned by Get when the key has no live value.
	ErrNotFound = errors.New("kv: key not found")
	// ErrInvalidKey is returned when a key breaks the rules of ValidateKey.
	ErrInvalidKey = errors.New("kv: invalid key")
	// ErrTooLarge is returned by Put when the value exceeds MaxValueSize.
	ErrTooLarge = errors.New("kv: value too large")
	// ErrInvalidTTL is returned by Put when the TTL is negative.
	ErrInvalidTTL = errors.New("kv: invalid ttl")
)

// Store is a key-value store with optional expiry.
//
// Errors matching ErrInvalidKey, ErrTooLarge and ErrInvalidTTL are returned
// before any storage is touched; test them with errors.Is.
type Store interface {
	// Get returns the value stored under key, or an error matching
	// ErrNotFound if there is none or it has expired. The caller owns the
	// returned slice.
	Get(ctx context.Context, key string) ([]byte, error)
	// Put stores value under key, replacing any previous value. A ttl of 0
	// means the value never expires; a positive ttl is adjusted by
	// EffectiveTTL (rounded up to whole seconds and to at least MinTTL). Put
	// does not retain value.
	Put(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Delete removes key. Deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// ValidateKey reports whether key is acceptable to Cloudflare Workers KV: it
// must be non-empty, at most MaxKeySize bytes, not "." or "..", and valid
// UTF-8 (a JavaScript string cannot carry other bytes unchanged, so two
// different invalid keys could silently collide). The error wraps
// ErrInvalidKey.
func ValidateKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("key is empty: %w", ErrInvalidKey)
	case key == "." || key == "..":
		return fmt.Errorf("key %q is reserved: %w", key, ErrInvalidKey)
	case len(key) > MaxKeySize:
		return fmt.Errorf("key is %d bytes, over the %d-byte limit: %w", len(key), MaxKeySize, ErrInvalidKey)
	case !utf8.ValidString(key):
		return fmt.Errorf("key %q is not valid UTF-8: %w", key, ErrInvalidKey)
	}
	return nil
}

// ValidateValue reports whether value fits in MaxValueSize. The error wraps
// ErrTooLarge.
func ValidateValue(value []byte) error {
	if len(value) > MaxValueSize {
		return fmt.Errorf("value is %d bytes, over the %d-byte limit: %w", len(value), MaxValueSize, ErrTooLarge)
	}
	return nil
}

// EffectiveTTL returns the expiry that Put actually applies for ttl: 0 stays
// 0 (never expires); a positive ttl is rounded up to whole seconds and then
// up to MinTTL, because Cloudflare rejects an expirationTtl below 60 seconds; one over MaxTTL
// (an API key's revocation until 2099, say) never expires, because workerd rejects it.
// A negative ttl gets an error wrapping ErrInvalidTTL.
func EffectiveTTL(ttl time.Duration) (time.Duration, error) {
	switch {
	case ttl < 0:
		return 0, fmt.Errorf("ttl %v is negative: %w", ttl, ErrInvalidTTL)
	case ttl == 0, ttl > MaxTTL:
		return 0, nil
	}
	rounded := ttl.Truncate(time.Second)
	if rounded < ttl {
		rounded += time.Second
	}
	return max(rounded, MinTTL), nil
}

// ValidatePut applies ValidateKey, ValidateValue and EffectiveTTL, in that
// order, and returns the effective TTL. Implementations call it first in Put.
func ValidatePut(key string, value []byte, ttl time.Duration) (time.Duration, error) {
	if err := ValidateKey(key); err != nil {
		return 0, err
	}
	if err := ValidateValue(value); err != nil {
		return 0, err
	}
	return EffectiveTTL(ttl)
}
