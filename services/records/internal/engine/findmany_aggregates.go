package engine

import (
	"fmt"

	"github.com/twentyworkers/twenty/shared/d1"
)

// FindOptions are the options of FindManyWith.
type FindOptions struct {
	// Aggregates names aggregates (see Aggregates) to compute over the records the filter
	// selects, as a GraphQL connection's aggregate fields ask: countEmptyCity,
	// sumAmountAmountMicros, ….
	Aggregates []string
}

// aggregateCount is the count statement of p that also computes aggs over the same rows: the
// group-by statement of one group, the records the count's conditions select ("~n" the count,
// "~aI_J" the aggregates' expressions), so that the aggregates take no extra round trip.
func (p *plan) aggregateCount(aggs []aggregate) (d1.Stmt, error) {
	n := 1
	for _, a := range aggs {
		n += len(a.exprs)
	}
	if n > maxResultColumns {
		return d1.Stmt{}, queryErrorf(CodeTooComplex, "Query too complex: it reads %d columns, at most %d are allowed", n, maxResultColumns)
	}
	g := &groupStatements{table: p.table, where: whereClause(p.where), filterArgs: p.whereArgs, limit: 1}
	return g.groups(aggs), nil
}

// readCount reads the count statement's result: the count, and the aggregates' values when the
// statement computed aggs (aggregateCount).
func readCount(r d1.Result, aggs []aggregate) (int, []AggregateValue, error) {
	if len(aggs) == 0 {
		n, err := countOf(r)
		return n, nil, err
	}
	groups, _ := readGroups(r, nil, aggs)
	if len(groups) != 1 {
		return 0, nil, fmt.Errorf("aggregates returned %d rows", len(groups))
	}
	i := -1
	for j, name := range r.Columns {
		if name == "~n" {
			i = j
		}
	}
	if i < 0 {
		return 0, nil, fmt.Errorf("aggregates returned no count")
	}
	n, ok := r.Rows[0][i].(int64)
	if !ok {
		return 0, nil, fmt.Errorf("count is %T, want int64", r.Rows[0][i])
	}
	return int(n), groups[0].Aggregates, nil
}
