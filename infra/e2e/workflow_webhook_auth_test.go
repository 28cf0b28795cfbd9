//go:build e2e

package e2e

import (
	"net/http"
	"testing"
	"time"
)

// TestWorkflowWebhookAPIKey: a WEBHOOK trigger with Twenty's authentication API_KEY setting
// starts a run only for a request carrying an API key of the workspace.
func TestWorkflowWebhookAPIKey(t *testing.T) {
	a := onboard(t, "/metadata")
	other := onboard(t, "/metadata")
	apiKey := func(acc account) string {
		expires := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
		id := data[struct{ CreateAPIKey struct{ ID string } }](t, gql(t, "/metadata", acc.access,
			`mutation($e: String!) { createApiKey(input: {name: "webhook", expiresAt: $e}) { id } }`, map[string]any{"e": expires})).CreateAPIKey.ID
		return data[struct{ GenerateAPIKeyToken struct{ Token string } }](t, gql(t, "/metadata", acc.access,
			`mutation($id: UUID!, $e: String!) { generateApiKeyToken(apiKeyId: $id, expiresAt: $e) { token } }`, map[string]any{"id": id, "e": expires})).GenerateAPIKeyToken.Token
	}
	wf, version := createWorkflowVersion(t, a.access, "Keyed intake",
		map[string]any{"type": "WEBHOOK", "settings": map[string]any{"httpMethod": "POST", "authentication": "API_KEY"}},
		[]map[string]any{{"id": "note", "name": "Create task", "type": "CREATE_RECORD", "valid": true, "nextStepIds": []string{},
			"settings": map[string]any{"input": map[string]any{"objectName": "task", "objectRecord": map[string]any{"title": "Keyed: {{trigger.subject}}"}}}}})
	data[struct{ ActivateWorkflowVersion bool }](t, gql(t, "/graphql", a.access,
		`mutation($id: UUID!) { activateWorkflowVersion(workflowVersionId: $id) }`, map[string]any{"id": version}))
	path := "/webhooks/workflows/" + a.workspaceID + "/" + wf
	body := `{"subject":"Demo"}`
	for _, tt := range []struct {
		name    string
		headers []string
		want    int
	}{
		{"no token", nil, http.StatusForbidden},
		{"another workspace's API key", []string{"Authorization", "Bearer " + apiKey(other)}, http.StatusUnauthorized},
		{"a user's token", []string{"Authorization", "Bearer " + a.access}, http.StatusUnauthorized},
		{"the workspace's API key", []string{"Authorization", "Bearer " + apiKey(a)}, http.StatusCreated},
	} {
		r := post(t, path, body, append([]string{"Content-Type", "application/json"}, tt.headers...)...)
		if r.status != tt.want {
			t.Errorf("%s: POST %s = %d %s, want %d", tt.name, path, r.status, r.body, tt.want)
		}
	}
	run := awaitRun(t, a.access, `{"workflowVersionId":{"eq":"`+version+`"}}`)
	if run.Status != "COMPLETED" {
		t.Errorf("keyed run = %+v, want COMPLETED", run)
	}
}
