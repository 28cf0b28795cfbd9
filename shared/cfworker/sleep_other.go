//go:build !(js && wasm)

package cfworker

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends (its error then). See the workerd version for why code that
// runs in a Worker sleeps with it rather than time.Sleep.
func Sleep(ctx context.Context, d time.Duration) error { return sleepTimer(ctx, d) }
