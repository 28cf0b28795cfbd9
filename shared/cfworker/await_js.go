//go:build js && wasm

package cfworker

import (
	"context"
	"sync"
	"syscall/js"
)

// Await blocks the calling goroutine until promise settles or ctx ends. A rejection is a
// *Rejection holding the reason.
//
// Every wait goes through two functions made once per program, not two js.FuncOf per promise: the
// glue's track(promise, id) settles it through binding.settle(id, ok, value), which wakes the
// goroutine waiting on id. A promise that settles after its context ended finds no one waiting
// and is dropped.
func Await(ctx context.Context, promise js.Value) (js.Value, error) {
	track := awaiting.start()
	ch := make(chan settlement, 1) // buffered: settle never blocks
	awaiting.mu.Lock()
	awaiting.next++
	id := awaiting.next
	awaiting.waiting[id] = ch
	awaiting.mu.Unlock()
	track.Invoke(promise, id)
	select {
	case s := <-ch:
		return s.value, s.err
	case <-ctx.Done():
		awaiting.mu.Lock()
		delete(awaiting.waiting, id)
		awaiting.mu.Unlock()
		return js.Value{}, ctx.Err()
	}
}

// Rejection is the error of a rejected promise.
type Rejection struct {
	// Reason is what the promise was rejected with, usually an Error.
	Reason js.Value
}

// Error is String(reason), as JavaScript prints it ("Error: boom").
func (r *Rejection) Error() string {
	return js.Global().Get("String").Invoke(r.Reason).String()
}

type settlement struct {
	value js.Value
	err   error
}

// awaiting holds the goroutines waiting on promises, by id.
var awaiting = &promiseWaiters{waiting: map[int]chan settlement{}}

type promiseWaiters struct {
	mu      sync.Mutex
	next    int
	waiting map[int]chan settlement
	once    sync.Once
	track   js.Value
}

// start registers binding.settle with the glue, once, and answers the glue's track.
func (p *promiseWaiters) start() js.Value {
	p.once.Do(func() {
		binding := js.Global().Get("context").Get("binding")
		binding.Set("settle", js.FuncOf(func(_ js.Value, args []js.Value) any {
			id := args[0].Int()
			p.mu.Lock()
			ch, ok := p.waiting[id]
			delete(p.waiting, id)
			p.mu.Unlock()
			if !ok {
				return nil
			}
			if args[1].Bool() {
				ch <- settlement{value: args[2]}
			} else {
				ch <- settlement{err: &Rejection{Reason: args[2]}}
			}
			return nil
		}))
		p.track = binding.Get("track")
	})
	return p.track
}
