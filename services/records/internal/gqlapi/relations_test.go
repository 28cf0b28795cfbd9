package gqlapi

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// morePeople inserts n people at company, at positions from 10.
func morePeople(t *testing.T, f *fixture, company string, n int) {
	t.Helper()
	rows := make([]row, n)
	for i := range rows {
		rows[i] = row{"id": fmt.Sprintf("30303030-0000-4000-8000-%012d", i), "position": float64(10 + i),
			"nameFirstName": fmt.Sprintf("P%03d", i), "companyId": company}
	}
	insert(t, f.raw, "person", rows...)
}

// TestRelations loads relations both ways and checks the round trips: one per relation and
// level, whatever the number of records.
func TestRelations(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, query, want string
		batches           int
	}{{
		name: "to one at the root: the depth-1 join, one statement",
		query: `{ people(filter: {id: {in: ["` + ada + `", "` + carla + `", "` + dan + `"]}}, orderBy: [{position: AscNullsFirst}]) {
  edges { node { id company { name } } } } }`,
		want: `{"data":{"people":{"edges":[{"node":{"id":"` + ada + `","company":{"name":"Acme"}}},
  {"node":{"id":"` + carla + `","company":null}},{"node":{"id":"` + dan + `","company":null}}]}}}`,
		batches: 1,
	}, {
		name: "to one below to one: one more query for all",
		query: `{ people(orderBy: [{position: AscNullsFirst}], first: 2) {
  edges { node { company { name accountOwner { name { firstName } userEmail } } } } } }`,
		want: `{"data":{"people":{"edges":[{"node":{"company":{"name":"Acme","accountOwner":{"name":{"firstName":"Tim"},"userEmail":"tim@apple.dev"}}}},
  {"node":{"company":{"name":"Globex","accountOwner":null}}}]}}}`,
		batches: 2,
	}, {
		name: "to many: one query for all parents, grouped",
		query: `{ companies(orderBy: [{position: AscNullsFirst}]) { edges { node { name
  people(orderBy: [{position: DescNullsLast}]) { totalCount edges { node { name { firstName } } } } } } } }`,
		want: `{"data":{"companies":{"edges":[
  {"node":{"name":"Acme","people":{"totalCount":1,"edges":[{"node":{"name":{"firstName":"Ada"}}}]}}},
  {"node":{"name":"Globex","people":{"totalCount":1,"edges":[{"node":{"name":{"firstName":"Bob"}}}]}}}]}}}`,
		batches: 2,
	}, {
		name: "to many with a filter, twice under aliases, and back to one",
		query: `{ company(filter: {name: {eq: "Acme"}}) {
  london: people(filter: {city: {eq: "London"}}) { edges { node { city company { name } } } }
  paris: people(filter: {city: {eq: "Paris"}}) { totalCount edges { node { city } } } } }`,
		want:    `{"data":{"company":{"london":{"edges":[{"node":{"city":"London","company":{"name":"Acme"}}}]},"paris":{"totalCount":0,"edges":[]}}}}`,
		batches: 3,
	}, {
		name: "to many of a mutation's records",
		query: `mutation { updateCompanies(filter: {name: {in: ["Acme", "Globex"]}}, data: {employees: 11}) {
  name employees people { edges { node { id } } } } }`,
		want: `{"data":{"updateCompanies":[{"name":"Acme","employees":11,"people":{"edges":[{"node":{"id":"` + ada + `"}}]}},
  {"name":"Globex","employees":11,"people":{"edges":[{"node":{"id":"` + bob + `"}}]}}]}}`,
		batches: 3, // the update's read and write, then the relation
	}, {
		name:    "the custom object's links",
		query:   `{ pets(filter: {name: {eq: "Rex"}}) { edges { node { name noteTargets { totalCount } attachments { totalCount } } } } }`,
		want:    `{"data":{"pets":{"edges":[{"node":{"name":"Rex","noteTargets":{"totalCount":0},"attachments":{"totalCount":0}}}]}}}`,
		batches: 3,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { f.checkRoundTrips(t, tt.query, tt.want, tt.batches) })
	}
}

// TestRelationsAreNotNPlusOne checks that the round trips of a nested query stay the same when
// the records multiply, and that a relation shows at most QUERY_MAX_RECORDS_FROM_RELATION
// records per parent, counting them all.
func TestRelationsAreNotNPlusOne(t *testing.T) {
	f := newFixture(t)
	query := `{ companies { edges { node { name people(orderBy: [{position: AscNullsFirst}]) { totalCount pageInfo { hasNextPage }
  edges { node { company { name accountOwner { userEmail } } } } } } } } }`
	f.db.count()
	f.exec(t, query, nil)
	before := f.db.count()
	morePeople(t, f, acme, 80)
	r := f.exec(t, query, nil)
	if after := f.db.count(); after != before || len(r.Errors) > 0 {
		t.Errorf("round trips = %d with 81 people at Acme, %d with 1 (errors %v); want them equal", after, before, r.Errors)
	}
	type conn struct {
		TotalCount int
		PageInfo   struct{ HasNextPage bool }
		Edges      []any
	}
	var got []conn
	for _, e := range jsonOf(t, r).(map[string]any)["data"].(map[string]any)["companies"].(map[string]any)["edges"].([]any) {
		people := e.(map[string]any)["node"].(map[string]any)["people"].(map[string]any)
		got = append(got, conn{TotalCount: int(people["totalCount"].(float64)), Edges: make([]any, len(people["edges"].([]any)))})
		got[len(got)-1].PageInfo.HasNextPage = people["pageInfo"].(map[string]any)["hasNextPage"].(bool)
	}
	want := []conn{{TotalCount: 81, Edges: make([]any, maxRecordsFromRelation)}, {TotalCount: 1, Edges: make([]any, 1)}}
	want[0].PageInfo.HasNextPage = true
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("people per company (-want +got):\n%s", diff)
	}
}

// TestRelationsCountBeyondOneRead checks the counts when a relation has more records than one
// read returns: a group-by counts them.
func TestRelationsCountBeyondOneRead(t *testing.T) {
	f := newFixture(t)
	morePeople(t, f, acme, 210)
	f.db.count()
	f.check(t, `{ company(filter: {name: {eq: "Acme"}}) { people(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id } } } } }`, nil,
		`{"data":{"company":{"people":{"totalCount":211,"pageInfo":{"hasNextPage":true},"edges":[
  {"node":{"id":"`+ada+`"}},{"node":{"id":"30303030-0000-4000-8000-000000000000"}}]}}}}`)
	if n := f.db.count(); n != 3 {
		t.Errorf("round trips = %d, want 3 (the company, its people, their count)", n)
	}
}
