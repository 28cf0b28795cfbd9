// Package kvmem is an in-memory kv.Store for tests and local development.
package kvmem

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/twentyworkers/twenty/shared/kv"
)

var _ kv.Store = (*Memory)(nil)

// Memory is a kv.Store backed by a map. It applies the same validation and
// TTL rounding as Cloudflare Workers KV (see kv.EffectiveTTL), so a value put
// with a 1-second TTL lives for 60 seconds here too. Expired entries are
// dropped when read. Unlike Workers KV it is strongly consistent.
//
// A Memory is safe for concurrent use. The zero value is not usable; call New.
type Memory struct {
	// Now is the clock used for expiry. New sets it to time.Now; tests may
	// replace it before the Memory is first used.
	Now func() time.Time

	mu      sync.Mutex
	entries map[string]entry
}

type entry struct {
	value   []byte
	expires time.Time // Zero means never.
}

// New returns an empty Memory that uses the wall clock.
func New() *Memory {
	return &Memory{Now: time.Now, entries: make(map[string]entry)}
}

// Get implements kv.Store.
func (m *Memory) Get(ctx context.Context, key string) ([]byte, error) {
	if err := kv.ValidateKey(key); err != nil {
		return nil, fmt.Errorf("kvmem: get: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("kvmem: get %q: %w", key, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if ok && !e.expires.IsZero() && !m.Now().Before(e.expires) {
		delete(m.entries, key)
		ok = false
	}
	if !ok {
		return nil, fmt.Errorf("kvmem: get %q: %w", key, kv.ErrNotFound)
	}
	return bytes.Clone(e.value), nil
}

// Put implements kv.Store.
func (m *Memory) Put(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	ttl, err := kv.ValidatePut(key, value, ttl)
	if err != nil {
		return fmt.Errorf("kvmem: put: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("kvmem: put %q: %w", key, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := entry{value: bytes.Clone(value)}
	if e.value == nil {
		e.value = []byte{}
	}
	if ttl > 0 {
		e.expires = m.Now().Add(ttl)
	}
	m.entries[key] = e
	return nil
}

// Delete implements kv.Store.
func (m *Memory) Delete(ctx context.Context, key string) error {
	if err := kv.ValidateKey(key); err != nil {
		return fmt.Errorf("kvmem: delete: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("kvmem: delete %q: %w", key, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, key)
	return nil
}
