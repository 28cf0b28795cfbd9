//go:build !(js && wasm)

package main

import "context"

// afterResponse runs fn before the call returns, outside workerd: the native tests see a call's
// events when it has answered.
func afterResponse(ctx context.Context, fn func(ctx context.Context)) { fn(ctx) }

// flushDelay is none outside workerd: the native tests see the relayed rows deleted when a call
// has answered.
const flushDelay = 0
