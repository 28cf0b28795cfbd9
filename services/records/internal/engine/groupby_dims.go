package engine

import (
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"
	_ "time/tzdata" // Workers have no zoneinfo: group-by time zones need the embedded database

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// Granularity is how a group-by buckets a date (Twenty's ObjectRecordGroupByDateGranularity).
type Granularity string

// The granularities. DAY, WEEK, MONTH, QUARTER and YEAR bucket into the first day of the period,
// "YYYY-MM-DD", in a time zone; the *_OF_THE_* ones into a weekday name ("Monday"), a month name
// ("January") or a quarter ("Q1"), in UTC as Twenty's PostgreSQL session reads them; NONE keeps
// the value.
const (
	GranularityDay         Granularity = "DAY"
	GranularityWeek        Granularity = "WEEK"
	GranularityMonth       Granularity = "MONTH"
	GranularityQuarter     Granularity = "QUARTER"
	GranularityYear        Granularity = "YEAR"
	GranularityDayOfWeek   Granularity = "DAY_OF_THE_WEEK"
	GranularityMonthOfYear Granularity = "MONTH_OF_THE_YEAR"
	GranularityQuarterYear Granularity = "QUARTER_OF_THE_YEAR"
	GranularityNone        Granularity = "NONE"
)

// weekdays are the DAY_OF_THE_WEEK buckets, Monday first (the bucket's key is its index).
var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// months are the MONTH_OF_THE_YEAR buckets (the bucket's key is the month number).
var months = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// dimension is one dimension of a group-by: the SQL expression of its key over the object's
// table "t" and how a key read back becomes Twenty's dimension value.
type dimension struct {
	// expr is the key's SQL expression. Keys sort in Twenty's natural order (a weekday's key is
	// its index from Monday), so groups are ordered by their keys.
	expr string
	// join is a clause joined to the table for the key ("LEFT JOIN json_each(…)"), or "".
	join string
	// zone is the time zone table expr reads offsets from, or nil.
	zone *zoneTable
	// value converts a key read from D1 into the dimension value Twenty answers.
	value func(any) any
	// path names what the dimension groups by, as an ordering names it: the field, a join column
	// (companyId) or a sub-field (name.firstName); granularity is a date's, or "".
	path        string
	granularity Granularity
}

// zoneTable is a time zone's UTC offsets for a group-by, read in SQL from the CTE alias: rows
// ("at", "off") giving the offset in seconds from the stored time "at" on (json is its rows as one
// JSON array, bound once).
type zoneTable struct {
	alias string
	json  string
}

// Twenty's messages for group-by dimensions (parse-group-by-args.util.ts and
// get-group-by-expression.util.ts in packages/twenty-server/src/engine/api/).

func msgGroupByUnknownField(name string) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Unidentified field in groupBy: %s", name)
}

func msgInvalidTimeZone(name string) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Invalid timezone: %s", name)
}

// resolveDimensions resolves the group-by dimensions gs (recordquery.ParseGroupBy reads them from
// Twenty's group_by) against obj's fields, in order.
func resolveDimensions(obj metadata.Object, gs []recordquery.GroupBy) ([]dimension, error) {
	var dims []dimension
	for _, g := range gs {
		d, ok, err := resolveDimension(obj, g, len(dims))
		if err != nil {
			return nil, err
		}
		if ok {
			dims = append(dims, d)
		}
	}
	return dims, nil
}

// resolveDimension resolves g, the n-th dimension, as Twenty's parseGroupByArgs does: a field or a
// many-to-one relation's join column by its value, a composite's sub-field, a date by period. ok
// is false when g adds none: a date grouping of a field that is not a date, which Twenty reads as
// a sub-field not set to true.
func resolveDimension(obj metadata.Object, g recordquery.GroupBy, n int) (dimension, bool, error) {
	name := g.Field
	f, ok := obj.Field(name)
	if !ok {
		if f, ok = joinColumnField(obj, name); !ok {
			return dimension{}, false, msgGroupByUnknownField(name)
		}
	}
	switch {
	case f.Type.IsRelation():
		if !f.IsManyToOne() {
			return dimension{}, false, queryErrorf(CodeInvalidQueryInput, "Cannot group by one-to-many relation field \"%s\"", name)
		}
		if g.SubField != "" || g.Date != nil {
			return dimension{}, false, queryErrorf(CodeInvalidQueryInput, "Grouping by a field of the related record \"%s\" is not supported", name)
		}
		t, _ := simpleTarget(f, true)
		return named(columnDimension(t, n), t.path, ""), true, nil
	case g.Date != nil:
		if f.Type != metadata.TypeDate && f.Type != metadata.TypeDateTime {
			return dimension{}, false, nil
		}
		t, _ := simpleTarget(f, false)
		d, err := dateDimension(t, *g.Date, n)
		return named(d, t.path, Granularity(g.Date.Granularity)), err == nil, err
	case g.SubField != "":
		t, ok := subFieldTarget(f, g.SubField)
		if !f.Type.IsComposite() || !ok {
			return dimension{}, false, msgUnknownFilterSubField(g.SubField, string(f.Type))
		}
		return named(columnDimension(t, n), t.path, ""), true, nil
	}
	if f.Type.IsComposite() {
		return dimension{}, false, queryErrorf(CodeInvalidQueryInput, "Composite field \"%s\" requires a sub-field to group by (e.g. {\"%s\": {\"subFieldName\": true}})", name, name)
	}
	t, ok := simpleTarget(f, false)
	if !ok {
		return dimension{}, false, msgGroupByUnknownField(name)
	}
	return named(columnDimension(t, n), t.path, ""), true, nil
}

// named sets what d groups by.
func named(d dimension, path string, g Granularity) dimension {
	d.path, d.granularity = path, g
	return d
}

// columnDimension groups by the stored value of t's column. ARRAY and MULTI_SELECT values are
// unnested, as Twenty unnests them: a record is in the group of each of its items, and in the
// null group when it has none.
func columnDimension(t target, n int) dimension {
	c := col(mainAlias, t.column.Name)
	if t.prop == nil && (t.field.Type == metadata.TypeArray || t.field.Type == metadata.TypeMultiSelect) {
		alias := "~u" + strconv.Itoa(n)
		return dimension{
			expr:  col(alias, "value"),
			join:  " LEFT JOIN json_each(" + c + ") AS " + quoteIdent(alias),
			value: func(v any) any { return v },
		}
	}
	return dimension{expr: c, value: func(v any) any { return keyValue(t, v) }}
}

// keyValue converts a stored value grouped by into the value Twenty answers, as PostgreSQL hands
// it to Twenty: booleans, numbers (PostgreSQL's numeric, a currency amount, as text), a DATE as
// the midnight UTC date-time node-postgres makes of it, JSON parsed.
func keyValue(t target, v any) any {
	if v == nil {
		return nil
	}
	switch t.opType {
	case metadata.TypeBoolean:
		if n, ok := v.(int64); ok {
			return n != 0
		}
	case metadata.TypeNumeric:
		return numericText(v)
	case metadata.TypeDate:
		if s, ok := v.(string); ok {
			return s + "T00:00:00.000Z"
		}
	case metadata.TypeRawJSON, metadata.TypeFiles:
		return parseJSON(v)
	}
	return v
}

// numericText writes a number as PostgreSQL's numeric text: digits, no exponent.
func numericText(v any) any {
	switch n := v.(type) {
	case int64:
		return strconv.FormatInt(n, 10)
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return v
}

// dateDimension buckets t's date by g, as Twenty's getGroupByExpression does.
func dateDimension(t target, g recordquery.DateGrouping, n int) (dimension, error) {
	c := col(mainAlias, t.column.Name)
	text := func(v any) any { return v }
	switch Granularity(g.Granularity) {
	case GranularityNone:
		return dimension{expr: c, value: func(v any) any { return keyValue(t, v) }}, nil
	case GranularityDayOfWeek:
		return dimension{expr: "(CAST(strftime('%w', " + c + ") AS INTEGER) + 6) % 7", value: nameOf(weekdays, 0)}, nil
	case GranularityMonthOfYear:
		return dimension{expr: "CAST(strftime('%m', " + c + ") AS INTEGER)", value: nameOf(months, 1)}, nil
	case GranularityQuarterYear:
		return dimension{expr: "(CAST(strftime('%m', " + c + ") AS INTEGER) + 2) / 3", value: func(v any) any {
			if q, ok := v.(int64); ok {
				return "Q" + strconv.FormatInt(q, 10)
			}
			return v
		}}, nil
	case GranularityDay, GranularityWeek, GranularityMonth, GranularityQuarter, GranularityYear:
	default:
		return dimension{}, queryErrorf(CodeInvalidQueryInput, "Invalid date granularity \"%s\" for field \"%s\"", g.Granularity, t.path)
	}
	// The period buckets read the time in the time zone (Twenty requires one for date-times; a
	// request without one is read in UTC, as older Twenty did).
	d := dimension{value: text}
	local := c
	if t.field.Type == metadata.TypeDateTime && g.TimeZone != "" {
		z, err := zoneOffsets(g.TimeZone)
		if err != nil {
			return dimension{}, err
		}
		switch {
		case len(z) == 1 && z[0].off == 0:
		case len(z) == 1:
			local = "datetime(" + c + ", '" + strconv.Itoa(z[0].off) + " seconds')"
		default:
			d.zone = &zoneTable{alias: "~z" + strconv.Itoa(n), json: zoneJSON(z)}
			local = "datetime(" + c + ", (SELECT " + quoteIdent("off") + " FROM " + quoteIdent(d.zone.alias) +
				" WHERE " + quoteIdent("at") + " <= " + c + " ORDER BY " + quoteIdent("at") + " DESC LIMIT 1) || ' seconds')"
		}
	}
	switch Granularity(g.Granularity) {
	case GranularityDay:
		d.expr = "strftime('%Y-%m-%d', " + local + ")"
	case GranularityMonth:
		d.expr = "strftime('%Y-%m-01', " + local + ")"
	case GranularityYear:
		d.expr = "strftime('%Y-01-01', " + local + ")"
	case GranularityQuarter:
		d.expr = "strftime('%Y', " + local + ") || '-' || printf('%02d', (CAST(strftime('%m', " + local + ") AS INTEGER) - 1) / 3 * 3 + 1) || '-01'"
	case GranularityWeek:
		// Days back to the week's first day: Monday unless weekStartDay says Sunday or Saturday.
		shift := "6"
		switch g.WeekStartDay {
		case "SUNDAY":
			shift = "0"
		case "SATURDAY":
			shift = "1"
		}
		d.expr = "date(" + local + ", '-' || ((CAST(strftime('%w', " + local + ") AS INTEGER) + " + shift + ") % 7) || ' days')"
	}
	return d, nil
}

// nameOf returns the conversion of a bucket key k into names[k-first].
func nameOf(names []string, first int64) func(any) any {
	return func(v any) any {
		if k, ok := v.(int64); ok && k-first >= 0 && k-first < int64(len(names)) {
			return names[k-first]
		}
		return v
	}
}

// zoneOffset is the UTC offset, in seconds, of a time zone from the stored time at on ("" for
// the first, which applies before all others).
type zoneOffset struct {
	at  string
	off int
}

// The span of time zone offsets group-bys know: before it, a zone's first offset applies, after
// it its last.
var (
	zoneSpanStart = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	zoneSpanEnd   = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// zones caches the offsets of the time zones group-bys met, by name.
var zones sync.Map

// zoneOffsets returns the offsets of the IANA time zone name over the span, each from the moment
// it starts (found to the second); Twenty's "Invalid timezone" for a name that is none.
func zoneOffsets(name string) ([]zoneOffset, error) {
	if z, ok := zones.Load(name); ok {
		return z.([]zoneOffset), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, msgInvalidTimeZone(name)
	}
	offsetAt := func(t time.Time) int {
		_, off := t.In(loc).Zone()
		return off
	}
	out := []zoneOffset{{at: "", off: offsetAt(zoneSpanStart)}}
	const day = 24 * time.Hour
	for t := zoneSpanStart; t.Before(zoneSpanEnd); t = t.Add(day) {
		next := t.Add(day)
		off := offsetAt(next)
		if off == out[len(out)-1].off {
			continue
		}
		lo, hi := t, next // the change happens in (lo, hi]
		for hi.Sub(lo) > time.Second {
			mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
			if offsetAt(mid) == off {
				hi = mid
			} else {
				lo = mid
			}
		}
		out = append(out, zoneOffset{at: hi.Format(metadata.DateTimeLayout), off: off})
	}
	zones.Store(name, out)
	return out, nil
}

// zoneJSON encodes offsets as the JSON array of [at, off] pairs a zoneTable binds.
func zoneJSON(z []zoneOffset) string {
	rows := make([][2]any, len(z))
	for i, o := range z {
		rows[i] = [2]any{o.at, o.off}
	}
	b, err := json.Marshal(rows)
	if err != nil {
		panic(fmt.Sprintf("engine: encode time zone offsets: %v", err)) // strings and ints always encode
	}
	return string(b)
}
