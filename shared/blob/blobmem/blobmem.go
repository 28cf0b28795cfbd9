// Package blobmem is an in-memory blob.Store for tests and local development.
package blobmem

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sync"

	"github.com/twentyworkers/twenty/shared/blob"
)

var _ blob.Store = (*Memory)(nil)

// Memory is a blob.Store backed by a map. Its ETags are the hex MD5 of the
// body, as R2 computes them for single-part uploads.
//
// A Memory is safe for concurrent use. The zero value is not usable; call New.
type Memory struct {
	mu      sync.Mutex
	objects map[string]blob.Object
}

// New returns an empty Memory.
func New() *Memory {
	return &Memory{objects: make(map[string]blob.Object)}
}

// Put implements blob.Store.
func (m *Memory) Put(ctx context.Context, key string, body []byte, contentType string) error {
	if err := blob.ValidateKey(key); err != nil {
		return fmt.Errorf("blobmem: put: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blobmem: put %q: %w", key, err)
	}
	sum := md5.Sum(body)
	obj := blob.Object{
		Body:        bytes.Clone(body),
		ContentType: contentType,
		Size:        int64(len(body)),
		ETag:        hex.EncodeToString(sum[:]),
	}
	if obj.Body == nil {
		obj.Body = []byte{}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[key] = obj
	return nil
}

// Get implements blob.Store.
func (m *Memory) Get(ctx context.Context, key string) (*blob.Object, error) {
	if err := blob.ValidateKey(key); err != nil {
		return nil, fmt.Errorf("blobmem: get: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("blobmem: get %q: %w", key, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	obj, ok := m.objects[key]
	if !ok {
		return nil, fmt.Errorf("blobmem: get %q: %w", key, blob.ErrNotFound)
	}
	obj.Body = bytes.Clone(obj.Body)
	return &obj, nil
}

// Delete implements blob.Store.
func (m *Memory) Delete(ctx context.Context, key string) error {
	if err := blob.ValidateKey(key); err != nil {
		return fmt.Errorf("blobmem: delete: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blobmem: delete %q: %w", key, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objects, key)
	return nil
}
