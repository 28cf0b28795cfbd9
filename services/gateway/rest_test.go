package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
)

func TestRESTFindMany(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	token := "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	rec := s.do(t, http.MethodGet, "/rest/people?limit=1", "", "Authorization", token)
	want := `{"data":{"people":[{"id":"p1","city":"Paris"},{"id":"p2","city":"Lyon"}]},"totalCount":2,"pageInfo":{"hasNextPage":true,"hasPreviousPage":false,"startCursor":"c1","endCursor":"c2"}}` + "\n"
	if diff := cmp.Diff(want, rec.Body.String()); rec.Code != 200 || diff != "" {
		t.Errorf("GET /rest/people = %d (-want +got):\n%s", rec.Code, diff)
	}
	tests := []struct {
		path   string
		status int
		want   envelope
	}{
		{"/rest/people?limit=x", 400, envelope{400, "BadRequestException", []string{"limit 'x' is invalid. Should be an integer"}}},
		{"/rest/people?depth=2", 400, envelope{400, "BadRequestException", []string{"'depth=2' parameter invalid. Allowed values are 0, 1"}}},
		{"/rest/person", 400, envelope{400, "BadRequestException", []string{"object 'person' not found"}}},
	}
	for _, tt := range tests {
		rec := s.do(t, http.MethodGet, tt.path, "", "Authorization", token)
		if diff := cmp.Diff(tt.want, decode[envelope](t, rec)); rec.Code != tt.status || diff != "" {
			t.Errorf("GET %s = %d (-want +got):\n%s", tt.path, rec.Code, diff)
		}
	}
}

func TestRESTCreate(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	user := "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	key := "Bearer " + sign(t, authtoken.APIKeyClaims("k-1", "ws-1", time.Now(), time.Now().Add(time.Hour)))
	tests := []struct {
		name, path, token, body string
		status                  int
		want                    string
	}{
		{"one, as a user", "/rest/people", user, `{"city":"Paris"}`, 201,
			`{"data":{"createPerson":{"city":"Paris","createdBy":{"source":"MANUAL","workspaceMemberId":"m-1"}}}}`},
		{"batch, with an API key", "/rest/batch/people", key, `[{"city":"A"},{"city":"B"}]`, 201,
			`{"data":{"createPeople":[{"city":"A","createdBy":{"source":"API","workspaceMemberId":""}},{"city":"B","createdBy":{"source":"API","workspaceMemberId":""}}]}}`},
		{"one with an array body", "/rest/people", user, `[{"city":"A"}]`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["Request body must be an object"]}`},
		{"batch with an object body", "/rest/batch/people", user, `{"city":"A"}`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["Request body must be an array"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.do(t, http.MethodPost, tt.path, tt.body, "Authorization", tt.token, "Content-Type", "application/json")
			if diff := cmp.Diff(tt.want+"\n", rec.Body.String()); rec.Code != tt.status || diff != "" {
				t.Errorf("POST %s = %d (-want +got):\n%s", tt.path, rec.Code, diff)
			}
		})
	}
	// Twenty's path parser reads /rest/batch/people as /rest/people for every method: a GET lists.
	if rec := s.do(t, http.MethodGet, "/rest/batch/people", "", "Authorization", user); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"people":`) {
		t.Errorf("GET /rest/batch/people = %d %s, want the list", rec.Code, rec.Body)
	}
	// A longer path is Twenty's 400.
	want := envelope{400, "BadRequestException", []string{"Query path '/rest/people/a/b' invalid. Valid examples: /rest/companies/id or /rest/companies or /rest/batch/companies"}}
	if rec := s.do(t, http.MethodGet, "/rest/people/a/b", "", "Authorization", user); rec.Code != 400 || !cmp.Equal(want, decode[envelope](t, rec)) {
		t.Errorf("GET /rest/people/a/b = %d %s, want %+v", rec.Code, rec.Body, want)
	}
}
