package main

import (
	"context"
	"net/http"
)

// The public file routes (/file/, /files/, /file-upload/) stream their bodies past Go: the
// gateway's entry hands them to the files Worker unread (a 1 GB PUT never sits in an isolate).
// Before it does, it asks Go here, with the request's method, URL and headers and no body, so
// that file traffic passes the same rate limits and gets the same request id as the rest of the
// API; entry.mjs forwards the request only on Go's pass (filegate.mjs).

// fileGatePass is the response header by which Go lets a file request through to the files
// Worker. Like every x-twenty- header it is internal: the entry never shows it to a client.
const fileGatePass = "X-Twenty-File-Gate"

// fileGate answers the entry's header-only check of a file request: 204 with fileGatePass when
// the caller's budget allows it, else the rate limiter's 429 in Twenty's envelope. A caller with a
// valid Bearer token is counted against its workspace. A request whose only credential is the
// URL's file token is counted per client address: the token is the files Worker's to verify, and
// charging the workspace an unverified token names would let anyone spend another workspace's
// budget.
func (g *gateway) fileGate() http.Handler {
	pass := g.rateLimit(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set(fileGatePass, "pass")
		w.WriteHeader(http.StatusNoContent)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodPut:
		default:
			notFound(w, r) // the entry sends only these; nothing else is served on these paths
			return
		}
		ctx := r.Context()
		if token, ok := bearer(r); ok {
			if c, err := g.tokens.verify(ctx, token); err == nil {
				ctx = context.WithValue(ctx, principalKey{}, c)
			}
		}
		pass.ServeHTTP(w, r.WithContext(ctx))
	})
}
