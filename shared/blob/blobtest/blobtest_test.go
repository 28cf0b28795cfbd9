package blobtest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/twentyworkers/twenty/shared/blob"
	"github.com/twentyworkers/twenty/shared/blob/blobmem"
	"github.com/twentyworkers/twenty/shared/blob/blobtest"
	"github.com/twentyworkers/twenty/shared/conformance"
)

// truncating keeps only the first 64 KiB of a body, like a reader that stops
// after one stream chunk.
type truncating struct{ blob.Store }

func (s truncating) Put(ctx context.Context, key string, body []byte, contentType string) error {
	return s.Store.Put(ctx, key, body[:min(len(body), 64<<10)], contentType)
}

// typeless drops the content type, like a put that forgets httpMetadata.
type typeless struct{ blob.Store }

func (s typeless) Put(ctx context.Context, key string, body []byte, _ string) error {
	return s.Store.Put(ctx, key, body, "")
}

// lossy forces bodies through a UTF-8 text conversion.
type lossy struct{ blob.Store }

func (s lossy) Put(ctx context.Context, key string, body []byte, contentType string) error {
	return s.Store.Put(ctx, key, []byte(strings.ToValidUTF8(string(body), "?")), contentType)
}

// TestChecksCatchBrokenStores makes sure the suite fails the checks it should.
func TestChecksCatchBrokenStores(t *testing.T) {
	tests := []struct {
		name      string
		store     blob.Store
		wantFails []string
	}{
		{name: "truncated bodies", store: truncating{blobmem.New()}, wantFails: []string{"large binary round trip", "size reported"}},
		{name: "content type dropped", store: typeless{blobmem.New()}, wantFails: []string{"content type kept", "overwrite"}},
		{name: "text bodies", store: lossy{blobmem.New()}, wantFails: []string{"large binary round trip"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			failed := map[string]bool{}
			for _, r := range conformance.Run(t.Context(), "blob", blobtest.Checks(tc.store, "p/")) {
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
