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
)

// maxCreate is how many records one call may create: Twenty's QUERY_MAX_RECORDS.
const maxCreate = 200

// CreateMany implements recordsv1connect.RecordsServiceHandler: the records are validated against
// the object's metadata and inserted in one atomic batch on the workspace's shard (with upsert, an
// input matching a record by id or unique field updates it), answered with the request's shape.
// Their "created" ("upserted") events go on the jobs queue.
func (s *server) CreateMany(ctx context.Context, req *recordsv1.CreateManyRequest) (*recordsv1.CreateManyResponse, error) {
	var inputs []map[string]any
	if err := json.Unmarshal(req.GetRecordsJson(), &inputs); err != nil {
		return nil, invalid("records must be a JSON array of objects")
	}
	if len(inputs) > maxCreate {
		return nil, invalid("cannot create more than %d records at once", maxCreate)
	}
	shape, err := shapeOf(req.GetShape())
	if err != nil {
		return nil, err
	}
	opts := engine.CreateOptions{Upsert: req.GetUpsert(), Shape: shape}
	var m *engine.Mutation
	var obj metadata.Object
	var events *outbox.Writer
	var shard *d1.DB
	err = s.withTarget(ctx, req.GetWorkspaceId(), req.GetObjectNamePlural(), func(t target) error {
		var err error
		obj, shard = t.obj, t.shard
		t, events = s.recordingEvents(t, req.GetWorkspaceId(), req.GetActor())
		m, err = s.engine.CreateManyWith(ctx, t.db, req.GetWorkspaceId(), t.obj, t.objects, actorOf(req.GetActor()), inputs, opts)
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
	return &recordsv1.CreateManyResponse{RecordsJson: records, ObjectNameSingular: obj.NameSingular, ObjectNamePlural: obj.NamePlural}, nil
}
