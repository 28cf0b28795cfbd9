package gqlapi

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// relationsPerGroupRecord is RELATIONS_PER_RECORD_LIMIT: how many records of a ONE_TO_MANY
// relation a group's record shows at most (group-by-with-records.constants.ts).
const relationsPerGroupRecord = 5

// groupBy is peopleGroupBy(groupBy, filter, orderBy, orderByForRecords, viewId, limit,
// offsetForRecords): the records the filter selects grouped by the groupBy dimensions, at most
// limit groups (engine.DefaultGroupLimit by default) ordered by orderBy then their keys, each a
// PersonGroupByConnection of its groupByDimensionValues, the aggregates selected and, when its
// edges select node fields, a page of at most engine.GroupRecordsLimit of its records after
// offsetForRecords ordered by orderByForRecords (common-group-by-query-runner.service.ts and
// group-by-resolver.factory.ts). Its complexity is Twenty's: 1 without records, else 1 plus the
// group limit times one plus the relations selected.
//
// The groups and their records are two statements of one batch (engine.GroupBy); relations of
// the records are loaded for all groups at once. viewId adds the view's filters to filter
// (Request.ViewFilter), as Twenty's addFiltersFromView does.
func (x *execution) groupBy(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	nodes, aggs := connectionNodes(graphql.SelectedFields(ctx))
	includeRecords := len(nodes) > 0
	limit, _ := args["limit"].(int64)
	groupLimit := int64(engine.DefaultGroupLimit)
	if limit > 0 {
		groupLimit = limit
	}
	complexity := func(relations int) int {
		if !includeRecords {
			return 1
		}
		return int(min(1+int64(1+relations)*groupLimit, 1<<31))
	}
	if err := x.m.checkComplexity(x.m.countRelations(t, nodes, false), complexity); err != nil {
		return nil, err
	}

	filter, err := filterArg(t, args["filter"])
	if err != nil {
		return nil, err
	}
	if id, _ := args["viewId"].(string); id != "" && x.req.ViewFilter != nil {
		vf, err := x.req.ViewFilter(ctx, id, t.obj)
		if err != nil {
			return nil, err
		}
		switch {
		case filter == nil:
			filter = vf
		case vf != nil:
			filter = &recordquery.Filter{And: []*recordquery.Filter{filter, vf}}
		}
	}
	items, _ := args["orderBy"].([]any)
	orders, err := groupOrdersOf(t, items)
	if err != nil {
		return nil, err
	}
	recordItems, _ := args["orderByForRecords"].([]any)
	recordOrder := orderOf(t, recordItems)
	offset, _ := args["offsetForRecords"].(int64)
	// groupBy is read where the engine read it, after the filter and the orderings, so that
	// errors come in Twenty's order.
	dims, err := recordquery.ParseGroupBy(args["groupBy"])
	if err != nil {
		return nil, queryError(engine.CodeInvalidQueryInput, "%s", err.Error())
	}
	q := engine.GroupByQuery{
		GroupBy: dims, Aggregates: aggs, Filter: filter, IncludeRecords: includeRecords,
		OrderByForRecords: recordOrder, RecordsOffset: int(max(min(offset, recordquery.MaxLimit*engine.GroupRecordsLimit), 0)),
		OrderBy: orders, Limit: int(min(max(limit, 0), recordquery.MaxLimit)),
	}
	groups, err := x.eng.GroupBy(ctx, x.req.DB, x.req.WorkspaceID, t.obj, x.m.all, q)
	if err != nil {
		return nil, err
	}

	p := x.m.planOf(t, nodes)
	p.capRelations(relationsPerGroupRecord)
	var all []map[string]any
	for _, g := range groups {
		all = append(all, g.Records...)
	}
	recs, err := x.load(ctx, p, all)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(groups))
	for i, g := range groups {
		n := len(g.Records)
		cursors := make([]string, n)
		for j, rec := range g.Records {
			cursors[j] = recordquery.EncodeCursor(recordOrder, rec)
		}
		conn := connection(recs[:n], cursors, 0, false, false) // totalCount 0 unless selected, as Twenty's Number(group.totalCount ?? 0)
		recs = recs[n:]
		if err := t.aggregateValues(conn, g.Aggregates); err != nil {
			return nil, err
		}
		dims := g.Dimensions
		if dims == nil {
			dims = []any{}
		}
		conn["groupByDimensionValues"] = dims
		out[i] = conn
	}
	return out, nil
}

// groupOrdersOf converts a groupBy's orderBy ([PersonOrderByWithGroupByInput]) into the
// engine's ordering of groups, with the checks and messages of Twenty's
// GraphqlQueryOrderGroupByParser (graphql-query-order-group-by.parser.ts): an item orders by one
// aggregate ({aggregate: {totalCount: DescNullsLast}}) or one dimension ({stage: AscNullsFirst},
// {name: {firstName: …}}, {closeDate: {orderBy: …, granularity: DAY}}); items or directions
// given null are left out.
func groupOrdersOf(t *objectType, items []any) ([]engine.GroupOrder, error) {
	var out []engine.GroupOrder
	for _, item := range items {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		if agg, ok := m["aggregate"].(map[string]any); ok {
			set := nonNull(agg)
			if len(set) > 1 {
				return nil, queryError(engine.CodeInvalidQueryInput, "Please provide aggregate criteria one by one in orderBy array")
			}
			for name, dir := range set {
				out = append(out, engine.GroupOrder{Aggregate: name, Direction: recordquery.Direction(fmt.Sprint(dir))})
			}
			continue
		}
		set := nonNull(m)
		if len(set) > 1 {
			return nil, queryError(engine.CodeInvalidQueryInput, "Please provide orderBy field criteria one by one in orderBy array")
		}
		for name, v := range set {
			o, ok, err := fieldGroupOrder(t, name, v)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, o)
			}
		}
	}
	return out, nil
}

// fieldGroupOrder reads the ordering of groups by the dimension name; ok is false when it orders
// by nothing (a direction given null).
func fieldGroupOrder(t *objectType, name string, v any) (engine.GroupOrder, bool, error) {
	if dir, ok := v.(string); ok {
		return engine.GroupOrder{Field: name, Direction: recordquery.Direction(dir)}, true, nil
	}
	sub := nonNull(asObject(v))
	f, _ := t.field(name)
	if f.Type == metadata.TypeDate || f.Type == metadata.TypeDateTime {
		dir, ok := sub["orderBy"].(string)
		if !ok {
			return engine.GroupOrder{}, false, nil
		}
		g, ok := sub["granularity"].(string)
		if !ok {
			return engine.GroupOrder{}, false, queryError(engine.CodeInvalidQueryInput, "Missing date granularity for field %s", name)
		}
		return engine.GroupOrder{Field: name, Granularity: engine.Granularity(g), Direction: recordquery.Direction(dir)}, true, nil
	}
	if len(sub) > 1 {
		return engine.GroupOrder{}, false, queryError(engine.CodeInvalidQueryInput, "Subfields must be provided one by one in orderBy array.")
	}
	for subName, dir := range sub {
		return engine.GroupOrder{Field: name + "." + subName, Direction: recordquery.Direction(fmt.Sprint(dir))}, true, nil
	}
	return engine.GroupOrder{}, false, nil
}

// nonNull returns the members of m that are not null, in a map of its own.
func nonNull(m map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if m[k] != nil {
			out[k] = m[k]
		}
	}
	return out
}

// asObject returns v as an input object, or nil.
func asObject(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
