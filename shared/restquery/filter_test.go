package restquery

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// Builders of expected filters.

func cond(field string, op recordquery.Op, raw string) *recordquery.Filter {
	return &recordquery.Filter{Field: field, Op: op, Value: recordquery.Value{Raw: raw}}
}

func quoted(field string, op recordquery.Op, raw string) *recordquery.Filter {
	return &recordquery.Filter{Field: field, Op: op, Value: recordquery.Value{Raw: raw, Quoted: true}}
}

func is(field, raw string) *recordquery.Filter {
	return &recordquery.Filter{Field: field, Op: recordquery.Is, Value: recordquery.IsValue(raw)}
}

func list(field string, op recordquery.Op, raw string, items ...recordquery.Value) *recordquery.Filter {
	return &recordquery.Filter{Field: field, Op: op, Value: recordquery.Value{Raw: raw, List: items}}
}

func v(raw string) recordquery.Value  { return recordquery.Value{Raw: raw} }
func qv(raw string) recordquery.Value { return recordquery.Value{Raw: raw, Quoted: true} }

func and(fs ...*recordquery.Filter) *recordquery.Filter { return &recordquery.Filter{And: fs} }
func or(fs ...*recordquery.Filter) *recordquery.Filter  { return &recordquery.Filter{Or: fs} }
func not(f *recordquery.Filter) *recordquery.Filter     { return &recordquery.Filter{Not: f} }

const (
	eq          = recordquery.Eq
	gt          = recordquery.Gt
	gte         = recordquery.Gte
	lt          = recordquery.Lt
	lte         = recordquery.Lte
	in          = recordquery.In
	containsAny = recordquery.ContainsAny
	startsWith  = recordquery.StartsWith
	ilike       = recordquery.ILike
)

// checkBadRequest fails unless err is a *BadRequest with exactly the message want.
func checkBadRequest(t *testing.T, call string, err error, want string) {
	t.Helper()
	var br *BadRequest
	if !errors.As(err, &br) {
		t.Errorf("%s = %v, want a *BadRequest %q", call, err, want)
		return
	}
	if diff := cmp.Diff(br.Messages, []string{want}); diff != "" {
		t.Errorf("%s messages mismatch (-got +want):\n%s", call, diff)
	}
	if br.Error() != want {
		t.Errorf("%s.Error() = %q, want %q", call, br.Error(), want)
	}
}

func TestParseFilter(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *recordquery.Filter
	}{
		// add-default-conjunction.util.spec.ts: a filter without a conjunction is and(…).
		{"single condition", "field[eq]:1", and(cond("field", eq, "1"))},
		{"condition list", "fieldNumber[eq]:1,fieldNumber[eq]:2", and(cond("fieldNumber", eq, "1"), cond("fieldNumber", eq, "2"))},
		// parse-filter.util.spec.ts
		{"spec 1", "and(fieldNumber[eq]:1,fieldNumber[eq]:2)", and(cond("fieldNumber", eq, "1"), cond("fieldNumber", eq, "2"))},
		{"spec 2", "and(fieldNumber[eq]:1,or(fieldNumber[eq]:2,fieldNumber[eq]:3))",
			and(cond("fieldNumber", eq, "1"), or(cond("fieldNumber", eq, "2"), cond("fieldNumber", eq, "3")))},
		{"spec 3", "and(fieldNumber[eq]:1,or(fieldNumber[eq]:2,fieldNumber[eq]:3,and(fieldNumber[eq]:6,fieldNumber[eq]:7)),or(fieldNumber[eq]:4,fieldNumber[eq]:5))",
			and(
				cond("fieldNumber", eq, "1"),
				or(cond("fieldNumber", eq, "2"), cond("fieldNumber", eq, "3"), and(cond("fieldNumber", eq, "6"), cond("fieldNumber", eq, "7"))),
				or(cond("fieldNumber", eq, "4"), cond("fieldNumber", eq, "5")),
			)},
		{"spec 4", `and(fieldText[gt]:"val,ue",or(fieldNumber[is]:NOT_NULL,not(fieldText[startsWith]:"val"),and(fieldNumber[eq]:6,fieldText[ilike]:"%val%")),or(fieldNumber[eq]:4,fieldText[is]:NULL))`,
			and(
				quoted("fieldText", gt, "val,ue"),
				or(is("fieldNumber", "NOT_NULL"), not(quoted("fieldText", startsWith, "val")), and(cond("fieldNumber", eq, "6"), quoted("fieldText", ilike, "%val%"))),
				or(cond("fieldNumber", eq, "4"), is("fieldText", "NULL")),
			)},
		{"spec not", "and(fieldNumber[eq]:1,not(fieldNumber[eq]:2))", and(cond("fieldNumber", eq, "1"), not(cond("fieldNumber", eq, "2")))},
		// The reference's nesting example: a root conjunction is kept as written.
		{"root or with not", `or(createdAt[gte]:"2024-01-01",createdAt[lte]:"2023-01-01",not(id[is]:NULL))`,
			or(quoted("createdAt", gte, "2024-01-01"), quoted("createdAt", lte, "2023-01-01"), not(is("id", "NULL")))},
		{"root not", "not(city[eq]:Paris)", not(cond("city", eq, "Paris"))},
		// parse-base-filter.util.spec.ts
		{"base 1", "price[lte]:100", and(cond("price", lte, "100"))},
		{"base 2: colons in the value", "date[gt]:2023-12-01T14:23:23.914Z", and(cond("date", gt, "2023-12-01T14:23:23.914Z"))},
		{"base 3: ']:[' in the value", "fieldNumber[gt]:valStart]:[valEnd", and(cond("fieldNumber", gt, "valStart]:[valEnd"))},
		{"base 4: dotted path", `person.createdAt[gt]:"2023-12-01T14:23:23.914Z"`, and(quoted("person.createdAt", gt, "2023-12-01T14:23:23.914Z"))},
		{"base 5: list", `person.createdAt[in]:["2023-12-01T14:23:23.914Z","2024-12-01T14:23:23.914Z"]`,
			and(list("person.createdAt", in, `["2023-12-01T14:23:23.914Z","2024-12-01T14:23:23.914Z"]`, qv("2023-12-01T14:23:23.914Z"), qv("2024-12-01T14:23:23.914Z")))},
		// format-field-values.util.spec.ts
		{"in numbers", "fieldNumber[in]:[1,2]", and(list("fieldNumber", in, "[1,2]", v("1"), v("2")))},
		{"containsAny", `tags[containsAny]:["a","b"]`, and(list("tags", containsAny, `["a","b"]`, qv("a"), qv("b")))},
		{"single quotes stripped", "fieldText[eq]:'value'", and(quoted("fieldText", eq, "value"))},
		// parse-filter-content.util.spec.ts: commas inside quotes and brackets do not split.
		{"comma in double quotes", `and(fieldText[eq]:"val,ue")`, and(quoted("fieldText", eq, "val,ue"))},
		{"comma in single quotes", "and(fieldText[eq]:'val,ue')", and(quoted("fieldText", eq, "val,ue"))},
		{"comma in brackets", "and(fieldNumber[in]:[1,2],fieldNumber[eq]:4)", and(list("fieldNumber", in, "[1,2]", v("1"), v("2")), cond("fieldNumber", eq, "4"))},
		// The reference's examples.
		{"composite email", "emails.primaryEmail[eq]:foo@x.com", and(cond("emails.primaryEmail", eq, "foo@x.com"))},
		{"composite name", `name.firstName[eq]:"John"`, and(quoted("name.firstName", eq, "John"))},
		{"relation id in", `companyId[in]:["20202020-0687-4c41-b707-ed1bfca972a7"]`,
			and(list("companyId", in, `["20202020-0687-4c41-b707-ed1bfca972a7"]`, qv("20202020-0687-4c41-b707-ed1bfca972a7")))},
		{"deleted records", "deletedAt[is]:NOT_NULL", and(is("deletedAt", "NOT_NULL"))},
		{"every comparator", "a[eq]:1,a[neq]:1,a[is]:NULL,a[gt]:1,a[gte]:1,a[lt]:1,a[lte]:1,a[startsWith]:1,a[endsWith]:1,a[like]:1,a[ilike]:1",
			and(cond("a", eq, "1"), cond("a", "neq", "1"), is("a", "NULL"), cond("a", gt, "1"), cond("a", gte, "1"), cond("a", lt, "1"),
				cond("a", lte, "1"), cond("a", startsWith, "1"), cond("a", "endsWith", "1"), cond("a", "like", "1"), cond("a", ilike, "1"))},
		// Twenty's quirks, kept so that odd input reads the same.
		{"list items are not trimmed", "id[in]:[a, b]", and(list("id", in, "[a, b]", v("a"), v(" b")))},
		{"list split ignores quotes", `id[in]:["a,b","c"]`, and(list("id", in, `["a,b","c"]`, v(`"a`), v(`b"`), qv("c")))},
		{"empty list is one empty item", "id[in]:[]", and(list("id", in, "[]", v("")))},
		{"is keeps quotes", `id[is]:"NULL"`, and(is("id", `"NULL"`))},
		{"is with other value", "id[is]:null", and(is("id", "null"))},
		{"mixed quotes stripped", `a[eq]:"x'`, and(quoted("a", eq, "x"))},
		{"lone quote kept", `a[eq]:"`, and(cond("a", eq, `"`))},
		{"only one pair of quotes stripped", `a[eq]:""x""`, and(quoted("a", eq, `"x"`))},
		{"items are not trimmed", "and(a[eq]:1, b[eq]:2)", and(cond("a", eq, "1"), cond(" b", eq, "2"))},
		{"parentheses in a value: no default and", `name[eq]:"a(b)"`, quoted("name", eq, "a(b)")},
		{"apostrophe swallows the next comma", "and(name[eq]:O'Brien,city[eq]:x)", and(cond("name", eq, "O'Brien,city[eq]:x"))},
		{"text after the first group is glued", "or(a[eq]:1),or(b[eq]:2)", or(cond("a", eq, "1b[eq]:2"))},
		{"field before the first bracket", "[eq]x[eq]:1", and(cond("", eq, "1"))},
		{"unknown conjunction is a condition on an odd field", "xor(a[eq]:1)", cond("xor(a", eq, "1)")},
		{"deep sub-path", "a.b.c[eq]:1", and(cond("a.b.c", eq, "1"))},
		{"non-ASCII", "city[eq]:Zürich,name[like]:\"%é%\"", and(cond("city", eq, "Zürich"), quoted("name", "like", "%é%"))},
		{"deepest nesting allowed", strings.Repeat("not(", recordquery.MaxFilterDepth) + "a[eq]:1" + strings.Repeat(")", recordquery.MaxFilterDepth),
			func() *recordquery.Filter {
				f := cond("a", eq, "1")
				for range recordquery.MaxFilterDepth {
					f = not(f)
				}
				return f
			}()},
	}
	for _, tt := range tests {
		got, err := ParseFilter(tt.in)
		if err != nil {
			t.Errorf("%s: ParseFilter(%q) = %v", tt.name, tt.in, err)
			continue
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s: ParseFilter(%q) mismatch (-got +want):\n%s", tt.name, tt.in, diff)
		}
		if err := got.Validate(); err != nil {
			t.Errorf("%s: ParseFilter(%q).Validate() = %v", tt.name, tt.in, err)
		}
	}
}

func TestParseFilterErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		// check-filter-query.util.spec.ts
		{"(", "'filter' invalid. 1 close bracket is missing in the query"},
		{")", "'filter' invalid. 1 open bracket is missing in the query"},
		{"(()", "'filter' invalid. 1 close bracket is missing in the query"},
		{"()))", "'filter' invalid. 2 open brackets are missing in the query"},
		{"((a", "'filter' invalid. 2 close brackets are missing in the query"},
		{"and(or(fieldNumber[eq]:1,fieldNumber[eq]:2)),fieldNumber[eq]:3)", "'filter' invalid. 1 open bracket is missing in the query"},
		{`name[eq]:"a(b"`, "'filter' invalid. 1 close bracket is missing in the query"}, // quotes do not hide parentheses
		// parse-base-filter.util.ts: not field[comparator]:value
		{"fieldNumber[wrongComparator:1", "'filter' invalid for 'fieldNumber[wrongComparator:1'. eg: price[gte]:10"},
		{"price", "'filter' invalid for 'price'. eg: price[gte]:10"},
		{"price[gte]:", "'filter' invalid for 'price[gte]:'. eg: price[gte]:10"},
		{"[gte]:10", "'filter' invalid for '[gte]:10'. eg: price[gte]:10"},
		{"price[]:10", "'filter' invalid for 'price[]:10'. eg: price[gte]:10"},
		{"and(a[eq]:1,b)", "'filter' invalid for 'b'. eg: price[gte]:10"},
		{"and(,)", "'filter' invalid for ''. eg: price[gte]:10"},
		// An empty filter becomes and(), which is not a conjunction (its inside is empty).
		{"", "'filter' invalid for 'and()'. eg: price[gte]:10"},
		{"and()", "'filter' invalid for 'and()'. eg: price[gte]:10"},
		// A line terminator defeats both of Twenty's regular expressions.
		{"a[eq]:1\n", "'filter' invalid for 'and(a[eq]:1\n)'. eg: price[gte]:10"},
		{"and(a[eq]:\u2028)", "'filter' invalid for 'and(a[eq]:\u2028)'. eg: price[gte]:10"},
		// parse-base-filter.util.ts: unknown comparator.
		{"fieldNumber[wrongComparator]:1", "'filter' invalid for 'fieldNumber[wrongComparator]:1', comparator wrongComparator not in eq, neq, in, containsAny, is, gt, gte, lt, lte, startsWith, endsWith, like, ilike"},
		{"a[EQ]:1", "'filter' invalid for 'a[EQ]:1', comparator EQ not in eq, neq, in, containsAny, is, gt, gte, lt, lte, startsWith, endsWith, like, ilike"},
		{"a[containsExactly]:[1]", "'filter' invalid for 'a[containsExactly]:[1]', comparator containsExactly not in eq, neq, in, containsAny, is, gt, gte, lt, lte, startsWith, endsWith, like, ilike"},
		{"a:b[eq]:1", "'filter' invalid for 'a:b[eq]:1', comparator eq]:1 not in eq, neq, in, containsAny, is, gt, gte, lt, lte, startsWith, endsWith, like, ilike"},
		// format-field-values.util.spec.ts: in and containsAny need a list.
		{"date[in]:2024-12-01T14:23:23.914Z", "'filter' invalid for 'in' operator. Received '2024-12-01T14:23:23.914Z' but array value expected eg: 'field[in]:[value_1,value_2]'"},
		{"date[containsAny]:2024-12-01T14:23:23.914Z", "'filter' invalid for 'containsAny' operator. Received '2024-12-01T14:23:23.914Z' but array value expected eg: 'field[containsAny]:[value_1,value_2]'"},
		{"id[in]:[", "'filter' invalid for 'in' operator. Received '[' but array value expected eg: 'field[in]:[value_1,value_2]'"},
		{`id[in]:"[a]"`, `'filter' invalid for 'in' operator. Received '"[a]"' but array value expected eg: 'field[in]:[value_1,value_2]'`},
		// parse-filter.util.ts: not takes one condition; its items are parsed first.
		{"not(a[eq]:1,b[eq]:2)", "'filter' invalid. 'not' conjunction should contain only 1 condition. eg: not(field[eq]:1)"},
		{"and(c[eq]:1,not(a[eq]:1,b[eq]:2))", "'filter' invalid. 'not' conjunction should contain only 1 condition. eg: not(field[eq]:1)"},
		{"not(a[eq]:1,b)", "'filter' invalid for 'b'. eg: price[gte]:10"},
		// This package's bounds.
		{strings.Repeat("not(", recordquery.MaxFilterDepth+1) + "a[eq]:1" + strings.Repeat(")", recordquery.MaxFilterDepth+1),
			"'filter' invalid. Conjunctions are nested more than 32 levels deep"},
		{strings.Repeat("or(", 3000) + "a[eq]:1" + strings.Repeat(")", 3000), "'filter' invalid. Conjunctions are nested more than 32 levels deep"},
		{"a[eq]:" + strings.Repeat("x", MaxParamLen), "'filter' parameter invalid. It is longer than 16384 characters"},
	}
	for _, tt := range tests {
		got, err := ParseFilter(tt.in)
		if err == nil {
			t.Errorf("ParseFilter(%q) = %+v, want error %q", tt.in, got, tt.want)
			continue
		}
		checkBadRequest(t, "ParseFilter("+abbrev(tt.in)+")", err, tt.want)
	}
}

func abbrev(s string) string {
	if len(s) > 60 {
		return strings.Clone(s[:60]) + "…"
	}
	return s
}

// TestParseFilterCost checks that the largest, most nested and most split filters parse in
// time roughly linear in their length.
func TestParseFilterCost(t *testing.T) {
	wide := strings.Repeat("a[eq]:1,", MaxParamLen/8-1) + "a[eq]:1"
	nested := strings.Repeat("or(", recordquery.MaxFilterDepth-1) + "a[eq]:" + strings.Repeat("x,", (MaxParamLen-200)/2) + "x" + strings.Repeat(")", recordquery.MaxFilterDepth-1)
	quotes := strings.Repeat(`"(`, MaxParamLen/4) + strings.Repeat(`)"`, MaxParamLen/4)
	brackets := "and(" + strings.Repeat("[", MaxParamLen-10) + ")"
	for _, in := range []string{wide, nested, quotes, brackets} {
		if len(in) > MaxParamLen {
			t.Fatalf("input of %d bytes, want at most %d", len(in), MaxParamLen)
		}
		start := time.Now()
		_, _ = ParseFilter(in)
		if d := time.Since(start); d > time.Second {
			t.Errorf("ParseFilter(%s) took %v", abbrev(in), d)
		}
	}
	f, err := ParseFilter(wide)
	if err != nil || len(f.And) != MaxParamLen/8 {
		t.Errorf("ParseFilter(wide) = %v, %v; want an and of %d", f != nil, err, MaxParamLen/8)
	}
}
