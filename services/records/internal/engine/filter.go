package engine

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// MaxConditions bounds the conditions of one filter. Twenty has no such bound; it keeps SQLite's
// expression trees (at most 1000 deep) and D1's statements small.
const MaxConditions = 200

// maxRelationFilterDepth is Twenty's MAX_RELATION_FILTER_DEPTH: a filter may go through one
// relation (company.name), not through a relation of the related object.
const maxRelationFilterDepth = 1

// filterCompiler turns a filter tree into an SQL expression over one object's table, appending
// the values it binds to args.
type filterCompiler struct {
	compiler    *Compiler
	workspaceID string
	args        []any
	conditions  int
	// aliases counts the sub-query aliases used so far ("s1", "s2", …).
	aliases int
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// writeCol writes col(alias, column) to b.
func writeCol(b *strings.Builder, alias, column string) {
	if strings.Contains(alias, `"`) || strings.Contains(column, `"`) {
		b.WriteString(col(alias, column))
		return
	}
	b.WriteByte('"')
	b.WriteString(alias)
	b.WriteString(`"."`)
	b.WriteString(column)
	b.WriteByte('"')
}

// col is a column of the table known as alias.
func col(alias, column string) string {
	if strings.Contains(alias, `"`) || strings.Contains(column, `"`) {
		return quoteIdent(alias) + "." + quoteIdent(column)
	}
	return `"` + alias + `"."` + column + `"` // one allocation: col is called for every column read
}

func (fc *filterCompiler) bind(v any) string {
	fc.args = append(fc.args, v)
	return "?"
}

// node compiles the filter tree f on object o, whose table is alias. relDepth counts the
// relations crossed to reach o.
func (fc *filterCompiler) node(o metadata.Object, alias string, f *recordquery.Filter, relDepth int) (string, error) {
	switch {
	case f.Not != nil:
		s, err := fc.node(o, alias, f.Not, relDepth)
		if err != nil {
			return "", err
		}
		return "NOT (" + s + ")", nil
	case f.And != nil:
		return fc.list(o, alias, f.And, " AND ", relDepth)
	case f.Or != nil:
		return fc.list(o, alias, f.Or, " OR ", relDepth)
	}
	fc.conditions++
	if fc.conditions > MaxConditions {
		return "", queryErrorf(CodeTooComplex, "Filter has more than %d conditions", MaxConditions)
	}
	return fc.condition(o, alias, strings.Split(f.Field, "."), f, relDepth)
}

// list compiles the children of an and or an or. An empty list matches everything, as an empty
// and/or in a GraphQL filter does in Twenty.
func (fc *filterCompiler) list(o metadata.Object, alias string, children []*recordquery.Filter, sep string, relDepth int) (string, error) {
	if len(children) == 0 {
		return "1", nil
	}
	parts := make([]string, len(children))
	for i, c := range children {
		s, err := fc.node(o, alias, c, relDepth)
		if err != nil {
			return "", err
		}
		parts[i] = s
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return "(" + strings.Join(parts, sep) + ")", nil
}

// condition compiles the condition f on the field path segs of object o, resolving the path as
// Twenty's filter-arg-processor.service.ts does: a field, a join column (companyId), a composite's
// sub-field (name.firstName), or a MANY_TO_ONE relation's field (company.name), which becomes a
// sub-query on the related table.
func (fc *filterCompiler) condition(o metadata.Object, alias string, segs []string, f *recordquery.Filter, relDepth int) (string, error) {
	root := segs[0]
	field, ok := o.Field(root)
	if !ok {
		jf, ok := joinColumnField(o, root)
		if !ok {
			return "", msgUnknownFilterField(o.NameSingular, root)
		}
		t, _ := simpleTarget(jf, true)
		t.opType = metadata.TypeRelation
		return fc.leaf(t, alias, segs[1:], f)
	}
	switch {
	case field.Type.IsRelation():
		if !field.IsManyToOne() {
			return "", msgFilterRelation(root)
		}
		if len(segs) == 1 {
			return "", msgFilterRelationUseJoinColumn(root, field.JoinColumnName())
		}
		return fc.traverse(field, alias, segs[1:], f, relDepth)
	case field.Type.IsComposite():
		// Twenty reads {name: {eq: x}} as the sub-field "eq" of name.
		sub := string(f.Op)
		if len(segs) > 1 {
			sub = segs[1]
		}
		t, ok := subFieldTarget(field, sub)
		if !ok {
			return "", msgUnknownFilterSubField(sub, string(field.Type))
		}
		return fc.leaf(t, alias, segs[2:], f)
	}
	t, ok := simpleTarget(field, false)
	if !ok {
		return "", queryErrorf(CodeInvalidFilter, "Field %q cannot be filtered", root)
	}
	return fc.leaf(t, alias, segs[1:], f)
}

// traverse compiles a condition on a field of the object a MANY_TO_ONE relation points at, as a
// sub-query on its table: "t"."companyId" IN (SELECT "s1"."id" FROM … WHERE …). Soft-deleted
// related records do not match.
func (fc *filterCompiler) traverse(rel metadata.Field, alias string, segs []string, f *recordquery.Filter, relDepth int) (string, error) {
	if relDepth >= maxRelationFilterDepth {
		return "", queryErrorf(CodeInvalidFilter, "Relation filter nesting deeper than %d hop is not supported", maxRelationFilterDepth)
	}
	targetObj, ok := fc.compiler.object(rel.Relation.TargetObjectNameSingular)
	if !ok {
		return "", msgFilterRelationUseJoinColumn(rel.Name, rel.JoinColumnName())
	}
	table, err := ddl.TableName(fc.workspaceID, targetObj.NameSingular)
	if err != nil {
		return "", err
	}
	fc.aliases++
	sub := "s" + strconv.Itoa(fc.aliases)
	cond, err := fc.condition(targetObj, sub, segs, f, relDepth+1)
	if err != nil {
		return "", err
	}
	return col(alias, rel.JoinColumnName()) + " IN (SELECT " + col(sub, "id") + " FROM " + quoteIdent(table) + " AS " + quoteIdent(sub) +
		" WHERE " + col(sub, "deletedAt") + " IS NULL AND " + cond + ")", nil
}

// leaf compiles condition f on target t of the table known as alias. extra are path segments
// after the target, which Twenty reads as operators (position.x[eq]:1 is the operator "x").
func (fc *filterCompiler) leaf(t target, alias string, extra []string, f *recordquery.Filter) (string, error) {
	op := f.Op
	if len(extra) > 0 {
		op = recordquery.Op(extra[0])
	}
	if err := checkOp(t, op); err != nil {
		return "", err
	}
	c := col(alias, t.column.Name)
	nullLit, nullIsText := t.nullEquivalent()
	raw := f.Value.Raw
	emptyText := nullIsText && raw == ""
	switch op {
	case recordquery.Is:
		switch {
		case f.Value.Null:
			if nullLit != "" {
				return "(" + c + " IS NULL OR " + c + " = " + nullLit + ")", nil
			}
			return c + " IS NULL", nil
		case f.Value.NotNull:
			return c + " IS NOT NULL", nil
		}
		return "", &QueryError{Code: CodeInvalidFilter, Message: recordquery.MsgInvalidIsValue}
	case recordquery.Eq, recordquery.Neq, recordquery.Gt, recordquery.Gte, recordquery.Lt, recordquery.Lte:
		v, err := typedValue(t, raw)
		if err != nil {
			return "", err
		}
		s := c + " " + comparisons[op] + " " + fc.bind(v)
		switch {
		case emptyText && op == recordquery.Eq:
			return "(" + s + " OR " + c + " IS NULL)", nil
		case emptyText && op == recordquery.Neq:
			return "(" + s + " AND " + c + " IS NOT NULL)", nil
		}
		return s, nil
	case recordquery.In:
		vals := make([]any, len(f.Value.List))
		for i, item := range f.Value.List {
			v, err := typedValue(t, item.Raw)
			if err != nil {
				return "", err
			}
			vals[i] = v
		}
		return c + " IN (SELECT value FROM json_each(" + fc.bind(jsonArray(vals)) + "))", nil
	case recordquery.ContainsAny:
		vals := make([]any, len(f.Value.List))
		for i, item := range f.Value.List {
			vals[i] = item.Raw
		}
		list := "(SELECT value FROM json_each(" + fc.bind(jsonArray(vals)) + "))"
		if t.opType == metadata.TypeMultiSelect || t.opType == metadata.TypeArray {
			return "EXISTS (SELECT 1 FROM json_each(" + c + ") WHERE value IN " + list + ")", nil
		}
		return c + " IN " + list, nil
	case recordquery.Like, recordquery.ILike:
		s, err := fc.pattern(t, c, raw, op == recordquery.ILike)
		if err != nil {
			return "", err
		}
		return widenEmpty(s, c, emptyText), nil
	case recordquery.StartsWith:
		if raw == "" {
			return c + " IS NOT NULL", nil
		}
		return fc.matchText(c, likePrefix, raw, false), nil
	case recordquery.EndsWith:
		if raw == "" {
			return c + " IS NOT NULL", nil
		}
		return fc.matchText(c, likeSuffix, raw, false), nil
	}
	return "", queryErrorf(CodeInvalidFilter, "Operator %q is not supported", op)
}

// comparisons spells the comparison operators.
var comparisons = map[recordquery.Op]string{
	recordquery.Eq: "=", recordquery.Neq: "<>",
	recordquery.Gt: ">", recordquery.Gte: ">=", recordquery.Lt: "<", recordquery.Lte: "<=",
}

// widenEmpty adds "OR c IS NULL" to a pattern match on an empty text value, as Twenty does.
func widenEmpty(s, c string, empty bool) string {
	if !empty {
		return s
	}
	return "(" + s + " OR " + c + " IS NULL)"
}

// jsonArray encodes a list operand as one JSON array, read back with json_each.
func jsonArray(vals []any) string {
	b, err := json.Marshal(vals)
	if err != nil { // the values are strings, float64s and int64s
		panic(fmt.Sprintf("engine: encode list %v: %v", vals, err))
	}
	return string(b)
}
