// Package kvtest holds the conformance checks for kv.Store.
//
// The checks run natively against kvmem (from kvmem's tests) and inside a
// Worker against a real Workers KV namespace (through conformance.Handler).
// This package must not import "testing".
package kvtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/shared/conformance"
	"github.com/twentyworkers/twenty/shared/kv"
)

// writeGap separates two writes to the same key: Workers KV allows one write
// per second per key and may answer faster writes with 429.
const writeGap = 1100 * time.Millisecond

// Checks returns the conformance checks for s. Every key the checks touch
// starts with prefix, so runs against a shared namespace do not collide with
// real data; runs that share a prefix must not overlap in time.
//
// Values written by the checks either get deleted or carry a one-minute TTL,
// so nothing is left in a real namespace for long. The checks wait about a
// second between writes to the same key, so the suite takes a few seconds.
func Checks(s kv.Store, prefix string) []conformance.Check {
	return []conformance.Check{
		{Name: "get missing key", Run: func(ctx context.Context) error {
			key := prefix + "missing"
			if got, err := s.Get(ctx, key); !errors.Is(err, kv.ErrNotFound) {
				return fmt.Errorf("Get(%q) = %q, %v; want error %v", key, got, err, kv.ErrNotFound)
			}
			return nil
		}},
		{Name: "binary round trip", Run: func(ctx context.Context) error {
			return roundTrip(ctx, s, prefix+"binary", allBytes())
		}},
		{Name: "empty value round trip", Run: func(ctx context.Context) error {
			return roundTrip(ctx, s, prefix+"empty", []byte{})
		}},
		{Name: "unicode key", Run: func(ctx context.Context) error {
			return roundTrip(ctx, s, prefix+"ünï cödé/🔑", []byte("v"))
		}},
		{Name: "overwrite", Run: func(ctx context.Context) error {
			key := prefix + "overwrite"
			if err := s.Put(ctx, key, []byte("first"), time.Minute); err != nil {
				return fmt.Errorf("first Put(%q) = %w", key, err)
			}
			if err := conformance.Wait(ctx, writeGap); err != nil {
				return err
			}
			return roundTrip(ctx, s, key, []byte("second"))
		}},
		{Name: "put does not retain value", Run: func(ctx context.Context) error {
			key := prefix + "retain"
			value := []byte("original")
			if err := s.Put(ctx, key, value, time.Minute); err != nil {
				return fmt.Errorf("Put(%q) = %w", key, err)
			}
			copy(value, "XXXXXXXX")
			return wantValue(ctx, s, key, []byte("original"))
		}},
		{Name: "delete", Run: func(ctx context.Context) error {
			key := prefix + "delete"
			if err := s.Put(ctx, key, []byte("doomed"), 0); err != nil {
				return fmt.Errorf("Put(%q, ttl 0) = %w", key, err)
			}
			if err := wantValue(ctx, s, key, []byte("doomed")); err != nil {
				return err
			}
			if err := conformance.Wait(ctx, writeGap); err != nil {
				return err
			}
			if err := s.Delete(ctx, key); err != nil {
				return fmt.Errorf("Delete(%q) = %w", key, err)
			}
			if got, err := s.Get(ctx, key); !errors.Is(err, kv.ErrNotFound) {
				return fmt.Errorf("Get(%q) after Delete = %q, %v; want error %v", key, got, err, kv.ErrNotFound)
			}
			return nil
		}},
		{Name: "delete missing key", Run: func(ctx context.Context) error {
			key := prefix + "never-written"
			if err := s.Delete(ctx, key); err != nil {
				return fmt.Errorf("Delete(%q) = %w, want nil", key, err)
			}
			return nil
		}},
		{Name: "ttl accepted", Run: func(ctx context.Context) error {
			// A TTL under the 60-second minimum is rounded up, not rejected; one past what
			// workerd can pass (an API key's revocation until 2099) is kept without expiry.
			for _, ttl := range []time.Duration{time.Minute, time.Second, kv.MaxTTL, 80 * 365 * 24 * time.Hour} {
				key := fmt.Sprintf("%sttl-%v", prefix, ttl)
				if err := s.Put(ctx, key, []byte("short-lived"), ttl); err != nil {
					return fmt.Errorf("Put(%q, ttl %v) = %w", key, ttl, err)
				}
				if err := wantValue(ctx, s, key, []byte("short-lived")); err != nil {
					return err
				}
			}
			return nil
		}},
		{Name: "negative ttl", Run: func(ctx context.Context) error {
			key := prefix + "negative-ttl"
			if err := s.Put(ctx, key, []byte("v"), -time.Second); !errors.Is(err, kv.ErrInvalidTTL) {
				return fmt.Errorf("Put(%q, ttl -1s) = %v, want %v", key, err, kv.ErrInvalidTTL)
			}
			return nil
		}},
		{Name: "invalid key", Run: func(ctx context.Context) error {
			var errs []error
			for _, key := range invalidKeys() {
				if err := s.Put(ctx, key, []byte("v"), time.Minute); !errors.Is(err, kv.ErrInvalidKey) {
					errs = append(errs, fmt.Errorf("Put(%.20q…) = %v, want %v", key, err, kv.ErrInvalidKey))
				}
				if _, err := s.Get(ctx, key); !errors.Is(err, kv.ErrInvalidKey) {
					errs = append(errs, fmt.Errorf("Get(%.20q…) = %v, want %v", key, err, kv.ErrInvalidKey))
				}
				if err := s.Delete(ctx, key); !errors.Is(err, kv.ErrInvalidKey) {
					errs = append(errs, fmt.Errorf("Delete(%.20q…) = %v, want %v", key, err, kv.ErrInvalidKey))
				}
			}
			return errors.Join(errs...)
		}},
		{Name: "value too large", Run: func(ctx context.Context) error {
			key := prefix + "too-large"
			if err := s.Put(ctx, key, make([]byte, kv.MaxValueSize+1), time.Minute); !errors.Is(err, kv.ErrTooLarge) {
				return fmt.Errorf("Put(%q, %d bytes) = %v, want %v", key, kv.MaxValueSize+1, err, kv.ErrTooLarge)
			}
			return nil
		}},
	}
}

// roundTrip puts value under key with a one-minute TTL and reads it back.
func roundTrip(ctx context.Context, s kv.Store, key string, value []byte) error {
	if err := s.Put(ctx, key, value, time.Minute); err != nil {
		return fmt.Errorf("Put(%q) = %w", key, err)
	}
	return wantValue(ctx, s, key, value)
}

// wantValue checks that Get(key) returns exactly want.
func wantValue(ctx context.Context, s kv.Store, key string, want []byte) error {
	got, err := s.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("Get(%q) = %w", key, err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("Get(%q) = %s, want %s", key, describe(got), describe(want))
	}
	return nil
}

// allBytes returns every byte value 0x00..0xff, twice: once ascending and
// once descending, so that a string conversion anywhere on the path shows up.
func allBytes() []byte {
	b := make([]byte, 0, 512)
	for i := range 256 {
		b = append(b, byte(i))
	}
	for i := range 256 {
		b = append(b, byte(255-i))
	}
	return b
}

func invalidKeys() []string {
	return []string{"", ".", "..", strings.Repeat("k", kv.MaxKeySize+1), "bad-utf8-\xff"}
}

// describe summarises b for an error message without dumping megabytes.
func describe(b []byte) string {
	if len(b) <= 64 {
		return fmt.Sprintf("%d bytes %q", len(b), b)
	}
	return fmt.Sprintf("%d bytes %q…", len(b), b[:64])
}
