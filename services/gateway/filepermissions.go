package main

import (
	"context"
	"errors"

	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// Twenty guards its uploads with the caller's settings flags (CreateFileUploadPermissionGuard on
// createFileUpload, SettingsPermissionGuard(UPLOAD_FILE) on uploadFile and the FILES field
// uploads): a record import's file needs IMPORT_CSV, a core picture (a workspace member's
// picture) any of UPLOAD_FILE, WORKSPACE, WORKSPACE_MEMBERS and PROFILE_INFORMATION, anything
// else UPLOAD_FILE. Downloads carry their signed file token, which Twenty checks alone (its
// DOWNLOAD_FILE flag only hides the web app's download button), and so do we. The workspace
// logo's operations are left to auth, which checks the caller's role when it binds the logo.

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

// uploadFolders answers, for each guarded upload operation, the folder its arguments upload to.
var uploadFolders = map[string]func(args map[string]any) string{
	"Mutation.createFileUpload":                          func(args map[string]any) string { return str(args, "fileFolder") },
	"Mutation.uploadFile":                                func(args map[string]any) string { return str(args, "fileFolder") },
	"Mutation.uploadImage":                               func(args map[string]any) string { return str(args, "fileFolder") },
	"Mutation.uploadFilesFieldFileByUniversalIdentifier": func(map[string]any) string { return "FilesField" },
	"Mutation.uploadWorkspaceMemberProfilePicture":       func(map[string]any) string { return "CorePicture" },
}

// withUploadGuards wraps the upload operations of resolvers with Twenty's upload permission check.
func withUploadGuards(resolvers map[string]graphql.Resolver, roles recordsv1connect.RoleServiceClient) map[string]graphql.Resolver {
	for name, folderOf := range uploadFolders {
		next, ok := resolvers[name]
		if !ok {
			continue
		}
		resolvers[name] = func(ctx context.Context, args map[string]any) (any, error) {
			if err := requireUploadPermission(ctx, roles, folderOf(args)); err != nil {
				return nil, err
			}
			return next(ctx, args)
		}
	}
	return resolvers
}

// requireUploadPermission answers nil when the caller has one of the folder's upload flags,
// Twenty's PERMISSION_DENIED when it has none, or the failure to read its permissions.
func requireUploadPermission(ctx context.Context, roles recordsv1connect.RoleServiceClient, folder string) error {
	for _, flag := range uploadFlags(folder) {
		switch err := settingsFlagError(ctx, roles, flag); {
		case err == nil:
			return nil
		case !errors.Is(err, errNoSettingsFlag):
			return roleGQLError(err)
		}
	}
	return errSettingsDenied
}
