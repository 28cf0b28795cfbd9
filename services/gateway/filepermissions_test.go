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

// flagRoles answers GetPermissions with fixed flags (or err), counting its calls.
type flagRoles struct {
	recordsv1connect.RoleServiceClient
	flags []string
	all   bool
	err   error
	calls int
}

func (f *flagRoles) GetPermissions(context.Context, *recordsv1.GetPermissionsRequest) (*recordsv1.GetPermissionsResponse, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	return &recordsv1.GetPermissionsResponse{PermissionFlags: f.flags, CanUpdateAllSettings: f.all}, nil
}

func TestUploadGuards(t *testing.T) {
	member := &authtoken.Claims{Type: authtoken.TypeAccess, WorkspaceID: "w-1", UserID: "u-1", UserWorkspaceID: "uw-1", WorkspaceMemberID: "m-1"}
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
		})
	}
}
