//go:build js && wasm

package main

import (
	"context"
	"time"

	"github.com/twentyworkers/twenty/shared/cfworker"
)

// afterResponse runs fn once the response is on its way, keeping the request's event alive
// until fn returns.
func afterResponse(ctx context.Context, fn func(ctx context.Context)) { cfworker.WaitUntil(ctx, fn) }

// flushDelay is how long a relay waits before deleting the rows it sent, unless a write batch on
// the shard deleted them first: under load, one delete serves many relays.
const flushDelay = 100 * time.Millisecond
