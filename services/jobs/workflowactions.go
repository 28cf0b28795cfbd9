package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"connectrpc.com/connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// This file executes Twenty's workflow actions. Each answers its output (the step's result in
// the run's state), a *stepFailure when the step itself failed (its run fails with the message),
// or another error when a dependency failed and the step job should run again.

// stepOutput is what an executed step leaves: its result, and for the engine a delay before the
// steps that follow (DELAY).
type stepOutput struct {
	result any
	delay  time.Duration
}

// stepFailure is a step that failed for good: its run is FAILED with msg.
type stepFailure struct{ msg string }

func (f *stepFailure) Error() string { return f.msg }

func failStep(format string, args ...any) error {
	return &stepFailure{msg: fmt.Sprintf(format, args...)}
}

// maxDelay is the longest a delayed queue message waits (Queues' 12 hours); a longer DELAY
// waits PENDING, its job queued again every 12 hours until its resume time (workflowrun.go).
const maxDelay = 12 * time.Hour

// maxHTTPStepOutput bounds the answer an HTTP_REQUEST step keeps as its output: the run's state
// is one record, saved after every step.
const maxHTTPStepOutput = 64 << 10

// httpStepTimeout bounds an HTTP_REQUEST step's request.
const httpStepTimeout = 10 * time.Second

// execute runs step with its input's variables resolved against vars; runID names the run and,
// inside loops, the iteration (the ids of the records it creates derive from it).
func (e *workflowEngine) execute(ctx context.Context, ws, runID string, step workflowStep, vars map[string]any) (stepOutput, error) {
	in, _ := resolveVariables(step.input(), vars).(map[string]any)
	if in == nil {
		in = map[string]any{}
	}
	switch step.Type {
	case "CREATE_RECORD":
		return e.createRecord(ctx, ws, ids.NameUUID(runID, step.ID), in)
	case "UPDATE_RECORD":
		return e.updateRecord(ctx, ws, in)
	case "DELETE_RECORD":
		return e.deleteRecord(ctx, ws, in)
	case "FIND_RECORDS":
		return e.findRecords(ctx, ws, in)
	case "HTTP_REQUEST":
		return e.httpRequest(ctx, in)
	case "DELAY":
		return delayStep(in, e.now())
	case "IF_ELSE":
		return ifElse(step, vars)
	case "FILTER":
		return filterStep(step, vars)
	case "UPSERT_RECORD":
		return e.upsertRecord(ctx, ws, in)
	case "EMPTY":
		return stepOutput{result: map[string]any{}}, nil
	case "SEND_EMAIL":
		return e.sendEmail(ctx, in)
	case "DRAFT_EMAIL", "CODE", "LOGIC_FUNCTION", "FORM", "AI_AGENT":
		return stepOutput{}, failStep("%s steps are not supported here", step.Type)
	default:
		return stepOutput{}, failStep("Unknown step type %q", step.Type)
	}
}

// pluralOf answers the plural REST name of the workspace's object named singular.
func (e *workflowEngine) pluralOf(ctx context.Context, ws, singular string) (string, error) {
	if singular == "" {
		return "", failStep("Object name is required")
	}
	res, err := e.records.FindObjects(ctx, &recordsv1.FindObjectsRequest{WorkspaceId: ws})
	if err != nil {
		return "", fmt.Errorf("read the workspace's objects: %w", err)
	}
	for _, o := range res.GetObjects() {
		if o.GetNameSingular() == singular {
			return o.GetNamePlural(), nil
		}
	}
	return "", failStep("Object %s not found", singular)
}

// recordFailure makes a refusal of the records Worker (bad input, not found) the step's
// failure; its other errors ask for the job again.
func recordFailure(err error) error {
	switch connect.CodeOf(err) {
	case connect.CodeInvalidArgument, connect.CodeNotFound, connect.CodeAlreadyExists, connect.CodeFailedPrecondition, connect.CodePermissionDenied:
		if ce, ok := errors.AsType[*connect.Error](err); ok {
			return failStep("%s", ce.Message())
		}
		return failStep("%s", err.Error())
	}
	return err
}

// createRecord is CREATE_RECORD {objectName, objectRecord}: the record's id is derived from the
// run and step (unless the step set one), and the write is an upsert, so a step executed twice
// creates one record.
func (e *workflowEngine) createRecord(ctx context.Context, ws, id string, in map[string]any) (stepOutput, error) {
	objectName, _ := in["objectName"].(string)
	plural, err := e.pluralOf(ctx, ws, objectName)
	if err != nil {
		return stepOutput{}, err
	}
	record, _ := in["objectRecord"].(map[string]any)
	if record == nil {
		record = map[string]any{}
	}
	if _, ok := record["id"]; !ok {
		record["id"] = id
	}
	body, err := json.Marshal([]any{record})
	if err != nil {
		return stepOutput{}, failStep("Invalid record: %v", err)
	}
	res, err := e.records.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: plural, RecordsJson: body, Actor: workflowActor, Upsert: true})
	if err != nil {
		return stepOutput{}, recordFailure(err)
	}
	return firstRecord(res.GetRecordsJson())
}

// updateRecord is UPDATE_RECORD {objectName, objectRecordId, objectRecord, fieldsToUpdate}:
// only the fields to update are written when the step names them.
func (e *workflowEngine) updateRecord(ctx context.Context, ws string, in map[string]any) (stepOutput, error) {
	objectName, _ := in["objectName"].(string)
	plural, err := e.pluralOf(ctx, ws, objectName)
	if err != nil {
		return stepOutput{}, err
	}
	id, _ := in["objectRecordId"].(string)
	if !ids.IsUUID(id) {
		return stepOutput{}, failStep("Record id is required")
	}
	record, _ := in["objectRecord"].(map[string]any)
	data := map[string]any{}
	fields, _ := in["fieldsToUpdate"].([]any)
	for k, v := range record {
		if k != "id" && (len(fields) == 0 || slices.Contains(fields, any(k))) {
			data[k] = v
		}
	}
	body, _ := json.Marshal(data) // data came from JSON
	res, err := e.records.UpdateMany(ctx, &recordsv1.UpdateManyRequest{WorkspaceId: ws, ObjectNamePlural: plural,
		Selection: &recordsv1.Selection{By: &recordsv1.Selection_Id{Id: id}}, DataJson: body, Actor: workflowActor})
	if err != nil {
		return stepOutput{}, recordFailure(err)
	}
	return firstRecord(res.GetRecordsJson())
}

// deleteRecord is DELETE_RECORD {objectName, objectRecordId}: a soft delete, as Twenty's.
func (e *workflowEngine) deleteRecord(ctx context.Context, ws string, in map[string]any) (stepOutput, error) {
	objectName, _ := in["objectName"].(string)
	plural, err := e.pluralOf(ctx, ws, objectName)
	if err != nil {
		return stepOutput{}, err
	}
	id, _ := in["objectRecordId"].(string)
	if !ids.IsUUID(id) {
		return stepOutput{}, failStep("Record id is required")
	}
	res, err := e.records.DeleteMany(ctx, &recordsv1.DeleteManyRequest{WorkspaceId: ws, ObjectNamePlural: plural,
		Selection: &recordsv1.Selection{By: &recordsv1.Selection_Id{Id: id}}, Actor: workflowActor})
	if err != nil {
		return stepOutput{}, recordFailure(err)
	}
	return firstRecord(res.GetRecordsJson())
}

// findRecords is FIND_RECORDS {objectName, filter: {gqlOperationFilter}, orderBy:
// {gqlOperationOrderBy}, limit}: its output is Twenty's {first, all, totalCount}, totalCount
// counting every record the filter selects.
func (e *workflowEngine) findRecords(ctx context.Context, ws string, in map[string]any) (stepOutput, error) {
	objectName, _ := in["objectName"].(string)
	plural, err := e.pluralOf(ctx, ws, objectName)
	if err != nil {
		return stepOutput{}, err
	}
	filter, err := findRecordsFilter(in)
	if err != nil {
		return stepOutput{}, err
	}
	order, err := findRecordsOrder(in)
	if err != nil {
		return stepOutput{}, err
	}
	limit := int32(1)
	if l, ok := in["limit"].(float64); ok && l >= 1 {
		limit = int32(min(l, 200))
	}
	res, err := e.records.FindMany(ctx, &recordsv1.FindManyRequest{WorkspaceId: ws, ObjectNamePlural: plural,
		Query: &recordsv1.Query{Filter: filter, OrderBy: order, Limit: limit}})
	if err != nil {
		return stepOutput{}, recordFailure(err)
	}
	var all []any
	if err := json.Unmarshal(res.GetRecordsJson(), &all); err != nil {
		return stepOutput{}, fmt.Errorf("decode %s: %w", plural, err)
	}
	total := res.GetTotalCount()
	var first any
	if len(all) > 0 {
		first = all[0]
	}
	if all == nil {
		all = []any{}
	}
	return stepOutput{result: map[string]any{"first": first, "all": all, "totalCount": total}}, nil
}

func firstRecord(recordsJSON []byte) (stepOutput, error) {
	var records []any
	if err := json.Unmarshal(recordsJSON, &records); err != nil || len(records) == 0 {
		return stepOutput{}, fmt.Errorf("decode the written record: %v", err)
	}
	return stepOutput{result: records[0]}, nil
}

// httpRequest is HTTP_REQUEST {url, method, headers, body}, held to the webhooks' SSRF policy.
// Its output is the answer's body (JSON decoded when it is JSON); a non-2xx answer or an
// unreachable target fails the step, as Twenty's does.
func (e *workflowEngine) httpRequest(ctx context.Context, in map[string]any) (stepOutput, error) {
	url, _ := in["url"].(string)
	if err := e.targets.Check(url); err != nil {
		return stepOutput{}, failStep("Invalid URL: %v", err)
	}
	method := strings.ToUpper(fmt.Sprint(in["method"]))
	if m, _ := in["method"].(string); m == "" {
		method = http.MethodGet
	}
	if !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, method) {
		return stepOutput{}, failStep("Unsupported HTTP method %s", method)
	}
	var body io.Reader
	headers, _ := in["headers"].(map[string]any)
	if b, ok := in["body"]; ok && b != nil && method != http.MethodGet {
		if s, ok := b.(string); ok {
			body = strings.NewReader(s)
		} else {
			raw, _ := json.Marshal(b) // b came from JSON
			body = bytes.NewReader(raw)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, httpStepTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return stepOutput{}, failStep("Invalid request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		if s, ok := v.(string); ok {
			req.Header.Set(k, s)
		}
	}
	res, err := e.http.Do(req)
	if err != nil {
		return stepOutput{}, failStep("HTTP request failed: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, maxHTTPStepOutput+1))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return stepOutput{}, failStep("HTTP request failed with status %d: %s", res.StatusCode, truncate(string(raw), 500))
	}
	var out any
	if len(raw) > maxHTTPStepOutput {
		out = truncate(string(raw), maxHTTPStepOutput) // kept as text, marked cut
	} else if json.Unmarshal(raw, &out) != nil {
		out = string(raw)
	}
	return stepOutput{result: out}, nil
}

// delayStep is DELAY {delayType: DURATION, duration: {days, hours, minutes, seconds}} or
// {delayType: SCHEDULED_DATE, scheduledDateTime}: the next steps are queued as delayed
// messages, so no Worker sleeps.
func delayStep(in map[string]any, now time.Time) (stepOutput, error) {
	var d time.Duration
	switch in["delayType"] {
	case "SCHEDULED_DATE":
		s, _ := in["scheduledDateTime"].(string)
		at, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return stepOutput{}, failStep("Invalid scheduled date %q", s)
		}
		d = max(at.Sub(now), 0)
	case "DURATION", nil:
		dur, _ := in["duration"].(map[string]any)
		num := func(k string) float64 { f, _ := dur[k].(float64); return max(f, 0) }
		d = time.Duration((num("days")*86400 + num("hours")*3600 + num("minutes")*60 + num("seconds")) * float64(time.Second))
	default:
		return stepOutput{}, failStep("Unknown delay type %v", in["delayType"])
	}
	// resumeAt lets a redelivered DELAY job queue what follows no earlier than the first did.
	return stepOutput{result: map[string]any{"success": true, "resumeAt": now.Add(d).UTC().Format(time.RFC3339Nano)}, delay: d}, nil
}
