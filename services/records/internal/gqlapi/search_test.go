package gqlapi

import (
	"strings"
	"testing"
)

const searchQuery = `query($q: String!, $limit: Int!, $after: String, $inc: [String!], $exc: [String!], $filter: ObjectRecordFilterInput) {
  search(searchInput: $q, limit: $limit, after: $after, includedObjectNameSingulars: $inc, excludedObjectNameSingulars: $exc, filter: $filter) {
    edges { node { recordId objectNameSingular objectLabelSingular label imageUrl } }
    pageInfo { hasNextPage }
  }
}`

func TestSearch(t *testing.T) {
	f := newFixture(t)
	node := func(id, obj, objLabel, label, image string) string {
		img := "null"
		if image != "" {
			img = `"` + image + `"`
		}
		return `{"node": {"recordId": "` + id + `", "objectNameSingular": "` + obj + `", "objectLabelSingular": "` + objLabel +
			`", "label": "` + label + `", "imageUrl": ` + img + `}}`
	}
	page := func(more bool, nodes ...string) string {
		m := "false"
		if more {
			m = "true"
		}
		return `{"data": {"search": {"edges": [` + strings.Join(nodes, ", ") + `], "pageInfo": {"hasNextPage": ` + m + `}}}}`
	}
	adaN := node(ada, "person", "Person", "Ada Lovelace", "")
	tests := []struct {
		name string
		vars map[string]any
		want string
	}{
		{"a person by a prefix of her name", map[string]any{"q": "lovel", "limit": 10}, page(false, adaN)},
		{"a company by its domain, with its logo", map[string]any{"q": "acme.com", "limit": 10},
			page(false, node(acme, "company", "Company", "Acme", "https://twenty-icons.com/acme.com"))},
		{"a custom object's record", map[string]any{"q": "KIK", "limit": 10}, page(false, node(kiki, "pet", "Pet", "Kiki", ""))},
		{"a workspace member by email", map[string]any{"q": "tim@apple", "limit": 10}, page(false, node(member, "workspaceMember", "Workspace Member", "Tim Apple", ""))},
		{"soft-deleted never", map[string]any{"q": "gone", "limit": 10}, page(false)},
		{"included only", map[string]any{"q": "", "limit": 2, "inc": []any{"pet"}}, page(true, node(rex, "pet", "Pet", "Rex", ""), node(tom, "pet", "Pet", "Tom", ""))},
		{"excluded", map[string]any{"q": "ada", "limit": 10, "exc": []any{"person"}}, page(false)},
		{"not these ids", map[string]any{"q": "ada", "limit": 10, "filter": map[string]any{"not": map[string]any{"id": map[string]any{"in": []any{ada}}}}}, page(false)},
		{"these ids", map[string]any{"q": "", "limit": 10, "filter": map[string]any{"id": map[string]any{"in": []any{bob}}}}, page(false, node(bob, "person", "Person", "Bob Marley", ""))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { f.check(t, searchQuery, tc.vars, tc.want) })
	}

	// A record the API creates is found right away: the index is written with it.
	create := f.exec(t, `mutation { createPerson(data: {name: {firstName: "Zoë", lastName: "Ångström"}}) { id } }`, nil)
	if len(create.Errors) > 0 {
		t.Fatalf("createPerson: %v", create.Errors)
	}
	got := f.exec(t, searchQuery, map[string]any{"q": "zoe ang", "limit": 10})
	if b, _ := got.MarshalJSON(); !strings.Contains(string(b), `"label":"Zoë Ångström"`) {
		t.Errorf("created person not found: %s", b)
	}

	for _, bad := range []map[string]any{
		{"q": "a", "limit": 101},
		{"q": "a", "limit": 0},
		{"q": "a", "limit": 10, "after": "not a cursor"},
		{"q": "a", "limit": 10, "filter": map[string]any{"createdAt": map[string]any{"gt": "2024-01-01"}}},
	} {
		got := f.exec(t, searchQuery, bad)
		if b, _ := got.MarshalJSON(); len(got.Errors) == 0 || !strings.Contains(string(b), "BAD_USER_INPUT") {
			t.Errorf("search %v: want BAD_USER_INPUT, got %s", bad, b)
		}
	}
}
