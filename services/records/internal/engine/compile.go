package engine

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// mainAlias is the alias of the queried object's table.
const mainAlias = "t"

// totalCountColumn names the count statement's one column.
const totalCountColumn = "totalCount"

// Compiler compiles queries on the objects of one workspace into SQL. It does no I/O.
type Compiler struct {
	// Objects are the workspace's objects. Relations are resolved among them: the records
	// embedded at depth 1 and the objects filters go through (company.name).
	Objects []metadata.Object
}

// object returns the workspace's object named name.
func (c *Compiler) object(name string) (metadata.Object, bool) {
	i := slices.IndexFunc(c.Objects, func(o metadata.Object) bool { return o.NameSingular == name })
	if i < 0 {
		return metadata.Object{}, false
	}
	return c.Objects[i], true
}

// FindMany compiles a find-many query on object obj of the workspace into two statements to run
// in one d1.DB.Batch: page, the page of records (one more than the limit, to tell whether another
// page follows; in reverse order when q pages backwards from EndingBefore), and count, the number
// of records the filter selects, in a column named totalCount.
//
// The page size is q.Limit as given (restquery gives 60 when the client gives none; 0 is an empty
// page that still tells whether records follow), clamped to recordquery.MaxLimit. The ordering is
// q.OrderBy then {id: AscNullsFirst}; q.Depth 1 embeds the MANY_TO_ONE relations' records; q.Fields
// restricts the fields read (id and the ordering's columns are always read, for cursors).
//
// Input Twenty rejects gives a *QueryError with Twenty's message: an unknown or unreadable field
// in the filter, ordering or projection, an operator the field's type does not take, a value of
// the wrong type, a composite field ordered without its sub-field, a cursor that does not decode
// or was encoded for another ordering. An invalid workspace id is the caller's bug, not a
// *QueryError.
func (c *Compiler) FindMany(workspaceID string, obj metadata.Object, q *recordquery.Query) (page, count d1.Stmt, err error) {
	p, err := c.compile(workspaceID, obj, q)
	if err != nil {
		return d1.Stmt{}, d1.Stmt{}, err
	}
	return p.page, p.count, nil
}

// plan is a compiled find-many query, with what is needed to read its rows.
type plan struct {
	obj metadata.Object
	// fields are the fields records show: all of obj's, or the projection's.
	fields []metadata.Field
	// columns name the columns of obj the page selects, in table order.
	columns []string
	// joins are the to-one relations embedded at depth 1.
	joins []join
	// leaves is the full ordering, tie-breaker included, in presentation order.
	leaves []orderLeaf
	// forward is false when paging backwards from an ending_before cursor.
	forward bool
	// limit is the page size; the page statement fetches one more.
	limit int
	// after and before report a starting_after and an ending_before cursor.
	after, before bool
	page, count   d1.Stmt
	// table is obj's table; where and whereArgs are the count's conditions and their values.
	table     string
	where     []string
	whereArgs []any
}

// join is a MANY_TO_ONE relation whose record the page embeds, read through a LEFT JOIN.
type join struct {
	field  metadata.Field
	target metadata.Object
	alias  string
	// layout renders the target's records and chunks names the result columns holding them,
	// computed once by Compiler.joins rather than for every row.
	layout layout
	chunks []string
}

// joinColumnAlias names the result column holding chunk of the record embedded under relation.
func joinColumnAlias(relation, chunk string) string { return relation + "." + chunk }

// maxResultColumns is the most columns D1 returns in a result row (its SQLITE_LIMIT_COLUMN).
const maxResultColumns = 100

// joinChunkColumns is how many columns one json_object call of a joined record holds: D1 allows
// 32 arguments per function call, a key and a value per column.
const joinChunkColumns = 16

// joinChunks splits the columns of an embedded record into the chunks its json_object calls
// hold: a joined record costs a few result columns, not one per column, so that the page stays
// within D1's 100 result columns.
func joinChunks(o metadata.Object) [][]metadata.Column {
	var chunks [][]metadata.Column
	var chunk []metadata.Column
	for _, f := range o.Fields {
		for _, c := range metadata.ReadColumns(f) {
			if chunk == nil {
				chunk = make([]metadata.Column, 0, joinChunkColumns)
			}
			chunk = append(chunk, c)
			if len(chunk) == joinChunkColumns {
				chunks, chunk = append(chunks, chunk), nil
			}
		}
	}
	if chunk != nil {
		chunks = append(chunks, chunk)
	}
	return chunks
}

// joinChunkCount is len(joinChunks(o)).
func joinChunkCount(o metadata.Object) int {
	n := 0
	for _, f := range o.Fields {
		n += len(metadata.ReadColumns(f))
	}
	return (n + joinChunkColumns - 1) / joinChunkColumns
}

// joinChunkAliases names the result columns of the chunks of the record embedded under relation.
func joinChunkAliases(relation string, target metadata.Object) []string {
	aliases := make([]string, joinChunkCount(target))
	for i := range aliases {
		aliases[i] = joinColumnAlias(relation, strconv.Itoa(i))
	}
	return aliases
}

// quoteString quotes an SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func (c *Compiler) compile(workspaceID string, obj metadata.Object, q *recordquery.Query) (*plan, error) {
	table, err := ddl.TableName(workspaceID, obj.NameSingular)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	p := &plan{obj: obj, forward: q.EndingBefore == "", after: q.StartingAfter != "", before: q.EndingBefore != ""}
	if p.after && p.before {
		return nil, &QueryError{Code: CodeArgsConflict, Message: recordquery.ErrBothCursors.Error(), Err: recordquery.ErrBothCursors}
	}
	p.limit = min(q.Limit, recordquery.MaxLimit)
	if p.limit < 0 {
		arg := "First"
		if !p.forward {
			arg = "Last"
		}
		return nil, queryErrorf(CodeInvalidQueryInput, "%s argument must be non-negative", arg)
	}

	// Twenty's order of checks: the projection (REST parsing), the filter, the ordering, the
	// cursor.
	if p.fields, err = projection(obj, q.Fields); err != nil {
		return nil, err
	}
	fc := &filterCompiler{compiler: c, workspaceID: workspaceID}
	var filterSQL string
	if q.Filter != nil {
		if err := q.Filter.Validate(); err != nil {
			return nil, &QueryError{Code: CodeInvalidFilter, Message: err.Error(), Err: err}
		}
		if filterSQL, err = fc.node(obj, mainAlias, q.Filter, 0); err != nil {
			return nil, err
		}
	}
	filterArgs := slices.Clone(fc.args)
	if p.leaves, err = resolveOrder(obj, q.OrderBy); err != nil {
		return nil, err
	}
	hideDeleted := !recordquery.MentionsDeletedAt(q.Filter)
	pageHidesDeleted := hideDeleted
	var cursorSQL string
	if raw := q.Cursor(); raw != "" {
		cursor, err := recordquery.DecodeCursor(raw)
		if err != nil {
			return nil, cursorError(err)
		}
		if cursorSQL, err = keyset(fc, p.leaves, cursor, raw, mainAlias, p.forward); err != nil {
			return nil, err
		}
		// Twenty shows soft-deleted records when the filter it applies, the cursor's included,
		// names deletedAt (checkForDeletedAtFilter): so does a cursor over an ordering by
		// deletedAt, though the count and the first page hide them.
		if cursorSQL != "" && slices.ContainsFunc(p.leaves, func(l orderLeaf) bool { return l.path == "deletedAt" }) {
			pageHidesDeleted = false
		}
	}
	where := whereParts(hideDeleted, filterSQL)
	pageWhere := whereParts(pageHidesDeleted, filterSQL, cursorSQL)

	p.columns = selectedColumns(obj, p.fields, p.leaves)
	if q.Depth >= 1 {
		if p.joins, err = c.joins(p.fields); err != nil {
			return nil, err
		}
	}

	joined, joins, err := joinSQL(workspaceID, p.joins)
	if err != nil {
		return nil, err
	}
	if n := len(p.columns) + len(joined); n > maxResultColumns {
		return nil, queryErrorf(CodeTooComplex, "Query too complex: it reads %d columns, at most %d are allowed", n, maxResultColumns)
	}
	from := " FROM " + quoteIdent(table) + " AS " + quoteIdent(mainAlias) + joins
	// The statement is written in one builder: its select list is as long as the page's columns.
	var sql strings.Builder
	sql.Grow(256 + 32*len(p.columns))
	sql.WriteString("SELECT ")
	for i, name := range p.columns {
		if i > 0 {
			sql.WriteString(", ")
		}
		writeCol(&sql, mainAlias, name)
	}
	for _, s := range joined {
		sql.WriteString(", ")
		sql.WriteString(s)
	}
	sql.WriteString(from)
	sql.WriteString(whereClause(pageWhere))
	sql.WriteString(" ORDER BY ")
	sql.WriteString(orderBy(p.leaves, mainAlias, p.forward))
	sql.WriteString(" LIMIT ?")
	pageArgs := append(slices.Clone(fc.args), int64(p.limit+1))
	p.page = d1.Stmt{SQL: sql.String(), Args: pageArgs}
	p.count = d1.Stmt{
		SQL:  "SELECT COUNT(*) AS " + quoteIdent(totalCountColumn) + " FROM " + quoteIdent(table) + " AS " + quoteIdent(mainAlias) + whereClause(where),
		Args: filterArgs,
	}
	p.table, p.where, p.whereArgs = table, where, filterArgs
	if n := len(p.page.Args); n > d1.MaxParams {
		return nil, &QueryError{
			Code:    CodeTooComplex,
			Message: fmt.Sprintf("Query too complex: it binds %d values, at most %d are allowed", n, d1.MaxParams),
			Err:     d1.ErrTooManyParams,
		}
	}
	return p, nil
}

// joinSQL returns what reading the records of joins (depth 1) adds to a statement on the table
// aliased "t": the select expressions, each related record as json_object chunks, and the LEFT
// JOIN clauses, which skip soft-deleted related records.
func joinSQL(workspaceID string, joins []join) (sel []string, from string, err error) {
	var b strings.Builder
	for _, j := range joins {
		jt, err := ddl.TableName(workspaceID, j.target.NameSingular)
		if err != nil {
			return nil, "", fmt.Errorf("engine: %w", err)
		}
		for i, chunk := range joinChunks(j.target) {
			var b strings.Builder
			b.WriteString("json_object(")
			for k, column := range chunk {
				if k > 0 {
					b.WriteString(", ")
				}
				b.WriteString(quoteString(column.Name))
				b.WriteString(", ")
				b.WriteString(col(j.alias, column.Name))
			}
			b.WriteString(") AS ")
			b.WriteString(quoteIdent(joinColumnAlias(j.field.Name, strconv.Itoa(i))))
			sel = append(sel, b.String())
		}
		b.WriteString(" LEFT JOIN " + quoteIdent(jt) + " AS " + quoteIdent(j.alias) +
			" ON " + col(j.alias, "id") + " = " + col(mainAlias, j.field.JoinColumnName()) +
			" AND " + col(j.alias, "deletedAt") + " IS NULL")
	}
	return sel, b.String(), nil
}

// whereParts returns the conditions of a WHERE clause: the soft-delete condition when
// hideDeleted, then the non-empty conditions of conds.
func whereParts(hideDeleted bool, conds ...string) []string {
	var parts []string
	if hideDeleted {
		parts = append(parts, col(mainAlias, "deletedAt")+" IS NULL")
	}
	for _, c := range conds {
		if c != "" {
			parts = append(parts, c)
		}
	}
	return parts
}

// whereClause renders a WHERE clause ANDing parts, or "" for none.
func whereClause(parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(parts, " AND ")
}

// projection returns the fields records show: all of obj's when names is nil, else the named
// ones, which must all be obj's (Twenty's parse-fields-rest-request.util.ts).
func projection(obj metadata.Object, names []string) ([]metadata.Field, error) {
	if names == nil {
		return obj.Fields, nil
	}
	var unknown []string
	for _, n := range names {
		if _, ok := obj.Field(n); !ok {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return nil, msgUnknownFields(obj.NameSingular, unknown)
	}
	fields := make([]metadata.Field, 0, len(names))
	for i := range obj.Fields {
		if slices.Contains(names, obj.Fields[i].Name) {
			fields = append(fields, obj.Fields[i])
		}
	}
	return fields, nil
}

// selectedColumns names the columns of obj the page reads, in table order: those of the shown
// fields, id, and the ordering's, which cursors need. fields are obj's fields or, from
// projection, some of them in obj's order.
func selectedColumns(obj metadata.Object, fields []metadata.Field, leaves []orderLeaf) []string {
	cols := make([]string, 0, 2*len(fields)+len(leaves))
	next := 0 // the next field of fields not met yet in obj.Fields
	for i := range obj.Fields {
		f := &obj.Fields[i]
		shown := next < len(fields) && fields[next].Name == f.Name
		if shown {
			next++
		} else if next < len(fields) && slices.ContainsFunc(fields, func(g metadata.Field) bool { return g.Name == f.Name }) {
			shown = true // fields out of obj's order: slower, still right
		}
		for _, c := range metadata.ReadColumns(*f) {
			if shown || c.Name == "id" || slices.ContainsFunc(leaves, func(l orderLeaf) bool { return l.column.Name == c.Name }) {
				cols = append(cols, c.Name)
			}
		}
	}
	return cols
}

// joins returns the to-one relations among fields that depth 1 embeds: Twenty's REST depth 1
// embeds the RELATION fields (not MORPH_RELATION ones), and a to-one join keeps one row per
// record. Their targets must be among c.Objects.
func (c *Compiler) joins(fields []metadata.Field) ([]join, error) {
	var out []join
	for _, f := range fields {
		if f.Type != metadata.TypeRelation || !f.IsManyToOne() {
			continue
		}
		t, ok := c.object(f.Relation.TargetObjectNameSingular)
		if !ok {
			return nil, fmt.Errorf("engine: relation %s: %w", f.Name, errUnknownTarget(f.Relation.TargetObjectNameSingular))
		}
		out = append(out, join{field: f, target: t, alias: "r" + strconv.Itoa(len(out)), layout: objectLayout(t.Fields), chunks: joinChunkAliases(f.Name, t)})
	}
	return out, nil
}

// ErrUnknownObject reports a relation whose target object is not among the workspace's objects.
var ErrUnknownObject = errors.New("unknown object")

func errUnknownTarget(name string) error {
	return fmt.Errorf("target object %q: %w", name, ErrUnknownObject)
}
