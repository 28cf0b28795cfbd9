//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// TestWorkflowRunSurvivesACrashAfterAStep ends the jobs Worker's Go instance right after a run's
// CREATE_RECORD step has written its task and before the run records the step (the dev crash
// point): the queue delivers the step job again to a fresh instance, the step runs again, and the
// run completes with one task, not two.
func TestWorkflowRunSurvivesACrashAfterAStep(t *testing.T) {
	a := onboard(t, "/metadata")
	rc := newWebhookReceiver(t)
	trigger := map[string]any{"type": "DATABASE_EVENT", "name": "Record is created",
		"settings": map[string]any{"eventName": "person.created", "outputSchema": map[string]any{}}, "nextStepIds": []string{"task"}}
	steps := []map[string]any{
		{"id": "task", "name": "Create task", "type": "CREATE_RECORD", "valid": true, "nextStepIds": []string{"notify"},
			"settings": map[string]any{"input": map[string]any{"objectName": "task", "objectRecord": map[string]any{"title": "Crash-proof {{trigger.name.firstName}}"}}}},
		{"id": "notify", "name": "Notify", "type": "HTTP_REQUEST", "valid": true, "nextStepIds": []string{},
			"settings": map[string]any{"input": map[string]any{"url": rc.URL + "/crash", "method": "POST", "body": map[string]any{"task": "{{task.id}}"}}}},
	}
	_, version := createWorkflowVersion(t, a.access, "Survives a crash", trigger, steps)
	if r := gql(t, "/graphql", a.access, `mutation($id: UUID!) { activateWorkflowVersion(workflowVersionId: $id) }`, map[string]any{"id": version}); len(r.Errors) > 0 {
		t.Fatalf("activateWorkflowVersion: %+v", r.Errors)
	}
	before := decode[instance](t, get(t, "/__dev/svc/jobs/instance"))
	if r := post(t, "/__dev/svc/jobs/crash-after-next-step", ""); r.status != http.StatusNoContent {
		t.Fatalf("arming the crash point = %d %s", r.status, r.body)
	}
	send, expect := sender(t, []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"})
	expect(send(http.MethodPost, "/rest/people", `{"name":{"firstName":"Katherine","lastName":"Johnson"}}`), http.StatusCreated, "POST /rest/people")

	run := awaitRun(t, a.access, `{"workflowVersionId":{"eq":"`+version+`"}}`)
	if run.Status != "COMPLETED" {
		t.Fatalf("run after the crash = %s (%s), want COMPLETED", run.Status, run.State.WorkflowRunError)
	}
	if after := decode[instance](t, get(t, "/__dev/svc/jobs/instance")); after.InstanceID == before.InstanceID {
		t.Errorf("the jobs Worker's Go instance is still %s: the crash point did not fire", before.InstanceID)
	}
	var task struct{ ID string }
	if err := json.Unmarshal(run.State.StepInfos["task"].Result, &task); err != nil || task.ID == "" {
		t.Fatalf("task step's output = %s", run.State.StepInfos["task"].Result)
	}
	tasks := data[struct {
		Tasks struct{ TotalCount int }
	}](t, gql(t, "/graphql", a.access, `{ tasks(filter: {title: {eq: "Crash-proof Katherine"}}) { totalCount } }`, nil))
	if tasks.Tasks.TotalCount != 1 {
		t.Errorf("tasks made by the run = %d, want 1 (the step ran again after the crash)", tasks.Tasks.TotalCount)
	}
	var posts []webhookPost
	eventually(t, 5*time.Second, "the notification", func() bool { posts = rc.received("/crash"); return len(posts) > 0 })
	if len(posts) != 1 || string(posts[0].body) != `{"task":"`+task.ID+`"}` {
		t.Errorf("receiver got %v, want the task once", posts)
	}
}
