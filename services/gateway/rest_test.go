package main

import (
	"net/http"
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
