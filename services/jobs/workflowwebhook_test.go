package main

import (
	"context"
	"testing"

	"connectrpc.com/connect"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
)

// TestWorkflowWebhookTriggerAPIKey: a WEBHOOK trigger whose settings.authentication is API_KEY
// starts runs only for requests the gateway found an API key of the workspace on.
func TestWorkflowWebhookTriggerAPIKey(t *testing.T) {
	e, recs, q := newTestEngine(t)
	putWorkflow(recs, `{"type":"WEBHOOK","settings":{"httpMethod":"POST","authentication":"API_KEY"}}`,
		`[{"id":"s1","type":"CREATE_RECORD","settings":{"input":{"objectName":"task","objectRecord":{"title":"{{trigger.subject}}"}}}}]`)
	activate(t, e)
	tests := []struct {
		name     string
		apiKey   bool
		wantCode connect.Code
	}{
		{"without an API key", false, connect.CodeUnauthenticated},
		{"with one", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.RunWebhookTrigger(context.Background(), &jobsv1.RunWebhookTriggerRequest{WorkspaceId: wfWorkspace, WorkflowId: wfID,
				PayloadJson: []byte(`{"subject":"Keyed"}`), ApiKeyAuthenticated: tt.apiKey})
			if tt.wantCode != 0 {
				if connect.CodeOf(err) != tt.wantCode {
					t.Fatalf("err = %v, want %v", err, tt.wantCode)
				}
				return
			}
			if err != nil || res.GetWorkflowRunId() == "" {
				t.Fatalf("RunWebhookTrigger = %v, %v", res, err)
			}
		})
	}
	drain(t, e, q)
	if tasks := recs.all("tasks"); len(tasks) != 1 || tasks[0]["title"] != "Keyed" {
		t.Errorf("tasks = %v, want the keyed request's only", tasks)
	}
}
