package cfworker

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// bufferedResponse is an http.ResponseWriter that keeps the whole response in memory, so it crosses
// into JavaScript as one Uint8Array instead of a stream (cheaper for the small bodies APIs send).
type bufferedResponse struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func newBufferedResponse() *bufferedResponse {
	return &bufferedResponse{header: http.Header{}, status: http.StatusOK}
}

func (w *bufferedResponse) Header() http.Header { return w.header }

func (w *bufferedResponse) WriteHeader(status int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader, w.status = true, status
}

func (w *bufferedResponse) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

// internalErrorBody is Twenty's envelope for an unexpected failure; it reveals nothing.
const internalErrorBody = `{"statusCode":500,"error":"InternalServerErrorException","messages":["Internal server error"]}`

// serveRecovered runs h and turns a panic into a 500 in Twenty's envelope, so one bad request never
// takes down the instance that serves every other request of the isolate.
func serveRecovered(ctx context.Context, h http.Handler, r *http.Request) (resp *bufferedResponse) {
	resp = newBufferedResponse()
	defer func() {
		if v := recover(); v != nil {
			slog.ErrorContext(ctx, "handler panicked",
				"panic", fmt.Sprint(v), "method", r.Method, "path", r.URL.Path, "stack", string(debug.Stack()))
			resp = newBufferedResponse()
			resp.header.Set("Content-Type", "application/json; charset=utf-8")
			resp.WriteHeader(http.StatusInternalServerError)
			resp.body.WriteString(internalErrorBody)
		}
	}()
	h.ServeHTTP(resp, r)
	return resp
}

// handleBatch runs the queue handler and retries whatever it left undecided, even when it panics.
func handleBatch(ctx context.Context, handle func(context.Context, *Batch), b *Batch) {
	defer func() {
		if v := recover(); v != nil {
			slog.ErrorContext(ctx, "queue handler panicked", "queue", b.Queue, "panic", fmt.Sprint(v))
		}
		b.retryUndecided()
	}()
	handle(ctx, b)
}

// runScheduled runs the cron handler, turning a panic into an error.
func runScheduled(ctx context.Context, run func(context.Context, ScheduledEvent) error, e ScheduledEvent) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("scheduled handler panicked: %v", v)
		}
	}()
	return run(ctx, e)
}
