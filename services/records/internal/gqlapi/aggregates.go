package gqlapi

import (
	"fmt"
	"strconv"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// aggField is an aggregate field of an object's connections (countEmptyCity: Int), named as the
// engine names the aggregate.
type aggField struct {
	name string
	// typ is the GraphQL type: Int for counts, Float for percentages, numbers and amounts,
	// DateTime for a date's min and max.
	typ         string
	description string
}

// aggregateFields returns the aggregate fields of t's connections, as Twenty's
// AggregationObjectTypeGenerator adds them (getAvailableAggregationsFromObjectFields in
// workspace-schema-builder/utils/get-available-aggregations-from-object-fields.util.ts): the
// engine's aggregates of the exposed fields, totalCount first, in field order.
func aggregateFields(t *objectType) []aggField {
	seen := map[string]bool{}
	var out []aggField
	for _, a := range engine.Aggregates(t.obj) {
		if a.Op != engine.OpCount {
			if f, ok := t.field(a.Field.Name); !ok || f.Type.IsRelation() {
				continue
			}
		}
		if seen[a.Name] || !isName(a.Name) {
			continue
		}
		seen[a.Name] = true
		out = append(out, aggField{name: a.Name, typ: aggregateType(a), description: aggregateDescription(a)})
	}
	return out
}

// aggregate returns t's aggregate field named name.
func (t *objectType) aggregate(name string) (aggField, bool) {
	for _, a := range t.aggregates {
		if a.name == name {
			return a, true
		}
	}
	return aggField{}, false
}

// aggregateType is the GraphQL type Twenty gives an aggregate.
func aggregateType(a engine.AggregateInfo) string {
	switch a.Op {
	case engine.OpCount, engine.OpCountUniqueValues, engine.OpCountEmpty, engine.OpCountNotEmpty, engine.OpCountTrue, engine.OpCountFalse:
		return "Int"
	case engine.OpMin, engine.OpMax:
		if a.Field.Type == metadata.TypeDate || a.Field.Type == metadata.TypeDateTime {
			return "DateTime"
		}
	}
	return "Float"
}

// aggregateDescription is Twenty's description of an aggregate.
func aggregateDescription(a engine.AggregateInfo) string {
	f := a.Field.Name
	date := a.Field.Type == metadata.TypeDate || a.Field.Type == metadata.TypeDateTime
	switch a.Op {
	case engine.OpCount:
		return "Total number of records in the connection"
	case engine.OpCountUniqueValues:
		return "Number of unique values for " + f
	case engine.OpCountEmpty:
		return "Number of empty values for " + f
	case engine.OpCountNotEmpty:
		return "Number of non-empty values for " + f
	case engine.OpPercentageEmpty:
		return "Percentage of empty values for " + f
	case engine.OpPercentageNotEmpty:
		return "Percentage of non-empty values for " + f
	case engine.OpCountTrue:
		return "Count of true values in the field " + f
	case engine.OpCountFalse:
		return "Count of false values in the field " + f
	case engine.OpMin:
		if date {
			return "Earliest date contained in the field " + f
		}
		return "Minimum amount contained in the field " + f
	case engine.OpMax:
		switch {
		case date:
			return "Latest date contained in the field " + f
		case a.Field.Type == metadata.TypeCurrency:
			return "Maximal amount contained in the field " + f
		}
		return "Maximum amount contained in the field " + f
	case engine.OpAvg:
		return "Average amount contained in the field " + f
	case engine.OpSum:
		return "Sum of amounts contained in the field " + f
	}
	return ""
}

// aggregateValues sets the values of aggregates on a connection (or a group), as GraphQL's Int
// and Float serialize PostgreSQL's text: counts as integers, percentages and amounts as floats.
func (t *objectType) aggregateValues(conn map[string]any, values []engine.AggregateValue) error {
	for _, v := range values {
		a, ok := t.aggregate(v.Name)
		if !ok {
			continue
		}
		out, err := aggregateValue(a.typ, v.Value)
		if err != nil {
			return fmt.Errorf("gqlapi: aggregate %s of %s: %w", v.Name, t.obj.NamePlural, err)
		}
		conn[v.Name] = out
	}
	return nil
}

// aggregateValue converts an engine aggregate value to its GraphQL type.
func aggregateValue(typ string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case "Int":
		switch n := v.(type) {
		case string:
			return strconv.ParseInt(n, 10, 64)
		case int64:
			return n, nil
		case float64:
			return int64(n), nil
		}
	case "Float":
		switch n := v.(type) {
		case string:
			return strconv.ParseFloat(n, 64)
		case int64:
			return float64(n), nil
		case float64:
			return n, nil
		}
	default:
		return v, nil
	}
	return nil, fmt.Errorf("value %#v is no %s", v, typ)
}

// selectedAggregates returns the aggregates of names other than totalCount, which every count
// already gives.
func selectedAggregates(names []string) []string {
	var out []string
	for _, n := range names {
		if n != "totalCount" {
			out = append(out, n)
		}
	}
	return out
}
