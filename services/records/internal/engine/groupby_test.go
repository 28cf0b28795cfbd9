package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// Opportunities of the group-by tests: Twenty's rest-api-core-group-by integration test's four,
// and one soft-deleted.
const (
	opp1    = "00000000-0000-4000-8000-0000000000a1"
	opp2    = "00000000-0000-4000-8000-0000000000a2"
	opp3    = "00000000-0000-4000-8000-0000000000a3"
	opp4    = "00000000-0000-4000-8000-0000000000a4"
	oppGone = "00000000-0000-4000-8000-0000000000a5"
)

// seedOpportunities inserts the opportunities: 1 NEW on a Wednesday (1000), 2 and 3 NEW on a
// Thursday (2000, 3000), 4 SCREENING on a Thursday (4000), and a soft-deleted one.
func seedOpportunities(t *testing.T, db *d1.DB, ws string) {
	t.Helper()
	insert(t, db, ws, "opportunity",
		row{"id": opp1, "name": "Opportunity 1", "stage": "NEW", "amountAmountMicros": int64(1_000_000_000_000), "amountCurrencyCode": "USD",
			"companyId": acme, "closeDate": "2025-02-05T08:00:00.000Z", "position": 1.0},
		row{"id": opp2, "name": "Opportunity 2", "stage": "NEW", "amountAmountMicros": int64(2_000_000_000_000), "amountCurrencyCode": "USD",
			"companyId": acme, "closeDate": "2025-02-06T08:00:00.000Z", "position": 2.0},
		row{"id": opp3, "name": "Opportunity 3", "stage": "NEW", "amountAmountMicros": int64(3_000_000_000_000), "amountCurrencyCode": "USD",
			"companyId": globex, "closeDate": "2025-02-06T08:00:00.000Z", "position": 3.0},
		row{"id": opp4, "name": "Opportunity 4", "stage": "SCREENING", "amountAmountMicros": int64(4_000_000_000_000), "amountCurrencyCode": "USD",
			"companyId": globex, "closeDate": "2025-02-06T23:30:00.000Z", "position": 4.0},
		row{"id": oppGone, "name": "Gone", "stage": "NEW", "closeDate": "2025-02-05T08:00:00.000Z", "deletedAt": "2025-03-01T00:00:00.000Z"},
	)
}

// dims reads the dimensions of a group_by as the gateway and gqlapi read them.
func dims(t testing.TB, groupBy string) []recordquery.GroupBy {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(groupBy), &v); err != nil {
		t.Fatalf("group_by %s: %v", groupBy, err)
	}
	out, err := recordquery.ParseGroupBy(v)
	if err != nil {
		t.Fatalf("ParseGroupBy(%s): %v", groupBy, err)
	}
	return out
}

// groupBy runs a group-by on object name of wsA.
func groupBy(t *testing.T, db *d1.DB, name string, q GroupByQuery) ([]Group, error) {
	t.Helper()
	var e Engine
	return e.GroupBy(t.Context(), db, wsA, object(t, name), objects(), q)
}

// summary is a group without its records' details: its dimensions, aggregates and record names.
type summary struct {
	Dims    []any
	Aggs    map[string]any
	Records []any
}

func summarize(groups []Group, recordKey string) []summary {
	out := []summary{}
	for _, g := range groups {
		s := summary{Dims: g.Dimensions, Aggs: map[string]any{}}
		for _, a := range g.Aggregates {
			s.Aggs[a.Name] = a.Value
		}
		for _, r := range g.Records {
			s.Records = append(s.Records, r[recordKey])
		}
		out = append(out, s)
	}
	return out
}

func TestGroupBy(t *testing.T) {
	db := newDB(t, wsA)
	seed(t, db, wsA)
	seedOpportunities(t, db, wsA)
	weekdayStage := dims(t, `[{"closeDate":{"granularity":"DAY_OF_THE_WEEK"}},{"stage":true}]`)
	tests := []struct {
		name   string
		object string
		q      GroupByQuery
		key    string
		want   []summary
	}{
		{
			name:   "Twenty's example: weekday and stage, max amount, records",
			object: "opportunity",
			q:      GroupByQuery{GroupBy: weekdayStage, Aggregates: []string{"maxAmountAmountMicros"}, IncludeRecords: true, Limit: 10},
			key:    "name",
			want: []summary{
				{Dims: []any{"Wednesday", "NEW"}, Aggs: map[string]any{"maxAmountAmountMicros": "1000000000000"}, Records: []any{"Opportunity 1"}},
				{Dims: []any{"Thursday", "NEW"}, Aggs: map[string]any{"maxAmountAmountMicros": "3000000000000"}, Records: []any{"Opportunity 2", "Opportunity 3"}},
				{Dims: []any{"Thursday", "SCREENING"}, Aggs: map[string]any{"maxAmountAmountMicros": "4000000000000"}, Records: []any{"Opportunity 4"}},
			},
		},
		{
			name:   "filtered, records by name descending, group limit",
			object: "opportunity",
			q: GroupByQuery{GroupBy: weekdayStage, Filter: parse(t, "filter=stage[eq]:NEW").Filter, IncludeRecords: true,
				OrderByForRecords: []recordquery.Order{{Field: "name", Direction: recordquery.DescNullsFirst}}, Limit: 1},
			key:  "name",
			want: []summary{{Dims: []any{"Wednesday", "NEW"}, Aggs: map[string]any{}, Records: []any{"Opportunity 1"}}},
		},
		{
			name:   "records ordered within a group",
			object: "opportunity",
			q: GroupByQuery{GroupBy: dims(t, `[{"stage":true}]`), IncludeRecords: true,
				OrderByForRecords: []recordquery.Order{{Field: "name", Direction: recordquery.DescNullsFirst}}},
			key: "name",
			want: []summary{
				{Dims: []any{"NEW"}, Aggs: map[string]any{}, Records: []any{"Opportunity 3", "Opportunity 2", "Opportunity 1"}},
				{Dims: []any{"SCREENING"}, Aggs: map[string]any{}, Records: []any{"Opportunity 4"}},
			},
		},
		{
			name:   "currency aggregates and counts as PostgreSQL gives them",
			object: "opportunity",
			q: GroupByQuery{GroupBy: dims(t, `[{"stage":true}]`), Aggregates: []string{
				"totalCount", "sumAmountAmountMicros", "avgAmountAmountMicros", "minAmountAmountMicros",
				"countEmptyName", "countNotEmptyCloseDate", "countUniqueValuesStage", "percentageNotEmptyName", "minCloseDate",
			}},
			want: []summary{
				{Dims: []any{"NEW"}, Aggs: map[string]any{
					"totalCount": "3", "sumAmountAmountMicros": "6000000000000", "avgAmountAmountMicros": "2000000000000.0000",
					"minAmountAmountMicros": "1000000000000", "countEmptyName": "0", "countNotEmptyCloseDate": "3",
					"countUniqueValuesStage": "1", "percentageNotEmptyName": "1.00000000000000000000", "minCloseDate": "2025-02-05T08:00:00.000Z",
				}},
				{Dims: []any{"SCREENING"}, Aggs: map[string]any{
					"totalCount": "1", "sumAmountAmountMicros": "4000000000000", "avgAmountAmountMicros": "4000000000000.0000",
					"minAmountAmountMicros": "4000000000000", "countEmptyName": "0", "countNotEmptyCloseDate": "1",
					"countUniqueValuesStage": "1", "percentageNotEmptyName": "1.00000000000000000000", "minCloseDate": "2025-02-06T23:30:00.000Z",
				}},
			},
		},
		{
			name:   "by a join column and a composite sub-field",
			object: "opportunity",
			q:      GroupByQuery{GroupBy: dims(t, `[{"companyId":true},{"amount":{"currencyCode":true}}]`), Aggregates: []string{"totalCount"}},
			want: []summary{
				{Dims: []any{acme, "USD"}, Aggs: map[string]any{"totalCount": "2"}},
				{Dims: []any{globex, "USD"}, Aggs: map[string]any{"totalCount": "2"}},
			},
		},
		{
			name:   "periods in a time zone",
			object: "opportunity",
			q:      GroupByQuery{GroupBy: dims(t, `[{"closeDate":{"granularity":"DAY","timeZone":"Asia/Tokyo"}}]`), Aggregates: []string{"totalCount"}},
			want: []summary{
				{Dims: []any{"2025-02-05"}, Aggs: map[string]any{"totalCount": "1"}},
				{Dims: []any{"2025-02-06"}, Aggs: map[string]any{"totalCount": "2"}},
				{Dims: []any{"2025-02-07"}, Aggs: map[string]any{"totalCount": "1"}},
			},
		},
		{
			name:   "periods in a time zone with daylight saving time",
			object: "opportunity",
			q:      GroupByQuery{GroupBy: dims(t, `[{"closeDate":{"granularity":"DAY","timeZone":"Europe/Paris"}}]`), Aggregates: []string{"totalCount"}},
			want: []summary{
				{Dims: []any{"2025-02-05"}, Aggs: map[string]any{"totalCount": "1"}},
				{Dims: []any{"2025-02-06"}, Aggs: map[string]any{"totalCount": "2"}},
				{Dims: []any{"2025-02-07"}, Aggs: map[string]any{"totalCount": "1"}},
			},
		},
		{
			name:   "periods in UTC by default, months, quarters, years and weeks",
			object: "opportunity",
			q: GroupByQuery{GroupBy: dims(t, `[{"closeDate":{"granularity":"MONTH"}},{"closeDate":{"granularity":"QUARTER"}},`+
				`{"closeDate":{"granularity":"YEAR"}},{"closeDate":{"granularity":"WEEK"}},{"closeDate":{"granularity":"WEEK","weekStartDay":"SUNDAY"}},`+
				`{"closeDate":{"granularity":"MONTH_OF_THE_YEAR"}},{"closeDate":{"granularity":"QUARTER_OF_THE_YEAR"}}]`), Aggregates: []string{"totalCount"}},
			want: []summary{{Dims: []any{"2025-02-01", "2025-01-01", "2025-01-01", "2025-02-03", "2025-02-02", "February", "Q1"}, Aggs: map[string]any{"totalCount": "4"}}},
		},
		{
			name:   "no dimension: one group of all",
			object: "opportunity",
			q: GroupByQuery{GroupBy: dims(t, `[]`), Aggregates: []string{"totalCount", "percentageEmptyName"}, IncludeRecords: true,
				OrderByForRecords: []recordquery.Order{{Field: "position", Direction: recordquery.DescNullsLast}}},
			key: "name",
			want: []summary{{Dims: []any{}, Aggs: map[string]any{"totalCount": "4", "percentageEmptyName": "0.00000000000000000000"},
				Records: []any{"Opportunity 4", "Opportunity 3", "Opportunity 2", "Opportunity 1"}}},
		},
		{
			name:   "deleted records when the filter names deletedAt",
			object: "opportunity",
			q:      GroupByQuery{GroupBy: dims(t, `[{"stage":true}]`), Filter: parse(t, "filter=deletedAt[is]:NOT_NULL").Filter, Aggregates: []string{"totalCount"}},
			want:   []summary{{Dims: []any{"NEW"}, Aggs: map[string]any{"totalCount": "1"}}},
		},
		{
			name:   "array items unnested, numbers, booleans and null groups",
			object: "pet",
			q: GroupByQuery{GroupBy: dims(t, `[{"tags":true}]`), Aggregates: []string{"totalCount", "sumWeight", "avgWeight", "countTrueVaccinated", "countFalseVaccinated", "percentageEmptyWeight"},
				IncludeRecords: true},
			key: "name",
			want: []summary{
				{Dims: []any{"CUTE"}, Aggs: map[string]any{"totalCount": "1", "sumWeight": 30.5, "avgWeight": 30.5, "countTrueVaccinated": "1", "countFalseVaccinated": "0", "percentageEmptyWeight": "0.00000000000000000000"}, Records: []any{"Rex"}},
				{Dims: []any{"LOUD"}, Aggs: map[string]any{"totalCount": "1", "sumWeight": 30.5, "avgWeight": 30.5, "countTrueVaccinated": "1", "countFalseVaccinated": "0", "percentageEmptyWeight": "0.00000000000000000000"}, Records: []any{"Rex"}},
				{Dims: []any{"OLD"}, Aggs: map[string]any{"totalCount": "1", "sumWeight": int64(4), "avgWeight": int64(4), "countTrueVaccinated": "0", "countFalseVaccinated": "1", "percentageEmptyWeight": "0.00000000000000000000"}, Records: []any{"Tom"}},
				{Dims: []any{nil}, Aggs: map[string]any{"totalCount": "1", "sumWeight": nil, "avgWeight": nil, "countTrueVaccinated": "0", "countFalseVaccinated": "0", "percentageEmptyWeight": "1.00000000000000000000"}, Records: []any{"Kiki"}},
			},
		},
		{
			name:   "booleans, numbers and dates as PostgreSQL hands them",
			object: "pet",
			q:      GroupByQuery{GroupBy: dims(t, `[{"vaccinated":true},{"born":true}]`), Aggregates: []string{"maxBorn"}},
			want: []summary{
				{Dims: []any{false, "2015-01-01T00:00:00.000Z"}, Aggs: map[string]any{"maxBorn": "2015-01-01T00:00:00.000Z"}},
				{Dims: []any{true, "2019-05-01T00:00:00.000Z"}, Aggs: map[string]any{"maxBorn": "2019-05-01T00:00:00.000Z"}},
				{Dims: []any{nil, nil}, Aggs: map[string]any{"maxBorn": nil}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := groupBy(t, db, tt.object, tt.q)
			if err != nil {
				t.Fatalf("GroupBy: %v", err)
			}
			if diff := cmp.Diff(tt.want, summarize(got, tt.key)); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGroupJSON checks the REST shape of a group: aggregates, dimensions, then records.
func TestGroupJSON(t *testing.T) {
	db := newDB(t, wsA)
	seed(t, db, wsA)
	seedOpportunities(t, db, wsA)
	got, err := groupBy(t, db, "opportunity", GroupByQuery{
		GroupBy: dims(t, `[{"closeDate":{"granularity":"DAY_OF_THE_WEEK"}},{"stage":true}]`), Aggregates: []string{"maxAmountAmountMicros"},
		Filter: parse(t, "filter=id[eq]:"+opp1).Filter, IncludeRecords: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var shape []map[string]json.RawMessage
	if err := json.Unmarshal(b, &shape); err != nil || len(shape) != 1 {
		t.Fatalf("groups JSON %s: %v", b, err)
	}
	head := `[{"maxAmountAmountMicros":"1000000000000","groupByDimensionValues":["Wednesday","NEW"],"records":[{`
	if string(b[:len(head)]) != head {
		t.Errorf("groups JSON starts %s, want %s", b[:len(head)], head)
	}
	var records []map[string]any
	if err := json.Unmarshal(shape[0]["records"], &records); err != nil {
		t.Fatalf("records JSON %s: %v", shape[0]["records"], err)
	}
	if diff := cmp.Diff(map[string]any{"id": opp1, "stage": "NEW", "companyId": acme, "amount": map[string]any{"amountMicros": 1e12, "currencyCode": "USD"}},
		pick(records[0], "id", "stage", "companyId", "amount")); diff != "" {
		t.Errorf("sample record (-want +got):\n%s", diff)
	}
	plain, _ := json.Marshal([]Group{{Dimensions: nil}})
	if string(plain) != `[{"groupByDimensionValues":[]}]` {
		t.Errorf("a group without aggregates or records = %s", plain)
	}
}

func TestGroupByErrors(t *testing.T) {
	db := newDB(t, wsA)
	tests := []struct {
		q    GroupByQuery
		want string
	}{
		{GroupByQuery{GroupBy: dims(t, `[{"nope":true}]`)}, "Unidentified field in groupBy: nope"},
		{GroupByQuery{GroupBy: dims(t, `[{"amount":{"nope":true}}]`)}, `Sub field "nope" not found for composite type: CURRENCY`},
		{GroupByQuery{GroupBy: dims(t, `[{"amount":true}]`)}, `Composite field "amount" requires a sub-field to group by (e.g. {"amount": {"subFieldName": true}})`},
		{GroupByQuery{GroupBy: dims(t, `[{"closeDate":{"granularity":"DAY","timeZone":"Mars/Olympus"}}]`)}, "Invalid timezone: Mars/Olympus"},
		{GroupByQuery{GroupBy: dims(t, `[{"closeDate":{"granularity":"DECADE"}}]`)}, `Invalid date granularity "DECADE" for field "closeDate"`},
		{GroupByQuery{GroupBy: dims(t, `[{"stage":true}]`), Aggregates: []string{"sumStage"}}, `Unknown aggregate "sumStage" for object opportunity`},
		{GroupByQuery{GroupBy: dims(t, `[{"stage":true}]`), Filter: parse(t, "filter=nope[eq]:1").Filter}, `Object opportunity doesn't have any "nope" field.`},
		{GroupByQuery{GroupBy: dims(t, `[{"stage":true}]`), IncludeRecords: true, OrderByForRecords: []recordquery.Order{{Field: "amount", Direction: recordquery.AscNullsFirst}}},
			`Composite field "amount" requires subfield ordering (e.g., { amount: { subFieldName: 'AscNullsFirst' } })`},
	}
	for _, tt := range tests {
		_, err := groupBy(t, db, "opportunity", tt.q)
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Message != tt.want {
			t.Errorf("GroupBy(%v) error = %v, want %q", tt.q.GroupBy, err, tt.want)
		}
	}
}

// TestGroupByDimensionKinds checks how typed dimensions resolve against fields of other kinds
// than they are meant for: a relation by anything but its value, a one-to-many relation, a date
// grouping of a field that is not a date (Twenty reads {"stage": {"granularity": …}} as a
// sub-field not set to true: no dimension).
func TestGroupByDimensionKinds(t *testing.T) {
	db := newDB(t, wsA)
	seed(t, db, wsA)
	seedOpportunities(t, db, wsA)
	day := &recordquery.DateGrouping{Granularity: "DAY"}
	errs := []struct {
		object string
		g      recordquery.GroupBy
		code   Code
		want   string
	}{
		{"opportunity", recordquery.GroupBy{Field: "company", SubField: "name"}, CodeInvalidQueryInput, `Grouping by a field of the related record "company" is not supported`},
		{"opportunity", recordquery.GroupBy{Field: "company", Date: day}, CodeInvalidQueryInput, `Grouping by a field of the related record "company" is not supported`},
		{"company", recordquery.GroupBy{Field: "people"}, CodeInvalidQueryInput, `Cannot group by one-to-many relation field "people"`},
		{"opportunity", recordquery.GroupBy{Field: "stage", SubField: "nope"}, CodeInvalidFilter, `Sub field "nope" not found for composite type: SELECT`},
	}
	for _, tt := range errs {
		_, err := groupBy(t, db, tt.object, GroupByQuery{GroupBy: []recordquery.GroupBy{tt.g}})
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Code != tt.code || qe.Message != tt.want {
			t.Errorf("GroupBy(%s by %+v) error = %v, want %s %q", tt.object, tt.g, err, tt.code, tt.want)
		}
	}
	got, err := groupBy(t, db, "opportunity", GroupByQuery{GroupBy: []recordquery.GroupBy{{Field: "stage", Date: day}}, Aggregates: []string{"totalCount"}})
	if err != nil {
		t.Fatalf("GroupBy by stage's days: %v", err)
	}
	if diff := cmp.Diff([]summary{{Dims: []any{}, Aggs: map[string]any{"totalCount": "4"}}}, summarize(got, "name")); diff != "" {
		t.Errorf("GroupBy by stage's days (-want +got):\n%s", diff)
	}
}

// TestNumericDiv checks PostgreSQL's numeric quotients (select_div_scale) on known answers.
func TestNumericDiv(t *testing.T) {
	tests := []struct {
		a, b int64
		want string
	}{
		{3, 2, "1.5000000000000000"}, // SELECT avg(x) FROM (VALUES (1), (2))
		{1, 3, "0.33333333333333333333"},
		{2, 3, "0.66666666666666666667"},
		{0, 4, "0.00000000000000000000"},
		{4, 4, "1.00000000000000000000"},
		{1, 20000, "0.000050000000000000000000"},
		{4_000_000_000_000, 2, "2000000000000.0000"},
		{10, 3, "3.3333333333333333"},
		{-7, 2, "-3.5000000000000000"},
		{100000, 3, "33333.333333333333"},
	}
	for _, tt := range tests {
		if got := numericDiv(big.NewInt(tt.a), big.NewInt(tt.b)); got != tt.want {
			t.Errorf("numericDiv(%d, %d) = %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestZoneOffsets checks a zone's offsets and their changes, to the second.
func TestZoneOffsets(t *testing.T) {
	z, err := zoneOffsets("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	if z[0].at != "" || z[0].off != 3600 {
		t.Errorf("first offset = %+v, want CET from the start", z[0])
	}
	// 2025-03-30 01:00 UTC Paris moves to CEST; 2025-10-26 01:00 UTC back to CET.
	want := []zoneOffset{{"2025-03-30T01:00:00.000Z", 7200}, {"2025-10-26T01:00:00.000Z", 3600}}
	var got []zoneOffset
	for _, o := range z {
		if o.at >= "2025" && o.at < "2026" {
			got = append(got, o)
		}
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(zoneOffset{})); diff != "" {
		t.Errorf("Paris in 2025 (-want +got):\n%s", diff)
	}
	if utc, err := zoneOffsets("UTC"); err != nil || len(utc) != 1 {
		t.Errorf("UTC = %v, %v; want one offset", utc, err)
	}
	for _, bad := range []string{"Local", "Nowhere/City", "../../etc/passwd"} {
		if _, err := zoneOffsets(bad); err == nil {
			t.Errorf("zoneOffsets(%q) succeeded, want Invalid timezone", bad)
		}
	}
}

// TestGroupBySampleLimit checks that a group's sample holds at most GroupRecordsLimit records,
// the first ones in the records' order, while its aggregates count them all.
func TestGroupBySampleLimit(t *testing.T) {
	db := newDB(t, wsA)
	var rows []row
	for i := range GroupRecordsLimit + 3 {
		rows = append(rows, row{"id": fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), "name": fmt.Sprintf("Dog %02d", i), "species": "DOG"})
	}
	insert(t, db, wsA, "pet", rows...)
	got, err := groupBy(t, db, "pet", GroupByQuery{GroupBy: dims(t, `[{"species":true}]`), Aggregates: []string{"totalCount"}, IncludeRecords: true,
		OrderByForRecords: []recordquery.Order{{Field: "name", Direction: recordquery.DescNullsLast}}})
	if err != nil {
		t.Fatal(err)
	}
	var want []any
	for i := GroupRecordsLimit + 2; i >= 3; i-- {
		want = append(want, fmt.Sprintf("Dog %02d", i))
	}
	if diff := cmp.Diff([]summary{{Dims: []any{"DOG"}, Aggs: map[string]any{"totalCount": "13"}, Records: want}}, summarize(got, "name")); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
}
