package main

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/d1"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"github.com/twentyworkers/twenty/shared/queue/queuemem"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

// fakePurgers stand for the files, records and auth Workers: each has rounds of work left per
// workspace (files and records) and records the calls, in order.
type fakePurgers struct {
	mu         sync.Mutex
	calls      []string
	filesLeft  int
	recordLeft int
	fail       map[string]error // by Worker
}

func (f *fakePurgers) call(worker string, left *int) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, worker)
	if err := f.fail[worker]; err != nil {
		return false, err
	}
	if left == nil {
		return false, nil
	}
	*left = max(*left-1, 0)
	return *left > 0, nil
}

type filesFake struct{ *fakePurgers }

func (f filesFake) PurgeWorkspace(_ context.Context, _ *filesv1.PurgeWorkspaceRequest) (*filesv1.PurgeWorkspaceResponse, error) {
	more, err := f.call("files", &f.filesLeft)
	if err != nil {
		return nil, err
	}
	return &filesv1.PurgeWorkspaceResponse{More: more}, nil
}

type recordsFake struct{ *fakePurgers }

func (f recordsFake) PurgeWorkspace(_ context.Context, _ *recordsv1.PurgeWorkspaceRequest) (*recordsv1.PurgeWorkspaceResponse, error) {
	more, err := f.call("records", &f.recordLeft)
	if err != nil {
		return nil, err
	}
	return &recordsv1.PurgeWorkspaceResponse{More: more}, nil
}

type authFake struct {
	*fakePurgers
	db *d1.DB
}

func (f authFake) PurgeWorkspace(ctx context.Context, req *authv1.PurgeWorkspaceRequest) (*authv1.PurgeWorkspaceResponse, error) {
	if _, err := f.call("auth", nil); err != nil {
		return nil, err
	}
	if _, err := f.db.ExecContext(ctx, `DELETE FROM workspaces WHERE id = ?`, req.GetWorkspaceId()); err != nil {
		return nil, err
	}
	return &authv1.PurgeWorkspaceResponse{Done: true}, nil
}

func newPurger(t *testing.T, f *fakePurgers) (*workspacePurger, *queuemem.Memory, time.Time) {
	t.Helper()
	db := sqltest.Open(t)
	q := queuemem.New()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	return &workspacePurger{db: db, queue: q, files: filesFake{f}, records: recordsFake{f}, auth: authFake{f, db}, now: func() time.Time { return now }}, q, now
}

const (
	purgedWS = "11111111-1111-4111-8111-111111111111"
	keptWS   = "22222222-2222-4222-8222-222222222222"
)

func seedPurge(t *testing.T, db *d1.DB, markedAt string) {
	t.Helper()
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO workspaces (id, deleted_at, purge_requested_at) VALUES (?, ?, ?)`, []any{purgedWS, markedAt, markedAt}},
		{`INSERT INTO workspaces (id) VALUES (?)`, []any{keptWS}},
		{`INSERT INTO webhooks (id, workspace_id, target_url, operations) VALUES ('w1', ?, 'https://a.test', '["*.*"]'), ('w2', ?, 'https://b.test', '["*.*"]')`, []any{purgedWS, keptWS}},
		{`INSERT INTO workflow_cron_triggers (workspace_id, workflow_id, version_id, pattern, created_at) VALUES (?, 'f', 'v', '* * * * *', 'x'), (?, 'f', 'v', '* * * * *', 'x')`, []any{purgedWS, keptWS}},
	} {
		if _, err := db.Exec(stmt.sql, stmt.args...); err != nil {
			t.Fatalf("%s: %v", stmt.sql, err)
		}
	}
}

func rowCount(t *testing.T, db *d1.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestWorkspacePurgeJob(t *testing.T) {
	f := &fakePurgers{filesLeft: 2, recordLeft: 3, fail: map[string]error{}}
	p, q, _ := newPurger(t, f)
	seedPurge(t, p.db, "2026-12-07T11:59:00.000Z")
	ctx := context.Background()
	job := &jobsv1.Job{Type: workspacePurgeJobType, WorkspaceId: purgedWS}

	// Auth failing fails the job (the queue retries it) after files and records are done.
	f.fail["auth"] = errors.New("auth down")
	if err := p.handle(ctx, job); err == nil {
		t.Fatal("a purge whose auth step failed succeeded")
	}
	if diff := cmp.Diff([]string{"files", "files", "records", "records", "records", "auth"}, f.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	// The retry runs every step again (each is idempotent) and finishes.
	delete(f.fail, "auth")
	f.calls = nil
	if err := p.handle(ctx, job); err != nil {
		t.Fatalf("purge: %v", err)
	}
	if diff := cmp.Diff([]string{"files", "records", "auth"}, f.calls); diff != "" {
		t.Errorf("retried calls (-want +got):\n%s", diff)
	}
	got := map[string]int{}
	for _, ws := range []string{purgedWS, keptWS} {
		got[ws+" webhooks"] = rowCount(t, p.db, `SELECT count(*) FROM webhooks WHERE workspace_id = ?`, ws)
		got[ws+" cron"] = rowCount(t, p.db, `SELECT count(*) FROM workflow_cron_triggers WHERE workspace_id = ?`, ws)
		got[ws+" row"] = rowCount(t, p.db, `SELECT count(*) FROM workspaces WHERE id = ?`, ws)
	}
	want := map[string]int{purgedWS + " webhooks": 0, purgedWS + " cron": 0, purgedWS + " row": 0, keptWS + " webhooks": 1, keptWS + " cron": 1, keptWS + " row": 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows after the purge (-want +got):\n%s", diff)
	}
	if n := len(q.Sent()); n != 0 {
		t.Errorf("the purge enqueued %d jobs, want none", n)
	}

	// A records failure stops before auth: the workspace stays marked for the retry.
	f.calls, f.fail["records"] = nil, errors.New("records down")
	seedPurgeAgain := func() {
		if _, err := p.db.Exec(`INSERT INTO workspaces (id, deleted_at, purge_requested_at) VALUES (?, 'x', 'x')`, purgedWS); err != nil {
			t.Fatal(err)
		}
	}
	seedPurgeAgain()
	if err := p.handle(ctx, job); err == nil {
		t.Fatal("a purge whose records step failed succeeded")
	}
	if diff := cmp.Diff([]string{"files", "records"}, f.calls); diff != "" {
		t.Errorf("calls with records down (-want +got):\n%s", diff)
	}
}

// A workspace bigger than one job's rounds is continued by a job the purge enqueues itself.
func TestWorkspacePurgeContinues(t *testing.T) {
	f := &fakePurgers{filesLeft: purgeRoundsPerJob + 5, fail: map[string]error{}}
	p, q, _ := newPurger(t, f)
	seedPurge(t, p.db, "2026-12-07T11:59:00.000Z")
	if err := p.handle(context.Background(), &jobsv1.Job{Type: workspacePurgeJobType, WorkspaceId: purgedWS}); err != nil {
		t.Fatalf("purge: %v", err)
	}
	if len(f.calls) != purgeRoundsPerJob {
		t.Errorf("%d calls, want %d rounds of files", len(f.calls), purgeRoundsPerJob)
	}
	sent := q.Sent()
	if len(sent) != 1 {
		t.Fatalf("enqueued %d jobs, want the continuation", len(sent))
	}
	if job, err := jobqueue.Decode(sent[0]); err != nil || job.GetType() != workspacePurgeJobType || job.GetWorkspaceId() != purgedWS {
		t.Errorf("continuation = %v, %v", job, err)
	}
	if rowCount(t, p.db, `SELECT count(*) FROM workspaces WHERE id = ?`, purgedWS) != 1 {
		t.Error("the workspace row went before its files")
	}
}

// The sweep on the ten-minute cron enqueues the purge of workspaces marked long enough ago and
// not purged: a deletion whose job the queue refused is purged all the same.
func TestWorkspacePurgeSweep(t *testing.T) {
	f := &fakePurgers{fail: map[string]error{}}
	p, q, _ := newPurger(t, f)
	seedPurge(t, p.db, "2026-12-07T11:00:00.000Z") // an hour ago
	if _, err := p.db.Exec(`INSERT INTO workspaces (id, deleted_at, purge_requested_at) VALUES ('33333333-3333-4333-8333-333333333333', 'x', '2026-12-07T11:58:00.000Z')`); err != nil {
		t.Fatal(err)
	}
	// The last member leaving soft-deletes a workspace; that is no purge.
	if _, err := p.db.Exec(`INSERT INTO workspaces (id, deleted_at) VALUES ('44444444-4444-4444-8444-444444444444', '2026-12-07T10:00:00.000Z')`); err != nil {
		t.Fatal(err)
	}
	cron := withWorkspacePurgeSweep(p, func(context.Context, cfworker.ScheduledEvent) error { return nil })
	if err := cron(context.Background(), cfworker.ScheduledEvent{Cron: "* * * * *"}); err != nil || len(q.Sent()) != 0 {
		t.Fatalf("the minute cron: %v, %d jobs; want no sweep", err, len(q.Sent()))
	}
	if err := cron(context.Background(), cfworker.ScheduledEvent{Cron: sweepCron}); err != nil {
		t.Fatalf("sweep: %v", err)
	}
	var got []string
	for _, body := range q.Sent() {
		job, err := jobqueue.Decode(body)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, job.GetType()+" "+job.GetWorkspaceId())
	}
	if diff := cmp.Diff([]string{workspacePurgeJobType + " " + purgedWS}, got); diff != "" {
		t.Errorf("swept (-want +got):\n%s", diff)
	}
}
