//go:build e2e

package e2e

import (
	"bytes"
	"net/http"
	"testing"
)

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

// TestFileUploadIntoARecordNeedsUpdate: an upload into a record needs what putting the file in the
// record needs (Twenty's field-update assertion): a colleague with UPLOAD_FILE whose role may read
// but not update records cannot start an upload into a FILES field of person, nor send an
// attachment as a multipart upload; both get Twenty's FORBIDDEN before any byte is taken. The admin's upload into the field works throughout; the colleague's works
// once its role may update people, and stops again when the field itself is made read-only. A
// field that is not a FILES field is Twenty's BAD_USER_INPUT.
func TestFileUploadIntoARecordNeedsUpdate(t *testing.T) {
	p := newPermWorkspace(t)
	field := data[struct{ CreateOneField struct{ ID string } }](t, gql(t, "/metadata", p.admin.access,
		`mutation($input: CreateOneFieldMetadataInput!) { createOneField(input: $input) { id } }`,
		map[string]any{"input": map[string]any{"field": map[string]any{"objectMetadataId": p.objects["person"], "type": "FILES",
			"name": "documents", "label": "Documents"}}})).CreateOneField.ID
	role := p.createRole(t, map[string]any{"label": "Readers", "canAccessAllTools": false, "canReadAllObjectRecords": true,
		"canUpdateAllObjectRecords": false, "canSoftDeleteAllObjectRecords": false, "canDestroyAllObjectRecords": false})
	objectPermission := func(object string, update bool) {
		t.Helper()
		data[struct {
			UpsertObjectPermissions []struct{ ObjectMetadataID string }
		}](t, gql(t, "/metadata", p.admin.access,
			`mutation($in: UpsertObjectPermissionsInput!) { upsertObjectPermissions(upsertObjectPermissionsInput: $in) { objectMetadataId } }`,
			map[string]any{"in": map[string]any{"roleId": role, "objectPermissions": []any{map[string]any{"objectMetadataId": p.objects[object],
				"canReadObjectRecords": true, "canUpdateObjectRecords": update}}}}))
	}
	data[struct{ UpsertPermissionFlags []struct{ ID string } }](t, gql(t, "/metadata", p.admin.access,
		`mutation($in: UpsertPermissionFlagsInput!) { upsertPermissionFlags(upsertPermissionFlagsInput: $in) { id } }`,
		map[string]any{"in": map[string]any{"roleId": role, "permissionFlagKeys": []string{"UPLOAD_FILE"}}}))
	data[struct{ UpdateWorkspaceMemberRole struct{ ID string } }](t, gql(t, "/metadata", p.admin.access,
		`mutation($m: UUID!, $r: UUID!) { updateWorkspaceMemberRole(workspaceMemberId: $m, roleId: $r) { id } }`,
		map[string]any{"m": p.colleagueMemberID, "r": role}))

	content := []byte("minutes")
	create := `mutation($f: String) { createFileUpload(filename: "minutes.txt", size: 7, fileFolder: FilesField, fieldMetadataId: $f) { ` + uploadTargetFields + ` } }`
	refused := func(what string, r gqlReply) {
		t.Helper()
		wantGQLError(t, what, r, "FORBIDDEN", permissionDenied)
		if len(r.Errors) > 0 && r.Errors[0].Extensions["subCode"] != "PERMISSION_DENIED" {
			t.Errorf("%s: subCode %v, want PERMISSION_DENIED", what, r.Errors[0].Extensions["subCode"])
		}
		if d := string(r.Data); d != "" && d != "null" {
			t.Errorf("%s: data %s, want none", what, d)
		}
	}
	// uploadInto starts, sends and completes an upload into the field, which must work.
	uploadInto := func(who, token string) {
		t.Helper()
		target := data[struct{ CreateFileUpload fileUploadTarget }](t, gql(t, "/metadata", token, create, map[string]any{"f": field})).CreateFileUpload
		if r := call(t, http.MethodPut, requestURI(t, target.UploadURL), bytes.NewReader(content), "Content-Type", target.ContentType); r.status != http.StatusNoContent {
			t.Fatalf("%s: PUT = %d %s", who, r.status, r.body)
		}
		done := data[struct{ CompleteFileUpload fileWithSignedURL }](t, gql(t, "/metadata", token,
			`mutation($id: String!) { completeFileUpload(fileId: $id) { `+signedFileFields+` } }`, map[string]any{"id": target.FileID})).CompleteFileUpload
		if r := get(t, requestURI(t, done.URL)); r.status != http.StatusOK || !bytes.Equal(r.body, content) {
			t.Errorf("%s: GET the file = %d %q", who, r.status, r.body)
		}
	}

	refused("the colleague's upload into a person's FILES field", gql(t, "/metadata", p.colleague, create, map[string]any{"f": field}))
	uploadInto("the admin", p.admin.access)
	wantGQLError(t, "an upload into a TEXT field", gql(t, "/metadata", p.admin.access, create, map[string]any{"f": p.fields["person.city"]}),
		"BAD_USER_INPUT", "Field "+p.fields["person.city"]+" is not a files field")
	missing := newUUID(t)
	wantGQLError(t, "an upload into no field", gql(t, "/metadata", p.admin.access, create, map[string]any{"f": missing}),
		"BAD_USER_INPUT", "Files field "+missing+" not found")

	// Attachments (a system object, which follows the role's own update right) are read-only to
	// it too: the multipart attachment upload is refused before its bytes are taken.
	form, contentType := multipartUpload(t, `{"query":"mutation($file: Upload!) { uploadFile(file: $file) { path token } }","variables":{"file":null}}`,
		"minutes.txt", content)
	refused("the colleague's attachment upload", decode[gqlReply](t, post(t, "/metadata", form, "Content-Type", contentType, "Authorization", "Bearer "+p.colleague)))

	objectPermission("person", true)
	uploadInto("the colleague who may update people", p.colleague)

	data[struct{ UpsertFieldPermissions []struct{ ID string } }](t, gql(t, "/metadata", p.admin.access,
		`mutation($in: UpsertFieldPermissionsInput!) { upsertFieldPermissions(upsertFieldPermissionsInput: $in) { id } }`,
		map[string]any{"in": map[string]any{"roleId": role, "fieldPermissions": []any{map[string]any{"objectMetadataId": p.objects["person"],
			"fieldMetadataId": field, "canUpdateFieldValue": false}}}}))
	refused("the colleague's upload into a read-only FILES field", gql(t, "/metadata", p.colleague, create, map[string]any{"f": field}))
}
