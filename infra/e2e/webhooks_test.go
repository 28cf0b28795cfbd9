//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twentyworkers/twenty/infra/devstack"
)

// gqlWebhook is a webhook as the metadata GraphQL API answers it.
type gqlWebhook struct {
	ID, TargetURL, Secret, ApplicationID, CreatedAt, UpdatedAt string
	Operations                                                 []string
	Description, DeletedAt                                     *string
}

const gqlWebhookFields = `id targetUrl operations description secret applicationId createdAt updatedAt deletedAt`

// TestWebhooks drives Twenty's webhook management on the real stack: CRUD through /metadata and
// REST, Twenty's validation errors, the SSRF refusals of the jobs Worker (loopback is allowed
// here: the stack runs with WEBHOOK_ALLOW_LOOPBACK=true), and one workspace never seeing or
// touching another's webhooks.
func TestWebhooks(t *testing.T) {
	a, b := onboard(t, "/metadata"), onboard(t, "/metadata")
	q := func(tok, query string, vars map[string]any) gqlReply {
		t.Helper()
		return gql(t, "/metadata", tok, query, vars)
	}

	created := data[struct{ CreateWebhook gqlWebhook }](t, q(a.access, `mutation($in: CreateWebhookInput!) { createWebhook(input: $in) { `+gqlWebhookFields+` } }`,
		map[string]any{"in": map[string]any{"targetUrl": " HTTP://127.0.0.1:9/Hook ", "operations": []string{"person.created", "*.updated"}, "description": "CRM sync"}})).CreateWebhook
	if created.TargetURL != "http://127.0.0.1:9/Hook" || len(created.Secret) != 64 || len(created.ID) != 36 || len(created.ApplicationID) != 36 ||
		created.Description == nil || *created.Description != "CRM sync" || created.DeletedAt != nil || !strings.HasSuffix(created.CreatedAt, "Z") {
		t.Errorf("createWebhook = %+v", created)
	}
	list := data[struct{ Webhooks []gqlWebhook }](t, q(a.access, `{ webhooks { `+gqlWebhookFields+` } }`, nil)).Webhooks
	if len(list) != 1 || list[0].ID != created.ID || strings.Join(list[0].Operations, ",") != "person.created,*.updated" {
		t.Errorf("webhooks = %+v, want the one created", list)
	}
	updated := data[struct{ UpdateWebhook gqlWebhook }](t, q(a.access, `mutation($in: UpdateWebhookInput!) { updateWebhook(input: $in) { `+gqlWebhookFields+` } }`,
		map[string]any{"in": map[string]any{"id": created.ID, "update": map[string]any{"operations": []string{"*.*"}, "description": nil, "secret": "s3"}}})).UpdateWebhook
	if updated.Description != nil || updated.Secret != "s3" || strings.Join(updated.Operations, ",") != "*.*" || updated.TargetURL != created.TargetURL || updated.UpdatedAt <= created.UpdatedAt {
		t.Errorf("updateWebhook = %+v", updated)
	}

	// Twenty's validation errors and the SSRF refusals.
	for _, bad := range []struct{ url, code, userFriendly string }{
		{"invalid-url", "INVALID_TARGET_URL", "Please provide a valid HTTP or HTTPS URL"},
		{"ftp://example.com/", "INVALID_TARGET_URL", "Please provide a valid HTTP or HTTPS URL"},
		{"http://169.254.169.254/latest/meta-data/", "INVALID_TARGET_URL", "Please provide a public HTTP or HTTPS URL"},
		{"http://metadata.google.internal/", "INVALID_TARGET_URL", "Please provide a public HTTP or HTTPS URL"},
		{"http://10.0.0.1/", "INVALID_TARGET_URL", "Please provide a public HTTP or HTTPS URL"},
		{"http://0xa000001/", "INVALID_TARGET_URL", "Please provide a public HTTP or HTTPS URL"},
		{"http://100.64.0.1/", "INVALID_TARGET_URL", "Please provide a public HTTP or HTTPS URL"},
		{"http://[::ffff:192.168.0.1]/", "INVALID_TARGET_URL", "Please provide a public HTTP or HTTPS URL"},
		{"http://[fd00:ec2::254]/", "INVALID_TARGET_URL", "Please provide a public HTTP or HTTPS URL"},
	} {
		r := q(a.access, `mutation($in: CreateWebhookInput!) { createWebhook(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"targetUrl": bad.url, "operations": []string{"*.*"}}})
		wantGQLError(t, bad.url, r, "METADATA_VALIDATION_FAILED", "Multiple validation errors occurred while creating webhook")
		if len(r.Errors) == 1 && r.Errors[0].Extensions["userFriendlyMessage"] != bad.userFriendly {
			t.Errorf("%s: userFriendlyMessage %v, want %q", bad.url, r.Errors[0].Extensions["userFriendlyMessage"], bad.userFriendly)
		}
	}
	r := q(a.access, `mutation { createWebhook(input: {targetUrl: "https://example.com/", operations: ["person"]}) { id } }`, nil)
	wantGQLError(t, "bad operation", r, "METADATA_VALIDATION_FAILED", "Multiple validation errors occurred while creating webhook")
	r = q(a.access, `mutation($in: UpdateWebhookInput!) { updateWebhook(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"id": created.ID, "update": map[string]any{"targetUrl": "http://192.168.1.1/"}}})
	wantGQLError(t, "update to a private host", r, "METADATA_VALIDATION_FAILED", "Multiple validation errors occurred while updating webhook")

	// Another workspace: nothing to see, nothing to touch.
	if got := data[struct{ Webhooks []gqlWebhook }](t, q(b.access, `{ webhooks { id } }`, nil)).Webhooks; len(got) != 0 {
		t.Errorf("workspace B's webhooks = %+v, want none", got)
	}
	if got := q(b.access, `query($id: UUID!) { webhook(id: $id) { id } }`, map[string]any{"id": created.ID}); string(got.Data) != `{"webhook":null}` {
		t.Errorf("workspace B reads A's webhook: %s %+v", got.Data, got.Errors)
	}
	wantGQLError(t, "B updates A's webhook", q(b.access, `mutation($in: UpdateWebhookInput!) { updateWebhook(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"id": created.ID, "update": map[string]any{"secret": "stolen"}}}), "NOT_FOUND", "Webhook not found")
	wantGQLError(t, "B deletes A's webhook", q(b.access, `mutation($id: UUID!) { deleteWebhook(id: $id) { id } }`, map[string]any{"id": created.ID}), "NOT_FOUND", "Webhook not found")
	rest := call(t, http.MethodGet, "/rest/webhooks/"+created.ID, nil, "Authorization", "Bearer "+b.access)
	if rest.status != http.StatusOK || len(rest.body) != 0 {
		t.Errorf("B: GET /rest/webhooks/{A's id} = %d %s, want an empty 200", rest.status, rest.body)
	}
	if got := data[struct{ Webhook gqlWebhook }](t, q(a.access, `query($id: UUID!) { webhook(id: $id) { secret } }`, map[string]any{"id": created.ID})).Webhook; got.Secret != "s3" {
		t.Errorf("A's webhook after B's attempts has secret %q, want s3", got.Secret)
	}

	// REST, on both of Twenty's paths.
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	posted := post(t, "/rest/metadata/webhooks", `{"targetUrl":"https://hooks.example.com/in","operations":["company.*"]}`, auth...)
	if posted.status != http.StatusCreated {
		t.Fatalf("POST /rest/metadata/webhooks = %d %s", posted.status, posted.body)
	}
	second := decode[gqlWebhook](t, posted)
	page := decode[struct {
		Data       []gqlWebhook
		TotalCount int
		PageInfo   struct{ HasNextPage bool }
	}](t, get(t, "/rest/metadata/webhooks?limit=1", auth...))
	if page.TotalCount != 2 || len(page.Data) != 1 || page.Data[0].ID != created.ID || !page.PageInfo.HasNextPage {
		t.Errorf("GET /rest/metadata/webhooks?limit=1 = %+v, want the first of 2", page)
	}
	if bad := post(t, "/rest/webhooks", `{"targetUrl":"http://[::1]:70000/","operations":["*.*"]}`, auth...); bad.status != http.StatusBadRequest ||
		!strings.Contains(string(bad.body), "Invalid target URL provided") {
		t.Errorf("POST /rest/webhooks with a bad port = %d %s, want 400", bad.status, bad.body)
	}
	if del := call(t, http.MethodDelete, "/rest/webhooks/"+second.ID, nil, auth...); del.status != http.StatusOK || strings.TrimSpace(string(del.body)) != "true" {
		t.Errorf("DELETE /rest/webhooks/{id} = %d %s, want true", del.status, del.body)
	}
	deleted := data[struct{ DeleteWebhook gqlWebhook }](t, q(a.access, `mutation($id: UUID!) { deleteWebhook(id: $id) { id deletedAt } }`, map[string]any{"id": created.ID})).DeleteWebhook
	if deleted.DeletedAt == nil {
		t.Errorf("deleteWebhook = %+v, want deletedAt set", deleted)
	}
	if got := decode[[]gqlWebhook](t, get(t, "/rest/webhooks", auth...)); len(got) != 0 {
		t.Errorf("GET /rest/webhooks after both deletes = %+v, want none", got)
	}
}

// TestWebhooksWithTwentyClientSDK runs Twenty's own client (twenty-client-sdk's
// MetadataApiClient, infra/e2e/sdk/webhooks.mjs) against the stack.
func TestWebhooksWithTwentyClientSDK(t *testing.T) {
	s := need(t)
	a := onboard(t, "/metadata")
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "node_modules", ".bin", "node"), filepath.Join(root, "infra", "e2e", "sdk", "webhooks.mjs"),
		s.BaseURL, a.access, "http://127.0.0.1:9/sdk")
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node webhooks.mjs: %v\n%s", err, stderr.String())
	}
	var got struct {
		Before, After             int
		Created, Updated, Fetched gqlWebhook
		Deleted                   gqlWebhook
		Refused                   *struct{ Message, Code string }
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node webhooks.mjs printed %q: %v", out, err)
	}
	if got.Before != 0 || got.After != 0 {
		t.Errorf("webhooks before and after = %d, %d; want 0, 0", got.Before, got.After)
	}
	c := got.Created
	if c.TargetURL != "http://127.0.0.1:9/sdk" || strings.Join(c.Operations, ",") != "person.created,company.*" || c.Description == nil || len(c.Secret) != 64 {
		t.Errorf("createWebhook through the SDK = %+v", c)
	}
	if u := got.Updated; u.ID != c.ID || u.Secret != "sdk-secret" || u.Description != nil || strings.Join(u.Operations, ",") != "*.*" {
		t.Errorf("updateWebhook through the SDK = %+v", u)
	}
	if f := got.Fetched; f.ID != c.ID || f.Secret != "sdk-secret" {
		t.Errorf("webhook(id) through the SDK = %+v", f)
	}
	if d := got.Deleted; d.ID != c.ID || d.DeletedAt == nil {
		t.Errorf("deleteWebhook through the SDK = %+v", d)
	}
	if got.Refused == nil || got.Refused.Code != "METADATA_VALIDATION_FAILED" {
		t.Errorf("a metadata-address target through the SDK = %+v, want METADATA_VALIDATION_FAILED", got.Refused)
	}
}
