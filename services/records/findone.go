package main

import (
	"context"
	"fmt"
	"github.com/twentyworkers/twenty/services/records/internal/recordjson"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// FindOne implements recordsv1connect.RecordsServiceHandler: the live record with the id, rendered
// with the shape; NotFound "Record not found" when there is none.
func (s *server) FindOne(ctx context.Context, req *recordsv1.FindOneRequest) (*recordsv1.FindOneResponse, error) {
	shape, err := shapeOf(req.GetShape())
	if err != nil {
		return nil, err
	}
	var rec map[string]any
	var obj metadata.Object
	err = s.withTarget(ctx, req.GetWorkspaceId(), req.GetObjectNamePlural(), func(t target) error {
		var err error
		obj = t.obj
		rec, err = s.engine.FindOne(ctx, t.db, req.GetWorkspaceId(), t.obj, t.objects, req.GetId(), shape)
		return err
	})
	if err != nil {
		return nil, err
	}
	b, err := recordjson.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	return &recordsv1.FindOneResponse{RecordJson: b, ObjectNameSingular: obj.NameSingular, ObjectNamePlural: obj.NamePlural}, nil
}

// shapeOf reads how a call's records are rendered: depth 0 or 1, and a projection when fields are
// given (has_fields tells an empty projection from none).
func shapeOf(p *recordsv1.Shape) (engine.Shape, error) {
	d := p.GetDepth()
	if d < 0 || d > recordquery.MaxDepth {
		return engine.Shape{}, invalid("'depth=%d' parameter invalid. Allowed values are 0, 1", d)
	}
	shape := engine.Shape{Depth: int(d)}
	if p.GetHasFields() || len(p.GetFields()) > 0 {
		shape.Fields = append([]string{}, p.GetFields()...)
	}
	return shape, nil
}
