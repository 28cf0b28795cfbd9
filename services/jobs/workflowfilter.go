package main

import (
	"context"
	"encoding/json"

	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/recordmatch"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// This file is Twenty's FILTER step, UPSERT_RECORD, and FIND_RECORDS' record filter.

// filterStep is FILTER {stepFilterGroups, stepFilters}: its result is Twenty's {matchesFilter};
// when it does not match, its path ends there (inside a loop: the loop goes on with its next
// item), as Twenty's shouldEndWorkflowRun.
func filterStep(step workflowStep, vars map[string]any) (stepOutput, error) {
	raw, _ := json.Marshal(step.input()) // it came from JSON
	var in struct {
		StepFilterGroups []filterGroup `json:"stepFilterGroups"`
		StepFilters      []stepFilter  `json:"stepFilters"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return stepOutput{}, failStep("Invalid filter settings: %v", err)
	}
	if in.StepFilterGroups == nil || in.StepFilters == nil {
		return stepOutput{result: map[string]any{"matchesFilter": true}}, nil
	}
	matches := true
	roots := 0
	for _, g := range in.StepFilterGroups {
		if g.ParentStepFilterGroupID != "" {
			continue
		}
		roots++
		ok, err := evalGroup(in.StepFilterGroups, in.StepFilters, g.ID, 0, vars)
		if err != nil {
			return stepOutput{}, err
		}
		matches = matches && ok
	}
	if roots == 0 {
		for _, f := range in.StepFilters {
			ok, err := evalFilter(f, vars)
			if err != nil {
				return stepOutput{}, err
			}
			matches = matches && ok
		}
	}
	return stepOutput{result: map[string]any{"matchesFilter": matches}}, nil
}

// filterMatched reports whether a FILTER step's result lets its path go on.
func filterMatched(result any) bool {
	r, _ := result.(map[string]any)
	m, ok := r["matchesFilter"].(bool)
	return !ok || m
}

// upsertRecord is UPSERT_RECORD {objectName, objectRecord}: the record is created, or the one
// it matches (its id, or a unique field such as a person's email) updated, as Twenty's.
func (e *workflowEngine) upsertRecord(ctx context.Context, ws string, in map[string]any) (stepOutput, error) {
	objectName, _ := in["objectName"].(string)
	plural, err := e.pluralOf(ctx, ws, objectName)
	if err != nil {
		return stepOutput{}, err
	}
	record, _ := in["objectRecord"].(map[string]any)
	if len(record) == 0 {
		return stepOutput{}, failStep("Object record is required")
	}
	body, err := json.Marshal([]any{record})
	if err != nil {
		return stepOutput{}, failStep("Invalid record: %v", err)
	}
	res, err := e.records.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: plural, RecordsJson: body, Actor: workflowActor, Upsert: true})
	if err != nil {
		return stepOutput{}, recordFailure(err)
	}
	return firstRecord(res.GetRecordsJson())
}

// findRecordsFilter is FIND_RECORDS' filter.gqlOperationFilter (Twenty's ObjectRecordFilter, as
// the GraphQL API takes it) as the records contract's filter; nil when the step has none.
func findRecordsFilter(in map[string]any) (*recordsv1.Filter, error) {
	f, _ := in["filter"].(map[string]any)
	gql, _ := f["gqlOperationFilter"].(map[string]any)
	if len(gql) == 0 {
		return nil, nil
	}
	parsed, err := recordmatch.FilterOf(gql, 0)
	if err != nil {
		return nil, failStep("Invalid filter: %v", err)
	}
	if err := parsed.Validate(); err != nil {
		return nil, failStep("Invalid filter: %v", err)
	}
	return recordquery.ToProto(&recordquery.Query{Filter: parsed}).GetFilter(), nil
}

// findRecordsOrder is FIND_RECORDS' orderBy.gqlOperationOrderBy ([{field: direction}]).
func findRecordsOrder(in map[string]any) ([]*recordsv1.Order, error) {
	o, _ := in["orderBy"].(map[string]any)
	list, _ := o["gqlOperationOrderBy"].([]any)
	var out []*recordsv1.Order
	for _, item := range list {
		m, _ := item.(map[string]any)
		for field, dir := range m {
			d, ok := dir.(string)
			if !ok {
				return nil, failStep("Invalid order of %s", field)
			}
			out = append(out, &recordsv1.Order{Field: field, Direction: d})
		}
	}
	return out, nil
}
