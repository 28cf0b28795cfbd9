package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// GraphQL answers a data response telling what it received: the workspace, the actor and the
// request's query and variables. Workspace ws-gone is not found.
func (fakeRecords) GraphQL(_ context.Context, req *recordsv1.GraphQLRequest) (*recordsv1.GraphQLResponse, error) {
	if req.GetWorkspaceId() == "ws-gone" {
		return nil, connect.NewError(connect.CodeNotFound, errors.New("workspace not found"))
	}
	var body struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if err := json.Unmarshal(req.GetBodyJson(), &body); err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, err)
	}
	out, _ := json.Marshal(map[string]any{"data": map[string]any{
		"workspace": req.GetWorkspaceId(), "source": req.GetActor().GetSource(), "member": req.GetActor().GetWorkspaceMemberId(),
		"query": body.Query, "variables": body.Variables,
	}})
	return &recordsv1.GraphQLResponse{BodyJson: out}, nil
}

func TestGraphQLDispatch(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	user := "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	key := "Bearer " + sign(t, authtoken.APIKeyClaims("k-1", "ws-1", time.Now(), time.Now().Add(time.Hour)))
	agnostic := "Bearer " + sign(t, authtoken.WorkspaceAgnosticClaims("u-1", "password", time.Now(), time.Hour))
	gone := "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-gone", "m-1", "uw-1", "password", time.Now(), 0))
	data := func(source, member, query string, vars map[string]any) string {
		b, _ := json.Marshal(map[string]any{"data": map[string]any{"workspace": "ws-1", "source": source, "member": member, "query": query, "variables": vars}})
		return string(b)
	}
	const people = `{ people { totalCount } }`
	tests := []struct {
		name, method, body, token string
		status                    int
		want                      string
	}{
		{"a data query as a user", "POST", `{"query":"` + people + `","variables":{"a":1}}`, user, 200,
			data("MANUAL", "m-1", people, map[string]any{"a": 1.0})},
		{"a data mutation with an API key", "POST", `{"query":"mutation { createPerson(data: {}) { id } }"}`, key, 200,
			data("API", "", "mutation { createPerson(data: {}) { id } }", nil)},
		{"introspection is the data API's", "POST", `{"query":"{ __schema { queryType { name } } }"}`, user, 200,
			data("MANUAL", "m-1", "{ __schema { queryType { name } } }", nil)},
		{"auth and data fields together are data", "POST", `{"query":"{ currentUser { id } people { totalCount } }"}`, user, 200,
			data("MANUAL", "m-1", "{ currentUser { id } people { totalCount } }", nil)},
		{"the named operation decides", "POST", `{"query":"query A { currentUser { id } } query B { people { totalCount } }","operationName":"B"}`, user, 200,
			data("MANUAL", "m-1", "query A { currentUser { id } } query B { people { totalCount } }", nil)},
		{"auth's fields in a fragment stay auth's", "POST", `{"query":"query { ...F } fragment F on Query { currentUser { id } }"}`, user, 200,
			`{"data":{"currentUser":{"id":"u-1"}}}`},
		{"auth's operations stay auth's", "POST", `{"query":"{ currentUser { email } }"}`, user, 200,
			`{"data":{"currentUser":{"email":"tim@apple.dev"}}}`},
		{"a data query without a token", "POST", `{"query":"` + people + `"}`, "", 200,
			`{"errors":[{"message":"Missing authentication token","extensions":{"code":"FORBIDDEN"}}]}`},
		{"a data query with a workspace-agnostic token", "POST", `{"query":"` + people + `"}`, agnostic, 200,
			`{"errors":[{"message":"A workspace-agnostic token cannot access workspace data","extensions":{"code":"FORBIDDEN"}}]}`},
		{"a workspace the records Worker does not know", "POST", `{"query":"` + people + `"}`, gone, 200,
			`{"errors":[{"message":"workspace not found","extensions":{"code":"NOT_FOUND"}}]}`},
		{"a document that does not parse is answered as before", "POST", `{"query":"{ people {"}`, user, 400,
			`{"errors":[{"message":"Syntax Error: Expected Name, found <EOF>","locations":[{"line":1,"column":11}],"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`},
		{"a data query over GET", "GET", people, user, 200, data("MANUAL", "m-1", people, nil)},
		{"a data mutation over GET", "GET", `mutation { deletePeople(filter: {}) { id } }`, user, 405,
			`{"errors":[{"message":"Can only perform a mutation operation from a POST request.","extensions":{"code":"BAD_REQUEST"}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			headers := []string{"Content-Type", "application/json"}
			if tt.token != "" {
				headers = append(headers, "Authorization", tt.token)
			}
			path, body := "/graphql", tt.body
			if tt.method == "GET" {
				path, body = "/graphql?query="+url.QueryEscape(tt.body), ""
			}
			rec := s.do(t, tt.method, path, body, headers...)
			if diff := cmp.Diff(jsonValue(t, tt.want), jsonValue(t, rec.Body.String())); rec.Code != tt.status || diff != "" {
				t.Errorf("%s %s = %d (want %d) (-want +got):\n%s", tt.method, tt.body, rec.Code, tt.status, diff)
			}
		})
	}
	// /metadata has no data API.
	rec := s.do(t, http.MethodPost, "/metadata", `{"query":"`+people+`"}`, "Content-Type", "application/json", "Authorization", user)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("people on /metadata = %d %s, want a 400 validation error", rec.Code, rec.Body)
	}
}

func jsonValue(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not JSON: %q: %v", s, err)
	}
	return v
}

// TestIsMetadataOperation checks which documents stay with the /metadata schema on /graphql.
func TestIsMetadataOperation(t *testing.T) {
	tests := []struct {
		query, operation string
		want             bool
	}{
		{`{ currentUser { id } }`, "", true},
		{`mutation { signUp(email: "a", password: "b") { tokens { refreshToken { token } } } }`, "", true},
		{`{ objects { totalCount } }`, "", true},
		{`{ __typename }`, "", true},
		{`query Q { ... on Query { currentUser { id } } }`, "", true},
		{`{ people { totalCount } }`, "", false},
		{`{ __type(name: "Person") { name } }`, "", false},
		{`mutation { createPerson(data: {}) { id } }`, "", false},
		{`query A { people { totalCount } } query B { currentUser { id } }`, "B", true},
		{`query A { people { totalCount } } query B { currentUser { id } }`, "A", false},
		{`{ ...F } fragment F on Query { ...G } fragment G on Query { people { totalCount } }`, "", false},
	}
	g := &gateway{}
	metadata, err := graphql.NewSchema(authSDL+metadataSDL, mergeResolvers(g.authResolvers(), g.metadataResolvers()))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		op := operationOf(graphqlRequest(tt.query, tt.operation))
		if op == nil {
			t.Errorf("operationOf(%q) = nil", tt.query)
			continue
		}
		if got := isMetadataOperation(metadata, op); got != tt.want {
			t.Errorf("isMetadataOperation(%q, %q) = %v, want %v", tt.query, tt.operation, got, tt.want)
		}
	}
	for _, q := range []string{``, `{`, `query A { a } query B { b }`} {
		if op := operationOf(graphqlRequest(q, "")); op != nil {
			t.Errorf("operationOf(%q) = %v, want nil", q, op)
		}
	}
}

func graphqlRequest(query, operation string) graphql.Request {
	return graphql.Request{Query: query, OperationName: operation}
}

// TestRouteCache checks that a cached route is the parsed one, per operation name, and that the
// cache starts afresh past its byte budget.
func TestRouteCache(t *testing.T) {
	g := &gateway{}
	metadata, err := graphql.NewSchema(authSDL+metadataSDL, mergeResolvers(g.authResolvers(), g.metadataResolvers()))
	if err != nil {
		t.Fatal(err)
	}
	two := `query A { people { totalCount } } mutation B { createPerson(data: {}) { id } } query C { currentUser { id } }`
	tests := []struct {
		query, operation string
		want             graphQLRoute
	}{
		{`{ people { totalCount } }`, "", graphQLRoute{data: true}},
		{`mutation { createPerson(data: {}) { id } }`, "", graphQLRoute{data: true, mutation: true}},
		{`{ currentUser { id } }`, "", graphQLRoute{}},
		{`{`, "", graphQLRoute{}},
		{two, "A", graphQLRoute{data: true}},
		{two, "B", graphQLRoute{data: true, mutation: true}},
		{two, "C", graphQLRoute{}},
	}
	var c routeCache
	for round := range 2 { // the second round answers from the cache
		for _, tt := range tests {
			got := c.route(metadata, graphqlRequest(tt.query, tt.operation))
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(graphQLRoute{})); diff != "" {
				t.Errorf("round %d: route(%q, %q) mismatch (-want +got):\n%s", round, tt.query, tt.operation, diff)
			}
		}
	}
	if len(c.routes) != len(tests) {
		t.Errorf("cache holds %d routes, want %d", len(c.routes), len(tests))
	}
	big := strings.Repeat(" ", maxRoutedDocumentBytes) + `{ people { totalCount } }`
	if got := c.route(metadata, graphqlRequest(big, "")); !got.data {
		t.Errorf("route(large document) = %+v, want data", got)
	}
	if len(c.routes) != len(tests) {
		t.Errorf("a document past maxRoutedDocumentBytes was cached")
	}
	c.bytes = maxRoutedBytes
	c.route(metadata, graphqlRequest(`{ companies { totalCount } }`, ""))
	if len(c.routes) != 1 {
		t.Errorf("cache holds %d routes after its budget was spent, want 1 (started afresh)", len(c.routes))
	}
}
