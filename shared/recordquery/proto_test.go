package recordquery_test

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/restquery"
)

func TestProtoRoundTrip(t *testing.T) {
	tests := []string{
		"filter=position[lte]:1&limit=3",
		`filter=or(createdAt[gte]:"2024-01-01",createdAt[lte]:"2023-01-01",not(id[is]:NULL))&order_by=position[DescNullsLast],name.firstName`,
		`filter=and(companyId[in]:["a","b"],city[ilike]:'%par%')&depth=1&fields=id,city&starting_after=eyJpZCI6ImEifQ==`,
		"",
	}
	for _, raw := range tests {
		values, _ := url.ParseQuery(raw)
		want, err := restquery.Parse(values)
		if err != nil {
			t.Fatalf("Parse(%q): %v", raw, err)
		}
		got, err := recordquery.FromProto(recordquery.ToProto(want))
		if err != nil {
			t.Fatalf("FromProto(ToProto(%q)): %v", raw, err)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("round trip of %q (-want +got):\n%s", raw, diff)
		}
	}
}
