package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/twentyworkers/twenty/shared/cfworker"
	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
)

// fileCleanup is the event subscriber that removes a destroyed attachment's file from R2, as
// Twenty's file deletion listener does: the files Worker marks the file deleted and removes its
// object. A failed call fails the job, which the queue retries; what a crash leaves marked deleted
// the files Worker's sweep removes (withFileSweep). Removing a file twice is harmless, so the
// queue's redeliveries are too.
type fileCleanup struct {
	files fileRemover
}

// fileRemover is the files Worker's calls this subscriber and the sweep make.
type fileRemover interface {
	DeleteFiles(context.Context, *filesv1.DeleteFilesRequest) (*filesv1.DeleteFilesResponse, error)
	SweepFiles(context.Context, *filesv1.SweepFilesRequest) (*filesv1.SweepFilesResponse, error)
}

// maxPathsPerDelete is what one DeleteFiles call takes (the files Worker's limit).
const maxPathsPerDelete = 40

func (c *fileCleanup) handleEvents(ctx context.Context, b *jobsv1.DatabaseEventBatch) error {
	if b.GetName() != "attachment.destroyed" {
		return nil
	}
	var paths []string
	for _, e := range b.GetEvents() {
		var before struct {
			FullPath string `json:"fullPath"`
		}
		if len(e.GetBeforeJson()) == 0 || json.Unmarshal(e.GetBeforeJson(), &before) != nil {
			continue
		}
		// A path read back signed ("…?token=") names the same file.
		if p, _, _ := strings.Cut(before.FullPath, "?"); p != "" && !strings.Contains(p, "://") {
			paths = append(paths, strings.TrimPrefix(p, "/"))
		}
	}
	for len(paths) > 0 {
		n := min(len(paths), maxPathsPerDelete)
		if _, err := c.files.DeleteFiles(ctx, &filesv1.DeleteFilesRequest{WorkspaceId: b.GetWorkspaceId(), Paths: paths[:n]}); err != nil {
			return fmt.Errorf("delete %d attachment files: %w", n, err)
		}
		paths = paths[n:]
	}
	return nil
}

// withFileSweep runs the files Worker's sweep (expired pending uploads, objects of deleted files)
// on the ten-minute cron, besides what next does then.
func withFileSweep(files fileRemover, next func(context.Context, cfworker.ScheduledEvent) error) func(context.Context, cfworker.ScheduledEvent) error {
	return func(ctx context.Context, e cfworker.ScheduledEvent) error {
		err := next(ctx, e)
		if e.Cron == sweepCron {
			if _, serr := files.SweepFiles(ctx, &filesv1.SweepFilesRequest{}); serr != nil {
				err = errors.Join(err, fmt.Errorf("sweep files: %w", serr))
			}
		}
		return err
	}
}
