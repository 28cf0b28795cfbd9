// Package blobtest holds the conformance checks for blob.Store.
//
// The checks run natively against blobmem (from blobmem's tests) and inside a
// Worker against a real R2 bucket (through conformance.Handler). This package
// must not import "testing".
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/shared/blob"
	"github.com/twentyworkers/twenty/shared/conformance"
)

// writeGap separates two writes to the same key: R2 allows one write per
// second per key and may answer faster writes with 429.
const writeGap = 1100 * time.Millisecond

// largeBodySize is the size of the pseudo-random round-trip body: big enough
// to span many ReadableStream chunks.
const largeBodySize = 300_000

// Checks returns the conformance checks for s. Every key the checks touch
// starts with prefix, so runs against a shared bucket do not collide with
// real data; runs that share a prefix must not overlap in time.
//
// R2 has no expiry, so use a fixed prefix: the checks overwrite the same few
// objects on every run and leave seven of them (about 370 KB) behind.
// The checks wait about a second between writes to the same key, so the
// suite takes a few seconds.
func Checks(s blob.Store, prefix string) []conformance.Check {
	return []conformance.Check{
		{Name: "get missing key", Run: func(ctx context.Context) error {
			key := prefix + "missing"
			if got, err := s.Get(ctx, key); !errors.Is(err, blob.ErrNotFound) {
				return fmt.Errorf("Get(%q) = %v, %v; want error %v", key, got, err, blob.ErrNotFound)
			}
			return nil
		}},
		{Name: "large binary round trip", Run: func(ctx context.Context) error {
			key := prefix + "large"
			return roundTrip(ctx, s, key, pseudoRandom(largeBodySize), "application/octet-stream")
		}},
		{Name: "content type kept", Run: func(ctx context.Context) error {
			key := prefix + "text"
			return roundTrip(ctx, s, key, []byte("héllo\n"), "text/plain; charset=utf-8")
		}},
		{Name: "size reported", Run: func(ctx context.Context) error {
			var errs []error
			for _, size := range []int{0, 1, 65_537} {
				key := fmt.Sprintf("%ssize-%d", prefix, size)
				errs = append(errs, roundTrip(ctx, s, key, pseudoRandom(size), "application/octet-stream"))
			}
			return errors.Join(errs...)
		}},
		{Name: "overwrite", Run: func(ctx context.Context) error {
			key := prefix + "overwrite"
			if err := s.Put(ctx, key, []byte("first"), "text/plain"); err != nil {
				return fmt.Errorf("first Put(%q) = %w", key, err)
			}
			first, err := s.Get(ctx, key)
			if err != nil {
				return fmt.Errorf("Get(%q) after first Put = %w", key, err)
			}
			if err := conformance.Wait(ctx, writeGap); err != nil {
				return err
			}
			second, err := put(ctx, s, key, []byte(`{"second":true}`), "application/json")
			if err != nil {
				return err
			}
			if first.ETag == second.ETag {
				return fmt.Errorf("ETag of %q = %q after overwriting with different content, want it to change", key, second.ETag)
			}
			return nil
		}},
		{Name: "put does not retain body", Run: func(ctx context.Context) error {
			key := prefix + "retain"
			body := []byte("original")
			if err := s.Put(ctx, key, body, "text/plain"); err != nil {
				return fmt.Errorf("Put(%q) = %w", key, err)
			}
			copy(body, "XXXXXXXX")
			return wantObject(ctx, s, key, []byte("original"), "text/plain")
		}},
		{Name: "delete", Run: func(ctx context.Context) error {
			key := prefix + "delete"
			if _, err := put(ctx, s, key, []byte("doomed"), "text/plain"); err != nil {
				return err
			}
			if err := conformance.Wait(ctx, writeGap); err != nil {
				return err
			}
			if err := s.Delete(ctx, key); err != nil {
				return fmt.Errorf("Delete(%q) = %w", key, err)
			}
			if got, err := s.Get(ctx, key); !errors.Is(err, blob.ErrNotFound) {
				return fmt.Errorf("Get(%q) after Delete = %v, %v; want error %v", key, got, err, blob.ErrNotFound)
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
		{Name: "invalid key", Run: func(ctx context.Context) error {
			var errs []error
			for _, key := range []string{"", strings.Repeat("k", blob.MaxKeySize+1), "bad-utf8-\xff"} {
				if err := s.Put(ctx, key, []byte("v"), "text/plain"); !errors.Is(err, blob.ErrInvalidKey) {
					errs = append(errs, fmt.Errorf("Put(%.20q…) = %v, want %v", key, err, blob.ErrInvalidKey))
				}
				if _, err := s.Get(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
					errs = append(errs, fmt.Errorf("Get(%.20q…) = %v, want %v", key, err, blob.ErrInvalidKey))
				}
				if err := s.Delete(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
					errs = append(errs, fmt.Errorf("Delete(%.20q…) = %v, want %v", key, err, blob.ErrInvalidKey))
				}
			}
			return errors.Join(errs...)
		}},
	}
}

// roundTrip puts body under key and checks what Get returns.
func roundTrip(ctx context.Context, s blob.Store, key string, body []byte, contentType string) error {
	_, err := put(ctx, s, key, body, contentType)
	return err
}

// put stores body under key, reads it back, checks it and returns it.
func put(ctx context.Context, s blob.Store, key string, body []byte, contentType string) (*blob.Object, error) {
	if err := s.Put(ctx, key, body, contentType); err != nil {
		return nil, fmt.Errorf("Put(%q) = %w", key, err)
	}
	got, err := s.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("Get(%q) = %w", key, err)
	}
	return got, checkObject(key, got, body, contentType)
}

// wantObject checks that Get(key) returns body and contentType.
func wantObject(ctx context.Context, s blob.Store, key string, body []byte, contentType string) error {
	got, err := s.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("Get(%q) = %w", key, err)
	}
	return checkObject(key, got, body, contentType)
}

func checkObject(key string, got *blob.Object, body []byte, contentType string) error {
	var errs []error
	if got == nil {
		return fmt.Errorf("Get(%q) = nil object and nil error", key)
	}
	if !bytes.Equal(got.Body, body) {
		errs = append(errs, fmt.Errorf("Get(%q).Body = %s, want %s (first difference at offset %d)",
			key, describe(got.Body), describe(body), firstDiff(got.Body, body)))
	}
	if got.ContentType != contentType {
		errs = append(errs, fmt.Errorf("Get(%q).ContentType = %q, want %q", key, got.ContentType, contentType))
	}
	if got.Size != int64(len(body)) {
		errs = append(errs, fmt.Errorf("Get(%q).Size = %d, want %d", key, got.Size, len(body)))
	}
	if got.ETag == "" {
		errs = append(errs, fmt.Errorf("Get(%q).ETag is empty, want an ETag", key))
	}
	return errors.Join(errs...)
}

// pseudoRandom returns n reproducible bytes covering every byte value.
func pseudoRandom(n int) []byte {
	b := make([]byte, n)
	rng := rand.NewChaCha8([32]byte{'b', 'l', 'o', 'b', 't', 'e', 's', 't'})
	rng.Read(b)
	return b
}

// firstDiff returns the first offset at which a and b differ.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// describe summarises b for an error message: length and, if b is long, the
// first bytes only.
func describe(b []byte) string {
	if len(b) <= 32 {
		return fmt.Sprintf("%d bytes %q", len(b), b)
	}
	return fmt.Sprintf("%d bytes starting %q", len(b), b[:32])
}
