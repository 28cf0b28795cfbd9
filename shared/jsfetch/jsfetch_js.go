//go:build js && wasm

package jsfetch

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"syscall/js"

	"github.com/twentyworkers/twenty/shared/cfworker"
)

var uint8ArrayClass = js.Global().Get("Uint8Array")

// fetchFor answers the glue's fetch helper (shared/js/glue.mjs), set before the program starts.
var fetchFor = sync.OnceValue(func() js.Value {
	return js.Global().Get("context").Get("binding").Get("fetchFor")
})

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

// RoundTrip implements http.RoundTripper. The glue's fetchFor runs the fetch and reads the
// response body, with the headers packed both ways (shared/cfworker.PackHeader): one promise to
// wait on and five values to cross, whatever the number of headers.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	body := js.Null()
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("jsfetch: read request body: %w", err)
		}
		if len(b) > 0 {
			body = uint8ArrayClass.New(len(b))
			js.CopyBytesToJS(body, b)
		}
	}
	res, err := cfworker.Await(req.Context(), fetchFor().Invoke(t.Fetcher, req.URL.String(), req.Method, cfworker.PackHeader(req.Header), body))
	if err != nil {
		return nil, fmt.Errorf("jsfetch: %s %s: %w", req.Method, req.URL.Path, err)
	}
	status := res.Index(0).Int()
	resBody := res.Index(2)
	b := make([]byte, resBody.Get("byteLength").Int())
	js.CopyBytesToGo(b, resBody)
	out := &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{},
		Body:          io.NopCloser(bytes.NewReader(b)),
		ContentLength: int64(len(b)),
		Request:       req,
	}
	cfworker.UnpackHeader(res.Index(1).String(), out.Header)
	return out, nil
}
