package main

import (
	"net/http"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// isUnavailable reports whether err is a dependency down for now (a Worker, KV, D1 or another
// binding that did not answer), which a retry may get past: it answers 503 with Retry-After.
func isUnavailable(err error) bool {
	switch connect.CodeOf(err) {
	case connect.CodeUnavailable, connect.CodeDeadlineExceeded:
		return true
	}
	return false
}

// writeUnavailableGraphQL answers a GraphQL request that a dependency down for now stopped.
func writeUnavailableGraphQL(w http.ResponseWriter) {
	w.Header().Set("Retry-After", graphql.RetryAfter)
	graphql.WriteResponse(w, http.StatusServiceUnavailable, &graphql.Response{Errors: []*graphql.Error{graphql.UnavailableError()}})
}
