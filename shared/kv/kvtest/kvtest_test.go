package kvtest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twentyworkers/twenty/shared/conformance"
	"github.com/twentyworkers/twenty/shared/kv"
	"github.com/twentyworkers/twenty/shared/kv/kvmem"
	"github.com/twentyworkers/twenty/shared/kv/kvtest"
)

// stringly stores values as Go strings forced to valid UTF-8, the way a
// careless text round trip through JavaScript would.
type stringly struct{ kv.Store }

func (s stringly) Put(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	return s.Store.Put(ctx, key, []byte(strings.ToValidUTF8(string(value), "\uFFFD")), ttl)
}

// silentMiss reports a missing key as an empty value instead of ErrNotFound.
type silentMiss struct{ kv.Store }

func (s silentMiss) Get(ctx context.Context, key string) ([]byte, error) {
	v, err := s.Store.Get(ctx, key)
	if err != nil && strings.HasSuffix(key, "missing") {
		return []byte{}, nil
	}
	return v, err
}

// TestChecksCatchBrokenStores makes sure the suite fails the checks it should.
func TestChecksCatchBrokenStores(t *testing.T) {
	tests := []struct {
		name      string
		store     kv.Store
		wantFails []string
	}{
		{name: "lossy text values", store: stringly{kvmem.New()}, wantFails: []string{"binary round trip"}},
		{name: "missing key is empty", store: silentMiss{kvmem.New()}, wantFails: []string{"get missing key"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			failed := map[string]bool{}
			for _, r := range conformance.Run(t.Context(), "kv", kvtest.Checks(tc.store, "p/")) {
				failed[r.Check] = !r.Passed
			}
			for _, name := range tc.wantFails {
				if !failed[name] {
					t.Errorf("check %q passed, want it to fail", name)
				}
			}
		})
	}
}
