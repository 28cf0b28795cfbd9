package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"connectrpc.com/connect"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/requestid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// This file is Twenty's workflow run throttling (WORKFLOW_EXEC_SOFT_THROTTLE_* and
// WORKFLOW_EXEC_HARD_THROTTLE_*), per workspace as Twenty's: past 100 runs in a minute, a run a
// trigger starts is created NOT_STARTED and a "workflow.start" job comes back for it in a later
// minute, when the minute's budget allows it (deferred, never dropped; a MANUAL run is not held
// back); past 5,000 runs in an hour, a run is created FAILED with Twenty's "Throttle limit
// reached". The counts are fixed windows in the control database (migrations/0010), counted
// by one upsert each, so every isolate sees the same ones.

const (
	defaultRunsPerMinute = 100
	defaultRunsPerHour   = 5000
	throttleError        = "Throttle limit reached"
	runNotStarted        = "NOT_STARTED"
	// workflowStartJobType starts a deferred run; its payload is {"runId"}.
	workflowStartJobType = "workflow.start"
)

type throttleDecision int

const (
	runAllowed throttleDecision = iota
	runDeferred
	runRefused
)

// limits answers the engine's limits (fields set by tests, else Twenty's).
func (e *workflowEngine) limits() (perMinute, perHour int) {
	perMinute, perHour = e.runsPerMinute, e.runsPerHour
	if perMinute == 0 {
		perMinute = defaultRunsPerMinute
	}
	if perHour == 0 {
		perHour = defaultRunsPerHour
	}
	return perMinute, perHour
}

// countRun adds a run to the workspace's window of kind and answers the window's count.
func (e *workflowEngine) countRun(ctx context.Context, ws, kind string, window time.Duration) (int, error) {
	start := e.now().UTC().Truncate(window).Format(time.RFC3339)
	var n int
	err := e.control.QueryRowContext(ctx, `INSERT INTO workflow_run_counts (workspace_id, kind, window_start, runs) VALUES (?, ?, ?, 1)
ON CONFLICT (workspace_id, kind, window_start) DO UPDATE SET runs = runs + 1 RETURNING runs`, ws, kind, start).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count workflow run: %w", err)
	}
	return n, nil
}

// throttle decides a new run's fate; manual runs are held only to the hour's limit.
func (e *workflowEngine) throttle(ctx context.Context, ws string, manual bool) (throttleDecision, error) {
	if e.control == nil {
		return runAllowed, nil
	}
	perMinute, perHour := e.limits()
	n, err := e.countRun(ctx, ws, "hour", time.Hour)
	if err != nil {
		return runAllowed, err
	}
	if n > perHour {
		slog.WarnContext(ctx, "workflow run refused: hourly throttle", "workspace_id", ws, "runs", n)
		return runRefused, nil
	}
	if manual {
		return runAllowed, nil
	}
	if n, err = e.countRun(ctx, ws, "minute", time.Minute); err != nil {
		return runAllowed, err
	}
	if n > perMinute {
		return runDeferred, nil
	}
	return runAllowed, nil
}

// untilNextMinute is the wait before a deferred run tries again.
func (e *workflowEngine) untilNextMinute() time.Duration {
	now := e.now()
	return now.Truncate(time.Minute).Add(time.Minute).Sub(now) + time.Second
}

// enqueueStart queues the start job of a deferred run.
func (e *workflowEngine) enqueueStart(ctx context.Context, ws, runID string, delay time.Duration) error {
	payload, _ := json.Marshal(map[string]string{"runId": runID}) // cannot fail
	body, err := proto.Marshal(&jobsv1.Job{Id: runID + ".start", Type: workflowStartJobType, WorkspaceId: ws, Payload: payload,
		EnqueuedAt: timestamppb.New(e.now()), RequestId: requestid.FromContext(ctx)})
	if err != nil {
		return fmt.Errorf("encode workflow start job: %w", err)
	}
	if err := e.queue.SendDelayed(ctx, body, delay); err != nil {
		return fmt.Errorf("queue the start of workflow run %s: %w", runID, err)
	}
	return nil
}

// handleStart starts a deferred run when this minute's budget allows it, or defers it again.
func (e *workflowEngine) handleStart(ctx context.Context, job *jobsv1.Job) error {
	var j struct {
		RunID string `json:"runId"`
	}
	if err := json.Unmarshal(job.GetPayload(), &j); err != nil || j.RunID == "" {
		return fmt.Errorf("%w: bad workflow.start payload", errJobDead)
	}
	ws := job.GetWorkspaceId()
	var run workflowRunRecord
	if err := e.findOne(ctx, ws, "workflowRuns", j.RunID, &run); err != nil {
		if connect.CodeOf(err) == connect.CodeNotFound {
			return nil
		}
		return fmt.Errorf("read workflow run %s: %w", j.RunID, err)
	}
	if run.Status != runNotStarted || run.State == nil {
		return nil // started already (a duplicate job)
	}
	if e.control != nil {
		perMinute, _ := e.limits()
		n, err := e.countRun(ctx, ws, "minute", time.Minute)
		if err != nil {
			return err
		}
		if n > perMinute {
			return e.enqueueStart(ctx, ws, run.ID, e.untilNextMinute())
		}
	}
	t, steps, err := parseFlow(run.State.Flow.Trigger, run.State.Flow.Steps)
	if err != nil {
		return e.failRun(ctx, ws, &run, "trigger", err.Error())
	}
	if err := e.update(ctx, ws, "workflowRuns", run.ID, map[string]any{"status": runEnqueued, "enqueuedAt": e.now().UTC().Format(time.RFC3339Nano)}); err != nil {
		return err
	}
	for _, id := range firstStepIDs(t, steps) {
		if err := e.enqueueStep(ctx, ws, run.ID, id, 0); err != nil {
			return err
		}
	}
	return nil
}

// pruneRunCounts drops the throttle windows that are over.
func (e *workflowEngine) pruneRunCounts(ctx context.Context) error {
	before := e.now().UTC().Add(-2 * time.Hour).Format(time.RFC3339)
	if _, err := e.control.ExecContext(ctx, `DELETE FROM workflow_run_counts WHERE window_start < ?`, before); err != nil {
		return fmt.Errorf("prune workflow run counts: %w", err)
	}
	return nil
}
