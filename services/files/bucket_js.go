//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"syscall/js"
	"time"

	"github.com/syumai/workers/cloudflare/r2"

	"github.com/twentyworkers/twenty/shared/blob"
	"github.com/twentyworkers/twenty/shared/blob/cfr2"
	"github.com/twentyworkers/twenty/shared/cfworker"
)

// r2Objects is objects over the R2 binding: Put and Delete through cfr2, Stat through R2's head
// (which reads no body).
type r2Objects struct {
	*cfr2.Bucket
	raw *r2.Bucket
	js  js.Value // the binding itself, for list's cursor (syumai's List takes no options)
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
	return &r2Objects{Bucket: b, raw: raw, js: js.Global().Get("context").Get("env").Get(binding)}, nil
}

// List implements objects with R2's list({cursor, limit}).
func (o *r2Objects) List(ctx context.Context, cursor string, limit int) (objectPage, error) {
	opts := js.Global().Get("Object").New()
	opts.Set("limit", limit)
	if cursor != "" {
		opts.Set("cursor", cursor)
	}
	res, err := cfworker.Await(ctx, o.js.Call("list", opts))
	if err != nil {
		return objectPage{}, fmt.Errorf("list: %w", err)
	}
	objs := res.Get("objects")
	page := objectPage{Objects: make([]listedObject, 0, objs.Length())}
	for i := range objs.Length() {
		ob := objs.Index(i)
		page.Objects = append(page.Objects, listedObject{
			Key:      ob.Get("key").String(),
			Uploaded: time.UnixMilli(int64(ob.Get("uploaded").Call("getTime").Float())),
		})
	}
	if res.Get("truncated").Truthy() {
		page.Cursor = res.Get("cursor").String()
	}
	return page, nil
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
