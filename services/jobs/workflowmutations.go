package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"connectrpc.com/connect"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// This file holds Twenty's WorkflowTriggerWorkspaceService: activate, deactivate and run a
// version. Activation writes several records through separate calls (versions, workflow,
// triggers), ordered so that a failure part way leaves a state activation can be retried from:
// the triggers are written last.

// ActivateVersion implements jobsv1connect.WorkflowServiceHandler.
func (e *workflowEngine) ActivateVersion(ctx context.Context, req *jobsv1.ActivateVersionRequest) (*jobsv1.ActivateVersionResponse, error) {
	ws := req.GetWorkspaceId()
	v, err := e.loadVersion(ctx, ws, req.GetWorkflowVersionId())
	if err != nil {
		return nil, err
	}
	if v.Status != versionDraft && v.Status != versionDeactivated {
		return nil, refused(connect.CodeInvalidArgument, "Cannot activate non-draft or non-last-published version")
	}
	if err := validateForActivation(v); err != nil {
		return nil, err
	}
	// The workflow's other active version, if any, is deactivated first: one active version.
	var active []struct {
		ID string `json:"id"`
	}
	if _, err := e.findMany(ctx, ws, "workflowVersions", eqFilter([2]string{"workflowId", v.WorkflowID}, [2]string{"status", versionActive}), 10, &active); err != nil {
		return nil, err
	}
	for _, a := range active {
		if err := e.update(ctx, ws, "workflowVersions", a.ID, map[string]any{"status": versionDeactivated}); err != nil {
			return nil, err
		}
	}
	if err := e.update(ctx, ws, "workflowVersions", v.ID, map[string]any{"status": versionActive}); err != nil {
		return nil, err
	}
	if err := e.update(ctx, ws, "workflows", v.WorkflowID, map[string]any{"lastPublishedVersionId": v.ID, "statuses": []string{versionActive}}); err != nil {
		return nil, err
	}
	if err := e.replaceTriggers(ctx, ws, v); err != nil {
		return nil, err
	}
	e.triggers.forget(ws)
	slog.InfoContext(ctx, "workflow version activated", "workspace_id", ws, "workflow_id", v.WorkflowID, "version_id", v.ID, "trigger", v.trigger.Type)
	return &jobsv1.ActivateVersionResponse{Ok: true}, nil
}

// DeactivateVersion implements jobsv1connect.WorkflowServiceHandler.
func (e *workflowEngine) DeactivateVersion(ctx context.Context, req *jobsv1.DeactivateVersionRequest) (*jobsv1.DeactivateVersionResponse, error) {
	ws := req.GetWorkspaceId()
	v, err := e.loadVersion(ctx, ws, req.GetWorkflowVersionId())
	if err != nil {
		return nil, err
	}
	if v.Status != versionActive {
		return nil, refused(connect.CodeInvalidArgument, "Cannot deactivate non-active version")
	}
	// The triggers go first: a workflow that stops being triggered is what deactivation means.
	if err := e.dropTriggers(ctx, ws, v.WorkflowID); err != nil {
		return nil, err
	}
	if err := e.update(ctx, ws, "workflowVersions", v.ID, map[string]any{"status": versionDeactivated}); err != nil {
		return nil, err
	}
	e.triggers.forget(ws)
	if err := e.update(ctx, ws, "workflows", v.WorkflowID, map[string]any{"statuses": []string{versionDeactivated}}); err != nil {
		return nil, err
	}
	return &jobsv1.DeactivateVersionResponse{Ok: true}, nil
}

// validateForActivation holds a version to what Twenty checks before activating it.
func validateForActivation(v *workflowVersion) error {
	switch {
	case v.trigger == nil || v.trigger.Type == "":
		return refused(connect.CodeInvalidArgument, "No trigger type provided")
	case len(v.steps) == 0:
		return refused(connect.CodeInvalidArgument, "No steps provided in workflow version")
	}
	switch v.trigger.Type {
	case "DATABASE_EVENT":
		if name, _ := v.trigger.Settings["eventName"].(string); name == "" {
			return refused(connect.CodeInvalidArgument, "No event name provided in database event trigger")
		}
	case "CRON":
		if _, err := cronPattern(v.trigger.Settings); err != nil {
			return refused(connect.CodeInvalidArgument, err.Error())
		}
	case "MANUAL", "WEBHOOK":
	default:
		return refused(connect.CodeInvalidArgument, fmt.Sprintf("%s triggers are not supported here yet", v.trigger.Type))
	}
	return nil
}

// replaceTriggers makes the workflow's automated triggers those of v (none for MANUAL and
// WEBHOOK); a CRON trigger is also listed in the control database, for the minute cron.
func (e *workflowEngine) replaceTriggers(ctx context.Context, ws string, v *workflowVersion) error {
	if err := e.dropTriggers(ctx, ws, v.WorkflowID); err != nil {
		return err
	}
	if v.trigger.Type != "DATABASE_EVENT" && v.trigger.Type != "CRON" {
		return nil
	}
	if err := e.saveCronTrigger(ctx, ws, v); err != nil {
		return err
	}
	// The trigger's id is derived from the workflow: one automated trigger per workflow.
	body, err := json.Marshal([]map[string]any{{
		"id": ids.NameUUID(v.WorkflowID, "automatedTrigger"), "type": v.trigger.Type, "settings": v.trigger.Settings, "workflowId": v.WorkflowID,
	}})
	if err != nil {
		return fmt.Errorf("encode automated trigger: %w", err)
	}
	_, err = e.records.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "workflowAutomatedTriggers",
		RecordsJson: body, Actor: workflowActor, Upsert: true})
	if err != nil {
		return fmt.Errorf("create automated trigger: %w", err)
	}
	return nil
}

// dropTriggers destroys the workflow's automated triggers and its CRON listing.
func (e *workflowEngine) dropTriggers(ctx context.Context, ws, workflowID string) error {
	if err := e.dropCronTrigger(ctx, ws, workflowID); err != nil {
		return err
	}
	var triggers []struct {
		ID string `json:"id"`
	}
	if _, err := e.findMany(ctx, ws, "workflowAutomatedTriggers", eqFilter([2]string{"workflowId", workflowID}), 100, &triggers); err != nil {
		return err
	}
	for _, t := range triggers {
		_, err := e.records.DeleteMany(ctx, &recordsv1.DeleteManyRequest{WorkspaceId: ws, ObjectNamePlural: "workflowAutomatedTriggers",
			Selection: &recordsv1.Selection{By: &recordsv1.Selection_Id{Id: t.ID}}, Destroy: true, Actor: workflowActor})
		if err != nil && connect.CodeOf(err) != connect.CodeNotFound {
			return fmt.Errorf("drop automated trigger %s: %w", t.ID, err)
		}
	}
	return nil
}

// RunVersion implements jobsv1connect.WorkflowServiceHandler: a MANUAL run (Twenty's
// runWorkflowVersion, which also runs a draft, for its editor's test runs).
func (e *workflowEngine) RunVersion(ctx context.Context, req *jobsv1.RunVersionRequest) (*jobsv1.RunVersionResponse, error) {
	ws := req.GetWorkspaceId()
	v, err := e.loadVersion(ctx, ws, req.GetWorkflowVersionId())
	if err != nil {
		return nil, err
	}
	if v.trigger == nil || len(v.steps) == 0 {
		return nil, refused(connect.CodeInvalidArgument, "Workflow version has no trigger or no steps")
	}
	payload := map[string]any{}
	if len(req.GetPayloadJson()) > 0 {
		if err := json.Unmarshal(req.GetPayloadJson(), &payload); err != nil {
			return nil, refused(connect.CodeInvalidArgument, "payload must be a JSON object")
		}
	}
	runID := req.GetWorkflowRunId()
	if runID == "" {
		runID = ids.NewUUID()
	} else if !ids.IsUUID(runID) {
		return nil, refused(connect.CodeInvalidArgument, "workflowRunId must be a UUID")
	}
	actor := &recordsv1.Actor{Source: "MANUAL", Name: req.GetActorName(), WorkspaceMemberId: req.GetWorkspaceMemberId(), UserId: req.GetUserId()}
	if actor.Name == "" && ids.IsUUID(actor.WorkspaceMemberId) {
		// Twenty names the run's creator after the member who ran it.
		var m struct {
			Name struct{ FirstName, LastName string } `json:"name"`
		}
		if err := e.findOne(ctx, ws, "workspaceMembers", actor.WorkspaceMemberId, &m); err == nil {
			actor.Name = strings.TrimSpace(m.Name.FirstName + " " + m.Name.LastName)
		}
	}
	if err := e.startRun(ctx, ws, v, runID, payload, actor); err != nil {
		return nil, err
	}
	return &jobsv1.RunVersionResponse{WorkflowRunId: runID}, nil
}
