package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// duplicateCriteria are the duplicateCriteria of Twenty's standard objects (their flat object
// metadata builders in
// engine/workspace-manager/twenty-standard-application/utils/object-metadata/): each criterion
// is a list of columns whose values must all be equal for two records to be duplicates.
var duplicateCriteria = map[string][][]string{
	"person":  {{"nameFirstName", "nameLastName"}, {"linkedinLinkPrimaryLinkUrl"}, {"emailsPrimaryEmail"}},
	"company": {{"name"}, {"domainNamePrimaryLinkUrl"}},
}

// minDuplicateLength is Twenty's settings.minLengthOfStringForDuplicateCheck: a criterion
// applies only when each of its values is at least this long (in UTF-16 units, as JavaScript
// counts).
const minDuplicateLength = 3

// DuplicateCriteria returns obj's duplicate criteria: lists of column names, none for an object
// that has none (custom objects, and the standard objects but person and company). Only objects
// with criteria can be merged.
func DuplicateCriteria(obj metadata.Object) [][]string {
	if obj.IsCustom {
		return nil
	}
	return duplicateCriteria[obj.NameSingular]
}

// DuplicatesQuery is what FindDuplicates looks for: the duplicates of records given by their data
// (partial records as Twenty's API takes them) or by their ids. HasData and HasIDs tell a given
// empty list from none, as Twenty's checks do.
type DuplicatesQuery struct {
	Data            []map[string]any
	IDs             []string
	HasData, HasIDs bool
	// Shape is how the duplicates are rendered.
	Shape Shape
}

// Duplicates are the duplicates found for one record: a page of at most recordquery.MaxLimit
// records in id order, the number of them, and the cursors of the first and last (Twenty never
// pages further: no next or previous page).
type Duplicates struct {
	Records                []map[string]any
	TotalCount             int
	StartCursor, EndCursor string
}

// Twenty's messages for find duplicates (common-find-duplicates-query-runner.service.ts in
// packages/twenty-server/src/engine/api/common/common-query-runners/).

func msgDuplicatesNeither() *QueryError {
	return queryErrorf(CodeInvalidQueryInput, `You have to provide either "data" or "ids" argument`)
}

func msgDuplicatesBoth() *QueryError {
	return queryErrorf(CodeInvalidQueryInput, `You cannot provide both "data" and "ids" arguments`)
}

func msgDuplicatesEmptyData() *QueryError {
	return queryErrorf(CodeInvalidQueryInput, `The "data" condition can not be empty when "ids" input not provided`)
}

// duplicateSource is a record whose duplicates are looked for: its id ("" for data without one)
// and its column values.
type duplicateSource struct {
	id     string
	values map[string]any
}

// findDuplicates answers, for each record q gives, the live records of obj that look like
// duplicates of it, as Twenty's findDuplicates does: those equal to it on every column of one of
// obj's duplicate criteria (DuplicateCriteria), a criterion applying only when each of the
// record's values for it is text of at least 3 characters once trimmed; a record given by id is
// not its own duplicate. A record no criterion applies to has no duplicates.
//
// Data is validated as CreateMany validates records; ids must be UUIDs, and the ids of no live
// record are skipped (the answer has one entry per record found, in the order of the ids, and
// none for "ids": []). Giving both data and ids, neither, or empty data is refused with Twenty's
// messages.
//
// Records given by id are read in one round trip; the duplicates of every record are then read,
// with their counts, in one batch.
func (e *Engine) findDuplicates(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, q DuplicatesQuery) ([]Duplicates, error) {
	switch {
	case !q.HasData && !q.HasIDs:
		return nil, msgDuplicatesNeither()
	case q.HasData && q.HasIDs:
		return nil, msgDuplicatesBoth()
	case !q.HasIDs && len(q.Data) == 0:
		return nil, msgDuplicatesEmptyData()
	}
	var sources []duplicateSource
	var err error
	if q.HasIDs {
		sources, err = duplicateSourcesByID(ctx, db, workspaceID, obj, q.IDs)
	} else {
		sources, err = duplicateSourcesByData(workspaceID, obj, q.Data)
	}
	if err != nil {
		return nil, err
	}
	out := make([]Duplicates, len(sources))
	c := Compiler{Objects: all}
	var plans []*plan
	var stmts []d1.Stmt
	at := make([]int, len(sources)) // the plan of each source, -1 for none
	for i, s := range sources {
		at[i] = -1
		out[i].Records = []map[string]any{}
		f := duplicateFilter(obj, s)
		if f == nil {
			continue
		}
		p, err := c.compile(workspaceID, obj, &recordquery.Query{Filter: f, Limit: recordquery.MaxLimit, Depth: q.Shape.Depth, Fields: q.Shape.Fields})
		if err != nil {
			return nil, err
		}
		at[i] = len(plans)
		plans = append(plans, p)
		stmts = append(stmts, p.page, p.count)
	}
	if len(stmts) == 0 {
		return out, nil
	}
	res, err := db.Batch(ctx, stmts...)
	if err != nil {
		return nil, fmt.Errorf("engine: find duplicates of %s: %w", obj.NamePlural, err)
	}
	for i, k := range at {
		if k < 0 {
			continue
		}
		if out[i], err = duplicatesPage(plans[k], res[2*k], res[2*k+1]); err != nil {
			return nil, fmt.Errorf("engine: find duplicates of %s: %w", obj.NamePlural, err)
		}
	}
	return out, nil
}

// duplicateSourcesByID reads the criteria columns of the live records whose ids are given, in the
// order of the ids (repeats and ids of no live record left out).
func duplicateSourcesByID(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, recordIDs []string) ([]duplicateSource, error) {
	if len(recordIDs) == 0 {
		return nil, nil
	}
	var wanted []string
	for _, id := range recordIDs {
		if !ids.IsUUID(id) {
			return nil, msgInvalidID(id)
		}
		if id = strings.ToLower(id); !slices.Contains(wanted, id) {
			wanted = append(wanted, id)
		}
	}
	table, err := ddl.TableName(workspaceID, obj.NameSingular)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	cols := []string{quoteIdent("id")}
	for _, criterion := range DuplicateCriteria(obj) {
		for _, c := range criterion {
			if q := quoteIdent(c); !slices.Contains(cols, q) {
				cols = append(cols, q)
			}
		}
	}
	list, err := json.Marshal(wanted)
	if err != nil {
		return nil, fmt.Errorf("engine: find duplicates of %s: %w", obj.NamePlural, err)
	}
	res, err := db.Batch(ctx, d1.Stmt{
		SQL: "SELECT " + strings.Join(cols, ", ") + " FROM " + quoteIdent(table) +
			" WHERE " + quoteIdent("deletedAt") + " IS NULL AND " + quoteIdent("id") + " IN (SELECT value FROM json_each(?))",
		Args: []any{string(list)},
	})
	if err != nil {
		return nil, fmt.Errorf("engine: find duplicates of %s: %w", obj.NamePlural, err)
	}
	byID := map[string]duplicateSource{}
	for _, row := range res[0].Rows {
		s := duplicateSource{values: map[string]any{}}
		for i, name := range res[0].Columns {
			s.values[name] = row[i]
		}
		s.id, _ = s.values["id"].(string)
		byID[s.id] = s
	}
	var out []duplicateSource
	for _, id := range wanted {
		if s, ok := byID[id]; ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// duplicateSourcesByData validates the records given by their data and flattens them into column
// values, as CreateMany would store them.
func duplicateSourcesByData(workspaceID string, obj metadata.Object, data []map[string]any) ([]duplicateSource, error) {
	wc := newWriteContext(workspaceID, obj, Actor{})
	out := make([]duplicateSource, len(data))
	for i, in := range data {
		r := &newRow{values: map[string]any{}}
		for _, key := range slices.Sorted(maps.Keys(in)) {
			if _, err := wc.setField(r, key, in[key]); err != nil {
				return nil, err
			}
		}
		id, _ := r.values["id"].(string)
		out[i] = duplicateSource{id: id, values: r.values}
	}
	return out, nil
}

// duplicateFilter is the filter selecting the duplicates of s (Twenty's
// build-duplicate-conditions.utils.ts): one condition per criterion that applies, ORed, and not
// s itself; nil when no criterion applies.
func duplicateFilter(obj metadata.Object, s duplicateSource) *recordquery.Filter {
	paths := map[string]string{}
	for _, c := range objectColumns(obj) {
		paths[c.Name] = c.Field
		if c.Property != "" {
			paths[c.Name] = c.Field + "." + c.Property
		}
	}
	var or []*recordquery.Filter
	for _, criterion := range DuplicateCriteria(obj) {
		var and []*recordquery.Filter
		for _, column := range criterion {
			v, _ := s.values[column].(string)
			v = strings.TrimSpace(v)
			if len(utf16.Encode([]rune(v))) < minDuplicateLength {
				and = nil
				break
			}
			and = append(and, &recordquery.Filter{Field: paths[column], Op: recordquery.Eq, Value: recordquery.Value{Raw: v, Quoted: true}})
		}
		if len(and) > 0 {
			or = append(or, &recordquery.Filter{And: and})
		}
	}
	if len(or) == 0 {
		return nil
	}
	f := &recordquery.Filter{Or: or}
	if s.id != "" {
		f = &recordquery.Filter{And: []*recordquery.Filter{f, {Field: "id", Op: recordquery.Neq, Value: recordquery.Value{Raw: s.id}}}}
	}
	return f
}

// duplicatesPage reads the results of a duplicates plan's page and count statements.
func duplicatesPage(p *plan, page, count d1.Result) (Duplicates, error) {
	total, err := countOf(count)
	if err != nil {
		return Duplicates{}, err
	}
	rows := page.Rows[:min(len(page.Rows), p.limit)]
	index := columnIndex(page)
	out := Duplicates{Records: make([]map[string]any, len(rows)), TotalCount: total}
	lay, cursors := layoutOf(p.fields), newCursorEncoder(p.leaves)
	for i, row := range rows {
		get := rowColumns(index, row)
		out.Records[i] = lay.render(get, p.joins)
		cursor := cursors.encode(get)
		if i == 0 {
			out.StartCursor = cursor
		}
		out.EndCursor = cursor
	}
	return out, nil
}
