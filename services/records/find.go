package main

import (
	"context"
	"fmt"
	"github.com/twentyworkers/twenty/services/records/internal/recordjson"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

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
	return metadata.Object{}, invalid("object '%s' not found. %s", name, hint)
}

// workspaceFor checks the workspace id the gateway took from a verified token.
func workspaceFor(id string) error {
	if !ids.IsUUID(id) {
		return invalid("workspace_id must be a UUID")
	}
	return nil
}

// target is what a record call works on: the object, the workspace's other objects and its shard
// (db checks the schema stamp in its first batch).
type target struct {
	obj     metadata.Object
	objects []metadata.Object
	shard   *d1.DB
	db      engine.Batcher
}

// FindMany implements recordsv1connect.RecordsServiceHandler: one page of an object's records and
// their total count, in one round trip to the workspace's shard. The workspace id comes from the
// gateway, which took it from a verified token.
func (s *server) FindMany(ctx context.Context, req *recordsv1.FindManyRequest) (*recordsv1.FindManyResponse, error) {
	q, err := recordquery.FromProto(req.GetQuery())
	if err != nil {
		return nil, invalidErr(err)
	}
	var page *engine.Page
	var obj metadata.Object
	err = s.withTarget(ctx, req.GetWorkspaceId(), req.GetObjectNamePlural(), func(t target) error {
		obj = t.obj
		page, err = s.engine.FindMany(ctx, t.db, req.GetWorkspaceId(), t.obj, t.objects, q)
		return err
	})
	if err != nil {
		return nil, err
	}
	records, err := recordjson.Marshal(page.Records)
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
