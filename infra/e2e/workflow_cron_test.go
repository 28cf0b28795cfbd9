//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestWorkflowCronTrigger activates Twenty's "every minute" CRON workflow (a CUSTOM pattern)
// that creates a task, runs the jobs Worker's Cron Trigger through its dev route (the local
// stack fires no crons by itself), and reads the run and its task; once deactivated, the cron
// starts no more runs.
func TestWorkflowCronTrigger(t *testing.T) {
	a := onboard(t, "/metadata")
	trigger := map[string]any{"type": "CRON", "name": "Every minute",
		"settings": map[string]any{"type": "CUSTOM", "pattern": "* * * * *", "outputSchema": map[string]any{}}, "nextStepIds": []string{"task"}}
	title := "Cron review " + newUUID(t)
	steps := []map[string]any{{"id": "task", "name": "Create task", "type": "CREATE_RECORD", "valid": true, "nextStepIds": []string{},
		"settings": map[string]any{"input": map[string]any{"objectName": "task", "objectRecord": map[string]any{"title": title}}}}}
	_, version := createWorkflowVersion(t, a.access, "Review every minute", trigger, steps)
	activate := func(mutation string) {
		t.Helper()
		r := gql(t, "/graphql", a.access, `mutation($id: UUID!) { `+mutation+`(workflowVersionId: $id) }`, map[string]any{"id": version})
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", mutation, r.Errors)
		}
	}
	activate("activateWorkflowVersion")
	// An invalid pattern is refused at activation with Twenty's message, not a 5xx.
	badTrigger := map[string]any{"type": "CRON", "settings": map[string]any{"type": "CUSTOM", "pattern": "every day"}, "nextStepIds": []string{"task"}}
	_, bad := createWorkflowVersion(t, a.access, "Bad cron", badTrigger, steps)
	refusal := gql(t, "/graphql", a.access, `mutation($id: UUID!) { activateWorkflowVersion(workflowVersionId: $id) }`, map[string]any{"id": bad})
	if len(refusal.Errors) == 0 || refusal.Errors[0].Message != "Cron pattern 'every day' is invalid: 2 fields, want 5 or 6" {
		t.Errorf("activating an invalid pattern = %+v", refusal)
	}

	cron := func() {
		t.Helper()
		if r := post(t, "/__dev/svc/jobs/cron?cron=*+*+*+*+*", ""); r.status != http.StatusOK {
			t.Fatalf("cron = %d %s", r.status, r.body)
		}
	}
	cron()
	filter := `{"workflowVersionId":{"eq":"` + version + `"}}`
	run := awaitRun(t, a.access, filter)
	if run.Status != "COMPLETED" || run.State.StepInfos["task"].Status != "SUCCESS" {
		t.Fatalf("cron run = %+v, want COMPLETED", run)
	}
	var task struct{ Title string }
	if err := json.Unmarshal(run.State.StepInfos["task"].Result, &task); err != nil || task.Title != title {
		t.Errorf("task step's output = %s", run.State.StepInfos["task"].Result)
	}

	runs := func() int {
		return len(data[struct {
			WorkflowRuns struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}](t, gql(t, "/graphql", a.access, `query($filter: WorkflowRunFilterInput) { workflowRuns(filter: $filter) { edges { node { id } } } }`,
			map[string]any{"filter": json.RawMessage(filter)})).WorkflowRuns.Edges)
	}
	activate("deactivateWorkflowVersion")
	before := runs()
	cron()
	if after := runs(); after != before {
		t.Errorf("runs after deactivation = %d, want %d", after, before)
	}
}
