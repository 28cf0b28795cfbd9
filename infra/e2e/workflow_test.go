//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// workflowRunNode is a workflowRun as /graphql answers it.
type workflowRunNode struct {
	ID, Name, Status string
	StartedAt        *string
	EndedAt          *string
	State            struct {
		StepInfos map[string]struct {
			Status string
			Result json.RawMessage
			Error  string
		}
		WorkflowRunError string
	}
}

// createWorkflowVersion creates a workflow and its draft version through Twenty's record
// mutations on /graphql and answers the workflow's and the version's ids.
func createWorkflowVersion(t *testing.T, token, name string, trigger map[string]any, steps []map[string]any) (workflowID, versionID string) {
	t.Helper()
	wf := data[struct{ CreateWorkflow struct{ ID string } }](t, gql(t, "/graphql", token,
		`mutation($data: WorkflowCreateInput!) { createWorkflow(data: $data) { id } }`,
		map[string]any{"data": map[string]any{"name": name, "statuses": []string{"DRAFT"}}})).CreateWorkflow.ID
	return wf, data[struct{ CreateWorkflowVersion struct{ ID string } }](t, gql(t, "/graphql", token,
		`mutation($data: WorkflowVersionCreateInput!) { createWorkflowVersion(data: $data) { id status } }`,
		map[string]any{"data": map[string]any{"workflowId": wf, "name": "v1", "trigger": trigger, "steps": steps}})).CreateWorkflowVersion.ID
}

// awaitRun waits for the run to end and answers it.
func awaitRun(t *testing.T, token, filter string) workflowRunNode {
	t.Helper()
	var run workflowRunNode
	eventually(t, 45*time.Second, "the workflow run to end", func() bool {
		runs := data[struct {
			WorkflowRuns struct {
				Edges []struct{ Node workflowRunNode }
			}
		}](t, gql(t, "/graphql", token, `query($filter: WorkflowRunFilterInput) { workflowRuns(filter: $filter) {
			edges { node { id name status startedAt endedAt state } } } }`, map[string]any{"filter": json.RawMessage(filter)}))
		for _, e := range runs.WorkflowRuns.Edges {
			run = e.Node
		}
		return run.Status == "COMPLETED" || run.Status == "FAILED"
	})
	return run
}

// TestWorkflowEndToEnd builds Twenty's "when a person is created: create a task linked to them,
// wait 2 s, POST their name to a receiver" through Twenty's mutations on /graphql, activates it,
// creates a person through REST, and reads every step's output on the workflowRun; a manual run
// of a workflow whose receiver answers 500 ends FAILED with the error.
func TestWorkflowEndToEnd(t *testing.T) {
	a := onboard(t, "/metadata")
	rc := newWebhookReceiver(t)
	trigger := map[string]any{"type": "DATABASE_EVENT", "name": "Record is created",
		"settings": map[string]any{"eventName": "person.created", "outputSchema": map[string]any{}}, "nextStepIds": []string{"task"}}
	steps := []map[string]any{
		{"id": "task", "name": "Create task", "type": "CREATE_RECORD", "valid": true, "nextStepIds": []string{"link"},
			"settings": map[string]any{"input": map[string]any{"objectName": "task", "objectRecord": map[string]any{"title": "Call {{trigger.name.firstName}}"}}}},
		{"id": "link", "name": "Link it", "type": "CREATE_RECORD", "valid": true, "nextStepIds": []string{"wait"},
			"settings": map[string]any{"input": map[string]any{"objectName": "taskTarget", "objectRecord": map[string]any{"taskId": "{{task.id}}", "personId": "{{trigger.id}}"}}}},
		{"id": "wait", "name": "Wait", "type": "DELAY", "valid": true, "nextStepIds": []string{"notify"},
			"settings": map[string]any{"input": map[string]any{"delayType": "DURATION", "duration": map[string]any{"seconds": 2}}}},
		{"id": "notify", "name": "Notify", "type": "HTTP_REQUEST", "valid": true, "nextStepIds": []string{},
			"settings": map[string]any{"input": map[string]any{"url": rc.URL + "/people", "method": "POST",
				"body": map[string]any{"name": "{{trigger.name.firstName}} {{trigger.name.lastName}}", "taskId": "{{task.id}}"}}}},
	}
	_, version := createWorkflowVersion(t, a.access, "Follow up new people", trigger, steps)
	activated := data[struct{ ActivateWorkflowVersion bool }](t, gql(t, "/graphql", a.access,
		`mutation($id: UUID!) { activateWorkflowVersion(workflowVersionId: $id) }`, map[string]any{"id": version}))
	if !activated.ActivateWorkflowVersion {
		t.Fatal("activateWorkflowVersion = false")
	}
	// Activating it again is Twenty's refusal, not a 5xx.
	again := gql(t, "/graphql", a.access, `mutation($id: UUID!) { activateWorkflowVersion(workflowVersionId: $id) }`, map[string]any{"id": version})
	if len(again.Errors) == 0 || !strings.Contains(again.Errors[0].Message, "Cannot activate") {
		t.Errorf("activating an active version = %+v, want Twenty's refusal", again)
	}

	send, expect := sender(t, []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"})
	created := time.Now()
	r := send(http.MethodPost, "/rest/people", `{"name":{"firstName":"Ada","lastName":"Lovelace"}}`)
	expect(r, http.StatusCreated, "POST /rest/people")
	person := decode[struct {
		Data map[string]struct{ ID string }
	}](t, r).Data["createPerson"].ID

	run := awaitRun(t, a.access, `{"workflowVersionId":{"eq":"`+version+`"}}`)
	t.Logf("person created to run ended: %s (with a 2 s DELAY)", time.Since(created).Round(time.Millisecond))
	if run.Status != "COMPLETED" || run.StartedAt == nil || run.EndedAt == nil || run.Name != "#1" {
		t.Fatalf("run = %+v, want #1 COMPLETED", run)
	}
	for _, id := range []string{"trigger", "task", "link", "wait", "notify"} {
		if info := run.State.StepInfos[id]; info.Status != "SUCCESS" {
			t.Errorf("step %s = %+v, want SUCCESS", id, info)
		}
	}
	var task struct{ ID, Title string }
	if err := json.Unmarshal(run.State.StepInfos["task"].Result, &task); err != nil || task.Title != "Call Ada" {
		t.Errorf("task step's output = %s, want the task Call Ada", run.State.StepInfos["task"].Result)
	}
	posts := rc.received("/people")
	if len(posts) != 1 || string(posts[0].body) != `{"name":"Ada Lovelace","taskId":"`+task.ID+`"}` {
		t.Errorf("receiver got %d POSTs (%v), want Ada's name once", len(posts), posts)
	} else if waited := posts[0].at.Sub(created); waited < 2*time.Second {
		t.Errorf("the POST came %s after the person, before the 2 s DELAY", waited)
	}
	// The task is linked to the person, once.
	targets := data[struct {
		TaskTargets struct {
			Edges []struct {
				Node struct{ TaskID, PersonID string }
			}
		}
	}](t, gql(t, "/graphql", a.access, `query($f: TaskTargetFilterInput) { taskTargets(filter: $f) { edges { node { taskId personId } } } }`,
		map[string]any{"f": map[string]any{"personId": map[string]any{"eq": person}}}))
	if len(targets.TaskTargets.Edges) != 1 || targets.TaskTargets.Edges[0].Node.TaskID != task.ID {
		t.Errorf("task targets of the person = %+v, want the run's task", targets.TaskTargets.Edges)
	}

	// A manual run whose receiver answers 500 fails, with the error on the run and its step.
	failing := newWebhookReceiver(t)
	failing.answer(http.StatusInternalServerError)
	_, manual := createWorkflowVersion(t, a.access, "Call a failing API", map[string]any{"type": "MANUAL", "settings": map[string]any{}},
		[]map[string]any{{"id": "call", "name": "Call", "type": "HTTP_REQUEST", "valid": true, "nextStepIds": []string{},
			"settings": map[string]any{"input": map[string]any{"url": failing.URL + "/hook", "method": "POST", "body": map[string]any{"who": "{{trigger.who}}"}}}}})
	started := data[struct {
		RunWorkflowVersion struct{ WorkflowRunID string }
	}](t, gql(t, "/graphql", a.access,
		`mutation($input: RunWorkflowVersionInput!) { runWorkflowVersion(input: $input) { workflowRunId } }`,
		map[string]any{"input": map[string]any{"workflowVersionId": manual, "payload": map[string]any{"who": "Grace"}}})).RunWorkflowVersion
	failed := awaitRun(t, a.access, `{"id":{"eq":"`+started.WorkflowRunID+`"}}`)
	call := failed.State.StepInfos["call"]
	if failed.Status != "FAILED" || call.Status != "FAILED" || !strings.Contains(call.Error, "status 500") || failed.State.WorkflowRunError != call.Error {
		t.Errorf("failing run = %+v, want FAILED with the receiver's 500", failed)
	}
	if got := failing.received("/hook"); len(got) != 1 || string(got[0].body) != `{"who":"Grace"}` {
		t.Errorf("failing receiver got %v", got)
	}
	// IF_ELSE: a manual run takes the branch its payload matches, and REST reads the run too.
	_, branching := createWorkflowVersion(t, a.access, "Route deals", map[string]any{"type": "MANUAL", "settings": map[string]any{}},
		[]map[string]any{
			{"id": "check", "name": "Big?", "type": "IF_ELSE", "valid": true, "nextStepIds": []string{}, "settings": map[string]any{"input": map[string]any{
				"stepFilterGroups": []any{map[string]any{"id": "g", "logicalOperator": "AND"}},
				"stepFilters": []any{map[string]any{"id": "f", "type": "NUMBER", "operand": "GREATER_THAN_OR_EQUAL", "stepOutputKey": "{{trigger.amount}}",
					"value": "1000", "stepFilterGroupId": "g"}},
				"branches": []any{map[string]any{"id": "big", "filterGroupId": "g", "nextStepIds": []string{"bigTask"}},
					map[string]any{"id": "else", "nextStepIds": []string{"smallTask"}}}}}},
			{"id": "bigTask", "name": "Big", "type": "CREATE_RECORD", "valid": true, "nextStepIds": []string{},
				"settings": map[string]any{"input": map[string]any{"objectName": "task", "objectRecord": map[string]any{"title": "Big deal"}}}},
			{"id": "smallTask", "name": "Small", "type": "CREATE_RECORD", "valid": true, "nextStepIds": []string{},
				"settings": map[string]any{"input": map[string]any{"objectName": "task", "objectRecord": map[string]any{"title": "Small deal"}}}},
		})
	for amount, branch := range map[int]string{5000: "bigTask", 10: "smallTask"} {
		runID := data[struct {
			RunWorkflowVersion struct{ WorkflowRunID string }
		}](t, gql(t, "/graphql", a.access,
			`mutation($input: RunWorkflowVersionInput!) { runWorkflowVersion(input: $input) { workflowRunId } }`,
			map[string]any{"input": map[string]any{"workflowVersionId": branching, "payload": map[string]any{"amount": amount}}})).RunWorkflowVersion.WorkflowRunID
		awaitRun(t, a.access, `{"id":{"eq":"`+runID+`"}}`)
		r := get(t, "/rest/workflowRuns/"+runID, "Authorization", "Bearer "+a.access)
		rest := decode[struct {
			Data struct{ WorkflowRun workflowRunNode }
		}](t, r).Data.WorkflowRun
		other := map[string]string{"bigTask": "smallTask", "smallTask": "bigTask"}[branch]
		if r.status != http.StatusOK || rest.Status != "COMPLETED" || rest.State.StepInfos[branch].Status != "SUCCESS" ||
			rest.State.StepInfos[other].Status != "NOT_STARTED" {
			t.Errorf("amount %d: GET /rest/workflowRuns/%s = %d %+v, want COMPLETED through %s", amount, runID, r.status, rest, branch)
		}
	}

	// A WEBHOOK trigger: Twenty's public route starts a run with the POST's body, without a token.
	hookWF, hookVersion := createWorkflowVersion(t, a.access, "Intake form", map[string]any{"type": "WEBHOOK", "settings": map[string]any{"httpMethod": "POST"}},
		[]map[string]any{{"id": "note", "name": "Create task", "type": "CREATE_RECORD", "valid": true, "nextStepIds": []string{},
			"settings": map[string]any{"input": map[string]any{"objectName": "task", "objectRecord": map[string]any{"title": "Form: {{trigger.subject}}"}}}}})
	hookPath := "/webhooks/workflows/" + a.workspaceID + "/" + hookWF
	r = post(t, hookPath, `{"subject":"Demo request"}`, "Content-Type", "application/json")
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "has not been activated") {
		t.Errorf("POST %s before activation = %d %s, want Twenty's 400", hookPath, r.status, r.body)
	}
	data[struct{ ActivateWorkflowVersion bool }](t, gql(t, "/graphql", a.access,
		`mutation($id: UUID!) { activateWorkflowVersion(workflowVersionId: $id) }`, map[string]any{"id": hookVersion}))
	r = post(t, hookPath, `{"subject":"Demo request"}`, "Content-Type", "application/json")
	hooked := decode[struct {
		WorkflowName  string
		Success       bool
		WorkflowRunID string
	}](t, r)
	if r.status != http.StatusCreated || !hooked.Success || hooked.WorkflowName != "Intake form" || hooked.WorkflowRunID == "" {
		t.Fatalf("POST %s = %d %s, want Twenty's 201 with the run", hookPath, r.status, r.body)
	}
	hookRun := awaitRun(t, a.access, `{"id":{"eq":"`+hooked.WorkflowRunID+`"}}`)
	var hookTask struct{ Title string }
	if err := json.Unmarshal(hookRun.State.StepInfos["note"].Result, &hookTask); hookRun.Status != "COMPLETED" || err != nil || hookTask.Title != "Form: Demo request" {
		t.Errorf("webhook run = %+v, want COMPLETED with the task of the body's subject", hookRun)
	}
	if r := get(t, "/webhooks/workflows/"+a.workspaceID+"/"+version); r.status != http.StatusNotFound {
		t.Errorf("GET with a version's id as the workflow = %d %s, want 404", r.status, r.body)
	}

	// Another workspace does not see the version.
	b := onboard(t, "/metadata")
	other := gql(t, "/graphql", b.access, `mutation($id: UUID!) { activateWorkflowVersion(workflowVersionId: $id) }`, map[string]any{"id": version})
	if len(other.Errors) == 0 || other.Errors[0].Extensions["code"] != "NOT_FOUND" {
		t.Errorf("another workspace activating the version = %+v, want NOT_FOUND", other)
	}
}
