package main

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"
)

// limiter answers whether one more request under key is allowed now (on workerd: Cloudflare's
// Rate Limiting binding, whose limit and period are set in wrangler.jsonc).
type limiter interface {
	Allow(ctx context.Context, key string) (bool, error)
}

// rateLimits throttle the APIs per workspace for signed-in callers and per client address for
// anonymous ones. retryAfter is the limiters' period, sent as Retry-After.
type rateLimits struct {
	workspace, anonymous limiter
	retryAfter           time.Duration
}

// clientAddress is the caller's IP: Cloudflare's CF-Connecting-IP, else the connection's address.
func clientAddress(r *http.Request) string {
	if ip := r.Header.Get("CF-Connecting-IP"); ip != "" {
		return ip
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// rateLimit answers 429 with Retry-After in Twenty's envelope once the caller's budget is spent.
// It runs after authentication, so a signed-in caller is counted against its workspace.
//
// A read (GET, HEAD) runs while the limiter decides, into a buffer that is sent only if the
// request is allowed: the limiter's round trip (about 3 ms on the local stack) then overlaps the
// request's own work instead of preceding it. A read changes nothing, so running it for a caller
// who turns out to be over budget costs only the work. Other methods wait for the verdict.
func (g *gateway) rateLimit(next http.Handler) http.Handler {
	if g.limits.workspace == nil || g.limits.anonymous == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l, key := g.limits.anonymous, "ip:"+clientAddress(r)
		if c := principalFrom(r.Context()); c != nil && c.WorkspaceID != "" {
			l, key = g.limits.workspace, "ws:"+c.WorkspaceID
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if g.allowed(w, r, l, key) {
				next.ServeHTTP(w, r)
			}
			return
		}
		verdict := make(chan bool, 1)
		go func() { verdict <- g.allowed(w, r, l, key) }()
		buf := &bufferedResponse{header: http.Header{}}
		next.ServeHTTP(buf, r)
		if <-verdict {
			buf.sendTo(w)
		}
	})
}

// allowed asks the limiter, answering the 429 when the caller is over budget. The limiter is a
// guard, not a dependency: when it fails, the request is served and the failure logged.
func (g *gateway) allowed(w http.ResponseWriter, r *http.Request, l limiter, key string) bool {
	ok, err := l.Allow(r.Context(), key)
	if err != nil {
		slog.ErrorContext(r.Context(), "rate limiter failed", "error", err.Error())
		return true
	}
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(g.limits.retryAfter/time.Second)))
		writeError(w, http.StatusTooManyRequests, "ThrottlerException", "ThrottlerException: Too Many Requests")
	}
	return ok
}

// bufferedResponse holds a response until it is known to be sent.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}

// sendTo writes the held response to w.
func (b *bufferedResponse) sendTo(w http.ResponseWriter) {
	for k, vs := range b.header {
		w.Header()[k] = vs
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	w.Write(b.body.Bytes())
}
