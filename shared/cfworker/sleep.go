package cfworker

import "sync/atomic"

// background counts the functions handed to WaitUntil that have not returned yet, for
// /__dev/instance: a task that never returns (one waiting on I/O that its event no longer owns)
// shows as a count that only grows.
var background atomic.Int64

// Background reports how many WaitUntil functions are still running.
func Background() int64 { return background.Load() }
