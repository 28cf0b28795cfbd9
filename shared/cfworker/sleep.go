package cfworker

import (
	"context"
	"sync/atomic"
	"time"
)

// background counts the functions handed to WaitUntil that have not returned yet, for
// /__dev/instance: a task that never returns (one waiting on I/O that its event no longer owns)
// shows as a count that only grows.
var background atomic.Int64

// Background reports how many WaitUntil functions are still running.
func Background() int64 { return background.Load() }

// sleepTimer waits d or until ctx ends, on a Go timer: the native Sleep.
func sleepTimer(ctx context.Context, d time.Duration) error {
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
