package restquery

import (
	"errors"
	"fmt"
	"github.com/twentyworkers/twenty/shared/fuzzcost"
	"net/url"
	"strings"
	"testing"

	"github.com/twentyworkers/twenty/shared/recordquery"
)

// checkError fails unless err is a *BadRequest with one non-empty message.
func checkError(t *testing.T, call string, err error) {
	t.Helper()
	var br *BadRequest
	if !errors.As(err, &br) || len(br.Messages) != 1 || br.Messages[0] == "" {
		t.Errorf("%s = %#v, want a *BadRequest with one message", call, err)
	}
}

// FuzzParseFilter parses arbitrary filters: whatever the input, ParseFilter answers a valid tree
// or a *BadRequest, never a panic or a hang, and its cost per byte stays within checkCost's bounds
// as the filter grows (repeated, listed in an and(…), nested in not(…)).
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		"field[eq]:1",
		"fieldNumber[eq]:1,fieldNumber[eq]:2",
		`and(fieldText[gt]:"val,ue",or(fieldNumber[is]:NOT_NULL,not(fieldText[startsWith]:"val"),and(fieldNumber[eq]:6,fieldText[ilike]:"%val%")),or(fieldNumber[eq]:4,fieldText[is]:NULL))`,
		`or(createdAt[gte]:"2024-01-01",createdAt[lte]:"2023-01-01",not(id[is]:NULL))`,
		`person.createdAt[in]:["2023-12-01T14:23:23.914Z","2024-12-01T14:23:23.914Z"]`,
		"fieldNumber[gt]:valStart]:[valEnd",
		"and(name[eq]:O'Brien,city[eq]:x)",
		"or(a[eq]:1),or(b[eq]:2)",
		"not(a[eq]:1,b[eq]:2)",
		"a:b[eq]:1",
		"id[in]:[",
		"(", "()))", "", "and()", "and(,)", "[eq]x[eq]:1", "a[eq]:1\n", "\xff[eq]:\xfe",
		strings.Repeat("not(", 40) + "a[eq]:1" + strings.Repeat(")", 40),
		// The shapes that cost more than their size where a parser rescans or copies: conjunctions
		// nested to the limit and past it, long lists, long values and names, many brackets.
		strings.Repeat("and(a[eq]:1,", 31) + "b[eq]:2" + strings.Repeat(")", 31),
		strings.Repeat("or(not(", 16) + "a[eq]:1" + strings.Repeat("))", 16),
		"and(" + strings.Repeat("a[in]:[1,2,3],", 500) + "b[eq]:1)",
		"or(" + strings.Repeat(`a[like]:"%x%",`, 500) + "b[is]:NULL)",
		`a[eq]:"` + strings.Repeat("x", 5000) + `"`,
		strings.Repeat("a", 5000) + "[eq]:1",
		"a[in]:" + strings.Repeat("[", 3000) + strings.Repeat("]", 3000),
		strings.Repeat("(", 3000) + "a[eq]:1" + strings.Repeat(")", 3000),
		`a[eq]:"` + strings.Repeat(`,'"`, 2000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, grow := range filterGrowths(s) {
			fuzzcost.Check(t, grow, MaxParamLen, parseFilter, func(in string, r result[*recordquery.Filter]) string {
				switch {
				case r.err != nil:
					checkError(t, fmt.Sprintf("ParseFilter(%.300q)", in), r.err)
				case r.value == nil:
					t.Errorf("ParseFilter(%.300q) = nil, nil", in)
				default:
					if err := r.value.Validate(); err != nil {
						t.Errorf("ParseFilter(%.300q).Validate() = %v", in, err)
					}
				}
				return r.answer()
			})
		}
	})
}

// filterGrowths are the ways a filter s grows: repeated (a longer value or name), k copies listed
// in and(…), nested in k not(…) (refused past recordquery.MaxFilterDepth).
func filterGrowths(s string) []func(k int) string {
	return []func(int) string{
		func(k int) string { return strings.Repeat(s, k) },
		func(k int) string { return "and(" + strings.Repeat(s+",", k-1) + s + ")" },
		func(k int) string { return strings.Repeat("not(", k) + s + strings.Repeat(")", k) },
	}
}

func parseFilter(s string) result[*recordquery.Filter] {
	v, err := ParseFilter(s)
	return result[*recordquery.Filter]{v, err}
}

// result is what a parser answered.
type result[T any] struct {
	value T
	err   error
}

// answer names the kind of answer r is: its message without digits (which count what grew), or ok.
func (r result[T]) answer() string {
	if r.err == nil {
		return "ok"
	}
	return fmt.Sprintf("%.48s", strings.Map(func(c rune) rune {
		if '0' <= c && c <= '9' {
			return -1
		}
		return c
	}, r.err.Error()))
}

// FuzzParseOrderBy parses arbitrary orderings: whatever the input, ParseOrderBy answers one
// valid order per comma-separated item or a *BadRequest, never a panic or a hang, and its cost per
// byte stays within checkCost's bounds as the ordering grows (repeated, or k items).
func FuzzParseOrderBy(f *testing.F) {
	for _, s := range []string{
		"fieldNumber[AscNullsFirst],fieldText[DescNullsLast]",
		"field_1[AscNullsFirst],field_2[DescNullsLast],field_3",
		"fieldCurrency.amountMicros[DescNullsLast],fieldText.label[AscNullsLast]",
		"fieldText[invalid]", "a[[AscNullsFirst]", "a]x[DescNullsLast", "a[AscNullsFirst]]", "", ",", "\xff[\xfe]",
		// Many items, long names and directions, many brackets.
		strings.Repeat("a[AscNullsFirst],", 1000) + "b",
		strings.Repeat("a.b", 3000) + "[DescNullsLast]",
		"a[" + strings.Repeat("AscNullsFirst", 1000) + "]",
		strings.Repeat("[", 5000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, grow := range []func(int) string{
			func(k int) string { return strings.Repeat(s, k) },
			func(k int) string { return strings.Repeat(s+",", k-1) + s },
		} {
			fuzzcost.Check(t, grow, MaxParamLen, parseOrderBy, func(in string, r result[[]recordquery.Order]) string {
				if r.err != nil {
					checkError(t, fmt.Sprintf("ParseOrderBy(%.300q)", in), r.err)
					return r.answer()
				}
				if got, want := len(r.value), strings.Count(in, ",")+1; got != want {
					t.Errorf("ParseOrderBy(%.300q) = %d orders, want %d", in, got, want)
				}
				for _, o := range r.value {
					if !o.Direction.Valid() {
						t.Errorf("ParseOrderBy(%.300q): invalid direction %q", in, o.Direction)
					}
				}
				return r.answer()
			})
		}
	})
}

func parseOrderBy(s string) result[[]recordquery.Order] {
	v, err := ParseOrderBy(s)
	return result[[]recordquery.Order]{v, err}
}

// FuzzNumericParams reads arbitrary limit and depth values: whatever the input, each answers a
// number only for plain decimal digits, in range (limit clamped to the maximum, depth 0 or 1),
// and a *BadRequest for anything else; and its cost per byte stays within checkCost's bounds as
// the value grows (repeated).
func FuzzNumericParams(f *testing.F) {
	for _, s := range []string{
		"0", "1", "10", "200", "201", "007", "2147483647", "2147483648", "4294967297",
		"1e309", "1e1", "Infinity", "-Infinity", "NaN", "0x10", "0o12", "0b1010", "-0", "+5",
		"1.0", "5.", ".5", " 1", "1 ", "\u00a01", "\u0661", "1\x00", "", " ",
		// Long values: digits, zeros before a digit, spaces.
		strings.Repeat("9", 10000), strings.Repeat("0", 10000) + "1", strings.Repeat(" ", 10000) + "1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzcost.Check(t, func(k int) string { return strings.Repeat(s, k) }, MaxParamLen, parseNumeric,
			func(s string, r numeric) string { // s grown
				digits := s != "" && strings.Trim(s, "0123456789") == ""
				switch {
				case s == "":
					if r.limit.err != nil || r.limit.value != recordquery.DefaultLimit {
						t.Errorf("LimitParam(%.300q) = %d, %v; want the default", s, r.limit.value, r.limit.err)
					}
				case r.limit.err != nil:
					checkError(t, fmt.Sprintf("LimitParam(%.300q)", s), r.limit.err)
				case !digits || r.limit.value < 0 || r.limit.value > recordquery.MaxLimit:
					t.Errorf("LimitParam(%.300q) = %d, want a *BadRequest or a limit in [0, %d]", s, r.limit.value, recordquery.MaxLimit)
				}
				switch {
				case r.depth.err != nil:
					checkError(t, fmt.Sprintf("DepthParam(%.300q)", s), r.depth.err)
				case s != "" && !digits || r.depth.value != 0 && r.depth.value != 1:
					t.Errorf("DepthParam(%.300q) = %d, want a *BadRequest, 0 or 1", s, r.depth.value)
				}
				return r.limit.answer() + "; " + r.depth.answer()
			})
	})
}

// numeric is what LimitParam and DepthParam answered for one value.
type numeric struct{ limit, depth result[int] }

func parseNumeric(s string) numeric {
	values := url.Values{"limit": {s}, "depth": {s}}
	var r numeric
	r.limit.value, r.limit.err = LimitParam(values)
	r.depth.value, r.depth.err = DepthParam(values)
	return r
}

// checkCost and what it needs are shared/graphql's fuzz_test.go's, copied: test code is not
// shared between packages.
