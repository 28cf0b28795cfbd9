package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// The workflow*.go files run Twenty's workflows (modules/workflow) on the jobs queue. A
// workflow's versions, runs and automated triggers are standard records of the workspace, read
// and written through the records Worker (RECORDS binding), so the run's writes are record
// events like any other. A run is one queue job per step ("workflow.step"); the run's state
// (its flow and each step's status, result and error, Twenty's WorkflowRunState) lives in the
// workflowRun record, saved after each step and before the next step is queued, so a step job
// that runs twice finds its step done and only queues what follows. Record actions write with
// ids derived from the run and step (ids.NameUUID), so a step executed twice has its effect once.
//
// workflow.go: the engine and Twenty's three mutations; workflowrun.go: the step jobs;
// workflowactions.go: the actions; workflowvars.go: {{variables}}; workflowtrigger.go: the
// DATABASE_EVENT trigger.

// workflowRecords is what the engine needs of the records Worker (RecordsServiceClient has it).
type workflowRecords interface {
	FindOne(context.Context, *recordsv1.FindOneRequest) (*recordsv1.FindOneResponse, error)
	FindMany(context.Context, *recordsv1.FindManyRequest) (*recordsv1.FindManyResponse, error)
	CreateMany(context.Context, *recordsv1.CreateManyRequest) (*recordsv1.CreateManyResponse, error)
	UpdateMany(context.Context, *recordsv1.UpdateManyRequest) (*recordsv1.MutationResponse, error)
	DeleteMany(context.Context, *recordsv1.DeleteManyRequest) (*recordsv1.MutationResponse, error)
	FindObjects(context.Context, *recordsv1.FindObjectsRequest) (*recordsv1.FindObjectsResponse, error)
}

// workflowEngine serves Twenty's workflow mutations and runs the workflows.
type workflowEngine struct {
	jobsv1connect.UnimplementedWorkflowServiceHandler
	records workflowRecords
	queue   delayedSender // step jobs, delayed for DELAY steps
	http    httpDoer      // HTTP_REQUEST steps
	targets targetChecker // HTTP_REQUEST's SSRF policy, the webhooks' one
	now     func() time.Time
	// triggers are the workspaces' active DATABASE_EVENT triggers (workflowtrigger.go).
	triggers triggerCache
	// control lists the CRON triggers of every workspace (workflowcron.go) and counts the runs
	// for the throttles (workflowthrottle.go); nil: no CRON triggers fire, no runs are throttled.
	control *d1.DB
	// email is SEND_EMAIL's email API (workflowemail.go).
	email emailSender
	// runsPerMinute and runsPerHour override Twenty's throttles (tests); 0: Twenty's.
	runsPerMinute, runsPerHour int
	// afterEffect is the dev crash point between a step's effect and its record (crashpoint.go).
	afterEffect *crashPoint
}

// mount serves the WorkflowService on mux.
func (e *workflowEngine) mount(mux *http.ServeMux) {
	mux.Handle(jobsv1connect.NewWorkflowServiceHandler(e, rpc.HandlerOptions()...))
}

// workflowActor is who writes the records a workflow writes (Twenty's WORKFLOW actor).
var workflowActor = &recordsv1.Actor{Source: "WORKFLOW", Name: "Workflow"}

// Twenty's statuses of versions, workflows and runs, and of a run's steps.
const (
	versionDraft       = "DRAFT"
	versionActive      = "ACTIVE"
	versionDeactivated = "DEACTIVATED"
	versionArchived    = "ARCHIVED"

	runEnqueued  = "ENQUEUED"
	runRunning   = "RUNNING"
	runCompleted = "COMPLETED"
	runFailed    = "FAILED"

	stepNotStarted = "NOT_STARTED"
	stepPending    = "PENDING"
	stepSuccess    = "SUCCESS"
	stepFailed     = "FAILED"
)

// workflowTrigger is a version's trigger: its type (DATABASE_EVENT, MANUAL, CRON, WEBHOOK), its
// settings (eventName, …) and, in the newest Twenty, the steps it starts.
type workflowTrigger struct {
	Type        string         `json:"type"`
	Settings    map[string]any `json:"settings"`
	NextStepIDs []string       `json:"nextStepIds"`
}

// workflowStep is one action of a version's steps.
type workflowStep struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Type        string         `json:"type"`
	Settings    map[string]any `json:"settings"`
	NextStepIDs []string       `json:"nextStepIds"`
}

// input is the step's settings.input, the part where variables are resolved.
func (s workflowStep) input() map[string]any {
	in, _ := s.Settings["input"].(map[string]any)
	return in
}

// workflowVersion is a workflowVersion record as the engine reads it; trigger and steps are
// also kept as stored, for the run's flow.
type workflowVersion struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Status     string          `json:"status"`
	WorkflowID string          `json:"workflowId"`
	TriggerRaw json.RawMessage `json:"trigger"`
	StepsRaw   json.RawMessage `json:"steps"`
	trigger    *workflowTrigger
	steps      []workflowStep
}

// firstStepIDs are the steps a run starts with: the trigger's nextStepIds, or the first step
// (Twenty's versions before nextStepIds on the trigger).
func firstStepIDs(t *workflowTrigger, steps []workflowStep) []string {
	if t != nil && len(t.NextStepIDs) > 0 {
		return t.NextStepIDs
	}
	if len(steps) > 0 {
		return []string{steps[0].ID}
	}
	return nil
}

// parseFlow reads a trigger and steps as stored (null when unset).
func parseFlow(triggerRaw, stepsRaw json.RawMessage) (*workflowTrigger, []workflowStep, error) {
	var t *workflowTrigger
	if len(triggerRaw) > 0 {
		if err := json.Unmarshal(triggerRaw, &t); err != nil {
			return nil, nil, fmt.Errorf("trigger: %w", err)
		}
	}
	var steps []workflowStep
	if len(stepsRaw) > 0 {
		if err := json.Unmarshal(stepsRaw, &steps); err != nil {
			return nil, nil, fmt.Errorf("steps: %w", err)
		}
	}
	return t, steps, nil
}

// refused is a mutation's refusal with Twenty's message.
func refused(code connect.Code, msg string) error { return connect.NewError(code, errors.New(msg)) }

var errVersionNotFound = refused(connect.CodeNotFound, "Workflow version not found")

// loadVersion reads a version of the workspace.
func (e *workflowEngine) loadVersion(ctx context.Context, workspaceID, id string) (*workflowVersion, error) {
	var v workflowVersion
	if err := e.findOne(ctx, workspaceID, "workflowVersions", id, &v); err != nil {
		if connect.CodeOf(err) == connect.CodeNotFound || connect.CodeOf(err) == connect.CodeInvalidArgument {
			return nil, errVersionNotFound
		}
		return nil, err
	}
	t, steps, err := parseFlow(v.TriggerRaw, v.StepsRaw)
	if err != nil {
		return nil, refused(connect.CodeInvalidArgument, "Invalid workflow version: "+err.Error())
	}
	v.trigger, v.steps = t, steps
	return &v, nil
}

// findOne reads one record into out.
func (e *workflowEngine) findOne(ctx context.Context, workspaceID, plural, id string, out any) error {
	res, err := e.records.FindOne(ctx, &recordsv1.FindOneRequest{WorkspaceId: workspaceID, ObjectNamePlural: plural, Id: id})
	if err != nil {
		return err
	}
	if err := json.Unmarshal(res.GetRecordJson(), out); err != nil {
		return fmt.Errorf("decode %s record: %w", plural, err)
	}
	return nil
}

// update sets data on the record id of plural.
func (e *workflowEngine) update(ctx context.Context, workspaceID, plural, id string, data map[string]any) error {
	body, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode %s update: %w", plural, err)
	}
	_, err = e.records.UpdateMany(ctx, &recordsv1.UpdateManyRequest{WorkspaceId: workspaceID, ObjectNamePlural: plural,
		Selection: &recordsv1.Selection{By: &recordsv1.Selection_Id{Id: id}}, DataJson: body, Actor: workflowActor})
	if err != nil {
		return fmt.Errorf("update %s %s: %w", plural, id, err)
	}
	return nil
}

// eqFilter is the filter field = value (value an id or an option).
func eqFilter(conds ...[2]string) *recordsv1.Filter {
	var fs []*recordsv1.Filter
	for _, c := range conds {
		fs = append(fs, &recordsv1.Filter{Node: &recordsv1.Filter_Condition{Condition: &recordsv1.Condition{
			Field: c[0], Op: "eq", Value: &recordsv1.Value{Raw: c[1], Quoted: true}}}})
	}
	if len(fs) == 1 {
		return fs[0]
	}
	return &recordsv1.Filter{Node: &recordsv1.Filter_And{And: &recordsv1.FilterList{Filters: fs}}}
}

// findMany reads up to limit records of plural that filter selects into out (a slice pointer)
// and answers their total count.
func (e *workflowEngine) findMany(ctx context.Context, workspaceID, plural string, filter *recordsv1.Filter, limit int32, out any) (int32, error) {
	res, err := e.records.FindMany(ctx, &recordsv1.FindManyRequest{WorkspaceId: workspaceID, ObjectNamePlural: plural,
		Query: &recordsv1.Query{Filter: filter, Limit: limit}})
	if err != nil {
		return 0, fmt.Errorf("find %s: %w", plural, err)
	}
	if out != nil {
		if err := json.Unmarshal(res.GetRecordsJson(), out); err != nil {
			return 0, fmt.Errorf("decode %s: %w", plural, err)
		}
	}
	return res.GetTotalCount(), nil
}
