//go:build js && wasm

// Package cfr2 is a blob.Store over a Cloudflare R2 bucket binding, built on
// github.com/syumai/workers/cloudflare/r2.
package cfr2

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/syumai/workers/cloudflare/r2"

	"github.com/twentyworkers/twenty/shared/blob"
)

var _ blob.Store = (*Bucket)(nil)

// Bucket is a blob.Store backed by an R2 bucket. The content type is stored
// as the object's httpMetadata.contentType.
//
// Bodies are copied whole into and out of JavaScript (syumai's Put buffers
// the body into an ArrayBuffer; Get reads the ReadableStream to the end), so
// an object costs its size in Go memory plus its size in JavaScript memory
// while in flight; mind the 128 MB isolate limit.
//
// The underlying JavaScript calls cannot be canceled: ctx is checked before
// each call, not during it.
type Bucket struct {
	b *r2.Bucket
}

// Open returns a Bucket for the R2 bucket bound to the Worker as binding (the
// "binding" of an r2_buckets entry in the wrangler config). Call it while the
// Worker's runtime context exists, e.g. in main of a syumai/workers program.
func Open(binding string) (*Bucket, error) {
	b, err := r2.NewBucket(binding)
	if err != nil {
		return nil, fmt.Errorf("cfr2: open binding %q: %w", binding, err)
	}
	return &Bucket{b: b}, nil
}

// Put implements blob.Store.
func (b *Bucket) Put(ctx context.Context, key string, body []byte, contentType string) error {
	if err := blob.ValidateKey(key); err != nil {
		return fmt.Errorf("cfr2: put: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cfr2: put %q: %w", key, err)
	}
	// syumai omits httpMetadata entirely when every field is empty.
	opts := &r2.PutOptions{HTTPMetadata: r2.HTTPMetadata{ContentType: contentType}}
	if _, err := b.b.Put(key, io.NopCloser(bytes.NewReader(body)), opts); err != nil {
		return fmt.Errorf("cfr2: put %q: %w", key, err)
	}
	return nil
}

// Get implements blob.Store.
func (b *Bucket) Get(ctx context.Context, key string) (*blob.Object, error) {
	if err := blob.ValidateKey(key); err != nil {
		return nil, fmt.Errorf("cfr2: get: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cfr2: get %q: %w", key, err)
	}
	obj, err := b.b.Get(key)
	if err != nil {
		return nil, fmt.Errorf("cfr2: get %q: %w", key, err)
	}
	if obj == nil {
		return nil, fmt.Errorf("cfr2: get %q: %w", key, blob.ErrNotFound)
	}
	body := []byte{}
	if obj.Body != nil {
		if body, err = io.ReadAll(obj.Body); err != nil {
			return nil, fmt.Errorf("cfr2: get %q: read body: %w", key, err)
		}
	}
	return &blob.Object{
		Body:        body,
		ContentType: obj.HTTPMetadata.ContentType,
		Size:        int64(obj.Size),
		ETag:        obj.ETag,
	}, nil
}

// Delete implements blob.Store.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	if err := blob.ValidateKey(key); err != nil {
		return fmt.Errorf("cfr2: delete: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cfr2: delete %q: %w", key, err)
	}
	if err := b.b.Delete(key); err != nil {
		return fmt.Errorf("cfr2: delete %q: %w", key, err)
	}
	return nil
}
