package engine

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/recordquery"
)

func TestGroupByOrderAndRecordsOffset(t *testing.T) {
	db := newDB(t, wsA)
	seed(t, db, wsA)
	seedOpportunities(t, db, wsA)
	byStage := dims(t, `[{"stage":true}]`)
	byPosition := []recordquery.Order{{Field: "position", Direction: recordquery.AscNullsFirst}}
	tests := []struct {
		name string
		q    GroupByQuery
		want []summary
	}{
		{
			name: "by an aggregate: the smallest group first",
			q: GroupByQuery{GroupBy: byStage, Aggregates: []string{"totalCount"},
				OrderBy: []GroupOrder{{Aggregate: "totalCount", Direction: recordquery.AscNullsFirst}}},
			want: []summary{{Dims: []any{"SCREENING"}, Aggs: map[string]any{"totalCount": "1"}}, {Dims: []any{"NEW"}, Aggs: map[string]any{"totalCount": "3"}}},
		},
		{
			name: "by an aggregate not asked for, the limit keeping the first group and its records",
			q: GroupByQuery{GroupBy: byStage, OrderBy: []GroupOrder{{Aggregate: "sumAmountAmountMicros", Direction: recordquery.AscNullsLast}},
				Limit: 1, IncludeRecords: true, OrderByForRecords: byPosition},
			want: []summary{{Dims: []any{"SCREENING"}, Aggs: map[string]any{}, Records: []any{"Opportunity 4"}}},
		},
		{
			name: "by a percentage and an average, descending",
			q: GroupByQuery{GroupBy: dims(t, `[{"companyId":true}]`), OrderBy: []GroupOrder{
				{Aggregate: "percentageEmptyName", Direction: recordquery.DescNullsLast},
				{Aggregate: "avgAmountAmountMicros", Direction: recordquery.DescNullsLast}}},
			want: []summary{{Dims: []any{globex}, Aggs: map[string]any{}}, {Dims: []any{acme}, Aggs: map[string]any{}}},
		},
		{
			name: "by a dimension, descending",
			q:    GroupByQuery{GroupBy: byStage, OrderBy: []GroupOrder{{Field: "stage", Direction: recordquery.DescNullsLast}}},
			want: []summary{{Dims: []any{"SCREENING"}, Aggs: map[string]any{}}, {Dims: []any{"NEW"}, Aggs: map[string]any{}}},
		},
		{
			name: "by a date dimension at its granularity, then the other keys",
			q: GroupByQuery{GroupBy: dims(t, `[{"stage":true},{"closeDate":{"granularity":"DAY"}}]`),
				OrderBy: []GroupOrder{{Field: "closeDate", Granularity: GranularityDay, Direction: recordquery.DescNullsFirst}}},
			want: []summary{
				{Dims: []any{"NEW", "2025-02-06"}, Aggs: map[string]any{}}, {Dims: []any{"SCREENING", "2025-02-06"}, Aggs: map[string]any{}},
				{Dims: []any{"NEW", "2025-02-05"}, Aggs: map[string]any{}},
			},
		},
		{
			name: "records after an offset in each group",
			q:    GroupByQuery{GroupBy: byStage, IncludeRecords: true, OrderByForRecords: byPosition, RecordsOffset: 1},
			want: []summary{{Dims: []any{"NEW"}, Aggs: map[string]any{}, Records: []any{"Opportunity 2", "Opportunity 3"}}, {Dims: []any{"SCREENING"}, Aggs: map[string]any{}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := groupBy(t, db, "opportunity", tt.q)
			if err != nil {
				t.Fatalf("GroupBy: %v", err)
			}
			if diff := cmp.Diff(tt.want, summarize(got, "name")); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGroupByOrderErrors(t *testing.T) {
	db := newDB(t, wsA)
	seed(t, db, wsA)
	asc := recordquery.AscNullsFirst
	tests := []struct {
		name, groupBy string
		order         GroupOrder
		want          string
	}{
		{"an unknown aggregate", `[{"stage":true}]`, GroupOrder{Aggregate: "sumStage", Direction: asc}, "Unknown aggregate field: sumStage"},
		{"an unknown field", `[{"stage":true}]`, GroupOrder{Field: "nope", Direction: asc}, "Cannot orderBy unknown field: nope."},
		{"a field not grouped by", `[{"stage":true}]`, GroupOrder{Field: "name", Direction: asc},
			"Cannot order by a field that is not an aggregate nor in groupBy criteria: name."},
		{"another granularity", `[{"closeDate":{"granularity":"DAY_OF_THE_WEEK"}}]`, GroupOrder{Field: "closeDate", Granularity: GranularityMonth, Direction: asc},
			"Cannot order by a date granularity that is not in groupBy criteria: MONTH"},
		{"another sub-field", `[{"amount":{"currencyCode":true}}]`, GroupOrder{Field: "amount.amountMicros", Direction: asc},
			"Cannot order by a field that is not in groupBy or that is not an aggregate field: amountMicros"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := groupBy(t, db, "opportunity", GroupByQuery{GroupBy: dims(t, tt.groupBy), OrderBy: []GroupOrder{tt.order}})
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Code != CodeInvalidQueryInput || qe.Message != tt.want {
				t.Errorf("error %v, want INVALID_QUERY_INPUT %q", err, tt.want)
			}
		})
	}
}
