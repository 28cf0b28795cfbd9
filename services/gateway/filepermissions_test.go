package main

import (
	"context"
	"errors"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// flagRoles answers GetPermissions with fixed flags and objects permissions (or err), and the
// field the request names from fields, counting its calls.
type flagRoles struct {
	recordsv1connect.RoleServiceClient
	flags   []string
	all     bool
	objects []*recordsv1.ObjectRecordsPermission
	err     error
	calls   int
}

// uploadFields are the fields flagRoles knows: a FILES field of person and a TEXT one.
var uploadFields = map[string]*recordsv1.PermissionsField{
	"f-files": {Id: "f-files", Type: "FILES", ObjectMetadataId: "o-person"},
	"f-text":  {Id: "f-text", Type: "TEXT", ObjectMetadataId: "o-person"},
}

func (f *flagRoles) GetPermissions(_ context.Context, req *recordsv1.GetPermissionsRequest) (*recordsv1.GetPermissionsResponse, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	return &recordsv1.GetPermissionsResponse{PermissionFlags: f.flags, CanUpdateAllSettings: f.all, ObjectsPermissions: f.objects,
		Field: uploadFields[req.GetFieldMetadataId()]}, nil
}

// objectPerm is the permission on an object of id and name, updatable or not, with the restricted
// fields' JSON.
func objectPerm(id, name string, update bool, restricted string) *recordsv1.ObjectRecordsPermission {
	return &recordsv1.ObjectRecordsPermission{ObjectMetadataId: id, ObjectNameSingular: name, CanReadObjectRecords: true,
		CanUpdateObjectRecords: update, RestrictedFieldsJson: []byte(restricted)}
}

func TestUploadGuards(t *testing.T) {
	member := &authtoken.Claims{Type: authtoken.TypeAccess, WorkspaceID: "w-1", UserID: "u-1", UserWorkspaceID: "uw-1", WorkspaceMemberID: "m-1"}
	apiKey := &authtoken.Claims{Type: authtoken.TypeAPIKey, WorkspaceID: "w-1"}
	upload := []string{"UPLOAD_FILE"}
	tests := []struct {
		name   string
		op     string
		args   map[string]any
		roles  *flagRoles
		caller *authtoken.Claims
		want   string // the error's code, or "ok"
	}{
		{"admin uploads", "Mutation.createFileUpload", map[string]any{"fileFolder": "Attachment"}, &flagRoles{all: true}, member, "ok"},
		{"upload flag", "Mutation.uploadFile", map[string]any{}, &flagRoles{flags: []string{"UPLOAD_FILE"}}, member, "ok"},
		{"no upload flag", "Mutation.createFileUpload", map[string]any{"fileFolder": "Attachment"}, &flagRoles{flags: []string{"WORKFLOWS"}}, member, graphql.CodeForbidden},
		{"files field without flag", "Mutation.uploadFilesFieldFileByUniversalIdentifier", map[string]any{}, &flagRoles{}, member, graphql.CodeForbidden},
		{"import needs IMPORT_CSV", "Mutation.createFileUpload", map[string]any{"fileFolder": "RecordImport"}, &flagRoles{flags: []string{"UPLOAD_FILE"}}, member, graphql.CodeForbidden},
		{"import with IMPORT_CSV", "Mutation.createFileUpload", map[string]any{"fileFolder": "RecordImport"}, &flagRoles{flags: []string{"IMPORT_CSV"}}, member, "ok"},
		{"picture with PROFILE_INFORMATION", "Mutation.uploadWorkspaceMemberProfilePicture", map[string]any{}, &flagRoles{flags: []string{"PROFILE_INFORMATION"}}, member, "ok"},
		{"picture with nothing", "Mutation.createFileUpload", map[string]any{"fileFolder": "CorePicture"}, &flagRoles{flags: []string{"WORKFLOWS"}}, member, graphql.CodeForbidden},
		{"records Worker down", "Mutation.uploadImage", map[string]any{}, &flagRoles{err: connect.NewError(connect.CodeUnavailable, errors.New("down"))}, member, "unavailable: down"}, // mapped by the schema's error handling,
		{"not guarded", "Mutation.completeFileUpload", map[string]any{}, &flagRoles{}, member, "ok"},
		{"no workspace token", "Mutation.uploadFile", map[string]any{}, &flagRoles{}, nil, "ok"},
		{"files field of an updatable object", "Mutation.createFileUpload", map[string]any{"fileFolder": "FilesField", "fieldMetadataId": "f-files"},
			&flagRoles{flags: upload, objects: []*recordsv1.ObjectRecordsPermission{objectPerm("o-person", "person", true, "{}")}}, member, "ok"},
		{"files field of a read-only object", "Mutation.createFileUpload", map[string]any{"fileFolder": "FilesField", "fieldMetadataId": "f-files"},
			&flagRoles{flags: upload, objects: []*recordsv1.ObjectRecordsPermission{objectPerm("o-person", "person", false, "{}")}}, member, graphql.CodeForbidden},
		{"files field not updatable", "Mutation.createFileUpload", map[string]any{"fileFolder": "FilesField", "fieldMetadataId": "f-files"},
			&flagRoles{flags: upload, objects: []*recordsv1.ObjectRecordsPermission{objectPerm("o-person", "person", true, `{"f-files":{"canUpdate":false}}`)}}, member, graphql.CodeForbidden},
		{"files field readable only elsewhere", "Mutation.createFileUpload", map[string]any{"fileFolder": "FilesField", "fieldMetadataId": "f-files"},
			&flagRoles{flags: upload, objects: []*recordsv1.ObjectRecordsPermission{objectPerm("o-person", "person", true, `{"f-text":{"canUpdate":false}}`)}}, member, "ok"},
		{"files field, admin of a read-only object", "Mutation.createFileUpload", map[string]any{"fileFolder": "FilesField", "fieldMetadataId": "f-files"},
			&flagRoles{all: true, objects: []*recordsv1.ObjectRecordsPermission{objectPerm("o-person", "person", false, "{}")}}, member, graphql.CodeForbidden},
		{"unknown field", "Mutation.createFileUpload", map[string]any{"fileFolder": "FilesField", "fieldMetadataId": "f-gone"}, &flagRoles{flags: upload}, member, graphql.CodeBadUserInput},
		{"not a files field", "Mutation.createFileUpload", map[string]any{"fileFolder": "FilesField", "fieldMetadataId": "f-text"}, &flagRoles{flags: upload}, member, graphql.CodeBadUserInput},
		{"field flag checked first", "Mutation.createFileUpload", map[string]any{"fileFolder": "FilesField", "fieldMetadataId": "f-gone"}, &flagRoles{}, member, graphql.CodeForbidden},
		{"field id of another folder ignored", "Mutation.createFileUpload", map[string]any{"fileFolder": "Workflow", "fieldMetadataId": "f-gone"}, &flagRoles{flags: upload}, member, "ok"},
		{"attachment, read-only", "Mutation.uploadFile", map[string]any{}, &flagRoles{flags: upload, objects: []*recordsv1.ObjectRecordsPermission{objectPerm("o-att", "attachment", false, "{}")}}, member, graphql.CodeForbidden},
		{"attachment, updatable", "Mutation.createFileUpload", map[string]any{"fileFolder": "Attachment"},
			&flagRoles{flags: upload, objects: []*recordsv1.ObjectRecordsPermission{objectPerm("o-att", "attachment", true, "{}")}}, member, "ok"},
		{"workflow file needs no object", "Mutation.uploadFile", map[string]any{"fileFolder": "Workflow"}, &flagRoles{flags: upload, objects: []*recordsv1.ObjectRecordsPermission{objectPerm("o-att", "attachment", false, "{}")}}, member, "ok"},
		{"logo with WORKSPACE", "Mutation.uploadWorkspaceLogo", map[string]any{}, &flagRoles{flags: []string{"WORKSPACE"}}, apiKey, "ok"},
		{"logo with UPLOAD_FILE only", "Mutation.completeWorkspaceLogoUpload", map[string]any{}, &flagRoles{flags: upload}, member, graphql.CodeForbidden},
		{"logo by a settings admin", "Mutation.completeWorkspaceLogoUpload", map[string]any{}, &flagRoles{all: true}, member, "ok"},
		{"API key with flag and object", "Mutation.createFileUpload", map[string]any{"fileFolder": "FilesField", "fieldMetadataId": "f-files"},
			&flagRoles{flags: upload, objects: []*recordsv1.ObjectRecordsPermission{objectPerm("o-person", "person", true, "{}")}}, apiKey, "ok"},
		{"API key, read-only object", "Mutation.createFileUpload", map[string]any{"fileFolder": "FilesField", "fieldMetadataId": "f-files"},
			&flagRoles{flags: upload, objects: []*recordsv1.ObjectRecordsPermission{objectPerm("o-person", "person", false, "{}")}}, apiKey, graphql.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran := false
			next := func(context.Context, map[string]any) (any, error) { ran = true; return true, nil }
			resolvers := withUploadGuards(map[string]graphql.Resolver{tt.op: next}, tt.roles)
			ctx := context.Background()
			if tt.caller != nil {
				ctx = context.WithValue(ctx, principalKey{}, tt.caller)
			}
			_, err := resolvers[tt.op](ctx, tt.args)
			got := "ok"
			var gerr *graphql.Error
			if errors.As(err, &gerr) {
				got = gerr.Code()
			} else if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("code (-want +got):\n%s", diff)
			}
			if ran != (got == "ok") {
				t.Errorf("resolver ran %v with %s", ran, got)
			}
			if tt.caller != nil && uploadTargets[tt.op] != nil && tt.roles.calls != 1 {
				t.Errorf("%d GetPermissions calls, want 1", tt.roles.calls)
			}
		})
	}
}
