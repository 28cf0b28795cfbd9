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

// emit puts Twenty's database event for changes (one batch per call, named
// "<object>.<action>") on the jobs queue. It runs after the mutation committed: a failure to
// enqueue is logged, not answered to the client, whose write stands.
func (s *server) emit(ctx context.Context, workspaceID string, obj metadata.Object, action string, actor *recordsv1.Actor, changes []engine.Change) {
	if s.jobs == nil || len(changes) == 0 {
		return
	}
	batch := &jobsv1.DatabaseEventBatch{
		Name:               obj.NameSingular + "." + action,
		WorkspaceId:        workspaceID,
		ObjectNameSingular: obj.NameSingular,
		ObjectMetadataId:   obj.ID,
	}
	actorJSON, _ := json.Marshal(actorObject(actor))
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
		batch.Events = append(batch.Events, e)
	}
	payload, err := proto.Marshal(batch)
	if err == nil {
		_, err = jobqueue.Enqueue(ctx, s.jobs, &jobsv1.Job{Type: eventJobType, WorkspaceId: workspaceID, Payload: payload})
	}
	if err != nil {
		slog.ErrorContext(ctx, "record event not enqueued", "event", batch.Name, "records", len(changes), "error", err.Error())
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
