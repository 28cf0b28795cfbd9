//go:build js && wasm

package cfworker

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"syscall/js"
	"time"
)

var (
	objectClass     = js.Global().Get("Object")
	promiseClass    = js.Global().Get("Promise")
	uint8ArrayClass = js.Global().Get("Uint8Array")
	errorClass      = js.Global().Get("Error")
)

// Serve registers h with the JavaScript glue and blocks forever. The glue (shared/js/glue.mjs) calls
// binding.fetch / binding.queue / binding.scheduled for every event, each with its own
// ExecutionContext and a resolve/reject pair; Serve answers each event on its own goroutine.
func Serve(h Handlers) {
	binding := js.Global().Get("context").Get("binding")
	if h.Fetch != nil {
		binding.Set("fetch", js.FuncOf(func(_ js.Value, args []js.Value) any {
			go serveFetch(h.Fetch, args)
			return nil
		}))
	}
	if h.Queue != nil {
		binding.Set("queue", js.FuncOf(func(_ js.Value, args []js.Value) any {
			go serveQueue(h.Queue, args)
			return nil
		}))
	}
	if h.Scheduled != nil {
		binding.Set("scheduled", js.FuncOf(func(_ js.Value, args []js.Value) any {
			go serveScheduled(h.Scheduled, args)
			return nil
		}))
	}
	binding.Call("ready")
	select {}
}

// serveFetch handles binding.fetch(method, url, headers, body, ctx, resolve, reject), where headers
// is an array of [name, value] pairs and body a Uint8Array or null. It resolves with
// {status, headers, body}.
func serveFetch(h http.Handler, args []js.Value) {
	countEvent()
	resolve, reject := args[5], args[6]
	ctx := withWaiter(context.Background(), waiterFor(args[4]))
	req, err := http.NewRequestWithContext(ctx, args[0].String(), args[1].String(), bytes.NewReader(copyBytes(args[3])))
	if err != nil {
		reject.Invoke(errorClass.New(fmt.Sprintf("cfworker: bad request: %v", err)))
		return
	}
	jsHeaders := args[2]
	for i, n := 0, jsHeaders.Length(); i < n; i++ {
		pair := jsHeaders.Index(i)
		req.Header.Add(pair.Index(0).String(), pair.Index(1).String())
	}
	req.Host = req.URL.Host
	req.RequestURI = req.URL.RequestURI()
	if cl := req.Header.Get("Content-Length"); cl != "" {
		fmt.Sscan(cl, &req.ContentLength)
	}
	resp := serveRecovered(ctx, h, req)
	resolve.Invoke(toJSResponse(resp))
}

func toJSResponse(resp *bufferedResponse) js.Value {
	headers := make([]any, 0, len(resp.header))
	for name, values := range resp.header {
		for _, v := range values {
			headers = append(headers, []any{name, v})
		}
	}
	out := objectClass.New()
	out.Set("status", resp.status)
	out.Set("headers", js.ValueOf(headers))
	if resp.body.Len() > 0 {
		body := uint8ArrayClass.New(resp.body.Len())
		js.CopyBytesToJS(body, resp.body.Bytes())
		out.Set("body", body)
	} else {
		out.Set("body", js.Null())
	}
	return out
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
