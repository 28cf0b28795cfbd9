package main

import (
	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/permissions"
)

// permissionCodes are the Connect codes of Twenty's PermissionsException codes, as Twenty's
// permissionRestApiExceptionCodeToHttpStatus gives their statuses (403, 400, 404); a code not
// listed is an internal error (500), as Twenty's are.
var permissionCodes = map[string]connect.Code{
	permissions.CodePermissionDenied:   connect.CodePermissionDenied,
	permissions.CodeRoleNotEditable:    connect.CodePermissionDenied,
	permissions.CodeLastAdmin:          connect.CodePermissionDenied,
	permissions.CodeSystemObject:       connect.CodePermissionDenied,
	permissions.CodeSystemObjectField:  connect.CodePermissionDenied,
	permissions.CodeRoleLabelExists:    connect.CodeInvalidArgument,
	permissions.CodeInvalidArg:         connect.CodeInvalidArgument,
	permissions.CodeInvalidSetting:     connect.CodeInvalidArgument,
	permissions.CodeWriteWithoutRead:   connect.CodeInvalidArgument,
	permissions.CodeOnlyRestriction:    connect.CodeInvalidArgument,
	permissions.CodeNotAssignableUsers: connect.CodeInvalidArgument,
	permissions.CodeNotAssignableKeys:  connect.CodeInvalidArgument,
	permissions.CodeRoleNotFound:       connect.CodeNotFound,
	permissions.CodeObjectNotFound:     connect.CodeNotFound,
	permissions.CodeFieldNotFound:      connect.CodeNotFound,
	permissions.CodeMemberNotFound:     connect.CodeNotFound,
	permissions.CodeDefaultRoleDelete:  connect.CodeInternal,
	permissions.CodeNoRole:             connect.CodeInternal,
}
