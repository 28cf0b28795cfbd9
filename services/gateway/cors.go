package main

import (
	"net/http"
	"strings"
)

// corsPolicy is the gateway's CORS configuration. Twenty enables CORS for every origin; an
// installation may restrict it with CORS_ALLOWED_ORIGINS (comma-separated origins, or "*").
type corsPolicy struct {
	any     bool
	origins map[string]bool
}

func parseCORS(value string) corsPolicy {
	p := corsPolicy{origins: map[string]bool{}}
	for _, o := range strings.Split(value, ",") {
		switch o = strings.TrimSpace(o); o {
		case "":
		case "*":
			p.any = true
		default:
			p.origins[strings.TrimRight(o, "/")] = true
		}
	}
	return p
}

const corsMethods = "GET,HEAD,PUT,PATCH,POST,DELETE"

// middleware adds CORS headers for allowed origins and answers preflight requests with 204.
func (p corsPolicy) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		allowed := origin != "" && (p.any || p.origins[origin])
		h := w.Header()
		if allowed {
			if p.any {
				h.Set("Access-Control-Allow-Origin", "*")
			} else {
				h.Set("Access-Control-Allow-Origin", origin)
				h.Add("Vary", "Origin")
			}
			h.Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After")
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if allowed {
				h.Set("Access-Control-Allow-Methods", corsMethods)
				if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
					h.Set("Access-Control-Allow-Headers", req)
					h.Add("Vary", "Access-Control-Request-Headers")
				}
				h.Set("Access-Control-Max-Age", "86400")
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
