package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/cfworker"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

func TestCronPattern(t *testing.T) {
	tests := []struct {
		name     string
		settings map[string]any
		want     string
		wantErr  string
	}{
		{"days", map[string]any{"type": "DAYS", "schedule": map[string]any{"day": 2.0, "hour": 9.0, "minute": 30.0}}, "30 9 */2 * *", ""},
		{"hours", map[string]any{"type": "HOURS", "schedule": map[string]any{"hour": 3.0, "minute": 5.0}}, "5 */3 * * *", ""},
		{"minutes", map[string]any{"type": "MINUTES", "schedule": map[string]any{"minute": 15.0}}, "*/15 * * * *", ""},
		{"custom", map[string]any{"type": "CUSTOM", "pattern": "12 * * * *"}, "12 * * * *", ""},
		{"custom with seconds", map[string]any{"type": "CUSTOM", "pattern": "0 */5 * * * *"}, "0 */5 * * * *", ""},
		{"custom invalid", map[string]any{"type": "CUSTOM", "pattern": "61 * * * *"}, "", "Cron pattern '61 * * * *' is invalid"},
		{"minutes missing", map[string]any{"type": "MINUTES", "schedule": map[string]any{}}, "", "is invalid"},
		{"no type", map[string]any{}, "", "Unsupported cron schedule type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cronPattern(tt.settings)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("cronPattern = %q, %v, want error %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("cronPattern = %q, %v, want %q", got, err, tt.want)
			}
		})
	}
}

func TestCronScheduleMatches(t *testing.T) {
	at := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm }
	tests := []struct {
		pattern string
		t       string
		want    bool
	}{
		{"* * * * *", "2026-12-07T01:02:00Z", true},
		{"*/15 * * * *", "2026-12-07T01:30:00Z", true},
		{"*/15 * * * *", "2026-12-07T01:31:00Z", false},
		{"5 */3 * * *", "2026-12-07T03:05:00Z", true},
		{"5 */3 * * *", "2026-12-07T04:05:00Z", false},
		{"30 9 */2 * *", "2026-12-07T09:30:00Z", true}, // days 1, 3, 5, 7, …
		{"30 9 */2 * *", "2026-12-08T09:30:00Z", false},
		{"0 9 * * MON-FRI", "2026-12-07T09:00:00Z", true}, // a Monday
		{"0 9 * * mon-fri", "2026-12-06T09:00:00Z", false},
		{"0 0 * * 7", "2026-12-06T00:00:00Z", true}, // Sunday as 7
		{"0 0 1 * 1", "2026-12-07T00:00:00Z", true}, // both day fields restricted: either matches
		{"0 0 1 JAN,DEC ?", "2026-12-01T00:00:00Z", true},
		{"10-20/5 * * * *", "2026-12-07T01:15:00Z", true},
		{"10-20/5 * * * *", "2026-12-07T01:25:00Z", false},
		{"30 */2 * * * *", "2026-12-07T01:02:00Z", true}, // seconds ignored: once in the minute
	}
	for _, tt := range tests {
		s, err := parseCron(tt.pattern)
		if err != nil {
			t.Fatalf("parseCron(%q): %v", tt.pattern, err)
		}
		if got := s.matches(at(tt.t)); got != tt.want {
			t.Errorf("%q matches %s = %v, want %v", tt.pattern, tt.t, got, tt.want)
		}
	}
	for _, bad := range []string{"", "* * * *", "* * * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "*/0 * * * *", "5-1 * * * *", "x * * * *", "61 * * * * *"} {
		if _, err := parseCron(bad); err == nil {
			t.Errorf("parseCron(%q) accepted", bad)
		}
	}
}

const everyMinuteTrigger = `{"type":"CRON","name":"Every minute","settings":{"type":"CUSTOM","pattern":"* * * * *","outputSchema":{}},"nextStepIds":["s1"]}`

const createTaskStep = `[{"id":"s1","name":"Create task","type":"CREATE_RECORD","valid":true,"settings":{"input":{"objectName":"task","objectRecord":{"title":"Weekly review"}}},"nextStepIds":[]}]`

func cronRows(t *testing.T, e *workflowEngine) []string {
	t.Helper()
	rows, err := e.control.QueryContext(context.Background(), `SELECT workspace_id || ' ' || workflow_id || ' ' || version_id || ' ' || pattern FROM workflow_cron_triggers`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestCronWorkflowFiresEachMinuteOnce(t *testing.T) {
	e, recs, q := newTestEngine(t)
	e.control = sqltest.Open(t)
	now := testNow
	e.now = func() time.Time { return now }
	putWorkflow(recs, everyMinuteTrigger, createTaskStep)
	activate(t, e)
	if diff := cmp.Diff([]string{wfWorkspace + " " + wfID + " " + wfVersionID + " * * * * *"}, cronRows(t, e)); diff != "" {
		t.Fatalf("cron triggers (-want +got):\n%s", diff)
	}
	if n := len(recs.all("workflowAutomatedTriggers")); n != 1 {
		t.Errorf("automated triggers = %d, want 1", n)
	}
	scheduled := withWorkflowCron(e, func(context.Context, cfworker.ScheduledEvent) error { t.Fatal("other cron task ran"); return nil })
	// The same minute's cron event twice (a redelivery) starts one run.
	for range 2 {
		if err := scheduled(context.Background(), cfworker.ScheduledEvent{Cron: workflowCron}); err != nil {
			t.Fatal(err)
		}
	}
	drain(t, e, q)
	run := runOf(t, recs)
	if run["status"] != runCompleted || len(recs.all("tasks")) != 1 {
		t.Fatalf("run = %v, tasks %v", run["status"], recs.all("tasks"))
	}
	now = now.Add(time.Minute)
	if err := scheduled(context.Background(), cfworker.ScheduledEvent{Cron: workflowCron}); err != nil {
		t.Fatal(err)
	}
	drain(t, e, q)
	if n := len(recs.all("workflowRuns")); n != 2 {
		t.Errorf("runs after the next minute = %d, want 2", n)
	}
	// Deactivation removes the listing: the next minute starts nothing.
	if _, err := e.DeactivateVersion(context.Background(), &jobsv1.DeactivateVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID}); err != nil {
		t.Fatal(err)
	}
	if rows := cronRows(t, e); len(rows) != 0 {
		t.Errorf("cron triggers after deactivation = %v", rows)
	}
	now = now.Add(time.Minute)
	if err := scheduled(context.Background(), cfworker.ScheduledEvent{Cron: workflowCron}); err != nil {
		t.Fatal(err)
	}
	if n := len(recs.all("workflowRuns")); n != 2 {
		t.Errorf("runs after deactivation = %d, want 2", n)
	}
}

func TestCronWorkflowSkipsMinutesItDoesNotMatch(t *testing.T) {
	e, recs, q := newTestEngine(t)
	e.control = sqltest.Open(t)
	now := time.Date(2026, 12, 7, 1, 7, 0, 0, time.UTC)
	e.now = func() time.Time { return now }
	putWorkflow(recs, `{"type":"CRON","settings":{"type":"MINUTES","schedule":{"minute":10}},"nextStepIds":["s1"]}`, createTaskStep)
	activate(t, e)
	if err := e.fireCron(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(q.take()); n != 0 || len(recs.all("workflowRuns")) != 0 {
		t.Fatalf("at :07 a */10 trigger ran: %d jobs", n)
	}
	now = time.Date(2026, 12, 7, 1, 10, 0, 0, time.UTC)
	if err := e.fireCron(context.Background()); err != nil {
		t.Fatal(err)
	}
	drain(t, e, q)
	if n := len(recs.all("workflowRuns")); n != 1 {
		t.Errorf("runs at :10 = %d, want 1", n)
	}
}

func TestCronActivationRefusesAnInvalidPattern(t *testing.T) {
	e, recs, _ := newTestEngine(t)
	e.control = sqltest.Open(t)
	putWorkflow(recs, `{"type":"CRON","settings":{"type":"CUSTOM","pattern":"every day"},"nextStepIds":["s1"]}`, createTaskStep)
	_, err := e.ActivateVersion(context.Background(), &jobsv1.ActivateVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID})
	if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "Cron pattern 'every day' is invalid") {
		t.Fatalf("ActivateVersion = %v", err)
	}
	if rows := cronRows(t, e); len(rows) != 0 {
		t.Errorf("cron triggers = %v", rows)
	}
}
