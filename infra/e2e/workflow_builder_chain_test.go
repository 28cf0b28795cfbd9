//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// TestWorkflowChainBuiltWithTheBuilder is the workflow, built as Twenty's editor builds it:
// the workflow and its draft with a "person created" trigger, then every step added after the
// previous one with createWorkflowVersionStep and filled in with updateWorkflowVersionStep —
// create a task, link it to the person, wait 2 s, POST the person's name to a receiver, send them
// an email. It is activated, a person is created through REST, and the run shows every step's
// output; the receiver and the email API got theirs, after the wait.
func TestWorkflowChainBuiltWithTheBuilder(t *testing.T) {
	a := onboard(t, "/metadata")
	rc := newWebhookReceiver(t)
	addr := "grace." + newUUID(t)[:8] + "@example.com"
	_, version := createWorkflowVersion(t, a.access, "Follow up, built in the editor",
		map[string]any{"type": "DATABASE_EVENT", "name": "Record is created",
			"settings": map[string]any{"eventName": "person.created", "outputSchema": map[string]any{}}, "nextStepIds": []string{}},
		[]map[string]any{})

	mut := func(query string, input map[string]any) gqlReply {
		t.Helper()
		return gql(t, "/graphql", a.access, query, map[string]any{"input": input})
	}
	createStep := `mutation($input: CreateWorkflowVersionStepInput!) { createWorkflowVersionStep(input: $input) { stepsDiff } }`
	updateStep := `mutation($input: UpdateWorkflowVersionStepInput!) { updateWorkflowVersionStep(input: $input) { id type valid } }`
	chain := []struct {
		id, stepType string
		input        map[string]any
	}{
		{"a1111111-1111-4111-8111-111111111111", "CREATE_RECORD",
			map[string]any{"objectName": "task", "objectRecord": map[string]any{"title": "Call {{trigger.name.firstName}}"}}},
		{"a2222222-2222-4222-8222-222222222222", "CREATE_RECORD",
			map[string]any{"objectName": "taskTarget", "objectRecord": map[string]any{"taskId": "{{a1111111-1111-4111-8111-111111111111.id}}", "personId": "{{trigger.id}}"}}},
		{"a3333333-3333-4333-8333-333333333333", "DELAY",
			map[string]any{"delayType": "DURATION", "duration": map[string]any{"seconds": 2}}},
		{"a4444444-4444-4444-8444-444444444444", "HTTP_REQUEST",
			map[string]any{"url": rc.URL + "/people", "method": "POST", "body": map[string]any{"name": "{{trigger.name.firstName}} {{trigger.name.lastName}}"}}},
		{"a5555555-5555-4555-8555-555555555555", "SEND_EMAIL",
			map[string]any{"connectedAccountId": newUUID(t), "recipients": map[string]any{"to": "{{trigger.emails.primaryEmail}}"},
				"subject": "Welcome {{trigger.name.firstName}}", "body": "Hello!"}},
	}
	parent := "trigger"
	for _, s := range chain {
		data[struct{ CreateWorkflowVersionStep stepChanges }](t, mut(createStep, map[string]any{
			"workflowVersionId": version, "stepType": s.stepType, "parentStepId": parent, "id": s.id}))
		step := stepOf(t, readVersion(t, a.access, version), s.id)
		settings, _ := step["settings"].(map[string]any)
		if settings == nil {
			t.Fatalf("step %s has no settings: %v", s.stepType, step)
		}
		settings["input"], step["valid"] = s.input, true
		updated := data[struct {
			UpdateWorkflowVersionStep struct {
				ID, Type string
				Valid    bool
			}
		}](t, mut(updateStep, map[string]any{"workflowVersionId": version, "step": step})).UpdateWorkflowVersionStep
		if updated.ID != s.id || updated.Type != s.stepType || !updated.Valid {
			t.Fatalf("updateWorkflowVersionStep(%s) = %+v", s.stepType, updated)
		}
		parent = s.id
	}

	if r := gql(t, "/graphql", a.access, `mutation($id: UUID!) { activateWorkflowVersion(workflowVersionId: $id) }`, map[string]any{"id": version}); len(r.Errors) > 0 {
		t.Fatalf("activateWorkflowVersion: %+v", r.Errors)
	}
	send, expect := sender(t, []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"})
	created := time.Now()
	r := send(http.MethodPost, "/rest/people", `{"name":{"firstName":"Grace","lastName":"Hopper"},"emails":{"primaryEmail":"`+addr+`"}}`)
	expect(r, http.StatusCreated, "POST /rest/people")
	person := decode[struct {
		Data map[string]struct{ ID string }
	}](t, r).Data["createPerson"].ID

	run := awaitRun(t, a.access, `{"workflowVersionId":{"eq":"`+version+`"}}`)
	t.Logf("person created to run ended: %s (with a 2 s DELAY)", time.Since(created).Round(time.Millisecond))
	if run.Status != "COMPLETED" {
		for id, info := range run.State.StepInfos {
			t.Logf("step %s: %s %s %.200s", id, info.Status, info.Error, info.Result)
		}
		t.Fatalf("run %s ended %s (%s), want COMPLETED", run.Name, run.Status, run.State.WorkflowRunError)
	}
	for _, s := range chain {
		if info := run.State.StepInfos[s.id]; info.Status != "SUCCESS" || len(info.Result) == 0 {
			t.Errorf("step %s (%s) = %+v, want SUCCESS with its output", s.id, s.stepType, info)
		}
	}
	var task struct{ ID, Title string }
	if err := json.Unmarshal(run.State.StepInfos[chain[0].id].Result, &task); err != nil || task.Title != "Call Grace" {
		t.Errorf("task step's output = %s, want the task Call Grace", run.State.StepInfos[chain[0].id].Result)
	}
	var link struct{ TaskID, PersonID string }
	if err := json.Unmarshal(run.State.StepInfos[chain[1].id].Result, &link); err != nil || link.TaskID != task.ID || link.PersonID != person {
		t.Errorf("link step's output = %s, want the task linked to the person", run.State.StepInfos[chain[1].id].Result)
	}
	posts := rc.received("/people")
	if len(posts) != 1 || string(posts[0].body) != `{"name":"Grace Hopper"}` {
		t.Errorf("receiver got %d POSTs (%v), want Grace's name once", len(posts), posts)
	} else if waited := posts[0].at.Sub(created); waited < 2*time.Second {
		t.Errorf("the POST came %s after the person, before the 2 s DELAY", waited)
	}
	var sent []emailSent
	eventually(t, 5*time.Second, "the email", func() bool { sent = emailProvider.to(addr); return len(sent) > 0 })
	if len(sent) != 1 || sent[0].msg["subject"] != "Welcome Grace" {
		t.Errorf("emails sent = %+v, want one Welcome Grace", sent)
	}
}
