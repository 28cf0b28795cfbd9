package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/d1"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/jobqueue"
)

// A deleted workspace (auth's DeleteCurrentWorkspace marks it, revokes its tokens and enqueues
// this job) is purged by the workspace.purge job, in this order: its files (R2 objects and
// rows), its records and metadata (the records Worker), the jobs Worker's own rows of it
// (webhooks and their deliveries, workflow cron triggers and run counts), and last auth's rows
// and the workspace row, whose absence says the purge is done. Every step may run again: the
// job is retried as a whole when a step fails, and a step that answers "more" is called again,
// up to purgeRoundsPerJob rounds, after which the job enqueues its own continuation and ends (a
// queue invocation stays short however big the workspace). The sweep (on the ten-minute cron)
// enqueues the job again for every workspace still marked after purgeSweepGrace, so a job the
// queue refused, or one dead-lettered, is not the end of it.

// workspacePurgeJobType is the job auth enqueues (its workspacedelete.go).
const workspacePurgeJobType = "workspace.purge"

const (
	// purgeRoundsPerJob bounds the calls to one Worker in one job.
	purgeRoundsPerJob = 20
	// purgeSweepGrace is how long a marked workspace waits for its job before the sweep enqueues
	// another; purgeSweepBatch bounds the workspaces one sweep enqueues.
	purgeSweepGrace = 10 * time.Minute
	purgeSweepBatch = 50
)

// The calls the purge makes, each on its Worker's contract.
type (
	filesPurger interface {
		PurgeWorkspace(context.Context, *filesv1.PurgeWorkspaceRequest) (*filesv1.PurgeWorkspaceResponse, error)
	}
	recordsPurger interface {
		PurgeWorkspace(context.Context, *recordsv1.PurgeWorkspaceRequest) (*recordsv1.PurgeWorkspaceResponse, error)
	}
	authPurger interface {
		PurgeWorkspace(context.Context, *authv1.PurgeWorkspaceRequest) (*authv1.PurgeWorkspaceResponse, error)
	}
)

// workspacePurger runs workspace.purge jobs and their sweep.
type workspacePurger struct {
	db      *d1.DB
	queue   jobqueue.Producer
	files   filesPurger
	records recordsPurger
	auth    authPurger
	now     func() time.Time
}

// handle implements handlerFunc for workspace.purge.
func (p *workspacePurger) handle(ctx context.Context, job *jobsv1.Job) error {
	ws := job.GetWorkspaceId()
	if ws == "" {
		return fmt.Errorf("%w: a workspace.purge job without a workspace", errJobDead)
	}
	start := p.now()
	done, err := purgeRounds(func() (bool, error) {
		res, err := p.files.PurgeWorkspace(ctx, &filesv1.PurgeWorkspaceRequest{WorkspaceId: ws})
		return res.GetMore(), err
	})
	if err == nil && done {
		done, err = purgeRounds(func() (bool, error) {
			res, err := p.records.PurgeWorkspace(ctx, &recordsv1.PurgeWorkspaceRequest{WorkspaceId: ws})
			return res.GetMore(), err
		})
	}
	if err != nil {
		return fmt.Errorf("purge workspace %s: %w", ws, err)
	}
	if !done {
		// A big workspace: the rest in a new job, so this invocation ends.
		if _, err := jobqueue.Enqueue(ctx, p.queue, &jobsv1.Job{Type: workspacePurgeJobType, WorkspaceId: ws}); err != nil {
			return fmt.Errorf("continue the purge of %s: %w", ws, err)
		}
		slog.InfoContext(ctx, "workspace purge continues in another job", "workspace_id", ws)
		return nil
	}
	if err := p.purgeOwnRows(ctx, ws); err != nil {
		return err
	}
	if _, err := p.auth.PurgeWorkspace(ctx, &authv1.PurgeWorkspaceRequest{WorkspaceId: ws}); err != nil {
		return fmt.Errorf("purge workspace %s in auth: %w", ws, err)
	}
	slog.InfoContext(ctx, "workspace purged", "workspace_id", ws, "took_ms", p.now().Sub(start).Milliseconds())
	return nil
}

// purgeRounds calls step until it has no more, at most purgeRoundsPerJob times, and answers
// whether it finished.
func purgeRounds(step func() (bool, error)) (bool, error) {
	for range purgeRoundsPerJob {
		more, err := step()
		if err != nil {
			return false, err
		}
		if !more {
			return true, nil
		}
	}
	return false, nil
}

// purgeOwnRows deletes the jobs Worker's rows of the workspace: its webhooks, their deliveries
// and attempts, its workflows' cron triggers and run counts.
func (p *workspacePurger) purgeOwnRows(ctx context.Context, ws string) error {
	where := []any{ws}
	var stmts []d1.Stmt
	for _, table := range []string{"webhook_delivery_attempts", "webhook_deliveries", "webhooks", "workflow_cron_triggers", "workflow_run_counts"} {
		stmts = append(stmts, d1.Stmt{SQL: `DELETE FROM ` + table + ` WHERE workspace_id = ?`, Args: where})
	}
	if _, err := p.db.Batch(ctx, stmts...); err != nil {
		return fmt.Errorf("purge the webhooks and workflow triggers of %s: %w", ws, err)
	}
	return nil
}

// sweep enqueues a purge for every workspace marked deleted longer than purgeSweepGrace ago and
// not purged yet (its row is still there).
func (p *workspacePurger) sweep(ctx context.Context) error {
	before := p.now().Add(-purgeSweepGrace).UTC().Format("2006-01-02T15:04:05.000Z")
	rows, err := p.db.QueryContext(ctx, `SELECT id FROM workspaces WHERE purge_requested_at IS NOT NULL AND purge_requested_at < ?
ORDER BY purge_requested_at LIMIT ?`, before, purgeSweepBatch)
	if err != nil {
		return fmt.Errorf("sweep deleted workspaces: %w", err)
	}
	var marked []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("sweep deleted workspaces: %w", err)
		}
		marked = append(marked, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sweep deleted workspaces: %w", err)
	}
	var errs []error
	for _, ws := range marked {
		if _, err := jobqueue.Enqueue(ctx, p.queue, &jobsv1.Job{Type: workspacePurgeJobType, WorkspaceId: ws}); err != nil {
			errs = append(errs, err)
		}
	}
	if len(marked) > 0 {
		slog.InfoContext(ctx, "workspace purges enqueued again", "workspaces", len(marked))
	}
	return errors.Join(errs...)
}

// withWorkspacePurgeSweep runs the purge sweep on the ten-minute cron, besides what next does then.
func withWorkspacePurgeSweep(p *workspacePurger, next func(context.Context, cfworker.ScheduledEvent) error) func(context.Context, cfworker.ScheduledEvent) error {
	return func(ctx context.Context, e cfworker.ScheduledEvent) error {
		err := next(ctx, e)
		if e.Cron == sweepCron {
			err = errors.Join(err, p.sweep(ctx))
		}
		return err
	}
}
