package gqlapi

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pageOfPeople is a page of people as the tests select it.
type pageOfPeople struct {
	IDs                          []string
	HasNextPage, HasPreviousPage bool
	StartCursor, EndCursor       string
	Errors                       []string
}

// peoplePage runs people(args) ordered by position and reads the page.
func peoplePage(t *testing.T, f *fixture, args string) pageOfPeople {
	t.Helper()
	r := f.exec(t, `{ people(`+args+`, orderBy: [{position: AscNullsFirst}]) {
  edges { node { id } cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, nil)
	var p pageOfPeople
	for _, e := range r.Errors {
		p.Errors = append(p.Errors, e.Message+" "+e.Extensions["subCode"].(string))
	}
	if len(r.Errors) > 0 {
		return p
	}
	b, _ := r.MarshalJSON()
	var out struct {
		Data struct {
			People struct {
				Edges []struct {
					Node   struct{ ID string }
					Cursor string
				}
				PageInfo struct {
					HasNextPage, HasPreviousPage bool
					StartCursor, EndCursor       *string
				}
			}
		}
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	c := out.Data.People
	p.IDs = []string{}
	for _, e := range c.Edges {
		p.IDs = append(p.IDs, e.Node.ID)
	}
	p.HasNextPage, p.HasPreviousPage = c.PageInfo.HasNextPage, c.PageInfo.HasPreviousPage
	if c.PageInfo.StartCursor != nil {
		p.StartCursor, p.EndCursor = *c.PageInfo.StartCursor, *c.PageInfo.EndCursor
		if c.Edges[0].Cursor != p.StartCursor || c.Edges[len(c.Edges)-1].Cursor != p.EndCursor {
			t.Errorf("page cursors %s…%s are not the edges' first and last", p.StartCursor, p.EndCursor)
		}
	}
	return p
}

func TestPagination(t *testing.T) {
	f := newFixture(t)
	first := peoplePage(t, f, "first: 2")
	if diff := cmp.Diff([]string{ada, bob}, first.IDs); diff != "" || !first.HasNextPage || first.HasPreviousPage {
		t.Fatalf("first page %+v (-want ids +got):\n%s", first, diff)
	}
	tests := []struct {
		name, args string
		want       pageOfPeople
	}{
		{"after the first page", `first: 2, after: "` + first.EndCursor + `"`, pageOfPeople{IDs: []string{carla, dan}, HasPreviousPage: true}},
		{"last before a cursor", `last: 1, before: "` + first.EndCursor + `"`, pageOfPeople{IDs: []string{ada}, HasNextPage: true}},
		{"last alone pages forwards", `last: 3`, pageOfPeople{IDs: []string{ada, bob, carla}, HasNextPage: true}},
		{"first 0", `first: 0`, pageOfPeople{IDs: []string{}, HasNextPage: true}},
		{"default page is all", `after: ""`, pageOfPeople{IDs: []string{ada, bob, carla, dan}}},
		{"offset", `first: 2, offset: 1`, pageOfPeople{IDs: []string{bob, carla}, HasNextPage: true, HasPreviousPage: true}},
		{"first and last", `first: 1, last: 1`, pageOfPeople{Errors: []string{"Cannot provide both first and last ARGS_CONFLICT"}}},
		{"before and after", `before: "x", after: "y"`, pageOfPeople{Errors: []string{"Cannot provide both before and after ARGS_CONFLICT"}}},
		{"before and first", `before: "x", first: 1`, pageOfPeople{Errors: []string{"Cannot provide both before and first ARGS_CONFLICT"}}},
		{"after and last", `after: "x", last: 1`, pageOfPeople{Errors: []string{"Cannot provide both after and last ARGS_CONFLICT"}}},
		{"negative first", `first: -1`, pageOfPeople{Errors: []string{"First argument must be non-negative INVALID_ARGS_FIRST"}}},
		{"negative last", `last: -2`, pageOfPeople{Errors: []string{"Last argument must be non-negative INVALID_ARGS_LAST"}}},
		{"invalid cursor", `after: "invalid-cursor"`, pageOfPeople{Errors: []string{"Invalid cursor: invalid-cursor INVALID_CURSOR"}}},
		{"offset past the largest page", `first: 150, offset: 60`, pageOfPeople{Errors: []string{"offset plus page size cannot exceed 200 INVALID_QUERY_INPUT"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := peoplePage(t, f, tt.args)
			got.StartCursor, got.EndCursor = "", ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("people(%s) (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}
