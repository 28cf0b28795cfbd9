//go:build e2e

package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

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

// TestRESTCreateExamples replays Twenty's examples 1–7 (reference §9).
func TestRESTCreateExamples(t *testing.T) {
	a := onboard(t, "/metadata")
	user := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	expires := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	keyID := data[struct{ CreateAPIKey struct{ ID string } }](t, gql(t, "/metadata", a.access,
		`mutation($e: String!) { createApiKey(input: {name: "e2e", expiresAt: $e}) { id } }`, map[string]any{"e": expires})).CreateAPIKey.ID
	keyToken := data[struct{ GenerateAPIKeyToken struct{ Token string } }](t, gql(t, "/metadata", a.access,
		`mutation($id: UUID!, $e: String!) { generateApiKeyToken(apiKeyId: $id, expiresAt: $e) { token } }`, map[string]any{"id": keyID, "e": expires})).GenerateAPIKeyToken.Token
	apiKey := []string{"Authorization", "Bearer " + keyToken, "Content-Type", "application/json"}
	uuid := func() string {
		b := randomHex(t, 16)
		return b[:8] + "-" + b[8:12] + "-4" + b[13:16] + "-8" + b[17:20] + "-" + b[20:32]
	}

	// 1. A link loses its trailing slash.
	c1 := uuid()
	r := post(t, "/rest/companies", `{"id":"`+c1+`","name":"Example","domainName":{"primaryLinkUrl":"https://www.example.com/"}}`, user...)
	if r.status != 201 || !strings.Contains(string(r.body), `"createCompany":{`) || !strings.Contains(string(r.body), `"id":"`+c1+`"`) {
		t.Fatalf("POST /rest/companies = %d %s", r.status, r.body)
	}
	r = get(t, "/rest/companies?filter=id[eq]:"+c1, user...)
	if !strings.Contains(string(r.body), `"primaryLinkUrl":"https://www.example.com"`) {
		t.Errorf("company read back = %s, want the URL without its trailing slash", r.body)
	}
	// 2–4. createdBy from the token, or kept from the client.
	type createdBy struct {
		Source            string
		WorkspaceMemberID *string `json:"workspaceMemberId"`
	}
	person := func(headers []string, body string) createdBy {
		t.Helper()
		r := post(t, "/rest/people", body, headers...)
		if r.status != 201 {
			t.Fatalf("POST /rest/people %s = %d %s", body, r.status, r.body)
		}
		return decode[struct {
			Data struct{ CreatePerson struct{ CreatedBy createdBy } }
		}](t, r).Data.CreatePerson.CreatedBy
	}
	p1 := uuid()
	if got := person(apiKey, `{"id":"`+p1+`","city":"X","companyId":"`+c1+`"}`); got.Source != "API" || got.WorkspaceMemberID != nil {
		t.Errorf("createdBy with an API key = %+v, want API and no member", got)
	}
	if got := person(user, `{"city":"Y"}`); got.Source != "MANUAL" || got.WorkspaceMemberID == nil || *got.WorkspaceMemberID == "" {
		t.Errorf("createdBy with a user token = %+v, want MANUAL with the member", got)
	}
	if got := person(user, `{"createdBy":{"source":"EMAIL"}}`); got.Source != "EMAIL" {
		t.Errorf("createdBy with a client source = %+v, want EMAIL", got)
	}
	// 5. The same id again.
	r = post(t, "/rest/people", `{"id":"`+p1+`"}`, user...)
	if env := decode[envelope](t, r); r.status != 400 || env.Error != "BadRequestException" || len(env.Messages) != 1 || !strings.Contains(env.Messages[0], "Record already exists") {
		t.Errorf("duplicate id = %d %+v", r.status, env)
	}
	// 6. A select value that is not an option.
	r = post(t, "/rest/opportunities", `{"stage":"INVALID_ENUM_VALUE"}`, user...)
	if env := decode[envelope](t, r); r.status != 400 || len(env.Messages) != 1 || !strings.HasPrefix(env.Messages[0], "invalid input value for enum workspace_") || !strings.Contains(env.Messages[0], "opportunity_stage_enum") {
		t.Errorf("bad enum = %d %+v", r.status, env)
	}
	// 7. A batch, in input order.
	b1, b2 := uuid(), uuid()
	r = post(t, "/rest/batch/people", `[{"id":"`+b1+`","city":"B1"},{"id":"`+b2+`","city":"B2"}]`, user...)
	batch := decode[struct {
		Data struct{ CreatePeople []struct{ ID string } }
	}](t, r).Data.CreatePeople
	if r.status != 201 || len(batch) != 2 || batch[0].ID != b1 || batch[1].ID != b2 {
		t.Errorf("POST /rest/batch/people = %d %s", r.status, r.body)
	}
	// The list sees them: filter, count, depth 1 embedding the company.
	list := decode[struct {
		Data struct {
			People []struct {
				ID      string
				Company *struct{ ID string }
			}
		}
		TotalCount int
	}](t, get(t, "/rest/people?depth=1&filter=companyId[eq]:"+c1, user...))
	if list.TotalCount != 1 || len(list.Data.People) != 1 || list.Data.People[0].ID != p1 || list.Data.People[0].Company == nil || list.Data.People[0].Company.ID != c1 {
		t.Errorf("people of the company at depth 1 = %+v", list)
	}
	if all := decode[struct{ TotalCount int }](t, get(t, "/rest/people", user...)); all.TotalCount != 5 {
		t.Errorf("totalCount of people = %d, want 5", all.TotalCount)
	}
}
