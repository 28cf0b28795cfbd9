//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// builtVersion is a workflowVersion's graph as /graphql answers it.
type builtVersion struct {
	Status  string
	Trigger map[string]any
	Steps   []map[string]any
}

func readVersion(t *testing.T, token, id string) builtVersion {
	t.Helper()
	return data[struct{ WorkflowVersion builtVersion }](t, gql(t, "/graphql", token,
		`query($f: WorkflowVersionFilterInput!) { workflowVersion(filter: $f) { status trigger steps } }`,
		map[string]any{"f": map[string]any{"id": map[string]any{"eq": id}}})).WorkflowVersion
}

func stepOf(t *testing.T, v builtVersion, id string) map[string]any {
	t.Helper()
	for _, s := range v.Steps {
		if s["id"] == id {
			return s
		}
	}
	t.Fatalf("no step %s in %v", id, v.Steps)
	return nil
}

// stepChanges is WorkflowVersionStepChanges.
type stepChanges struct {
	TriggerDiff []struct {
		Type string
		Path []any
	}
	StepsDiff []struct {
		Type  string
		Path  []any
		Value json.RawMessage
	}
}

// TestWorkflowBuilder builds a workflow through Twenty's builder mutations only (a draft, a
// record-create step after the trigger, an IF_ELSE whose IF branch's empty step becomes a
// record-create step, an edge added and deleted, step settings updated), activates it, runs it
// and reads the run of the steps built; a draft is then made from the active version and the
// workflow duplicated.
func TestWorkflowBuilder(t *testing.T) {
	a := onboard(t, "/metadata")
	mut := func(query string, input map[string]any) gqlReply {
		return gql(t, "/graphql", a.access, query, map[string]any{"input": input})
	}
	createStep := `mutation($input: CreateWorkflowVersionStepInput!) { createWorkflowVersionStep(input: $input) { triggerDiff stepsDiff } }`
	updateStep := `mutation($input: UpdateWorkflowVersionStepInput!) { updateWorkflowVersionStep(input: $input) { id name type settings valid nextStepIds } }`

	wf, version := createWorkflowVersion(t, a.access, "Built with the builder",
		map[string]any{"type": "MANUAL", "name": "Launch manually", "settings": map[string]any{"outputSchema": map[string]any{}}, "nextStepIds": []string{}}, []map[string]any{})

	// A record-create step after the trigger: its defaults, and the change it answers.
	const taskStep = "11111111-1111-4111-8111-111111111111"
	changes := data[struct{ CreateWorkflowVersionStep stepChanges }](t, mut(createStep, map[string]any{
		"workflowVersionId": version, "stepType": "CREATE_RECORD", "parentStepId": "trigger", "id": taskStep,
		"position": map[string]any{"x": 0, "y": 150}})).CreateWorkflowVersionStep
	if len(changes.TriggerDiff) != 1 || changes.TriggerDiff[0].Type != "CREATE" || fmt.Sprint(changes.TriggerDiff[0].Path) != "[trigger nextStepIds 0]" ||
		len(changes.StepsDiff) != 1 || fmt.Sprint(changes.StepsDiff[0].Path) != "[steps 0]" {
		t.Errorf("createWorkflowVersionStep changes = %+v, want the trigger's link and the new step", changes)
	}
	v := readVersion(t, a.access, version)
	task := stepOf(t, v, taskStep)
	if task["name"] != "Create Record" || task["valid"] != false || fmt.Sprint(v.Trigger["nextStepIds"]) != "["+taskStep+"]" {
		t.Errorf("new step = %v, trigger = %v", task, v.Trigger)
	}
	// Its settings, as the editor saves them.
	task["settings"].(map[string]any)["input"] = map[string]any{"objectName": "task", "objectRecord": map[string]any{"title": "Deal of {{trigger.who}}"}}
	task["valid"] = true
	updated := data[struct{ UpdateWorkflowVersionStep map[string]any }](t, mut(updateStep, map[string]any{"workflowVersionId": version, "step": task})).UpdateWorkflowVersionStep
	if updated["valid"] != true || updated["type"] != "CREATE_RECORD" {
		t.Errorf("updateWorkflowVersionStep = %v", updated)
	}

	// An IF_ELSE after it comes with an empty step on each branch.
	const ifElse = "22222222-2222-4222-8222-222222222222"
	data[struct{ CreateWorkflowVersionStep stepChanges }](t, mut(createStep, map[string]any{
		"workflowVersionId": version, "stepType": "IF_ELSE", "parentStepId": taskStep, "id": ifElse}))
	v = readVersion(t, a.access, version)
	branching := stepOf(t, v, ifElse)
	in := branching["settings"].(map[string]any)["input"].(map[string]any)
	branches := in["branches"].([]any)
	ifEmpty := branches[0].(map[string]any)["nextStepIds"].([]any)[0].(string)
	if len(v.Steps) != 4 || stepOf(t, v, ifEmpty)["type"] != "EMPTY" || fmt.Sprint(stepOf(t, v, taskStep)["nextStepIds"]) != "["+ifElse+"]" {
		t.Fatalf("after the IF_ELSE: %v", v.Steps)
	}
	// Its condition: amount >= 1000.
	group := in["stepFilterGroups"].([]any)[0].(map[string]any)["id"]
	filter := in["stepFilters"].([]any)[0].(map[string]any)
	filter["type"], filter["operand"], filter["stepOutputKey"], filter["value"] = "NUMBER", "GREATER_THAN_OR_EQUAL", "{{trigger.amount}}", "1000"
	if filter["stepFilterGroupId"] != group {
		t.Errorf("default filter %v is not in the group %v", filter, group)
	}
	branching["valid"] = true
	data[struct{ UpdateWorkflowVersionStep map[string]any }](t, mut(updateStep, map[string]any{"workflowVersionId": version, "step": branching}))
	// The IF branch's empty step becomes a record-create step (a change of type: Twenty's defaults,
	// same id and links), then gets its settings.
	empty := stepOf(t, v, ifEmpty)
	empty["type"] = "CREATE_RECORD"
	branchStep := data[struct{ UpdateWorkflowVersionStep map[string]any }](t, mut(updateStep, map[string]any{"workflowVersionId": version, "step": empty})).UpdateWorkflowVersionStep
	if branchStep["id"] != ifEmpty || branchStep["name"] != "Create Record" {
		t.Errorf("empty step turned into %v", branchStep)
	}
	branchStep["settings"].(map[string]any)["input"] = map[string]any{"objectName": "task", "objectRecord": map[string]any{"title": "Big deal of {{trigger.who}}"}}
	branchStep["valid"] = true
	data[struct{ UpdateWorkflowVersionStep map[string]any }](t, mut(updateStep, map[string]any{"workflowVersionId": version, "step": branchStep}))

	// A loose step, an edge to it added and deleted, and the step deleted.
	const loose = "33333333-3333-4333-8333-333333333333"
	data[struct{ CreateWorkflowVersionStep stepChanges }](t, mut(createStep, map[string]any{"workflowVersionId": version, "stepType": "HTTP_REQUEST", "id": loose}))
	edge := `mutation($input: CreateWorkflowVersionEdgeInput!) { createWorkflowVersionEdge(input: $input) { stepsDiff } }`
	added := data[struct{ CreateWorkflowVersionEdge stepChanges }](t, mut(edge, map[string]any{"workflowVersionId": version, "source": taskStep, "target": loose})).CreateWorkflowVersionEdge
	if len(added.StepsDiff) != 1 || added.StepsDiff[0].Type != "CREATE" || string(added.StepsDiff[0].Value) != `"`+loose+`"` {
		t.Errorf("createWorkflowVersionEdge = %+v", added)
	}
	if got := stepOf(t, readVersion(t, a.access, version), taskStep)["nextStepIds"]; fmt.Sprint(got) != "["+ifElse+" "+loose+"]" {
		t.Errorf("after the edge: %v", got)
	}
	data[struct{ DeleteWorkflowVersionEdge stepChanges }](t, mut(strings.ReplaceAll(edge, "createWorkflowVersionEdge", "deleteWorkflowVersionEdge"),
		map[string]any{"workflowVersionId": version, "source": taskStep, "target": loose}))
	data[struct{ DeleteWorkflowVersionStep stepChanges }](t, mut(`mutation($input: DeleteWorkflowVersionStepInput!) { deleteWorkflowVersionStep(input: $input) { stepsDiff } }`,
		map[string]any{"workflowVersionId": version, "stepId": loose}))
	v = readVersion(t, a.access, version)
	if len(v.Steps) != 4 || fmt.Sprint(stepOf(t, v, taskStep)["nextStepIds"]) != "["+ifElse+"]" {
		t.Errorf("after deleting the loose step: %v", v.Steps)
	}
	// Unknown steps are Twenty's refusals, not 5xx.
	wantGQLError(t, "delete an unknown step", mut(`mutation($input: DeleteWorkflowVersionStepInput!) { deleteWorkflowVersionStep(input: $input) { stepsDiff } }`,
		map[string]any{"workflowVersionId": version, "stepId": loose}), "NOT_FOUND", "Can't delete not existing step")

	// Another workspace's user does not see the version.
	stranger := onboard(t, "/metadata")
	wantGQLError(t, "another workspace's version", gql(t, "/graphql", stranger.access, createStep,
		map[string]any{"input": map[string]any{"workflowVersionId": version, "stepType": "DELAY"}}), "NOT_FOUND", "WorkflowVersion not found")

	// The output schema of the record step, as the variable picker asks for it.
	schema := data[struct{ ComputeStepOutputSchema map[string]any }](t, mut(`mutation($input: ComputeStepOutputSchemaInput!) { computeStepOutputSchema(input: $input) }`,
		map[string]any{"step": stepOf(t, readVersion(t, a.access, version), taskStep)})).ComputeStepOutputSchema
	if schema["_outputSchemaType"] != "RECORD" || schema["fields"].(map[string]any)["title"] == nil {
		t.Errorf("computeStepOutputSchema = %v, want the task's record schema", schema)
	}

	// Activate, run: the IF branch's step runs.
	data[struct{ ActivateWorkflowVersion bool }](t, gql(t, "/graphql", a.access,
		`mutation($id: UUID!) { activateWorkflowVersion(workflowVersionId: $id) }`, map[string]any{"id": version}))
	runID := data[struct {
		RunWorkflowVersion struct{ WorkflowRunID string }
	}](t, mut(`mutation($input: RunWorkflowVersionInput!) { runWorkflowVersion(input: $input) { workflowRunId } }`,
		map[string]any{"workflowVersionId": version, "payload": map[string]any{"who": "Ada", "amount": 5000}})).RunWorkflowVersion.WorkflowRunID
	run := awaitRun(t, a.access, `{"id":{"eq":"`+runID+`"}}`)
	if run.Status != "COMPLETED" {
		t.Fatalf("run = %+v, want COMPLETED", run)
	}
	var made struct{ Title string }
	if err := json.Unmarshal(run.State.StepInfos[ifEmpty].Result, &made); err != nil {
		t.Errorf("the IF branch's output %s: %v", run.State.StepInfos[ifEmpty].Result, err)
	}
	if run.State.StepInfos[taskStep].Status != "SUCCESS" || run.State.StepInfos[ifElse].Status != "SUCCESS" || made.Title != "Big deal of Ada" {
		t.Errorf("run steps = %+v, want the task, the IF_ELSE and the IF branch's task", run.State.StepInfos)
	}

	// An active version is not edited.
	wantGQLError(t, "edit the active version", mut(updateStep, map[string]any{"workflowVersionId": version, "step": task}),
		"FORBIDDEN", "Workflow version is not in draft status")

	// A draft from it: v2, a copy, and the workflow's statuses gain DRAFT.
	draft := data[struct {
		CreateDraftFromWorkflowVersion struct {
			ID, Name, Status, WorkflowID string
			Steps                        []map[string]any
		}
	}](t, mut(`mutation($input: CreateDraftFromWorkflowVersionInput!) { createDraftFromWorkflowVersion(input: $input) { id name status workflowId steps } }`,
		map[string]any{"workflowId": wf, "workflowVersionIdToCopy": version})).CreateDraftFromWorkflowVersion
	if draft.Name != "v2" || draft.Status != "DRAFT" || draft.WorkflowID != wf || len(draft.Steps) != 4 {
		t.Errorf("createDraftFromWorkflowVersion = %+v", draft)
	}
	statuses := data[struct{ Workflow struct{ Statuses []string } }](t, gql(t, "/graphql", a.access,
		`query($f: WorkflowFilterInput!) { workflow(filter: $f) { statuses } }`, map[string]any{"f": map[string]any{"id": map[string]any{"eq": wf}}})).Workflow.Statuses
	if fmt.Sprint(statuses) != "[ACTIVE DRAFT]" {
		t.Errorf("workflow statuses = %v, want [ACTIVE DRAFT]", statuses)
	}

	// Concurrent edits of the draft. Each write is conditional on the updatedAt it read (the
	// records Worker checks the condition inside the write's batch) and is redone on a version
	// edited meanwhile: every edit lands.
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := mut(createStep, map[string]any{"workflowVersionId": draft.ID, "stepType": "DELAY", "parentStepId": "trigger"})
			if len(r.Errors) > 0 {
				t.Errorf("concurrent edit %d: %+v", i, r.Errors)
			}
		}()
	}
	wg.Wait()
	if landed := len(readVersion(t, a.access, draft.ID).Steps) - 4; landed != 4 {
		t.Errorf("4 concurrent step creations: %d landed, want 4", landed)
	}

	// duplicateWorkflow: a new workflow whose v1 draft copies the version under new ids.
	dup := data[struct {
		DuplicateWorkflow struct {
			Name, Status, WorkflowID string
			Steps                    []map[string]any
		}
	}](t, mut(`mutation($input: DuplicateWorkflowInput!) { duplicateWorkflow(input: $input) { name status workflowId steps } }`,
		map[string]any{"workflowIdToDuplicate": wf, "workflowVersionIdToCopy": version})).DuplicateWorkflow
	if dup.Name != "v1" || dup.Status != "DRAFT" || dup.WorkflowID == wf || len(dup.Steps) != 4 || dup.Steps[0]["id"] == taskStep {
		t.Errorf("duplicateWorkflow = %+v", dup)
	}
}
