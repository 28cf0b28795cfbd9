package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/outbox"
	"github.com/twentyworkers/twenty/services/records/internal/recordjson"
	"github.com/twentyworkers/twenty/shared/d1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// UpdateMany implements recordsv1connect.RecordsServiceHandler: one partial update of the records
// the selection names (at most engine.MaxMutationRecords), atomically; their "updated" events go
// on the jobs queue.
func (s *server) UpdateMany(ctx context.Context, req *recordsv1.UpdateManyRequest) (*recordsv1.MutationResponse, error) {
	var data map[string]any
	if err := json.Unmarshal(req.GetDataJson(), &data); err != nil || data == nil {
		return nil, invalid("data must be a JSON object")
	}
	actor := actorOf(req.GetActor())
	return s.mutate(ctx, req.GetWorkspaceId(), req.GetObjectNamePlural(), req.GetSelection(), req.GetShape(), req.GetActor(),
		func(t target, sel engine.Selection, shape engine.Shape) (*engine.Mutation, error) {
			return s.engine.UpdateMany(ctx, t.db, req.GetWorkspaceId(), t.obj, t.objects, actor, sel, data, shape)
		})
}

// DeleteMany implements recordsv1connect.RecordsServiceHandler: a soft delete (deletedAt set) of
// the records the selection names or, with destroy, their removal; "deleted" or "destroyed"
// events.
func (s *server) DeleteMany(ctx context.Context, req *recordsv1.DeleteManyRequest) (*recordsv1.MutationResponse, error) {
	del := s.engine.DeleteMany
	if req.GetDestroy() {
		del = s.engine.DestroyMany
	}
	return s.mutate(ctx, req.GetWorkspaceId(), req.GetObjectNamePlural(), req.GetSelection(), req.GetShape(), req.GetActor(),
		func(t target, sel engine.Selection, shape engine.Shape) (*engine.Mutation, error) {
			return del(ctx, t.db, req.GetWorkspaceId(), t.obj, t.objects, sel, shape)
		})
}

// RestoreMany implements recordsv1connect.RecordsServiceHandler: deletedAt cleared on the
// soft-deleted records the selection names; "restored" events.
func (s *server) RestoreMany(ctx context.Context, req *recordsv1.RestoreManyRequest) (*recordsv1.MutationResponse, error) {
	return s.mutate(ctx, req.GetWorkspaceId(), req.GetObjectNamePlural(), req.GetSelection(), req.GetShape(), req.GetActor(),
		func(t target, sel engine.Selection, shape engine.Shape) (*engine.Mutation, error) {
			return s.engine.RestoreMany(ctx, t.db, req.GetWorkspaceId(), t.obj, t.objects, sel, shape)
		})
}

// mutate runs a mutation on the object plural names in the workspace, with the selection and
// shape read from the request (its write batch recording its events), relays the events and answers its
// records.
func (s *server) mutate(ctx context.Context, workspaceID, plural string, selection *recordsv1.Selection, shapeProto *recordsv1.Shape, actor *recordsv1.Actor,
	call func(t target, sel engine.Selection, shape engine.Shape) (*engine.Mutation, error)) (*recordsv1.MutationResponse, error) {
	sel, err := selectionOf(selection)
	if err != nil {
		return nil, err
	}
	shape, err := shapeOf(shapeProto)
	if err != nil {
		return nil, err
	}
	var m *engine.Mutation
	var obj metadata.Object
	var events *outbox.Writer
	var shard *d1.DB
	err = s.withTarget(ctx, workspaceID, plural, func(t target) error {
		var err error
		obj, shard = t.obj, t.shard
		t, events = s.recordingEvents(t, workspaceID, actor)
		m, err = call(t, sel, shape)
		return err
	})
	s.relayEvents(ctx, shard, events)
	if err != nil {
		return nil, err
	}
	records, err := recordjson.Marshal(m.Records)
	if err != nil {
		return nil, fmt.Errorf("encode records: %w", err)
	}
	return &recordsv1.MutationResponse{RecordsJson: records, ObjectNameSingular: obj.NameSingular, ObjectNamePlural: obj.NamePlural}, nil
}

// selectionOf reads a mutation's selection: by id, or by filter. None at all is an empty filter,
// which the engine refuses with Twenty's message.
func selectionOf(p *recordsv1.Selection) (engine.Selection, error) {
	switch by := p.GetBy().(type) {
	case *recordsv1.Selection_Id:
		return engine.Selection{ID: by.Id}, nil
	case *recordsv1.Selection_Filter:
		q, err := recordquery.FromProto(&recordsv1.Query{Filter: by.Filter})
		if err != nil {
			return engine.Selection{}, invalidErr(err)
		}
		return engine.Selection{Filter: q.Filter}, nil
	}
	return engine.Selection{}, nil
}

// actorOf is the engine's actor for the request's.
func actorOf(a *recordsv1.Actor) engine.Actor {
	return engine.Actor{Source: a.GetSource(), WorkspaceMemberID: a.GetWorkspaceMemberId(), Name: a.GetName()}
}
