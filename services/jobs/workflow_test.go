package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/webhookurl"
)

const (
	wfWorkspace = "20202020-1c25-4d02-bf25-6aeccf7ea419"
	wfID        = "0b7e1a6c-3f59-4d2e-9a51-6c8f1d2e3a40"
	wfVersionID = "1c8f2b7d-4a6a-4e3f-8b62-7d9a2e3f4b51"
)

func newTestEngine(t *testing.T) (*workflowEngine, *fakeRecords, *fakeQueue) {
	t.Helper()
	recs, q := newFakeRecords(), &fakeQueue{}
	return &workflowEngine{records: recs, queue: q, http: http.DefaultClient, targets: webhookurl.Policy{AllowLoopback: true},
		now: func() time.Time { return testNow }}, recs, q
}

// putWorkflow stores a workflow and its draft version with trigger and steps (JSON).
func putWorkflow(recs *fakeRecords, trigger, steps string) {
	recs.put("workflows", map[string]any{"id": wfID, "name": "Follow up", "statuses": []string{"DRAFT"}})
	recs.put("workflowVersions", map[string]any{"id": wfVersionID, "name": "v1", "status": "DRAFT", "workflowId": wfID,
		"trigger": json.RawMessage(trigger), "steps": json.RawMessage(steps)})
}

// drain runs the queued step jobs until none is left and answers the delay each step's job was
// queued with.
func drain(t *testing.T, e *workflowEngine, q *fakeQueue) map[string]time.Duration {
	t.Helper()
	delays := map[string]time.Duration{}
	for range 20 {
		jobs := q.take()
		if len(jobs) == 0 {
			return delays
		}
		for _, j := range jobs {
			var sj stepJob
			_ = json.Unmarshal(j.job.GetPayload(), &sj)
			delays[sj.StepID] = j.delay
			if err := e.handleStep(context.Background(), j.job); err != nil {
				t.Fatalf("step job %s: %v", j.job.GetId(), err)
			}
		}
	}
	t.Fatal("the run did not end")
	return nil
}

const personCreatedTrigger = `{"type":"DATABASE_EVENT","name":"When a person is created","settings":{"eventName":"person.created","outputSchema":{}},"nextStepIds":["s1"]}`

func followUpSteps(receiverURL string) string {
	return `[
 {"id":"s1","name":"Create task","type":"CREATE_RECORD","valid":true,"settings":{"input":{"objectName":"task","objectRecord":{"title":"Call {{trigger.name.firstName}}"}}},"nextStepIds":["s2"]},
 {"id":"s2","name":"Link task","type":"CREATE_RECORD","valid":true,"settings":{"input":{"objectName":"taskTarget","objectRecord":{"taskId":"{{s1.id}}","personId":"{{trigger.id}}"}}},"nextStepIds":["s3"]},
 {"id":"s3","name":"Wait","type":"DELAY","valid":true,"settings":{"input":{"delayType":"DURATION","duration":{"seconds":2}}},"nextStepIds":["s4"]},
 {"id":"s4","name":"Notify","type":"HTTP_REQUEST","valid":true,"settings":{"input":{"url":"` + receiverURL + `","method":"POST","headers":{"X-Test":"1"},"body":{"name":"{{trigger.name.firstName}} {{trigger.name.lastName}}","task":"{{s1.title}}"}}},"nextStepIds":[]}
]`
}

func personCreated(eventID, personID, first, last string) *jobsv1.DatabaseEventBatch {
	after, _ := json.Marshal(map[string]any{"id": personID, "name": map[string]any{"firstName": first, "lastName": last}})
	return &jobsv1.DatabaseEventBatch{Name: "person.created", WorkspaceId: wfWorkspace, ObjectNameSingular: "person",
		Events: []*jobsv1.DatabaseEvent{{Id: eventID, RecordId: personID, AfterJson: after}}}
}

func activate(t *testing.T, e *workflowEngine) {
	t.Helper()
	if _, err := e.ActivateVersion(context.Background(), &jobsv1.ActivateVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID}); err != nil {
		t.Fatalf("ActivateVersion: %v", err)
	}
}

func runOf(t *testing.T, recs *fakeRecords) map[string]any {
	t.Helper()
	runs := recs.all("workflowRuns")
	if len(runs) != 1 {
		t.Fatalf("workflow runs = %d, want 1", len(runs))
	}
	return runs[0]
}

func stepStatuses(run map[string]any) map[string]string {
	out := map[string]string{}
	for id, info := range run["state"].(map[string]any)["stepInfos"].(map[string]any) {
		out[id] = info.(map[string]any)["status"].(string)
	}
	return out
}

func TestWorkflowRunsOnDatabaseEvent(t *testing.T) {
	e, recs, q := newTestEngine(t)
	rc := newReceiver(t)
	putWorkflow(recs, personCreatedTrigger, followUpSteps(rc.URL))
	activate(t, e)
	if got := recs.get("workflowVersions", wfVersionID)["status"]; got != "ACTIVE" {
		t.Errorf("version status = %v, want ACTIVE", got)
	}
	if wf := recs.get("workflows", wfID); wf["lastPublishedVersionId"] != wfVersionID {
		t.Errorf("workflow = %v, want its version published", wf)
	}
	if n := len(recs.all("workflowAutomatedTriggers")); n != 1 {
		t.Fatalf("automated triggers = %d, want 1", n)
	}

	const personID = "5f0e5c0a-6f2b-4c8e-9d3a-2b1c0d9e8f70"
	batch := personCreated("ev-1", personID, "Ada", "Lovelace")
	for range 2 { // the batch delivered twice starts one run (its first step queued twice is harmless)
		if err := e.handleEvents(context.Background(), batch); err != nil {
			t.Fatalf("handleEvents: %v", err)
		}
	}
	delays := drain(t, e, q)
	if diff := cmp.Diff(map[string]time.Duration{"s1": 0, "s2": 0, "s3": 0, "s4": 2 * time.Second}, delays); diff != "" {
		t.Errorf("step job delays (-want +got):\n%s", diff)
	}
	run := runOf(t, recs)
	if run["status"] != "COMPLETED" || run["endedAt"] == nil || run["startedAt"] == nil || run["name"] != "#1" {
		t.Errorf("run = %v, want #1 COMPLETED with startedAt and endedAt", run)
	}
	want := map[string]string{"trigger": "SUCCESS", "s1": "SUCCESS", "s2": "SUCCESS", "s3": "SUCCESS", "s4": "SUCCESS"}
	if diff := cmp.Diff(want, stepStatuses(run)); diff != "" {
		t.Errorf("step statuses (-want +got):\n%s", diff)
	}
	taskID := ids.NameUUID(run["id"].(string), "s1")
	if task := recs.get("tasks", taskID); task == nil || task["title"] != "Call Ada" || task["createdBy"].(map[string]any)["source"] != "WORKFLOW" {
		t.Errorf("task %s = %v, want Call Ada created by the workflow", taskID, task)
	}
	targets := recs.all("taskTargets")
	if len(targets) != 1 || targets[0]["taskId"] != taskID || targets[0]["personId"] != personID {
		t.Errorf("task targets = %v, want the task linked to the person", targets)
	}
	got := rc.got()
	if len(got) != 1 || got[0].body != `{"name":"Ada Lovelace","task":"Call Ada"}` || got[0].header.Get("X-Test") != "1" {
		t.Errorf("receiver got %+v", got)
	}
	s1 := run["state"].(map[string]any)["stepInfos"].(map[string]any)["s1"].(map[string]any)["result"].(map[string]any)
	if s1["id"] != taskID {
		t.Errorf("s1 output = %v, want the task", s1)
	}
}

func TestWorkflowStepRunsTwiceCreatesOnce(t *testing.T) {
	e, recs, q := newTestEngine(t)
	rc := newReceiver(t)
	putWorkflow(recs, personCreatedTrigger, followUpSteps(rc.URL))
	activate(t, e)
	if err := e.handleEvents(context.Background(), personCreated("ev-2", "6a1f6d1b-7a3c-4d9f-8e4b-3c2d1e0f9a81", "Alan", "Turing")); err != nil {
		t.Fatal(err)
	}
	// The first step creates its task, then the run's save is lost (the isolate died): the job
	// runs again and the task is written once.
	recs.failRunUpdates = 1
	first := q.take()
	if err := e.handleStep(context.Background(), first[0].job); err != nil {
		t.Fatal(err)
	}
	retry := q.take()
	if len(retry) != 1 || retry[0].delay != time.Second || !strings.Contains(string(retry[0].job.GetPayload()), `"attempt":1`) {
		t.Fatalf("after a lost save queued %+v, want the step's job again in 1 s", retry)
	}
	if err := e.handleStep(context.Background(), retry[0].job); err != nil {
		t.Fatal(err)
	}
	// The same job delivered once more after it succeeded runs nothing again.
	if err := e.handleStep(context.Background(), first[0].job); err != nil {
		t.Fatal(err)
	}
	drain(t, e, q)
	if n := recs.creates["tasks"]; n != 1 {
		t.Errorf("tasks created = %d, want 1", n)
	}
	if n := len(rc.got()); n != 1 {
		t.Errorf("receiver got %d requests, want 1", n)
	}
	if run := runOf(t, recs); run["status"] != "COMPLETED" {
		t.Errorf("run status = %v, want COMPLETED", run["status"])
	}
}

func TestWorkflowRunFails(t *testing.T) {
	tests := []struct {
		name, step, wantErr string
		policy              webhookurl.Policy
	}{
		{"receiver answers 500", `{"id":"s1","type":"HTTP_REQUEST","settings":{"input":{"url":"RECEIVER","method":"POST","body":{"a":1}}}}`,
			"HTTP request failed with status 500", webhookurl.Policy{AllowLoopback: true}},
		{"private target", `{"id":"s1","type":"HTTP_REQUEST","settings":{"input":{"url":"http://169.254.169.254/latest","method":"GET"}}}`,
			"Invalid URL", webhookurl.Policy{}},
		{"send email unconfigured", `{"id":"s1","type":"SEND_EMAIL","settings":{"input":{"email":"a@b.c"}}}`, "Email sending is not configured", webhookurl.Policy{}},
		{"code", `{"id":"s1","type":"CODE","settings":{"input":{}}}`, "CODE steps are not supported here", webhookurl.Policy{}},
		{"unknown object", `{"id":"s1","type":"CREATE_RECORD","settings":{"input":{"objectName":"rocket","objectRecord":{}}}}`, "Object rocket not found", webhookurl.Policy{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, recs, q := newTestEngine(t)
			e.targets = tt.policy
			rc := newReceiver(t)
			rc.answer(http.StatusInternalServerError)
			putWorkflow(recs, `{"type":"MANUAL","settings":{}}`, "["+strings.ReplaceAll(tt.step, "RECEIVER", rc.URL)+"]")
			res, err := e.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID})
			if err != nil {
				t.Fatal(err)
			}
			drain(t, e, q)
			run := recs.get("workflowRuns", res.GetWorkflowRunId())
			state := run["state"].(map[string]any)
			s1 := state["stepInfos"].(map[string]any)["s1"].(map[string]any)
			if run["status"] != "FAILED" || s1["status"] != "FAILED" || !strings.Contains(s1["error"].(string), tt.wantErr) ||
				state["workflowRunError"] != s1["error"] || run["endedAt"] == nil {
				t.Errorf("run = %v, want FAILED with %q", run, tt.wantErr)
			}
		})
	}
}

func TestWorkflowActivationIsValidated(t *testing.T) {
	tests := []struct {
		name, trigger, steps, status string
		want                         connect.Code
		wantMsg                      string
	}{
		{"no trigger", `null`, `[{"id":"s1","type":"DELAY"}]`, "DRAFT", connect.CodeInvalidArgument, "No trigger type provided"},
		{"no steps", personCreatedTrigger, `[]`, "DRAFT", connect.CodeInvalidArgument, "No steps provided in workflow version"},
		{"no event name", `{"type":"DATABASE_EVENT","settings":{}}`, `[{"id":"s1","type":"DELAY"}]`, "DRAFT", connect.CodeInvalidArgument, "No event name provided in database event trigger"},
		{"already active", personCreatedTrigger, `[{"id":"s1","type":"DELAY"}]`, "ACTIVE", connect.CodeInvalidArgument, "Cannot activate non-draft or non-last-published version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, recs, _ := newTestEngine(t)
			putWorkflow(recs, tt.trigger, tt.steps)
			v := recs.get("workflowVersions", wfVersionID)
			v["status"] = tt.status
			recs.put("workflowVersions", v)
			_, err := e.ActivateVersion(context.Background(), &jobsv1.ActivateVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID})
			if connect.CodeOf(err) != tt.want || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("ActivateVersion = %v, want %v %q", err, tt.want, tt.wantMsg)
			}
		})
	}
	e, _, _ := newTestEngine(t)
	_, err := e.ActivateVersion(context.Background(), &jobsv1.ActivateVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: ids.NewUUID()})
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("activating a missing version = %v, want NotFound", err)
	}
}

func TestWorkflowDeactivationStopsTriggering(t *testing.T) {
	e, recs, q := newTestEngine(t)
	putWorkflow(recs, personCreatedTrigger, `[{"id":"s1","type":"DELAY","settings":{"input":{"delayType":"DURATION","duration":{"seconds":0}}}}]`)
	activate(t, e)
	if _, err := e.DeactivateVersion(context.Background(), &jobsv1.DeactivateVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID}); err != nil {
		t.Fatal(err)
	}
	if err := e.handleEvents(context.Background(), personCreated("ev-3", ids.NewUUID(), "Grace", "Hopper")); err != nil {
		t.Fatal(err)
	}
	if n := len(q.take()); n != 0 || len(recs.all("workflowRuns")) != 0 || len(recs.all("workflowAutomatedTriggers")) != 0 {
		t.Errorf("after deactivation: %d jobs, runs %v", n, recs.all("workflowRuns"))
	}
	if got := recs.get("workflowVersions", wfVersionID)["status"]; got != "DEACTIVATED" {
		t.Errorf("version status = %v, want DEACTIVATED", got)
	}
}

func TestResolveVariables(t *testing.T) {
	vars := map[string]any{
		"trigger": map[string]any{"id": "p1", "name": map[string]any{"firstName": "Ada"}, "tags": []any{"a", "b"}, "n": 3.0},
		"s1":      map[string]any{"id": "t1"},
	}
	tests := []struct {
		in, want any
	}{
		{"{{trigger.name.firstName}}", "Ada"},
		{"Hello {{ trigger.name.firstName }}!", "Hello Ada!"},
		{"{{trigger.name}}", map[string]any{"firstName": "Ada"}},
		{"x {{trigger.name}}", `x {"firstName":"Ada"}`},
		{"{{trigger.tags.1}}", "b"},
		{"{{trigger.n}}", 3.0},
		{"n={{trigger.n}}", "n=3"},
		{"{{trigger.missing.deep}}", nil},
		{"[{{trigger.missing}}]", "[]"},
		{map[string]any{"a": []any{"{{s1.id}}", 1.0}}, map[string]any{"a": []any{"t1", 1.0}}},
		{"no variables", "no variables"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, resolveVariables(tt.in, vars)); diff != "" {
			t.Errorf("resolveVariables(%v) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestDelayStep(t *testing.T) {
	tests := []struct {
		in      map[string]any
		want    time.Duration
		wantErr bool
	}{
		{map[string]any{"delayType": "DURATION", "duration": map[string]any{"minutes": 1.0, "seconds": 30.0}}, 90 * time.Second, false},
		{map[string]any{"delayType": "SCHEDULED_DATE", "scheduledDateTime": testNow.Add(time.Hour).Format(time.RFC3339)}, time.Hour, false},
		{map[string]any{"delayType": "SCHEDULED_DATE", "scheduledDateTime": testNow.Add(-time.Hour).Format(time.RFC3339)}, 0, false},
		{map[string]any{"delayType": "DURATION", "duration": map[string]any{"days": 2.0}}, 48 * time.Hour, false},
		{map[string]any{"delayType": "SOMETIME"}, 0, true},
	}
	for _, tt := range tests {
		out, err := delayStep(tt.in, testNow)
		if (err != nil) != tt.wantErr || (err == nil && out.delay != tt.want) {
			t.Errorf("delayStep(%v) = %v, %v; want %v (error %v)", tt.in, out.delay, err, tt.want, tt.wantErr)
		}
	}
}

func TestWorkflowIfElseBranches(t *testing.T) {
	steps := `[
 {"id":"check","type":"IF_ELSE","settings":{"input":{
   "stepFilterGroups":[{"id":"g1","logicalOperator":"AND"},{"id":"g2","logicalOperator":"OR","parentStepFilterGroupId":"g1"}],
   "stepFilters":[
     {"id":"f1","type":"NUMBER","operand":"GREATER_THAN_OR_EQUAL","stepOutputKey":"{{trigger.amount}}","value":"1000","stepFilterGroupId":"g1"},
     {"id":"f2","type":"TEXT","operand":"CONTAINS","stepOutputKey":"{{trigger.name}}","value":"Corp","stepFilterGroupId":"g2"},
     {"id":"f3","type":"TEXT","operand":"is","stepOutputKey":"{{trigger.name}}","value":"Acme","stepFilterGroupId":"g2"}],
   "branches":[{"id":"b-big","filterGroupId":"g1","nextStepIds":["big"]},{"id":"b-else","nextStepIds":["small"]}]}}},
 {"id":"big","type":"CREATE_RECORD","settings":{"input":{"objectName":"task","objectRecord":{"title":"Big: {{trigger.name}}"}}},"nextStepIds":[]},
 {"id":"small","type":"CREATE_RECORD","settings":{"input":{"objectName":"task","objectRecord":{"title":"Small: {{trigger.name}}"}}},"nextStepIds":[]}
]`
	tests := []struct {
		payload         string
		branch, title   string
		ran, notStarted string
	}{
		{`{"amount":5000,"name":"Globex Corp"}`, "b-big", "Big: Globex Corp", "big", "small"},
		{`{"amount":5000,"name":"Acme"}`, "b-big", "Big: Acme", "big", "small"},
		{`{"amount":5000,"name":"Initech"}`, "b-else", "Small: Initech", "small", "big"},
		{`{"amount":10,"name":"Acme"}`, "b-else", "Small: Acme", "small", "big"},
	}
	for _, tt := range tests {
		t.Run(tt.payload, func(t *testing.T) {
			e, recs, q := newTestEngine(t)
			putWorkflow(recs, `{"type":"MANUAL","settings":{}}`, steps)
			res, err := e.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID, PayloadJson: []byte(tt.payload)})
			if err != nil {
				t.Fatal(err)
			}
			drain(t, e, q)
			run := recs.get("workflowRuns", res.GetWorkflowRunId())
			statuses := stepStatuses(run)
			infos := run["state"].(map[string]any)["stepInfos"].(map[string]any)
			branch := infos["check"].(map[string]any)["result"].(map[string]any)["matchingBranchId"]
			if run["status"] != "COMPLETED" || branch != tt.branch || statuses[tt.ran] != "SUCCESS" || statuses[tt.notStarted] != "NOT_STARTED" {
				t.Errorf("run = %v (branch %v), want COMPLETED through %s", statuses, branch, tt.branch)
			}
			tasks := recs.all("tasks")
			if len(tasks) != 1 || tasks[0]["title"] != tt.title {
				t.Errorf("tasks = %v, want %q", tasks, tt.title)
			}
		})
	}
}

func TestWorkflowServiceOverConnect(t *testing.T) {
	e, recs, q := newTestEngine(t)
	putWorkflow(recs, `{"type":"MANUAL","settings":{}}`, `[{"id":"s1","type":"DELAY","settings":{"input":{"delayType":"DURATION","duration":{"seconds":0}}}}]`)
	recs.put("workspaceMembers", map[string]any{"id": "7d2c1b0a-9e8f-4a6b-8c5d-4e3f2a1b0c9d", "name": map[string]any{"firstName": "Ada", "lastName": "Lovelace"}})
	mux := http.NewServeMux()
	e.mount(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	client := jobsv1connect.NewWorkflowServiceClient(srv.Client(), srv.URL)
	_, err := client.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: "other-workspace", WorkflowVersionId: wfVersionID})
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("running another workspace's version = %v, want NotFound", err)
	}
	const runID = "3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b"
	for range 2 { // a client's retry with the same run id starts one run
		res, err := client.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID,
			WorkflowRunId: runID, PayloadJson: []byte(`{"x":1}`), WorkspaceMemberId: "7d2c1b0a-9e8f-4a6b-8c5d-4e3f2a1b0c9d"})
		if err != nil || res.GetWorkflowRunId() != runID {
			t.Fatalf("RunVersion = %v, %v", res, err)
		}
	}
	drain(t, e, q)
	run := runOf(t, recs)
	if run["status"] != "COMPLETED" || run["createdBy"].(map[string]any)["name"] != "Ada Lovelace" {
		t.Errorf("run = %v, want COMPLETED, created by Ada Lovelace", run)
	}
	if trigger := run["state"].(map[string]any)["stepInfos"].(map[string]any)["trigger"].(map[string]any); trigger["result"].(map[string]any)["x"] != 1.0 {
		t.Errorf("trigger info = %v, want the payload as its result", trigger)
	}
}

func TestWorkflowWebhookTrigger(t *testing.T) {
	e, recs, q := newTestEngine(t)
	putWorkflow(recs, `{"type":"WEBHOOK","settings":{"httpMethod":"POST"}}`,
		`[{"id":"s1","type":"CREATE_RECORD","settings":{"input":{"objectName":"task","objectRecord":{"title":"{{trigger.subject}}"}}}}]`)
	run := func(ws, workflowID string) (*jobsv1.RunWebhookTriggerResponse, error) {
		return e.RunWebhookTrigger(context.Background(), &jobsv1.RunWebhookTriggerRequest{WorkspaceId: ws, WorkflowId: workflowID, PayloadJson: []byte(`{"subject":"From a form"}`)})
	}
	if _, err := run(wfWorkspace, wfID); connect.CodeOf(err) != connect.CodeFailedPrecondition || !strings.Contains(err.Error(), "has not been activated") {
		t.Errorf("before activation = %v, want Twenty's not activated", err)
	}
	activate(t, e)
	if _, err := run(wfWorkspace, ids.NewUUID()); connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("an unknown workflow = %v, want NotFound", err)
	}
	if _, err := run("not-a-workspace", wfID); connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("a bad workspace id = %v, want NotFound", err)
	}
	res, err := run(wfWorkspace, wfID)
	if err != nil || res.GetWorkflowName() != "Follow up" || !ids.IsUUID(res.GetWorkflowRunId()) {
		t.Fatalf("RunWebhookTrigger = %v, %v", res, err)
	}
	drain(t, e, q)
	r := recs.get("workflowRuns", res.GetWorkflowRunId())
	if r["status"] != "COMPLETED" || r["createdBy"].(map[string]any)["source"] != "WEBHOOK" {
		t.Errorf("run = %v, want COMPLETED, created by the webhook", r)
	}
	if tasks := recs.all("tasks"); len(tasks) != 1 || tasks[0]["title"] != "From a form" {
		t.Errorf("tasks = %v, want the one the request's body named", tasks)
	}
}

func TestWorkflowRecordActions(t *testing.T) {
	e, recs, q := newTestEngine(t)
	const personID = "8b9c0d1e-2f3a-4b5c-9d6e-7f8a9b0c1d2e"
	recs.put("people", map[string]any{"id": personID, "city": "London", "jobTitle": "Engineer"})
	recs.put("people", map[string]any{"id": "9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "city": "Paris"})
	putWorkflow(recs, `{"type":"MANUAL","settings":{}}`, `[
 {"id":"find","type":"FIND_RECORDS","settings":{"input":{"objectName":"person","limit":5}},"nextStepIds":["update"]},
 {"id":"update","type":"UPDATE_RECORD","settings":{"input":{"objectName":"person","objectRecordId":"{{trigger.personId}}",
   "objectRecord":{"city":"{{trigger.city}}","jobTitle":"ignored"},"fieldsToUpdate":["city"]}},"nextStepIds":["delete"]},
 {"id":"delete","type":"DELETE_RECORD","settings":{"input":{"objectName":"person","objectRecordId":"{{update.id}}"}},"nextStepIds":[]}
]`)
	res, err := e.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID,
		PayloadJson: []byte(`{"personId":"` + personID + `","city":"Berlin"}`)})
	if err != nil {
		t.Fatal(err)
	}
	drain(t, e, q)
	run := recs.get("workflowRuns", res.GetWorkflowRunId())
	infos := run["state"].(map[string]any)["stepInfos"].(map[string]any)
	found := infos["find"].(map[string]any)["result"].(map[string]any)
	if run["status"] != "COMPLETED" || found["totalCount"] != 2.0 || len(found["all"].([]any)) != 2 || found["first"] == nil {
		t.Errorf("run %v, FIND_RECORDS output %v; want COMPLETED and both people", run["status"], found)
	}
	updated := infos["update"].(map[string]any)["result"].(map[string]any)
	if updated["city"] != "Berlin" || updated["jobTitle"] != "Engineer" {
		t.Errorf("UPDATE_RECORD output = %v, want only the city changed", updated)
	}
	if recs.get("people", personID) != nil || len(recs.all("people")) != 1 {
		t.Errorf("people = %v, want the updated person deleted", recs.all("people"))
	}
	if deleted := infos["delete"].(map[string]any)["result"].(map[string]any); deleted["id"] != personID {
		t.Errorf("DELETE_RECORD output = %v, want the person", deleted)
	}
	// FIND_RECORDS reads Twenty's gqlOperationFilter; a filter it cannot read fails the run.
	for _, tt := range []struct{ filter, status, city string }{
		{`{"city":{"eq":"Paris"}}`, "COMPLETED", "Paris"},
		{`{"city":{"nonsense":"Paris"}}`, "FAILED", ""},
	} {
		e2, recs2, q2 := newTestEngine(t)
		recs2.put("people", map[string]any{"id": personID, "city": "London"})
		recs2.put("people", map[string]any{"id": "9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "city": "Paris"})
		putWorkflow(recs2, `{"type":"MANUAL","settings":{}}`,
			`[{"id":"find","type":"FIND_RECORDS","settings":{"input":{"objectName":"person","limit":10,"filter":{"recordFilters":[],"gqlOperationFilter":`+tt.filter+`}}}}]`)
		res, err = e2.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID})
		if err != nil {
			t.Fatal(err)
		}
		drain(t, e2, q2)
		r := recs2.get("workflowRuns", res.GetWorkflowRunId())
		if r["status"] != tt.status {
			t.Errorf("FIND_RECORDS filtered by %s: run %v, want %s", tt.filter, r["status"], tt.status)
			continue
		}
		if tt.city != "" {
			found := r["state"].(map[string]any)["stepInfos"].(map[string]any)["find"].(map[string]any)["result"].(map[string]any)
			if found["totalCount"] != 1.0 || found["first"].(map[string]any)["city"] != tt.city {
				t.Errorf("FIND_RECORDS filtered by %s = %v", tt.filter, found)
			}
		}
	}
}

func TestWorkflowTriggerCache(t *testing.T) {
	e, recs, q := newTestEngine(t)
	now := testNow
	e.now = func() time.Time { return now }
	putWorkflow(recs, personCreatedTrigger, `[{"id":"s1","type":"DELAY","settings":{"input":{"delayType":"DURATION","duration":{"seconds":0}}}}]`)
	created := func(ev string) int {
		t.Helper()
		if err := e.handleEvents(context.Background(), personCreated(ev, ids.NewUUID(), "A", "B")); err != nil {
			t.Fatal(err)
		}
		return len(q.take())
	}
	if n := created("ev-a"); n != 0 {
		t.Errorf("before activation: %d step jobs, want none", n)
	}
	activate(t, e) // drops this isolate's cached "no triggers" at once
	if n := created("ev-b"); n != 1 {
		t.Errorf("right after activation: %d step jobs, want 1", n)
	}
	// Another isolate deactivates: this one keeps its triggers for the TTL, then reads them again.
	for _, tr := range recs.all("workflowAutomatedTriggers") {
		recs.mu.Lock()
		delete(recs.data[wfWorkspace+"/workflowAutomatedTriggers"], tr["id"].(string))
		recs.mu.Unlock()
	}
	if n := created("ev-c"); n != 1 {
		t.Errorf("within the TTL: %d step jobs, want 1", n)
	}
	now = now.Add(triggerCacheTTL + time.Second)
	if n := created("ev-d"); n != 0 {
		t.Errorf("after the TTL: %d step jobs, want none", n)
	}
}

func TestWorkflowLongDelayWaitsPending(t *testing.T) {
	e, recs, q := newTestEngine(t)
	now := testNow
	e.now = func() time.Time { return now }
	putWorkflow(recs, `{"type":"MANUAL","settings":{}}`, `[
 {"id":"wait","type":"DELAY","settings":{"input":{"delayType":"DURATION","duration":{"days":1,"hours":6}}},"nextStepIds":["after"]},
 {"id":"after","type":"CREATE_RECORD","settings":{"input":{"objectName":"task","objectRecord":{"title":"Later"}}},"nextStepIds":[]}
]`)
	res, err := e.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID})
	if err != nil {
		t.Fatal(err)
	}
	// Each job of the DELAY comes back after at most 12 hours until 30 hours have passed.
	var waits []time.Duration
	var after queuedJob
	for step := 0; step < 10; step++ {
		jobs := q.take()
		if len(jobs) != 1 {
			t.Fatalf("queued %d jobs, want 1", len(jobs))
		}
		var sj stepJob
		_ = json.Unmarshal(jobs[0].job.GetPayload(), &sj)
		if sj.StepID == "after" {
			after = jobs[0]
			break
		}
		now = now.Add(jobs[0].delay)
		waits = append(waits, jobs[0].delay)
		if err := e.handleStep(context.Background(), jobs[0].job); err != nil {
			t.Fatal(err)
		}
		if st := stepStatuses(recs.get("workflowRuns", res.GetWorkflowRunId()))["wait"]; len(waits) <= 2 && st != "PENDING" {
			t.Errorf("after %v the DELAY is %s, want PENDING", now.Sub(testNow), st)
		}
	}
	if diff := cmp.Diff([]time.Duration{0, 12 * time.Hour, 12 * time.Hour}, waits); diff != "" {
		t.Errorf("the DELAY's jobs waited (-want +got):\n%s", diff)
	}
	if after.delay != 6*time.Hour {
		t.Errorf("the next step waits %v, want the last 6 h", after.delay)
	}
	now = now.Add(after.delay)
	if err := e.handleStep(context.Background(), after.job); err != nil {
		t.Fatal(err)
	}
	if r := recs.get("workflowRuns", res.GetWorkflowRunId()); r["status"] != "COMPLETED" || len(recs.all("tasks")) != 1 {
		t.Errorf("run = %v, want COMPLETED with its task", r["status"])
	}
}

func TestWorkflowStepFailsAfterItsAttempts(t *testing.T) {
	e, recs, q := newTestEngine(t)
	putWorkflow(recs, `{"type":"MANUAL","settings":{}}`,
		`[{"id":"s1","type":"CREATE_RECORD","settings":{"input":{"objectName":"task","objectRecord":{"title":"x"}}}}]`)
	res, err := e.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID})
	if err != nil {
		t.Fatal(err)
	}
	// The run's saves fail for every attempt of the step: the last one fails the run instead of
	// leaving it RUNNING once the queue gives up.
	recs.failRunUpdates = maxStepAttempts
	var delays []time.Duration
	for range maxStepAttempts + 1 {
		jobs := q.take()
		if len(jobs) == 0 {
			break
		}
		delays = append(delays, jobs[0].delay)
		if err := e.handleStep(context.Background(), jobs[0].job); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([]time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}, delays); diff != "" {
		t.Errorf("the step's jobs waited (-want +got):\n%s", diff)
	}
	run := recs.get("workflowRuns", res.GetWorkflowRunId())
	s1 := run["state"].(map[string]any)["stepInfos"].(map[string]any)["s1"].(map[string]any)
	if run["status"] != "FAILED" || !strings.Contains(s1["error"].(string), "after 5 attempts") {
		t.Errorf("run = %v, step %v; want FAILED after 5 attempts", run["status"], s1)
	}
	if n := recs.creates["tasks"]; n != 1 {
		t.Errorf("tasks created = %d, want 1", n)
	}
}

func TestHTTPRequestStepOutput(t *testing.T) {
	big := strings.Repeat("x", maxHTTPStepOutput+10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/json":
			_, _ = w.Write([]byte(`{"ok":true,"method":"` + r.Method + `"}`))
		case "/text":
			_, _ = w.Write([]byte("plain"))
		default:
			_, _ = w.Write([]byte(big))
		}
	}))
	t.Cleanup(srv.Close)
	e, _, _ := newTestEngine(t)
	tests := []struct {
		in   map[string]any
		want any
	}{
		{map[string]any{"url": srv.URL + "/json", "method": "PUT", "body": map[string]any{"a": 1.0}}, map[string]any{"ok": true, "method": "PUT"}},
		{map[string]any{"url": srv.URL + "/json"}, map[string]any{"ok": true, "method": "GET"}},
		{map[string]any{"url": srv.URL + "/text", "method": "POST", "body": "raw"}, "plain"},
		{map[string]any{"url": srv.URL + "/big"}, big[:maxHTTPStepOutput] + "…"},
	}
	for _, tt := range tests {
		out, err := e.httpRequest(context.Background(), tt.in)
		if err != nil {
			t.Fatalf("httpRequest(%v): %v", tt.in, err)
		}
		if diff := cmp.Diff(tt.want, out.result); diff != "" {
			t.Errorf("httpRequest(%v) output mismatch (-want +got):\n%.300s", tt.in, diff)
		}
	}
	if _, err := e.httpRequest(context.Background(), map[string]any{"url": srv.URL, "method": "TRACE"}); err == nil {
		t.Error("a TRACE request was sent")
	}
}
