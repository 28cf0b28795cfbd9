package main

import (
	"context"
	"encoding/json"
	"github.com/twentyworkers/twenty/services/records/internal/recordjson"
	"log/slog"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"google.golang.org/protobuf/proto"
)

// The actions of record events, Twenty's DatabaseEventAction: events are named
// "<nameSingular>.<action>".
const (
	actionCreated   = "created"
	actionUpdated   = "updated"
	actionDeleted   = "deleted"
	actionDestroyed = "destroyed"
	actionRestored  = "restored"
	actionUpserted  = "upserted"
)

// eventJobType is the type of the jobs that carry a twenty.jobs.v1.DatabaseEventBatch.
const eventJobType = "database.event"

// emit puts Twenty's database event for changes (batches named "<object>.<action>") on the jobs
// queue. It runs after the mutation committed: a failure to enqueue is logged, not answered to the
// client, whose write stands.
//
// A queue message holds at most 128 KB, and changes can hold more (100 updated records before
// and after, or every record a merge repointed), so the events are split into batches of at most
// maxEventBatchBytes, in order. One event larger than that on its own is logged and dropped.
func (s *server) emit(ctx context.Context, workspaceID string, obj metadata.Object, action string, actor *recordsv1.Actor, changes []engine.Change) {
	if s.jobs == nil || len(changes) == 0 {
		return
	}
	name := obj.NameSingular + "." + action
	newBatch := func() *jobsv1.DatabaseEventBatch {
		return &jobsv1.DatabaseEventBatch{Name: name, WorkspaceId: workspaceID, ObjectNameSingular: obj.NameSingular, ObjectMetadataId: obj.ID}
	}
	actorJSON, _ := json.Marshal(actorObject(actor))
	batch, size := newBatch(), 0
	for _, c := range changes {
		e := &jobsv1.DatabaseEvent{
			RecordId:          c.ID,
			UserId:            actor.GetUserId(),
			WorkspaceMemberId: actor.GetWorkspaceMemberId(),
			UpdatedFields:     c.UpdatedFields,
			ActorJson:         actorJSON,
		}
		if c.Before != nil {
			e.BeforeJson, _ = recordjson.Marshal(c.Before)
		}
		if c.After != nil {
			e.AfterJson, _ = recordjson.Marshal(c.After)
		}
		n := proto.Size(e) + 8 // and its field tag and length
		if n > maxEventBatchBytes {
			slog.ErrorContext(ctx, "record event too large for the queue", "event", name, "record", c.ID, "bytes", n)
			continue
		}
		if size+n > maxEventBatchBytes {
			s.enqueueEvents(ctx, batch)
			batch, size = newBatch(), 0
		}
		batch.Events = append(batch.Events, e)
		size += n
	}
	s.enqueueEvents(ctx, batch)
}

// maxEventBatchBytes is the most a batch's events take, leaving room under Cloudflare Queues'
// 128 KB message limit for the batch's names and the job around it.
const maxEventBatchBytes = 120 << 10

func (s *server) enqueueEvents(ctx context.Context, batch *jobsv1.DatabaseEventBatch) {
	if len(batch.Events) == 0 {
		return
	}
	payload, err := proto.Marshal(batch)
	if err == nil {
		_, err = jobqueue.Enqueue(ctx, s.jobs, &jobsv1.Job{Type: eventJobType, WorkspaceId: batch.GetWorkspaceId(), Payload: payload})
	}
	if err != nil {
		slog.ErrorContext(ctx, "record event not enqueued", "event", batch.GetName(), "records", len(batch.Events), "error", err.Error())
	}
}

// actorObject is the actor as Twenty's createdBy shows it.
func actorObject(a *recordsv1.Actor) map[string]any {
	out := map[string]any{"source": a.GetSource(), "name": a.GetName(), "workspaceMemberId": nil, "context": map[string]any{}}
	if id := a.GetWorkspaceMemberId(); id != "" {
		out["workspaceMemberId"] = id
	}
	return out
}
