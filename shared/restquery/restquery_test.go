package restquery

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

const (
	ascFirst  = recordquery.AscNullsFirst
	ascLast   = recordquery.AscNullsLast
	descFirst = recordquery.DescNullsFirst
	descLast  = recordquery.DescNullsLast
)

func ord(field string, d recordquery.Direction) recordquery.Order {
	return recordquery.Order{Field: field, Direction: d}
}

// badDirection is Twenty's message for an unknown order_by direction
// (order-by-parser-utils/utils/parse-order-by-rest-request-common.util.ts).
func badDirection(d string) string {
	return "'order_by' direction '" + d + "' invalid. Allowed values are 'AscNullsFirst', 'AscNullsLast', 'DescNullsFirst', 'DescNullsLast'. eg: ?order_by=field_1[AscNullsFirst],field_2[DescNullsLast],field_3"
}

func TestParseOrderBy(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []recordquery.Order
	}{
		// parse-order-by-rest-request.util.spec.ts, without the id tie-breaker, which the
		// engine appends.
		{"two fields", "fieldNumber[AscNullsFirst],fieldText[DescNullsLast]", []recordquery.Order{ord("fieldNumber", ascFirst), ord("fieldText", descLast)}},
		{"default direction", "fieldNumber", []recordquery.Order{ord("fieldNumber", ascFirst)}},
		{"complex field", "fieldCurrency.amountMicros", []recordquery.Order{ord("fieldCurrency.amountMicros", ascFirst)}},
		{"complex field with direction", "fieldCurrency.amountMicros[DescNullsLast]", []recordquery.Order{ord("fieldCurrency.amountMicros", descLast)}},
		{"complex fields", "fieldCurrency.amountMicros[DescNullsLast],fieldText.label[AscNullsLast]",
			[]recordquery.Order{ord("fieldCurrency.amountMicros", descLast), ord("fieldText.label", ascLast)}},
		// The reference's examples.
		{"reference", "field_1[AscNullsFirst],field_2[DescNullsLast],field_3", []recordquery.Order{ord("field_1", ascFirst), ord("field_2", descLast), ord("field_3", ascFirst)}},
		{"position", "position[DescNullsLast]", []recordquery.Order{ord("position", descLast)}},
		{"composite root parses (the engine rejects it)", "name[AscNullsLast]", []recordquery.Order{ord("name", ascLast)}},
		{"desc nulls first", "a[DescNullsFirst]", []recordquery.Order{ord("a", descFirst)}},
		{"id kept as given", "id[DescNullsLast]", []recordquery.Order{ord("id", descLast)}},
		// Twenty's quirks.
		{"empty is the field \"\"", "", []recordquery.Order{ord("", ascFirst)}},
		{"empty items", "a,,b", []recordquery.Order{ord("a", ascFirst), ord("", ascFirst), ord("b", ascFirst)}},
		{"items are not trimmed", "a, b[DescNullsLast]", []recordquery.Order{ord("a", ascFirst), ord(" b", descLast)}},
		{"only '[' is no direction", "a[DescNullsLast", []recordquery.Order{ord("a[DescNullsLast", ascFirst)}},
		{"only ']' is no direction", "a]", []recordquery.Order{ord("a]", ascFirst)}},
		{"']' before '['", "a]x[DescNullsLast", []recordquery.Order{ord("a]x", descLast)}},
		{"second '[' ends the direction", "a[DescNullsLast][x]", []recordquery.Order{ord("a", descLast)}},
	}
	for _, tt := range tests {
		got, err := ParseOrderBy(tt.in)
		if err != nil {
			t.Errorf("%s: ParseOrderBy(%q) = %v", tt.name, tt.in, err)
			continue
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s: ParseOrderBy(%q) mismatch (-got +want):\n%s", tt.name, tt.in, diff)
		}
	}
}

func TestParseOrderByErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"fieldText[invalid]", badDirection("invalid")}, // parse-order-by-rest-request.util.spec.ts
		{"a[asc]", badDirection("asc")},
		{"a[ascnullsfirst]", badDirection("ascnullsfirst")},
		{"a[]", badDirection("")},
		{"a[[AscNullsFirst]", badDirection("")},
		{"a[AscNullsFirst]x", badDirection("AscNullsFirstx")},
		{"a[AscNullsFirst]]", badDirection("AscNullsFirst]")},
		{"a[toString]", badDirection("toString")}, // JavaScript's `in` would take it
		{"a,b[DescNullsLast],c[Up]", badDirection("Up")},
		{strings.Repeat("a,", MaxParamLen/2) + "a", "'order_by' parameter invalid. It is longer than 16384 characters"},
	}
	for _, tt := range tests {
		got, err := ParseOrderBy(tt.in)
		if err == nil {
			t.Errorf("ParseOrderBy(%q) = %v, want error %q", abbrev(tt.in), got, tt.want)
			continue
		}
		checkBadRequest(t, "ParseOrderBy("+abbrev(tt.in)+")", err, tt.want)
	}
}

// limitError is Twenty's message (limit-parser-utils/parse-limit-rest-request.util.ts).
func limitError(raw string) string { return "limit '" + raw + "' is invalid. Should be an integer" }

// depthError is Twenty's message (depth-parser-utils/parse-depth-rest-request.util.ts).
func depthError(raw string) string {
	return "'depth=" + raw + "' parameter invalid. Allowed values are 0, 1"
}

func TestLimitParam(t *testing.T) {
	tests := []struct {
		values  url.Values
		want    int
		wantErr string
	}{
		{url.Values{}, 60, ""},
		{url.Values{"limit": {""}}, 60, ""},
		{url.Values{"limit": {"10"}}, 10, ""},
		{url.Values{"limit": {"3"}}, 3, ""},
		{url.Values{"limit": {"0"}}, 0, ""},
		{url.Values{"limit": {"200"}}, 200, ""},
		{url.Values{"limit": {"201"}}, 200, ""}, // clamped, not refused
		{url.Values{"limit": {"2147483647"}}, 200, ""},
		{url.Values{"limit": {"007"}}, 7, ""},
		// Only plain decimal integers: JavaScript's unary + reads all of these as numbers, Twenty
		// too, but this package refuses them with Twenty's message.
		{url.Values{"limit": {"1000000000000000000000"}}, 0, limitError("1000000000000000000000")},
		{url.Values{"limit": {"2147483648"}}, 0, limitError("2147483648")},
		{url.Values{"limit": {"1e309"}}, 0, limitError("1e309")},
		{url.Values{"limit": {"Infinity"}}, 0, limitError("Infinity")},
		{url.Values{"limit": {"+Infinity"}}, 0, limitError("+Infinity")},
		{url.Values{"limit": {"250.5"}}, 0, limitError("250.5")},
		{url.Values{"limit": {" 10 "}}, 0, limitError(" 10 ")},
		{url.Values{"limit": {"\u00a010\ufeff"}}, 0, limitError("\u00a010\ufeff")},
		{url.Values{"limit": {"+5"}}, 0, limitError("+5")},
		{url.Values{"limit": {"1e1"}}, 0, limitError("1e1")},
		{url.Values{"limit": {"5."}}, 0, limitError("5.")},
		{url.Values{"limit": {"5.0"}}, 0, limitError("5.0")},
		{url.Values{"limit": {"0x10"}}, 0, limitError("0x10")},
		{url.Values{"limit": {"0xa"}}, 0, limitError("0xa")},
		{url.Values{"limit": {"0o12"}}, 0, limitError("0o12")},
		{url.Values{"limit": {"0b1010"}}, 0, limitError("0b1010")},
		{url.Values{"limit": {"-0"}}, 0, limitError("-0")},
		{url.Values{"limit": {" "}}, 0, limitError(" ")},
		{url.Values{"limit": {"\u0661\u0660"}}, 0, limitError("\u0661\u0660")}, // Arabic-Indic digits
		{url.Values{"limit": {"1\x00"}}, 0, limitError("1\x00")},
		// parse-limit-rest-request.util.spec.ts
		{url.Values{"limit": {"aaa"}}, 0, limitError("aaa")},
		{url.Values{"limit": {"-1"}}, 0, limitError("-1")},
		{url.Values{"limit": {"-Infinity"}}, 0, limitError("-Infinity")},
		{url.Values{"limit": {"NaN"}}, 0, limitError("NaN")},
		{url.Values{"limit": {"10abc"}}, 0, limitError("10abc")},
		{url.Values{"limit": {"1_0"}}, 0, limitError("1_0")},
		{url.Values{"limit": {"0x"}}, 0, limitError("0x")},
		{url.Values{"limit": {"0xg"}}, 0, limitError("0xg")},
		{url.Values{"limit": {"-0x1"}}, 0, limitError("-0x1")},
		{url.Values{"limit": {"1e"}}, 0, limitError("1e")},
		{url.Values{"limit": {"."}}, 0, limitError(".")},
		{url.Values{"limit": {"inf"}}, 0, limitError("inf")},
		// A repeated parameter is an array, which JavaScript reads as "a,b": not a number.
		{url.Values{"limit": {"1", "2"}}, 0, limitError("1,2")},
		// This package refuses fractions under the maximum (Twenty's record API passes them on).
		{url.Values{"limit": {"1.5"}}, 0, limitError("1.5")},
		{url.Values{"limit": {".5"}}, 0, limitError(".5")},
	}
	for _, tt := range tests {
		got, err := LimitParam(tt.values)
		if tt.wantErr != "" {
			checkBadRequest(t, "LimitParam("+tt.values.Encode()+")", err, tt.wantErr)
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("LimitParam(%s) = %d, %v; want %d", tt.values.Encode(), got, err, tt.want)
		}
	}
}

func TestDepthParam(t *testing.T) {
	tests := []struct {
		values  url.Values
		want    int
		wantErr string
	}{
		{url.Values{}, 0, ""},
		{url.Values{"depth": {""}}, 0, ""},
		{url.Values{"depth": {"0"}}, 0, ""},
		{url.Values{"depth": {"1"}}, 1, ""},
		{url.Values{"depth": {"00"}}, 0, ""},
		// Only plain decimal integers, unlike Twenty's unary +.
		{url.Values{"depth": {"1.0"}}, 0, depthError("1.0")},
		{url.Values{"depth": {" 1"}}, 0, depthError(" 1")},
		{url.Values{"depth": {"-0"}}, 0, depthError("-0")},
		{url.Values{"depth": {"0x1"}}, 0, depthError("0x1")},
		{url.Values{"depth": {"1e0"}}, 0, depthError("1e0")},
		{url.Values{"depth": {"Infinity"}}, 0, depthError("Infinity")},
		{url.Values{"depth": {"4294967297"}}, 0, depthError("4294967297")}, // 1 modulo 2^32
		// parse-depth-rest-request.util.spec.ts
		{url.Values{"depth": {"invalid"}}, 0, depthError("invalid")},
		{url.Values{"depth": {"2"}}, 0, depthError("2")},
		{url.Values{"depth": {"-1"}}, 0, depthError("-1")},
		{url.Values{"depth": {"0.5"}}, 0, depthError("0.5")},
		{url.Values{"depth": {"0", "1"}}, 0, depthError("0,1")},
	}
	for _, tt := range tests {
		got, err := DepthParam(tt.values)
		if tt.wantErr != "" {
			checkBadRequest(t, "DepthParam("+tt.values.Encode()+")", err, tt.wantErr)
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("DepthParam(%s) = %d, %v; want %d", tt.values.Encode(), got, err, tt.want)
		}
	}
}

func TestFieldsParam(t *testing.T) {
	// fields-parser-utils/parse-fields-rest-request.util.ts
	const empty = "'fields' parameter is empty. Expected a comma-separated list of field names, e.g. fields=id,name"
	tests := []struct {
		values  url.Values
		want    []string
		wantErr string
	}{
		{url.Values{}, nil, ""},
		{url.Values{"fields": {"id"}}, []string{"id"}, ""},
		{url.Values{"fields": {"id,name,emails,company"}}, []string{"id", "name", "emails", "company"}, ""},
		{url.Values{"fields": {" name , emails ,, "}}, []string{"name", "emails"}, ""},
		{url.Values{"fields": {"name,emails,name"}}, []string{"name", "emails"}, ""},
		{url.Values{"fields": {"name", "emails,company"}}, []string{"name", "emails", "company"}, ""},
		{url.Values{"fields": {""}}, nil, empty},
		{url.Values{"fields": {" , "}}, nil, empty},
		{url.Values{"fields": {"", ","}}, nil, empty},
	}
	for _, tt := range tests {
		got, err := FieldsParam(tt.values)
		if tt.wantErr != "" {
			checkBadRequest(t, "FieldsParam("+tt.values.Encode()+")", err, tt.wantErr)
			continue
		}
		if err != nil {
			t.Errorf("FieldsParam(%s) = %v", tt.values.Encode(), err)
			continue
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("FieldsParam(%s) mismatch (-got +want):\n%s", tt.values.Encode(), diff)
		}
	}
}

func TestOmitNullValuesParam(t *testing.T) {
	tests := []struct {
		values url.Values
		want   bool
	}{
		{url.Values{}, false},
		{url.Values{"omit_null_values": {"true"}}, true},
		{url.Values{"omit_null_values": {"false"}}, false},
		{url.Values{"omit_null_values": {"TRUE"}}, false},
		{url.Values{"omit_null_values": {"1"}}, false},
		{url.Values{"omit_null_values": {""}}, false},
		{url.Values{"omit_null_values": {"true", "true"}}, false},
	}
	for _, tt := range tests {
		if got := OmitNullValuesParam(tt.values); got != tt.want {
			t.Errorf("OmitNullValuesParam(%s) = %v, want %v", tt.values.Encode(), got, tt.want)
		}
	}
}

func TestFilterAndOrderByParams(t *testing.T) {
	f, err := FilterParam(url.Values{"filter": {"a[eq]:1"}})
	if diff := cmp.Diff(f, and(cond("a", eq, "1"))); err != nil || diff != "" {
		t.Errorf("FilterParam(a[eq]:1) = %v, mismatch (-got +want):\n%s", err, diff)
	}
	for _, values := range []url.Values{{}, {"filter": {"a[eq]:1", "b[eq]:2"}}, {"filter": {"(", "("}}} {
		if f, err := FilterParam(values); f != nil || err != nil {
			t.Errorf("FilterParam(%s) = %v, %v; want nil, nil (Twenty ignores a non-string filter)", values.Encode(), f, err)
		}
	}
	_, err = FilterParam(url.Values{"filter": {""}})
	checkBadRequest(t, "FilterParam(filter=)", err, "'filter' invalid for 'and()'. eg: price[gte]:10")

	o, err := OrderByParam(url.Values{"order_by": {"a[DescNullsLast]"}})
	if diff := cmp.Diff(o, []recordquery.Order{ord("a", descLast)}); err != nil || diff != "" {
		t.Errorf("OrderByParam(a[DescNullsLast]) = %v, mismatch (-got +want):\n%s", err, diff)
	}
	for _, values := range []url.Values{{}, {"order_by": {"a", "b[bad]"}}} {
		if o, err := OrderByParam(values); o != nil || err != nil {
			t.Errorf("OrderByParam(%s) = %v, %v; want nil, nil (Twenty ignores a non-string order_by)", values.Encode(), o, err)
		}
	}
}

func TestCursorParams(t *testing.T) {
	good := recordquery.EncodeCursor([]recordquery.Order{ord("position", descLast)}, map[string]any{"position": 3, "id": "x"})
	other := recordquery.EncodeCursor(nil, map[string]any{"id": "y"})
	tests := []struct {
		name          string
		values        url.Values
		after, before string
		wantErr       string
		wantCause     error // errors.Is target, or nil
	}{
		{"none", url.Values{}, "", "", "", nil},
		{"starting_after", url.Values{"starting_after": {good}}, good, "", "", nil},
		{"ending_before", url.Values{"ending_before": {good}}, "", good, "", nil},
		{"empty is absent", url.Values{"starting_after": {""}, "ending_before": {""}}, "", "", "", nil},
		{"empty with the other", url.Values{"starting_after": {""}, "ending_before": {good}}, "", good, "", nil},
		{"repeated is ignored", url.Values{"starting_after": {good, other}}, "", "", "", nil},
		// common-find-many-query-runner.service.ts
		{"both", url.Values{"starting_after": {good}, "ending_before": {other}}, "", "", "Cannot provide both before and after", recordquery.ErrBothCursors},
		{"both, even invalid", url.Values{"starting_after": {"x"}, "ending_before": {"y"}}, "", "", "Cannot provide both before and after", recordquery.ErrBothCursors},
		// cursors.util.ts; Twenty's find-many test sends starting_after=invalid-cursor.
		{"invalid starting_after", url.Values{"starting_after": {"invalid-cursor"}}, "", "", "Invalid cursor: invalid-cursor", nil},
		{"invalid ending_before", url.Values{"ending_before": {"bnVsbA=="}}, "", "", "Invalid cursor: bnVsbA==", nil},
	}
	for _, tt := range tests {
		after, before, err := CursorParams(tt.values)
		if tt.wantErr != "" {
			checkBadRequest(t, tt.name+": CursorParams()", err, tt.wantErr)
			if tt.wantCause != nil && !errors.Is(err, tt.wantCause) {
				t.Errorf("%s: CursorParams() = %v, want it to wrap %v", tt.name, err, tt.wantCause)
			}
			if strings.HasPrefix(tt.wantErr, "Invalid cursor") {
				var ice *recordquery.InvalidCursorError
				if !errors.As(err, &ice) {
					t.Errorf("%s: CursorParams() = %v, want it to wrap an *InvalidCursorError", tt.name, err)
				}
			}
			continue
		}
		if err != nil || after != tt.after || before != tt.before {
			t.Errorf("%s: CursorParams() = %q, %q, %v; want %q, %q", tt.name, after, before, err, tt.after, tt.before)
		}
	}
}

func TestParse(t *testing.T) {
	cursor := recordquery.EncodeCursor([]recordquery.Order{ord("position", descLast)}, map[string]any{"position": 2, "id": "p2"})
	tests := []struct {
		name  string
		query string
		want  *recordquery.Query
	}{
		{"defaults", "", &recordquery.Query{Limit: 60}},
		{"limit", "limit=3", &recordquery.Query{Limit: 3}},
		{"filter", "filter=position%5Blte%5D%3A1", &recordquery.Query{Limit: 60, Filter: and(cond("position", lte, "1"))}},
		{"order and page", "order_by=position%5BDescNullsLast%5D&limit=2&starting_after=" + url.QueryEscape(cursor),
			&recordquery.Query{Limit: 2, OrderBy: []recordquery.Order{ord("position", descLast)}, StartingAfter: cursor}},
		{"backward", "ending_before=" + url.QueryEscape(cursor) + "&limit=2", &recordquery.Query{Limit: 2, EndingBefore: cursor}},
		{"depth", "depth=1", &recordquery.Query{Limit: 60, Depth: 1}},
		{"composite order parses", "order_by=name%5BAscNullsLast%5D", &recordquery.Query{Limit: 60, OrderBy: []recordquery.Order{ord("name", ascLast)}}},
		{"everything", "filter=" + url.QueryEscape(`or(createdAt[gte]:"2024-01-01",not(id[is]:NULL))`) +
			"&order_by=a,b%5BDescNullsFirst%5D&limit=500&depth=0&fields=id,%20name&omit_null_values=true&other=1",
			&recordquery.Query{
				Filter:         or(quoted("createdAt", gte, "2024-01-01"), not(is("id", "NULL"))),
				OrderBy:        []recordquery.Order{ord("a", ascFirst), ord("b", descFirst)},
				Limit:          200,
				Fields:         []string{"id", "name"},
				OmitNullValues: true,
			}},
	}
	for _, tt := range tests {
		values, err := url.ParseQuery(tt.query)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse(values)
		if err != nil {
			t.Errorf("%s: Parse(%q) = %v", tt.name, tt.query, err)
			continue
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s: Parse(%q) mismatch (-got +want):\n%s", tt.name, tt.query, diff)
		}
		if err := got.Validate(); err != nil {
			t.Errorf("%s: Parse(%q).Validate() = %v", tt.name, tt.query, err)
		}
	}
}

// TestParseErrorOrder checks that with several faults Parse answers Twenty's first: depth,
// limit, order_by, filter, fields, then the cursors (rest-api-find-many.handler.ts).
func TestParseErrorOrder(t *testing.T) {
	tests := []struct {
		query string
		want  string
	}{
		{"depth=2", depthError("2")},
		{"depth=2&limit=x&order_by=a%5Bb%5D&filter=(&fields=&starting_after=x&ending_before=y", depthError("2")},
		{"limit=x&order_by=a%5Bb%5D&filter=(&fields=&starting_after=x&ending_before=y", limitError("x")},
		{"order_by=a%5Bb%5D&filter=(&fields=&starting_after=x&ending_before=y", badDirection("b")},
		{"filter=(&fields=&starting_after=x&ending_before=y", "'filter' invalid. 1 close bracket is missing in the query"},
		{"fields=&starting_after=x&ending_before=y", "'fields' parameter is empty. Expected a comma-separated list of field names, e.g. fields=id,name"},
		{"starting_after=x&ending_before=y", "Cannot provide both before and after"},
		{"starting_after=invalid-cursor", "Invalid cursor: invalid-cursor"},
	}
	for _, tt := range tests {
		values, err := url.ParseQuery(tt.query)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse(values)
		if err == nil {
			t.Errorf("Parse(%q) = %+v, want error %q", tt.query, got, tt.want)
			continue
		}
		checkBadRequest(t, "Parse("+tt.query+")", err, tt.want)
	}
}

func TestBadRequest(t *testing.T) {
	cause := errors.New("cause")
	err := error(&BadRequest{Messages: []string{"a", "b"}, Err: cause})
	if got, want := err.Error(), "a; b"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, cause) {
		t.Errorf("errors.Is(%v, cause) = false, want true", err)
	}
}
