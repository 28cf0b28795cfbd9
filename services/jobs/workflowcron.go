package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"connectrpc.com/connect"

	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/ids"
)

// This file is the CRON trigger. Activation computes the trigger's cron pattern from its
// settings as Twenty's computeCronPatternFromSchedule does and writes it to the control
// database's workflow_cron_triggers (migrations/0010), the one place that lists the triggers of
// every workspace; deactivation removes it. The jobs Worker's minute Cron Trigger reads the list
// and starts a run of each workflow whose pattern matches the minute. The run's id is derived
// from the minute and the workflow, so a cron event delivered twice starts the run once.

// workflowCron is the minute Cron Trigger that fires CRON workflows (services/jobs/wrangler.jsonc).
const workflowCron = "* * * * *"

// maxCronTriggers bounds the triggers one minute reads; past it, the rest are logged as skipped.
const maxCronTriggers = 5000

// withWorkflowCron runs the CRON workflows on the minute cron, and next on the others.
func withWorkflowCron(e *workflowEngine, next func(context.Context, cfworker.ScheduledEvent) error) func(context.Context, cfworker.ScheduledEvent) error {
	return func(ctx context.Context, ev cfworker.ScheduledEvent) error {
		if ev.Cron == workflowCron {
			return e.fireCron(ctx)
		}
		return next(ctx, ev)
	}
}

// cronPattern is Twenty's pattern for a CRON trigger's settings: {type: DAYS, schedule: {day,
// hour, minute}}, {type: HOURS, schedule: {hour, minute}}, {type: MINUTES, schedule: {minute}}
// or {type: CUSTOM, pattern}.
func cronPattern(settings map[string]any) (string, error) {
	schedule, _ := settings["schedule"].(map[string]any)
	num := func(k string) string {
		switch n := schedule[k].(type) {
		case float64:
			return strconv.FormatFloat(n, 'f', -1, 64)
		case string:
			return n
		}
		return ""
	}
	var pattern string
	switch t, _ := settings["type"].(string); t {
	case "CUSTOM":
		pattern, _ = settings["pattern"].(string)
	case "DAYS":
		pattern = fmt.Sprintf("%s %s */%s * *", num("minute"), num("hour"), num("day"))
	case "HOURS":
		pattern = fmt.Sprintf("%s */%s * * *", num("minute"), num("hour"))
	case "MINUTES":
		pattern = fmt.Sprintf("*/%s * * * *", num("minute"))
	default:
		return "", errors.New("Unsupported cron schedule type")
	}
	if _, err := parseCron(pattern); err != nil {
		return "", fmt.Errorf("Cron pattern '%s' is invalid: %w", pattern, err)
	}
	return pattern, nil
}

// saveCronTrigger writes (or, for another trigger type, removes) the workflow's row.
func (e *workflowEngine) saveCronTrigger(ctx context.Context, ws string, v *workflowVersion) error {
	if e.control == nil {
		return nil
	}
	if v.trigger == nil || v.trigger.Type != "CRON" {
		return e.dropCronTrigger(ctx, ws, v.WorkflowID)
	}
	pattern, err := cronPattern(v.trigger.Settings)
	if err != nil {
		return refused(connect.CodeInvalidArgument, err.Error())
	}
	_, err = e.control.ExecContext(ctx, `INSERT INTO workflow_cron_triggers (workspace_id, workflow_id, version_id, pattern, created_at)
VALUES (?, ?, ?, ?, ?) ON CONFLICT (workspace_id, workflow_id) DO UPDATE SET version_id = excluded.version_id, pattern = excluded.pattern`,
		ws, v.WorkflowID, v.ID, pattern, e.now().UTC().Format("2006-01-02T15:04:05.000Z"))
	if err != nil {
		return fmt.Errorf("save cron trigger: %w", err)
	}
	return nil
}

func (e *workflowEngine) dropCronTrigger(ctx context.Context, ws, workflowID string) error {
	if e.control == nil {
		return nil
	}
	if _, err := e.control.ExecContext(ctx, `DELETE FROM workflow_cron_triggers WHERE workspace_id = ? AND workflow_id = ?`, ws, workflowID); err != nil {
		return fmt.Errorf("drop cron trigger: %w", err)
	}
	return nil
}

type cronRow struct{ workspace, workflow, version, pattern string }

// fireCron starts a run of every CRON workflow due this minute. A workspace whose records
// Worker call fails does not keep the others' runs from starting; the errors come back joined.
func (e *workflowEngine) fireCron(ctx context.Context) error {
	if e.control == nil {
		return nil
	}
	minute := e.now().UTC().Truncate(time.Minute)
	due, err := e.dueCronTriggers(ctx, minute)
	if err != nil {
		return err
	}
	errs := []error{e.pruneRunCounts(ctx)}
	for _, r := range due {
		v, err := e.loadVersion(ctx, r.workspace, r.version)
		if err == nil && (v.Status != versionActive || v.trigger == nil || v.trigger.Type != "CRON") {
			err = errVersionNotFound
		}
		if errors.Is(err, errVersionNotFound) {
			// The version was deactivated or removed without its row: drop the row.
			slog.WarnContext(ctx, "cron trigger without an active version", "workspace_id", r.workspace, "workflow_id", r.workflow)
			errs = append(errs, e.dropCronTrigger(ctx, r.workspace, r.workflow))
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("cron workflow %s: %w", r.workflow, err))
			continue
		}
		runID := ids.NameUUID(minute.Format(time.RFC3339), r.workflow)
		if err := e.startRun(ctx, r.workspace, v, runID, map[string]any{}, workflowActor); err != nil {
			errs = append(errs, fmt.Errorf("cron workflow %s: %w", r.workflow, err))
		}
	}
	return errors.Join(errs...)
}

// dueCronTriggers answers the triggers whose pattern matches minute.
func (e *workflowEngine) dueCronTriggers(ctx context.Context, minute time.Time) ([]cronRow, error) {
	rows, err := e.control.QueryContext(ctx, `SELECT workspace_id, workflow_id, version_id, pattern FROM workflow_cron_triggers
ORDER BY workspace_id, workflow_id LIMIT ?`, maxCronTriggers+1)
	if err != nil {
		return nil, fmt.Errorf("list cron triggers: %w", err)
	}
	defer rows.Close()
	var due []cronRow
	n := 0
	for rows.Next() {
		var r cronRow
		if err := rows.Scan(&r.workspace, &r.workflow, &r.version, &r.pattern); err != nil {
			return nil, fmt.Errorf("list cron triggers: %w", err)
		}
		if n++; n > maxCronTriggers {
			slog.ErrorContext(ctx, "too many cron triggers, the rest skipped this minute", "limit", maxCronTriggers)
			break
		}
		s, err := parseCron(r.pattern)
		if err != nil {
			slog.WarnContext(ctx, "unparsable cron pattern", "workspace_id", r.workspace, "workflow_id", r.workflow, "pattern", r.pattern)
			continue
		}
		if s.matches(minute) {
			due = append(due, r)
		}
	}
	return due, rows.Err()
}
