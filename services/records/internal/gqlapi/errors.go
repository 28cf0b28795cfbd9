package gqlapi

import (
	"errors"
	"fmt"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/permissions"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// The codes of the errors the resolvers raise themselves, beside the engine's
// (CommonQueryRunnerExceptionCode in common-query-runner.exception.ts).
const (
	codeInvalidFirst engine.Code = "INVALID_ARGS_FIRST"
	codeInvalidLast  engine.Code = "INVALID_ARGS_LAST"
	codeInvalidData  engine.Code = "INVALID_ARGS_DATA"
)

// userFriendlyMessage is Twenty's STANDARD_ERROR_MESSAGE, the userFriendlyMessage of the query
// runner's errors (common-query-runners/errors/standard-error-message.constant.ts).
const userFriendlyMessage = "An error occurred."

// queryError is a *engine.QueryError with a formatted message.
func queryError(code engine.Code, format string, args ...any) *engine.QueryError {
	return &engine.QueryError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// gqlError is the one place where errors become what the client reads, as Twenty's
// commonQueryRunnerToGraphqlApiExceptionHandler maps them
// (common-query-runners/utils/common-query-runner-to-graphql-api-exception-handler.util.ts): a
// record not found is NOT_FOUND, any other input the engine or the resolvers reject is
// BAD_USER_INPUT, with the engine's code as extensions.subCode and Twenty's standard
// userFriendlyMessage. Other errors are returned as they are, for the executor to log and answer
// "Internal server error".
func gqlError(err error) error {
	if pe, ok := errors.AsType[*permissions.Error](err); ok {
		return permissionError(pe)
	}
	var qe *engine.QueryError
	if !errors.As(err, &qe) {
		return err
	}
	code := graphql.CodeBadUserInput
	if qe.Code == engine.CodeRecordNotFound {
		code = graphql.CodeNotFound
	}
	return graphql.NewError(code, qe.Message).
		WithExtension("subCode", string(qe.Code)).
		WithExtension("userFriendlyMessage", userFriendlyMessage)
}

// permissionError is Twenty's permissionGraphqlApiExceptionHandler: PERMISSION_DENIED is a
// ForbiddenError (FORBIDDEN) with the exception's code as subCode and its userFriendlyMessage.
func permissionError(pe *permissions.Error) error {
	return graphql.NewError(graphql.CodeForbidden, pe.Message).
		WithExtension("subCode", pe.Code).
		WithExtension("userFriendlyMessage", permissions.UserFriendlyPermissionDenied)
}
