package gqlapi

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// record is a record as the executor reads it (a graphql.Object): its fields as the engine
// rendered them, and the relations its plan loaded.
type record struct {
	values map[string]any
	// toOne maps a MANY_TO_ONE relation field to its record, nil when there is none.
	toOne map[string]*record
	// toMany maps a ONE_TO_MANY relation's relationKey to its connection.
	toMany map[string]map[string]any
}

// Field implements graphql.Object.
func (r *record) Field(_ context.Context, name string, args map[string]any) (any, error) {
	if rel, ok := r.toOne[name]; ok {
		if rel == nil {
			return nil, nil
		}
		return rel, nil
	}
	if len(r.toMany) > 0 { // relationKey allocates; most records load no ONE_TO_MANY relation
		if c, ok := r.toMany[relationKey(name, args)]; ok {
			return c, nil
		}
	}
	return r.values[name], nil
}

var _ graphql.Object = (*record)(nil)

// connection is Twenty's {edges {node cursor} pageInfo totalCount} of records.
func connection(records []*record, cursors []string, total int, hasNext, hasPrevious bool) map[string]any {
	edges := make([]any, len(records))
	for i, r := range records {
		edges[i] = map[string]any{"node": r, "cursor": cursors[i]}
	}
	info := map[string]any{"hasNextPage": hasNext, "hasPreviousPage": hasPrevious, "startCursor": nil, "endCursor": nil}
	if n := len(cursors); n > 0 {
		info["startCursor"], info["endCursor"] = cursors[0], cursors[n-1]
	}
	return map[string]any{"edges": edges, "pageInfo": info, "totalCount": total}
}

// load wraps records the engine rendered with p's shape and loads the relations p selects.
func (x *execution) load(ctx context.Context, p *plan, recs []map[string]any) ([]*record, error) {
	out := make([]*record, len(recs))
	for i, rec := range recs {
		out[i] = &record{values: rec}
	}
	if err := x.relations(ctx, p, out); err != nil {
		return nil, err
	}
	return out, nil
}

// relations loads the relations p selects for records rs, all of them at once: one query per
// relation (none for MANY_TO_ONE relations the records embed), then the relations of the related
// records, level by level.
func (x *execution) relations(ctx context.Context, p *plan, rs []*record) error {
	if len(rs) == 0 {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(p.toOne)) {
		f, _ := p.t.field(name)
		if err := x.toOne(ctx, f, p.toOne[name], rs); err != nil {
			return err
		}
	}
	for _, key := range slices.Sorted(maps.Keys(p.toMany)) {
		if err := x.toMany(ctx, p.toMany[key], rs); err != nil {
			return err
		}
	}
	return nil
}

// toOne sets the MANY_TO_ONE relation f of rs: from the record each embeds when it was read at
// depth 1, otherwise from one read of the related records of all of rs by id. A related record
// shared by several of rs is one record, whose relations are loaded once.
func (x *execution) toOne(ctx context.Context, f metadata.Field, sub *plan, rs []*record) error {
	var missing []string
	seen := map[string]bool{}
	for _, r := range rs {
		if _, embedded := r.values[f.Name]; embedded {
			continue
		}
		if id, ok := r.values[f.JoinColumnName()].(string); ok && !seen[id] {
			seen[id] = true
			missing = append(missing, id)
		}
	}
	fetched := map[string]map[string]any{}
	for chunk := range slices.Chunk(missing, maxRecords) {
		q := &recordquery.Query{Filter: idsIn("id", chunk), Limit: len(chunk), Fields: sub.fields, Depth: sub.depth()}
		pg, err := x.eng.FindMany(ctx, x.req.DB, x.req.WorkspaceID, sub.t.obj, x.m.all, q)
		if err != nil {
			return err
		}
		for _, rec := range pg.Records {
			if id, ok := rec["id"].(string); ok {
				fetched[id] = rec
			}
		}
	}
	byID := map[string]*record{}
	var related []*record
	for _, r := range rs {
		var rec map[string]any
		if v, embedded := r.values[f.Name]; embedded {
			rec, _ = v.(map[string]any)
		} else if id, ok := r.values[f.JoinColumnName()].(string); ok {
			rec = fetched[id]
		}
		if r.toOne == nil {
			r.toOne = map[string]*record{}
		}
		id, _ := rec["id"].(string)
		if rec == nil || id == "" {
			r.toOne[f.Name] = nil
			continue
		}
		rel := byID[id]
		if rel == nil {
			rel = &record{values: rec}
			byID[id] = rel
			related = append(related, rel)
		}
		r.toOne[f.Name] = rel
	}
	return x.relations(ctx, sub, related)
}

// toMany sets the ONE_TO_MANY relation of mp on rs: one read of the related records of all of rs
// (join column IN their ids, and the relation's filter, in its order), grouped by parent in Go,
// each parent showing at most first (QUERY_MAX_RECORDS_FROM_RELATION by default and at most).
// The counts come from the records read, or, when the read was cut at the engine's page size or
// aggregates other than totalCount are selected, from one group-by on the join column, which
// computes the aggregates per parent. Paging arguments other than first are ignored, as Twenty's
// nested relations ignore them.
func (x *execution) toMany(ctx context.Context, mp *manyPlan, rs []*record) error {
	target := mp.target.t
	inv, ok := inverse(target.obj, mp.field)
	if !ok {
		return fmt.Errorf("gqlapi: relation %s has no inverse join column", mp.field.Name)
	}
	join := inv.JoinColumnName()
	limit := maxRecordsFromRelation
	if mp.limit > 0 {
		limit = mp.limit
	}
	if first, ok := mp.args["first"].(int64); ok {
		if first < 0 {
			return queryError(codeInvalidFirst, "First argument must be non-negative")
		}
		limit = int(min(first, int64(limit)))
	}
	aggs := selectedAggregates(mp.aggregates)
	var filter *recordquery.Filter
	if in, ok := mp.args["filter"].(map[string]any); ok {
		var err error
		if filter, err = filterOf(target, in); err != nil {
			return err
		}
	}
	items, _ := mp.args["orderBy"].([]any)
	order := orderOf(target, items)
	fields := slices.Clone(mp.target.fields)
	if !slices.Contains(fields, inv.Name) {
		fields = append(fields, inv.Name)
	}

	var parents []string
	seen := map[string]bool{}
	for _, r := range rs {
		if id, ok := r.values["id"].(string); ok && !seen[id] {
			seen[id] = true
			parents = append(parents, id)
		}
	}
	type group struct {
		records    []*record
		cursors    []string
		count      int
		aggregates []engine.AggregateValue
	}
	groups := map[string]*group{}
	var kept []*record
	for chunk := range slices.Chunk(parents, maxRecords) {
		cond := idsIn(join, chunk)
		if filter != nil {
			cond = &recordquery.Filter{And: []*recordquery.Filter{cond, filter}}
		}
		q := &recordquery.Query{Filter: cond, OrderBy: order, Limit: maxRecords, Fields: fields, Depth: mp.target.depth()}
		pg, err := x.eng.FindMany(ctx, x.req.DB, x.req.WorkspaceID, target.obj, x.m.all, q)
		if err != nil {
			return err
		}
		for i, rec := range pg.Records {
			parent, _ := rec[join].(string)
			g := groups[parent]
			if g == nil {
				g = &group{}
				groups[parent] = g
			}
			g.count++
			if len(g.records) < limit {
				r := &record{values: rec}
				g.records = append(g.records, r)
				g.cursors = append(g.cursors, pg.Cursors[i])
				kept = append(kept, r)
			}
		}
		if pg.HasNextPage || len(aggs) > 0 {
			byParent, err := x.aggregateBy(ctx, target.obj, join, cond, len(chunk), aggs)
			if err != nil {
				return err
			}
			for parent, a := range byParent {
				g := groups[parent]
				if g == nil {
					g = &group{}
					groups[parent] = g
				}
				g.count, g.aggregates = a.count, a.values
			}
		}
	}
	if err := x.relations(ctx, mp.target, kept); err != nil {
		return err
	}
	for _, r := range rs {
		id, _ := r.values["id"].(string)
		g := groups[id]
		if g == nil {
			g = &group{}
		}
		if r.toMany == nil {
			r.toMany = map[string]map[string]any{}
		}
		conn := connection(g.records, g.cursors, g.count, g.count > len(g.records), false)
		if err := target.aggregateValues(conn, g.aggregates); err != nil {
			return err
		}
		r.toMany[mp.key] = conn
	}
	return nil
}

// parentAggregates are the count and the aggregates of one parent's related records.
type parentAggregates struct {
	count  int
	values []engine.AggregateValue
}

// aggregateBy counts the records of obj that filter selects per value of the join column join
// and computes aggs over them, in one group-by of at most groups groups.
func (x *execution) aggregateBy(ctx context.Context, obj metadata.Object, join string, filter *recordquery.Filter, groups int, aggs []string) (map[string]parentAggregates, error) {
	q := engine.GroupByQuery{
		GroupBy: []recordquery.GroupBy{{Field: join}}, Aggregates: append([]string{"totalCount"}, aggs...), Filter: filter, Limit: groups,
	}
	res, err := x.eng.GroupBy(ctx, x.req.DB, x.req.WorkspaceID, obj, x.m.all, q)
	if err != nil {
		return nil, err
	}
	out := make(map[string]parentAggregates, len(res))
	for _, g := range res {
		if len(g.Dimensions) != 1 || len(g.Aggregates) != len(q.Aggregates) {
			return nil, fmt.Errorf("gqlapi: count of %s by %s: a group has %d dimensions and %d aggregates", obj.NamePlural, join, len(g.Dimensions), len(g.Aggregates))
		}
		parent, _ := g.Dimensions[0].(string)
		n, err := countValue(g.Aggregates[0].Value)
		if err != nil {
			return nil, fmt.Errorf("gqlapi: count of %s by %s: %w", obj.NamePlural, join, err)
		}
		out[parent] = parentAggregates{count: n, values: g.Aggregates[1:]}
	}
	return out, nil
}

// countValue reads a totalCount aggregate, which the engine writes as PostgreSQL's bigint text.
func countValue(v any) (int, error) {
	switch v := v.(type) {
	case string:
		return strconv.Atoi(v)
	case int64:
		return int(v), nil
	case float64:
		return int(v), nil
	}
	return 0, fmt.Errorf("count is %T", v)
}

// idsIn is the condition "field in ids", ids travelling as one JSON list.
func idsIn(field string, ids []string) *recordquery.Filter {
	list := make([]recordquery.Value, len(ids))
	for i, id := range ids {
		list[i] = recordquery.Value{Raw: id, Quoted: true}
	}
	return &recordquery.Filter{Field: field, Op: recordquery.In, Value: recordquery.Value{List: list}}
}
