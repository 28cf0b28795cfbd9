package gqlapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// tooComplex is Twenty's error of a root field at path whose query is too complex.
func tooComplex(path, message string) string {
	return `{"errors":[{"message":"` + message + `","locations":[{"line":1,"column":3}],"path":["` + path + `"],
  "extensions":{"code":"BAD_USER_INPUT","subCode":"TOO_COMPLEX_QUERY","userFriendlyMessage":"An error occurred."}}],"data":{"` + path + `":null}}`
}

// TestComplexity checks Twenty's query complexity: a ONE_TO_MANY relation below another is
// refused, and a root field's complexity (1 plus its relations; for a group-by with records,
// 1 plus the group limit times 1 plus its relations) must be at most the limit.
func TestComplexity(t *testing.T) {
	f := newFixture(t)
	f.schema.m.complexityLimit = 3
	tooHigh := func(path string, n int) string {
		return tooComplex(path, fmt.Sprintf("Query complexity is too high. Please, reduce the amount of relation fields requested. Query complexity: %d. Maximum complexity: 3.", n))
	}
	nested := "Query complexity is too high. One-to-Many relation cannot be nested in another One-to-Many relation."
	tests := []struct{ name, query, want string }{
		{"one to many below one to many", `{ companies { edges { node { people { edges { node { noteTargets { totalCount } } } } } } } }`,
			tooComplex("companies", nested)},
		{"one to many below a to-one below one to many", `{ company(filter: {name: {eq: "Acme"}}) { people { edges { node { company { opportunities { totalCount } } } } } } }`,
			tooComplex("company", nested)},
		{"in a mutation's records", `mutation { updatePeople(filter: {id: {eq: "` + ada + `"}}, data: {city: "Paris"}) { company { people { edges { node { noteTargets { totalCount } } } } } } }`,
			strings.Replace(tooComplex("updatePeople", nested), `"column":3`, `"column":12`, 1)},
		{"two relations: complexity 3", `{ people(filter: {id: {eq: "` + ada + `"}}) { edges { node { id company { accountOwner { id } } } } } }`,
			`{"data":{"people":{"edges":[{"node":{"id":"` + ada + `","company":{"accountOwner":{"id":"` + member + `"}}}}]}}}`},
		{"the same relation under aliases counts once", `{ people(filter: {id: {eq: "` + ada + `"}}) { edges { node { id company { accountOwner { id } } c: company { name } } } } }`,
			`{"data":{"people":{"edges":[{"node":{"id":"` + ada + `","company":{"accountOwner":{"id":"` + member + `"}},"c":{"name":"Acme"}}}]}}}`},
		{"three relations: complexity 4", `{ people(first: 1) { edges { node { company { accountOwner { id } } noteTargets { totalCount } } } } }`,
			tooHigh("people", 4)},
		{"a group-by without records: 1", `{ peopleGroupBy(groupBy: [{city: true}], limit: 100) { totalCount } }`,
			`{"data":{"peopleGroupBy":[{"totalCount":1},{"totalCount":1},{"totalCount":1},{"totalCount":1}]}}`},
		{"a group-by with records: 1 + limit", `{ peopleGroupBy(groupBy: [{city: true}], limit: 3) { edges { node { id } } } }`,
			tooHigh("peopleGroupBy", 4)},
		{"a group-by with records by default 50 groups", `{ peopleGroupBy(groupBy: [{city: true}]) { edges { node { company { name } } } } }`,
			tooHigh("peopleGroupBy", 101)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { f.check(t, tt.query, nil, tt.want) })
	}
}

// TestComplexityLimit checks Twenty's COMMON_QUERY_COMPLEXITY_LIMIT, 2000, on a group-by.
func TestComplexityLimit(t *testing.T) {
	f := newFixture(t)
	ok := f.exec(t, `{ peopleGroupBy(groupBy: [{city: true}], limit: 1999) { edges { node { id } } } }`, nil)
	if len(ok.Errors) > 0 {
		t.Errorf("complexity 2000: %v", ok.Errors)
	}
	f.check(t, `{ peopleGroupBy(groupBy: [{city: true}], limit: 2000) { edges { node { id } } } }`, nil,
		tooComplex("peopleGroupBy", "Query complexity is too high. Please, reduce the amount of relation fields requested. Query complexity: 2001. Maximum complexity: 2000."))
}

// TestCountRelations checks the relations counted in a selection.
func TestCountRelations(t *testing.T) {
	f := newFixture(t)
	m := f.schema.m
	sel := func(name string, sub ...*graphql.SelectedField) *graphql.SelectedField {
		return &graphql.SelectedField{Name: name, Alias: name, Selections: sub}
	}
	conn := func(sub ...*graphql.SelectedField) []*graphql.SelectedField {
		return []*graphql.SelectedField{sel("totalCount"), sel("edges", sel("node", sub...))}
	}
	company := m.byName["company"]
	tests := []struct {
		name string
		sels []*graphql.SelectedField
		want relationCount
	}{
		{"scalars", []*graphql.SelectedField{sel("name"), sel("employees")}, relationCount{}},
		{"to one, and its own", []*graphql.SelectedField{sel("accountOwner", sel("id"), sel("company"))}, relationCount{relations: 1}},
		{"to many with to one below", []*graphql.SelectedField{{Name: "people", Alias: "people", Selections: conn(sel("company", sel("accountOwner", sel("id"))))}},
			relationCount{relations: 3}},
		{"to many below to many", []*graphql.SelectedField{{Name: "people", Alias: "people", Selections: conn(sel("noteTargets", sel("totalCount")))}},
			relationCount{relations: 2, nestedToMany: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, m.countRelations(company, tt.sels, false), cmp.AllowUnexported(relationCount{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
