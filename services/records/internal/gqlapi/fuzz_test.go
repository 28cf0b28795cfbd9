package gqlapi

import (
	"encoding/json"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// TestIntrospection checks that the workspace's types answer introspection.
func TestIntrospection(t *testing.T) {
	f := newFixture(t)
	r := f.exec(t, `{ __schema { queryType { name } mutationType { name } }
  __type(name: "Person") { name kind fields { name type { name kind ofType { name } } } } }`, nil)
	var out struct {
		Data struct {
			Schema struct{ QueryType, MutationType struct{ Name string } } `json:"__schema"`
			Type   struct {
				Name, Kind string
				Fields     []struct {
					Name string
					Type struct {
						Name, Kind string
						OfType     *struct{ Name string }
					}
				}
			} `json:"__type"`
		}
	}
	b, _ := r.MarshalJSON()
	if err := json.Unmarshal(b, &out); err != nil || len(r.Errors) > 0 {
		t.Fatalf("introspection = %s (%v)", b, err)
	}
	types := map[string]string{}
	for _, fl := range out.Data.Type.Fields {
		name := fl.Type.Name
		if fl.Type.OfType != nil {
			name = fl.Type.Kind + " " + fl.Type.OfType.Name
		}
		types[fl.Name] = name
	}
	got := map[string]string{"query": out.Data.Schema.QueryType.Name, "mutation": out.Data.Schema.MutationType.Name, "type": out.Data.Type.Name + " " + out.Data.Type.Kind,
		"id": types["id"], "name": types["name"], "companyId": types["companyId"], "company": types["company"], "taskTargets": types["taskTargets"]}
	want := map[string]string{"query": "Query", "mutation": "Mutation", "type": "Person OBJECT",
		"id": "NON_NULL UUID", "name": "FullName", "companyId": "ID", "company": "Company", "taskTargets": "TaskTargetConnection"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("introspection (-want +got):\n%s", diff)
	}
}

// FuzzExecute runs documents against the workspace schema: whatever the document, the answer is
// a response (errors included), never a panic.
func FuzzExecute(f *testing.F) {
	for _, q := range []string{
		`{ people { edges { node { id name { firstName } company { name people { totalCount } } } } } }`,
		`{ people(filter: {or: [{city: {eq: "x"}}, {not: {id: {in: []}}}]}, orderBy: [{name: {lastName: AscNullsLast}}], first: 3, after: "eyJpZCI6MX0=") { totalCount } }`,
		`{ pets(filter: {tags: {containsAny: [CUTE]}, price: {amountMicros: {gte: 1}}}) { edges { cursor node { tags data } } } }`,
		`{ petsGroupBy(groupBy: [{born: {granularity: WEEK, weekStartDay: SUNDAY, timeZone: "Europe/Paris"}}, {tags: true}], orderBy: [{aggregate: {avgWeight: DescNullsFirst}}], limit: 2) { groupByDimensionValues totalCount avgWeight edges { node { name } } } }`,
		`{ companies { countEmptyName percentageNotEmptyEmployees maxCreatedAt edges { node { people { sumPosition } } } } }`,
		`{ person(filter: {id: {eq: "x"}}) { id } }`,
		`mutation { updatePeople(filter: {}, data: {city: "x"}) { id } }`,
		`mutation { createPet(data: {name: "Z", tags: [OLD], data: {a: [1, 2]}}) { id tags } }`,
		`{ __type(name: "Pet") { fields { name } } }`,
		`{ people(first: -1) { totalCount } }`,
		`query Q($f: PersonFilterInput) { people(filter: $f) { totalCount } }`,
		`{`,
	} {
		f.Add(q)
	}
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, query string) {
		if !utf8.ValidString(query) {
			return
		}
		r := fx.schema.Execute(t.Context(), Request{DB: fx.db, WorkspaceID: ws, Actor: actor}, graphql.Request{Query: query})
		if r == nil {
			t.Fatal("nil response")
		}
		if _, err := r.MarshalJSON(); err != nil {
			t.Fatalf("response does not encode: %v", err)
		}
		if r.Data == nil && len(r.Errors) == 0 {
			t.Fatalf("no data and no error for %q", query)
		}
		if slices.ContainsFunc(r.Errors, func(e *graphql.Error) bool { return e.Message == "" }) {
			t.Fatalf("an error without a message for %q", query)
		}
	})
}
