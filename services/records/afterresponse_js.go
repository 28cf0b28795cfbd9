//go:build js && wasm

package main

import (
	"context"

	"github.com/twentyworkers/twenty/shared/cfworker"
)

// afterResponse runs fn once the response is on its way, keeping the request's event alive
// until fn returns.
func afterResponse(ctx context.Context, fn func(ctx context.Context)) { cfworker.WaitUntil(ctx, fn) }
