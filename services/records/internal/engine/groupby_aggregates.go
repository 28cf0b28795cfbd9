package engine

import (
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// AggregateOp is the operation of an aggregate, Twenty's AggregateOperations
// (graphql-query-runner/constants/aggregate-operations.constant.ts).
type AggregateOp string

// The operations.
const (
	OpCount              AggregateOp = "COUNT"
	OpCountUniqueValues  AggregateOp = "COUNT_UNIQUE_VALUES"
	OpCountEmpty         AggregateOp = "COUNT_EMPTY"
	OpCountNotEmpty      AggregateOp = "COUNT_NOT_EMPTY"
	OpPercentageEmpty    AggregateOp = "PERCENTAGE_EMPTY"
	OpPercentageNotEmpty AggregateOp = "PERCENTAGE_NOT_EMPTY"
	OpMin                AggregateOp = "MIN"
	OpMax                AggregateOp = "MAX"
	OpAvg                AggregateOp = "AVG"
	OpSum                AggregateOp = "SUM"
	OpCountTrue          AggregateOp = "COUNT_TRUE"
	OpCountFalse         AggregateOp = "COUNT_FALSE"
)

// AggregateInfo describes one aggregate an object answers (see Aggregates).
type AggregateInfo struct {
	// Name is the aggregate's name: totalCount, countEmptyCity, maxAmountAmountMicros, ….
	Name string
	// Op is its operation.
	Op AggregateOp
	// Field is the field it reads; the zero Field for totalCount.
	Field metadata.Field
}

// Aggregates lists the aggregates of obj in Twenty's order: totalCount, then per field in
// metadata order the ones aggregatesOf describes. The names are what FindOptions.Aggregates and
// GroupByQuery.Aggregates take.
func Aggregates(obj metadata.Object) []AggregateInfo {
	cat := catalog(obj)
	out := make([]AggregateInfo, len(cat))
	for i, a := range cat {
		out[i] = AggregateInfo{Name: a.name, Op: a.op, Field: a.field}
	}
	return out
}

// aggregate is one aggregate a group-by computes: SQL expressions over the group's rows (the
// columns of the CTE "b"), and Twenty's value made of the values they give.
type aggregate struct {
	name  string
	op    AggregateOp
	field metadata.Field
	// columns are the columns of the object the expressions read.
	columns []string
	exprs   []string
	value   func(vals []any) any
	// order is the one SQL expression groups are ordered by when ordered by the aggregate.
	order string
}

// aggregateSubFields are the sub-fields of a composite field that its count aggregates read,
// Twenty's getSubfieldsForAggregateOperation
// (twenty-orm/utils/get-subfields-for-aggregate-operation.util.ts).
var aggregateSubFields = map[metadata.FieldType][]string{
	metadata.TypeCurrency:   {"amountMicros", "currencyCode"},
	metadata.TypeFullName:   {"firstName", "lastName"},
	metadata.TypeAddress:    {"addressStreet1", "addressStreet2", "addressCity", "addressPostcode", "addressState", "addressCountry", "addressLat", "addressLng"},
	metadata.TypeLinks:      {"primaryLinkUrl"},
	metadata.TypeActor:      {"workspaceMemberId", "source"},
	metadata.TypeEmails:     {"primaryEmail"},
	metadata.TypePhones:     {"primaryPhoneNumber", "primaryPhoneCountryCode", "primaryPhoneCallingCode"},
	metadata.TypeRichTextV2: {"blocknote", "markdown"},
}

// aggregatesOf returns the aggregates of obj by name (see catalog).
func aggregatesOf(obj metadata.Object) map[string]aggregate {
	cat := catalog(obj)
	out := make(map[string]aggregate, len(cat))
	for _, a := range cat {
		if _, dup := out[a.name]; !dup {
			out[a.name] = a
		}
	}
	return out
}

// catalog returns the aggregates of obj in order, as Twenty's
// getAvailableAggregationsFromObjectFields names them
// (workspace-schema-builder/utils/get-available-aggregations-from-object-fields.util.ts):
// totalCount; for each field (relations aside) countUniqueValuesX, countEmptyX, countNotEmptyX,
// percentageEmptyX and percentageNotEmptyX; minX and maxX for dates; countTrueX and countFalseX
// for booleans; minX, maxX, avgX and sumX for numbers; and minXAmountMicros, maxXAmountMicros,
// sumXAmountMicros and avgXAmountMicros for currencies.
//
// Values are what PostgreSQL gives Twenty through node-postgres: counts (bigint) and currency
// amounts and percentages (numeric) as text, numbers as numbers, dates as ISO date-times; null
// for an empty group.
func catalog(obj metadata.Object) []aggregate {
	out := []aggregate{
		{name: "totalCount", op: OpCount, columns: []string{"id"}, exprs: []string{"COUNT(" + col("b", "id") + ")"}, value: oneValue(countText),
			order: "COUNT(" + col("b", "id") + ")"},
	}
	for _, f := range obj.Fields {
		cols := metadata.Columns(f)
		if f.Type.IsRelation() || len(cols) == 0 {
			continue
		}
		var names []string
		if subs, ok := aggregateSubFields[f.Type]; ok {
			for _, c := range cols {
				if slices.Contains(subs, c.Property) {
					names = append(names, c.Name)
				}
			}
		} else if !f.Type.IsComposite() {
			names = []string{cols[0].Name}
		}
		if len(names) == 0 {
			continue
		}
		add := func(name string, op AggregateOp, columns []string, value func([]any) any, exprs ...string) {
			out = append(out, aggregate{name: name, op: op, field: f, columns: columns, exprs: exprs, value: value, order: exprs[0]})
		}
		name := metadata.UpperFirst(f.Name)
		// Twenty's NULLIF(CONCAT(columns), ''): the value as text, NULL when empty.
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = "COALESCE(CAST(" + col("b", n) + " AS TEXT), '')"
		}
		value := "NULLIF(" + strings.Join(parts, " || ") + ", '')"
		nonEmpty := func(count string) string { return "CASE WHEN COUNT(*) = 0 THEN NULL ELSE " + count + " END" }
		add("countUniqueValues"+name, OpCountUniqueValues, names, oneValue(countText), nonEmpty("COUNT(DISTINCT "+value+")"))
		add("countEmpty"+name, OpCountEmpty, names, oneValue(countText), nonEmpty("COUNT(*) - COUNT("+value+")"))
		add("countNotEmpty"+name, OpCountNotEmpty, names, oneValue(countText), nonEmpty("COUNT("+value+")"))
		add("percentageEmpty"+name, OpPercentageEmpty, names, func(v []any) any { return percentage(v, true) }, "COUNT(*)", "COUNT("+value+")")
		out[len(out)-1].order = "1.0 - CAST(COUNT(" + value + ") AS REAL) / NULLIF(COUNT(*), 0)"
		add("percentageNotEmpty"+name, OpPercentageNotEmpty, names, func(v []any) any { return percentage(v, false) }, "COUNT(*)", "COUNT("+value+")")
		out[len(out)-1].order = "CAST(COUNT(" + value + ") AS REAL) / NULLIF(COUNT(*), 0)"

		c := col("b", names[0])
		switch f.Type {
		case metadata.TypeDate, metadata.TypeDateTime:
			add("min"+name, OpMin, names, oneValue(dateTimeText(f.Type)), "MIN("+c+")")
			add("max"+name, OpMax, names, oneValue(dateTimeText(f.Type)), "MAX("+c+")")
		case metadata.TypeBoolean:
			add("countTrue"+name, OpCountTrue, names, oneValue(countText), nonEmpty("COUNT(CASE WHEN "+c+" = 1 THEN 1 END)"))
			add("countFalse"+name, OpCountFalse, names, oneValue(countText), nonEmpty("COUNT(CASE WHEN "+c+" = 0 THEN 1 END)"))
		case metadata.TypeNumber:
			same := oneValue(func(v any) any { return v })
			add("min"+name, OpMin, names, same, "MIN("+c+")")
			add("max"+name, OpMax, names, same, "MAX("+c+")")
			add("avg"+name, OpAvg, names, same, "AVG("+c+")")
			add("sum"+name, OpSum, names, same, "SUM("+c+")")
		case metadata.TypeCurrency:
			amount := []string{f.Name + "AmountMicros"}
			m := col("b", amount[0])
			add("min"+name+"AmountMicros", OpMin, amount, oneValue(numericText), "MIN("+m+")")
			add("max"+name+"AmountMicros", OpMax, amount, oneValue(numericText), "MAX("+m+")")
			add("sum"+name+"AmountMicros", OpSum, amount, oneValue(numericText), "SUM("+m+")")
			add("avg"+name+"AmountMicros", OpAvg, amount, average, "SUM("+m+")", "COUNT("+m+")")
			out[len(out)-1].order = "AVG(" + m + ")"
		}
	}
	return out
}

// resolveAggregates returns the aggregates of obj named names, in order and without repeats;
// a name obj has no aggregate of is a *QueryError.
func resolveAggregates(obj metadata.Object, names []string) ([]aggregate, error) {
	if len(names) == 0 {
		return nil, nil
	}
	cat := aggregatesOf(obj)
	var aggs []aggregate
	for _, name := range names {
		a, ok := cat[name]
		if !ok {
			return nil, msgUnknownAggregate(name, obj.NameSingular)
		}
		if !slices.ContainsFunc(aggs, func(b aggregate) bool { return b.name == name }) {
			aggs = append(aggs, a)
		}
	}
	return aggs, nil
}

// oneValue applies convert to an aggregate's one value.
func oneValue(convert func(any) any) func([]any) any {
	return func(v []any) any { return convert(v[0]) }
}

// countText writes a count as PostgreSQL's bigint reaches Twenty: text.
func countText(v any) any {
	if n, ok := v.(int64); ok {
		return strconv.FormatInt(n, 10)
	}
	return v
}

// dateTimeText returns the conversion of a date aggregate to the ISO date-time node-postgres
// makes of it (a DATE at midnight UTC).
func dateTimeText(t metadata.FieldType) func(any) any {
	return func(v any) any {
		if s, ok := v.(string); ok && t == metadata.TypeDate {
			return s + "T00:00:00.000Z"
		}
		return v
	}
}

// percentage is Twenty's percentageEmpty or percentageNotEmpty of a group of vals[0] rows,
// vals[1] of them not empty: PostgreSQL's numeric quotient, as text.
func percentage(vals []any, empty bool) any {
	total, ok1 := bigOf(vals[0])
	notEmpty, ok2 := bigOf(vals[1])
	if !ok1 || !ok2 || total.Sign() == 0 {
		return nil
	}
	if empty {
		return numericDiv(new(big.Int).Sub(total, notEmpty), total)
	}
	return numericDiv(notEmpty, total)
}

// average is PostgreSQL's avg of a numeric column (a currency amount) from its sum vals[0] and
// count vals[1]: their numeric quotient, as text; null when no value.
func average(vals []any) any {
	sum, ok1 := bigOf(vals[0])
	n, ok2 := bigOf(vals[1])
	if !ok1 || !ok2 || n.Sign() == 0 {
		return nil
	}
	return numericDiv(sum, n)
}

// bigOf reads an integral D1 value.
func bigOf(v any) (*big.Int, bool) {
	switch n := v.(type) {
	case int64:
		return big.NewInt(n), true
	case float64:
		i, _ := big.NewFloat(n).Int(nil)
		return i, true
	}
	return nil, false
}

// numericDiv writes a/b as PostgreSQL's numeric division of two integers does: rounded (half away
// from zero) to the scale select_div_scale chooses, enough for 16 significant digits (numeric.c:
// NUMERIC_MIN_SIG_DIGITS, digits in base NBASE = 10000).
func numericDiv(a, b *big.Int) string {
	scale := numericDivScale(a, b)
	num := new(big.Int).Mul(new(big.Int).Abs(a), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
	den := new(big.Int).Abs(b)
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if r.Mul(r, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	digits := q.String()
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	out := digits
	if scale > 0 {
		out = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if q.Sign() != 0 && a.Sign()*b.Sign() < 0 {
		out = "-" + out
	}
	return out
}

// numericDivScale is PostgreSQL's select_div_scale for integers a and b (display scales 0).
func numericDivScale(a, b *big.Int) int {
	w1, f1 := nbaseLead(a)
	w2, f2 := nbaseLead(b)
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	return min(max(16-qweight*4, 0), 1000)
}

// nbaseLead returns the weight of an integer's leading base-10000 digit and that digit (0, 0 for
// zero).
func nbaseLead(x *big.Int) (weight, digit int) {
	s := new(big.Int).Abs(x).String()
	if s == "0" {
		return 0, 0
	}
	weight = (len(s) - 1) / 4
	digit, _ = strconv.Atoi(s[:len(s)-4*weight])
	return weight, digit
}
