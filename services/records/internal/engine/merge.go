package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// MaxMergeRecords is how many records one merge takes at most: Twenty's
// MUTATION_MAX_MERGE_RECORDS (packages/twenty-shared/src/constants/MutationMaxMergeRecords.ts).
const MaxMergeRecords = 9

// MergeOptions are the arguments of MergeMany.
type MergeOptions struct {
	// IDs are the records to merge, 2 to MaxMergeRecords of them.
	IDs []string
	// ConflictPriorityIndex picks, in IDs, the record that is kept and whose values win.
	ConflictPriorityIndex int
	// DryRun answers the merged record without writing anything.
	DryRun bool
	// Shape is how the merged record is rendered.
	Shape Shape
}

// Twenty's messages for merges (common-merge-many-query-runner.service.ts in
// packages/twenty-server/src/engine/api/common/common-query-runners/).

func msgMergeNeedsCriteria(object string) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Merge is only available for objects with duplicate criteria. Object '%s' does not have duplicate criteria defined.", object)
}

func msgMergeTooFew() *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "At least 2 record IDs are required for merge")
}

func msgMergeTooMany() *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Maximum %d records can be merged at once", MaxMergeRecords)
}

func msgMergePriority(index, n int) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Invalid conflict priority '%d'. Valid options for %d records: 0-%d", index, n, n-1)
}

func msgMergeNotFound() *QueryError {
	return queryErrorf(CodeRecordNotFound, "One or more records not found")
}

// mergeMany merges the live records of obj whose ids are opts.IDs into the one at
// opts.ConflictPriorityIndex, as Twenty's mergeMany does:
//
//   - the kept record's values win; a field it leaves empty takes the value of the first other
//     record (in IDs order) that has one, and array-like fields gather every record's values:
//     ARRAY and MULTI_SELECT items, EMAILS (additional emails), PHONES (additional phones) and
//     LINKS (secondary links), without repeats and without the primary value (Twenty's
//     merge-field-values.util.ts and its siblings). System fields (position, updatedBy, …) are
//     not merged; updatedAt becomes now and updatedBy the actor;
//   - the MANY_TO_ONE relations of every object pointing at the other records (their rows' join
//     columns, e.g. person.companyId when merging companies) move to the kept record;
//   - the other records are destroyed (removed, as Twenty's merge deletes them).
//
// It reads the records once, then writes in ONE atomic batch (the relations, the removal, the
// update, and the read of the kept record). The Mutation answers the kept record rendered with
// opts.Shape; its Changes are the kept record's (Before and After, the fields that changed)
// followed by the destroyed ones' (After nil), and its Related the records of other objects (or
// of obj) whose relations moved to the kept record, as updates: Twenty's relation updates emit
// their "updated" events.
//
// opts.DryRun answers the merged record without writing, with a new id and deletedAt now as
// Twenty's dry run shows it, and no Changes. Errors are Twenty's: an object without duplicate
// criteria, fewer than 2 or more than MaxMergeRecords ids, a priority index out of range, an id
// that is not a UUID, and CodeRecordNotFound when an id names no live record (or repeats).
func (e *Engine) mergeMany(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, actor Actor, opts MergeOptions) (*Mutation, error) {
	table, err := ddl.TableName(workspaceID, obj.NameSingular)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	// Twenty's order of checks: the object, the number of ids, the priority index.
	n := len(opts.IDs)
	switch {
	case len(DuplicateCriteria(obj)) == 0:
		return nil, msgMergeNeedsCriteria(obj.NameSingular)
	case n < 2:
		return nil, msgMergeTooFew()
	case n > MaxMergeRecords:
		return nil, msgMergeTooMany()
	case opts.ConflictPriorityIndex < 0 || opts.ConflictPriorityIndex >= n:
		return nil, msgMergePriority(opts.ConflictPriorityIndex, n)
	}
	recordIDs := make([]string, n)
	for i, id := range opts.IDs {
		if !ids.IsUUID(id) {
			return nil, msgInvalidID(id)
		}
		recordIDs[i] = strings.ToLower(id)
	}
	if err := actor.validate("merge", obj); err != nil {
		return nil, err
	}
	c := Compiler{Objects: all}
	read, err := c.recordSelect(workspaceID, obj, opts.Shape)
	if err != nil {
		return nil, err
	}
	idList, err := json.Marshal(recordIDs)
	if err != nil {
		return nil, fmt.Errorf("engine: merge %s: %w", obj.NamePlural, err)
	}
	others := slices.Delete(slices.Clone(recordIDs), opts.ConflictPriorityIndex, opts.ConflictPriorityIndex+1)
	otherList, err := json.Marshal(others)
	if err != nil {
		return nil, fmt.Errorf("engine: merge %s: %w", obj.NamePlural, err)
	}
	relations := relationsTo(obj, all)
	reads := []d1.Stmt{read.where(col(mainAlias, "deletedAt")+" IS NULL AND "+col(mainAlias, "id")+" IN (SELECT value FROM json_each(?))", []any{string(idList)}, -1)}
	var moved []*movedRecords
	if !opts.DryRun {
		if moved, err = c.movedRecordsOf(workspaceID, relations, string(otherList), string(idList)); err != nil {
			return nil, err
		}
		for _, m := range moved {
			reads = append(reads, m.read.where(m.cond, m.args, -1))
		}
	}
	res, err := db.Batch(ctx, reads...)
	if err != nil {
		return nil, fmt.Errorf("engine: merge %s: %w", obj.NamePlural, err)
	}
	found := read.read(res[0])
	if len(found) != n {
		return nil, msgMergeNotFound()
	}
	// The records in the order of the ids, as Twenty sorts them.
	rows := make([]readRow, n)
	for _, r := range found {
		rows[slices.Index(recordIDs, r.id)] = r
	}
	priority := opts.ConflictPriorityIndex
	kept := rows[priority]
	records := make([]map[string]any, n)
	for i, r := range rows {
		records[i] = r.full
	}
	merged := mergeValues(obj, records, priority)

	wc := newWriteContext(workspaceID, obj, actor)
	values := &newRow{values: map[string]any{}, position: positionGiven}
	for _, key := range slices.Sorted(maps.Keys(merged)) {
		if err := wc.setMerged(values, key, merged[key]); err != nil {
			return nil, err
		}
	}
	if _, ok := obj.Field("updatedAt"); ok {
		values.values["updatedAt"] = wc.now.Format(metadata.DateTimeLayout)
	}
	if f, ok := obj.Field("updatedBy"); ok && f.Type == metadata.TypeActor {
		if err := wc.composite(f, metadata.Columns(f), wc.actorValue(), values.values); err != nil {
			return nil, err
		}
	}

	if opts.DryRun {
		return &Mutation{Records: []map[string]any{dryRunRecord(read, rows, priority, values.values, wc)}}, nil
	}

	events := []Events{eventsOf(read.table, obj, ActionUpdated, []string{kept.id}), eventsOf(read.table, obj, ActionDestroyed, others)}
	for i, m := range moved {
		m.before = m.read.read(res[1+i])
		events = append(events, eventsOf(m.read.table, m.read.obj, ActionUpdated, rowIDs(m.before)))
	}
	logBefore, logAfter, err := logEvents(db, events...)
	if err != nil {
		return nil, err
	}
	stmts, err := moveRelations(workspaceID, relations, kept.id, string(otherList))
	if err != nil {
		return nil, err
	}
	stmts = append(logBefore, stmts...)
	stmts = append(stmts, d1.Stmt{
		SQL:  "DELETE FROM " + quoteIdent(table) + " WHERE " + quoteIdent("id") + " IN (SELECT value FROM json_each(?))",
		Args: []any{string(otherList)},
	})
	stmts = append(stmts, updateStatements(table, wc.setClauses(table, values), col(mainAlias, "id")+" = ?", []any{kept.id})...)
	stmts = append(stmts, logAfter...)
	stmts = append(stmts, read.byIDs([]string{kept.id}))
	keptRead := len(stmts) - 1
	for _, m := range moved {
		if len(m.before) > 0 {
			m.afterAt = len(stmts)
			stmts = append(stmts, m.read.byIDs(rowIDs(m.before)))
		}
	}
	res, err = db.Batch(ctx, stmts...)
	if err != nil {
		if qe := constraintError(obj, err); qe != nil {
			return nil, qe
		}
		return nil, fmt.Errorf("engine: merge %s: %w", obj.NamePlural, err)
	}
	after := read.read(res[keptRead])
	if len(after) != 1 {
		return nil, fmt.Errorf("engine: merge %s: record %s not read back", obj.NamePlural, kept.id)
	}
	out := &Mutation{
		Records: []map[string]any{after[0].shaped},
		Changes: []Change{{ID: kept.id, Before: kept.full, After: after[0].full, UpdatedFields: updatedFields(kept.full, after[0].full)}},
	}
	for i, r := range rows {
		if i != priority {
			out.Changes = append(out.Changes, Change{ID: r.id, Before: r.full})
		}
	}
	for _, m := range moved {
		if len(m.before) > 0 {
			out.Related = append(out.Related, m.changes(res[m.afterAt]))
		}
	}
	return out, nil
}

// relation is a MANY_TO_ONE relation field of obj.
type relation struct {
	obj   metadata.Object
	field metadata.Field
}

// relationsTo answers the active MANY_TO_ONE relations of every object whose target is obj
// (Twenty's getRelationFieldsPointingToCurrentObject).
func relationsTo(obj metadata.Object, all []metadata.Object) []relation {
	var out []relation
	for _, o := range all {
		for _, f := range o.Fields {
			if f.IsManyToOne() && f.IsActive && f.Relation.TargetObjectNameSingular == obj.NameSingular {
				out = append(out, relation{obj: o, field: f})
			}
		}
	}
	return out
}

// movedRecords are the records of one object that a merge repoints: those whose join columns
// name a merged-away record (cond, args), before and after the merge.
type movedRecords struct {
	read    *recordSelect
	cond    string
	args    []any
	before  []readRow
	afterAt int // the index of their read-back in the merge's write batch
}

// movedRecordsOf prepares the reads of the records that relations point at the merged-away
// records whose ids the JSON array others holds, one per object; the records being merged (the
// JSON array merged) are not among them.
func (c *Compiler) movedRecordsOf(workspaceID string, relations []relation, others, merged string) ([]*movedRecords, error) {
	var out []*movedRecords
	byObject := map[string]*movedRecords{}
	for _, r := range relations {
		m := byObject[r.obj.NameSingular]
		if m == nil {
			read, err := c.recordSelect(workspaceID, r.obj, Shape{})
			if err != nil {
				return nil, err
			}
			m = &movedRecords{read: read}
			byObject[r.obj.NameSingular] = m
			out = append(out, m)
		} else {
			m.cond += " OR "
		}
		m.cond += col(mainAlias, r.field.JoinColumnName()) + " IN (SELECT value FROM json_each(?))"
		m.args = append(m.args, others)
	}
	for _, m := range out {
		m.cond = "(" + m.cond + ") AND " + col(mainAlias, "id") + " NOT IN (SELECT value FROM json_each(?))"
		m.args = append(m.args, merged)
	}
	return out, nil
}

// changes pairs the records before the merge with their read-back.
func (m *movedRecords) changes(afterResult d1.Result) ObjectChanges {
	after := map[string]map[string]any{}
	for _, r := range m.read.read(afterResult) {
		after[r.id] = r.full
	}
	out := ObjectChanges{Object: m.read.obj}
	for _, b := range m.before {
		if a, ok := after[b.id]; ok {
			out.Changes = append(out.Changes, Change{ID: b.id, Before: b.full, After: a, UpdatedFields: updatedFields(b.full, a)})
		}
	}
	return out
}

func rowIDs(rows []readRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.id
	}
	return out
}

// setMerged converts the merged value of key (a field name, or a relation's join column) into
// column values, as a client's value would be: createdBy is set as it is.
func (wc *writeContext) setMerged(r *newRow, key string, v any) error {
	if f, ok := wc.obj.Field(key); ok && f.Type == metadata.TypeActor {
		m, _ := v.(map[string]any)
		return wc.composite(f, metadata.Columns(f), m, r.values)
	}
	_, err := wc.setField(r, key, v)
	return err
}

// moveRelations returns the UPDATEs moving relations (relationsTo the merged object) from the
// records whose ids the JSON array others holds to the record keptID.
func moveRelations(workspaceID string, relations []relation, keptID, others string) ([]d1.Stmt, error) {
	var stmts []d1.Stmt
	for _, r := range relations {
		table, err := ddl.TableName(workspaceID, r.obj.NameSingular)
		if err != nil {
			return nil, fmt.Errorf("engine: %w", err)
		}
		join := quoteIdent(r.field.JoinColumnName())
		stmts = append(stmts, d1.Stmt{
			SQL:  "UPDATE " + quoteIdent(table) + " SET " + join + " = ? WHERE " + join + " IN (SELECT value FROM json_each(?))",
			Args: []any{keptID, others},
		})
	}
	return stmts, nil
}

// dryRunRecord is the record a dry run answers: the kept record with the merged column values,
// a new id and deletedAt now, rendered with the read's shape. A MANY_TO_ONE relation embedded at
// depth 1 is the one of the record its merged join column comes from.
func dryRunRecord(read *recordSelect, rows []readRow, priority int, merged map[string]any, wc *writeContext) map[string]any {
	overlay := maps.Clone(merged)
	overlay["id"] = ids.NewUUID()
	overlay["deletedAt"] = wc.now.Format(metadata.DateTimeLayout)
	for _, j := range read.joins {
		v, ok := merged[j.field.JoinColumnName()]
		if !ok || v == nil {
			continue
		}
		src := slices.IndexFunc(rows, func(r readRow) bool { return r.get(j.field.JoinColumnName()) == v })
		if src < 0 {
			continue
		}
		for _, alias := range j.chunks {
			overlay[alias] = rows[src].get(alias)
		}
	}
	kept := rows[priority].get
	get := func(name string) any {
		if v, ok := overlay[name]; ok {
			return v
		}
		return kept(name)
	}
	return renderRecord(read.obj, read.fields, get, read.joins)
}

// mergeValues computes the values of the merged record from records (depth 0, every field, in
// the merge's order), the one at priority winning, as Twenty's performDeepMerge does: for each
// field (a relation by its join column) that is not a system field and that some record has a
// value for, the one value there is, or the type's merge of them all. Fields no record has a
// value for are left out.
func mergeValues(obj metadata.Object, records []map[string]any, priority int) map[string]any {
	out := map[string]any{}
	for _, f := range obj.Fields {
		if f.IsSystem || len(metadata.Columns(f)) == 0 {
			continue
		}
		key := f.Name
		if f.Type.IsRelation() {
			key = f.JoinColumnName()
		}
		var with []int // the records that have a value, in order
		for i, r := range records {
			if hasRecordFieldValue(r[key]) {
				with = append(with, i)
			}
		}
		switch {
		case len(with) == 0:
			continue
		case len(with) == 1:
			out[key] = records[with[0]][key]
			continue
		}
		values := make([]any, len(with))
		prio := -1 // the priority record's place in values, or -1
		for i, r := range with {
			values[i] = records[r][key]
			if r == priority {
				prio = i
			}
		}
		switch f.Type {
		case metadata.TypeArray, metadata.TypeMultiSelect:
			out[key] = mergeArrays(values)
		case metadata.TypeEmails:
			out[key] = mergeEmails(values, prio)
		case metadata.TypePhones:
			out[key] = mergePhones(values, prio)
		case metadata.TypeLinks:
			out[key] = mergeLinks(values, prio)
		default:
			out[key] = values[priorityValue(values, prio, func(v any) any { return v })]
		}
	}
	return out
}

// priorityValue returns the index in values of the value that wins: the priority record's (at
// prio, -1 for none) when sub(value) has a value, else the first one whose sub(value) has one,
// else -1 (Twenty's defaultMergeFieldValue and the primary values of the composite merges).
func priorityValue(values []any, prio int, sub func(any) any) int {
	if prio >= 0 && hasRecordFieldValue(sub(values[prio])) {
		return prio
	}
	return slices.IndexFunc(values, func(v any) bool { return hasRecordFieldValue(sub(v)) })
}

// hasRecordFieldValue reports whether a record's value counts as a value in a merge, as Twenty's
// has-record-field-value.util.ts: not null, not blank text, not NaN, not an empty array, and for
// an object, some property with a value.
func hasRecordFieldValue(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string:
		return strings.TrimSpace(v) != ""
	case float64:
		return !math.IsNaN(v)
	case []any:
		return len(v) > 0
	case map[string]any:
		for _, sub := range v {
			if hasRecordFieldValue(sub) {
				return true
			}
		}
		return false
	}
	return true
}

// mergeArrays gathers the items of ARRAY and MULTI_SELECT values, without empty items or
// repeats, or nil for none (merge-array-field-values.util.ts).
func mergeArrays(values []any) any {
	var out []any
	for _, v := range values {
		list, _ := v.([]any)
		for _, item := range list {
			if hasRecordFieldValue(item) && !slices.ContainsFunc(out, func(o any) bool { return sameItem(o, item) }) {
				out = append(out, item)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// sameItem reports whether two array items are the same value for JavaScript's Set: equal
// strings, numbers or booleans (objects are never the same).
func sameItem(a, b any) bool {
	switch a.(type) {
	case string, float64, int64, bool:
		return a == b
	}
	return false
}

// subValue returns the property name of a composite value (a map), or nil.
func subValue(v any, name string) any {
	m, _ := v.(map[string]any)
	return m[name]
}

// jsonList returns a value holding a JSON array (a parsed array, or its text) as a list
// (Twenty's parseArrayOrJsonStringToArray).
func jsonList(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case string:
		var out []any
		if json.Unmarshal([]byte(v), &out) == nil {
			return out
		}
	}
	return nil
}

// mergeEmails merges EMAILS values: the primary email of the priority record (at prio), or of
// the first record with one; the others' primary and additional emails become additional ones
// (merge-emails-field-values.util.ts).
func mergeEmails(values []any, prio int) map[string]any {
	primary := ""
	if i := priorityValue(values, prio, func(v any) any { return subValue(v, "primaryEmail") }); i >= 0 {
		primary, _ = subValue(values[i], "primaryEmail").(string)
	}
	var all []any
	for _, v := range values {
		if p := subValue(v, "primaryEmail"); hasRecordFieldValue(p) {
			all = append(all, p)
		}
		for _, e := range jsonList(subValue(v, "additionalEmails")) {
			if hasRecordFieldValue(e) {
				all = append(all, e)
			}
		}
	}
	var additional []any
	for _, e := range all {
		if e != primary && !slices.ContainsFunc(additional, func(a any) bool { return sameItem(a, e) }) {
			additional = append(additional, e)
		}
	}
	out := map[string]any{"primaryEmail": primary, "additionalEmails": nil}
	if len(additional) > 0 {
		out["additionalEmails"] = additional
	}
	return out
}

// mergePhones merges PHONES values: the primary phone (number, country and calling codes) of the
// priority record, or of the first record with one; the others' primary and additional phones
// become additional ones, one per number (merge-phones-field-values.util.ts).
func mergePhones(values []any, prio int) map[string]any {
	out := map[string]any{"primaryPhoneNumber": "", "primaryPhoneCountryCode": nil, "primaryPhoneCallingCode": "", "additionalPhones": nil}
	if i := priorityValue(values, prio, func(v any) any { return subValue(v, "primaryPhoneNumber") }); i >= 0 {
		for _, k := range []string{"primaryPhoneNumber", "primaryPhoneCountryCode", "primaryPhoneCallingCode"} {
			out[k] = subValue(values[i], k)
		}
	}
	var all []map[string]any
	for _, v := range values {
		if p := subValue(v, "primaryPhoneNumber"); hasRecordFieldValue(p) {
			all = append(all, map[string]any{"number": p, "countryCode": subValue(v, "primaryPhoneCountryCode"), "callingCode": subValue(v, "primaryPhoneCallingCode")})
		}
		for _, item := range jsonList(subValue(v, "additionalPhones")) {
			if phone, ok := item.(map[string]any); ok && hasRecordFieldValue(phone["number"]) {
				all = append(all, phone)
			}
		}
	}
	out["additionalPhones"] = uniqueBy(all, "number", out["primaryPhoneNumber"])
	return out
}

// mergeLinks merges LINKS values: the primary link (URL and label) of the priority record, or of
// the first record with one; the others' primary and secondary links become secondary ones, one
// per URL (merge-links-field-values.util.ts).
func mergeLinks(values []any, prio int) map[string]any {
	out := map[string]any{"primaryLinkUrl": "", "primaryLinkLabel": "", "secondaryLinks": nil}
	if i := priorityValue(values, prio, func(v any) any { return subValue(v, "primaryLinkUrl") }); i >= 0 {
		out["primaryLinkUrl"], out["primaryLinkLabel"] = subValue(values[i], "primaryLinkUrl"), subValue(values[i], "primaryLinkLabel")
	}
	var all []map[string]any
	for _, v := range values {
		if p := subValue(v, "primaryLinkUrl"); hasRecordFieldValue(p) {
			all = append(all, map[string]any{"url": p, "label": subValue(v, "primaryLinkLabel")})
		}
		for _, item := range jsonList(subValue(v, "secondaryLinks")) {
			if link, ok := item.(map[string]any); ok && hasRecordFieldValue(link["url"]) {
				all = append(all, link)
			}
		}
	}
	out["secondaryLinks"] = uniqueBy(all, "url", out["primaryLinkUrl"])
	return out
}

// uniqueBy keeps the first item of items for each value of key (lodash's uniqBy), without the
// items whose key is primary; nil (null) for none.
func uniqueBy(items []map[string]any, key string, primary any) any {
	var out []any
	var seen []any
	for _, item := range items {
		k := item[key]
		if slices.ContainsFunc(seen, func(s any) bool { return s == nil && k == nil || sameItem(s, k) }) {
			continue
		}
		seen = append(seen, k)
		if k != primary {
			out = append(out, item)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
