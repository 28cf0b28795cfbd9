package restquery

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/twentyworkers/twenty/shared/recordquery"
)

// runBounded runs fn and fails the process if it does not return within a few seconds.
func runBounded(name, in string, fn func()) time.Duration {
	watchdog := time.AfterFunc(5*time.Second, func() { panic(fmt.Sprintf("%s(%q) hangs", name, in)) })
	defer watchdog.Stop()
	start := time.Now()
	fn()
	return time.Since(start)
}

// checkError fails unless err is a *BadRequest with one non-empty message.
func checkError(t *testing.T, call string, err error) {
	t.Helper()
	var br *BadRequest
	if !errors.As(err, &br) || len(br.Messages) != 1 || br.Messages[0] == "" {
		t.Errorf("%s = %#v, want a *BadRequest with one message", call, err)
	}
}

// FuzzParseFilter parses arbitrary filters: whatever the input, ParseFilter answers a valid tree
// or a *BadRequest, never a panic or a hang.
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
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := runBounded("ParseFilter", s, func() {
			filter, err := ParseFilter(s)
			switch {
			case err != nil:
				checkError(t, fmt.Sprintf("ParseFilter(%q)", s), err)
			case filter == nil:
				t.Errorf("ParseFilter(%q) = nil, nil", s)
			default:
				if err := filter.Validate(); err != nil {
					t.Errorf("ParseFilter(%q).Validate() = %v", s, err)
				}
			}
		})
		if d > time.Second {
			t.Errorf("ParseFilter(%q) took %v", s, d)
		}
	})
}

// FuzzParseOrderBy parses arbitrary orderings: whatever the input, ParseOrderBy answers one
// valid order per comma-separated item or a *BadRequest, never a panic or a hang.
func FuzzParseOrderBy(f *testing.F) {
	for _, s := range []string{
		"fieldNumber[AscNullsFirst],fieldText[DescNullsLast]",
		"field_1[AscNullsFirst],field_2[DescNullsLast],field_3",
		"fieldCurrency.amountMicros[DescNullsLast],fieldText.label[AscNullsLast]",
		"fieldText[invalid]", "a[[AscNullsFirst]", "a]x[DescNullsLast", "a[AscNullsFirst]]", "", ",", "\xff[\xfe]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := runBounded("ParseOrderBy", s, func() {
			orders, err := ParseOrderBy(s)
			if err != nil {
				checkError(t, fmt.Sprintf("ParseOrderBy(%q)", s), err)
				return
			}
			if got, want := len(orders), strings.Count(s, ",")+1; got != want {
				t.Errorf("ParseOrderBy(%q) = %d orders, want %d", s, got, want)
			}
			for _, o := range orders {
				if !o.Direction.Valid() {
					t.Errorf("ParseOrderBy(%q): invalid direction %q", s, o.Direction)
				}
			}
		})
		if d > time.Second {
			t.Errorf("ParseOrderBy(%q) took %v", s, d)
		}
	})
}

// FuzzNumericParams reads arbitrary limit and depth values: whatever the input, each answers a
// number only for plain decimal digits, in range (limit clamped to the maximum, depth 0 or 1),
// and a *BadRequest for anything else.
func FuzzNumericParams(f *testing.F) {
	for _, s := range []string{
		"0", "1", "10", "200", "201", "007", "2147483647", "2147483648", "4294967297",
		"1e309", "1e1", "Infinity", "-Infinity", "NaN", "0x10", "0o12", "0b1010", "-0", "+5",
		"1.0", "5.", ".5", " 1", "1 ", "\u00a01", "\u0661", "1\x00", "", " ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		digits := s != "" && strings.Trim(s, "0123456789") == ""
		values := url.Values{"limit": {s}, "depth": {s}}
		limit, err := LimitParam(values)
		switch {
		case s == "":
			if err != nil || limit != recordquery.DefaultLimit {
				t.Errorf("LimitParam(%q) = %d, %v; want the default", s, limit, err)
			}
		case err != nil:
			checkError(t, fmt.Sprintf("LimitParam(%q)", s), err)
		case !digits || limit < 0 || limit > recordquery.MaxLimit:
			t.Errorf("LimitParam(%q) = %d, want a *BadRequest or a limit in [0, %d]", s, limit, recordquery.MaxLimit)
		}
		depth, err := DepthParam(values)
		switch {
		case err != nil:
			checkError(t, fmt.Sprintf("DepthParam(%q)", s), err)
		case s != "" && !digits || depth != 0 && depth != 1:
			t.Errorf("DepthParam(%q) = %d, want a *BadRequest, 0 or 1", s, depth)
		}
	})
}
