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

// MergeMany implements recordsv1connect.RecordsServiceHandler: the records merge into the one at
// the priority index, in one atomic batch (engine.MergeMany). Unless it is a dry run, the kept
// record's "updated" event, the merged-away records' "destroyed" events and the "updated" events
// of the records whose relations moved to the kept one go on the jobs queue.
func (s *server) MergeMany(ctx context.Context, req *recordsv1.MergeManyRequest) (*recordsv1.MergeManyResponse, error) {
	shape, err := shapeOf(req.GetShape())
	if err != nil {
		return nil, err
	}
	opts := engine.MergeOptions{IDs: req.GetIds(), ConflictPriorityIndex: int(req.GetConflictPriorityIndex()), DryRun: req.GetDryRun(), Shape: shape}
	actor := actorOf(req.GetActor())
	var m *engine.Mutation
	var obj metadata.Object
	var events *outbox.Writer
	var shard *d1.DB
	err = s.withTarget(ctx, req.GetWorkspaceId(), req.GetObjectNamePlural(), func(t target) error {
		var err error
		obj, shard = t.obj, t.shard
		t, events = s.recordingEvents(t, req.GetWorkspaceId(), req.GetActor())
		m, err = s.engine.MergeMany(ctx, t.db, req.GetWorkspaceId(), t.obj, t.objects, actor, opts)
		return err
	})
	s.relayEvents(ctx, shard, events)
	if err != nil {
		return nil, err
	}
	if len(m.Records) != 1 {
		return nil, fmt.Errorf("merge %s answered %d records", obj.NamePlural, len(m.Records))
	}
	record, err := recordjson.Marshal(m.Records[0])
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	return &recordsv1.MergeManyResponse{RecordJson: record, ObjectNameSingular: obj.NameSingular, ObjectNamePlural: obj.NamePlural}, nil
}

// FindDuplicates implements recordsv1connect.RecordsServiceHandler: for each record given by data
// or by id, a page of the records that look like its duplicates (engine.FindDuplicates).
func (s *server) FindDuplicates(ctx context.Context, req *recordsv1.FindDuplicatesRequest) (*recordsv1.FindDuplicatesResponse, error) {
	shape, err := shapeOf(req.GetShape())
	if err != nil {
		return nil, err
	}
	q := engine.DuplicatesQuery{IDs: req.GetIds(), HasData: req.GetHasData(), HasIDs: req.GetHasIds(), Shape: shape}
	if req.GetHasData() && len(req.GetDataJson()) > 0 {
		if err := json.Unmarshal(req.GetDataJson(), &q.Data); err != nil {
			return nil, invalid("data must be a JSON array of objects")
		}
	}
	var found []engine.Duplicates
	var obj metadata.Object
	err = s.withTarget(ctx, req.GetWorkspaceId(), req.GetObjectNamePlural(), func(t target) error {
		var err error
		obj = t.obj
		found, err = s.engine.FindDuplicates(ctx, t.db, req.GetWorkspaceId(), t.obj, t.objects, q)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &recordsv1.FindDuplicatesResponse{ObjectNameSingular: obj.NameSingular, ObjectNamePlural: obj.NamePlural}
	for _, d := range found {
		records, err := recordjson.Marshal(d.Records)
		if err != nil {
			return nil, fmt.Errorf("encode records: %w", err)
		}
		out.Results = append(out.Results, &recordsv1.Duplicates{
			RecordsJson: records, TotalCount: int32(d.TotalCount),
			PageInfo: &recordsv1.PageInfo{StartCursor: d.StartCursor, EndCursor: d.EndCursor},
		})
	}
	return out, nil
}

// GroupBy implements recordsv1connect.RecordsServiceHandler: the groups of the records the filter
// selects, with their aggregates and record samples (engine.GroupBy), as the bare JSON array REST
// answers.
func (s *server) GroupBy(ctx context.Context, req *recordsv1.GroupByRequest) (*recordsv1.GroupByResponse, error) {
	parsed, err := recordquery.FromProto(&recordsv1.Query{Filter: req.GetFilter(), OrderBy: req.GetOrderByForRecords()})
	if err != nil {
		return nil, invalidErr(err)
	}
	q := engine.GroupByQuery{
		GroupBy: recordquery.GroupByFromProto(req.GetGroupBy()), Aggregates: req.GetAggregates(),
		Filter: parsed.Filter, IncludeRecords: req.GetIncludeRecordsSample(),
		OrderByForRecords: parsed.OrderBy, Limit: int(req.GetLimit()),
	}
	withView, err := s.groupByViewFilter(ctx, req.GetWorkspaceId(), req.GetViewId()) // views.go
	if err != nil {
		return nil, err
	}
	var groups []engine.Group
	err = s.withTarget(ctx, req.GetWorkspaceId(), req.GetObjectNamePlural(), func(t target) error {
		q := q
		var err error
		if q.Filter, err = withView(t.obj, parsed.Filter); err != nil {
			return err
		}
		groups, err = s.engine.GroupBy(ctx, t.db, req.GetWorkspaceId(), t.obj, t.objects, q)
		return err
	})
	if err != nil {
		return nil, err
	}
	if groups == nil {
		groups = []engine.Group{}
	}
	out, err := json.Marshal(groups)
	if err != nil {
		return nil, fmt.Errorf("encode groups: %w", err)
	}
	return &recordsv1.GroupByResponse{GroupsJson: out}, nil
}
