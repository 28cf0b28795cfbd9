package main

import (
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
func (g *gateway) rateLimit(next http.Handler) http.Handler {
	if g.limits.workspace == nil || g.limits.anonymous == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l, key := g.limits.anonymous, "ip:"+clientAddress(r)
		if c := principalFrom(r.Context()); c != nil && c.WorkspaceID != "" {
			l, key = g.limits.workspace, "ws:"+c.WorkspaceID
		}
		ok, err := l.Allow(r.Context(), key)
		if err != nil {
			// The limiter is a guard, not a dependency: when it fails, serve and log.
			slog.ErrorContext(r.Context(), "rate limiter failed", "error", err.Error())
		} else if !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(g.limits.retryAfter/time.Second)))
			writeError(w, http.StatusTooManyRequests, "ThrottlerException", "ThrottlerException: Too Many Requests")
			return
		}
		next.ServeHTTP(w, r)
	})
}
