// Package blob defines an object storage seam shaped after Cloudflare R2.
//
// Implementations: blobmem (in-memory fake) and cfr2 (R2 bucket binding, js
// only). blobtest holds the conformance checks that both must pass.
package blob

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"
)

// MaxKeySize is the longest object key R2 accepts, in bytes of UTF-8.
const MaxKeySize = 1024

var (
	// ErrNotFound is returned by Get when no object has the key.
	ErrNotFound = errors.New("blob: object not found")
	// ErrInvalidKey is returned when a key breaks the rules of ValidateKey.
	ErrInvalidKey = errors.New("blob: invalid key")
)

// Object is a stored object read back in full.
type Object struct {
	Body []byte
	// ContentType is the Content-Type given to Put; empty if none was given.
	ContentType string
	// Size is the length of Body in bytes.
	Size int64
	// ETag identifies the stored content, without quotes. For R2 (and the
	// fake) it is the hex MD5 of the body for objects written by Put.
	ETag string
}

// Store is an object store. Objects are read and written whole.
//
// An error matching ErrInvalidKey is returned before any storage is touched;
// test it with errors.Is.
type Store interface {
	// Put stores body under key with the given content type, replacing any
	// previous object. An empty contentType stores none. Put does not retain
	// body.
	Put(ctx context.Context, key string, body []byte, contentType string) error
	// Get returns the object stored under key, or an error matching
	// ErrNotFound. The caller owns the returned Object.
	Get(ctx context.Context, key string) (*Object, error)
	// Delete removes key. Deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// ValidateKey reports whether key is acceptable to R2: non-empty, at most
// MaxKeySize bytes and valid UTF-8 (a JavaScript string cannot carry other
// bytes unchanged). The error wraps ErrInvalidKey.
func ValidateKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("key is empty: %w", ErrInvalidKey)
	case len(key) > MaxKeySize:
		return fmt.Errorf("key is %d bytes, over the %d-byte limit: %w", len(key), MaxKeySize, ErrInvalidKey)
	case !utf8.ValidString(key):
		return fmt.Errorf("key %q is not valid UTF-8: %w", key, ErrInvalidKey)
	}
	return nil
}
