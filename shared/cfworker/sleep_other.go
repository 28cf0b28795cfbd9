//go:build !(js && wasm)

package cfworker

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends (its error then), on a Go timer. See the workerd version for
// why code that runs in a Worker sleeps with it rather than time.Sleep.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
