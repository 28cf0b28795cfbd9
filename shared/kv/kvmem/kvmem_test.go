package kvmem_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/conformance"
	"github.com/twentyworkers/twenty/shared/kv"
	"github.com/twentyworkers/twenty/shared/kv/kvmem"
	"github.com/twentyworkers/twenty/shared/kv/kvtest"
)

func TestConformance(t *testing.T) {
	for _, r := range conformance.Run(t.Context(), "kv", kvtest.Checks(kvmem.New(), "conformance/")) {
		t.Run(r.Check, func(t *testing.T) {
			if !r.Passed {
				t.Error(r.Error)
			}
		})
	}
}

// fakeClock is a settable clock for Memory.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestExpiry(t *testing.T) {
	tests := []struct {
		name     string
		ttl      time.Duration
		advance  time.Duration
		wantLive bool
	}{
		{name: "no ttl never expires", ttl: 0, advance: 100 * 365 * 24 * time.Hour, wantLive: true},
		{name: "live just before ttl", ttl: 2 * time.Minute, advance: 2*time.Minute - time.Nanosecond, wantLive: true},
		{name: "gone at ttl", ttl: 2 * time.Minute, advance: 2 * time.Minute, wantLive: false},
		{name: "short ttl rounded up to minimum", ttl: time.Second, advance: 59 * time.Second, wantLive: true},
		{name: "short ttl gone at minimum", ttl: time.Second, advance: kv.MinTTL, wantLive: false},
		{name: "fractional ttl rounded up to whole seconds", ttl: 90*time.Second + time.Millisecond, advance: 90500 * time.Millisecond, wantLive: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			clock := &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
			m := kvmem.New()
			m.Now = clock.Now
			if err := m.Put(ctx, "k", []byte("v"), tc.ttl); err != nil {
				t.Fatalf("Put(ttl %v) = %v", tc.ttl, err)
			}

			clock.Advance(tc.advance)
			got, err := m.Get(ctx, "k")

			if tc.wantLive {
				if err != nil {
					t.Fatalf("Get after %v = %v, want value", tc.advance, err)
				}
				if diff := cmp.Diff([]byte("v"), got); diff != "" {
					t.Errorf("Get after %v mismatch (-want +got):\n%s", tc.advance, diff)
				}
			} else if !errors.Is(err, kv.ErrNotFound) {
				t.Errorf("Get after %v = %q, %v; want %v", tc.advance, got, err, kv.ErrNotFound)
			}
		})
	}
}

func TestPutWithoutTTLClearsExpiry(t *testing.T) {
	ctx := t.Context()
	clock := &fakeClock{now: time.Unix(0, 0)}
	m := kvmem.New()
	m.Now = clock.Now
	if err := m.Put(ctx, "k", []byte("old"), time.Minute); err != nil {
		t.Fatalf("Put(ttl 1m) = %v", err)
	}
	if err := m.Put(ctx, "k", []byte("new"), 0); err != nil {
		t.Fatalf("Put(ttl 0) = %v", err)
	}

	clock.Advance(time.Hour)

	got, err := m.Get(ctx, "k")
	if err != nil {
		t.Fatalf("Get = %v, want value", err)
	}
	if diff := cmp.Diff([]byte("new"), got); diff != "" {
		t.Errorf("Get mismatch (-want +got):\n%s", diff)
	}
}

func TestGetReturnsCopy(t *testing.T) {
	ctx := t.Context()
	m := kvmem.New()
	if err := m.Put(ctx, "k", []byte("abc"), 0); err != nil {
		t.Fatalf("Put = %v", err)
	}
	first, err := m.Get(ctx, "k")
	if err != nil {
		t.Fatalf("Get = %v", err)
	}
	first[0] = 'X'

	got, err := m.Get(ctx, "k")
	if err != nil {
		t.Fatalf("Get = %v", err)
	}
	if diff := cmp.Diff([]byte("abc"), got); diff != "" {
		t.Errorf("Get after mutating an earlier result (-want +got):\n%s", diff)
	}
}

func TestCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	m := kvmem.New()

	if err := m.Put(ctx, "k", nil, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Put(canceled) = %v, want %v", err, context.Canceled)
	}
	if _, err := m.Get(ctx, "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get(canceled) = %v, want %v", err, context.Canceled)
	}
	if err := m.Delete(ctx, "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Delete(canceled) = %v, want %v", err, context.Canceled)
	}
}

func TestConcurrentUse(t *testing.T) {
	ctx := t.Context()
	m := kvmem.New()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			key := string(rune('a' + i%2))
			for range 100 {
				if err := m.Put(ctx, key, []byte{byte(i)}, time.Minute); err != nil {
					t.Errorf("Put(%q) = %v", key, err)
					return
				}
				// Another goroutine may have deleted key in between.
				if _, err := m.Get(ctx, key); err != nil && !errors.Is(err, kv.ErrNotFound) {
					t.Errorf("Get(%q) = %v", key, err)
					return
				}
				if err := m.Delete(ctx, key); err != nil {
					t.Errorf("Delete(%q) = %v", key, err)
					return
				}
			}
		})
	}
	wg.Wait()
}
