package engine

import (
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// GroupOrder is one key of a group-by's ordering of its groups (an item of Twenty's orderBy of
// groupBy, OrderByWithGroupBy): by an aggregate's value, or by a dimension.
type GroupOrder struct {
	// Aggregate names the aggregate to order by (totalCount, sumAmountAmountMicros, …); when
	// it is "", Field names the dimension.
	Aggregate string
	// Field names a dimension as group_by does: a field ("stage"), a join column ("companyId")
	// or a composite's sub-field ("name.firstName").
	Field string
	// Granularity is the granularity of a date dimension, which must be the one grouped by.
	Granularity Granularity
	// Direction is the direction, nulls placement included.
	Direction recordquery.Direction
}

// groupOrder is a GroupOrder resolved: its ORDER BY term over "b" and the columns it reads.
type groupOrder struct {
	sql     string
	columns []string
}

// Twenty's messages for a groupBy's orderBy (graphql-query-order-group-by.parser.ts in
// graphql/graphql-query-runner/graphql-query-parsers/graphql-query-order/).
func msgGroupOrderUnknownAggregate(name string) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Unknown aggregate field: %s", name)
}

func msgGroupOrderUnknownField(name string) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Cannot orderBy unknown field: %s.", name)
}

func msgGroupOrderNotGrouped(name string) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Cannot order by a field that is not an aggregate nor in groupBy criteria: %s.", name)
}

func msgGroupOrderSubFieldNotGrouped(sub string) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Cannot order by a field that is not in groupBy or that is not an aggregate field: %s", sub)
}

func msgGroupOrderGranularityNotGrouped(g Granularity) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Cannot order by a date granularity that is not in groupBy criteria: %s", g)
}

// groupOrders resolves the ordering of the groups of obj grouped by dims, with Twenty's messages:
// an aggregate obj has, or a dimension grouped by (a date with the granularity grouped by).
func groupOrders(obj metadata.Object, dims []dimension, orders []GroupOrder) ([]groupOrder, error) {
	if len(orders) == 0 {
		return nil, nil
	}
	cat := aggregatesOf(obj)
	out := make([]groupOrder, 0, len(orders))
	for _, o := range orders {
		if !o.Direction.Valid() {
			return nil, queryErrorf(CodeInvalidQueryInput, "Invalid order by direction %q", o.Direction)
		}
		if o.Aggregate != "" {
			a, ok := cat[o.Aggregate]
			if !ok {
				return nil, msgGroupOrderUnknownAggregate(o.Aggregate)
			}
			out = append(out, groupOrder{sql: a.order + directionSQL(o.Direction), columns: a.columns})
			continue
		}
		i, err := dimensionOf(obj, dims, o)
		if err != nil {
			return nil, err
		}
		out = append(out, groupOrder{sql: col("b", dimAlias(i)) + directionSQL(o.Direction)})
	}
	return out, nil
}

// dimensionOf returns the index of the dimension o orders by.
func dimensionOf(obj metadata.Object, dims []dimension, o GroupOrder) (int, error) {
	root, sub, composite := strings.Cut(o.Field, ".")
	f, ok := obj.Field(root)
	if !ok {
		if f, ok = joinColumnField(obj, root); !ok {
			return 0, msgGroupOrderUnknownField(root)
		}
	}
	granularity := Granularity("")
	if f.Type == metadata.TypeDate || f.Type == metadata.TypeDateTime {
		granularity = o.Granularity
	}
	sameField := false
	for i, d := range dims {
		dRoot, _, _ := strings.Cut(d.path, ".")
		if dRoot != root {
			continue
		}
		sameField = true
		if d.path == o.Field && d.granularity == granularity {
			return i, nil
		}
	}
	switch {
	case composite && sameField:
		return 0, msgGroupOrderSubFieldNotGrouped(sub)
	case granularity != "" && sameField:
		return 0, msgGroupOrderGranularityNotGrouped(granularity)
	case composite:
		return 0, msgGroupOrderSubFieldNotGrouped(sub)
	}
	return 0, msgGroupOrderNotGrouped(root)
}

// directionSQL renders a direction as an ORDER BY term's suffix.
func directionSQL(d recordquery.Direction) string {
	s := " DESC"
	if d.Ascending() {
		s = " ASC"
	}
	if d.NullsFirst() {
		return s + " NULLS FIRST"
	}
	return s + " NULLS LAST"
}
