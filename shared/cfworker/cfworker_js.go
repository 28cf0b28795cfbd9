//go:build js && wasm

package cfworker

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"syscall/js"
	"time"
)

var (
	promiseClass    = js.Global().Get("Promise")
	uint8ArrayClass = js.Global().Get("Uint8Array")
	errorClass      = js.Global().Get("Error")
)

// Serve registers h with the JavaScript glue and blocks forever. The glue (shared/js/glue.mjs) calls
// binding.fetch / binding.queue / binding.scheduled for every event, each with its own
// ExecutionContext and a resolve/reject pair; Serve answers each event on its own goroutine.
func Serve(h Handlers) {
	binding := js.Global().Get("context").Get("binding")
	events := newEventPool()
	if h.Fetch != nil {
		binding.Set("fetch", js.FuncOf(func(_ js.Value, args []js.Value) any {
			events.run(func() { serveFetch(h.Fetch, args) })
			return nil
		}))
	}
	if h.Queue != nil {
		binding.Set("queue", js.FuncOf(func(_ js.Value, args []js.Value) any {
			events.run(func() { serveQueue(h.Queue, args) })
			return nil
		}))
	}
	if h.Scheduled != nil {
		binding.Set("scheduled", js.FuncOf(func(_ js.Value, args []js.Value) any {
			events.run(func() { serveScheduled(h.Scheduled, args) })
			return nil
		}))
	}
	binding.Call("ready")
	select {}
}

// countEvent records one served event (see Instance).
func countEvent() { instance.served.Add(1) }

// serveFetch handles binding.fetch(method, url, headers, body, ctx, resolve, reject), where headers
// are packed (PackHeader) and body is a Uint8Array or null. It resolves with (status, packed
// headers, body or null).
func serveFetch(h http.Handler, args []js.Value) {
	countEvent()
	resolve, reject := args[5], args[6]
	ctx := withWaiter(context.Background(), waiterFor(args[4]))
	req, err := http.NewRequestWithContext(ctx, args[0].String(), args[1].String(), bytes.NewReader(copyBytes(args[3])))
	if err != nil {
		reject.Invoke(errorClass.New(fmt.Sprintf("cfworker: bad request: %v", err)))
		return
	}
	UnpackHeader(args[2].String(), req.Header)
	req.Host = req.URL.Host
	req.RequestURI = req.URL.RequestURI()
	if cl, err := strconv.ParseInt(req.Header.Get("Content-Length"), 10, 64); err == nil {
		req.ContentLength = cl
	}
	resp := serveRecovered(ctx, h, req)
	body := js.Null()
	if resp.body.Len() > 0 {
		body = uint8ArrayClass.New(resp.body.Len())
		js.CopyBytesToJS(body, resp.body.Bytes())
	}
	resolve.Invoke(resp.status, PackHeader(resp.header), body)
}

// serveQueue handles binding.queue(queueName, messages, ctx, resolve, reject); each message is
// {id, attempts, timestamp (ms), body (Uint8Array), ack(), retry(delaySeconds)}.
func serveQueue(handle func(context.Context, *Batch), args []js.Value) {
	countEvent()
	resolve := args[3]
	ctx := withWaiter(context.Background(), waiterFor(args[2]))
	jsMessages := args[1]
	b := &Batch{Queue: args[0].String(), Messages: make([]*Message, jsMessages.Length())}
	for i := range b.Messages {
		m := jsMessages.Index(i)
		b.Messages[i] = NewMessage(m.Get("id").String(), m.Get("attempts").Int(),
			time.UnixMilli(int64(m.Get("timestamp").Float())), copyBytes(m.Get("body")),
			func() { m.Call("ack") },
			func(d time.Duration) { m.Call("retry", int(d/time.Second)) })
	}
	handleBatch(ctx, handle, b)
	resolve.Invoke()
}

// serveScheduled handles binding.scheduled(cron, scheduledTimeMs, ctx, resolve, reject).
func serveScheduled(run func(context.Context, ScheduledEvent) error, args []js.Value) {
	countEvent()
	resolve, reject := args[3], args[4]
	ctx := withWaiter(context.Background(), waiterFor(args[2]))
	e := ScheduledEvent{Cron: args[0].String(), Time: time.UnixMilli(int64(args[1].Float()))}
	if err := runScheduled(ctx, run, e); err != nil {
		reject.Invoke(errorClass.New(err.Error()))
		return
	}
	resolve.Invoke()
}

// waiterFor returns a waitUntil bound to one event's ExecutionContext: the event stays alive until
// each function handed to it returns.
func waiterFor(execCtx js.Value) func(func()) {
	return func(fn func()) {
		var done js.Value
		executor := js.FuncOf(func(_ js.Value, args []js.Value) any {
			done = args[0]
			return nil
		})
		promise := promiseClass.New(executor)
		executor.Release()
		execCtx.Call("waitUntil", promise)
		go func() {
			defer done.Invoke()
			fn()
		}()
	}
}

// copyBytes copies a Uint8Array into Go; null or undefined gives nil.
func copyBytes(v js.Value) []byte {
	if v.IsNull() || v.IsUndefined() {
		return nil
	}
	b := make([]byte, v.Get("byteLength").Int())
	js.CopyBytesToGo(b, v)
	return b
}

// Var returns the string variable name from the Worker's env (wrangler "vars" or --var), or "".
func Var(name string) string {
	v := js.Global().Get("context").Get("env").Get(name)
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}
