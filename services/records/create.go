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
	ws := req.GetWorkspaceId()
	if err := workspaceFor(ws); err != nil {
		return nil, err
	}
	var inputs []map[string]any
	if err := json.Unmarshal(req.GetRecordsJson(), &inputs); err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("records must be a JSON array of objects"))
	}
	if len(inputs) > maxCreate {
		return nil, connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("cannot create more than %d records at once", maxCreate))
	}
	objects, shardName, err := s.workspaceState(ctx, ws)
	if err != nil {
		return nil, err
	}
	obj, err := resolveObject(objects, req.GetObjectNamePlural())
	if err != nil {
		return nil, err
	}
	shard, ok := s.shards[shardName]
	if !ok {
		return nil, fmt.Errorf("no binding for shard %s of workspace %s", shardName, ws)
	}
	actor := engine.Actor{Source: req.GetActor().GetSource(), WorkspaceMemberID: req.GetActor().GetWorkspaceMemberId(), Name: req.GetActor().GetName()}
	created, err := s.engine.CreateMany(ctx, shard, ws, obj, objects, actor, inputs)
	if qe := new(engine.QueryError); errors.As(err, &qe) {
		ce := connect.NewError(connect.CodeInvalidArgument, errors.New(qe.Message))
		ce.Meta().Set("Twenty-Code", string(qe.Code))
		return nil, ce
	}
	if err != nil {
		return nil, err
	}
	records, err := json.Marshal(created)
	if err != nil {
		return nil, fmt.Errorf("encode records: %w", err)
	}
	return &recordsv1.CreateManyResponse{RecordsJson: records, ObjectNameSingular: obj.NameSingular, ObjectNamePlural: obj.NamePlural}, nil
}
