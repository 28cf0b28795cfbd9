//go:build js && wasm

package cfworker

import (
	"context"
	"sync"
	"syscall/js"
	"time"
)

// sleepFunc is the glue's binding.sleep(ms): a promise that resolves after ms.
var sleepFunc = sync.OnceValue(func() js.Value { return js.Global().Get("context").Get("binding").Get("sleep") })

// Sleep waits d, or until ctx ends (its error then), on a timer of the event the calling
// goroutine runs for.
//
// time.Sleep is not that in workerd. Go's runtime keeps one JavaScript timer for all its
// goroutines, set from whichever event last ran Go; when that event ends first, workerd drops the
// timer, and the sleeper wakes only when the next event enters Go, inside that event. Whatever
// I/O it then starts belongs to that other event, and once that event has answered, the I/O never
// settles: a waitUntil task that slept (the records relay before deleting the rows it sent) hung
// for good, one in thirty writes. Here the timer is a promise made now, in the sleeper's own
// event, and the goroutine wakes in that event, as after any other await.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	_, err := Await(ctx, sleepFunc().Invoke(d.Milliseconds()))
	return err
}
