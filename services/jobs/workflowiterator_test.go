package main

import (
	"context"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
)

// loopSteps iterates over the trigger's names: a FILTER skips Linus, a CREATE_RECORD makes a
// task per other name, then after the loop one more task.
const loopSteps = `[
 {"id":"loop","type":"ITERATOR","settings":{"input":{"items":"{{trigger.names}}","initialLoopStepIds":["only"]}},"nextStepIds":["after"]},
 {"id":"only","type":"FILTER","settings":{"input":{"stepFilterGroups":[{"id":"g","logicalOperator":"AND"}],
   "stepFilters":[{"id":"f","type":"TEXT","operand":"IS_NOT","stepOutputKey":"{{loop.currentItem}}","value":"Linus","stepFilterGroupId":"g"}]}},"nextStepIds":["task"]},
 {"id":"task","type":"CREATE_RECORD","settings":{"input":{"objectName":"task","objectRecord":{"title":"Call {{loop.currentItem}} ({{loop.currentItemIndex}})"}}},"nextStepIds":["loop"]},
 {"id":"after","type":"CREATE_RECORD","settings":{"input":{"objectName":"task","objectRecord":{"title":"Done"}}},"nextStepIds":[]}
]`

func taskTitles(recs *fakeRecords) []string {
	var out []string
	for _, t := range recs.all("tasks") {
		out = append(out, t["title"].(string))
	}
	sort.Strings(out)
	return out
}

func TestIteratorRunsItsLoopPerItem(t *testing.T) {
	tests := []struct {
		name, payload string
		want          []string
	}{
		{"three names, one filtered out", `{"names":["Ada","Linus","Grace"]}`, []string{"Call Ada (0)", "Call Grace (2)", "Done"}},
		{"items as JSON text", `{"names":"[\"Ada\"]"}`, []string{"Call Ada (0)", "Done"}},
		{"no items", `{"names":[]}`, []string{"Done"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, recs, q := newTestEngine(t)
			putWorkflow(recs, `{"type":"MANUAL","settings":{},"nextStepIds":["loop"]}`, loopSteps)
			res, err := e.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID, PayloadJson: []byte(tt.payload)})
			if err != nil {
				t.Fatal(err)
			}
			drain(t, e, q)
			run := recs.get("workflowRuns", res.GetWorkflowRunId())
			if run["status"] != runCompleted {
				t.Fatalf("run = %v %v", run["status"], run["state"])
			}
			if diff := cmp.Diff(tt.want, taskTitles(recs)); diff != "" {
				t.Errorf("tasks (-want +got):\n%s", diff)
			}
			loop := run["state"].(map[string]any)["stepInfos"].(map[string]any)["loop"].(map[string]any)
			if r := loop["result"].(map[string]any); loop["status"] != stepSuccess || r["hasProcessedAllItems"] != true {
				t.Errorf("iterator's step info = %v", loop)
			}
		})
	}
}

// TestIteratorDropsDuplicateJobs runs every step job twice: each item still makes one task.
func TestIteratorDropsDuplicateJobs(t *testing.T) {
	e, recs, q := newTestEngine(t)
	putWorkflow(recs, `{"type":"MANUAL","settings":{},"nextStepIds":["loop"]}`, loopSteps)
	if _, err := e.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID,
		PayloadJson: []byte(`{"names":["Ada","Grace"]}`)}); err != nil {
		t.Fatal(err)
	}
	for range 40 {
		jobs := q.take()
		if len(jobs) == 0 {
			break
		}
		for _, j := range jobs {
			for range 2 {
				if err := e.handleStep(context.Background(), j.job); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if diff := cmp.Diff([]string{"Call Ada (0)", "Call Grace (1)", "Done"}, taskTitles(recs)); diff != "" {
		t.Errorf("tasks (-want +got):\n%s", diff)
	}
	if run := runOf(t, recs); run["status"] != runCompleted {
		t.Errorf("run = %v", run["status"])
	}
}

func TestIteratorRefusesItemsThatAreNotAList(t *testing.T) {
	e, recs, q := newTestEngine(t)
	putWorkflow(recs, `{"type":"MANUAL","settings":{},"nextStepIds":["loop"]}`, loopSteps)
	if _, err := e.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID,
		PayloadJson: []byte(`{"names":{"a":1}}`)}); err != nil {
		t.Fatal(err)
	}
	drain(t, e, q)
	run := runOf(t, recs)
	if run["status"] != runFailed || run["state"].(map[string]any)["workflowRunError"] != "Iterator input items must be an array" {
		t.Errorf("run = %v %v", run["status"], run["state"].(map[string]any)["workflowRunError"])
	}
}

func TestFilterStepEndsItsPath(t *testing.T) {
	const steps = `[
 {"id":"only","type":"FILTER","settings":{"input":{"stepFilterGroups":[{"id":"g","logicalOperator":"OR"}],
   "stepFilters":[{"id":"f1","type":"TEXT","operand":"IS","stepOutputKey":"{{trigger.city}}","value":"Paris","stepFilterGroupId":"g"},
                  {"id":"f2","type":"TEXT","operand":"IS","stepOutputKey":"{{trigger.city}}","value":"Lyon","stepFilterGroupId":"g"}]}},"nextStepIds":["task"]},
 {"id":"task","type":"UPSERT_RECORD","settings":{"input":{"objectName":"task","objectRecord":{"title":"Visit {{trigger.city}}"}}},"nextStepIds":[]}
]`
	for _, tt := range []struct {
		city  string
		tasks []string
	}{{"Lyon", []string{"Visit Lyon"}}, {"Berlin", nil}} {
		e, recs, q := newTestEngine(t)
		putWorkflow(recs, `{"type":"MANUAL","settings":{},"nextStepIds":["only"]}`, steps)
		if _, err := e.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID,
			PayloadJson: []byte(`{"city":"` + tt.city + `"}`)}); err != nil {
			t.Fatal(err)
		}
		drain(t, e, q)
		run := runOf(t, recs)
		if run["status"] != runCompleted {
			t.Errorf("%s: run = %v", tt.city, run["status"])
		}
		if diff := cmp.Diff(tt.tasks, taskTitles(recs)); diff != "" {
			t.Errorf("%s: tasks (-want +got):\n%s", tt.city, diff)
		}
		want := map[string]string{"trigger": stepSuccess, "only": stepSuccess, "task": stepSuccess}
		if tt.tasks == nil {
			want["task"] = stepNotStarted
		}
		if diff := cmp.Diff(want, stepStatuses(run)); diff != "" {
			t.Errorf("%s: step statuses (-want +got):\n%s", tt.city, diff)
		}
	}
}
