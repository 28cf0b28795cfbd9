//go:build e2e

package e2e

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// searchHit is what the test reads of a search result.
type searchHit struct {
	RecordID, ObjectNameSingular, Label string
	ImageURL                            *string
	TsRank                              float64
}

const searchDoc = `query($q: String!) { search(searchInput: $q, limit: 20) {
  edges { node { recordId objectNameSingular label imageUrl tsRank tsRankCD } cursor } pageInfo { hasNextPage endCursor } } }`

func searchFor(t *testing.T, token, q string) []searchHit {
	t.Helper()
	got := data[struct {
		Search struct {
			Edges []struct{ Node searchHit }
		}
	}](t, gql(t, "/graphql", token, searchDoc, map[string]any{"q": q})).Search
	var hits []searchHit
	for i, e := range got.Edges {
		if i > 0 && e.Node.TsRank > got.Edges[i-1].Node.TsRank {
			t.Errorf("search %q: not ranked: %v after %v", q, e.Node.TsRank, got.Edges[i-1].Node.TsRank)
		}
		hits = append(hits, e.Node)
	}
	return hits
}

// TestSearchAcrossObjects runs Twenty's search on /graphql in two workspaces: a person by a
// prefix of her name (accents and case aside), a company by its domain, a custom object's record,
// ranked, never the other workspace's records, and never a soft-deleted one.
func TestSearchAcrossObjects(t *testing.T) {
	a, b := onboard(t, "/metadata"), onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	send, expect := sender(t, auth)
	expect(send("POST", "/rest/metadata/objects", `{"nameSingular":"rocket","namePlural":"rockets","labelSingular":"Rocket","labelPlural":"Rockets","icon":"IconRocket"}`),
		http.StatusCreated, "POST /rest/metadata/objects")

	type ref struct{ ID string }
	mine := data[struct {
		CreatePerson  ref
		CreateCompany ref
		CreateRocket  ref
	}](t, gql(t, "/graphql", a.access, `mutation {
  createPerson(data: {name: {firstName: "Hélène", lastName: "Yourcenar"}, emails: {primaryEmail: "helene@letters.fr"}}) { id }
  createCompany(data: {name: "Lettres", domainName: {primaryLinkUrl: "https://www.editions-lettres.fr"}}) { id }
  createRocket(data: {name: "Saturn V"}) { id } }`, nil))
	theirs := data[struct{ CreatePerson ref }](t, gql(t, "/graphql", b.access,
		`mutation { createPerson(data: {name: {firstName: "Helena", lastName: "Bonham"}}) { id } }`, nil))

	logo := "https://twenty-icons.com/editions-lettres.fr"
	for _, tc := range []struct {
		q    string
		want []searchHit
	}{
		{"hel", []searchHit{{RecordID: mine.CreatePerson.ID, ObjectNameSingular: "person", Label: "Hélène Yourcenar"}}},
		{"HELENE YOURC", []searchHit{{RecordID: mine.CreatePerson.ID, ObjectNameSingular: "person", Label: "Hélène Yourcenar"}}},
		{"editions-lettres.fr", []searchHit{{RecordID: mine.CreateCompany.ID, ObjectNameSingular: "company", Label: "Lettres", ImageURL: &logo}}},
		{"satur", []searchHit{{RecordID: mine.CreateRocket.ID, ObjectNameSingular: "rocket", Label: "Saturn V"}}},
	} {
		got := searchFor(t, a.access, tc.q)
		if diff := cmp.Diff(tc.want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".TsRank" }, cmp.Ignore())); diff != "" {
			t.Errorf("search %q (-want +got):\n%s", tc.q, diff)
		}
	}
	// Every result of a broad search comes ranked (searchFor checks the order).
	if got := searchFor(t, a.access, "l"); len(got) < 2 {
		t.Errorf("search l = %+v, want the company and the person at least", got)
	}
	if got := searchFor(t, b.access, "hel"); len(got) != 1 || got[0].RecordID != theirs.CreatePerson.ID {
		t.Errorf("workspace b's search hel = %+v, want only its own Helena", got)
	}

	data[struct{ DeletePerson ref }](t, gql(t, "/graphql", a.access, `mutation($id: UUID!) { deletePerson(id: $id) { id } }`,
		map[string]any{"id": mine.CreatePerson.ID}))
	if got := searchFor(t, a.access, "hel"); len(got) != 0 {
		t.Errorf("search after the soft delete = %+v, want nothing", got)
	}
}
