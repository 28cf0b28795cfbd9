package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// openAPIEcho is what fakeRecords.OpenAPI answers: the request it was given.
type openAPIEcho struct {
	WorkspaceID string `json:"workspaceId"`
	Kind        string `json:"kind"`
	ServerURL   string `json:"serverUrl"`
}

// OpenAPI answers the request it was given as the document, so tests see what the gateway asked.
func (fakeRecords) OpenAPI(_ context.Context, req *recordsv1.OpenAPIRequest) (*recordsv1.OpenAPIResponse, error) {
	if req.GetServerUrl() == "http://down.example/rest" {
		return nil, connect.NewError(connect.CodeUnavailable, errors.New("records unavailable"))
	}
	b, err := json.Marshal(openAPIEcho{req.GetWorkspaceId(), req.GetKind(), req.GetServerUrl()})
	if err != nil {
		return nil, err
	}
	return &recordsv1.OpenAPIResponse{DocumentJson: b}, nil
}

func TestOpenAPI(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	now := time.Now()
	access := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", now, 0))
	revoked := authtoken.APIKeyClaims("key-2", "ws-2", now, now.Add(time.Hour))
	if err := s.cache.Put(context.Background(), "auth/revoked/key-2", []byte("x"), time.Hour); err != nil {
		t.Fatal(err)
	}
	otherKey, _ := authtoken.NewSigningKey()
	forged, _ := otherKey.Sign(authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", now, 0))
	forged = strings.Replace(forged, otherKey.ID, testKey.ID, 1)

	const core, meta = "http://example.com/rest", "http://example.com/rest/metadata"
	tests := []struct {
		name, url, authorization string
		want                     openAPIEcho
	}{
		{"no token", "/rest/open-api/core", "", openAPIEcho{"", "core", core}},
		{"access token", "/rest/open-api/core", "Bearer " + access, openAPIEcho{"ws-1", "core", core}},
		{"API key", "/rest/open-api/core", "Bearer " + sign(t, authtoken.APIKeyClaims("key-1", "ws-3", now, now.Add(time.Hour))), openAPIEcho{"ws-3", "core", core}},
		{"metadata with a token", "/rest/open-api/metadata", "Bearer " + access, openAPIEcho{"ws-1", "metadata", meta}},
		{"metadata without", "/rest/open-api/metadata", "", openAPIEcho{"", "metadata", meta}},
		{"token in the URL only", "/rest/open-api/core?token=" + access, "", openAPIEcho{"", "core", core}},
		{"garbage token", "/rest/open-api/core", "Bearer garbage", openAPIEcho{"", "core", core}},
		{"forged token", "/rest/open-api/core", "Bearer " + forged, openAPIEcho{"", "core", core}},
		{"expired token", "/rest/open-api/core", "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", now.Add(-time.Hour), time.Minute)), openAPIEcho{"", "core", core}},
		{"revoked API key", "/rest/open-api/core", "Bearer " + sign(t, revoked), openAPIEcho{"", "core", core}},
		{"workspace-agnostic token", "/rest/open-api/core", "Bearer " + sign(t, authtoken.WorkspaceAgnosticClaims("u-1", "password", now, 0)), openAPIEcho{"", "core", core}},
		{"login token", "/rest/open-api/core", "Bearer " + sign(t, authtoken.LoginClaims("tim@apple.dev", "ws-1", "password", now, 0)), openAPIEcho{"", "core", core}},
		{"not a bearer", "/rest/open-api/core", "Basic " + access, openAPIEcho{"", "core", core}},
		{"https", "https://crm.example.com/rest/open-api/core", "", openAPIEcho{"", "core", "https://crm.example.com/rest"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.url, nil)
			if tt.authorization != "" {
				req.Header.Set("Authorization", tt.authorization)
			}
			rec := httptest.NewRecorder()
			s.gateway.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d %s, want 200", tt.url, rec.Code, rec.Body)
			}
			if diff := cmp.Diff(tt.want, decode[openAPIEcho](t, rec)); diff != "" {
				t.Errorf("records was asked (-want +got):\n%s", diff)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q", got)
			}
		})
	}
}

func TestOpenAPIErrors(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	tests := []struct {
		method, url string
		status      int
		want        envelope
	}{
		{http.MethodGet, "/rest/open-api/graphql", 404, envelope{404, "NotFoundException", []string{"Cannot GET /rest/open-api/graphql"}}},
		{http.MethodPost, "/rest/open-api/core", 404, envelope{404, "NotFoundException", []string{"Cannot POST /rest/open-api/core"}}},
		{http.MethodGet, "http://down.example/rest/open-api/core", 503, envelope{503, "ServiceUnavailableException", []string{"records unavailable"}}},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		s.gateway.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.url, nil))
		if diff := cmp.Diff(tt.want, decode[envelope](t, rec)); rec.Code != tt.status || diff != "" {
			t.Errorf("%s %s = %d (-want +got):\n%s", tt.method, tt.url, rec.Code, diff)
		}
	}
}

func TestOpenAPIRevalidation(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	first := s.do(t, http.MethodGet, "/rest/open-api/core", "")
	etag := first.Header().Get("ETag")
	if etag == "" || first.Header().Get("Cache-Control") != "private, no-cache" || first.Header().Get("Vary") == "" {
		t.Fatalf("headers = %v, want an ETag, private no-cache and Vary", first.Header())
	}
	access := "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	tests := []struct {
		name        string
		headers     []string
		status      int
		sameAsFirst bool
	}{
		{"same document", []string{"If-None-Match", etag}, 304, true},
		{"weak, in a list", []string{"If-None-Match", `"x", W/` + etag}, 304, true},
		{"another tag", []string{"If-None-Match", `"x"`}, 200, true},
		{"another document (a token)", []string{"If-None-Match", etag, "Authorization", access}, 200, false},
	}
	for _, tt := range tests {
		rec := s.do(t, http.MethodGet, "/rest/open-api/core", "", tt.headers...)
		if rec.Code != tt.status || (rec.Header().Get("ETag") == etag) != tt.sameAsFirst {
			t.Errorf("%s: %d with ETag %s, want %d (first ETag %s)", tt.name, rec.Code, rec.Header().Get("ETag"), tt.status, etag)
		}
		if tt.status == 304 && rec.Body.Len() != 0 {
			t.Errorf("%s: a 304 with a body", tt.name)
		}
	}
}
