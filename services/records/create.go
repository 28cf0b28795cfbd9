package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// maxCreate is how many records one call may create: Twenty's QUERY_MAX_RECORDS.
const maxCreate = 200

// CreateMany implements recordsv1connect.RecordsServiceHandler: the records are validated against
// the object's metadata and inserted in one atomic batch on the workspace's shard.
func (s *server) CreateMany(ctx context.Context, req *recordsv1.CreateManyRequest) (*recordsv1.CreateManyResponse, error) {
	var inputs []map[string]any
	if err := json.Unmarshal(req.GetRecordsJson(), &inputs); err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("records must be a JSON array of objects"))
	}
	if len(inputs) > maxCreate {
		return nil, connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("cannot create more than %d records at once", maxCreate))
	}
	t, err := s.targetOf(ctx, req.GetWorkspaceId(), req.GetObjectNamePlural())
	if err != nil {
		return nil, err
	}
	actor := engine.Actor{Source: req.GetActor().GetSource(), WorkspaceMemberID: req.GetActor().GetWorkspaceMemberId(), Name: req.GetActor().GetName()}
	created, err := s.engine.CreateMany(ctx, t.shard, req.GetWorkspaceId(), t.obj, t.objects, actor, inputs)
	if err != nil {
		return nil, engineError(err)
	}
	changes := make([]engine.Change, len(created))
	for i, rec := range created {
		id, _ := rec["id"].(string)
		changes[i] = engine.Change{ID: id, After: rec}
	}
	s.emit(ctx, req.GetWorkspaceId(), t.obj, actionCreated, req.GetActor(), changes)
	records, err := json.Marshal(created)
	if err != nil {
		return nil, fmt.Errorf("encode records: %w", err)
	}
	return &recordsv1.CreateManyResponse{RecordsJson: records, ObjectNameSingular: t.obj.NameSingular, ObjectNamePlural: t.obj.NamePlural}, nil
}
