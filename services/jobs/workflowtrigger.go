package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// This file is the DATABASE_EVENT trigger: the engine is a subscriber of the record events
// (eventFanout), and every event of a batch whose name an active workflow's automated trigger
// names ("person.created") starts a run of that workflow's published version. The run's id is
// derived from the event id and the workflow, so a batch delivered twice starts each run once.

// triggerRecord is a workflowAutomatedTrigger record.
type triggerRecord struct {
	Type       string         `json:"type"`
	Settings   map[string]any `json:"settings"`
	WorkflowID string         `json:"workflowId"`
}

// handleEvents implements eventSubscriber.
func (e *workflowEngine) handleEvents(ctx context.Context, b *jobsv1.DatabaseEventBatch) error {
	// The workflow objects' own events (a run's state saved after each step) trigger nothing.
	if strings.HasPrefix(b.GetObjectNameSingular(), "workflow") || len(b.GetEvents()) == 0 {
		return nil
	}
	ws := b.GetWorkspaceId()
	var triggers []triggerRecord
	if _, err := e.findMany(ctx, ws, "workflowAutomatedTriggers", eqFilter([2]string{"type", "DATABASE_EVENT"}), 200, &triggers); err != nil {
		return err
	}
	for _, t := range triggers {
		if name, _ := t.Settings["eventName"].(string); name != b.GetName() {
			continue
		}
		if err := e.triggerWorkflow(ctx, ws, t, b); err != nil {
			return err
		}
	}
	return nil
}

// triggerWorkflow starts a run of t's workflow's published version for each event of b.
func (e *workflowEngine) triggerWorkflow(ctx context.Context, ws string, t triggerRecord, b *jobsv1.DatabaseEventBatch) error {
	var wf struct {
		LastPublishedVersionID string `json:"lastPublishedVersionId"`
	}
	if err := e.findOne(ctx, ws, "workflows", t.WorkflowID, &wf); err != nil {
		return fmt.Errorf("read workflow %s: %w", t.WorkflowID, err)
	}
	v, err := e.loadVersion(ctx, ws, wf.LastPublishedVersionID)
	if err != nil || v.Status != versionActive || v.trigger == nil {
		slog.WarnContext(ctx, "automated trigger without an active version", "workspace_id", ws, "workflow_id", t.WorkflowID)
		return nil
	}
	fields := stringsOf(t.Settings["fields"])
	for _, ev := range b.GetEvents() {
		if len(fields) > 0 && !slices.ContainsFunc(ev.GetUpdatedFields(), func(f string) bool { return slices.Contains(fields, f) }) {
			continue // an update trigger that watches other fields
		}
		payload, err := eventPayload(b.GetName(), ev)
		if err != nil {
			slog.WarnContext(ctx, "undecodable event record", "workspace_id", ws, "event", b.GetName(), "error", err.Error())
			continue
		}
		runID := ids.NameUUID(ev.GetId()+"/"+ev.GetRecordId(), t.WorkflowID)
		if err := e.startRun(ctx, ws, v, runID, payload, workflowActor); err != nil {
			return err
		}
	}
	return nil
}

// eventPayload is the trigger's output for one event: the record as it is after the event (as
// it was, for a deletion), which steps read as {{trigger.<field>}}; an update's also carries
// Twenty's properties {before, after, updatedFields}.
func eventPayload(name string, ev *jobsv1.DatabaseEvent) (map[string]any, error) {
	raw := ev.GetAfterJson()
	if strings.HasSuffix(name, ".deleted") || strings.HasSuffix(name, ".destroyed") || len(raw) == 0 {
		raw = ev.GetBeforeJson()
	}
	payload := map[string]any{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &payload); err != nil {
			return nil, err
		}
	}
	if strings.HasSuffix(name, ".updated") {
		var before, after any
		_ = json.Unmarshal(ev.GetBeforeJson(), &before)
		_ = json.Unmarshal(ev.GetAfterJson(), &after)
		payload["properties"] = map[string]any{"before": before, "after": after, "updatedFields": ev.GetUpdatedFields()}
	}
	return payload, nil
}

func stringsOf(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
