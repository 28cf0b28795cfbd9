package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// Twenty's limits of a group-by.
const (
	// DefaultGroupLimit is how many groups a group-by answers when the client gives no limit
	// (DEFAULT_NUMBER_OF_GROUPS_LIMIT); larger limits are clamped to recordquery.MaxLimit.
	DefaultGroupLimit = 50
	// GroupRecordsLimit is how many records a group's sample holds at most
	// (RECORDS_PER_GROUP_LIMIT in group-by-with-records.constants.ts).
	GroupRecordsLimit = 10
)

// GroupByQuery is a group-by on one object: Twenty's groupBy arguments.
type GroupByQuery struct {
	// GroupBy are the dimensions, in order (recordquery.ParseGroupBy reads Twenty's group_by);
	// none makes one group of all the records.
	GroupBy []recordquery.GroupBy
	// Aggregates names the aggregates each group answers (aggregatesOf).
	Aggregates []string
	// Filter selects the records grouped; nil for all.
	Filter *recordquery.Filter
	// IncludeRecords adds a sample of each group's records, ordered by OrderByForRecords.
	IncludeRecords    bool
	OrderByForRecords []recordquery.Order
	// RecordsOffset skips that many records of each group before its sample (Twenty's
	// offsetForRecords).
	RecordsOffset int
	// OrderBy orders the groups (GroupOrder), before their keys.
	OrderBy []GroupOrder
	// Limit is the number of groups, DefaultGroupLimit when not positive.
	Limit int
}

// Group is one group of a group-by.
type Group struct {
	// Aggregates are the aggregates asked for, in the order asked.
	Aggregates []AggregateValue
	// Dimensions are the group's value of each dimension, in the order of group_by.
	Dimensions []any
	// Records are the sample of the group's records (depth 0), nil when none was asked for.
	Records []map[string]any
}

// AggregateValue is the value of one aggregate in a group.
type AggregateValue struct {
	Name  string
	Value any
}

// MarshalJSON writes the group as Twenty's REST group-by answers it: the aggregates, then
// groupByDimensionValues, then records when asked for.
func (g Group) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for _, a := range g.Aggregates {
		if err := writeMember(&b, a.Name, a.Value); err != nil {
			return nil, err
		}
		b.WriteByte(',')
	}
	dims := g.Dimensions
	if dims == nil {
		dims = []any{}
	}
	if err := writeMember(&b, "groupByDimensionValues", dims); err != nil {
		return nil, err
	}
	if g.Records != nil {
		b.WriteByte(',')
		if err := writeMember(&b, "records", g.Records); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeMember writes "name":value.
func writeMember(b *bytes.Buffer, name string, v any) error {
	k, err := json.Marshal(name)
	if err != nil {
		return err
	}
	val, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("engine: encode %s: %w", name, err)
	}
	b.Write(k)
	b.WriteByte(':')
	b.Write(val)
	return nil
}

// msgUnknownAggregate is the error of an aggregate name the object does not have.
func msgUnknownAggregate(name, object string) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Unknown aggregate \"%s\" for object %s", name, object)
}

// groupBy groups obj's live records (soft-deleted ones too when the filter names deletedAt) that
// q.Filter selects by q.GroupBy's dimensions, as Twenty's groupBy does, and answers at most
// q.Limit groups ordered by q.OrderBy then by their keys (nulls last), each with its dimension
// values, the aggregates asked for and, with q.IncludeRecords, a sample of at most
// GroupRecordsLimit of its records, after the first q.RecordsOffset, ordered by
// q.OrderByForRecords then id. Without dimensions it answers one group of all the records.
//
// The keys and the aggregates are computed in SQL: one statement for the groups, and one for the
// samples (the same groups, their records numbered by a window function), in one batch. Input
// Twenty rejects is a *QueryError: a dimension the object cannot group by (an unknown field or
// sub-field, a composite without its sub-field, a one-to-many relation), an unknown aggregate,
// an invalid granularity or time zone, a bad filter or ordering.
func (e *Engine) groupBy(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, q GroupByQuery) ([]Group, error) {
	table, err := ddl.TableName(workspaceID, obj.NameSingular)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	dims, err := resolveDimensions(obj, q.GroupBy)
	if err != nil {
		return nil, err
	}
	aggs, err := resolveAggregates(obj, q.Aggregates)
	if err != nil {
		return nil, err
	}
	var filterSQL string
	c := Compiler{Objects: all}
	fc := &filterCompiler{compiler: &c, workspaceID: workspaceID}
	if q.Filter != nil {
		if err := q.Filter.Validate(); err != nil {
			return nil, &QueryError{Code: CodeInvalidFilter, Message: err.Error(), Err: err}
		}
		if filterSQL, err = fc.node(obj, mainAlias, q.Filter, 0); err != nil {
			return nil, err
		}
	}
	orders, err := groupOrders(obj, dims, q.OrderBy)
	if err != nil {
		return nil, err
	}
	g := &groupStatements{
		table: table, dims: dims, where: whereClause(whereParts(!recordquery.MentionsDeletedAt(q.Filter), filterSQL)),
		filterArgs: fc.args, limit: q.Limit, orders: orders, offset: max(q.RecordsOffset, 0),
	}
	if g.limit <= 0 {
		g.limit = DefaultGroupLimit
	}
	g.limit = min(g.limit, recordquery.MaxLimit)
	stmts := []d1.Stmt{g.groups(aggs)}
	if q.IncludeRecords {
		leaves, err := resolveOrder(obj, q.OrderByForRecords)
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, g.samples(obj, leaves))
	}
	for _, s := range stmts {
		if len(s.Args) > d1.MaxParams {
			return nil, &QueryError{Code: CodeTooComplex, Message: fmt.Sprintf("Query too complex: it binds %d values, at most %d are allowed", len(s.Args), d1.MaxParams), Err: d1.ErrTooManyParams}
		}
	}
	n := 1 + len(dims) // "~n" and the keys
	for _, a := range aggs {
		n += len(a.exprs)
	}
	if n > maxResultColumns {
		return nil, queryErrorf(CodeTooComplex, "Query too complex: it reads %d columns, at most %d are allowed", n, maxResultColumns)
	}
	res, err := db.Batch(ctx, stmts...)
	if err != nil {
		return nil, fmt.Errorf("engine: group %s: %w", obj.NamePlural, err)
	}
	groups, keys := readGroups(res[0], dims, aggs)
	if q.IncludeRecords {
		if err := readSamples(res[1], obj, dims, groups, keys); err != nil {
			return nil, fmt.Errorf("engine: group %s: %w", obj.NamePlural, err)
		}
	}
	return groups, nil
}

// groupStatements builds the statements of one group-by. Both read the CTE "b": the selected
// rows of the object's table "t" with their dimension keys ("~d0", "~d1", …) and the columns the
// statement needs.
type groupStatements struct {
	table      string
	dims       []dimension
	where      string
	filterArgs []any
	limit      int
	// orders are the groups' ordering before their keys.
	orders []groupOrder
	// offset is the records of each group skipped before its sample.
	offset int
}

// recordChunk names the result column holding chunk i of a sample record, read back with
// joinedColumns through the join sampleJoin.
const recordChunk = "~r"

// dimAlias is the alias of dimension i's key.
func dimAlias(i int) string { return "~d" + strconv.Itoa(i) }

// with returns the WITH clause defining the time zone tables and "b" selecting sel (besides the
// keys), and the values it binds.
func (g *groupStatements) with(sel []string) (string, []any) {
	var ctes []string
	var args []any
	for _, d := range g.dims {
		if d.zone == nil {
			continue
		}
		ctes = append(ctes, quoteIdent(d.zone.alias)+"("+quoteIdent("at")+", "+quoteIdent("off")+") AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))")
		args = append(args, d.zone.json)
	}
	for _, o := range g.orders {
		for _, c := range o.columns {
			if s := col(mainAlias, c) + " AS " + quoteIdent(c); !slices.Contains(sel, s) {
				sel = append(sel, s)
			}
		}
	}
	from := " FROM " + quoteIdent(g.table) + " AS " + quoteIdent(mainAlias)
	for i, d := range g.dims {
		sel = append(sel, d.expr+" AS "+quoteIdent(dimAlias(i)))
		from += d.join
	}
	ctes = append(ctes, quoteIdent("b")+" AS (SELECT "+strings.Join(sel, ", ")+from+g.where+")")
	return "WITH " + strings.Join(ctes, ", "), append(args, g.filterArgs...)
}

// keys returns the dimension keys of alias, and their ORDER BY.
func (g *groupStatements) keys(alias string) (list, order string) {
	names := make([]string, len(g.dims))
	orders := make([]string, len(g.dims))
	for i := range g.dims {
		names[i] = col(alias, dimAlias(i))
		orders[i] = names[i] + " ASC NULLS LAST"
	}
	return strings.Join(names, ", "), strings.Join(orders, ", ")
}

// groupClauses returns the GROUP BY and ORDER BY clauses over "b" (the orders, then the keys),
// or "" without dimensions.
func (g *groupStatements) groupClauses() string {
	if len(g.dims) == 0 {
		return ""
	}
	list, order := g.keys("b")
	if len(g.orders) > 0 {
		parts := make([]string, len(g.orders))
		for i, o := range g.orders {
			parts[i] = o.sql
		}
		order = strings.Join(parts, ", ") + ", " + order
	}
	return " GROUP BY " + list + " ORDER BY " + order
}

// groups is the statement reading the groups: their keys ("~dI"), the row count ("~n") and the
// values of the aggregates' expressions ("~aI_J").
func (g *groupStatements) groups(aggs []aggregate) d1.Stmt {
	sel := []string{col(mainAlias, "id") + " AS " + quoteIdent("id")}
	for _, a := range aggs {
		for _, c := range a.columns {
			if s := col(mainAlias, c) + " AS " + quoteIdent(c); !slices.Contains(sel, s) {
				sel = append(sel, s)
			}
		}
	}
	with, args := g.with(sel)
	out := []string{"COUNT(*) AS " + quoteIdent("~n")}
	for i := range g.dims {
		out = append(out, col("b", dimAlias(i)))
	}
	for i, a := range aggs {
		for j, e := range a.exprs {
			out = append(out, e+" AS "+quoteIdent("~a"+strconv.Itoa(i)+"_"+strconv.Itoa(j)))
		}
	}
	return d1.Stmt{
		SQL:  with + " SELECT " + strings.Join(out, ", ") + " FROM " + quoteIdent("b") + g.groupClauses() + " LIMIT ?",
		Args: append(args, int64(g.limit)),
	}
}

// samples is the statement reading the groups' sample records: the same groups as groups ("g"),
// each record numbered in its group ("~rn") in the order of leaves, at most GroupRecordsLimit per
// group. A record travels as JSON objects of up to 16 columns (as joined records do), so that
// any object stays within D1's 100 result columns.
func (g *groupStatements) samples(obj metadata.Object, leaves []orderLeaf) d1.Stmt {
	var sel []string
	for i, chunk := range joinChunks(obj) {
		pairs := make([]string, len(chunk))
		for k, column := range chunk {
			pairs[k] = quoteString(column.Name) + ", " + col(mainAlias, column.Name)
		}
		sel = append(sel, "json_object("+strings.Join(pairs, ", ")+") AS "+quoteIdent(joinColumnAlias(recordChunk, strconv.Itoa(i))))
	}
	for _, l := range leaves {
		if s := col(mainAlias, l.column.Name) + " AS " + quoteIdent(l.column.Name); !slices.Contains(sel, s) {
			sel = append(sel, s)
		}
	}
	with, args := g.with(sel)
	window := "ROW_NUMBER() OVER (ORDER BY " + orderBy(leaves, "b", true) + ")"
	from := quoteIdent("b")
	if len(g.dims) > 0 {
		list, _ := g.keys("b")
		window = "ROW_NUMBER() OVER (PARTITION BY " + list + " ORDER BY " + orderBy(leaves, "b", true) + ")"
		with += ", " + quoteIdent("g") + " AS (SELECT " + list + " FROM " + quoteIdent("b") + g.groupClauses() + " LIMIT ?)"
		args = append(args, int64(g.limit))
		on := make([]string, len(g.dims))
		for i := range g.dims {
			on[i] = col("b", dimAlias(i)) + " IS " + col("g", dimAlias(i))
		}
		from += " JOIN " + quoteIdent("g") + " ON " + strings.Join(on, " AND ")
	}
	with += ", " + quoteIdent("r") + " AS (SELECT " + quoteIdent("b") + ".*, " + window + " AS " + quoteIdent("~rn") + " FROM " + from + ")"
	var out []string
	for i := range g.dims {
		out = append(out, col("r", dimAlias(i)))
	}
	for i := range joinChunkCount(obj) {
		out = append(out, col("r", joinColumnAlias(recordChunk, strconv.Itoa(i))))
	}
	order := col("r", "~rn")
	if len(g.dims) > 0 {
		_, keys := g.keys("r")
		order = keys + ", " + order
	}
	where := " WHERE " + col("r", "~rn") + " <= ?"
	if g.offset > 0 {
		where = " WHERE " + col("r", "~rn") + " > ? AND " + col("r", "~rn") + " <= ?"
		args = append(args, int64(g.offset))
	}
	return d1.Stmt{
		SQL:  with + " SELECT " + strings.Join(out, ", ") + " FROM " + quoteIdent("r") + where + " ORDER BY " + order,
		Args: append(args, int64(g.offset+GroupRecordsLimit)),
	}
}

// groupKey identifies a group by its keys as D1 returned them.
func groupKey(get columns, n int) string {
	keys := make([]any, n)
	for i := range keys {
		keys[i] = get(dimAlias(i))
	}
	b, _ := json.Marshal(keys) // D1 values always encode
	return string(b)
}

// readGroups reads the groups statement's result: the groups, and the key of each as groupKey
// writes it.
func readGroups(r d1.Result, dims []dimension, aggs []aggregate) ([]Group, []string) {
	index := columnIndex(r)
	groups := make([]Group, 0, len(r.Rows))
	keys := make([]string, 0, len(r.Rows))
	for _, row := range r.Rows {
		get := rowColumns(index, row)
		grp := Group{Dimensions: make([]any, len(dims)), Aggregates: make([]AggregateValue, len(aggs))}
		for i, d := range dims {
			grp.Dimensions[i] = d.value(get(dimAlias(i)))
		}
		for i, a := range aggs {
			vals := make([]any, len(a.exprs))
			for j := range a.exprs {
				vals[j] = get("~a" + strconv.Itoa(i) + "_" + strconv.Itoa(j))
			}
			grp.Aggregates[i] = AggregateValue{Name: a.name, Value: a.value(vals)}
		}
		groups = append(groups, grp)
		keys = append(keys, groupKey(get, len(dims)))
	}
	return groups, keys
}

// readSamples reads the samples statement's result into the groups (whose keys are keys): every
// group gets its records, none when it has no sample.
func readSamples(r d1.Result, obj metadata.Object, dims []dimension, groups []Group, keys []string) error {
	byKey := make(map[string]*Group, len(groups))
	for i := range groups {
		groups[i].Records = []map[string]any{}
		byKey[keys[i]] = &groups[i]
	}
	index := columnIndex(r)
	sampleJoin := join{field: metadata.Field{Name: recordChunk}, target: obj}
	lay := objectLayout(obj.Fields)
	for _, row := range r.Rows {
		get := rowColumns(index, row)
		grp, ok := byKey[groupKey(get, len(dims))]
		if !ok {
			return fmt.Errorf("a sample record of no group (keys %s)", groupKey(get, len(dims)))
		}
		grp.Records = append(grp.Records, lay.render(joinedColumns(sampleJoin, get), nil))
	}
	return nil
}
