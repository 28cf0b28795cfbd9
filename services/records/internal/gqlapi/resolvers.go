package gqlapi

import (
	"context"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// The root fields' operations. Each reads its arguments, plans the records' fields and relations
// from the selection, runs one engine call and loads the relations.

// findMany is people(filter, orderBy, first, last, offset, before, after): one page of records,
// their count and the aggregates selected in one round trip (common-find-many-query-runner.service.ts).
func (x *execution) findMany(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	pg, err := pageOf(args)
	if err != nil {
		return nil, err
	}
	filter, err := filterArg(t, args["filter"])
	if err != nil {
		return nil, err
	}
	items, _ := args["orderBy"].([]any)
	nodes, aggs := connectionNodes(graphql.SelectedFields(ctx))
	p := x.m.planOf(t, nodes)
	opts := engine.FindOptions{Aggregates: selectedAggregates(aggs)}
	page, err := x.eng.FindManyWith(ctx, x.req.DB, x.req.WorkspaceID, t.obj, x.m.all, pg.query(filter, orderOf(t, items), p.fields, p.depth()), opts)
	if err != nil {
		return nil, err
	}
	pg.cut(page)
	recs, err := x.load(ctx, p, page.Records)
	if err != nil {
		return nil, err
	}
	conn := connection(recs, page.Cursors, page.TotalCount, page.HasNextPage, page.HasPreviousPage)
	if err := t.aggregateValues(conn, page.Aggregates); err != nil {
		return nil, err
	}
	return conn, nil
}

// findOne is person(filter): the first live record the filter selects; "Missing filter
// argument" for an empty filter and NOT_FOUND "Record not found" when none matches
// (common-find-one-query-runner.service.ts).
func (x *execution) findOne(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	in, _ := args["filter"].(map[string]any)
	if len(in) == 0 {
		return nil, queryError(engine.CodeInvalidQueryInput, "Missing filter argument")
	}
	filter, err := filterOf(t, in)
	if err != nil {
		return nil, err
	}
	p := x.m.planOf(t, graphql.SelectedFields(ctx))
	q := &recordquery.Query{Filter: filter, Limit: 1, Fields: p.fields, Depth: p.depth()}
	page, err := x.eng.FindMany(ctx, x.req.DB, x.req.WorkspaceID, t.obj, x.m.all, q)
	if err != nil {
		return nil, err
	}
	if len(page.Records) == 0 {
		return nil, queryError(engine.CodeRecordNotFound, "Record not found")
	}
	recs, err := x.load(ctx, p, page.Records)
	if err != nil {
		return nil, err
	}
	return recs[0], nil
}

// The mutations' root fields.

func (x *execution) createMany(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	items, _ := args["data"].([]any)
	return x.create(ctx, t, items, args, true)
}

func (x *execution) createOne(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	return x.create(ctx, t, []any{args["data"]}, args, false)
}

func (x *execution) updateOne(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	return x.update(ctx, t, args, false)
}

func (x *execution) updateMany(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	return x.update(ctx, t, args, true)
}

func (x *execution) deleteOne(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	return x.mutate(ctx, t, softDelete, args, false)
}

func (x *execution) deleteMany(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	return x.mutate(ctx, t, softDelete, args, true)
}

func (x *execution) restoreOne(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	return x.mutate(ctx, t, restore, args, false)
}

func (x *execution) restoreMany(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	return x.mutate(ctx, t, restore, args, true)
}

func (x *execution) destroyOne(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	return x.mutate(ctx, t, destroy, args, false)
}

func (x *execution) destroyMany(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	return x.mutate(ctx, t, destroy, args, true)
}

// create is createPeople(data, upsert) (many) and createPerson(data, upsert): the records
// validated and inserted atomically as REST's POST does, in input order; "created" (or
// "upserted") changes.
func (x *execution) create(ctx context.Context, t *objectType, items []any, args map[string]any, many bool) (any, error) {
	if len(items) > maxRecords {
		return nil, queryError(codeInvalidData, "Cannot create more than %d records at once", maxRecords)
	}
	inputs := make([]map[string]any, len(items))
	for i, item := range items {
		in, err := jsonObject(item)
		if err != nil {
			return nil, err
		}
		inputs[i] = in
	}
	upsert, _ := args["upsert"].(bool)
	p := x.m.planOf(t, graphql.SelectedFields(ctx))
	m, err := x.eng.CreateManyWith(ctx, x.req.DB, x.req.WorkspaceID, t.obj, x.m.all, x.req.Actor, inputs, engine.CreateOptions{Upsert: upsert, Shape: p.shape()})
	if err != nil {
		return nil, err
	}
	action := Created
	if upsert {
		action = Upserted
	}
	x.changed(t, action, m.Changes)
	return x.answer(ctx, p, m.Records, many)
}

// update is updatePerson(id, data) and updatePeople(filter, data): one partial update of the
// selected records, atomically; "updated" changes.
func (x *execution) update(ctx context.Context, t *objectType, args map[string]any, many bool) (any, error) {
	sel, err := selectionOf(t, args, many)
	if err != nil {
		return nil, err
	}
	data, err := jsonObject(args["data"])
	if err != nil {
		return nil, err
	}
	p := x.m.planOf(t, graphql.SelectedFields(ctx))
	m, err := x.eng.UpdateMany(ctx, x.req.DB, x.req.WorkspaceID, t.obj, x.m.all, x.req.Actor, sel, data, p.shape())
	if err != nil {
		return nil, err
	}
	x.changed(t, Updated, m.Changes)
	return x.answer(ctx, p, m.Records, many)
}

// selectionMutation is a mutation of selected records that takes no data.
type selectionMutation int

const (
	softDelete selectionMutation = iota
	restore
	destroy
)

// mutate is delete, restore and destroy, by id or by filter: deletedAt set (soft delete),
// cleared, or the records removed; "deleted", "restored" or "destroyed" changes.
func (x *execution) mutate(ctx context.Context, t *objectType, kind selectionMutation, args map[string]any, many bool) (any, error) {
	sel, err := selectionOf(t, args, many)
	if err != nil {
		return nil, err
	}
	p := x.m.planOf(t, graphql.SelectedFields(ctx))
	run, action := x.eng.DeleteMany, Deleted
	switch kind {
	case restore:
		run, action = x.eng.RestoreMany, Restored
	case destroy:
		run, action = x.eng.DestroyMany, Destroyed
	}
	m, err := run(ctx, x.req.DB, x.req.WorkspaceID, t.obj, x.m.all, sel, p.shape())
	if err != nil {
		return nil, err
	}
	x.changed(t, action, m.Changes)
	return x.answer(ctx, p, m.Records, many)
}

// merge is mergePeople(ids, conflictPriorityIndex, dryRun): the records merged into the one at
// the priority index (engine.MergeMany); unless a dry run, the kept record's "updated" change
// and the others' "destroyed" ones.
func (x *execution) merge(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	raw, _ := args["ids"].([]any)
	ids := make([]string, 0, len(raw))
	for _, v := range raw {
		if s, ok := v.(string); ok {
			ids = append(ids, s)
		}
	}
	index, _ := args["conflictPriorityIndex"].(int64)
	dryRun, _ := args["dryRun"].(bool)
	p := x.m.planOf(t, graphql.SelectedFields(ctx))
	opts := engine.MergeOptions{IDs: ids, ConflictPriorityIndex: int(index), DryRun: dryRun, Shape: p.shape()}
	m, err := x.eng.MergeMany(ctx, x.req.DB, x.req.WorkspaceID, t.obj, x.m.all, x.req.Actor, opts)
	if err != nil {
		return nil, err
	}
	var updated, destroyed []engine.Change
	for _, c := range m.Changes {
		if c.After != nil {
			updated = append(updated, c)
		} else {
			destroyed = append(destroyed, c)
		}
	}
	x.changed(t, Updated, updated)
	x.changed(t, Destroyed, destroyed)
	return x.answer(ctx, p, m.Records, false)
}

// findDuplicates is personDuplicates(ids, data): per record given, a connection of the records
// that look like its duplicates (engine.FindDuplicates), in id order, without further pages.
func (x *execution) findDuplicates(ctx context.Context, t *objectType, args map[string]any) (any, error) {
	q := engine.DuplicatesQuery{}
	if raw, ok := args["ids"].([]any); ok {
		q.HasIDs, q.IDs = true, []string{}
		for _, v := range raw {
			if s, ok := v.(string); ok {
				q.IDs = append(q.IDs, s)
			}
		}
	}
	if raw, ok := args["data"].([]any); ok {
		q.HasData, q.Data = true, []map[string]any{}
		for _, v := range raw {
			in, err := jsonObject(v)
			if err != nil {
				return nil, err
			}
			q.Data = append(q.Data, in)
		}
	}
	nodes, _ := connectionNodes(graphql.SelectedFields(ctx))
	p := x.m.planOf(t, nodes)
	q.Shape = p.shape()
	found, err := x.eng.FindDuplicates(ctx, x.req.DB, x.req.WorkspaceID, t.obj, x.m.all, q)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(found))
	for i, d := range found {
		recs, err := x.load(ctx, p, d.Records)
		if err != nil {
			return nil, err
		}
		cursors := make([]string, len(d.Records))
		for j, rec := range d.Records {
			cursors[j] = recordquery.EncodeCursor(nil, rec) // their order is by id
		}
		out[i] = connection(recs, cursors, d.TotalCount, false, false)
	}
	return out, nil
}

// answer loads the relations of a mutation's records and answers them: the list, or the one
// record (null if none).
func (x *execution) answer(ctx context.Context, p *plan, recs []map[string]any, many bool) (any, error) {
	rs, err := x.load(ctx, p, recs)
	if err != nil {
		return nil, err
	}
	if many {
		out := make([]any, len(rs))
		for i, r := range rs {
			out[i] = r
		}
		return out, nil
	}
	if len(rs) == 0 {
		return nil, nil
	}
	return rs[0], nil
}

// selectionOf reads which records a mutation touches: the one whose id is given, or those the
// filter selects (an empty filter is left for the engine to refuse, "A non-empty filter is
// required").
func selectionOf(t *objectType, args map[string]any, many bool) (engine.Selection, error) {
	if !many {
		id, _ := args["id"].(string)
		return engine.Selection{ID: id}, nil
	}
	in, _ := args["filter"].(map[string]any)
	f, err := filterOf(t, in)
	if err != nil {
		return engine.Selection{}, err
	}
	return engine.Selection{Filter: f}, nil
}

// filterArg reads an optional filter argument: nil when absent or null.
func filterArg(t *objectType, v any) (*recordquery.Filter, error) {
	in, ok := v.(map[string]any)
	if !ok {
		return nil, nil
	}
	return filterOf(t, in)
}
