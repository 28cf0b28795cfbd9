package main

import (
	"errors"

	"connectrpc.com/connect"
)

// authError is a failure a caller must see, with Twenty's message. Its code is the Connect code the
// gateway maps to Twenty's (InvalidArgument → BAD_USER_INPUT, Unauthenticated → UNAUTHENTICATED,
// PermissionDenied → FORBIDDEN, NotFound → NOT_FOUND, ResourceExhausted → 429).
type authError struct {
	code connect.Code
	msg  string
}

func (e *authError) Error() string { return e.msg }

// The failures of the auth flows, with Twenty's messages.
var (
	errUserNotFound       = &authError{connect.CodeNotFound, "User not found"}
	errWrongPassword      = &authError{connect.CodePermissionDenied, "Wrong password"}
	errNoPassword         = &authError{connect.CodePermissionDenied, "Incorrect login method"}
	errUserExists         = &authError{connect.CodeInvalidArgument, "User already exists"}
	errPasswordTooWeak    = &authError{connect.CodeInvalidArgument, "Password too weak"}
	errInvalidEmail       = &authError{connect.CodeInvalidArgument, "Email is not valid"}
	errMissingToken       = &authError{connect.CodeUnauthenticated, "Missing authentication token"}
	errTokenInvalid       = &authError{connect.CodeUnauthenticated, "Token invalid."}
	errTokenExpired       = &authError{connect.CodeUnauthenticated, "Token has expired."}
	errNoPayload          = &authError{connect.CodeUnauthenticated, "No payload"}
	errTokenRevoked       = &authError{connect.CodeUnauthenticated, "Token has been revoked."}
	errWrongTokenType     = &authError{connect.CodeUnauthenticated, "Token invalid."}
	errSuspiciousRefresh  = &authError{connect.CodePermissionDenied, "Suspicious activity detected, this refresh token has been revoked"}
	errWorkspaceMismatch  = &authError{connect.CodePermissionDenied, "Token is not valid for this workspace"}
	errWorkspaceNotFound  = &authError{connect.CodeNotFound, "Workspace not found"}
	errNoWorkspace        = &authError{connect.CodePermissionDenied, "User does not have access to this workspace"}
	errAlreadyActive      = &authError{connect.CodeInvalidArgument, "Workspace is already activated"}
	errTooManyLogins      = &authError{connect.CodeResourceExhausted, "Too many login attempts, please try again later"}
	errAPIKeyNotFound     = &authError{connect.CodeNotFound, "API key not found"}
	errAPIKeyRevoked      = &authError{connect.CodePermissionDenied, "This API Key is revoked"}
	errAPIKeyExpired      = &authError{connect.CodeInvalidArgument, "This API Key has expired"}
	errAPIKeyNameRequired = &authError{connect.CodeInvalidArgument, "API key name is required"}
	errExpiryRequired     = &authError{connect.CodeInvalidArgument, "expiresAt must be a date in the future"}
	errRoleNotFound       = &authError{connect.CodeNotFound, "Role not found"}
	errAdminOnly          = &authError{connect.CodePermissionDenied, "Only workspace admins can manage API keys"}
	errSettingsOnly       = &authError{connect.CodePermissionDenied, "User does not have permission"}
	errLogoFileRequired   = &authError{connect.CodeInvalidArgument, "A logo file id is required"}
)

// toConnect turns an auth failure into the Connect error callers see; any other error is returned
// as is, and rpc's interceptor logs it and answers an opaque internal error.
func toConnect(err error) error {
	var ae *authError
	if errors.As(err, &ae) {
		return connect.NewError(ae.code, errors.New(ae.msg))
	}
	return err
}
