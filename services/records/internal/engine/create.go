package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// The codes of the errors CreateMany returns.
const (
	// CodeInvalidData is record data Twenty rejects: an unknown field, a value of the wrong type,
	// a select value that is not an option (CommonQueryRunnerExceptionCode.INVALID_ARGS_DATA).
	CodeInvalidData Code = "INVALID_ARGS_DATA"
	// CodeRecordAlreadyExists is a record whose id is taken, in the table or earlier in the batch.
	CodeRecordAlreadyExists Code = "RECORD_ALREADY_EXISTS"
	// CodeDuplicateEntry is a record whose unique field holds a value another record has
	// (TwentyORMExceptionCode.DUPLICATE_ENTRY_DETECTED).
	CodeDuplicateEntry Code = "DUPLICATE_ENTRY_DETECTED"
)

// Actor is who creates records: Source "API" (an API key, no member) or "MANUAL" (a user, with
// WorkspaceMemberID) — Twenty's createdBy. Name is the actor's display name (member name or API
// key name).
type Actor struct {
	Source, WorkspaceMemberID, Name string
}

// validate checks an actor the caller built (from a verified token): a known source and, if any,
// a UUID member id. An invalid one is the caller's bug, not a *QueryError.
func (a Actor) validate(op string, obj metadata.Object) error {
	if !slices.Contains(metadata.ActorSources, a.Source) {
		return fmt.Errorf("engine: %s %s: invalid actor source %q", op, obj.NamePlural, a.Source)
	}
	if a.WorkspaceMemberID != "" && !ids.IsUUID(a.WorkspaceMemberID) {
		return fmt.Errorf("engine: %s %s: invalid workspace member id %q", op, obj.NamePlural, a.WorkspaceMemberID)
	}
	return nil
}

// CreateOptions are the options of CreateManyWith.
type CreateOptions struct {
	// Upsert updates the record an input matches, by id or by a unique field's value, instead of
	// refusing it (REST ?upsert=true); see CreateManyWith.
	Upsert bool
	// Shape is how the answered records are rendered.
	Shape Shape
}

// CreateMany inserts records (JSON objects as Twenty's API takes them: composite fields nested,
// relations by join column companyId) into obj's table in ONE d1 batch (atomic: all or nothing),
// and answers them as Twenty renders them (same shape as FindMany records, depth 0), in input
// order. It is CreateManyWith without options.
func (e *Engine) CreateMany(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, actor Actor, inputs []map[string]any) ([]map[string]any, error) {
	m, err := e.CreateManyWith(ctx, db, workspaceID, obj, all, actor, inputs, CreateOptions{})
	if err != nil {
		return nil, err
	}
	return m.Records, nil
}

// createManyWith inserts records as CreateMany does and answers them rendered with opts.Shape,
// with a Change per record (Before nil for an inserted record) for the record events.
//
// Every input is validated against obj's metadata before anything is written; the first input
// Twenty would reject gives a *QueryError with Twenty's message. A client id is kept (it must be
// a UUID), else the record gets a new version 4 UUID; an id already in the table or repeated in
// the batch is rejected with "Record already exists". createdBy and updatedBy come from actor,
// unless the client gives createdBy.source, whose createdBy is then kept (the actor fills the
// sub-fields it leaves out). createdAt and updatedAt are now unless given. Records without a
// position get Twenty's (RecordPositionService.overridePositionOnRecords): first, below the
// lowest position of the table and of the batch; "first" and "last" are accepted too.
//
// With opts.Upsert, an input whose id, or whose value of a unique field, matches a record of the
// table (soft-deleted ones included) updates that record instead, as Twenty's
// common-create-many-query-runner does: the fields it gives are set (createdBy excepted), the
// record is restored, updatedAt and updatedBy are the update's; its Change carries Before and
// UpdatedFields. An input matching two different records is refused (see upsert.go).
//
// One read precedes the batch: the records the inputs may match (the ids already taken, without
// Upsert) and the table's lowest and highest positions. The batch holds the UPDATEs of matched
// records and the INSERTs, split so that none binds more than d1.MaxParams values, then a SELECT
// of the written rows.
func (e *Engine) createManyWith(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, actor Actor, inputs []map[string]any, opts CreateOptions) (*Mutation, error) {
	if len(inputs) == 0 {
		return &Mutation{Records: []map[string]any{}}, nil
	}
	table, err := ddl.TableName(workspaceID, obj.NameSingular)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	if err := actor.validate("create", obj); err != nil {
		return nil, err
	}
	c := Compiler{Objects: all}
	read, err := c.recordSelect(workspaceID, obj, opts.Shape)
	if err != nil {
		return nil, err
	}
	wc := newWriteContext(workspaceID, obj, actor)
	rows := make([]*newRow, len(inputs))
	seen := make(map[string]bool, len(inputs))
	recordIDs := make([]string, len(inputs))
	for i, in := range inputs {
		r, err := wc.prepare(in)
		if err != nil {
			return nil, err
		}
		id := r.values["id"].(string)
		if seen[id] && !opts.Upsert {
			return nil, msgRecordAlreadyExists()
		}
		seen[id] = true
		rows[i], recordIDs[i] = r, id
	}

	// The records the inputs may match and the table's positions, read before writing.
	idList, err := json.Marshal(recordIDs)
	if err != nil {
		return nil, fmt.Errorf("engine: create %s: %w", obj.NamePlural, err)
	}
	_, hasPosition := obj.Field("position")
	// One record created goes in one round trip: its INSERT computes its position
	// (positionInSQL) and its primary key refuses an id taken (constraintError answers Twenty's
	// "already exists"), so nothing needs reading first. A batch that writes first is safe: the
	// records Worker opens a call's first batch with the schema stamp's guard, which fails the
	// whole batch on a stale schema.
	oneTrip := !opts.Upsert && len(rows) == 1
	var pre []d1.Stmt
	switch {
	case oneTrip:
	case opts.Upsert:
		pre = append(pre, upsertLookup(read, obj, inputs, rows))
	default:
		pre = append(pre, d1.Stmt{
			SQL:  "SELECT " + quoteIdent("id") + " FROM " + quoteIdent(table) + " WHERE " + quoteIdent("id") + " IN (SELECT value FROM json_each(?))",
			Args: []any{string(idList)},
		})
	}
	if hasPosition && !oneTrip {
		pre = append(pre, d1.Stmt{SQL: "SELECT MIN(" + quoteIdent("position") + ") AS " + quoteIdent("lo") + ", MAX(" + quoteIdent("position") + ") AS " + quoteIdent("hi") +
			" FROM " + quoteIdent(table) + " WHERE " + quoteIdent("deletedAt") + " IS NULL"})
	}
	var res []d1.Result
	if len(pre) > 0 {
		if res, err = db.Batch(ctx, pre...); err != nil {
			return nil, fmt.Errorf("engine: create %s: %w", obj.NamePlural, err)
		}
	}
	// matched[i] is the record input i updates, nil for an insert.
	matched := make([]*readRow, len(inputs))
	if opts.Upsert {
		if matched, err = matchUpserts(obj, read.read(res[0]), inputs, rows); err != nil {
			return nil, err
		}
	} else if !oneTrip && len(res[0].Rows) > 0 {
		return nil, msgRecordAlreadyExists()
	}
	var inserts []*newRow
	var stmts []d1.Stmt
	for i, r := range rows {
		if matched[i] == nil {
			inserts = append(inserts, r)
			continue
		}
		recordIDs[i] = matched[i].id
		u, err := wc.prepareUpdate(inputs[i])
		if err != nil {
			return nil, err
		}
		sets := append(wc.setClauses(table, u), setClause{sql: quoteIdent("deletedAt") + " = NULL"})
		stmts = append(stmts, updateStatements(table, sets, quoteIdent("id")+" = ?", []any{matched[i].id})...)
	}
	switch {
	case hasPosition && oneTrip:
		positionInSQL(table, inserts[0])
	case hasPosition && len(inserts) > 0:
		var lo, hi *float64
		if len(res[1].Rows) == 1 {
			lo, hi = asFloat(res[1].Rows[0][0]), asFloat(res[1].Rows[0][1])
		}
		assignPositions(inserts, lo, hi)
	}
	if len(inserts) > 0 {
		stmts = append(stmts, insertStatements(table, obj, inserts, wc)...)
	}
	action := ActionCreated
	if opts.Upsert {
		action = ActionUpserted
	}
	logBefore, logAfter, err := logEvents(db, eventsOf(table, obj, action, recordIDs))
	if err != nil {
		return nil, err
	}
	stmts = append(append(logBefore, stmts...), logAfter...)
	stmts = append(stmts, read.byIDs(recordIDs))
	res, err = db.Batch(ctx, stmts...)
	if err != nil {
		if qe := constraintError(obj, err); qe != nil {
			return nil, qe
		}
		return nil, fmt.Errorf("engine: create %s: %w", obj.NamePlural, err)
	}
	byID := map[string]readRow{}
	for _, r := range read.read(res[len(res)-1]) {
		byID[r.id] = r
	}
	m := &Mutation{Records: make([]map[string]any, len(recordIDs)), Changes: make([]Change, len(recordIDs))}
	for i, id := range recordIDs {
		after, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("engine: create %s: record %s not read back", obj.NamePlural, id)
		}
		m.Records[i] = after.shaped
		m.Changes[i] = Change{ID: id, After: after.full}
		if before := matched[i]; before != nil {
			m.Changes[i].Before = before.full
			m.Changes[i].UpdatedFields = updatedFields(before.full, after.full)
		}
	}
	return m, nil
}

// writeContext is what preparing the rows of one write needs.
type writeContext struct {
	obj metadata.Object
	// enum is the PostgreSQL schema Twenty's enum messages name (workspace_<key>).
	enum  string
	now   time.Time
	actor Actor
}

func newWriteContext(workspaceID string, obj metadata.Object, actor Actor) *writeContext {
	return &writeContext{
		obj:   obj,
		enum:  "workspace_" + strings.ToLower(strings.ReplaceAll(workspaceID, "-", "")),
		now:   time.Now().UTC(),
		actor: actor,
	}
}

// positionSpec is how a record gets its position.
type positionSpec int

const (
	positionGiven positionSpec = iota
	positionFirst
	positionLast
)

// newRow is one record to insert: its column values, and how it gets its position.
type newRow struct {
	values   map[string]any
	position positionSpec
}

// prepare validates one input and converts it to column values, Twenty's defaults included.
func (wc *writeContext) prepare(in map[string]any) (*newRow, error) {
	r := &newRow{values: map[string]any{}, position: positionFirst}
	obj := wc.obj
	var createdBy map[string]any
	for _, key := range slices.Sorted(maps.Keys(in)) {
		m, err := wc.setField(r, key, in[key])
		if err != nil {
			return nil, err
		}
		if key == "createdBy" {
			createdBy = m // validated with the actor's values, below
		}
	}
	if _, ok := r.values["id"]; !ok {
		r.values["id"] = ids.NewUUID()
	}
	now := wc.now.Format(metadata.DateTimeLayout)
	for _, name := range []string{"createdAt", "updatedAt"} {
		if _, ok := obj.Field(name); ok {
			if _, set := r.values[name]; !set {
				r.values[name] = now
			}
		}
	}
	// Twenty's createdBy: the actor's, unless the client gives a source.
	for _, name := range []string{"createdBy", "updatedBy"} {
		f, ok := obj.Field(name)
		if !ok || f.Type != metadata.TypeActor {
			continue
		}
		actor := wc.actorValue()
		if name == "createdBy" && createdBy != nil && createdBy["source"] != nil {
			maps.Copy(actor, createdBy)
		}
		if err := wc.composite(f, metadata.Columns(f), actor, r.values); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// actorValue is the actor as an ACTOR field's value (createdBy, updatedBy).
func (wc *writeContext) actorValue() map[string]any {
	actor := map[string]any{"source": wc.actor.Source, "name": wc.actor.Name, "context": map[string]any{}, "workspaceMemberId": nil}
	if wc.actor.WorkspaceMemberID != "" {
		actor["workspaceMemberId"] = strings.ToLower(wc.actor.WorkspaceMemberID)
	}
	return actor
}

// setField validates the value v the client gives field key (a field name, or a relation's join
// column) and puts its column values into r, or r's position spec for "first" and "last". The
// createdBy actor is not set but returned, for the caller to merge with its own.
func (wc *writeContext) setField(r *newRow, key string, v any) (createdBy map[string]any, err error) {
	obj := wc.obj
	v = normalizeNumber(v)
	f, ok := obj.Field(key)
	joinColumn := false
	if !ok {
		f, ok = joinColumnField(obj, key)
		joinColumn = ok
	}
	if !ok {
		return nil, queryErrorf(CodeInvalidData, "Object %s doesn't have any \"%s\" field.", obj.NameSingular, key)
	}
	cols := metadata.Columns(f)
	if v == nil && !f.IsNullable && f.Type != metadata.TypeRelation && f.Type != metadata.TypeMorphRelation && !hasDefault(cols) {
		return nil, queryErrorf(CodeInvalidData, "Field %s is not nullable and has no default value.", key)
	}
	switch {
	case f.Type == metadata.TypeTSVector:
		// Computed by Twenty, no column here.
	case f.Type.IsRelation():
		if !f.IsManyToOne() {
			return nil, queryErrorf(CodeInvalidData, "One-to-many relation %s field does not support write operations.", key)
		}
		if !joinColumn {
			if v != nil {
				return nil, queryErrorf(CodeInvalidData, "Relation \"%s\" requires connect or disconnect operation", key)
			}
			r.values[cols[0].Name] = nil
			return nil, nil
		}
		id, err := dataUUID(v, key)
		if err != nil {
			return nil, err
		}
		r.values[cols[0].Name] = id
	case f.Type == metadata.TypePosition:
		switch v := v.(type) {
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, msgDataNumber(v, key)
			}
			r.values[cols[0].Name], r.position = v, positionGiven
		case string:
			switch v {
			case "first":
				r.position = positionFirst
			case "last":
				r.position = positionLast
			default:
				return nil, queryErrorf(CodeInvalidData, "Invalid position value %s for field \"%s\"", jsInspect(v), key)
			}
		case nil:
		default:
			return nil, queryErrorf(CodeInvalidData, "Invalid position value %s for field \"%s\"", jsInspect(v), key)
		}
	case f.Type.IsComposite():
		m, ok := v.(map[string]any)
		if v != nil && !ok {
			return nil, queryErrorf(CodeInvalidData, "Invalid value %s for %s field \"%s\"", jsInspect(v), strings.ToLower(string(f.Type)), key)
		}
		if f.Type == metadata.TypeActor && key == "createdBy" {
			return m, nil
		}
		if err := wc.composite(f, cols, m, r.values); err != nil {
			return nil, err
		}
	default:
		sv, err := wc.simple(f, cols[0], v, key)
		if err != nil {
			return nil, err
		}
		r.values[cols[0].Name] = sv
	}
	return nil, nil
}

// hasDefault reports whether the columns of a field have a default.
func hasDefault(cols []metadata.Column) bool {
	return slices.ContainsFunc(cols, func(c metadata.Column) bool { return c.Default != nil })
}

// simple converts the value of a one-column field, as Twenty's data-arg-processor validates and
// transforms it.
func (wc *writeContext) simple(f metadata.Field, c metadata.Column, v any, key string) (any, error) {
	if v == nil {
		if !c.Nullable {
			return columnDefault(c, wc.now), nil
		}
		return nil, nil
	}
	switch f.Type {
	case metadata.TypeText, metadata.TypeRichText:
		s, ok := v.(string)
		if !ok {
			return nil, msgDataText(v, key)
		}
		if s == "" && c.Unique {
			return nil, nil
		}
		return s, nil
	case metadata.TypeNumber, metadata.TypeNumeric:
		n, ok := dataNumber(v, f.Type == metadata.TypeNumeric)
		if !ok {
			return nil, msgDataNumber(v, key)
		}
		return n, nil
	case metadata.TypeBoolean:
		b, ok := v.(bool)
		if !ok {
			return nil, queryErrorf(CodeInvalidData, "Invalid boolean value %s for field \"%s\"", jsInspect(v), key)
		}
		if b {
			return int64(1), nil
		}
		return int64(0), nil
	case metadata.TypeUUID:
		return dataUUID(v, key)
	case metadata.TypeDateTime, metadata.TypeDate:
		s, ok := v.(string)
		var t time.Time
		if ok {
			t, ok = parseDateTime(s)
		}
		if !ok {
			if f.Type == metadata.TypeDate {
				return nil, queryErrorf(CodeInvalidData, "Invalid value %s for date field \"%s\". Expected format: 'YYYY-MM-DD'", jsInspect(v), key)
			}
			return nil, queryErrorf(CodeInvalidData, "Invalid value %s for date-time field \"%s\". Expected format: 'YYYY-MM-DDTHH:mm:ssZ'", jsInspect(v), key)
		}
		if f.Type == metadata.TypeDate {
			return t.Format(metadata.DateLayout), nil
		}
		return t.UTC().Format(metadata.DateTimeLayout), nil
	case metadata.TypeSelect, metadata.TypeRating:
		s, ok := v.(string)
		if !ok {
			return nil, msgDataText(v, key)
		}
		if !slices.Contains(c.Values, s) {
			return nil, wc.msgEnum(f, s)
		}
		return s, nil
	case metadata.TypeMultiSelect, metadata.TypeArray:
		list, ok := v.([]any)
		if !ok {
			return nil, queryErrorf(CodeInvalidData, "Invalid value %s for %s field \"%s\"", jsInspect(v), arrayKind(f.Type), key)
		}
		out := make([]string, len(list))
		for i, e := range list {
			s, ok := e.(string)
			if !ok {
				return nil, queryErrorf(CodeInvalidData, "Invalid value %s for %s field \"%s\"", jsInspect(v), arrayKind(f.Type), key)
			}
			if f.Type == metadata.TypeMultiSelect && !slices.Contains(optionValues(f), s) {
				return nil, wc.msgEnum(f, s)
			}
			out[i] = s
		}
		return marshalJSON(out)
	case metadata.TypeRawJSON, metadata.TypeFiles:
		if s, ok := v.(string); ok && json.Valid([]byte(s)) {
			return s, nil
		}
		return marshalJSON(v)
	}
	return nil, queryErrorf(CodeInvalidData, "Field %s of type %s cannot be written", key, f.Type)
}

func arrayKind(t metadata.FieldType) string {
	if t == metadata.TypeMultiSelect {
		return "multi-select"
	}
	return "array"
}

// composite converts the sub-fields of composite field f given in m (nil: none) into values:
// sub-fields left out get their column's default.
func (wc *writeContext) composite(f metadata.Field, cols []metadata.Column, m map[string]any, values map[string]any) error {
	props := f.Type.Properties()
	for key := range m {
		if !slices.ContainsFunc(props, func(p metadata.Property) bool { return p.Name == key }) {
			return queryErrorf(CodeInvalidData, "Invalid subfield %s for %s field \"%s\"", key, strings.ToLower(string(f.Type)), f.Name)
		}
	}
	for i, p := range props {
		c := cols[i]
		v, given := m[p.Name]
		if !given {
			continue // the column's default
		}
		v = normalizeNumber(v)
		path := f.Name + "." + p.Name
		if v == nil {
			if c.Nullable {
				values[c.Name] = nil
			} else {
				values[c.Name] = columnDefault(c, wc.now)
			}
			continue
		}
		switch p.Type {
		case metadata.TypeRawJSON:
			if s, ok := v.(string); ok && json.Valid([]byte(s)) {
				values[c.Name] = s
				continue
			}
			s, err := marshalJSON(v)
			if err != nil {
				return err
			}
			values[c.Name] = s
		case metadata.TypeText:
			s, ok := v.(string)
			if !ok {
				return msgDataText(v, path)
			}
			if f.Type == metadata.TypeLinks && p.Name == "primaryLinkUrl" {
				s = strings.TrimSuffix(s, "/")
			}
			if s == "" && c.Unique {
				values[c.Name] = nil
				continue
			}
			values[c.Name] = s
		case metadata.TypeNumeric:
			n, ok := dataNumber(v, true)
			if !ok {
				return msgDataNumber(v, path)
			}
			if c.SQLType == metadata.SQLInteger {
				values[c.Name] = int64(math.Round(n))
			} else {
				values[c.Name] = n
			}
		case metadata.TypeUUID:
			id, err := dataUUID(v, path)
			if err != nil {
				return err
			}
			values[c.Name] = id
		case metadata.TypeSelect:
			s, ok := v.(string)
			if !ok {
				return msgDataText(v, path)
			}
			if !slices.Contains(c.Values, s) {
				return queryErrorf(CodeInvalidData, "Invalid value %s for field \"%s\"", jsInspect(v), path)
			}
			values[c.Name] = s
		default:
			values[c.Name] = v
		}
	}
	return nil
}

// columnDefault is the value a column takes when a record leaves it out, as the table's DEFAULT
// would give it.
func columnDefault(c metadata.Column, now time.Time) any {
	switch d := c.Default.(type) {
	case metadata.DefaultFunc:
		switch {
		case d == metadata.NewUUID:
			return ids.NewUUID()
		case c.Type == metadata.TypeDate:
			return now.Format(metadata.DateLayout)
		default:
			return now.Format(metadata.DateTimeLayout)
		}
	default:
		return d
	}
}

// assignPositions gives the records without a position Twenty's
// (RecordPositionService.overridePositionOnRecords): the "first" ones below the lowest of the
// positions given in the batch and of the table's (1 if none), one apart in input order; the
// "last" ones above the highest likewise.
func assignPositions(rows []*newRow, lo, hi *float64) {
	var given []float64
	for _, r := range rows {
		if r.position == positionGiven {
			given = append(given, r.values["position"].(float64))
		}
	}
	minPos, maxPos := 1.0, 1.0
	if lo != nil {
		minPos = *lo
	}
	if hi != nil {
		maxPos = *hi
	}
	for _, p := range given {
		minPos, maxPos = math.Min(minPos, p), math.Max(maxPos, p)
	}
	first, last := 0, 0
	for _, r := range rows {
		switch r.position {
		case positionFirst:
			r.values["position"] = minPos - float64(first) - 1
			first++
		case positionLast:
			r.values["position"] = maxPos + float64(last) + 1
			last++
		}
	}
}

// sqlExpr is a column value the INSERT computes (insertStatements writes it in place of a
// parameter).
type sqlExpr string

// positionInSQL has the INSERT of r, the only record of its create, compute its position as
// assignPositions would from the table's positions: before the first (1 in an empty table) or
// after the last. A position given stays.
func positionInSQL(table string, r *newRow) {
	pos, from := quoteIdent("position"), " FROM "+quoteIdent(table)+" WHERE "+quoteIdent("deletedAt")+" IS NULL)"
	switch r.position {
	case positionFirst:
		r.values["position"] = sqlExpr("(SELECT COALESCE(MIN(" + pos + "), 1.0) - 1.0" + from)
	case positionLast:
		r.values["position"] = sqlExpr("(SELECT COALESCE(MAX(" + pos + "), 1.0) + 1.0" + from)
	}
}

// insertStatements returns the INSERTs of rows: the columns any row sets, in table order, each
// row giving the columns it leaves out their defaults; as many rows per statement as d1.MaxParams
// allows.
func insertStatements(table string, obj metadata.Object, rows []*newRow, wc *writeContext) []d1.Stmt {
	var cols []metadata.Column
	for _, c := range objectColumns(obj) {
		if slices.ContainsFunc(rows, func(r *newRow) bool { _, ok := r.values[c.Name]; return ok }) {
			cols = append(cols, c)
		}
	}
	names := columnList(cols)
	marks := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	perStmt := max(1, d1.MaxParams/len(cols))
	var stmts []d1.Stmt
	for start := 0; start < len(rows); start += perStmt {
		chunk := rows[start:min(len(rows), start+perStmt)]
		tuples := make([]string, len(chunk))
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			tuples[i] = marks
			var exprs []string // the row's values, when one is computed by the statement
			for j, c := range cols {
				v, ok := r.values[c.Name]
				if !ok {
					v = columnDefault(c, wc.now)
				}
				if e, ok := v.(sqlExpr); ok {
					if exprs == nil {
						exprs = slices.Repeat([]string{"?"}, len(cols))
					}
					exprs[j] = string(e)
					continue
				}
				args = append(args, v)
			}
			if exprs != nil {
				tuples[i] = "(" + strings.Join(exprs, ", ") + ")"
			}
		}
		stmts = append(stmts, d1.Stmt{
			SQL:  "INSERT INTO " + quoteIdent(table) + " (" + strings.Join(names, ", ") + ") VALUES " + strings.Join(tuples, ", "),
			Args: args,
		})
	}
	return stmts
}

// columnList quotes the names of cols.
func columnList(cols []metadata.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = quoteIdent(c.Name)
	}
	return out
}

// constraintError maps a constraint the batch broke to Twenty's error, or returns nil.
func constraintError(obj metadata.Object, err error) *QueryError {
	msg := err.Error()
	const unique = "UNIQUE constraint failed: "
	if i := strings.Index(msg, unique); i >= 0 {
		rest := msg[i+len(unique):]
		column := rest
		if j := strings.IndexAny(rest, ",: "); j >= 0 {
			column = rest[:j]
		}
		if k := strings.LastIndexByte(column, '.'); k >= 0 {
			column = column[k+1:]
		}
		if column == "id" {
			return msgRecordAlreadyExists()
		}
		label := column
		for _, f := range obj.Fields {
			if slices.ContainsFunc(metadata.Columns(f), func(c metadata.Column) bool { return c.Name == column }) {
				label = f.Label
			}
		}
		return &QueryError{Code: CodeDuplicateEntry, Message: fmt.Sprintf("Duplicate %s. Please set a unique one.", label), Err: err}
	}
	if strings.Contains(msg, "FOREIGN KEY constraint failed") {
		return &QueryError{Code: CodeInvalidData, Message: "A related record does not exist", Err: err}
	}
	if strings.Contains(msg, "NOT NULL constraint failed: ") {
		column := msg[strings.Index(msg, "NOT NULL constraint failed: ")+len("NOT NULL constraint failed: "):]
		if k := strings.LastIndexByte(column, '.'); k >= 0 {
			column = column[k+1:]
		}
		column = strings.TrimFunc(column, func(r rune) bool { return r == ' ' || r == ':' || r == '\n' })
		return &QueryError{Code: CodeInvalidData, Message: fmt.Sprintf("null value in column \"%s\" of relation \"%s\" violates not-null constraint", column, obj.NameSingular), Err: err}
	}
	return nil
}

// Twenty's messages for record data (common-args-processors/data-arg-processor/validator-utils/).

func msgRecordAlreadyExists() *QueryError {
	return queryErrorf(CodeRecordAlreadyExists, "Record already exists")
}

func msgDataText(v any, key string) *QueryError {
	return queryErrorf(CodeInvalidData, "Invalid string value %s for text field \"%s\"", jsInspect(v), key)
}

func msgDataNumber(v any, key string) *QueryError {
	return queryErrorf(CodeInvalidData, "Invalid number value %s for field \"%s\"", jsInspect(v), key)
}

// msgEnum is PostgreSQL's message for a value its enum type lacks, as Twenty passes it on.
func (wc *writeContext) msgEnum(f metadata.Field, value string) *QueryError {
	return queryErrorf(CodeInvalidData, "invalid input value for enum %s.%s_%s_enum: \"%s\"", wc.enum, wc.obj.NameSingular, f.Name, value)
}

// dataUUID checks a UUID value (null allowed) and returns it in lower case.
func dataUUID(v any, key string) (any, error) {
	if v == nil {
		return nil, nil
	}
	s, ok := v.(string)
	if !ok || !ids.IsUUID(s) {
		return nil, queryErrorf(CodeInvalidData, "Invalid UUID value %s for field \"%s\"", jsInspect(v), key)
	}
	return strings.ToLower(s), nil
}

// dataNumber reads a number; a NUMERIC also takes a numeric string, as Twenty's does.
func dataNumber(v any, numericString bool) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, !math.IsNaN(v) && !math.IsInf(v, 0)
	case string:
		if !numericString {
			return 0, false
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

// normalizeNumber turns the number types a Go caller may pass into float64, as JSON decodes them.
func normalizeNumber(v any) any {
	switch n := v.(type) {
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case int32:
		return float64(n)
	case float32:
		return float64(n)
	case json.Number:
		if f, err := n.Float64(); err == nil {
			return f
		}
	}
	return v
}

func marshalJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, &QueryError{Code: CodeInvalidData, Message: err.Error(), Err: err}
	}
	return string(b), nil
}

// asFloat reads a number from a result row, nil for NULL.
func asFloat(v any) *float64 {
	switch n := v.(type) {
	case int64:
		f := float64(n)
		return &f
	case float64:
		return &n
	}
	return nil
}

// jsInspect renders a value as Node's util.inspect does in Twenty's messages, for the JSON values
// a client sends: strings, numbers, booleans and null as inspect, arrays as [ a, b ] and objects
// as { key: value } (keys sorted, as Go maps keep no order).
func jsInspect(v any) string {
	switch v := v.(type) {
	case []any:
		if len(v) == 0 {
			return "[]"
		}
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = jsInspect(e)
		}
		return "[ " + strings.Join(parts, ", ") + " ]"
	case map[string]any:
		if len(v) == 0 {
			return "{}"
		}
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(v)) {
			parts = append(parts, k+": "+jsInspect(v[k]))
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	return inspect(normalizeNumber(v))
}
