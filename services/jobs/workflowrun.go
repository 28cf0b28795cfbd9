package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"connectrpc.com/connect"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/requestid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// workflowStepJobType runs one step of one run; its payload is a stepJob.
const workflowStepJobType = "workflow.step"

type stepJob struct {
	RunID  string `json:"runId"`
	StepID string `json:"stepId"`
	// Attempt counts the step's earlier jobs that failed for want of a dependency (retryStep).
	Attempt int `json:"attempt,omitempty"`
	// Iter holds the run's iterators' indices when the job was queued (workflowiterator.go).
	Iter map[string]int `json:"iter,omitempty"`
}

// maxStepAttempts is how many jobs a step gets when the records Worker or the queue fails under
// it (1, 2, 4 and 8 s apart) before its run is FAILED: a run never stays RUNNING because its
// step's job ran out of the queue's own retries.
const maxStepAttempts = 5

// runState is Twenty's WorkflowRunState, the workflowRun's state field: the flow as it was
// when the run started, and each step's (and the trigger's) status, result and error.
type runState struct {
	Flow struct {
		Trigger json.RawMessage `json:"trigger"`
		Steps   json.RawMessage `json:"steps"`
	} `json:"flow"`
	StepInfos        map[string]*stepInfo `json:"stepInfos"`
	WorkflowRunError string               `json:"workflowRunError,omitempty"`
}

type stepInfo struct {
	Status string `json:"status"`
	Result any    `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
	// History are the step's earlier executions in this run, oldest first: a step inside an
	// ITERATOR's loop runs once per item, and Twenty keeps each run's status, result and error.
	History []stepExecution `json:"history,omitempty"`
}

// stepExecution is an entry of a step's history (Twenty's WorkflowRunStepInfoHistoryEntry).
type stepExecution struct {
	Status string `json:"status,omitempty"`
	Result any    `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

// maxStepHistory bounds a step's history to its latest executions, so that a long loop's run
// state stays within a record's size.
const maxStepHistory = 100

// setStepInfo records info as the step's, keeping the history of its earlier executions.
func (s *runState) setStepInfo(id string, info *stepInfo) {
	if prev := s.StepInfos[id]; prev != nil && info.History == nil {
		info.History = prev.History
	}
	s.StepInfos[id] = info
}

// resetStepInfo makes the step NOT_STARTED for a new execution (the next item of a loop); an
// execution it had joins its history.
func (s *runState) resetStepInfo(id string) {
	next := &stepInfo{Status: stepNotStarted}
	if prev := s.StepInfos[id]; prev != nil {
		next.History = prev.History
		if prev.Status != stepNotStarted {
			next.History = append(slices.Clone(prev.History), stepExecution{Status: prev.Status, Result: prev.Result, Error: prev.Error})
		}
		if n := len(next.History); n > maxStepHistory {
			next.History = next.History[n-maxStepHistory:]
		}
	}
	s.StepInfos[id] = next
}

// workflowRunRecord is a workflowRun record as the engine reads it.
type workflowRunRecord struct {
	ID         string    `json:"id"`
	WorkflowID string    `json:"workflowId"` // whose creator the steps act as (workflowprincipal.go)
	Status     string    `json:"status"`
	StartedAt  *string   `json:"startedAt"`
	State      *runState `json:"state"`
}

// startRun creates the run (ENQUEUED, its flow and trigger result in its state) and queues its
// first steps. A run that exists already (the same event delivered twice, a client's retry) is
// not created again; if it is still ENQUEUED its first steps are queued again, which is harmless.
func (e *workflowEngine) startRun(ctx context.Context, ws string, v *workflowVersion, runID string, payload map[string]any, actor *recordsv1.Actor) error {
	var existing workflowRunRecord
	err := e.findOne(ctx, ws, "workflowRuns", runID, &existing)
	switch {
	case err == nil:
		if existing.Status != runEnqueued {
			return nil
		}
	case connect.CodeOf(err) == connect.CodeNotFound:
		decision, err := e.throttle(ctx, ws, actor.GetSource() == "MANUAL")
		if err != nil {
			return err
		}
		if err := e.createRun(ctx, ws, v, runID, payload, actor, decision); err != nil {
			return err
		}
		switch decision {
		case runRefused:
			return nil
		case runDeferred:
			return e.enqueueStart(ctx, ws, runID, e.untilNextMinute())
		}
	default:
		return fmt.Errorf("read workflow run %s: %w", runID, err)
	}
	for _, id := range firstStepIDs(v.trigger, v.steps) {
		if err := e.enqueueStep(ctx, ws, runID, id, 0); err != nil {
			return err
		}
	}
	return nil
}

func (e *workflowEngine) createRun(ctx context.Context, ws string, v *workflowVersion, runID string, payload map[string]any, actor *recordsv1.Actor, decision throttleDecision) error {
	count, err := e.findMany(ctx, ws, "workflowRuns", eqFilter([2]string{"workflowId", v.WorkflowID}), 1, nil)
	if err != nil {
		return err
	}
	state := runState{StepInfos: map[string]*stepInfo{"trigger": {Status: stepSuccess, Result: payload}}}
	state.Flow.Trigger, state.Flow.Steps = v.TriggerRaw, v.StepsRaw
	for _, s := range v.steps {
		state.StepInfos[s.ID] = &stepInfo{Status: stepNotStarted}
	}
	run := map[string]any{"id": runID, "name": fmt.Sprintf("#%d", count+1), "workflowId": v.WorkflowID, "workflowVersionId": v.ID,
		"status": runEnqueued, "enqueuedAt": e.now().UTC().Format(time.RFC3339Nano), "state": &state}
	switch decision {
	case runDeferred:
		run["status"] = runNotStarted
		delete(run, "enqueuedAt")
	case runRefused:
		run["status"], state.WorkflowRunError = runFailed, throttleError
	}
	body, err := json.Marshal([]map[string]any{run})
	if err != nil {
		return fmt.Errorf("encode workflow run: %w", err)
	}
	if _, err := e.records.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "workflowRuns", RecordsJson: body, Actor: actor}); err != nil {
		return fmt.Errorf("create workflow run: %w", err)
	}
	return nil
}

// enqueueStep queues the job of one step of a run, to run after delay. Its id names the run and
// step, so the jobs log keeps one line per step.
func (e *workflowEngine) enqueueStep(ctx context.Context, ws, runID, stepID string, delay time.Duration) error {
	return e.enqueueStepAttempt(ctx, ws, stepJob{RunID: runID, StepID: stepID}, delay)
}

func (e *workflowEngine) enqueueStepAttempt(ctx context.Context, ws string, j stepJob, delay time.Duration) error {
	runID, stepID := j.RunID, j.StepID
	payload, _ := json.Marshal(j) // cannot fail
	body, err := proto.Marshal(&jobsv1.Job{Id: runID + "." + stepID, Type: workflowStepJobType, WorkspaceId: ws, Payload: payload,
		EnqueuedAt: timestamppb.New(e.now()), RequestId: requestid.FromContext(ctx)})
	if err != nil {
		return fmt.Errorf("encode workflow step job: %w", err)
	}
	if err := e.queue.SendDelayed(ctx, body, delay); err != nil {
		return fmt.Errorf("queue step %s of workflow run %s: %w", stepID, runID, err)
	}
	return nil
}

// handleStep runs one step job. A step that fails (a receiver's 500, a bad setting) fails its
// run; a dependency that fails under it (the records Worker, the queue) queues the job again
// (retryStep); an error, when not even the run could be read, asks the queue for the job again.
func (e *workflowEngine) handleStep(ctx context.Context, job *jobsv1.Job) error {
	var j stepJob
	if err := json.Unmarshal(job.GetPayload(), &j); err != nil || j.RunID == "" || j.StepID == "" {
		return fmt.Errorf("%w: bad workflow.step payload", errJobDead)
	}
	ws := job.GetWorkspaceId()
	var run workflowRunRecord
	if err := e.findOne(ctx, ws, "workflowRuns", j.RunID, &run); err != nil {
		if connect.CodeOf(err) == connect.CodeNotFound {
			slog.WarnContext(ctx, "workflow run gone", "workspace_id", ws, "run_id", j.RunID)
			return nil
		}
		return fmt.Errorf("read workflow run %s: %w", j.RunID, err)
	}
	if run.Status == runCompleted || run.Status == runFailed || run.State == nil {
		return nil
	}
	_, steps, err := parseFlow(nil, run.State.Flow.Steps)
	if err != nil {
		return e.failRun(ctx, ws, &run, j.StepID, err.Error())
	}
	step, ok := stepByID(steps, j.StepID)
	if !ok {
		return e.failRun(ctx, ws, &run, j.StepID, "Step "+j.StepID+" not found in the run's flow")
	}
	if staleIteration(run.State, j, steps) {
		slog.InfoContext(ctx, "workflow step job of a past iteration dropped", "workspace_id", ws, "run_id", j.RunID, "step_id", j.StepID)
		return nil
	}
	if step.Type == "ITERATOR" {
		err = e.runIterator(ctx, ws, &run, steps, step, j)
	} else {
		err = e.runStep(ctx, ws, &run, steps, step)
	}
	if err != nil {
		return e.retryStep(ctx, ws, &run, j, err)
	}
	return nil
}

// retryStep queues the step's job again after a dependency failed under it, or fails its run
// after maxStepAttempts; an error (the run could not even be failed) asks the queue to retry.
func (e *workflowEngine) retryStep(ctx context.Context, ws string, run *workflowRunRecord, j stepJob, cause error) error {
	slog.WarnContext(ctx, "workflow step failed", "workspace_id", ws, "run_id", j.RunID, "step_id", j.StepID, "attempt", j.Attempt+1, "error", cause.Error())
	if j.Attempt+1 >= maxStepAttempts {
		if err := e.failRun(ctx, ws, run, j.StepID, fmt.Sprintf("Step could not run after %d attempts: %v", maxStepAttempts, cause)); err != nil {
			return errors.Join(cause, err)
		}
		return nil
	}
	next := j
	next.Attempt++
	if err := e.enqueueStepAttempt(ctx, ws, next, time.Second<<j.Attempt); err != nil {
		return errors.Join(cause, err)
	}
	return nil
}

// runStep executes a step of a loaded run and saves the run; a step that fails fails the run, and
// an error is a dependency's failure.
func (e *workflowEngine) runStep(ctx context.Context, ws string, run *workflowRunRecord, steps []workflowStep, step workflowStep) error {
	info := run.State.StepInfos[step.ID]
	if info != nil && info.Status == stepSuccess {
		return e.advance(ctx, ws, run, steps, step, nil, false) // done before the job was lost
	}
	if info != nil && info.Status == stepPending && step.Type == "DELAY" {
		return e.resumeDelay(ctx, ws, run, steps, step, info)
	}
	creator, err := e.asCreator(ctx, ws, run)
	if err != nil {
		return err // a dependency's failure: the step job is retried
	}
	out, err := e.execute(creator, ws, run.ID+iterationKey(run.State, step.ID, steps), step, runContext(run.State))
	e.afterEffect.reached()
	if failure, ok := errors.AsType[*stepFailure](err); ok {
		return e.failRun(ctx, ws, run, step.ID, failure.msg)
	}
	if err != nil {
		return err
	}
	if out.delay > maxDelay {
		// Longer than a queue message waits: the DELAY is PENDING and its own job comes back.
		run.State.setStepInfo(step.ID, &stepInfo{Status: stepPending, Result: out.result})
		data := map[string]any{"state": run.State, "status": runRunning}
		if run.StartedAt == nil {
			data["startedAt"] = e.now().UTC().Format(time.RFC3339Nano)
		}
		if err := e.update(ctx, ws, "workflowRuns", run.ID, data); err != nil {
			return err
		}
		return e.enqueueStep(ctx, ws, run.ID, step.ID, maxDelay)
	}
	run.State.setStepInfo(step.ID, &stepInfo{Status: stepSuccess, Result: out.result})
	return e.advance(ctx, ws, run, steps, step, &out, true)
}

// resumeDelay handles the job of a PENDING DELAY: queued again while its resume time is more than
// a queue message's wait away, done (and what follows queued for the rest) once it is not.
func (e *workflowEngine) resumeDelay(ctx context.Context, ws string, run *workflowRunRecord, steps []workflowStep, step workflowStep, info *stepInfo) error {
	r, _ := info.Result.(map[string]any)
	at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(r["resumeAt"]))
	if err != nil {
		return e.failRun(ctx, ws, run, step.ID, "Invalid resume time of a pending delay")
	}
	remaining := max(at.Sub(e.now()), 0)
	if remaining > maxDelay {
		return e.enqueueStep(ctx, ws, run.ID, step.ID, maxDelay)
	}
	run.State.setStepInfo(step.ID, &stepInfo{Status: stepSuccess, Result: info.Result})
	return e.advance(ctx, ws, run, steps, step, &stepOutput{result: info.Result, delay: remaining}, true)
}

// advance saves the run after a step and queues the steps that follow it (the branch an
// IF_ELSE chose, after a DELAY's delay); a run with nothing left to run is COMPLETED.
func (e *workflowEngine) advance(ctx context.Context, ws string, run *workflowRunRecord, steps []workflowStep, step workflowStep, out *stepOutput, save bool) error {
	next := nextSteps(step, run.State.StepInfos[step.ID].Result)
	if step.Type == "FILTER" && !filterMatched(run.State.StepInfos[step.ID].Result) {
		// Inside a loop, a filter that does not match goes on with the loop's next item.
		if its := enclosingIterators(step.ID, steps); len(its) > 0 {
			next = []string{its[0].ID}
		}
	}
	// Back into an iterator: it is RUNNING again until it has taken its next item.
	for _, id := range next {
		if s, ok := stepByID(steps, id); ok && s.Type == "ITERATOR" {
			if info := run.State.StepInfos[id]; info != nil && info.Status == stepSuccess {
				info.Status = stepRunning
				save = true
			}
		}
	}
	iter := iterationIndices(run.State, steps)
	var delay time.Duration
	if out != nil {
		delay = out.delay
	} else if r, ok := run.State.StepInfos[step.ID].Result.(map[string]any); ok && step.Type == "DELAY" {
		if at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(r["resumeAt"])); err == nil {
			delay = max(at.Sub(e.now()), 0)
		}
	}
	data := map[string]any{"state": run.State}
	if run.StartedAt == nil {
		data["startedAt"] = e.now().UTC().Format(time.RFC3339Nano)
	}
	status := runRunning
	if len(next) == 0 && !anyPending(run.State, steps) {
		status = runCompleted
		data["endedAt"] = e.now().UTC().Format(time.RFC3339Nano)
	}
	if save || status != run.Status {
		data["status"] = status
		if err := e.update(ctx, ws, "workflowRuns", run.ID, data); err != nil {
			return err
		}
	}
	for _, id := range next {
		if err := e.enqueueStepAttempt(ctx, ws, stepJob{RunID: run.ID, StepID: id, Iter: iter}, delay); err != nil {
			return err
		}
	}
	return nil
}

// anyPending reports whether a step of the run is neither done nor skipped by a branch: only the
// steps reachable from the trigger count, so an IF_ELSE's other branch does not keep a run open.
func anyPending(s *runState, steps []workflowStep) bool {
	var t *workflowTrigger
	_ = json.Unmarshal(s.Flow.Trigger, &t)
	seen := map[string]bool{}
	queue := firstStepIDs(t, steps)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		info := s.StepInfos[id]
		if info == nil || info.Status != stepSuccess {
			return true
		}
		step, ok := stepByID(steps, id)
		if !ok {
			continue
		}
		next := nextSteps(step, info.Result)
		queue = append(queue, next...)
	}
	return false
}

// failRun marks the step and its run FAILED with the step's error.
func (e *workflowEngine) failRun(ctx context.Context, ws string, run *workflowRunRecord, stepID, msg string) error {
	slog.InfoContext(ctx, "workflow run failed", "workspace_id", ws, "run_id", run.ID, "step_id", stepID, "error", msg)
	run.State.setStepInfo(stepID, &stepInfo{Status: stepFailed, Error: msg})
	run.State.WorkflowRunError = msg
	data := map[string]any{"status": runFailed, "state": run.State, "endedAt": e.now().UTC().Format(time.RFC3339Nano)}
	if run.StartedAt == nil {
		data["startedAt"] = data["endedAt"]
	}
	return e.update(ctx, ws, "workflowRuns", run.ID, data)
}

// nextSteps are the steps that follow a done step: its nextStepIds, or for an IF_ELSE those of
// the branch its result names.
func nextSteps(step workflowStep, result any) []string {
	switch step.Type {
	case "IF_ELSE":
		return ifElseNext(step, result)
	case "ITERATOR":
		return iteratorNext(step, result)
	case "FILTER":
		if !filterMatched(result) {
			return nil
		}
	}
	return step.NextStepIDs
}

func stepByID(steps []workflowStep, id string) (workflowStep, bool) {
	for _, s := range steps {
		if s.ID == id {
			return s, true
		}
	}
	return workflowStep{}, false
}

// runContext is what variables resolve against: the trigger's result under "trigger" and each
// done step's result under its id, as Twenty's workflow run context has them.
func runContext(s *runState) map[string]any {
	c := map[string]any{}
	for id, info := range s.StepInfos {
		if info.Status == stepSuccess {
			c[id] = info.Result
		}
	}
	return c
}
