package gqlapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestConnectionAggregates runs the aggregate fields of connections: at the root, computed by
// the page's count statement, and on ONE_TO_MANY relations, by one group-by for all parents.
func TestConnectionAggregates(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, query, want string
		batches           int
	}{{
		name: "counts, percentages and dates over the people, in the page's round trip",
		query: `{ people(first: 1) { totalCount countEmptyCity countNotEmptyCity countUniqueValuesCity percentageEmptyCity
  percentageNotEmptyCity minCreatedAt maxCreatedAt countEmptyJobTitle edges { node { id } } } }`,
		want: `{"data":{"people":{"totalCount":4,"countEmptyCity":1,"countNotEmptyCity":3,"countUniqueValuesCity":3,
  "percentageEmptyCity":0.25,"percentageNotEmptyCity":0.75,"minCreatedAt":"2024-01-01T10:00:00.000Z",
  "maxCreatedAt":"2024-01-04T10:00:00.000Z","countEmptyJobTitle":3,"edges":[{"node":{"id":"` + carla + `"}}]}}}`,
		batches: 1,
	}, {
		name: "numbers, amounts and booleans as Int and Float",
		query: `{ companies { sumEmployees avgEmployees minEmployees maxAnnualRecurringRevenueAmountMicros avgAnnualRecurringRevenueAmountMicros
  countTrueIdealCustomerProfile countFalseIdealCustomerProfile percentageEmptyName } }`,
		want: `{"data":{"companies":{"sumEmployees":260,"avgEmployees":130,"minEmployees":10,"maxAnnualRecurringRevenueAmountMicros":5000000,
  "avgAnnualRecurringRevenueAmountMicros":5000000,"countTrueIdealCustomerProfile":1,"countFalseIdealCustomerProfile":1,"percentageEmptyName":0}}}`,
		batches: 1,
	}, {
		name:    "the filter's records; aliases",
		query:   `{ people(filter: {city: {eq: "London"}}) { n: countUniqueValuesCity m: countUniqueValuesCity latest: maxCreatedAt } }`,
		want:    `{"data":{"people":{"n":1,"m":1,"latest":"2024-01-01T10:00:00.000Z"}}}`,
		batches: 1,
	}, {
		name:    "no record: totalCount 0, the others null",
		query:   `{ pets(filter: {name: {eq: "Nobody"}}) { totalCount countEmptyName percentageEmptyName sumWeight minBorn } }`,
		want:    `{"data":{"pets":{"totalCount":0,"countEmptyName":null,"percentageEmptyName":null,"sumWeight":null,"minBorn":null}}}`,
		batches: 1,
	}, {
		name: "per parent on a relation, in one more round trip for all parents",
		query: `{ companies(orderBy: [{position: AscNullsFirst}]) { edges { node { name
  people { totalCount countNotEmptyCity maxCreatedAt edges { node { city } } } } } } }`,
		want: `{"data":{"companies":{"edges":[
  {"node":{"name":"Acme","people":{"totalCount":1,"countNotEmptyCity":1,"maxCreatedAt":"2024-01-01T10:00:00.000Z","edges":[{"node":{"city":"London"}}]}}},
  {"node":{"name":"Globex","people":{"totalCount":1,"countNotEmptyCity":1,"maxCreatedAt":"2024-01-02T10:00:00.000Z","edges":[{"node":{"city":"Kingston"}}]}}}]}}}`,
		batches: 3,
	}, {
		name:    "a parent without related records",
		query:   `{ pet(filter: {name: {eq: "Rex"}}) { noteTargets { totalCount countEmptyId } } }`,
		want:    `{"data":{"pet":{"noteTargets":{"totalCount":0,"countEmptyId":null}}}}`,
		batches: 3,
	}, {
		name:    "only totalCount: the count alone, no group-by",
		query:   `{ company(filter: {name: {eq: "Acme"}}) { people { totalCount } } }`,
		want:    `{"data":{"company":{"people":{"totalCount":1}}}}`,
		batches: 2,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { f.checkRoundTrips(t, tt.query, tt.want, tt.batches) })
	}
}

// TestAggregateFields checks the aggregate fields a connection has, with Twenty's types and
// descriptions, through introspection.
func TestAggregateFields(t *testing.T) {
	f := newFixture(t)
	r := f.exec(t, `{ __type(name: "PetConnection") { fields { name description type { name kind ofType { name } } } } }`, nil)
	type field struct {
		Name, Description string
		Type              struct{ Name, Kind string }
	}
	var fields []field
	for _, raw := range jsonOf(t, r).(map[string]any)["data"].(map[string]any)["__type"].(map[string]any)["fields"].([]any) {
		m := raw.(map[string]any)
		var fd field
		fd.Name, _ = m["name"].(string)
		fd.Description, _ = m["description"].(string)
		typ := m["type"].(map[string]any)
		fd.Type.Name, _ = typ["name"].(string)
		fd.Type.Kind, _ = typ["kind"].(string)
		fields = append(fields, fd)
	}
	got := map[string][2]string{}
	for _, fd := range fields {
		got[fd.Name] = [2]string{fd.Type.Name, fd.Description}
	}
	want := map[string][2]string{
		"totalCount":             {"Int", "Total number of records in the connection"},
		"countEmptyName":         {"Int", "Number of empty values for name"},
		"percentageNotEmptyName": {"Float", "Percentage of non-empty values for name"},
		"countTrueVaccinated":    {"Int", "Count of true values in the field vaccinated"},
		"sumWeight":              {"Float", "Sum of amounts contained in the field weight"},
		"minBorn":                {"DateTime", "Earliest date contained in the field born"},
		"maxBorn":                {"DateTime", "Latest date contained in the field born"},
		"maxPriceAmountMicros":   {"Float", "Maximal amount contained in the field price"},
		"avgPriceAmountMicros":   {"Float", "Average amount contained in the field price"},
		"countUniqueValuesPrice": {"Int", "Number of unique values for price"},
	}
	for name, w := range want {
		if diff := cmp.Diff(w, got[name]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	if fields[0].Name != "totalCount" || fields[len(fields)-2].Name != "edges" || fields[len(fields)-1].Name != "pageInfo" {
		t.Errorf("fields start with %s and end with %s, %s; want totalCount first, edges and pageInfo last",
			fields[0].Name, fields[len(fields)-2].Name, fields[len(fields)-1].Name)
	}
	for _, absent := range []string{"countEmptyNoteTargets", "countEmptySearchVector", "sumName"} {
		if _, ok := got[absent]; ok {
			t.Errorf("PetConnection has %s", absent)
		}
	}
}
