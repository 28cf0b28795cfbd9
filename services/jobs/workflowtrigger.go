package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"connectrpc.com/connect"

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
	triggers, err := e.activeTriggers(ctx, ws)
	if err != nil {
		return err
	}
	for _, t := range triggers {
		if t.eventName != b.GetName() {
			continue
		}
		for _, ev := range b.GetEvents() {
			if len(t.fields) > 0 && !slices.ContainsFunc(ev.GetUpdatedFields(), func(f string) bool { return slices.Contains(t.fields, f) }) {
				continue // an update trigger that watches other fields
			}
			payload, err := eventPayload(b.GetName(), ev)
			if err != nil {
				slog.WarnContext(ctx, "undecodable event record", "workspace_id", ws, "event", b.GetName(), "error", err.Error())
				continue
			}
			runID := ids.NameUUID(ev.GetId()+"/"+ev.GetRecordId(), t.workflowID)
			if err := e.startRun(ctx, ws, t.version, runID, payload, workflowActor); err != nil {
				return err
			}
		}
	}
	return nil
}

// activeTrigger is a DATABASE_EVENT trigger with its workflow's active version.
type activeTrigger struct {
	eventName, workflowID string
	fields                []string // an update trigger's watched fields; none: any
	version               *workflowVersion
}

// triggerCacheTTL is how long an isolate keeps a workspace's triggers. Every record event batch
// of every workspace asks for them, and a records call per batch more than halved the event
// pipeline's throughput (1,000 creates at c=10: 59 → 24 events/s); activating or deactivating a
// version drops the isolate's copy at once, other isolates see it within the TTL.
const triggerCacheTTL = 10 * time.Second

// maxCachedWorkspaces bounds the cache; past it, it starts afresh.
const maxCachedWorkspaces = 10_000

// triggerCache holds each workspace's active triggers, read through the records Worker.
type triggerCache struct {
	mu      sync.Mutex
	entries map[string]triggerCacheEntry
}

type triggerCacheEntry struct {
	at       time.Time
	triggers []activeTrigger
}

func (c *triggerCache) get(ws string, now time.Time) ([]activeTrigger, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	en, ok := c.entries[ws]
	if !ok || now.Sub(en.at) > triggerCacheTTL || now.Before(en.at) {
		return nil, false
	}
	return en.triggers, true
}

func (c *triggerCache) put(ws string, now time.Time, triggers []activeTrigger) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCachedWorkspaces {
		c.entries = map[string]triggerCacheEntry{}
	}
	c.entries[ws] = triggerCacheEntry{at: now, triggers: triggers}
}

// forget drops a workspace's triggers, after its workflows changed.
func (c *triggerCache) forget(ws string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, ws)
}

// activeTriggers answers the workspace's DATABASE_EVENT triggers whose workflow has an active
// version, from the cache or the records Worker.
func (e *workflowEngine) activeTriggers(ctx context.Context, ws string) ([]activeTrigger, error) {
	if ts, ok := e.triggers.get(ws, e.now()); ok {
		return ts, nil
	}
	var records []triggerRecord
	if _, err := e.findMany(ctx, ws, "workflowAutomatedTriggers", eqFilter([2]string{"type", "DATABASE_EVENT"}), 200, &records); err != nil {
		return nil, err
	}
	var out []activeTrigger
	for _, t := range records {
		name, _ := t.Settings["eventName"].(string)
		if name == "" {
			continue
		}
		var wf struct {
			LastPublishedVersionID string `json:"lastPublishedVersionId"`
		}
		if err := e.findOne(ctx, ws, "workflows", t.WorkflowID, &wf); err != nil {
			if connect.CodeOf(err) == connect.CodeNotFound {
				continue
			}
			return nil, fmt.Errorf("read workflow %s: %w", t.WorkflowID, err)
		}
		v, err := e.loadVersion(ctx, ws, wf.LastPublishedVersionID)
		if connect.CodeOf(err) == connect.CodeNotFound || (err == nil && (v.Status != versionActive || v.trigger == nil)) {
			slog.WarnContext(ctx, "automated trigger without an active version", "workspace_id", ws, "workflow_id", t.WorkflowID)
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, activeTrigger{eventName: name, workflowID: t.WorkflowID, fields: stringsOf(t.Settings["fields"]), version: v})
	}
	e.triggers.put(ws, e.now(), out)
	return out, nil
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
