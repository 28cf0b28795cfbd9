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

// TestFilesWorkspaceLogoByAPIKey: an API key whose role has the WORKSPACE flag sets the workspace
// logo as Twenty's web app does (createFileUpload in CorePicture, PUT, completeWorkspaceLogoUpload),
// as Twenty's SettingsPermissionGuard(WORKSPACE) lets it; a key whose role has UPLOAD_FILE but not
// WORKSPACE starts the upload but may neither make it the logo nor send a logo as a multipart
// upload (Twenty's PERMISSION_DENIED), and the logo stays. The new workspace's logo
// operations are a user's: the key gets Twenty's "Forbidden resource".
func TestFilesWorkspaceLogoByAPIKey(t *testing.T) {
	p := newPermWorkspace(t)
	key := func(label string, flags ...string) string {
		t.Helper()
		role := p.createRole(t, map[string]any{"label": label, "canAccessAllTools": false, "canReadAllObjectRecords": true,
			"canUpdateAllObjectRecords": false, "canSoftDeleteAllObjectRecords": false, "canDestroyAllObjectRecords": false})
		data[struct{ UpsertPermissionFlags []struct{ ID string } }](t, gql(t, "/metadata", p.admin.access,
			`mutation($in: UpsertPermissionFlagsInput!) { upsertPermissionFlags(upsertPermissionFlagsInput: $in) { id } }`,
			map[string]any{"in": map[string]any{"roleId": role, "permissionFlagKeys": flags}}))
		k := data[struct {
			CreateAPIKey struct{ ID string } `json:"createApiKey"`
		}](t, gql(t, "/metadata", p.admin.access, `mutation($in: CreateApiKeyInput!) { createApiKey(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": label + " key", "expiresAt": "2099-01-01T00:00:00.000Z", "roleId": role}})).CreateAPIKey
		return data[struct {
			GenerateAPIKeyToken struct{ Token string } `json:"generateApiKeyToken"`
		}](t, gql(t, "/metadata", p.admin.access, `mutation($id: UUID!) { generateApiKeyToken(apiKeyId: $id, expiresAt: "2099-01-01T00:00:00.000Z") { token } }`,
			map[string]any{"id": k.ID})).GenerateAPIKeyToken.Token
	}
	branding, uploader := key("Branding", "WORKSPACE"), key("Uploader", "UPLOAD_FILE")
	// upload sends a picture as the token and answers its file id.
	upload := func(token string, picture []byte) string {
		t.Helper()
		target := data[struct{ CreateFileUpload fileUploadTarget }](t, gql(t, "/metadata", token,
			`mutation($n: String!, $s: Float!) { createFileUpload(filename: $n, size: $s, fileFolder: CorePicture) { `+uploadTargetFields+` } }`,
			map[string]any{"n": "logo.png", "s": len(picture)})).CreateFileUpload
		if r := call(t, http.MethodPut, requestURI(t, target.UploadURL), bytes.NewReader(picture), "Content-Type", target.ContentType); r.status != http.StatusNoContent {
			t.Fatalf("PUT the logo = %d %s", r.status, r.body)
		}
		return target.FileID
	}
	complete := `mutation($id: String!) { completeWorkspaceLogoUpload(fileId: $id) { ` + signedFileFields + ` } }`
	logoFileID := func() string {
		return data[struct {
			CurrentUser struct{ CurrentWorkspace struct{ LogoFileID string } }
		}](t, gql(t, "/metadata", p.admin.access, `{ currentUser { currentWorkspace { logoFileId } } }`, nil)).CurrentUser.CurrentWorkspace.LogoFileID
	}

	logo := randomBytes(t, 3000)
	id := upload(branding, logo)
	done := data[struct{ CompleteWorkspaceLogoUpload fileWithSignedURL }](t, gql(t, "/metadata", branding, complete, map[string]any{"id": id})).CompleteWorkspaceLogoUpload
	if got := logoFileID(); got != id || done.ID != id {
		t.Fatalf("logo after the WORKSPACE key's upload = %q (completed %q), want %s", got, done.ID, id)
	}
	if r := get(t, requestURI(t, done.URL)); r.status != http.StatusOK || !bytes.Equal(r.body, logo) {
		t.Errorf("GET the key's logo = %d, %d bytes", r.status, len(r.body))
	}

	other := upload(uploader, randomBytes(t, 1000))
	wantGQLError(t, "a key without WORKSPACE completing the logo", gql(t, "/metadata", uploader, complete, map[string]any{"id": other}),
		"FORBIDDEN", permissionDenied)
	form, contentType := multipartUpload(t, `{"query":"mutation($file: Upload!) { uploadWorkspaceLogo(file: $file) { id } }","variables":{"file":null}}`,
		"logo.png", randomBytes(t, 1000))
	wantGQLError(t, "a key without WORKSPACE sending a logo", decode[gqlReply](t, post(t, "/metadata", form, "Content-Type", contentType,
		"Authorization", "Bearer "+uploader)), "FORBIDDEN", permissionDenied)
	if got := logoFileID(); got != id {
		t.Errorf("logo after a refused key = %q, want %s", got, id)
	}

	wantGQLError(t, "a key's createNewWorkspaceLogoUpload", gql(t, "/metadata", branding,
		`mutation($w: String!) { createNewWorkspaceLogoUpload(workspaceId: $w, filename: "n.png", size: 10) { fileId } }`,
		map[string]any{"w": p.admin.workspaceID}), "FORBIDDEN", "Forbidden resource")
}

// TestAvailableWorkspacesLogo: currentUser.availableWorkspaces answers the user's workspace with
// its logo as a signed URL that downloads the logo (Twenty's castWorkspaceToAvailableWorkspace),
// and a login token that enters the workspace; a workspace without a logo answers "". Someone
// invited to it who signs up is answered it for sign-up, its logo signed alike.
func TestAvailableWorkspacesLogo(t *testing.T) {
	a := onboard(t, "/metadata")
	query := `{ currentUser { availableWorkspaces {
  availableWorkspacesForSignIn { id displayName loginToken logo sso { id } workspaceUrls { subdomainUrl } }
  availableWorkspacesForSignUp { id } } } }`
	type available struct {
		CurrentUser struct {
			AvailableWorkspaces struct {
				AvailableWorkspacesForSignIn []struct {
					ID, DisplayName, LoginToken string
					Logo                        *string
					SSO                         []struct{ ID string } `json:"sso"`
				}
				AvailableWorkspacesForSignUp []struct{ ID string }
			}
		}
	}
	read := func() available { return data[available](t, gql(t, "/metadata", a.access, query, nil)) }
	before := read().CurrentUser.AvailableWorkspaces
	if len(before.AvailableWorkspacesForSignIn) != 1 || before.AvailableWorkspacesForSignIn[0].ID != a.workspaceID ||
		before.AvailableWorkspacesForSignIn[0].Logo == nil || *before.AvailableWorkspacesForSignIn[0].Logo != "" ||
		before.AvailableWorkspacesForSignIn[0].SSO == nil || len(before.AvailableWorkspacesForSignUp) != 0 {
		t.Fatalf("available workspaces without a logo = %+v", before)
	}

	logo := randomBytes(t, 2500)
	form, contentType := multipartUpload(t, `{"query":"mutation($file: Upload!) { uploadWorkspaceLogo(file: $file) { id } }","variables":{"file":null}}`, "logo.png", logo)
	up := data[struct{ UploadWorkspaceLogo struct{ ID string } }](t, decode[gqlReply](t, post(t, "/metadata", form, "Content-Type", contentType, "Authorization", "Bearer "+a.access))).UploadWorkspaceLogo
	ws := read().CurrentUser.AvailableWorkspaces.AvailableWorkspacesForSignIn
	if len(ws) != 1 || ws[0].Logo == nil || !strings.Contains(*ws[0].Logo, "/file/core-picture/"+up.ID+"?token=") {
		t.Fatalf("available workspace = %+v, want the signed URL of %s", ws, up.ID)
	}
	if r := get(t, requestURI(t, *ws[0].Logo)); r.status != http.StatusOK || !bytes.Equal(r.body, logo) {
		t.Errorf("GET the available workspace's logo = %d, %d bytes", r.status, len(r.body))
	}
	tokens := data[struct{ GetAuthTokensFromLoginToken struct{ Tokens tokenPair } }](t, gql(t, "/metadata", "",
		`mutation($t: String!) { getAuthTokensFromLoginToken(loginToken: $t, origin: "http://localhost:3001") { `+tokenFields+` } }`,
		map[string]any{"t": ws[0].LoginToken}))
	if tokens.GetAuthTokensFromLoginToken.Tokens.AccessOrWorkspaceAgnosticToken.Token == "" {
		t.Error("the login token entered no workspace")
	}

	// Someone invited signs up: signUp answers the workspace for sign-up, its logo signed.
	invitee := "invitee-" + randomHex(t, 4) + "@apple.dev"
	data[struct{ SendInvitations struct{ Success bool } }](t, gql(t, "/metadata", a.access,
		`mutation($e: [String!]!) { sendInvitations(emails: $e) { success } }`, map[string]any{"e": []string{invitee}}))
	signedUp := data[struct {
		SignUp struct {
			AvailableWorkspaces struct {
				AvailableWorkspacesForSignIn []struct{ ID string }
				AvailableWorkspacesForSignUp []struct{ ID, Logo string }
			}
		}
	}](t, gql(t, "/metadata", "", `mutation($e: String!) { signUp(email: $e, password: "hopper-1906") { availableWorkspaces {
  availableWorkspacesForSignIn { id } availableWorkspacesForSignUp { id logo } } } }`, map[string]any{"e": invitee})).SignUp.AvailableWorkspaces
	if len(signedUp.AvailableWorkspacesForSignIn) != 0 || len(signedUp.AvailableWorkspacesForSignUp) != 1 || signedUp.AvailableWorkspacesForSignUp[0].ID != a.workspaceID {
		t.Fatalf("signUp's available workspaces = %+v, want %s for sign-up", signedUp, a.workspaceID)
	}
	if r := get(t, requestURI(t, signedUp.AvailableWorkspacesForSignUp[0].Logo)); r.status != http.StatusOK || !bytes.Equal(r.body, logo) {
		t.Errorf("GET the invited workspace's logo = %d, %d bytes", r.status, len(r.body))
	}
}
