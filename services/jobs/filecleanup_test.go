package main

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/cfworker"
	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
)

// fakeFiles records the files Worker calls it gets; fail makes them fail.
type fakeFiles struct {
	deleted [][]string
	sweeps  int
	fail    error
}

func (f *fakeFiles) DeleteFiles(_ context.Context, req *filesv1.DeleteFilesRequest) (*filesv1.DeleteFilesResponse, error) {
	if f.fail != nil {
		return nil, f.fail
	}
	f.deleted = append(f.deleted, append([]string{req.GetWorkspaceId()}, req.GetPaths()...))
	return &filesv1.DeleteFilesResponse{Deleted: int64(len(req.GetPaths()))}, nil
}

func (f *fakeFiles) SweepFiles(context.Context, *filesv1.SweepFilesRequest) (*filesv1.SweepFilesResponse, error) {
	f.sweeps++
	return &filesv1.SweepFilesResponse{}, f.fail
}

func TestFileCleanup(t *testing.T) {
	ev := func(before string) *jobsv1.DatabaseEvent { return &jobsv1.DatabaseEvent{BeforeJson: []byte(before)} }
	tests := []struct {
		name  string
		batch *jobsv1.DatabaseEventBatch
		want  [][]string
	}{
		{"destroyed attachments", &jobsv1.DatabaseEventBatch{Name: "attachment.destroyed", WorkspaceId: "ws", Events: []*jobsv1.DatabaseEvent{
			ev(`{"id":"a","fullPath":"attachment/a.png"}`),
			ev(`{"id":"b","fullPath":"files-field/b.pdf?token=x.y.z"}`),
			ev(`{"id":"c","fullPath":"https://elsewhere.example/c.png"}`),
			ev(`{"id":"d","fullPath":null}`),
			ev(``),
		}}, [][]string{{"ws", "attachment/a.png", "files-field/b.pdf"}}},
		{"soft-deleted attachment keeps its file", &jobsv1.DatabaseEventBatch{Name: "attachment.deleted", WorkspaceId: "ws", Events: []*jobsv1.DatabaseEvent{ev(`{"fullPath":"attachment/a.png"}`)}}, nil},
		{"other objects", &jobsv1.DatabaseEventBatch{Name: "person.destroyed", WorkspaceId: "ws", Events: []*jobsv1.DatabaseEvent{ev(`{"fullPath":"attachment/a.png"}`)}}, nil},
	}
	for _, tc := range tests {
		files := &fakeFiles{}
		if err := (&fileCleanup{files: files}).handleEvents(context.Background(), tc.batch); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.want, files.deleted); diff != "" {
			t.Errorf("%s: DeleteFiles calls (-want +got):\n%s", tc.name, diff)
		}
	}
	failing := &fakeFiles{fail: errors.New("files Worker down")}
	if err := (&fileCleanup{files: failing}).handleEvents(context.Background(), tests[0].batch); err == nil {
		t.Error("a failing files Worker did not fail the job (it would not be retried)")
	}
}

func TestWithFileSweep(t *testing.T) {
	files := &fakeFiles{}
	var ran []string
	sched := withFileSweep(files, func(_ context.Context, e cfworker.ScheduledEvent) error {
		ran = append(ran, e.Cron)
		return nil
	})
	for _, cron := range []string{"17 3 * * *", sweepCron} {
		if err := sched(context.Background(), cfworker.ScheduledEvent{Cron: cron}); err != nil {
			t.Fatal(err)
		}
	}
	if files.sweeps != 1 || len(ran) != 2 {
		t.Errorf("sweeps = %d, next ran for %v; want 1 sweep on the ten-minute cron and next on both", files.sweeps, ran)
	}
}
