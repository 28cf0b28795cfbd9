package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/timeline"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// WriteTimelineActivities implements recordsv1connect.TimelineServiceHandler: it writes the
// timeline activities of a record event batch another Worker hands over. The batches this Worker
// relays get theirs from the relay itself (writeTimeline), next to the data they describe.
func (s *server) WriteTimelineActivities(ctx context.Context, req *recordsv1.WriteTimelineActivitiesRequest) (*recordsv1.WriteTimelineActivitiesResponse, error) {
	b := req.GetBatch()
	if b == nil {
		return nil, invalid("batch is required")
	}
	res, _, err := s.writeTimeline(ctx, b, nil, nil)
	return res, err
}

// createdTimeline is the outbox writer's InlineCreated: the timeline activities of records
// created, written by the write's own batch when they need nothing read (a record's "created"
// activity by a known member or an API key; not a note's or task's links, which read titles), so
// that most creates leave the relay nothing to write. It writes what writeTimeline would for the
// same batch (same plan, same ids), so a sweep relaying the row again changes nothing.
func createdTimeline(workspaceID string, objects []metadata.Object) func(b *jobsv1.DatabaseEventBatch) ([]d1.Stmt, bool) {
	return func(b *jobsv1.DatabaseEventBatch) ([]d1.Stmt, bool) {
		plan, err := timeline.NewPlan(b, objects, time.Now())
		switch {
		case err != nil:
			return nil, false
		case plan == nil:
			return nil, true // no activity
		}
		if reads, err := plan.Reads(); err != nil || len(reads) > 0 {
			return nil, false
		}
		lookups, err := plan.Lookups(nil)
		if err != nil {
			return nil, false
		}
		stmts, err := plan.Build(lookups).Stmts(workspaceID)
		return stmts, err == nil
	}
}

// timelineReads is the outbox writer's Prefetch: the reads the timeline of a batch of records
// changed needs (its members, the recent activities it may merge into), made by the write's own
// batch when they do not depend on the images (timeline.Plan.ReadsNeedNoImages), so that the
// relay writes the batch's activities in one round trip instead of two.
func timelineReads(objects []metadata.Object) func(b *jobsv1.DatabaseEventBatch) []d1.Stmt {
	return func(b *jobsv1.DatabaseEventBatch) []d1.Stmt {
		plan, err := timeline.NewPlan(b, objects, time.Now())
		if err != nil || plan == nil || !plan.ReadsNeedNoImages() {
			return nil
		}
		reads, err := plan.Reads()
		if err != nil {
			return nil
		}
		return reads
	}
}

// writeTimeline writes the timeline activities of a record event batch: what the relay does for
// every batch it sends (outbox.Relay.Local), and the TimelineService for a batch handed over. It
// takes what the write's own batch read for it (prefetched: timelineReads), or reads what the
// activities need (the records a renamed note is attached to, a junction row's
// note, the users' members, the recent activities to merge into) in one batch on the workspace's
// shard, which also checks the schema stamp, and writes them in a second one, atomically. A batch
// with nothing to read (records created) is written in one: the stamp check then rides with the
// writes, and a stale schema either fails them or runs them again harmlessly. Inserts
// skip activities already written (their ids derive from the events'), so a batch relayed again
// changes nothing. The rows go in directly, not through the engine's create path: they are not
// record events of their own, and an insert that meets its own earlier row must skip it rather
// than fail.
//
// done are statements the relay has run with the writes (the outbox row's delete), in the same
// batch: ran reports that they did, which a batch with no activity to write never does.
func (s *server) writeTimeline(ctx context.Context, b *jobsv1.DatabaseEventBatch, prefetched []d1.Result, done []d1.Stmt) (_ *recordsv1.WriteTimelineActivitiesResponse, ran bool, err error) {
	ws := b.GetWorkspaceId()
	out := &recordsv1.WriteTimelineActivitiesResponse{}
	err = s.withSchema(ctx, ws, func(sc *schema) (bool, error) {
		plan, err := timeline.NewPlan(b, sc.Objects, time.Now())
		if errors.Is(err, timeline.ErrUnknownObject) {
			return true, err // an object created since the schema was cached?
		} else if err != nil {
			return false, invalidErr(err)
		}
		if plan == nil {
			return false, nil
		}
		t, err := s.targetIn(sc, ws, "timelineActivities")
		if err != nil {
			return true, err
		}
		reads, err := plan.Reads()
		if err != nil {
			return false, err
		}
		var res []d1.Result
		switch {
		case len(reads) > 0 && len(prefetched) == len(reads) && plan.ReadsNeedNoImages():
			res = prefetched
		case len(reads) > 0:
			if res, err = t.db.Batch(ctx, reads...); err != nil {
				return true, err
			}
		}
		lookups, err := plan.Lookups(res)
		if err != nil {
			return false, err
		}
		w := plan.Build(lookups)
		stmts, err := w.Stmts(ws)
		if err != nil {
			return false, err
		}
		res, err = t.db.Batch(ctx, append(stmts, done...)...)
		if err != nil {
			return errors.Is(err, errStaleSchema), err // a stale schema found by the writes' own stamp check
		}
		ran = len(done) > 0
		for i, r := range res[:len(stmts)] {
			if i < len(w.Insert) {
				out.Inserted += int32(r.Changes)
			} else {
				out.Merged += int32(r.Changes)
			}
		}
		return false, nil
	})
	if errors.Is(err, timeline.ErrUnknownObject) {
		// The object is gone from the workspace since the event: so is its timeline.
		slog.InfoContext(ctx, "timeline: batch of an unknown object", "event", b.GetName(), "workspace_id", ws)
		return out, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return out, ran, nil
}
