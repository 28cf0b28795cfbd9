package rpc

import (
	"net/http"

	"github.com/twentyworkers/twenty/shared/logging"
	"github.com/twentyworkers/twenty/shared/requestid"
)

// DevHeader marks a request that a gateway started with DEV_ROUTES forwarded to a secondary
// Worker's /__dev/ routes. Secondary Workers have no public route, so nothing else can set it.
const DevHeader = "X-Twenty-Dev"

// ServiceMux returns the mux of a secondary Worker: register its Connect handlers on it. dev (may
// be nil) serves /__dev/ routes, and only for requests carrying DevHeader; everything unknown is a
// plain 404.
func ServiceMux(dev http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	if dev != nil {
		mux.Handle("/__dev/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get(DevHeader) != "1" {
				http.NotFound(w, r)
				return
			}
			dev.ServeHTTP(w, r)
		}))
	}
	return mux
}

// Middleware wraps a secondary Worker's handler: request id adopted from the caller, access logs.
func Middleware(h http.Handler) http.Handler {
	return requestid.Middleware(logging.AccessLog(h))
}
