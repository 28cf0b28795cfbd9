//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWorkflowFindIterateUpsert runs a MANUAL workflow that finds the people of one city
// (FIND_RECORDS with Twenty's gqlOperationFilter), loops over them (ITERATOR) creating a task for
// each, and after the loop updates the first one (UPSERT_RECORD with its id).
func TestWorkflowFindIterateUpsert(t *testing.T) {
	a := onboard(t, "/metadata")
	send, expect := sender(t, []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"})
	for _, p := range []string{`{"name":{"firstName":"Ada"},"city":"Paris"}`, `{"name":{"firstName":"Grace"},"city":"Paris"}`, `{"name":{"firstName":"Linus"},"city":"Helsinki"}`} {
		expect(send(http.MethodPost, "/rest/people", p), http.StatusCreated, "POST /rest/people")
	}
	steps := []map[string]any{
		{"id": "find", "name": "Find", "type": "FIND_RECORDS", "valid": true, "nextStepIds": []string{"loop"},
			"settings": map[string]any{"input": map[string]any{"objectName": "person", "limit": 10,
				"filter":  map[string]any{"recordFilters": []any{}, "gqlOperationFilter": map[string]any{"city": map[string]any{"eq": "{{trigger.city}}"}}},
				"orderBy": map[string]any{"gqlOperationOrderBy": []any{map[string]any{"position": "AscNullsFirst"}}}}}},
		{"id": "loop", "name": "Each", "type": "ITERATOR", "valid": true, "nextStepIds": []string{"mark"},
			"settings": map[string]any{"input": map[string]any{"items": "{{find.all}}", "initialLoopStepIds": []string{"task"}}}},
		{"id": "task", "name": "Task", "type": "CREATE_RECORD", "valid": true, "nextStepIds": []string{"loop"},
			"settings": map[string]any{"input": map[string]any{"objectName": "task", "objectRecord": map[string]any{"title": "Call {{loop.currentItem.name.firstName}}"}}}},
		{"id": "mark", "name": "Mark", "type": "UPSERT_RECORD", "valid": true, "nextStepIds": []string{},
			"settings": map[string]any{"input": map[string]any{"objectName": "person", "objectRecord": map[string]any{"id": "{{find.first.id}}", "jobTitle": "Looped"}}}},
	}
	_, version := createWorkflowVersion(t, a.access, "Call Paris", map[string]any{"type": "MANUAL", "settings": map[string]any{}, "nextStepIds": []string{"find"}}, steps)
	started := data[struct {
		RunWorkflowVersion struct{ WorkflowRunID string }
	}](t, gql(t, "/graphql", a.access,
		`mutation($input: RunWorkflowVersionInput!) { runWorkflowVersion(input: $input) { workflowRunId } }`,
		map[string]any{"input": map[string]any{"workflowVersionId": version, "payload": map[string]any{"city": "Paris"}}})).RunWorkflowVersion
	run := awaitRun(t, a.access, `{"id":{"eq":"`+started.WorkflowRunID+`"}}`)
	if run.Status != "COMPLETED" {
		t.Fatalf("run = %+v", run)
	}
	var found struct{ TotalCount int }
	_ = json.Unmarshal(run.State.StepInfos["find"].Result, &found)
	if found.TotalCount != 2 {
		t.Errorf("FIND_RECORDS = %s, want the 2 people of Paris", run.State.StepInfos["find"].Result)
	}
	tasks := data[struct {
		Tasks struct {
			Edges []struct{ Node struct{ Title string } }
		}
	}](t, gql(t, "/graphql", a.access, `{ tasks { edges { node { title } } } }`, nil))
	var titles []string
	for _, e := range tasks.Tasks.Edges {
		titles = append(titles, e.Node.Title)
	}
	sort.Strings(titles)
	if diff := cmp.Diff([]string{"Call Ada", "Call Grace"}, titles); diff != "" {
		t.Errorf("tasks (-want +got):\n%s", diff)
	}
	var marked struct{ JobTitle, City string }
	if err := json.Unmarshal(run.State.StepInfos["mark"].Result, &marked); err != nil || marked.JobTitle != "Looped" || marked.City != "Paris" {
		t.Errorf("UPSERT_RECORD output = %s", run.State.StepInfos["mark"].Result)
	}
}
