package engine

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

// CodeUpsertConflict is an upserted record matching two different records by its id and unique
// field values (UPSERT_MULTIPLE_MATCHING_RECORDS_CONFLICT).
const CodeUpsertConflict Code = "UPSERT_MULTIPLE_MATCHING_RECORDS_CONFLICT"

// conflictGroup is a set of columns whose values identify a record for an upsert, as Twenty's
// getConflictingFields lists them (common-create-many-query-runner/utils/
// get-conflicting-fields.util.ts): the id, then each unique field's indexed columns
// (emails.primaryEmail, domainName.primaryLinkUrl).
type conflictGroup struct {
	field string
	cols  []metadata.Column
}

func conflictGroups(obj metadata.Object) []conflictGroup {
	var groups []conflictGroup
	if f, ok := obj.Field("id"); ok {
		groups = append(groups, conflictGroup{field: "id", cols: metadata.Columns(f)})
	}
	for _, f := range obj.Fields {
		if cols := metadata.UniqueColumns(f); f.Name != "id" && len(cols) > 0 {
			groups = append(groups, conflictGroup{field: f.Name, cols: cols})
		}
	}
	return groups
}

// values returns the values a prepared input r gives the group's columns, and whether it gives
// them all (not null). The id counts only when the client gave it, not when prepare drew one.
func (g conflictGroup) values(in map[string]any, r *newRow) ([]any, bool) {
	if g.field == "id" && in["id"] == nil {
		return nil, false
	}
	out := make([]any, len(g.cols))
	for i, c := range g.cols {
		v, ok := r.values[c.Name]
		if !ok || v == nil {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// upsertLookup is the statement reading the records that the prepared inputs rows may match, by
// id or by a unique field's values, soft-deleted records included (Twenty's findExistingRecords
// reads withDeleted): one condition per conflict group, each value list one JSON argument.
func upsertLookup(read *recordSelect, obj metadata.Object, inputs []map[string]any, rows []*newRow) d1.Stmt {
	var conds []string
	var args []any
	for _, g := range conflictGroups(obj) {
		lists := make([][]any, len(g.cols))
		for i, r := range rows {
			if vals, ok := g.values(inputs[i], r); ok {
				for k, v := range vals {
					lists[k] = append(lists[k], v)
				}
			}
		}
		if len(lists[0]) == 0 {
			continue
		}
		parts := make([]string, len(g.cols))
		for k, c := range g.cols {
			list, _ := json.Marshal(lists[k]) // column values are strings and numbers
			parts[k] = col(mainAlias, c.Name) + " IN (SELECT value FROM json_each(?))"
			args = append(args, string(list))
		}
		conds = append(conds, "("+strings.Join(parts, " AND ")+")")
	}
	if len(conds) == 0 {
		conds = []string{"0"}
	}
	return read.where(strings.Join(conds, " OR "), args, -1)
}

// matchUpserts returns, for each prepared input, the existing record it updates (nil: it is
// inserted), as Twenty's getMatchingRecordId decides: per conflict group whose values the input
// gives, the first existing record holding them all; an input matching two different records is
// refused with Twenty's message.
func matchUpserts(obj metadata.Object, existing []readRow, inputs []map[string]any, rows []*newRow) ([]*readRow, error) {
	groups := conflictGroups(obj)
	out := make([]*readRow, len(rows))
	for i, r := range rows {
		var found []*readRow
		for _, g := range groups {
			vals, ok := g.values(inputs[i], r)
			if !ok {
				continue
			}
			for k := range existing {
				e := &existing[k]
				if !holds(e, g, vals) {
					continue
				}
				if !slices.ContainsFunc(found, func(f *readRow) bool { return f.id == e.id }) {
					found = append(found, e)
				}
				break
			}
		}
		if len(found) > 1 {
			return nil, msgUpsertConflict(groups, inputs[i], r)
		}
		if len(found) == 1 {
			out[i] = found[0]
		}
	}
	return out, nil
}

// holds reports whether record e holds vals in the group's columns.
func holds(e *readRow, g conflictGroup, vals []any) bool {
	for i, c := range g.cols {
		if !sameValue(e.get(c.Name), vals[i]) {
			return false
		}
	}
	return true
}

// sameValue reports whether a stored value a (as D1 returns it) equals a prepared value b, both
// defined.
func sameValue(a, b any) bool {
	if a == nil || b == nil {
		return false
	}
	if fa, fb := asFloat(a), asFloat(b); fa != nil || fb != nil {
		return fa != nil && fb != nil && *fa == *fb
	}
	return reflect.DeepEqual(a, b)
}

// msgUpsertConflict is Twenty's message for an input matching several records
// (common-create-many-query-runner/utils/get-matching-record-id.util.ts): each group the input
// gives values of, as "field (path: value, …)", joined by "; ".
func msgUpsertConflict(groups []conflictGroup, in map[string]any, r *newRow) *QueryError {
	var described []string
	for _, g := range groups {
		var vals []string
		for _, c := range g.cols {
			v, ok := r.values[c.Name]
			if !ok || v == nil || (g.field == "id" && in["id"] == nil) {
				continue
			}
			path := c.Field
			if c.Property != "" {
				path += "." + c.Property
			}
			vals = append(vals, path+": "+jsString(v))
		}
		if len(vals) > 0 {
			described = append(described, g.field+" ("+strings.Join(vals, ", ")+")")
		}
	}
	return queryErrorf(CodeUpsertConflict, "Multiple records found with the same unique field values for %s. Cannot determine which record to update.", strings.Join(described, "; "))
}

// jsString renders a value as JavaScript's template literals do.
func jsString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return jsNumberString(v)
	}
	return fmt.Sprint(v)
}
