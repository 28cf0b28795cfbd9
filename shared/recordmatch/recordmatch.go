// Package recordmatch decides whether a record, as a record event carries it (the API's JSON
// shape: composite fields as nested objects), matches a client's filter. Realtime streams use it
// to tag each record event with the registered queries it concerns, as Twenty's
// object-record-event-publisher.ts does with isRecordMatchingRLSRowLevelPermissionPredicate.
//
// The filter is the typed tree the records engine executes (recordquery.Filter), and each
// comparator follows the engine's SQL (services/records/internal/engine/filter.go) on the value's
// JSON type: numbers compare as numbers, strings as text (like case-sensitive, ilike not, a
// PostgreSQL pattern with % and _), an empty string counts as NULL as the engine's text columns
// do. A condition the record cannot answer (a relation's field, company.name, which the event
// does not carry) makes the whole filter match: a client told of an event that was not its own
// refetches, one not told keeps a stale list.
package recordmatch

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// Matches reports whether record matches f. A nil f matches every record that is not
// soft-deleted; includeDeleted (Twenty's shouldIgnoreSoftDeleteDefaultFilter, set for deleted
// and restored events) lets a soft-deleted record match too. Otherwise a soft-deleted record
// matches only a filter that mentions deletedAt, as the engine lists them.
func Matches(f *recordquery.Filter, record map[string]any, includeDeleted bool) bool {
	if !includeDeleted && !recordquery.MentionsDeletedAt(f) && !isNull(record["deletedAt"]) {
		return false
	}
	if f == nil {
		return true
	}
	r := eval(f, record)
	return r == yes || r == unknown
}

// result is SQL's three-valued truth (yes, no, null: a comparison with NULL) plus unknown, a
// condition on data the record does not carry, which may be true.
type result int8

const (
	no result = iota
	yes
	null
	unknown
)

func truth(b bool) result {
	if b {
		return yes
	}
	return no
}

func eval(f *recordquery.Filter, record map[string]any) result {
	switch {
	case f.Not != nil:
		switch r := eval(f.Not, record); r {
		case yes:
			return no
		case no:
			return yes
		default:
			return r // NOT NULL is NULL; not knowing stays not knowing
		}
	case f.And != nil:
		out := yes
		for _, c := range f.And {
			switch r := eval(c, record); {
			case r == no:
				return no
			case r == null:
				out = null
			case r == unknown && out == yes:
				out = unknown
			}
		}
		return out
	case f.Or != nil:
		if len(f.Or) == 0 {
			return yes
		}
		out := no
		for _, c := range f.Or {
			switch r := eval(c, record); {
			case r == yes:
				return yes
			case r == unknown:
				out = unknown
			case r == null && out == no:
				out = null
			}
		}
		return out
	}
	v, op, ok := lookup(record, f)
	if !ok {
		return unknown
	}
	return condition(v, op, f.Value)
}

// lookup finds the value a condition tests: a field, a composite's sub-field ("name.firstName",
// or {name: {firstName: …}} read as the operator "firstName" of name, which the engine also
// reads as a sub-field), and the operator, which a path's extra segment may name. ok is false
// when the record does not carry the field.
func lookup(record map[string]any, f *recordquery.Filter) (any, recordquery.Op, bool) {
	segs := strings.Split(f.Field, ".")
	v, ok := record[segs[0]]
	if !ok {
		return nil, "", false
	}
	op := f.Op
	obj, composite := v.(map[string]any)
	if !composite {
		if len(segs) > 1 {
			op = recordquery.Op(segs[1])
		}
		return v, op, true
	}
	sub := string(f.Op)
	rest := segs[1:]
	if len(rest) > 0 {
		sub, rest = rest[0], rest[1:]
	}
	sv, ok := obj[sub]
	if !ok {
		return nil, "", false
	}
	if len(rest) > 0 {
		op = recordquery.Op(rest[0])
	}
	return sv, op, true
}

// condition evaluates one comparator as the engine's SQL does. A NULL value (see isNull) makes
// most comparisons NULL; the engine's exceptions for an empty text operand are kept.
func condition(v any, op recordquery.Op, operand recordquery.Value) result {
	if op == recordquery.Is {
		switch {
		case operand.Null:
			return truth(isNull(v))
		case operand.NotNull:
			return truth(!isNull(v))
		}
		return no
	}
	if isNull(v) {
		switch op {
		case recordquery.Eq, recordquery.Like, recordquery.ILike:
			if operand.List == nil && operand.Raw == "" {
				return yes // the engine widens an empty text to "OR IS NULL"
			}
		case recordquery.StartsWith, recordquery.EndsWith:
			if operand.Raw == "" {
				return no // IS NOT NULL
			}
		}
		return null
	}
	switch op {
	case recordquery.Eq, recordquery.Neq, recordquery.Gt, recordquery.Gte, recordquery.Lt, recordquery.Lte:
		c, ok := compare(v, operand.Raw)
		if !ok {
			return unknown
		}
		switch op {
		case recordquery.Eq:
			return truth(c == 0)
		case recordquery.Neq:
			return truth(c != 0)
		case recordquery.Gt:
			return truth(c > 0)
		case recordquery.Gte:
			return truth(c >= 0)
		case recordquery.Lt:
			return truth(c < 0)
		}
		return truth(c <= 0)
	case recordquery.In:
		for _, item := range operand.List {
			if c, ok := compare(v, item.Raw); ok && c == 0 {
				return yes
			}
		}
		return no
	case recordquery.ContainsAny:
		vals, isList := v.([]any)
		if !isList {
			vals = []any{v}
		}
		for _, x := range vals {
			s, ok := x.(string)
			if !ok {
				continue
			}
			for _, item := range operand.List {
				if s == item.Raw {
					return yes
				}
			}
		}
		return no
	case recordquery.Like, recordquery.ILike:
		s, ok := v.(string)
		if !ok {
			s = jsonText(v)
		}
		if op == recordquery.ILike {
			return truth(like(strings.ToLower(s), strings.ToLower(operand.Raw)))
		}
		return truth(like(s, operand.Raw))
	case recordquery.StartsWith, recordquery.EndsWith:
		s, ok := v.(string)
		if !ok {
			s = jsonText(v)
		}
		if op == recordquery.StartsWith {
			return truth(strings.HasPrefix(s, operand.Raw))
		}
		return truth(strings.HasSuffix(s, operand.Raw))
	}
	return unknown
}

// isNull reports whether v is NULL to the engine, as the API shows a NULL column: JSON null, an
// empty text (a NULL text column reads as "") or an empty list (a NULL array or multi-select
// reads as []).
func isNull(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	}
	return false
}

// compare orders the record's value v against an operand's text typed as v is: a number
// numerically, a boolean as true or false, text as text. ok is false when the operand does not
// fit v's type (the engine would have refused the filter).
func compare(v any, raw string) (int, bool) {
	switch x := v.(type) {
	case float64:
		n, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(n) {
			return 0, false
		}
		switch {
		case x < n:
			return -1, true
		case x > n:
			return 1, true
		}
		return 0, true
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return 0, false
		}
		return compare(f, raw)
	case bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return 0, false
		}
		switch {
		case x == b:
			return 0, true
		case !x:
			return -1, true
		}
		return 1, true
	case string:
		// Dates and ids are typed by the engine: instants compare as instants whatever their
		// spelling, ids whatever their case.
		if a, ok := instant(x); ok {
			if b, ok := instant(raw); ok {
				return a.Compare(b), true
			}
		}
		if ids.IsUUID(x) && ids.IsUUID(raw) {
			return strings.Compare(strings.ToLower(x), strings.ToLower(raw)), true
		}
		return strings.Compare(x, raw), true
	}
	return 0, false
}

// instantLayouts are the spellings of a date or date-time an operand may use (the engine's
// typedValue accepts these too); a date alone is midnight UTC.
var instantLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02", "01/02/2006"}

func instant(s string) (time.Time, bool) {
	if len(s) < len("2006-01-02") || s[0] < '0' || s[0] > '9' {
		return time.Time{}, false
	}
	for _, layout := range instantLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// like matches s against a PostgreSQL LIKE pattern: % any run, _ one character, a backslash
// escaping the next one.
func like(s, pattern string) bool {
	if pattern == "" {
		return s == ""
	}
	r, size := utf8.DecodeRuneInString(pattern)
	rest := pattern[size:]
	switch r {
	case '%':
		for i := 0; ; {
			if like(s[i:], rest) {
				return true
			}
			if i >= len(s) {
				return false
			}
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
		}
	case '_':
		if s == "" {
			return false
		}
		_, n := utf8.DecodeRuneInString(s)
		return like(s[n:], rest)
	case '\\':
		if rest != "" {
			r, size = utf8.DecodeRuneInString(rest)
			rest = rest[size:]
		}
	}
	if s == "" {
		return false
	}
	sr, n := utf8.DecodeRuneInString(s)
	return sr == r && like(s[n:], rest)
}
