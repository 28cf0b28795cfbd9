package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/twentyworkers/twenty/shared/blob"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/kv/kvmem"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

// memObjects is objects in memory: what R2 holds, by key.
type memObjects struct {
	mu       sync.Mutex
	data     map[string][]byte
	uploaded map[string]time.Time
	// failDelete makes Delete fail for keys in it.
	failDelete map[string]bool
}

var _ objects = (*memObjects)(nil)

func newMemObjects() *memObjects {
	return &memObjects{data: map[string][]byte{}, uploaded: map[string]time.Time{}, failDelete: map[string]bool{}}
}

func (m *memObjects) Stat(_ context.Context, key string) (objectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.data[key]
	if !ok {
		return objectInfo{}, fmt.Errorf("stat %q: %w", key, blob.ErrNotFound)
	}
	sum := md5.Sum(b)
	return objectInfo{Size: int64(len(b)), ETag: hex.EncodeToString(sum[:])}, nil
}

func (m *memObjects) Put(_ context.Context, key string, body []byte, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data[key] = append([]byte(nil), body...)
	m.uploaded[key] = testNow
	return nil
}

// putAt stores an object as uploaded at a time.
func (m *memObjects) putAt(key string, body []byte, at time.Time) {
	_ = m.Put(context.Background(), key, body, "")
	m.mu.Lock()
	m.uploaded[key] = at
	m.mu.Unlock()
}

func (m *memObjects) List(_ context.Context, cursor string, limit int) (objectPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.data))
	for k := range m.data {
		if k > cursor {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var page objectPage
	for i, k := range keys {
		if i == limit {
			page.Cursor = keys[i-1]
			break
		}
		page.Objects = append(page.Objects, listedObject{Key: k, Uploaded: m.uploaded[k]})
	}
	return page, nil
}

func (m *memObjects) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failDelete[key] {
		return fmt.Errorf("delete %q: injected failure", key)
	}
	delete(m.data, key)
	return nil
}

func (m *memObjects) has(key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.data[key]
	return ok
}

// testNow is the tests' clock.
var testNow = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

// newTestServer is a files server on SQLite with the migrations applied and objects in memory
// (obj nil: a new one), its clock at testNow.
func newTestServer(t *testing.T, obj *memObjects) *server {
	t.Helper()
	if obj == nil {
		obj = newMemObjects()
	}
	now := func() time.Time { return testNow }
	return &server{
		Checker: &health.Checker{Service: "files"},
		store:   &store{db: sqltest.Open(t)}, objects: obj, cache: kvmem.New(),
		tokens: tokens{secret: "test-secret-0123456789", now: now}, now: now,
	}
}
