// Package logging writes structured JSON logs, one object per line, each carrying the service name
// and the request id of the request it belongs to. Logs never carry credentials: the access log
// records the path without its query string, and no header.
package logging

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/twentyworkers/twenty/shared/requestid"
)

// New returns a JSON logger for service writing to w, dropping records below level.
func New(service string, w io.Writer, level slog.Leveler) *slog.Logger {
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})
	return slog.New(requestIDHandler{h}).With("service", service)
}

// Setup makes New(service, w, ParseLevel(level)) the default logger, so slog.InfoContext(ctx, ...)
// anywhere logs JSON with the request id. level is a Worker's LOG_LEVEL var.
func Setup(service string, w io.Writer, level string) {
	slog.SetDefault(New(service, w, ParseLevel(level)))
}

// ParseLevel reads "debug", "info", "warn" or "error" (any case); anything else is info.
func ParseLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}

// SlowRequest is the duration from which a request is logged as a warning.
const SlowRequest = time.Second

// requestIDHandler adds the request id found in the record's context.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := requestid.FromContext(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// AccessLog logs one line per request after it is served: method, path (no query: it may hold a
// token), status, bytes and duration. Put it inside requestid.Middleware.
//
// Workers already records every invocation (method, URL, status, time), and a log line per request
// costs about a millisecond locally, so the line is at debug level (LOG_LEVEL=debug shows it),
// except for server errors (error) and slow requests (warn).
func AccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		elapsed := time.Since(start)
		level := slog.LevelDebug
		switch {
		case rec.status >= 500:
			level = slog.LevelError
		case elapsed >= SlowRequest:
			level = slog.LevelWarn
		}
		slog.Log(r.Context(), level, "request",
			"method", r.Method,
			"path", r.URL.Path,
			"status", rec.status,
			"bytes", rec.bytes,
			"duration_ms", float64(elapsed.Microseconds())/1000)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status      int
	bytes       int
	wroteHeader bool
}

func (r *statusRecorder) WriteHeader(status int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	r.wroteHeader = true
	n, err := r.ResponseWriter.Write(p)
	r.bytes += n
	return n, err
}
