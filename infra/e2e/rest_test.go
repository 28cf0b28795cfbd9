//go:build e2e

package e2e

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRESTFindMany(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access}
	r := get(t, "/rest/people?limit=3&order_by=position[DescNullsLast]", auth...)
	if want := `{"data":{"people":[]},"totalCount":0,"pageInfo":{"hasNextPage":false,"hasPreviousPage":false,"startCursor":null,"endCursor":null}}` + "\n"; r.status != 200 || string(r.body) != want {
		t.Errorf("GET /rest/people = %d %s, want %s", r.status, r.body, want)
	}
	if r := get(t, "/rest/workspaceMembers", auth...); r.status != 200 || decode[struct{ TotalCount int }](t, r).TotalCount != 1 {
		t.Errorf("GET /rest/workspaceMembers = %d %s, want the creator", r.status, r.body)
	}
	tests := []struct {
		path string
		want envelope
	}{
		{"/rest/person", envelope{400, "BadRequestException", []string{"object 'person' not found. Did you mean 'people'?"}}},
		{"/rest/people?limit=x", envelope{400, "BadRequestException", []string{"limit 'x' is invalid. Should be an integer"}}},
		{"/rest/people?depth=2", envelope{400, "BadRequestException", []string{"'depth=2' parameter invalid. Allowed values are 0, 1"}}},
		{"/rest/people?starting_after=invalid-cursor", envelope{400, "BadRequestException", []string{"Invalid cursor: invalid-cursor"}}},
	}
	for _, tt := range tests {
		r := get(t, tt.path, auth...)
		if diff := cmp.Diff(tt.want, decode[envelope](t, r)); r.status != http.StatusBadRequest || diff != "" {
			t.Errorf("GET %s = %d (-want +got):\n%s", tt.path, r.status, diff)
		}
	}
	if r := get(t, "/rest/people?filter=nope[eq]:1", auth...); r.status != http.StatusBadRequest {
		t.Errorf("GET with a filter on an unknown field = %d %s, want 400", r.status, r.body)
	}
}
