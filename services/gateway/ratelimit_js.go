//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"syscall/js"

	"github.com/twentyworkers/twenty/shared/cfworker"
)

// cfLimiter is a Cloudflare Rate Limiting binding.
type cfLimiter struct{ binding js.Value }

func openLimiter(name string) (*cfLimiter, error) {
	b := js.Global().Get("context").Get("env").Get(name)
	if b.IsUndefined() {
		return nil, fmt.Errorf("no rate limiting binding %q", name)
	}
	return &cfLimiter{binding: b}, nil
}

// Allow implements limiter.
func (l *cfLimiter) Allow(ctx context.Context, key string) (bool, error) {
	opts := js.Global().Get("Object").New()
	opts.Set("key", key)
	res, err := cfworker.Await(ctx, l.binding.Call("limit", opts))
	if err != nil {
		return false, fmt.Errorf("rate limit: %w", err)
	}
	return res.Get("success").Truthy(), nil
}
