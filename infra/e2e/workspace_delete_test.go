//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// remains is what a workspace still has in the control database and on the shards (the records
// Worker's dev route GET /__dev/workspaces/{id}/remains).
func remains(t *testing.T, workspaceID string) map[string]int {
	t.Helper()
	return decode[map[string]int](t, get(t, "/__dev/svc/records/workspaces/"+workspaceID+"/remains"))
}

// nonZero answers the entries of m that are not 0, for messages.
func nonZero(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, n := range m {
		if n != 0 {
			out[k] = n
		}
	}
	return out
}

// TestWorkspaceDeleteRemovesEverything is issue #16's "deleting its workspace removes the
// objects": a workspace with people, a company, an attachment with its uploaded file, a
// webhook, a view, an API key and a member is deleted with Twenty's deleteCurrentWorkspace. Its
// tokens stop at once; within a bounded wait its R2 objects, its shard tables and every control
// row of it are gone, while another workspace keeps all of its own and still works.
func TestWorkspaceDeleteRemovesEverything(t *testing.T) {
	need(t)
	p := newPermWorkspace(t) // an admin and a colleague with the Member role
	a := p.admin
	other := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}

	// The workspace's data: 200 people, a company, an attachment with its file and two more files,
	// a webhook, a view.
	company := decode[struct {
		Data struct{ CreateCompany struct{ ID string } }
	}](t, post(t, "/rest/companies", `{"name":"Doomed Inc"}`, auth...)).Data.CreateCompany.ID
	for batch := range 4 {
		people := make([]map[string]any, 50)
		for i := range people {
			people[i] = map[string]any{"name": map[string]any{"firstName": fmt.Sprintf("P%d", batch*50+i)}, "companyId": company}
		}
		created := data[struct{ CreatePeople []struct{ ID string } }](t, gql(t, "/graphql", a.access,
			`mutation($d: [PersonCreateInput!]!) { createPeople(data: $d) { id } }`, map[string]any{"d": people}))
		if len(created.CreatePeople) != 50 {
			t.Fatalf("createPeople created %d", len(created.CreatePeople))
		}
	}
	body := randomBytes(t, 64<<10)
	f := directUpload(t, a.access, "contract.pdf", body)
	if r := post(t, "/rest/attachments", `{"name":"contract.pdf","fullPath":"`+f.Path+`","fileCategory":"TEXT_DOCUMENT","companyId":"`+company+`"}`, auth...); r.status != http.StatusCreated {
		t.Fatalf("create attachment = %d %s", r.status, r.body)
	}
	objectKeys := []string{a.workspaceID + "/" + f.Path}
	for _, name := range []string{"deck.pdf", "photo.png"} {
		objectKeys = append(objectKeys, a.workspaceID+"/"+directUpload(t, a.access, name, randomBytes(t, 256<<10)).Path)
	}
	for _, key := range objectKeys {
		if r := get(t, "/__dev/svc/files/objects/"+key); r.status != http.StatusOK {
			t.Fatalf("the uploaded object %s in R2 = %d", key, r.status)
		}
	}
	createWebhook(t, a.access, "https://hooks.example.com/doomed", []string{"person.created"}, "")
	peopleObject, _ := personObject(t, a.access)
	data[struct{ CreateView gqlView }](t, gql(t, "/metadata", a.access,
		`mutation($o: UUID!) { createView(input: {name: "Doomed view", objectMetadataId: $o, icon: "IconMapPin"}) { `+viewFields+` } }`,
		map[string]any{"o": peopleObject}))
	expires := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
	keyID := data[struct {
		CreateAPIKey struct{ ID string } `json:"createApiKey"`
	}](t, gql(t, "/metadata", a.access, `mutation($e: String!) { createApiKey(input: {name: "Zapier", expiresAt: $e}) { id } }`, map[string]any{"e": expires})).CreateAPIKey.ID
	keyToken := data[struct {
		GenerateAPIKeyToken struct{ Token string } `json:"generateApiKeyToken"`
	}](t, gql(t, "/metadata", a.access, `mutation($id: UUID!, $e: String!) { generateApiKeyToken(apiKeyId: $id, expiresAt: $e) { token } }`,
		map[string]any{"id": keyID, "e": expires})).GenerateAPIKeyToken.Token
	if r := get(t, "/rest/people?limit=1", "Authorization", "Bearer "+keyToken); r.status != http.StatusOK {
		t.Fatalf("REST with the API key before = %d %s", r.status, r.body)
	}

	// The other workspace's data.
	otherAuth := []string{"Authorization", "Bearer " + other.access, "Content-Type", "application/json"}
	if r := post(t, "/rest/people", `{"name":{"firstName":"Survivor"}}`, otherAuth...); r.status != http.StatusCreated {
		t.Fatalf("create the other's person = %d %s", r.status, r.body)
	}
	otherBody := randomBytes(t, 4<<10)
	otherFile := directUpload(t, other.access, "keep.pdf", otherBody)
	otherBefore := remains(t, other.workspaceID)
	before := remains(t, a.workspaceID)
	for _, k := range []string{"object_metadata", "view", "webhooks", "files", "api_keys", "user_workspaces", "roles", "shard entries"} {
		if before[k] == 0 {
			t.Errorf("before the deletion the workspace has no %s: %v", k, before)
		}
	}

	// A member without the WORKSPACE permission gets Twenty's refusal; nothing changes.
	wantGQLError(t, "deleteCurrentWorkspace as a Member", gql(t, "/metadata", p.colleague, `mutation { deleteCurrentWorkspace { id } }`, nil),
		"FORBIDDEN", "Entity performing the request does not have permission")
	if r := get(t, "/rest/people?limit=1", auth...); r.status != http.StatusOK {
		t.Fatalf("the workspace after the refused deletion = %d %s", r.status, r.body)
	}

	start := time.Now()
	deleted := data[struct {
		DeleteCurrentWorkspace struct{ ID, DisplayName, ActivationStatus string }
	}](t, gql(t, "/metadata", a.access, `mutation { deleteCurrentWorkspace { id displayName activationStatus } }`, nil)).DeleteCurrentWorkspace
	answered := time.Since(start)
	if deleted.ID != a.workspaceID || deleted.DisplayName != "Apple Inc" || deleted.ActivationStatus != "SUSPENDED" {
		t.Errorf("deleteCurrentWorkspace = %+v", deleted)
	}

	// At once: the admin's, the colleague's and the API key's tokens are refused.
	wantGQLError(t, "currentUser with the deleted workspace's token", gql(t, "/graphql", a.access, currentUserQuery, nil),
		"UNAUTHENTICATED", "Token has been revoked.")
	wantGQLError(t, "currentUser with the colleague's token", gql(t, "/metadata", p.colleague, currentUserQuery, nil),
		"UNAUTHENTICATED", "Token has been revoked.")
	if r := get(t, "/rest/people?limit=1", auth...); r.status != http.StatusUnauthorized {
		t.Errorf("REST with the deleted workspace's token = %d %s, want 401", r.status, r.body)
	}
	r := get(t, "/rest/people?limit=1", "Authorization", "Bearer "+keyToken)
	if env := decode[envelope](t, r); r.status != http.StatusForbidden || len(env.Messages) != 1 || env.Messages[0] != "This API Key is revoked" {
		t.Errorf("REST with the deleted workspace's API key = %d %s, want Twenty's revoked key refusal", r.status, r.body)
	}
	if r := post(t, "/graphql", `{"query":"mutation($t: String!) { renewToken(appToken: $t) { tokens { accessOrWorkspaceAgnosticToken { token } } } }","variables":{"t":"`+a.refresh+`"}}`,
		"Content-Type", "application/json"); !strings.Contains(string(r.body), `"errors"`) {
		t.Errorf("renewToken with the deleted workspace's refresh token = %d %s", r.status, r.body)
	}

	// Within a bounded wait: the R2 object, the shard's tables and every control row are gone.
	var left map[string]int
	eventually(t, 60*time.Second, "the workspace's purge", func() bool {
		left = nonZero(remains(t, a.workspaceID))
		if len(left) > 0 {
			return false
		}
		for _, key := range objectKeys {
			if get(t, "/__dev/svc/files/objects/"+key).status != http.StatusNotFound {
				return false
			}
		}
		return true
	})
	purged := time.Since(start)
	t.Logf("deleteCurrentWorkspace answered in %s; workspace (201 records, 3 files, 1 webhook, 1 view) purged %s after the request",
		answered.Round(time.Millisecond), purged.Round(time.Millisecond))
	// The file's signed URL, minted before, finds nothing.
	dl := get(t, requestURI(t, f.URL))
	if dl.status != http.StatusNotFound && dl.status != http.StatusForbidden {
		t.Errorf("download of the deleted workspace's file = %d %s, want 404", dl.status, dl.body)
	}
	var env envelope
	if json.Unmarshal(dl.body, &env) != nil || env.StatusCode != dl.status {
		t.Errorf("download refusal %s is not Twenty's envelope", dl.body)
	}
	// The purge job succeeded (and was the only one needed).
	runs := decode[map[string]int](t, get(t, "/__dev/svc/jobs/runs?workspace="+a.workspaceID+"&type=workspace.purge"))
	if runs["succeeded"] < 1 || runs["dead"] != 0 {
		t.Errorf("workspace.purge runs = %v", runs)
	}

	// The other workspace is untouched and still works. (Its outbox rows drain as the relay sends
	// them, whatever happens to the deleted workspace.)
	otherAfter := remains(t, other.workspaceID)
	delete(otherBefore, "outbox rows")
	delete(otherAfter, "outbox rows")
	if fmt.Sprint(nonZero(otherBefore)) != fmt.Sprint(nonZero(otherAfter)) {
		t.Errorf("the other workspace's rows changed: before %v, after %v", nonZero(otherBefore), nonZero(otherAfter))
	}
	list := decode[struct {
		Data struct {
			People []struct{ Name struct{ FirstName string } }
		}
	}](t, get(t, "/rest/people", otherAuth...)).Data.People
	if len(list) != 1 || list[0].Name.FirstName != "Survivor" {
		t.Errorf("the other workspace's people = %+v", list)
	}
	if r := get(t, requestURI(t, otherFile.URL)); r.status != http.StatusOK || !bytes.Equal(r.body, otherBody) {
		t.Errorf("the other workspace's file = %d", r.status)
	}
	// The deleted admin may sign up again with the same email (their user went with the workspace).
	again := data[struct{ SignUp struct{ Tokens tokenPair } }](t, gql(t, "/metadata", "",
		`mutation($e: String!, $p: String!) { signUp(email: $e, password: $p) { `+tokenFields+` } }`, map[string]any{"e": a.email, "p": a.password}))
	if again.SignUp.Tokens.AccessOrWorkspaceAgnosticToken.Token == "" {
		t.Error("signing up again with the deleted admin's email gave no token")
	}
}
