//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"syscall/js"

	"github.com/twentyworkers/twenty/shared/cfworker"
)

// ListPrefix implements objects with R2's list({prefix, limit}).
func (o *r2Objects) ListPrefix(ctx context.Context, prefix string, limit int) ([]string, bool, error) {
	opts := js.Global().Get("Object").New()
	opts.Set("prefix", prefix)
	opts.Set("limit", limit)
	res, err := cfworker.Await(ctx, o.js.Call("list", opts))
	if err != nil {
		return nil, false, fmt.Errorf("list %q: %w", prefix, err)
	}
	objs := res.Get("objects")
	keys := make([]string, objs.Length())
	for i := range keys {
		keys[i] = objs.Index(i).Get("key").String()
	}
	return keys, res.Get("truncated").Truthy(), nil
}

// DeleteKeys implements objects with R2's delete(keys), which takes up to 1000 keys.
func (o *r2Objects) DeleteKeys(ctx context.Context, keys []string) error {
	if err := checkDeleteKeys(keys); err != nil {
		return err
	}
	arr := js.Global().Get("Array").New(len(keys))
	for i, k := range keys {
		arr.SetIndex(i, k)
	}
	if _, err := cfworker.Await(ctx, o.js.Call("delete", arr)); err != nil {
		return fmt.Errorf("delete %d keys: %w", len(keys), err)
	}
	return nil
}
