package main

import (
	"context"
	"fmt"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/recordjson"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

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
