//go:build e2e

package e2e

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGraphQLAggregates runs, on /graphql, a connection's aggregate fields, a peopleGroupBy with
// its groups' aggregates and records, and queries over Twenty's complexity limit.
func TestGraphQLAggregates(t *testing.T) {
	a := onboard(t, "/graphql")
	run := func(query string, vars map[string]any) gqlReply {
		t.Helper()
		return gql(t, "/graphql", a.access, query, vars)
	}
	var ids []string
	var people []map[string]any
	for _, city := range []string{"Paris", "Paris", "Berlin", ""} {
		id := "20202020-" + randomHex(t, 2) + "-4000-8000-" + randomHex(t, 6)
		ids = append(ids, id)
		people = append(people, map[string]any{"id": id, "city": city, "position": float64(len(ids))})
	}
	data[struct{ CreatePeople []struct{ ID string } }](t, run(`mutation($people: [PersonCreateInput!]!) { createPeople(data: $people) { id } }`,
		map[string]any{"people": people}))
	vars := map[string]any{"ids": ids}

	// A connection with totalCount and aggregates, computed over the filter's records.
	type aggregates struct {
		TotalCount, CountEmptyCity, CountNotEmptyCity, CountUniqueValuesCity int
		PercentageEmptyCity                                                  float64
		MinCreatedAt                                                         string
		Edges                                                                []struct{ Node struct{ ID string } }
	}
	got := data[struct{ People aggregates }](t, run(`query($ids: [UUID]) { people(filter: {id: {in: $ids}}, first: 1) {
  totalCount countEmptyCity countNotEmptyCity countUniqueValuesCity percentageEmptyCity minCreatedAt edges { node { id } } } }`, vars)).People
	if got.TotalCount != 4 || got.CountEmptyCity != 1 || got.CountNotEmptyCity != 3 || got.CountUniqueValuesCity != 2 ||
		got.PercentageEmptyCity != 0.25 || got.MinCreatedAt == "" || len(got.Edges) != 1 {
		t.Errorf("people aggregates = %+v, want 4 people, 1 empty city of 4, 2 distinct cities, one edge", got)
	}

	// peopleGroupBy: the largest group first, its records in position order.
	type group struct {
		GroupByDimensionValues []any
		TotalCount             int
		Edges                  []struct{ Node struct{ ID, City string } }
	}
	groups := data[struct{ PeopleGroupBy []group }](t, run(`query($ids: [UUID]) { peopleGroupBy(groupBy: [{city: true}], filter: {id: {in: $ids}},
  orderBy: [{aggregate: {totalCount: DescNullsLast}}], orderByForRecords: [{position: AscNullsFirst}]) {
  groupByDimensionValues totalCount edges { node { id city } } } }`, vars)).PeopleGroupBy
	if len(groups) != 3 {
		t.Fatalf("peopleGroupBy = %+v, want 3 groups", groups)
	}
	first := groups[0]
	var firstIDs []string
	for _, e := range first.Edges {
		firstIDs = append(firstIDs, e.Node.ID)
	}
	if diff := cmp.Diff([]any{"Paris"}, first.GroupByDimensionValues); diff != "" || first.TotalCount != 2 {
		t.Errorf("first group %+v, want Paris with 2 people (-want +got dimensions):\n%s", first, diff)
	}
	if diff := cmp.Diff(ids[:2], firstIDs); diff != "" {
		t.Errorf("Paris's records (-want +got):\n%s", diff)
	}
	for _, g := range groups[1:] {
		if g.TotalCount != 1 || len(g.Edges) != 1 {
			t.Errorf("group %+v, want one person", g)
		}
	}

	// Over the complexity limit: a group-by with records of 2000 groups, and a one-to-many
	// relation below another.
	r := run(`{ peopleGroupBy(groupBy: [{city: true}], limit: 2000) { edges { node { id } } } }`, nil)
	wantGQLError(t, "2000 groups with records", r, "BAD_USER_INPUT",
		"Query complexity is too high. Please, reduce the amount of relation fields requested. Query complexity: 2001. Maximum complexity: 2000.")
	if len(r.Errors) == 1 && r.Errors[0].Extensions["subCode"] != "TOO_COMPLEX_QUERY" {
		t.Errorf("subCode %v, want TOO_COMPLEX_QUERY", r.Errors[0].Extensions["subCode"])
	}
	wantGQLError(t, "one to many below one to many",
		run(`{ companies { edges { node { people { edges { node { noteTargets { totalCount } } } } } } } }`, nil), "BAD_USER_INPUT",
		"Query complexity is too high. One-to-Many relation cannot be nested in another One-to-Many relation.")
}
