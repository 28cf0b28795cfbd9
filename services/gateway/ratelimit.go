package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/twentyworkers/twenty/shared/cfworker"
)

// limiter answers whether one more request under key is allowed now (on workerd: Cloudflare's
// Rate Limiting binding, whose limit and period are set in wrangler.jsonc).
type limiter interface {
	Allow(ctx context.Context, key string) (bool, error)
}

// rateLimits throttle the APIs per workspace for signed-in callers and per client address for
// anonymous ones. retryAfter is the limiters' period, sent as Retry-After.
//
// A caller within its budget does not wait for the limiter: its request is served at once and
// counted after the response (background). Only a key whose last count came back over the limit
// (spent) waits for the limiter before it is served, and gets 429 until the window has room again.
// So no request within budget pays the limiter's round trip, and an isolate lets through, beyond
// the limit, only the requests it served while the crossing count was on its way: one for a
// caller that waits for each answer. Cloudflare's binding is itself permissive (its counts are
// eventually consistent), and Twenty's limit (100 a minute) is a guard against floods, not an
// account.
type rateLimits struct {
	workspace, anonymous limiter
	retryAfter           time.Duration
	// background runs the count of a request served at once (cfworker.WaitUntil: after the
	// response, within the request's event); tests run it in line.
	background func(ctx context.Context, fn func(ctx context.Context))
	spent      *spentKeys
}

// spentKeys are the keys whose last count was over the limit: their next request waits for the
// limiter. It is bounded: past maxSpentKeys it starts afresh (a forgotten key is counted after
// its next request again, and spent once more).
type spentKeys struct {
	mu   sync.Mutex
	keys map[string]struct{}
}

const maxSpentKeys = 10000

func (s *spentKeys) has(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.keys[key]
	return ok
}

func (s *spentKeys) set(key string, spent bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !spent:
		delete(s.keys, key)
	case s.keys == nil || len(s.keys) >= maxSpentKeys:
		s.keys = map[string]struct{}{key: {}}
	default:
		s.keys[key] = struct{}{}
	}
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
	rl := g.limits
	if rl.workspace == nil || rl.anonymous == nil {
		return next
	}
	if rl.background == nil {
		rl.background = cfworker.WaitUntil
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l, key := rl.anonymous, "ip:"+clientAddress(r)
		if c := principalFrom(r.Context()); c != nil && c.WorkspaceID != "" {
			l, key = rl.workspace, "ws:"+c.WorkspaceID
		}
		if !rl.spent.has(key) {
			next.ServeHTTP(w, r)
			rl.background(r.Context(), func(ctx context.Context) {
				if ok, err := l.Allow(ctx, key); err != nil {
					slog.ErrorContext(ctx, "rate limiter failed", "error", err.Error())
				} else if !ok {
					rl.spent.set(key, true)
				}
			})
			return
		}
		ok, err := l.Allow(r.Context(), key)
		switch {
		case err != nil:
			// The limiter is a guard, not a dependency: when it fails, serve and log.
			slog.ErrorContext(r.Context(), "rate limiter failed", "error", err.Error())
		case !ok:
			w.Header().Set("Retry-After", strconv.Itoa(int(rl.retryAfter/time.Second)))
			writeError(w, http.StatusTooManyRequests, "ThrottlerException", "ThrottlerException: Too Many Requests")
			return
		default:
			rl.spent.set(key, false)
		}
		next.ServeHTTP(w, r)
	})
}
