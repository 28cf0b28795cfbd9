package gqlapi

import (
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// Page sizes of Twenty's GraphQL find-many (twenty-shared/constants).
const (
	// maxRecords is QUERY_MAX_RECORDS: the page size when neither first nor last is given (the
	// GraphQL API has no smaller default, unlike REST's 60), and the engine's largest page.
	maxRecords = recordquery.MaxLimit
	// maxRecordsFromRelation is QUERY_MAX_RECORDS_FROM_RELATION: how many records of a
	// ONE_TO_MANY relation a parent record shows at most.
	maxRecordsFromRelation = 60
)

// page is a find-many's paging: the page size, the records to skip, and a cursor.
type page struct {
	limit, offset int
	after, before string
}

// pageOf reads first, last, offset, before and after with Twenty's checks, in its order
// (CommonFindManyQueryRunnerService.validate in common-find-many-query-runner.service.ts): first
// with last, before with after, before with first and after with last are ARGS_CONFLICT; a
// negative first or last INVALID_ARGS_FIRST or INVALID_ARGS_LAST. Like Twenty it tests first and
// last for truth (0 is as good as absent) but takes the page size from the first given, 0
// included; without either it is maxRecords.
//
// The engine has no offset: the page is read offset records longer and cut, which keeps within
// the engine's largest page.
func pageOf(args map[string]any) (page, error) {
	first, hasFirst := args["first"].(int64)
	last, hasLast := args["last"].(int64)
	offset, _ := args["offset"].(int64)
	p := page{}
	p.after, _ = args["after"].(string)
	p.before, _ = args["before"].(string)
	conflict := func(a, b string) error {
		return queryError(engine.CodeArgsConflict, "Cannot provide both %s and %s", a, b)
	}
	switch {
	case first != 0 && last != 0:
		return page{}, conflict("first", "last")
	case p.before != "" && p.after != "":
		return page{}, conflict("before", "after")
	case p.before != "" && first != 0:
		return page{}, conflict("before", "first")
	case p.after != "" && last != 0:
		return page{}, conflict("after", "last")
	case hasFirst && first < 0:
		return page{}, queryError(codeInvalidFirst, "First argument must be non-negative")
	case hasLast && last < 0:
		return page{}, queryError(codeInvalidLast, "Last argument must be non-negative")
	}
	limit := int64(maxRecords)
	switch {
	case hasFirst:
		limit = first
	case hasLast:
		limit = last
	}
	p.limit = int(min(limit, maxRecords))
	p.offset = int(max(min(offset, maxRecords), 0))
	if p.offset > 0 && p.limit+p.offset > maxRecords {
		return page{}, queryError(engine.CodeInvalidQueryInput, "offset plus page size cannot exceed %d", maxRecords)
	}
	return p, nil
}

// query is the engine's query for the page, with the filter and ordering.
func (p page) query(filter *recordquery.Filter, orderBy []recordquery.Order, fields []string, depth int) *recordquery.Query {
	return &recordquery.Query{
		Filter: filter, OrderBy: orderBy, Limit: p.limit + p.offset, Depth: depth, Fields: fields,
		StartingAfter: p.after, EndingBefore: p.before,
	}
}

// cut drops the offset records from a page read offset records longer: the first ones paging
// forwards, the last ones paging backwards (the scan runs the other way).
func (p page) cut(pg *engine.Page) {
	if p.offset == 0 {
		return
	}
	n := len(pg.Records)
	from, to := min(p.offset, n), n
	if p.before != "" {
		from, to = 0, max(n-p.offset, 0)
	}
	pg.Records, pg.Cursors = pg.Records[from:to], pg.Cursors[from:to]
	pg.StartCursor, pg.EndCursor = "", ""
	if len(pg.Cursors) > 0 {
		pg.StartCursor, pg.EndCursor = pg.Cursors[0], pg.Cursors[len(pg.Cursors)-1]
	}
	if p.before == "" {
		pg.HasPreviousPage = true
	} else {
		pg.HasNextPage = true
	}
}
