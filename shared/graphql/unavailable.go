package graphql

import (
	"connectrpc.com/connect"
)

// RetryAfter is the Retry-After (seconds) of an answer that a dependency being down for now
// spoiled: a D1 database, KV namespace, bucket, queue or Worker that did not answer.
const RetryAfter = "5"

// errUnavailable is what the client sees of a resolver whose dependency is down for now: a
// Connect Unavailable or DeadlineExceeded error, as another Worker or a failing binding returns.
var errUnavailable = NewError(CodeUnavailable, "Service temporarily unavailable, please retry")

// UnavailableError answers a copy of the error a client sees when a dependency is down for now.
func UnavailableError() *Error {
	e := *errUnavailable
	return &e
}

// isUnavailable reports whether err says a dependency is down for now, so that a retry may work.
func isUnavailable(err error) bool {
	switch connect.CodeOf(err) {
	case connect.CodeUnavailable, connect.CodeDeadlineExceeded:
		return true
	}
	return false
}

// Unavailable reports whether one of r's errors is a dependency that is down for now: ServeHTTP
// answers such a response with 503 and Retry-After, and so should callers that write responses
// themselves.
func (r *Response) Unavailable() bool {
	if r == nil {
		return false
	}
	for _, e := range r.Errors {
		if code, _ := e.Extensions["code"].(string); code == CodeUnavailable {
			return true
		}
	}
	return false
}
