package gqlapi

import "testing"

// TestGroupBy runs {plural}GroupBy on the engine's group-by: dimensions, aggregates, the groups'
// order and records, and the round trips.
func TestGroupBy(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, query, want string
		batches           int
	}{{
		name:    "by a scalar field, nulls last, with counts",
		query:   `{ peopleGroupBy(groupBy: [{city: true}]) { groupByDimensionValues totalCount } }`,
		want:    `{"data":{"peopleGroupBy":[{"groupByDimensionValues":["Kingston"],"totalCount":1},{"groupByDimensionValues":["London"],"totalCount":1},{"groupByDimensionValues":["london"],"totalCount":1},{"groupByDimensionValues":[null],"totalCount":1}]}}`,
		batches: 1,
	}, {
		name:    "by a date's year, with a sum and a date aggregate",
		query:   `{ petsGroupBy(groupBy: [{born: {granularity: YEAR}}]) { groupByDimensionValues totalCount sumWeight minBorn } }`,
		want:    `{"data":{"petsGroupBy":[{"groupByDimensionValues":["2015-01-01"],"totalCount":1,"sumWeight":4,"minBorn":"2015-01-01T00:00:00.000Z"},{"groupByDimensionValues":["2019-01-01"],"totalCount":1,"sumWeight":30.5,"minBorn":"2019-05-01T00:00:00.000Z"},{"groupByDimensionValues":[null],"totalCount":1,"sumWeight":null,"minBorn":null}]}}`,
		batches: 1,
	}, {
		name: "ordered by an aggregate, limited, by a composite sub-field and a boolean",
		query: `{ petsGroupBy(groupBy: [{price: {currencyCode: true}}, {vaccinated: true}], orderBy: [{aggregate: {sumWeight: DescNullsLast}}], limit: 2) {
  groupByDimensionValues sumWeight } }`,
		want:    `{"data":{"petsGroupBy":[{"groupByDimensionValues":["EUR",true],"sumWeight":30.5},{"groupByDimensionValues":["",false],"sumWeight":4}]}}`,
		batches: 1,
	}, {
		name:    "ordered by a dimension, descending",
		query:   `{ petsGroupBy(groupBy: [{species: true}], orderBy: [{species: DescNullsLast}]) { groupByDimensionValues } }`,
		want:    `{"data":{"petsGroupBy":[{"groupByDimensionValues":["DOG"]},{"groupByDimensionValues":["CAT"]},{"groupByDimensionValues":["BIRD"]}]}}`,
		batches: 1,
	}, {
		name: "records of each group with their relations, in two round trips",
		query: `{ peopleGroupBy(groupBy: [{companyId: true}], filter: {companyId: {is: NOT_NULL}}, orderByForRecords: [{position: AscNullsFirst}]) {
  groupByDimensionValues edges { node { name { firstName } company { name } } } pageInfo { hasNextPage hasPreviousPage } } }`,
		want: `{"data":{"peopleGroupBy":[
  {"groupByDimensionValues":["` + acme + `"],"edges":[{"node":{"name":{"firstName":"Ada"},"company":{"name":"Acme"}}}],"pageInfo":{"hasNextPage":false,"hasPreviousPage":false}},
  {"groupByDimensionValues":["` + globex + `"],"edges":[{"node":{"name":{"firstName":"Bob"},"company":{"name":"Globex"}}}],"pageInfo":{"hasNextPage":false,"hasPreviousPage":false}},
  {"groupByDimensionValues":["` + gone + `"],"edges":[{"node":{"name":{"firstName":"Carla"},"company":null}}],"pageInfo":{"hasNextPage":false,"hasPreviousPage":false}}]}}`,
		batches: 2,
	}, {
		name:    "no dimension: one group; its records after offsetForRecords",
		query:   `{ peopleGroupBy(groupBy: [], offsetForRecords: 2, orderByForRecords: [{position: AscNullsFirst}]) { groupByDimensionValues totalCount edges { node { id } } } }`,
		want:    `{"data":{"peopleGroupBy":[{"groupByDimensionValues":[],"totalCount":4,"edges":[{"node":{"id":"` + carla + `"}},{"node":{"id":"` + dan + `"}}]}]}}`,
		batches: 1,
	}, {
		name:    "records' cursors by orderByForRecords, records only when node fields are selected",
		query:   `{ petsGroupBy(groupBy: [{species: true}], filter: {name: {eq: "Rex"}}) { edges { cursor node { name } } none: edges { cursor } } }`,
		want:    `{"data":{"petsGroupBy":[{"edges":[{"cursor":"eyJpZCI6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDBlMSJ9","node":{"name":"Rex"}}],"none":[{"cursor":"eyJpZCI6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDBlMSJ9"}]}]}}`,
		batches: 1,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { f.checkRoundTrips(t, tt.query, tt.want, tt.batches) })
	}
}

// TestGroupByErrors checks Twenty's messages for group-bys it refuses.
func TestGroupByErrors(t *testing.T) {
	f := newFixture(t)
	bad := func(message, subCode string) string {
		return `{"errors":[{"message":"` + message + `","locations":[{"line":1,"column":3}],"path":["peopleGroupBy"],
  "extensions":{"code":"BAD_USER_INPUT","subCode":"` + subCode + `","userFriendlyMessage":"An error occurred."}}],"data":{"peopleGroupBy":null}}`
	}
	tests := []struct{ name, query, want string }{
		{"two fields in one GroupByInput", `{ peopleGroupBy(groupBy: [{city: true, jobTitle: true}]) { totalCount } }`,
			bad("You cannot provide multiple fields in one GroupByInput, split them into multiple GroupByInput", "INVALID_QUERY_INPUT")},
		{"ordered by a field not grouped by", `{ peopleGroupBy(groupBy: [{city: true}], orderBy: [{jobTitle: AscNullsFirst}]) { totalCount } }`,
			bad("Cannot order by a field that is not an aggregate nor in groupBy criteria: jobTitle.", "INVALID_QUERY_INPUT")},
		{"ordered by another granularity", `{ peopleGroupBy(groupBy: [{createdAt: {granularity: DAY}}], orderBy: [{createdAt: {orderBy: AscNullsFirst, granularity: MONTH}}]) { totalCount } }`,
			bad("Cannot order by a date granularity that is not in groupBy criteria: MONTH", "INVALID_QUERY_INPUT")},
		{"ordered by a date without its granularity", `{ peopleGroupBy(groupBy: [{createdAt: {granularity: DAY}}], orderBy: [{createdAt: {orderBy: AscNullsFirst}}]) { totalCount } }`,
			bad("Missing date granularity for field createdAt", "INVALID_QUERY_INPUT")},
		{"two aggregates in one item", `{ peopleGroupBy(groupBy: [{city: true}], orderBy: [{aggregate: {totalCount: AscNullsFirst, countEmptyCity: AscNullsFirst}}]) { totalCount } }`,
			bad("Please provide aggregate criteria one by one in orderBy array", "INVALID_QUERY_INPUT")},
		{"a bad filter", `{ peopleGroupBy(groupBy: [{city: true}], filter: {id: {eq: "nope"}}) { totalCount } }`,
			bad(`Invalid UUID value 'nope' for field \"id\"`, "INVALID_ARGS_FILTER")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { f.check(t, tt.query, nil, tt.want) })
	}
}
