package main

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

func runStatuses(recs *fakeRecords) map[string]int {
	out := map[string]int{}
	for _, r := range recs.all("workflowRuns") {
		out[r["status"].(string)]++
	}
	return out
}

// TestThrottleDefersPastTheMinutesRuns starts 5 event runs with a budget of 2 a minute: 3 wait
// NOT_STARTED and start in the following minutes, 2 a minute; none is lost.
func TestThrottleDefersPastTheMinutesRuns(t *testing.T) {
	e, recs, q := newTestEngine(t)
	e.control = sqltest.Open(t)
	e.runsPerMinute = 2
	now := time.Date(2026, 12, 7, 1, 0, 10, 0, time.UTC)
	e.now = func() time.Time { return now }
	putWorkflow(recs, personCreatedTrigger, createTaskStep)
	activate(t, e)
	for i := range 5 {
		if err := e.handleEvents(context.Background(), personCreated("ev-"+string(rune('a'+i)), ids.NewUUID(), "Ada", "L")); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(map[string]int{runEnqueued: 2, runNotStarted: 3}, runStatuses(recs)); diff != "" {
		t.Fatalf("runs after the events (-want +got):\n%s", diff)
	}
	for minute := 1; len(q.jobs) > 0 && minute < 10; minute++ {
		for _, j := range q.take() {
			if j.job.GetType() == workflowStartJobType {
				if j.delay < time.Second || j.delay > 61*time.Second {
					t.Errorf("a deferred run waits %s, want until the next minute", j.delay)
				}
				now = time.Date(2026, 12, 7, 1, minute, 1, 0, time.UTC)
				if err := e.handleStart(context.Background(), j.job); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := e.handleStep(context.Background(), j.job); err != nil {
				t.Fatal(err)
			}
		}
	}
	if diff := cmp.Diff(map[string]int{runCompleted: 5}, runStatuses(recs)); diff != "" {
		t.Errorf("runs at the end (-want +got):\n%s", diff)
	}
	if n := len(recs.all("tasks")); n != 5 {
		t.Errorf("tasks = %d, want one per run", n)
	}
}

// TestThrottleRefusesPastTheHoursRuns: past the hour's budget a run is created FAILED with
// Twenty's error, a manual one too.
func TestThrottleRefusesPastTheHoursRuns(t *testing.T) {
	e, recs, q := newTestEngine(t)
	e.control = sqltest.Open(t)
	e.runsPerHour = 1
	putWorkflow(recs, `{"type":"MANUAL","settings":{}}`, createTaskStep)
	var runIDs []string
	for range 2 {
		res, err := e.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID})
		if err != nil {
			t.Fatal(err)
		}
		runIDs = append(runIDs, res.GetWorkflowRunId())
	}
	drain(t, e, q)
	if got := recs.get("workflowRuns", runIDs[0])["status"]; got != runCompleted {
		t.Errorf("first run = %v, want COMPLETED", got)
	}
	second := recs.get("workflowRuns", runIDs[1])
	if second["status"] != runFailed || second["state"].(map[string]any)["workflowRunError"] != throttleError {
		t.Errorf("second run = %v %v, want FAILED with %q", second["status"], second["state"], throttleError)
	}
	// Another workspace has its own budget.
	if n, err := e.countRun(context.Background(), ids.NewUUID(), "hour", time.Hour); err != nil || n != 1 {
		t.Errorf("another workspace's count = %d, %v", n, err)
	}
}
