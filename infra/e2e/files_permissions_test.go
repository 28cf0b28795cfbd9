//go:build e2e

package e2e

import "testing"

// TestFileUploadNeedsPermission: a colleague whose role has no tools (so no UPLOAD_FILE) cannot
// start an upload, as Twenty's CreateFileUploadPermissionGuard refuses it; once the admin grants
// UPLOAD_FILE the same call works, and the admin's always did.
func TestFileUploadNeedsPermission(t *testing.T) {
	p := newPermWorkspace(t)
	role := p.createRole(t, map[string]any{"label": "No files", "canAccessAllTools": false, "canReadAllObjectRecords": true,
		"canUpdateAllObjectRecords": true, "canSoftDeleteAllObjectRecords": true, "canDestroyAllObjectRecords": true})
	data[struct{ UpdateWorkspaceMemberRole struct{ ID string } }](t, gql(t, "/metadata", p.admin.access,
		`mutation($m: UUID!, $r: UUID!) { updateWorkspaceMemberRole(workspaceMemberId: $m, roleId: $r) { id } }`,
		map[string]any{"m": p.colleagueMemberID, "r": role}))

	create := `mutation($f: FileFolder!) { createFileUpload(filename: "notes.txt", size: 5, fileFolder: $f) { fileId } }`
	for _, folder := range []string{"FilesField", "Workflow", "CorePicture"} {
		wantGQLError(t, "the colleague's createFileUpload to "+folder, gql(t, "/metadata", p.colleague, create, map[string]any{"f": folder}),
			"FORBIDDEN", permissionDenied)
	}
	if r := gql(t, "/metadata", p.admin.access, create, map[string]any{"f": "FilesField"}); len(r.Errors) != 0 {
		t.Errorf("the admin's createFileUpload: %+v", r.Errors)
	}

	data[struct{ UpsertPermissionFlags []struct{ ID string } }](t, gql(t, "/metadata", p.admin.access,
		`mutation($in: UpsertPermissionFlagsInput!) { upsertPermissionFlags(upsertPermissionFlagsInput: $in) { id } }`,
		map[string]any{"in": map[string]any{"roleId": role, "permissionFlagKeys": []string{"UPLOAD_FILE"}}}))
	if r := gql(t, "/metadata", p.colleague, create, map[string]any{"f": "FilesField"}); len(r.Errors) != 0 {
		t.Errorf("the colleague's createFileUpload with UPLOAD_FILE: %+v", r.Errors)
	}
}
