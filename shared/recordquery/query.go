// Package recordquery holds the typed record query that the REST and GraphQL front ends both
// produce and the records engine executes: a filter tree, an ordering, a page size and cursors, a
// relation depth and a field projection; and the dimensions of a group-by.
//
// Nothing here parses a wire format (package restquery parses Twenty's REST query parameters;
// ParseGroupBy reads a group-by value both front ends have already decoded) and nothing here
// knows field metadata: values stay as the client wrote them, to be typed against the object's
// fields by the engine, which also rejects unknown fields with Twenty's messages.
package recordquery

import (
	"errors"
	"fmt"
)

// Page sizes, as Twenty's QUERY_DEFAULT_LIMIT_RECORDS and QUERY_MAX_RECORDS
// (packages/twenty-shared/src/constants/).
const (
	// DefaultLimit is the page size when the client gives none.
	DefaultLimit = 60
	// MaxLimit is the largest page size; REST clamps larger requests to it.
	MaxLimit = 200
)

// MaxDepth is the largest relation depth: at 1 a record embeds its related records, which do
// not embed theirs.
const MaxDepth = 1

// ErrBothCursors is the error of a query that pages both forwards and backwards. Its message is
// Twenty's (common-find-many-query-runner.service.ts), which REST answers as a 400.
var ErrBothCursors = errors.New("Cannot provide both before and after")

// Query is a find-many (list) query on one object.
//
// Only what listing needs is here. The REST gateway reads the flags of other operations itself:
// soft_delete=true on DELETE and upsert=true on POST.
type Query struct {
	// Filter selects the records; nil selects all of them. Soft-deleted records are hidden
	// unless the filter names deletedAt (see MentionsDeletedAt).
	Filter *Filter
	// OrderBy is the ordering as the client gave it, without the id tie-breaker: the engine
	// appends {id AscNullsFirst} unless the client already orders by id, as Twenty does.
	OrderBy []Order
	// Limit is the page size, 0 to MaxLimit.
	Limit int
	// Depth is the relation depth, 0 or 1.
	Depth int
	// StartingAfter is the raw cursor to page forwards from (REST starting_after, GraphQL
	// after), or "".
	StartingAfter string
	// EndingBefore is the raw cursor to page backwards from (REST ending_before, GraphQL
	// before), or "". With it the page holds the Limit records just before the cursor.
	EndingBefore string
	// Fields is the projection (REST fields=id,name): the field names to return, in the
	// client's order without duplicates, or nil for all. The engine checks the names.
	Fields []string
	// OmitNullValues drops null-valued fields from the returned records.
	OmitNullValues bool
}

// Backward reports whether q pages backwards, from EndingBefore.
func (q *Query) Backward() bool { return q.EndingBefore != "" }

// Cursor returns the cursor q pages from, or "" for the first page.
func (q *Query) Cursor() string {
	if q.StartingAfter != "" {
		return q.StartingAfter
	}
	return q.EndingBefore
}

// Validate checks that q is well formed: a valid filter tree and ordering, a limit and depth in
// range and at most one cursor, which decodes. It knows no field metadata, so unknown fields
// pass. Producers other than restquery (which already answers Twenty's messages) call it before
// handing a query to the engine.
func (q *Query) Validate() error {
	if q.Limit < 0 || q.Limit > MaxLimit {
		return fmt.Errorf("recordquery: limit %d out of range [0, %d]", q.Limit, MaxLimit)
	}
	if q.Depth < 0 || q.Depth > MaxDepth {
		return fmt.Errorf("recordquery: depth %d out of range [0, %d]", q.Depth, MaxDepth)
	}
	for _, o := range q.OrderBy {
		if !o.Direction.Valid() {
			return fmt.Errorf("recordquery: order by %q: unknown direction %q", o.Field, o.Direction)
		}
	}
	if q.Filter != nil {
		if err := q.Filter.Validate(); err != nil {
			return err
		}
	}
	if q.StartingAfter != "" && q.EndingBefore != "" {
		return ErrBothCursors
	}
	if c := q.Cursor(); c != "" {
		if _, err := DecodeCursor(c); err != nil {
			return err
		}
	}
	return nil
}
