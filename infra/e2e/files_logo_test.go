//go:build e2e

package e2e

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// TestFilesWorkspaceLogo: a logo uploaded as Twenty's web app does it (createFileUpload in
// CorePicture, PUT, completeWorkspaceLogoUpload) becomes the workspace's logo, which
// currentWorkspace answers signed and which downloads byte for byte; a logo sent as a multipart
// uploadWorkspaceLogo replaces it, and the replaced picture is gone.
func TestFilesWorkspaceLogo(t *testing.T) {
	a := onboard(t, "/metadata")
	logo := randomBytes(t, 4096)
	target := data[struct{ CreateFileUpload fileUploadTarget }](t, gql(t, "/metadata", a.access,
		`mutation($n: String!, $s: Float!) { createFileUpload(filename: $n, size: $s, fileFolder: CorePicture) { `+uploadTargetFields+` } }`,
		map[string]any{"n": "logo.png", "s": len(logo)})).CreateFileUpload
	if r := call(t, http.MethodPut, requestURI(t, target.UploadURL), bytes.NewReader(logo), "Content-Type", target.ContentType); r.status != http.StatusNoContent {
		t.Fatalf("PUT the logo = %d %s", r.status, r.body)
	}
	done := data[struct{ CompleteWorkspaceLogoUpload fileWithSignedURL }](t, gql(t, "/metadata", a.access,
		`mutation($id: String!) { completeWorkspaceLogoUpload(fileId: $id) { `+signedFileFields+` } }`, map[string]any{"id": target.FileID})).CompleteWorkspaceLogoUpload

	type current struct {
		CurrentUser struct {
			CurrentWorkspace struct{ Logo, LogoFileID string }
		}
	}
	read := func() (string, string) {
		ws := data[current](t, gql(t, "/metadata", a.access, `{ currentUser { currentWorkspace { logo logoFileId } } }`, nil)).CurrentUser.CurrentWorkspace
		return ws.Logo, ws.LogoFileID
	}
	url, id := read()
	if id != done.ID || !strings.Contains(url, "/file/core-picture/"+done.ID+"?token=") {
		t.Fatalf("currentWorkspace logo = %q (%q), want the signed URL of %s", url, id, done.ID)
	}
	if r := get(t, requestURI(t, url)); r.status != http.StatusOK || !bytes.Equal(r.body, logo) || r.header.Get("Content-Type") != "image/png" {
		t.Fatalf("GET the logo = %d %q, %d bytes", r.status, r.header.Get("Content-Type"), len(r.body))
	}

	second := randomBytes(t, 2048)
	form, contentType := multipartUpload(t, `{"query":"mutation($file: Upload!) { uploadWorkspaceLogo(file: $file) { `+signedFileFields+` } }","variables":{"file":null}}`, "logo2.jpg", second)
	r := post(t, "/metadata", form, "Content-Type", contentType, "Authorization", "Bearer "+a.access)
	up := data[struct{ UploadWorkspaceLogo fileWithSignedURL }](t, decode[gqlReply](t, r)).UploadWorkspaceLogo
	url2, id2 := read()
	if id2 != up.ID || id2 == id || !strings.Contains(url2, "/file/core-picture/"+up.ID+"?token=") {
		t.Fatalf("currentWorkspace logo after uploadWorkspaceLogo = %q (%q), want %s's", url2, id2, up.ID)
	}
	if r := get(t, requestURI(t, url2)); r.status != http.StatusOK || !bytes.Equal(r.body, second) {
		t.Errorf("GET the second logo = %d, %d bytes", r.status, len(r.body))
	}
	if r := get(t, requestURI(t, url)); r.status != http.StatusNotFound {
		t.Errorf("GET the replaced logo = %d, want 404", r.status)
	}
}
