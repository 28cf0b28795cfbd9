package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/authtoken"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// Twenty guards its uploads with the caller's settings flags (CreateFileUploadPermissionGuard on
// createFileUpload, SettingsPermissionGuard(UPLOAD_FILE) on uploadFile and the FILES field
// uploads): a record import's file needs IMPORT_CSV, a core picture (a workspace member's
// picture) any of UPLOAD_FILE, WORKSPACE, WORKSPACE_MEMBERS and PROFILE_INFORMATION, anything
// else UPLOAD_FILE. An upload into a record needs what putting the file in the record needs
// (Twenty's assertAuthContextCanUpdateFieldOrThrow): into a FILES field named by its id, the right
// to update the field's object and that field (an unknown field, or one that is not a FILES field,
// is Twenty's BAD_REQUEST); into the Attachment folder, the right to update attachments. One
// GetPermissions call answers all of it, before any byte is stored. A field named only by its
// universal identifier is not checked: the workspace's fields carry none to find it by. The
// workspace logo's operations need WORKSPACE (workspaceLogo).
// Downloads carry their signed file token, which Twenty checks alone (its DOWNLOAD_FILE flag only
// hides the web app's download button), and so do we.

// uploadFlags are the settings flags of which an upload to folder needs one.
func uploadFlags(folder string) []string {
	switch folder {
	case "CorePicture":
		return []string{"UPLOAD_FILE", "WORKSPACE", "WORKSPACE_MEMBERS", "PROFILE_INFORMATION"}
	case "RecordImport":
		return []string{"IMPORT_CSV"}
	}
	return []string{"UPLOAD_FILE"}
}

// uploadTarget is where an upload goes: its folder and, for a FILES field, the field's id; flags,
// when set, are the settings flags of which it needs one in place of the folder's.
type uploadTarget struct {
	folder, fieldID string
	flags           []string
}

// workspaceLogo is the target of the workspace logo's operations, which Twenty guards with
// SettingsPermissionGuard(WORKSPACE): refused here before the picture is stored (auth checks the
// role again when it binds the logo).
var workspaceLogo = uploadTarget{folder: "CorePicture", flags: []string{"WORKSPACE"}}

// uploadTargets answers, for each guarded upload operation, where its arguments upload to.
var uploadTargets = map[string]func(args map[string]any) uploadTarget{
	"Mutation.createFileUpload": func(args map[string]any) uploadTarget {
		return uploadTarget{folder: str(args, "fileFolder"), fieldID: str(args, "fieldMetadataId")}
	},
	"Mutation.uploadFile":                                func(args map[string]any) uploadTarget { return uploadTarget{folder: uploadFileFolder(args)} },
	"Mutation.uploadImage":                               func(args map[string]any) uploadTarget { return uploadTarget{folder: uploadFileFolder(args)} },
	"Mutation.uploadFilesFieldFileByUniversalIdentifier": func(map[string]any) uploadTarget { return uploadTarget{folder: "FilesField"} },
	"Mutation.uploadWorkspaceMemberProfilePicture":       func(map[string]any) uploadTarget { return uploadTarget{folder: "CorePicture"} },
	"Mutation.uploadWorkspaceLogo":                       func(map[string]any) uploadTarget { return workspaceLogo },
	"Mutation.completeWorkspaceLogoUpload":               func(map[string]any) uploadTarget { return workspaceLogo },
}

// uploadFileFolder is the folder of uploadFile and uploadImage: Attachment, Twenty's default,
// when none is given (as filegraphql.go stores it).
func uploadFileFolder(args map[string]any) string {
	if f := str(args, "fileFolder"); f != "" {
		return f
	}
	return "Attachment"
}

// withUploadGuards wraps the upload operations of resolvers with Twenty's upload permission check.
func withUploadGuards(resolvers map[string]graphql.Resolver, roles recordsv1connect.RoleServiceClient) map[string]graphql.Resolver {
	for name, targetOf := range uploadTargets {
		next, ok := resolvers[name]
		if !ok {
			continue
		}
		resolvers[name] = func(ctx context.Context, args map[string]any) (any, error) {
			if err := requireUploadPermission(ctx, roles, targetOf(args)); err != nil {
				return nil, err
			}
			return next(ctx, args)
		}
	}
	return resolvers
}

// requireUploadPermission answers nil when the caller may upload to t: it has one of the folder's
// upload flags and may update the record the file goes in. It answers Twenty's PERMISSION_DENIED
// when it may not, BAD_USER_INPUT for a field that cannot hold files, or the failure to read its
// permissions. Callers without a workspace token are left to the operation's own checks.
func requireUploadPermission(ctx context.Context, roles recordsv1connect.RoleServiceClient, t uploadTarget) error {
	c := principalFrom(ctx)
	if c == nil || c.WorkspaceID == "" || (c.Type != authtoken.TypeAccess && c.Type != authtoken.TypeAPIKey) {
		return nil
	}
	req := &recordsv1.GetPermissionsRequest{WorkspaceId: c.WorkspaceID}
	if t.folder == "FilesField" {
		req.FieldMetadataId = t.fieldID
	}
	res, err := roles.GetPermissions(ctx, req)
	if connect.CodeOf(err) == connect.CodePermissionDenied {
		return errSettingsDenied
	}
	if err != nil {
		return roleGQLError(err)
	}
	if res.GetSystem() {
		return nil
	}
	flags := t.flags
	if flags == nil {
		flags = uploadFlags(t.folder)
	}
	if !res.GetCanUpdateAllSettings() && !slices.ContainsFunc(flags, func(f string) bool { return slices.Contains(res.GetPermissionFlags(), f) }) {
		return errSettingsDenied
	}
	switch {
	case req.GetFieldMetadataId() != "":
		f := res.GetField()
		if f == nil {
			return filesFieldError(fmt.Sprintf("Files field %s not found", req.GetFieldMetadataId()), "The target files field could not be found.")
		}
		if f.GetType() != "FILES" {
			return filesFieldError(fmt.Sprintf("Field %s is not a files field", f.GetId()), "Files can only be uploaded into a files field.")
		}
		return requireRecordUpdate(res, func(o *recordsv1.ObjectRecordsPermission) bool {
			return o.GetObjectMetadataId() == f.GetObjectMetadataId()
		}, f.GetId())
	case t.folder == "Attachment":
		return requireRecordUpdate(res, func(o *recordsv1.ObjectRecordsPermission) bool { return o.GetObjectNameSingular() == "attachment" }, "")
	}
	return nil
}

// requireRecordUpdate answers errSettingsDenied unless the permissions let the caller update the
// records of the object is names (and fieldID of them, when given). A workspace without that
// object has nothing to refuse.
func requireRecordUpdate(res *recordsv1.GetPermissionsResponse, is func(*recordsv1.ObjectRecordsPermission) bool, fieldID string) error {
	i := slices.IndexFunc(res.GetObjectsPermissions(), is)
	if i < 0 {
		return nil
	}
	o := res.GetObjectsPermissions()[i]
	if !o.GetCanUpdateObjectRecords() {
		return errSettingsDenied
	}
	if fieldID == "" || len(o.GetRestrictedFieldsJson()) == 0 {
		return nil
	}
	var restricted map[string]struct {
		CanUpdate *bool `json:"canUpdate"`
	}
	if err := json.Unmarshal(o.GetRestrictedFieldsJson(), &restricted); err != nil {
		return fmt.Errorf("decode restricted fields: %w", err)
	}
	if u := restricted[fieldID].CanUpdate; u != nil && !*u {
		return errSettingsDenied
	}
	return nil
}

// filesFieldError is Twenty's FileUploadException BAD_REQUEST for the target of a FILES upload.
func filesFieldError(msg, friendly string) error {
	return graphql.NewError(graphql.CodeBadUserInput, msg).WithExtension("userFriendlyMessage", friendly)
}
