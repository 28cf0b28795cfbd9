package recordquery_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// decode is a group_by as the gateway decodes it.
func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

func TestParseGroupBy(t *testing.T) {
	day := func(g, zone, week string) *recordquery.DateGrouping {
		return &recordquery.DateGrouping{Granularity: g, TimeZone: zone, WeekStartDay: week}
	}
	tests := []struct {
		name, groupBy string
		want          []recordquery.GroupBy
	}{
		{"Twenty's example", `[{"closeDate":{"granularity":"DAY_OF_THE_WEEK"}},{"stage":true}]`,
			[]recordquery.GroupBy{{Field: "closeDate", Date: day("DAY_OF_THE_WEEK", "", "")}, {Field: "stage"}}},
		{"a sub-field and a join column", `[{"companyId":true},{"amount":{"currencyCode":true}}]`,
			[]recordquery.GroupBy{{Field: "companyId"}, {Field: "amount", SubField: "currencyCode"}}},
		{"a date's time zone and week start", `[{"closeDate":{"granularity":"WEEK","timeZone":"Europe/Paris","weekStartDay":"SUNDAY"}}]`,
			[]recordquery.GroupBy{{Field: "closeDate", Date: day("WEEK", "Europe/Paris", "SUNDAY")}}},
		{"a date's null time zone, and members besides its own", `[{"closeDate":{"granularity":"DECADE","timeZone":null,"other":true}}]`,
			[]recordquery.GroupBy{{Field: "closeDate", Date: day("DECADE", "", "")}}},
		{"the same field twice", `[{"stage":true},{"stage":true}]`, []recordquery.GroupBy{{Field: "stage"}, {Field: "stage"}}},
		{"none", `[]`, nil},
		{"items grouping by nothing", `[{},null,{"stage":false},{"stage":null},{"stage":"yes"},{"stage":1},{"amount":{}},{"amount":{"currencyCode":false}},{"city":true}]`,
			[]recordquery.GroupBy{{Field: "city"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := recordquery.ParseGroupBy(decode(t, tt.groupBy))
			if err != nil {
				t.Fatalf("ParseGroupBy(%s): %v", tt.groupBy, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseGroupBy(%s) (-want +got):\n%s", tt.groupBy, diff)
			}
		})
	}
}

func TestParseGroupByErrors(t *testing.T) {
	tests := []struct{ groupBy, want string }{
		{`{"stage":true}`, recordquery.MsgInvalidGroupBy},
		{`null`, recordquery.MsgInvalidGroupBy},
		{`"stage"`, recordquery.MsgInvalidGroupBy},
		{`[{"stage":true},1]`, recordquery.MsgInvalidGroupBy},
		{`[["stage"]]`, recordquery.MsgInvalidGroupBy},
		{`[{"stage":true,"name":true}]`, "You cannot provide multiple fields in one GroupByInput, split them into multiple GroupByInput"},
		{`[{"amount":{"amountMicros":true,"currencyCode":true}}]`, "You cannot provide multiple subfields in one GroupByInput, split them into multiple GroupByInput"},
		{`[{"closeDate":{"granularity":null}}]`, `Invalid group by date definition for field "closeDate"`},
		{`[{"closeDate":{"granularity":true}}]`, `Invalid group by date definition for field "closeDate"`},
		{`[{"closeDate":{"granularity":"DAY","timeZone":2}}]`, `Invalid group by date definition for field "closeDate"`},
		{`[{"closeDate":{"granularity":"WEEK","weekStartDay":false}}]`, `Invalid group by date definition for field "closeDate"`},
	}
	for _, tt := range tests {
		got, err := recordquery.ParseGroupBy(decode(t, tt.groupBy))
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseGroupBy(%s) = %v, %v; want error %q", tt.groupBy, got, err, tt.want)
		}
	}
	if _, err := recordquery.ParseGroupBy(nil); err == nil || err.Error() != recordquery.MsgInvalidGroupBy {
		t.Errorf("ParseGroupBy(nil) error = %v, want %q", err, recordquery.MsgInvalidGroupBy)
	}
}

// TestGroupByProtoRoundTrip checks that dimensions cross the records contract unchanged, both
// ways.
func TestGroupByProtoRoundTrip(t *testing.T) {
	dims := [][]recordquery.GroupBy{
		nil,
		{},
		{{Field: "stage"}},
		{{Field: "closeDate", Date: &recordquery.DateGrouping{Granularity: "WEEK", TimeZone: "Asia/Tokyo", WeekStartDay: "SATURDAY"}},
			{Field: "amount", SubField: "currencyCode"}, {Field: "companyId"}},
		{{Field: "createdAt", Date: &recordquery.DateGrouping{}}},
	}
	for _, want := range dims {
		p := recordquery.GroupByToProto(want)
		got := recordquery.GroupByFromProto(p)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GroupByFromProto(GroupByToProto(%v)) (-want +got):\n%s", want, diff)
		}
		if again := recordquery.GroupByToProto(got); !cmp.Equal(p, again, protocmp.Transform()) {
			t.Errorf("GroupByToProto(GroupByFromProto(%v)) = %v, want %v", p, again, p)
		}
	}

	// The contract's form of Twenty's example, as the records Worker reads it.
	p := []*recordsv1.GroupByDimension{
		{Field: "closeDate", By: &recordsv1.GroupByDimension_Date{Date: &recordsv1.DateGrouping{Granularity: "DAY_OF_THE_WEEK"}}},
		{Field: "amount", By: &recordsv1.GroupByDimension_SubField{SubField: "currencyCode"}},
		{Field: "stage"},
	}
	want := []recordquery.GroupBy{
		{Field: "closeDate", Date: &recordquery.DateGrouping{Granularity: "DAY_OF_THE_WEEK"}},
		{Field: "amount", SubField: "currencyCode"},
		{Field: "stage"},
	}
	if diff := cmp.Diff(want, recordquery.GroupByFromProto(p)); diff != "" {
		t.Errorf("GroupByFromProto (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(p, recordquery.GroupByToProto(want), protocmp.Transform()); diff != "" {
		t.Errorf("GroupByToProto (-want +got):\n%s", diff)
	}
}
