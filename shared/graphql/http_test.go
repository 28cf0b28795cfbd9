package graphql

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestServeHTTP(t *testing.T) {
	s, _ := newTestSchema(t, WithMaxBodyBytes(200))
	get := func(params map[string]string) string {
		v := url.Values{}
		for k, p := range params {
			v.Set(k, p)
		}
		return "/graphql?" + v.Encode()
	}
	tests := []struct {
		name        string
		method      string
		target      string
		contentType string
		body        string
		wantStatus  int
		wantHeader  http.Header
		want        string // JSON
	}{
		{
			name:        "POST query",
			method:      http.MethodPost,
			contentType: "application/json",
			body:        `{"query": "query Q($id: UUID!) { node(id: $id) { id } }", "operationName": "Q", "variables": {"id": "u1"}}`,
			wantStatus:  http.StatusOK,
			want:        `{"data":{"node":{"id":"u1"}}}`,
		},
		{
			name:        "POST mutation with field error",
			method:      http.MethodPost,
			contentType: "application/json; charset=utf-8",
			body:        `{"query": "mutation { failNonNull }"}`,
			wantStatus:  http.StatusOK,
			want: `{"errors":[{"message":"Forbidden","locations":[{"line":1,"column":12}],"path":["failNonNull"],
				"extensions":{"code":"FORBIDDEN"}}],"data":null}`,
		},
		{
			name:       "GET query",
			method:     http.MethodGet,
			target:     get(map[string]string{"query": "query ($id: UUID!) { node(id: $id) { id } }", "variables": `{"id":"w1"}`}),
			wantStatus: http.StatusOK,
			want:       `{"data":{"node":{"id":"w1"}}}`,
		},
		{
			name:       "GET mutation",
			method:     http.MethodGet,
			target:     get(map[string]string{"query": `mutation { append(s: "x") }`}),
			wantStatus: http.StatusMethodNotAllowed,
			wantHeader: http.Header{"Allow": {"POST"}},
			want: `{"errors":[{"message":"Can only perform a mutation operation from a POST request.",
				"extensions":{"code":"BAD_REQUEST"}}]}`,
		},
		{
			name:       "GET bad variables",
			method:     http.MethodGet,
			target:     get(map[string]string{"query": "{ __typename }", "variables": "[1]"}),
			wantStatus: http.StatusBadRequest,
			want: `{"errors":[{"message":"The variables URL parameter must be a JSON object.",
				"extensions":{"code":"BAD_REQUEST"}}]}`,
		},
		{
			name:        "validation error",
			method:      http.MethodPost,
			contentType: "application/json",
			body:        `{"query": "{ nope }"}`,
			wantStatus:  http.StatusBadRequest,
			want: `{"errors":[{"message":"Cannot query field \"nope\" on type \"Query\". Did you mean \"node\"?",
				"locations":[{"line":1,"column":3}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
		},
		{
			name:        "parse error",
			method:      http.MethodPost,
			contentType: "application/json",
			body:        `{"query": "{"}`,
			wantStatus:  http.StatusBadRequest,
			want: `{"errors":[{"message":"Syntax Error: Expected Name, found <EOF>","locations":[{"line":1,"column":2}],
				"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`,
		},
		{
			name:        "bad variables",
			method:      http.MethodPost,
			contentType: "application/json",
			body:        `{"query": "query ($id: UUID!) { node(id: $id) { id } }"}`,
			wantStatus:  http.StatusBadRequest,
			want: `{"errors":[{"message":"Variable \"$id\" of required type \"UUID!\" was not provided.",
				"locations":[{"line":1,"column":8}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
		},
		{
			name:        "bad JSON",
			method:      http.MethodPost,
			contentType: "application/json",
			body:        `{"query": `,
			wantStatus:  http.StatusBadRequest,
			want: `{"errors":[{"message":"The request body must be a JSON object with a string \"query\", and optionally \"operationName\" and an object \"variables\".",
				"extensions":{"code":"BAD_REQUEST"}}]}`,
		},
		{
			name:        "variables not an object",
			method:      http.MethodPost,
			contentType: "application/json",
			body:        `{"query": "{ __typename }", "variables": "x"}`,
			wantStatus:  http.StatusBadRequest,
			want: `{"errors":[{"message":"The request body must be a JSON object with a string \"query\", and optionally \"operationName\" and an object \"variables\".",
				"extensions":{"code":"BAD_REQUEST"}}]}`,
		},
		{
			name:        "no query",
			method:      http.MethodPost,
			contentType: "application/json",
			body:        `{}`,
			wantStatus:  http.StatusBadRequest,
			want:        "{\"errors\":[{\"message\":\"GraphQL operations must contain a non-empty `query`.\",\"extensions\":{\"code\":\"BAD_REQUEST\"}}]}",
		},
		{
			name:        "not JSON",
			method:      http.MethodPost,
			contentType: "text/plain",
			body:        `{"query": "{ __typename }"}`,
			wantStatus:  http.StatusUnsupportedMediaType,
			want:        `{"errors":[{"message":"The request body must be application/json.","extensions":{"code":"BAD_REQUEST"}}]}`,
		},
		{
			name:        "body too large",
			method:      http.MethodPost,
			contentType: "application/json",
			body:        `{"query": "{ __typename }", "variables": {"pad": "` + strings.Repeat("x", 200) + `"}}`,
			wantStatus:  http.StatusRequestEntityTooLarge,
			want:        `{"errors":[{"message":"The request body is larger than 200 bytes.","extensions":{"code":"BAD_REQUEST"}}]}`,
		},
		{
			name:       "other method",
			method:     http.MethodPut,
			wantStatus: http.StatusMethodNotAllowed,
			wantHeader: http.Header{"Allow": {"GET, POST"}},
			want:       `{"errors":[{"message":"GraphQL is served over GET and POST only.","extensions":{"code":"METHOD_NOT_ALLOWED"}}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.target
			if target == "" {
				target = "/graphql"
			}
			req := httptest.NewRequest(tt.method, target, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			rec := httptest.NewRecorder()

			s.ServeHTTP(rec, req)

			res := rec.Result()
			if res.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if got, want := res.Header.Get("Content-Type"), "application/json; charset=utf-8"; got != want {
				t.Errorf("Content-Type = %q, want %q", got, want)
			}
			for k := range tt.wantHeader {
				if diff := cmp.Diff(res.Header.Values(k), tt.wantHeader.Values(k)); diff != "" {
					t.Errorf("header %s (-got +want):\n%s", k, diff)
				}
			}
			body, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(decodeJSON(t, body), decodeJSON(t, []byte(tt.want))); diff != "" {
				t.Errorf("body mismatch (-got +want):\n%s", diff)
			}
		})
	}
}
