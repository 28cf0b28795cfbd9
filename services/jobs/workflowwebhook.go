package main

import (
	"context"
	"encoding/json"
	"fmt"

	"connectrpc.com/connect"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// webhookActor is the creator of the runs a WEBHOOK trigger starts (Twenty's WEBHOOK source).
var webhookActor = &recordsv1.Actor{Source: "WEBHOOK", Name: "Webhook"}

// RunWebhookTrigger implements jobsv1connect.WorkflowServiceHandler, with the checks and
// messages of Twenty's WorkflowTriggerController, and its trigger's API-key option.
func (e *workflowEngine) RunWebhookTrigger(ctx context.Context, req *jobsv1.RunWebhookTriggerRequest) (*jobsv1.RunWebhookTriggerResponse, error) {
	ws, workflowID := req.GetWorkspaceId(), req.GetWorkflowId()
	notFound := refused(connect.CodeNotFound, fmt.Sprintf("[Webhook trigger] Workflow %s not found in workspace %s", workflowID, ws))
	if !ids.IsUUID(ws) || !ids.IsUUID(workflowID) {
		return nil, notFound
	}
	var wf struct {
		Name                   string `json:"name"`
		LastPublishedVersionID string `json:"lastPublishedVersionId"`
	}
	if err := e.findOne(ctx, ws, "workflows", workflowID, &wf); err != nil {
		switch connect.CodeOf(err) {
		case connect.CodeNotFound, connect.CodeInvalidArgument, connect.CodeFailedPrecondition:
			return nil, notFound // an unknown workspace too
		}
		return nil, err
	}
	if wf.LastPublishedVersionID == "" {
		return nil, refused(connect.CodeFailedPrecondition, fmt.Sprintf("[Webhook trigger] Workflow %s has not been activated in workspace %s", workflowID, ws))
	}
	v, err := e.loadVersion(ctx, ws, wf.LastPublishedVersionID)
	switch {
	case connect.CodeOf(err) == connect.CodeNotFound:
		return nil, refused(connect.CodeFailedPrecondition, fmt.Sprintf("[Webhook trigger] No workflow version activated for workflow %s in workspace %s", workflowID, ws))
	case err != nil:
		return nil, err
	case v.trigger == nil || v.trigger.Type != "WEBHOOK":
		return nil, refused(connect.CodeFailedPrecondition, fmt.Sprintf("[Webhook trigger] Workflow %s does not have a Webhook trigger in workspace %s", workflowID, ws))
	case v.Status != versionActive:
		return nil, refused(connect.CodeFailedPrecondition, fmt.Sprintf("[Webhook trigger] Workflow version %s is not active in workspace %s", v.ID, ws))
	}
	// The trigger's authentication option (settings.authentication: API_KEY | null): such a
	// webhook answers only requests carrying an API key of the workspace (the gateway checks
	// the key, as it checks the REST API's).
	if auth, _ := v.trigger.Settings["authentication"].(string); auth == "API_KEY" && !req.GetApiKeyAuthenticated() {
		return nil, refused(connect.CodeUnauthenticated, fmt.Sprintf("[Webhook trigger] Workflow %s requires an API key in workspace %s", workflowID, ws))
	}
	payload := map[string]any{}
	if len(req.GetPayloadJson()) > 0 {
		var body any
		if json.Unmarshal(req.GetPayloadJson(), &body) == nil {
			if m, ok := body.(map[string]any); ok {
				payload = m
			}
		}
	}
	runID := ids.NewUUID()
	if err := e.startRun(ctx, ws, v, runID, payload, webhookActor); err != nil {
		return nil, err
	}
	return &jobsv1.RunWebhookTriggerResponse{WorkflowName: wf.Name, WorkflowRunId: runID}, nil
}
