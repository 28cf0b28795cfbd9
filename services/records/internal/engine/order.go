package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// orderLeaf is one key of the ordering, resolved to a column.
type orderLeaf struct {
	target
	// dir is the direction as the client asked it (the presentation order).
	dir recordquery.Direction
}

// key is the leaf's field path, as cursors and recordquery.Order name it.
func (l orderLeaf) key() string { return l.path }

// carriesCursor reports whether cursors hold the leaf's value: RAW_JSON sub-fields (an email
// list) can be ordered by but are not compared (checkIfLeafCanCarryCursorValue in Twenty's
// resolve-order-by-leaves.utils.ts).
func (l orderLeaf) carriesCursor() bool {
	return l.prop == nil || l.prop.Type != metadata.TypeRawJSON
}

// resolveOrder resolves the client's ordering against o, as Twenty's resolveOrderByLeaves does
// with strict validation, and appends the {id: AscNullsFirst} tie-breaker. A key met twice keeps
// its first place, so a client ordering by id overrides the tie-breaker.
func resolveOrder(o metadata.Object, orders []recordquery.Order) ([]orderLeaf, error) {
	leaves := make([]orderLeaf, 0, len(orders)+1)
	add := func(l orderLeaf) {
		if !slices.ContainsFunc(leaves, func(m orderLeaf) bool { return m.path == l.path }) {
			leaves = append(leaves, l)
		}
	}
	tieBreaker := recordquery.Order{Field: "id", Direction: recordquery.AscNullsFirst}
	for i := range len(orders) + 1 {
		ord := tieBreaker
		if i < len(orders) {
			ord = orders[i]
		}
		if !ord.Direction.Valid() {
			return nil, queryErrorf(CodeInvalidQueryInput, "Invalid order by direction %q for field %q", ord.Direction, ord.Field)
		}
		t, err := resolveOrderKey(o, strings.Split(ord.Field, "."))
		if err != nil {
			return nil, err
		}
		add(orderLeaf{target: t, dir: ord.Direction})
	}
	return leaves, nil
}

// resolveOrderKey resolves one ordering path with Twenty's messages.
func resolveOrderKey(o metadata.Object, segs []string) (target, error) {
	root := segs[0]
	field, ok := o.Field(root)
	if !ok {
		jf, ok := joinColumnField(o, root)
		if !ok {
			return target{}, msgOrderFieldNotFound(root)
		}
		if len(segs) > 1 {
			return target{}, msgOrderScalarNeedsDirection(root)
		}
		t, _ := simpleTarget(jf, true)
		t.opType = metadata.TypeRelation
		return t, nil
	}
	switch {
	case field.Type.IsRelation():
		if len(segs) == 1 {
			return target{}, msgOrderRelationNeedsNested(root)
		}
		return target{}, queryErrorf(CodeInvalidQueryInput, "Ordering by a field of the related record %q is not supported", strings.Join(segs, "."))
	case field.Type.IsComposite():
		if len(segs) == 1 {
			return target{}, msgOrderCompositeRoot(root)
		}
		t, ok := subFieldTarget(field, segs[1])
		if !ok {
			return target{}, msgOrderUnknownSubField(segs[1], root)
		}
		if len(segs) > 2 {
			return target{}, msgOrderSubFieldNeedsDirection(t.path)
		}
		return t, nil
	}
	t, ok := simpleTarget(field, false)
	if !ok {
		return target{}, msgOrderFieldNotFound(root)
	}
	if len(segs) > 1 {
		return target{}, msgOrderScalarNeedsDirection(root)
	}
	return t, nil
}

// scanOrder is the order rows are read in for a leaf: the leaf's direction when paging forwards,
// its reverse when paging backwards (getEffectiveScanOrder in Twenty's
// get-effective-scan-order.utils.ts). The ORDER BY and the keyset predicate both derive from it.
func scanOrder(d recordquery.Direction, forward bool) (ascending, nullsLast bool) {
	return d.Ascending() == forward, d.NullsFirst() != forward
}

// orderBy renders the ORDER BY list of the leaves on the table known as alias.
func orderBy(leaves []orderLeaf, alias string, forward bool) string {
	parts := make([]string, len(leaves))
	for i, l := range leaves {
		asc, nullsLast := scanOrder(l.dir, forward)
		s := col(alias, l.column.Name)
		if asc {
			s += " ASC"
		} else {
			s += " DESC"
		}
		if nullsLast {
			s += " NULLS LAST"
		} else {
			s += " NULLS FIRST"
		}
		parts[i] = s
	}
	return strings.Join(parts, ", ")
}

// keyset returns the predicate selecting the rows after the cursor in the scan order, binding its
// values to fc: for each leaf k, the rows equal to the cursor on the leaves before k and strictly
// after it on k, ORed (Twenty's computeCursorArgFilter and buildCursorKeysetCondition). Strictly
// after a non-null value v is "> v" ascending or "< v" descending, or NULL when nulls come last in
// the scan and the column can hold them; after a NULL it is "IS NOT NULL" when nulls come first,
// and nothing when they come last (the leaf then gives no branch).
//
// The cursor must hold a value for every leaf that carries one; raw is the cursor as received, for
// errors. It returns "" when no leaf gives a branch.
func keyset(fc *filterCompiler, leaves []orderLeaf, cursor map[string]any, raw, alias string, forward bool) (string, error) {
	type keyValue struct {
		leaf orderLeaf
		v    any
	}
	var keys []keyValue
	for _, l := range leaves {
		if !l.carriesCursor() {
			continue
		}
		v, ok := cursorValue(cursor, l.key())
		if !ok {
			return "", msgCursorMissingValue(l.key())
		}
		arg, err := cursorArg(l, v)
		if err != nil {
			return "", invalidCursor(raw, err)
		}
		keys = append(keys, keyValue{l, arg})
	}
	var branches []string
	for i, k := range keys {
		asc, nullsLast := scanOrder(k.leaf.dir, forward)
		if k.v == nil && nullsLast {
			continue // inside the trailing NULL block: nothing is after the cursor on this key
		}
		// Arguments are bound in the order their placeholders appear.
		parts := make([]string, 0, i+1)
		for _, prev := range keys[:i] {
			pc := col(alias, prev.leaf.column.Name)
			if prev.v == nil {
				parts = append(parts, pc+" IS NULL")
			} else {
				parts = append(parts, pc+" = "+fc.bind(prev.v))
			}
		}
		c := col(alias, k.leaf.column.Name)
		var strict string
		if k.v == nil {
			strict = c + " IS NOT NULL"
		} else {
			op := " < "
			if asc {
				op = " > "
			}
			strict = c + op + fc.bind(k.v)
			if nullsLast && k.leaf.column.Nullable {
				strict = "(" + strict + " OR " + c + " IS NULL)"
			}
		}
		parts = append(parts, strict)
		branches = append(branches, strings.Join(parts, " AND "))
	}
	switch len(branches) {
	case 0:
		return "", nil
	case 1:
		return "(" + branches[0] + ")", nil
	}
	return "((" + strings.Join(branches, ") OR (") + "))", nil
}

// cursorValue returns the value a decoded cursor holds for the field path key: under nested
// objects for a dotted path, or under the dotted key itself as older cursors held composite
// values (getCursorValueForLeaf in Twenty). ok is false when the cursor has no such value.
func cursorValue(cursor map[string]any, key string) (v any, ok bool) {
	var cur any = cursor
	for _, seg := range strings.Split(key, ".") {
		m, isMap := cur.(map[string]any)
		if !isMap {
			ok = false
			break
		}
		cur, ok = m[seg]
		if !ok {
			break
		}
	}
	if ok {
		return cur, true
	}
	if strings.Contains(key, ".") {
		v, ok = cursor[key]
	}
	return v, ok
}

// cursorArg converts a cursor value (from recordquery.DecodeCursor: nil, bool, string,
// json.Number, or an object or array) to the argument compared with l's column.
func cursorArg(l orderLeaf, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch l.column.SQLType {
	case metadata.SQLInteger, metadata.SQLReal:
		switch v := v.(type) {
		case bool:
			if v {
				return int64(1), nil
			}
			return int64(0), nil
		case json.Number:
			if l.column.SQLType == metadata.SQLInteger {
				if n, err := v.Int64(); err == nil {
					return n, nil
				}
			}
			f, err := v.Float64()
			if err != nil {
				return nil, fmt.Errorf("value %s of %q: %w", v, l.key(), err)
			}
			return f, nil
		case string:
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("value %q of %q is not a number", v, l.key())
			}
			return f, nil
		}
	default:
		switch v := v.(type) {
		case string:
			return v, nil
		case json.Number:
			return v.String(), nil
		}
	}
	return nil, fmt.Errorf("value of %q has the wrong type %T", l.key(), v)
}
