package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// workspaceObjects reads a workspace's objects from the control database.
func (s *server) workspaceObjects(ctx context.Context, workspaceID string) ([]metadata.Object, error) {
	rows, err := s.control.QueryContext(ctx, `SELECT definition FROM object_metadata WHERE workspace_id = ? ORDER BY name_singular`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("read objects of %s: %w", workspaceID, err)
	}
	defer rows.Close()
	var out []metadata.Object
	for rows.Next() {
		var def string
		if err := rows.Scan(&def); err != nil {
			return nil, fmt.Errorf("read objects of %s: %w", workspaceID, err)
		}
		var o metadata.Object
		if err := json.Unmarshal([]byte(def), &o); err != nil {
			return nil, fmt.Errorf("decode an object of %s: %w", workspaceID, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// resolveObject finds the object REST names by its plural, answering Twenty's 400 otherwise:
// "object 'person' not found. Did you mean 'people'?" or "… eg: companies".
func resolveObject(objects []metadata.Object, name string) (metadata.Object, error) {
	for _, o := range objects {
		if o.NamePlural == name {
			return o, nil
		}
	}
	hint := "eg: companies"
	for _, o := range objects {
		if o.NameSingular == name {
			hint = fmt.Sprintf("Did you mean '%s'?", o.NamePlural)
		}
	}
	return metadata.Object{}, connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("object '%s' not found. %s", name, hint))
}

// workspaceFor checks the workspace id the gateway took from a verified token.
func workspaceFor(id string) error {
	if !ids.IsUUID(id) {
		return connect.NewError(connect.CodeInvalidArgument, errors.New("workspace_id must be a UUID"))
	}
	return nil
}

// FindMany implements recordsv1connect.RecordsServiceHandler: one page of an object's records and
// their total count, in one round trip to the workspace's shard. The workspace id comes from the
// gateway, which took it from a verified token.
func (s *server) FindMany(ctx context.Context, req *recordsv1.FindManyRequest) (*recordsv1.FindManyResponse, error) {
	ws := req.GetWorkspaceId()
	if err := workspaceFor(ws); err != nil {
		return nil, err
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
	q, err := recordquery.FromProto(req.GetQuery())
	if err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, err)
	}
	page, err := s.engine.FindMany(ctx, shard, ws, obj, objects, q)
	if qe := new(engine.QueryError); errors.As(err, &qe) {
		ce := connect.NewError(connect.CodeInvalidArgument, errors.New(qe.Message))
		ce.Meta().Set("Twenty-Code", string(qe.Code))
		return nil, ce
	}
	if err != nil {
		return nil, err
	}
	records, err := json.Marshal(page.Records)
	if err != nil {
		return nil, fmt.Errorf("encode records: %w", err)
	}
	return &recordsv1.FindManyResponse{
		RecordsJson:        records,
		TotalCount:         int32(page.TotalCount),
		ObjectNameSingular: obj.NameSingular,
		ObjectNamePlural:   obj.NamePlural,
		PageInfo: &recordsv1.PageInfo{
			HasNextPage: page.HasNextPage, HasPreviousPage: page.HasPreviousPage,
			StartCursor: page.StartCursor, EndCursor: page.EndCursor,
		},
	}, nil
}
