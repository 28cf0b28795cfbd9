package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// Engine runs record queries on a workspace's D1 tables. The zero value is ready to use.
type Engine struct{}

// Batcher runs statements in one atomic round trip: a *d1.DB, or the records Worker's wrapper of
// it that also checks the workspace's schema stamp.
type Batcher interface {
	Batch(ctx context.Context, stmts ...d1.Stmt) ([]d1.Result, error)
}

// Page is one page of a find-many query, as Twenty's find-many query runner returns it.
type Page struct {
	// Records are the page's records in the query's order, shaped as Twenty's API shows them:
	// composite fields as objects, MANY_TO_ONE relations as their join column (companyId) and,
	// at depth 1, the related record (company, or nil), which does not embed its own relations.
	Records []map[string]any
	// Cursors are the records' cursors, one per record (GraphQL edges carry them).
	Cursors []string
	// TotalCount is the number of records the filter selects, on every page.
	TotalCount int
	// HasNextPage and HasPreviousPage are Twenty's flags (build-cursor-page.util.ts): paging
	// forwards, whether more records follow the page and whether a starting_after cursor was
	// given; paging backwards from an ending_before cursor, true and whether more records
	// precede the page.
	HasNextPage, HasPreviousPage bool
	// StartCursor and EndCursor are the cursors of the first and last records, "" (null in
	// the API) for an empty page.
	StartCursor, EndCursor string
	// Aggregates are the values of FindOptions.Aggregates over the records the filter selects,
	// in the order asked, as GroupBy gives them.
	Aggregates []AggregateValue
}

// FindMany runs a find-many query on object obj of the workspace, whose objects are all: the page
// and the count in one batch, one round trip. Errors for input Twenty rejects are *QueryError
// (see Compiler.FindMany); others come from D1.
func (e *Engine) FindMany(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, q *recordquery.Query) (*Page, error) {
	return e.FindManyWith(ctx, db, workspaceID, obj, all, q, FindOptions{})
}

// findManyWith is FindMany with options: the aggregates opts names are computed by the count
// statement, in the same batch.
func (e *Engine) findManyWith(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, q *recordquery.Query, opts FindOptions) (*Page, error) {
	c := Compiler{Objects: all}
	p, err := c.compile(workspaceID, obj, q)
	if err != nil {
		return nil, err
	}
	aggs, err := resolveAggregates(obj, opts.Aggregates)
	if err != nil {
		return nil, err
	}
	if len(aggs) > 0 {
		if p.count, err = p.aggregateCount(aggs); err != nil {
			return nil, err
		}
	}
	res, err := db.Batch(ctx, p.page, p.count)
	if err != nil {
		return nil, fmt.Errorf("engine: find %s: %w", obj.NamePlural, err)
	}
	total, values, err := readCount(res[1], aggs)
	if err != nil {
		return nil, fmt.Errorf("engine: find %s: %w", obj.NamePlural, err)
	}
	rows := res[0].Rows
	hasMore := len(rows) > p.limit
	rows = rows[:min(len(rows), p.limit)]
	if !p.forward {
		slices.Reverse(rows)
	}
	page := &Page{
		Records:    make([]map[string]any, len(rows)),
		Cursors:    make([]string, len(rows)),
		TotalCount: total,
		Aggregates: values,
	}
	if p.forward {
		page.HasNextPage, page.HasPreviousPage = hasMore, p.after
	} else {
		page.HasNextPage, page.HasPreviousPage = p.before, hasMore
	}
	index := columnIndex(res[0])
	lay, cursors := layoutOf(p.fields), newCursorEncoder(p.leaves)
	for i, row := range rows {
		get := rowColumns(index, row)
		rec := lay.render(get, p.joins)
		if q.OmitNullValues {
			omitNulls(rec, p.joins)
		}
		page.Records[i] = rec
		page.Cursors[i] = cursors.encode(get)
	}
	if n := len(rows); n > 0 {
		page.StartCursor, page.EndCursor = page.Cursors[0], page.Cursors[n-1]
	}
	return page, nil
}

// countOf reads the count statement's result.
func countOf(r d1.Result) (int, error) {
	if len(r.Rows) != 1 || len(r.Rows[0]) != 1 {
		return 0, fmt.Errorf("count returned %d rows", len(r.Rows))
	}
	n, ok := r.Rows[0][0].(int64)
	if !ok {
		return 0, fmt.Errorf("count is %T, want int64", r.Rows[0][0])
	}
	return int(n), nil
}
