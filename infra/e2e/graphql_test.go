//go:build e2e

package e2e

import (
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gqlPerson is what the GraphQL examples look at of a person.
type gqlPerson struct {
	ID, City  string
	DeletedAt *string
	CreatedBy struct{ Source, WorkspaceMemberID string }
	Company   *struct{ Name string }
}

// gqlPeople is a people connection.
type gqlPeople struct {
	TotalCount int
	Edges      []struct{ Node gqlPerson }
}

func (p gqlPeople) ids() []string {
	out := []string{}
	for _, e := range p.Edges {
		out = append(out, e.Node.ID)
	}
	return out
}

// TestGraphQLDataExamples replays Twenty's GraphQL examples 24 to 26 (reference §9) on /graphql,
// whose auth operations (the onboarding) keep working beside the workspace's data API, then
// relations both ways, introspection and the token the data API needs.
func TestGraphQLDataExamples(t *testing.T) {
	a := onboard(t, "/graphql")
	p1, p2 := "20202020-"+randomHex(t, 2)+"-4000-8000-"+randomHex(t, 6), "20202020-"+randomHex(t, 2)+"-4000-8000-"+randomHex(t, 6)
	run := func(query string, vars map[string]any) gqlReply {
		t.Helper()
		return gql(t, "/graphql", a.access, query, vars)
	}
	ids := map[string]any{"ids": []string{p1, p2}}

	// 24. Create two people, update both by filter, find them by the new value.
	created := data[struct{ CreatePeople []gqlPerson }](t, run(`mutation($a: ID, $b: ID) {
  createPeople(data: [{id: $a, city: "a"}, {id: $b, city: "b"}]) { id city createdBy { source workspaceMemberId } } }`,
		map[string]any{"a": p1, "b": p2})).CreatePeople
	if len(created) != 2 || created[0].ID != p1 || created[1].City != "b" || created[0].CreatedBy.Source != "MANUAL" || created[0].CreatedBy.WorkspaceMemberID == "" {
		t.Errorf("createPeople = %+v, want p1 and p2 created by the member", created)
	}
	updated := data[struct{ UpdatePeople []gqlPerson }](t, run(`mutation($ids: [UUID]) {
  updatePeople(filter: {id: {in: $ids}}, data: {city: "Updated City"}) { id city } }`, ids)).UpdatePeople
	if len(updated) != 2 || updated[0].City != "Updated City" || updated[1].City != "Updated City" {
		t.Errorf("updatePeople = %+v", updated)
	}
	found := data[struct{ People gqlPeople }](t, run(`{ people(filter: {city: {eq: "Updated City"}}) { edges { node { id } } } }`, nil)).People
	if diff := cmp.Diff(sortedIDs([]string{p1, p2}), sortedIDs(found.ids())); diff != "" {
		t.Errorf("people by city (-want +got):\n%s", diff)
	}

	// 25. Soft delete, find the deleted with a deletedAt filter, destroy.
	deleted := data[struct{ DeletePeople []gqlPerson }](t, run(`mutation($ids: [UUID]) { deletePeople(filter: {id: {in: $ids}}) { deletedAt } }`, ids)).DeletePeople
	if len(deleted) != 2 || deleted[0].DeletedAt == nil || deleted[1].DeletedAt == nil {
		t.Errorf("deletePeople = %+v, want 2 with deletedAt", deleted)
	}
	count := func(query string) int {
		t.Helper()
		return len(data[struct{ People gqlPeople }](t, run(query, ids)).People.Edges)
	}
	const live = `query($ids: [UUID]) { people(filter: {id: {in: $ids}}) { edges { node { id } } } }`
	const withDeleted = `query($ids: [UUID]) { people(filter: {id: {in: $ids}, not: {deletedAt: {is: NULL}}}) { edges { node { id } } } }`
	if n := count(live); n != 0 {
		t.Errorf("people after the soft delete = %d, want 0", n)
	}
	if n := count(withDeleted); n != 2 {
		t.Errorf("deleted people = %d, want 2", n)
	}
	destroyed := data[struct{ DestroyPeople []gqlPerson }](t, run(`mutation($ids: [UUID]) { destroyPeople(filter: {id: {in: $ids}}) { id } }`, ids)).DestroyPeople
	if len(destroyed) != 2 {
		t.Errorf("destroyPeople = %+v, want 2", destroyed)
	}
	if n := count(withDeleted); n != 0 {
		t.Errorf("deleted people after destroy = %d, want 0", n)
	}

	// 26. A mass mutation needs a non-empty filter.
	r := run(`mutation { updatePeople(filter: {}, data: {city: "x"}) { id } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Message != "A non-empty filter is required" ||
		r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || r.Errors[0].Extensions["subCode"] != "INVALID_QUERY_INPUT" {
		t.Errorf("updatePeople with an empty filter: errors %+v", r.Errors)
	}

	// Relations both ways, in one request each.
	company := data[struct{ CreateCompany struct{ ID string } }](t, run(`mutation { createCompany(data: {name: "Apple"}) { id } }`, nil)).CreateCompany.ID
	run(`mutation($c: ID) { createPeople(data: [{city: "Cupertino", companyId: $c}, {city: "Austin", companyId: $c}]) { id } }`, map[string]any{"c": company})
	people := data[struct{ People gqlPeople }](t, run(`{ people(filter: {city: {eq: "Austin"}}) { edges { node { city company { name } } } } }`, nil)).People
	if len(people.Edges) != 1 || people.Edges[0].Node.Company == nil || people.Edges[0].Node.Company.Name != "Apple" {
		t.Errorf("person with company = %+v", people)
	}
	companies := data[struct {
		Company struct{ People gqlPeople }
	}](t, run(`query($c: UUID) { company(filter: {id: {eq: $c}}) { people(orderBy: [{city: AscNullsFirst}]) { totalCount edges { node { city } } } } }`, map[string]any{"c": company}))
	if got := companies.Company.People; got.TotalCount != 2 || len(got.Edges) != 2 || got.Edges[0].Node.City != "Austin" {
		t.Errorf("company's people = %+v", got)
	}

	// Introspection answers the workspace's types.
	typ := data[struct {
		Type struct {
			Name   string
			Fields []struct{ Name string }
		} `json:"__type"`
	}](t, run(`{ __type(name: "Person") { name fields { name } } }`, nil)).Type
	if typ.Name != "Person" || !slices.ContainsFunc(typ.Fields, func(f struct{ Name string }) bool { return f.Name == "city" }) {
		t.Errorf("__type(Person) = %+v", typ)
	}

	// The data API needs a workspace's token; the auth operations need none.
	wantGQLError(t, "people without a token", gql(t, "/graphql", "", `{ people { totalCount } }`, nil), "FORBIDDEN", "Missing authentication token")
	if r := gql(t, "/graphql", "", `{ checkUserExists(email: "nobody@apple.dev") { exists } }`, nil); len(r.Errors) > 0 {
		t.Errorf("checkUserExists on /graphql: %+v", r.Errors)
	}
}

// TestGraphQLCustomObject creates a custom object through the metadata REST API, then creates
// and queries its records through /graphql at once.
func TestGraphQLCustomObject(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	send, expect := sender(t, auth)
	r := send("POST", "/rest/metadata/objects", `{"nameSingular":"rocket","namePlural":"rockets","labelSingular":"Rocket","labelPlural":"Rockets","icon":"IconRocket"}`)
	expect(r, http.StatusCreated, "POST /rest/metadata/objects")
	obj := decode[struct {
		Data struct{ CreateOneObject metadataObject }
	}](t, r).Data.CreateOneObject
	r = send("POST", "/rest/metadata/fields", `{"objectMetadataId":"`+obj.ID+`","type":"SELECT","name":"stage","label":"Stage",
  "options":[{"value":"DESIGN","label":"Design","color":"blue","position":0},{"value":"FLIGHT","label":"Flight","color":"green","position":1}]}`)
	expect(r, http.StatusCreated, "POST /rest/metadata/fields")

	created := data[struct {
		CreateRockets []struct{ ID, Name, Stage string }
	}](t, gql(t, "/graphql", a.access, `mutation { createRockets(data: [{name: "Saturn V", stage: FLIGHT}, {name: "Starship", stage: DESIGN}]) { id name stage } }`, nil)).CreateRockets
	if len(created) != 2 || created[0].Name != "Saturn V" || created[0].Stage != "FLIGHT" {
		t.Fatalf("createRockets = %+v", created)
	}
	got := data[struct {
		Rockets struct {
			TotalCount int
			Edges      []struct{ Node struct{ Name, Stage string } }
		}
	}](t, gql(t, "/graphql", a.access, `{ rockets(filter: {stage: {eq: FLIGHT}}) { totalCount edges { node { name stage } } } }`, nil)).Rockets
	if got.TotalCount != 1 || len(got.Edges) != 1 || got.Edges[0].Node.Name != "Saturn V" {
		t.Errorf("rockets in flight = %+v", got)
	}
	one := data[struct{ Rocket struct{ ID string } }](t, gql(t, "/graphql", a.access, `{ rocket(filter: {name: {eq: "Starship"}}) { id } }`, nil)).Rocket
	if one.ID != created[1].ID {
		t.Errorf("rocket(Starship) = %+v, want %s", one, created[1].ID)
	}
}

// sortedIDs returns ids sorted.
func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}
