//go:build js && wasm

// Package cfkv is a kv.Store over a Cloudflare Workers KV namespace binding,
// built on github.com/syumai/workers/cloudflare/kv.
package cfkv

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"syscall/js"
	"time"

	workerskv "github.com/syumai/workers/cloudflare/kv"

	"github.com/twentyworkers/twenty/shared/kv"
)

var _ kv.Store = (*Store)(nil)

// Store is a kv.Store backed by a Workers KV namespace.
//
// Values travel as ArrayBuffer/ReadableStream, never as JavaScript strings,
// so arbitrary bytes survive. A positive TTL below 60 seconds is rounded up
// to 60 seconds, Cloudflare's minimum expirationTtl (see kv.EffectiveTTL).
//
// Workers KV is eventually consistent across locations: a write is visible
// at once in the location that made it and within about a minute elsewhere.
// It also allows one write per second to the same key.
//
// The underlying JavaScript calls cannot be canceled: ctx is checked before
// each call, not during it.
type Store struct {
	ns *workerskv.Namespace
}

// Open returns a Store for the KV namespace bound to the Worker as binding
// (the "binding" of a kv_namespaces entry in the wrangler config). Call it
// while the Worker's runtime context exists, e.g. in main of a syumai/workers
// program.
func Open(binding string) (*Store, error) {
	ns, err := workerskv.NewNamespace(binding)
	if err != nil {
		return nil, fmt.Errorf("cfkv: open binding %q: %w", binding, err)
	}
	return &Store{ns: ns}, nil
}

// rawBody is implemented by the reader that syumai's GetReader returns; it
// exposes the JavaScript value behind it, which is null for a missing key.
type rawBody interface {
	GetRawJSBody() js.Value
}

// Get implements kv.Store.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	if err := kv.ValidateKey(key); err != nil {
		return nil, fmt.Errorf("cfkv: get: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cfkv: get %q: %w", key, err)
	}
	// GetReader asks for {type: "stream"}. KV answers null for a missing key,
	// and syumai wraps even null in a reader, so look underneath it.
	r, err := s.ns.GetReader(key, nil)
	if err != nil {
		return nil, fmt.Errorf("cfkv: get %q: %w", key, err)
	}
	raw, ok := r.(rawBody)
	if !ok {
		return nil, fmt.Errorf("cfkv: get %q: unexpected reader type %T from syumai/workers", key, r)
	}
	if v := raw.GetRawJSBody(); v.IsNull() || v.IsUndefined() {
		return nil, fmt.Errorf("cfkv: get %q: %w", key, kv.ErrNotFound)
	}
	value, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("cfkv: get %q: read value: %w", key, err)
	}
	return value, nil
}

// Put implements kv.Store.
func (s *Store) Put(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	ttl, err := kv.ValidatePut(key, value, ttl)
	if err != nil {
		return fmt.Errorf("cfkv: put: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cfkv: put %q: %w", key, err)
	}
	var opts *workerskv.PutOptions
	if ttl > 0 {
		opts = &workerskv.PutOptions{ExpirationTTL: int(ttl / time.Second)}
	}
	// PutReader copies the bytes into a Uint8Array and passes its ArrayBuffer.
	if err := s.ns.PutReader(key, bytes.NewReader(value), opts); err != nil {
		return fmt.Errorf("cfkv: put %q: %w", key, err)
	}
	return nil
}

// Delete implements kv.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := kv.ValidateKey(key); err != nil {
		return fmt.Errorf("cfkv: delete: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cfkv: delete %q: %w", key, err)
	}
	if err := s.ns.Delete(key); err != nil {
		return fmt.Errorf("cfkv: delete %q: %w", key, err)
	}
	return nil
}
