package graphql

import (
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Codes carried in extensions.code. They are Apollo Server's names, which Twenty reuses and which
// Twenty's clients match on (twenty-server engine/core-modules/graphql/utils/graphql-errors.util.ts).
const (
	CodeParseFailed      = "GRAPHQL_PARSE_FAILED"
	CodeValidationFailed = "GRAPHQL_VALIDATION_FAILED"
	CodeBadUserInput     = "BAD_USER_INPUT"
	CodeBadRequest       = "BAD_REQUEST"
	CodeUnauthenticated  = "UNAUTHENTICATED"
	CodeForbidden        = "FORBIDDEN"
	CodeNotFound         = "NOT_FOUND"
	CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	CodeConflict         = "CONFLICT"
	CodeTimeout          = "TIMEOUT"
	CodeInternal         = "INTERNAL_SERVER_ERROR"
	// CodeUnavailable is a dependency that is down for now (unavailable.go): a retry may succeed.
	CodeUnavailable = "SERVICE_UNAVAILABLE"
	// CodeOperationResolutionFailure means the document is valid but names no operation to run
	// (several operations and no or an unknown operationName).
	CodeOperationResolutionFailure = "OPERATION_RESOLUTION_FAILURE"
)

// Error is a GraphQL error as the spec lays it out in a response's "errors" list. Resolvers return
// one (possibly wrapped) to send the client a message and extensions; any other error becomes
// "Internal server error".
//
// The executor copies an Error before setting its Path and Locations, so a package-level *Error can
// be returned from many requests at once. Errors in a Response may be shared with other responses
// (cached validation errors): treat them as read-only.
type Error struct {
	Message    string         `json:"message"`
	Locations  []Location     `json:"locations,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// Location is a line and column (both from 1) in the query document.
type Location struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// NewError returns an error with message and extensions.code set to code.
func NewError(code, message string) *Error {
	return &Error{Message: message, Extensions: map[string]any{"code": code}}
}

// WithExtension sets extensions[k] to v, e.g. Twenty's "subCode" or "userFriendlyMessage", and
// returns e. It modifies e: call it while building the error, before it is shared.
func (e *Error) WithExtension(k string, v any) *Error {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions[k] = v
	return e
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Code returns extensions.code, or "" when there is none.
func (e *Error) Code() string {
	c, _ := e.Extensions["code"].(string)
	return c
}

// fromGQLError converts a gqlparser error (parse or validation) to an Error with code.
func fromGQLError(err *gqlerror.Error, code, prefix string) *Error {
	out := NewError(code, prefix+err.Message)
	for _, l := range err.Locations {
		out.Locations = append(out.Locations, Location{Line: l.Line, Column: l.Column})
	}
	return out
}
