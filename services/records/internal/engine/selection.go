package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// The codes of the errors the mutations return.
const (
	// CodeRecordNotFound is a selection by id that finds no record (Twenty's RECORD_NOT_FOUND,
	// which REST answers as a 404).
	CodeRecordNotFound Code = "RECORD_NOT_FOUND"
	// CodeTooManyRecords is a mass mutation selecting more than MaxMutationRecords records
	// (TOO_MANY_RECORDS_TO_UPDATE).
	CodeTooManyRecords Code = "TOO_MANY_RECORDS_TO_UPDATE"
)

// Twenty's messages for selections. Paths are relative to packages/twenty-server/src/engine/.

// api/common/common-query-runners/common-{update,delete,destroy,restore}-one-query-runner.service.ts
func msgRecordNotFound() *QueryError {
	return queryErrorf(CodeRecordNotFound, "Record not found")
}

// api/common/common-query-runners/utils/is-empty-record-filter.util.ts
func msgEmptyFilter() *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "A non-empty filter is required")
}

// api/graphql/workspace-query-runner/utils/assert-is-valid-uuid.util.ts
func msgInvalidID(id string) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Value \"%s\" is not a valid UUID", id)
}

// twenty-orm/repository/workspace-update-query-builder.ts says "Cannot update more than
// ${QUERY_MAX_RECORDS} records at once"; Twenty bounds only updates, the engine bounds every mass
// mutation (MaxMutationRecords) and names its verb.
func msgTooManyRecords(verb string) *QueryError {
	return queryErrorf(CodeTooManyRecords, "Cannot %s more than %d records at once", verb, MaxMutationRecords)
}

// recordSelect reads records of one object: every column (the depth 0 record a Change carries)
// and, for a Shape of depth 1, the records of its MANY_TO_ONE relations, as FindMany embeds them.
type recordSelect struct {
	obj   metadata.Object
	table string
	// fields are the fields the shape shows; joins the relations it embeds.
	fields []metadata.Field
	joins  []join
	// head is "SELECT … FROM … AS "t" LEFT JOIN …", without a WHERE clause.
	head string
}

// recordSelect checks shape against obj (Twenty's messages for unknown fields) and prepares the
// reads of its records.
func (c *Compiler) recordSelect(workspaceID string, obj metadata.Object, shape Shape) (*recordSelect, error) {
	table, err := ddl.TableName(workspaceID, obj.NameSingular)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	s := &recordSelect{obj: obj, table: table}
	if s.fields, err = projection(obj, shape.Fields); err != nil {
		return nil, err
	}
	if shape.Depth >= 1 {
		if s.joins, err = c.joins(s.fields); err != nil {
			return nil, err
		}
	}
	sel := make([]string, 0, len(obj.Fields))
	for _, f := range obj.Fields {
		for _, column := range metadata.ReadColumns(f) {
			sel = append(sel, col(mainAlias, column.Name))
		}
	}
	joined, joins, err := joinSQL(workspaceID, s.joins)
	if err != nil {
		return nil, err
	}
	sel = append(sel, joined...)
	from := " FROM " + quoteIdent(table) + " AS " + quoteIdent(mainAlias) + joins
	if len(sel) > maxResultColumns {
		return nil, queryErrorf(CodeTooComplex, "Query too complex: it reads %d columns, at most %d are allowed", len(sel), maxResultColumns)
	}
	s.head = "SELECT " + strings.Join(sel, ", ") + from
	return s, nil
}

// where is the statement reading the records that cond (an SQL condition over "t") selects, by
// id, at most limit of them (no limit when limit < 0).
func (s *recordSelect) where(cond string, args []any, limit int) d1.Stmt {
	st := d1.Stmt{SQL: s.head + " WHERE " + cond + " ORDER BY " + col(mainAlias, "id"), Args: slices.Clone(args)}
	if limit >= 0 {
		st.SQL += " LIMIT ?"
		st.Args = append(st.Args, int64(limit))
	}
	return st
}

// byIDs is the statement reading the records whose ids are recordIDs, soft-deleted or not.
func (s *recordSelect) byIDs(recordIDs []string) d1.Stmt {
	list, _ := json.Marshal(recordIDs) // strings always encode
	return s.where(col(mainAlias, "id")+" IN (SELECT value FROM json_each(?))", []any{string(list)}, -1)
}

// readRow is one record a recordSelect read.
type readRow struct {
	id string
	// full is the record at depth 0 with every field; shaped is the record as the Shape shows it.
	full, shaped map[string]any
	// get reads its stored column values.
	get columns
}

// read renders the rows of a result of s's statements.
func (s *recordSelect) read(r d1.Result) []readRow {
	index := columnIndex(r)
	out := make([]readRow, len(r.Rows))
	fullLayout, shapedLayout := objectLayout(s.obj.Fields), s.layout()
	for i, row := range r.Rows {
		get := rowColumns(index, row)
		full := fullLayout.render(get, nil)
		id, _ := full["id"].(string)
		out[i] = readRow{id: id, full: full, shaped: shapedLayout.render(get, s.joins), get: get}
	}
	return out
}

// layout is the layout of the fields s shows: the object's own, made once, when it shows them
// all.
func (s *recordSelect) layout() layout {
	if len(s.fields) == len(s.obj.Fields) && len(s.fields) > 0 && &s.fields[0] == &s.obj.Fields[0] {
		return objectLayout(s.fields)
	}
	return layoutOf(s.fields)
}

// shapedRecords renders the rows of a result of s's statements as the client asked to see them,
// only: reads that report no change (find one) need not render the full records too.
func (s *recordSelect) shapedRecords(r d1.Result) []map[string]any {
	index := columnIndex(r)
	lay := s.layout()
	out := make([]map[string]any, len(r.Rows))
	for i, row := range r.Rows {
		out[i] = lay.render(rowColumns(index, row), s.joins)
	}
	return out
}

// visibility says whether a selection sees soft-deleted records.
type visibility int

const (
	// liveRecords hides soft-deleted records, unless a filter names deletedAt (as FindMany).
	liveRecords visibility = iota
	// anyRecords sees soft-deleted records too: destroy and restore work on them.
	anyRecords
)

// selectionWhere compiles a selection on obj into an SQL condition over "t" and its values.
func (c *Compiler) selectionWhere(workspaceID string, obj metadata.Object, sel Selection, vis visibility) (string, []any, error) {
	var cond string
	var args []any
	mentionsDeletedAt := false
	if sel.ID != "" {
		if !ids.IsUUID(sel.ID) {
			return "", nil, msgInvalidID(sel.ID)
		}
		cond, args = col(mainAlias, "id")+" = ?", []any{strings.ToLower(sel.ID)}
	} else {
		if isEmptyFilter(sel.Filter) {
			return "", nil, msgEmptyFilter()
		}
		if err := sel.Filter.Validate(); err != nil {
			return "", nil, &QueryError{Code: CodeInvalidFilter, Message: err.Error(), Err: err}
		}
		fc := &filterCompiler{compiler: c, workspaceID: workspaceID}
		s, err := fc.node(obj, mainAlias, sel.Filter, 0)
		if err != nil {
			return "", nil, err
		}
		cond, args = "("+s+")", fc.args
		mentionsDeletedAt = recordquery.MentionsDeletedAt(sel.Filter)
	}
	if vis == liveRecords && !mentionsDeletedAt {
		cond = col(mainAlias, "deletedAt") + " IS NULL AND " + cond
	}
	// The read binds one more value, its LIMIT.
	if n := len(args) + 1; n > d1.MaxParams {
		return "", nil, &QueryError{
			Code:    CodeTooComplex,
			Message: fmt.Sprintf("Query too complex: it binds %d values, at most %d are allowed", n, d1.MaxParams),
			Err:     d1.ErrTooManyParams,
		}
	}
	return cond, args, nil
}

// isEmptyFilter reports whether f selects every record: nil, or conjunctions of nothing but
// empty conjunctions (Twenty's isEmptyRecordFilter). A negation or a condition is not empty.
func isEmptyFilter(f *recordquery.Filter) bool {
	if f == nil {
		return true
	}
	if f.Not != nil || f.Op != "" {
		return false
	}
	return !slices.ContainsFunc(f.And, func(c *recordquery.Filter) bool { return !isEmptyFilter(c) }) &&
		!slices.ContainsFunc(f.Or, func(c *recordquery.Filter) bool { return !isEmptyFilter(c) })
}

// mutation is what differs between the mutations of a selection (update, delete, destroy,
// restore); run executes one.
type mutation struct {
	// verb names the mutation in the too-many message; action is its events' action.
	verb, action string
	vis          visibility
	// writes returns the statements changing the selected records, whose ids the JSON array
	// idList holds.
	writes func(idList string) []d1.Stmt
	// destroy tells that the records are gone after the writes: the answer shows them as they
	// were and their Changes have no After.
	destroy bool
	// changed reports whether the writes change a selected record (its depth 0 record before),
	// which gets a Change; nil for all.
	changed func(before map[string]any) bool
	// diff fills the Changes' UpdatedFields.
	diff bool
	// constraint maps a constraint the writes broke to Twenty's error, or returns nil.
	constraint func(error) *QueryError
	// oneTrip lets a selection by id alone (no filter, changed nil) read its record inside the
	// write batch, behind a guard that fails the batch when the id selects nothing: one round
	// trip instead of two.
	oneTrip bool
}

// run executes mutation m on the records sel selects: one read of the selected records (at most
// MaxMutationRecords, with their depth 1 relations when shape asks), then ONE atomic batch of the
// writes and of the read of the records after them. A selection by id alone of a mutation that
// allows it (mutation.oneTrip) makes that read inside the batch, before the writes. A selection
// by id that finds nothing is CodeRecordNotFound; a filter that selects nothing answers no
// records and writes nothing.
//
// A filtered selection is checked again inside the write batch: when a concurrent write changed
// which of the records the filter selects (a conditional update racing another), the batch fails
// whole and the mutation runs again on what the filter selects now, up to maxSelectionRetries
// times, so that a condition is never applied to records that no longer meet it.
func (e *Engine) run(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, sel Selection, shape Shape, m mutation) (*Mutation, error) {
	for attempt := 1; ; attempt++ {
		out, err := e.runOnce(ctx, db, workspaceID, obj, all, sel, shape, m)
		if !errors.Is(err, errStaleSelection) {
			return out, err
		}
		if attempt == maxSelectionRetries {
			return nil, fmt.Errorf("engine: %s %s: the selected records kept changing: %w", m.verb, obj.NamePlural, err)
		}
	}
}

// maxSelectionRetries bounds the runs of a mutation whose filtered selection changed under it.
const maxSelectionRetries = 3

// errStaleSelection is a write batch refused because its filter no longer selects the records it
// read.
var errStaleSelection = errors.New("the filter no longer selects the records read")

// staleSelection is the text the selection guard raises (as malformed JSON) to fail its batch.
const staleSelection = "stale selection"

// selectionGuard is the statement of a write batch that fails it unless the filter cond still
// selects every one of the records idList names.
func selectionGuard(table, cond string, args []any, idList string, n int) d1.Stmt {
	q := "SELECT CASE WHEN (SELECT count(*) FROM " + quoteIdent(table) + " AS " + quoteIdent(mainAlias) + " WHERE " +
		col(mainAlias, "id") + " IN (SELECT value FROM json_each(?)) AND " + cond + ") = ? THEN 1 ELSE json('" + staleSelection + "') END"
	return d1.Stmt{SQL: q, Args: append(append([]any{idList}, args...), int64(n))}
}

func (e *Engine) runOnce(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, sel Selection, shape Shape, m mutation) (*Mutation, error) {
	c := Compiler{Objects: all}
	read, err := c.recordSelect(workspaceID, obj, shape)
	if err != nil {
		return nil, err
	}
	cond, args, err := c.selectionWhere(workspaceID, obj, sel, m.vis)
	if err != nil {
		return nil, err
	}
	oneTrip := m.oneTrip && sel.ID != "" && isEmptyFilter(sel.Filter) && m.changed == nil
	var before []readRow
	var recordIDs []string
	if oneTrip {
		recordIDs = []string{strings.ToLower(sel.ID)}
	} else {
		res, err := db.Batch(ctx, read.where(cond, args, MaxMutationRecords+1))
		if err != nil {
			return nil, fmt.Errorf("engine: %s %s: %w", m.verb, obj.NamePlural, err)
		}
		before = read.read(res[0])
		switch {
		case len(before) > MaxMutationRecords:
			return nil, msgTooManyRecords(m.verb)
		case len(before) == 0 && sel.ID != "":
			return nil, msgRecordNotFound()
		case len(before) == 0:
			return &Mutation{Records: []map[string]any{}}, nil
		}
		recordIDs = make([]string, len(before))
		for i, r := range before {
			recordIDs[i] = r.id
		}
	}
	idList, err := json.Marshal(recordIDs)
	if err != nil {
		return nil, fmt.Errorf("engine: %s %s: %w", m.verb, obj.NamePlural, err)
	}
	changedIDs := recordIDs
	if m.changed != nil {
		changedIDs = nil
		for _, b := range before {
			if m.changed(b.full) {
				changedIDs = append(changedIDs, b.id)
			}
		}
	}
	logBefore, logAfter, err := logEvents(db, eventsOf(read.table, obj, m.action, changedIDs))
	if err != nil {
		return nil, err
	}
	var stmts []d1.Stmt
	var guard *d1.Stmt
	switch {
	case oneTrip:
		// The record before the writes, read by the batch itself once the guard found it.
		g := selectionGuard(read.table, cond, args, string(idList), 1)
		guard, stmts = &g, []d1.Stmt{g, read.where(cond, args, 1)}
	case !isEmptyFilter(sel.Filter):
		g := selectionGuard(read.table, cond, args, string(idList), len(recordIDs))
		guard, stmts = &g, []d1.Stmt{g}
	}
	stmts = append(stmts, logBefore...)
	stmts = append(stmts, m.writes(string(idList))...)
	stmts = append(stmts, logAfter...)
	if !m.destroy {
		stmts = append(stmts, read.byIDs(recordIDs))
	}
	res, err := db.Batch(ctx, stmts...)
	if err != nil && guard != nil {
		// The guard's refusal (raised as malformed JSON), or another statement's: the guard
		// alone tells, whatever words the database put the error in.
		if _, gerr := db.Batch(ctx, *guard); gerr != nil {
			if oneTrip {
				return nil, msgRecordNotFound()
			}
			return nil, fmt.Errorf("%w: %w", errStaleSelection, err)
		}
	}
	if err != nil {
		if m.constraint != nil {
			if qe := m.constraint(err); qe != nil {
				return nil, qe
			}
		}
		return nil, fmt.Errorf("engine: %s %s: %w", m.verb, obj.NamePlural, err)
	}
	if oneTrip {
		if before = read.read(res[1]); len(before) != 1 {
			return nil, fmt.Errorf("engine: %s %s: record %s not read before the writes", m.verb, obj.NamePlural, recordIDs[0])
		}
	}
	after := map[string]readRow{}
	if !m.destroy {
		for _, r := range read.read(res[len(res)-1]) {
			after[r.id] = r
		}
	}
	out := &Mutation{Records: make([]map[string]any, len(before))}
	for i, b := range before {
		ch := Change{ID: b.id, Before: b.full}
		out.Records[i] = b.shaped
		if !m.destroy {
			a, ok := after[b.id]
			if !ok {
				return nil, fmt.Errorf("engine: %s %s: record %s not read back", m.verb, obj.NamePlural, b.id)
			}
			out.Records[i], ch.After = a.shaped, a.full
			if m.diff {
				ch.UpdatedFields = updatedFields(b.full, a.full)
			}
		}
		if m.changed == nil || m.changed(b.full) {
			out.Changes = append(out.Changes, ch)
		}
	}
	return out, nil
}

// updatedFields returns, sorted, the fields of a depth 0 record whose values differ between
// before and after, as Twenty's objectRecordChangedValues finds them
// (core-modules/event-emitter/utils/object-record-changed-values.ts): updatedAt and
// searchVector are left out.
func updatedFields(before, after map[string]any) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(after)) {
		if k == "updatedAt" || k == "searchVector" {
			continue
		}
		if !reflect.DeepEqual(before[k], after[k]) {
			out = append(out, k)
		}
	}
	return out
}
