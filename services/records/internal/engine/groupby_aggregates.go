package engine

import (
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// aggregate is one aggregate a group-by computes: SQL expressions over the group's rows (the
// columns of the CTE "b"), and Twenty's value made of the values they give.
type aggregate struct {
	name string
	// columns are the columns of the object the expressions read.
	columns []string
	exprs   []string
	value   func(vals []any) any
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

// aggregatesOf returns the aggregates of obj by name, as Twenty's
// getAvailableAggregationsFromObjectFields names them: totalCount; for each field (relations
// aside) countUniqueValuesX, countEmptyX, countNotEmptyX, percentageEmptyX and
// percentageNotEmptyX; minX and maxX for dates; countTrueX and countFalseX for booleans; minX,
// maxX, avgX and sumX for numbers; and minXAmountMicros, maxXAmountMicros, avgXAmountMicros and
// sumXAmountMicros for currencies.
//
// Values are what PostgreSQL gives Twenty through node-postgres: counts (bigint) and currency
// amounts and percentages (numeric) as text, numbers as numbers, dates as ISO date-times; null
// for an empty group.
func aggregatesOf(obj metadata.Object) map[string]aggregate {
	out := map[string]aggregate{
		"totalCount": {name: "totalCount", columns: []string{"id"}, exprs: []string{"COUNT(" + col("b", "id") + ")"}, value: oneValue(countText)},
	}
	add := func(name string, columns []string, value func([]any) any, exprs ...string) {
		out[name] = aggregate{name: name, columns: columns, exprs: exprs, value: value}
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
		name := upperFirst(f.Name)
		// Twenty's NULLIF(CONCAT(columns), ''): the value as text, NULL when empty.
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = "COALESCE(CAST(" + col("b", n) + " AS TEXT), '')"
		}
		value := "NULLIF(" + strings.Join(parts, " || ") + ", '')"
		nonEmpty := func(count string) string { return "CASE WHEN COUNT(*) = 0 THEN NULL ELSE " + count + " END" }
		add("countUniqueValues"+name, names, oneValue(countText), nonEmpty("COUNT(DISTINCT "+value+")"))
		add("countEmpty"+name, names, oneValue(countText), nonEmpty("COUNT(*) - COUNT("+value+")"))
		add("countNotEmpty"+name, names, oneValue(countText), nonEmpty("COUNT("+value+")"))
		add("percentageEmpty"+name, names, func(v []any) any { return percentage(v, true) }, "COUNT(*)", "COUNT("+value+")")
		add("percentageNotEmpty"+name, names, func(v []any) any { return percentage(v, false) }, "COUNT(*)", "COUNT("+value+")")

		c := col("b", names[0])
		switch f.Type {
		case metadata.TypeDate, metadata.TypeDateTime:
			add("min"+name, names, oneValue(dateTimeText(f.Type)), "MIN("+c+")")
			add("max"+name, names, oneValue(dateTimeText(f.Type)), "MAX("+c+")")
		case metadata.TypeBoolean:
			add("countTrue"+name, names, oneValue(countText), nonEmpty("COUNT(CASE WHEN "+c+" = 1 THEN 1 END)"))
			add("countFalse"+name, names, oneValue(countText), nonEmpty("COUNT(CASE WHEN "+c+" = 0 THEN 1 END)"))
		case metadata.TypeNumber:
			same := oneValue(func(v any) any { return v })
			add("min"+name, names, same, "MIN("+c+")")
			add("max"+name, names, same, "MAX("+c+")")
			add("avg"+name, names, same, "AVG("+c+")")
			add("sum"+name, names, same, "SUM("+c+")")
		case metadata.TypeCurrency:
			amount := []string{f.Name + "AmountMicros"}
			m := col("b", amount[0])
			add("min"+name+"AmountMicros", amount, oneValue(numericText), "MIN("+m+")")
			add("max"+name+"AmountMicros", amount, oneValue(numericText), "MAX("+m+")")
			add("sum"+name+"AmountMicros", amount, oneValue(numericText), "SUM("+m+")")
			add("avg"+name+"AmountMicros", amount, average, "SUM("+m+")", "COUNT("+m+")")
		}
	}
	return out
}

// upperFirst is s with its first letter upper-cased, as Twenty's capitalize.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
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
