package main

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
)

// TestLoopStepHistory: a step inside an ITERATOR's loop keeps each item's execution in its
// stepInfo's history (Twenty's history entries: status, result, error), the last one being the
// step's own status and result; an item a FILTER stopped before the step adds none.
func TestLoopStepHistory(t *testing.T) {
	e, recs, q := newTestEngine(t)
	putWorkflow(recs, `{"type":"MANUAL","settings":{},"nextStepIds":["loop"]}`, loopSteps)
	res, err := e.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID,
		PayloadJson: []byte(`{"names":["Ada","Linus","Grace"]}`)})
	if err != nil {
		t.Fatal(err)
	}
	drain(t, e, q)
	infos := recs.get("workflowRuns", res.GetWorkflowRunId())["state"].(map[string]any)["stepInfos"].(map[string]any)
	title := func(v any) any { return v.(map[string]any)["result"].(map[string]any)["title"] }
	task := infos["task"].(map[string]any)
	history, _ := task["history"].([]any)
	if len(history) != 1 || history[0].(map[string]any)["status"] != stepSuccess || title(history[0]) != "Call Ada (0)" || title(task) != "Call Grace (2)" {
		t.Errorf("task's step info = %v, want Ada's execution in its history and Grace's as its own", task)
	}
	var indexes []any
	for _, h := range infos["loop"].(map[string]any)["history"].([]any) {
		indexes = append(indexes, h.(map[string]any)["result"].(map[string]any)["currentItemIndex"])
	}
	if d := cmp.Diff([]any{0.0, 1.0, 2.0}, indexes); d != "" {
		t.Errorf("iterator's entries in its history (-want +got):\n%s", d)
	}
	if after := infos["after"].(map[string]any); after["history"] != nil {
		t.Errorf("a step outside the loop has a history: %v", after)
	}
}

func TestStepHistoryIsBounded(t *testing.T) {
	s := &runState{StepInfos: map[string]*stepInfo{}}
	for i := range maxStepHistory + 5 {
		s.setStepInfo("x", &stepInfo{Status: stepSuccess, Result: float64(i)})
		s.resetStepInfo("x")
	}
	h := s.StepInfos["x"].History
	if len(h) != maxStepHistory || h[0].Result != float64(5) || h[len(h)-1].Result != float64(maxStepHistory+4) {
		t.Errorf("history of %d entries from %v to %v, want the latest %d", len(h), h[0].Result, h[len(h)-1].Result, maxStepHistory)
	}
}
