//go:build js && wasm

package main

import (
	"context"
	"fmt"

	"github.com/syumai/workers/cloudflare/r2"

	"github.com/twentyworkers/twenty/shared/blob"
	"github.com/twentyworkers/twenty/shared/blob/cfr2"
)

// r2Objects is objects over the R2 binding: Put and Delete through cfr2, Stat through R2's head
// (which reads no body).
type r2Objects struct {
	*cfr2.Bucket
	raw *r2.Bucket
}

func openObjects(binding string) (*r2Objects, error) {
	b, err := cfr2.Open(binding)
	if err != nil {
		return nil, err
	}
	raw, err := r2.NewBucket(binding)
	if err != nil {
		return nil, fmt.Errorf("r2 binding %q: %w", binding, err)
	}
	return &r2Objects{Bucket: b, raw: raw}, nil
}

// Stat implements objects.
func (o *r2Objects) Stat(ctx context.Context, key string) (objectInfo, error) {
	if err := blob.ValidateKey(key); err != nil {
		return objectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return objectInfo{}, err
	}
	obj, err := o.raw.Head(key)
	if err != nil {
		return objectInfo{}, fmt.Errorf("head %q: %w", key, err)
	}
	if obj == nil {
		return objectInfo{}, fmt.Errorf("head %q: %w", key, blob.ErrNotFound)
	}
	return objectInfo{Size: int64(obj.Size), ETag: obj.ETag}, nil
}
