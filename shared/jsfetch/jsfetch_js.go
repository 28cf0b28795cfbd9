//go:build js && wasm

package jsfetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"syscall/js"
)

var (
	objectClass     = js.Global().Get("Object")
	uint8ArrayClass = js.Global().Get("Uint8Array")
)

// Transport is an http.RoundTripper over a JavaScript fetcher (anything with fetch(url, init)).
type Transport struct {
	Fetcher js.Value
}

// Binding returns an HTTP client over the service binding or Durable Object namespace stub named
// name in the Worker's env. Requests may use any host: the binding decides where they go.
func Binding(name string) (*http.Client, error) {
	v := js.Global().Get("context").Get("env").Get(name)
	if v.IsUndefined() || v.IsNull() {
		return nil, fmt.Errorf("jsfetch: no binding %q in env", name)
	}
	return &http.Client{Transport: &Transport{Fetcher: v}}, nil
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	init := objectClass.New()
	init.Set("method", req.Method)
	init.Set("redirect", "manual")
	headers := make([]any, 0, len(req.Header))
	for name, values := range req.Header {
		for _, v := range values {
			headers = append(headers, []any{name, v})
		}
	}
	init.Set("headers", js.ValueOf(headers))
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("jsfetch: read request body: %w", err)
		}
		if len(body) > 0 {
			u8 := uint8ArrayClass.New(len(body))
			js.CopyBytesToJS(u8, body)
			init.Set("body", u8)
		}
	}
	res, err := Await(req.Context(), t.Fetcher.Call("fetch", req.URL.String(), init))
	if err != nil {
		return nil, fmt.Errorf("jsfetch: %s %s: %w", req.Method, req.URL.Path, err)
	}
	buf, err := Await(req.Context(), res.Call("arrayBuffer"))
	if err != nil {
		return nil, fmt.Errorf("jsfetch: read response body: %w", err)
	}
	body := make([]byte, buf.Get("byteLength").Int())
	js.CopyBytesToGo(body, uint8ArrayClass.New(buf))

	status := res.Get("status").Int()
	out := &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
	entries := js.Global().Get("Array").Call("from", res.Get("headers").Call("entries"))
	for i, n := 0, entries.Length(); i < n; i++ {
		pair := entries.Index(i)
		out.Header.Add(pair.Index(0).String(), pair.Index(1).String())
	}
	return out, nil
}

// Await blocks the calling goroutine until promise settles or ctx ends.
func Await(ctx context.Context, promise js.Value) (js.Value, error) {
	type settled struct {
		v   js.Value
		err error
	}
	ch := make(chan settled, 1)
	var onOK, onErr js.Func
	// The callbacks release themselves once the promise settles, which may be after the context
	// ended: a released function that JS still calls would crash the instance.
	release := func() { onOK.Release(); onErr.Release() }
	onOK = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- settled{v: args[0]}
		release()
		return nil
	})
	onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- settled{err: errors.New(args[0].Call("toString").String())}
		release()
		return nil
	})
	promise.Call("then", onOK, onErr)
	select {
	case s := <-ch:
		return s.v, s.err
	case <-ctx.Done():
		return js.Value{}, ctx.Err()
	}
}
