package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
)

// TestRESTInputContract checks the one contract every /rest/ request is held to before its
// handler: query parameters given once and free of NUL, bodies of application/json, bounded,
// well-formed and free of NUL, and numeric parameters in plain decimal.
func TestRESTInputContract(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	token := "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	const p1 = "00000000-0000-4000-8000-0000000000f1"
	const jsonType = "application/json"
	bad := func(msg string) envelope { return envelope{400, "BadRequestException", []string{msg}} }
	unsupported := envelope{415, "UnsupportedMediaTypeException", []string{"Content-Type must be application/json"}}
	tooLarge := envelope{413, "PayloadTooLargeException", []string{"Request body is larger than 2097152 bytes"}}
	tests := []struct {
		name, method, path, contentType, body string
		want                                  envelope // StatusCode 0: the route answered 2xx
	}{
		// A repeated parameter would be ignored, and a repeated filter select every row.
		{"repeated filter", "GET", "/rest/people?filter=city[eq]:Paris&filter=city[eq]:Lyon", "", "",
			bad("Query parameter 'filter' is given more than once")},
		{"repeated limit", "GET", "/rest/people?limit=1&limit=2", "", "", bad("Query parameter 'limit' is given more than once")},
		{"repeated filter on a bulk delete", "DELETE", "/rest/people?filter=id[eq]:" + p1 + "&filter=id[eq]:" + p1, "", "",
			bad("Query parameter 'filter' is given more than once")},
		{"repeated fields on an update", "PATCH", "/rest/people/" + p1 + "?fields=id&fields=city", jsonType, `{"city":"X"}`,
			bad("Query parameter 'fields' is given more than once")},
		{"repeated parameter on the metadata API", "GET", "/rest/metadata/objects?limit=1&limit=1", "", "",
			bad("Query parameter 'limit' is given more than once")},
		{"repeated parameter on the OpenAPI document", "GET", "/rest/open-api/core?x=1&x=2", "", "",
			bad("Query parameter 'x' is given more than once")},
		{"a malformed escape", "GET", "/rest/people?filter=city[eq]:%zz", "", "", bad(`Query string is malformed: invalid URL escape "%zz"`)},
		{"a NUL in a filter", "GET", "/rest/people?filter=city[eq]:Par%00is", "", "", bad("Query parameter 'filter' contains a NUL character")},
		{"a NUL in fields", "GET", "/rest/people/" + p1 + "?fields=id%00", "", "", bad("Query parameter 'fields' contains a NUL character")},
		{"a NUL in a name", "GET", "/rest/people?li%00mit=1", "", "", bad("A query parameter name contains a NUL character")},

		// Bodies are JSON, whatever the route.
		{"text/plain", "POST", "/rest/people", "text/plain", `{"city":"Paris"}`, unsupported},
		{"no content type", "POST", "/rest/people", "", `{"city":"Paris"}`, unsupported},
		{"form", "PATCH", "/rest/people/" + p1, "application/x-www-form-urlencoded", "city=Paris", unsupported},
		{"another charset", "PUT", "/rest/people/" + p1, "application/json; charset=latin1", `{"city":"X"}`, unsupported},
		{"a body on a merge", "PATCH", "/rest/people/merge", "text/plain", `{"ids":[]}`, unsupported},
		{"JSON in UTF-8", "PATCH", "/rest/people/" + p1, "Application/JSON; charset=UTF-8", `{"city":"X"}`, envelope{}},
		{"no body on a delete", "DELETE", "/rest/people/" + p1, "", "", envelope{}},
		{"no body on a restore", "PATCH", "/rest/people/" + p1 + "/restore", "", "", envelope{}},
		{"no body, a stray content type", "DELETE", "/rest/people/" + p1, "text/plain", "", envelope{}},

		{"malformed JSON", "POST", "/rest/people", jsonType, `{"city":"Paris",}`, bad("Request body is not valid JSON (at position 16)")},
		{"malformed batch", "POST", "/rest/batch/people", jsonType, `[{"city":"A"}`, bad("Request body is not valid JSON (at position 13)")},
		{"trailing garbage", "POST", "/rest/people", jsonType, `{"city":"A"} x`, bad("Request body is not valid JSON (at position 13)")},
		{"malformed merge", "PATCH", "/rest/people/merge", jsonType, `{"ids":[`, bad("Request body is not valid JSON (at position 8)")},
		{"well-formed, wrong shape", "POST", "/rest/people", jsonType, `[{"city":"A"}]`, bad("Request body must be an object")},
		{"too deep", "POST", "/rest/people", jsonType, `{"a":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`,
			bad("Request body is nested deeper than 128 levels (at position 132)")},
		{"an escaped NUL", "POST", "/rest/people", jsonType, `{"city":"Par\u0000is"}`, bad("Request body contains a NUL character (at position 12)")},
		{"a raw NUL", "POST", "/rest/people", jsonType, "{\"city\":\"Par\x00is\"}", bad("Request body contains a NUL character (at position 12)")},
		{"too large", "POST", "/rest/batch/people", jsonType, "[" + strings.Repeat(" ", maxRecordBody) + "]", tooLarge},

		// Numbers are plain decimal integers.
		{"limit 1e309", "GET", "/rest/people?limit=1e309", "", "", bad("limit '1e309' is invalid. Should be an integer")},
		{"limit Infinity", "GET", "/rest/people?limit=Infinity", "", "", bad("limit 'Infinity' is invalid. Should be an integer")},
		{"limit 0x10", "GET", "/rest/people?limit=0x10", "", "", bad("limit '0x10' is invalid. Should be an integer")},
		{"group-by limit", "GET", `/rest/people/groupBy?group_by=[{"city":true}]&limit=1e1`, "", "", bad("limit '1e1' is invalid. Should be an integer")},
		{"depth 0x1", "GET", "/rest/people/" + p1 + "?depth=0x1", "", "", bad("'depth=0x1' parameter invalid. Allowed values are 0, 1")},
		{"metadata limit Infinity", "GET", "/rest/metadata/objects?limit=Infinity", "", "", bad("limit 'Infinity' is invalid. Should be an integer")},
		{"metadata limit 1e3", "GET", "/rest/metadata/objects?limit=1e3", "", "", bad("limit '1e3' is invalid. Should be an integer")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			headers := []string{"Authorization", token}
			if tt.contentType != "" {
				headers = append(headers, "Content-Type", tt.contentType)
			}
			rec := s.do(t, tt.method, tt.path, tt.body, headers...)
			if tt.want.StatusCode == 0 {
				if rec.Code/100 != 2 {
					t.Errorf("%s %s = %d %s, want a 2xx", tt.method, tt.path, rec.Code, rec.Body)
				}
				return
			}
			if diff := cmp.Diff(tt.want, decode[envelope](t, rec)); rec.Code != tt.want.StatusCode || diff != "" {
				t.Errorf("%s %s = %d (-want +got):\n%s", tt.method, tt.path, rec.Code, diff)
			}
		})
	}
}

// endless is a body that never ends, counting what was read of it.
type endless struct{ read int }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	e.read += len(p)
	return len(p), nil
}

// TestRESTBodyTooLarge checks that a body past the limit is refused with 413 having read at most
// one byte more than the limit, whether or not its length is announced.
func TestRESTBodyTooLarge(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	token := "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	tests := []struct {
		name          string
		contentLength int64
		maxRead       int
	}{
		{"announced", 1 << 30, 0},
		{"chunked", -1, maxRecordBody + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := &endless{}
			req := httptest.NewRequest(http.MethodPost, "/rest/people", io.NopCloser(body))
			req.ContentLength = tt.contentLength
			req.Header.Set("Authorization", token)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			s.gateway.ServeHTTP(rec, req)
			want := envelope{413, "PayloadTooLargeException", []string{"Request body is larger than 2097152 bytes"}}
			if diff := cmp.Diff(want, decode[envelope](t, rec)); rec.Code != 413 || diff != "" {
				t.Errorf("POST = %d (-want +got):\n%s", rec.Code, diff)
			}
			if body.read > tt.maxRead {
				t.Errorf("read %d bytes of the body, want at most %d", body.read, tt.maxRead)
			}
		})
	}
}

// TestURLTooLong checks that every route refuses a URL (path and query) past 8 KiB with 414 in
// Twenty's envelope, and serves one of exactly 8 KiB.
func TestURLTooLong(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	want := envelope{414, "UriTooLongException", []string{"URL is longer than 8192 bytes"}}
	tests := []struct {
		method, prefix string
		status         int // of a URL of exactly maxURLBytes
	}{
		{"GET", "/rest/people?filter=", 403},
		{"GET", "/rest/", 403},
		{"POST", "/metadata?x=", 200},
		{"GET", "/healthz?x=", 200},
		{"GET", "/nope/", 404},
	}
	for _, tt := range tests {
		pad := func(n int) string { return tt.prefix + strings.Repeat("a", n-len(tt.prefix)) }
		rec := s.do(t, tt.method, pad(maxURLBytes+1), "")
		if strings.HasPrefix(tt.prefix, "/metadata") {
			// GraphQL's envelope on the GraphQL routes.
			wantGQL := `{"errors":[{"message":"URL is longer than 8192 bytes","extensions":{"code":"BAD_REQUEST"}}]}`
			if rec.Code != 414 || strings.TrimSpace(rec.Body.String()) != wantGQL {
				t.Errorf("%s %s… = %d %s, want 414 %s", tt.method, tt.prefix, rec.Code, rec.Body, wantGQL)
			}
		} else if diff := cmp.Diff(want, decode[envelope](t, rec)); rec.Code != 414 || diff != "" {
			t.Errorf("%s %s… = %d (-want +got):\n%s", tt.method, tt.prefix, rec.Code, diff)
		}
		rec = s.do(t, tt.method, pad(maxURLBytes), `{"query":"{ __typename }"}`, "Content-Type", "application/json")
		if rec.Code != tt.status {
			t.Errorf("%s %s… of %d bytes = %d %s, want %d", tt.method, tt.prefix, maxURLBytes, rec.Code, rec.Body, tt.status)
		}
	}
}

// TestBearerSchemeIsCaseInsensitive checks that the Bearer scheme is read in any case (RFC 7235)
// on every route that takes a token, and forwarded to other Workers as "Bearer".
func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	s := newStack(t, devConfig, "", "")
	token := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	for _, scheme := range []string{"Bearer", "bearer", "BEARER", "bEaReR"} {
		t.Run(scheme, func(t *testing.T) {
			if rec := s.do(t, http.MethodGet, "/rest/people", "", "Authorization", scheme+" "+token); rec.Code != 200 {
				t.Errorf("GET /rest/people = %d %s, want 200", rec.Code, rec.Body)
			}
			// A token that does not verify must fail GraphQL requests: it is read, not ignored.
			for _, path := range []string{"/metadata", "/graphql"} {
				rec := s.do(t, http.MethodPost, path, `{"query":"{ currentUser { id } }"}`, "Content-Type", "application/json", "Authorization", scheme+" garbage")
				if !strings.Contains(rec.Body.String(), `"No payload"`) {
					t.Errorf("POST %s with %s garbage = %s, want the UNAUTHENTICATED error", path, scheme, rec.Body)
				}
			}
			rec := s.do(t, http.MethodGet, "/__dev/whoami", "", "Authorization", scheme+" "+token)
			if got := decode[map[string]string](t, rec)["scheme"]; got != "Bearer" {
				t.Errorf("forwarded scheme = %q, want Bearer", got)
			}
		})
	}
	if rec := s.do(t, http.MethodGet, "/rest/people", "", "Authorization", "Bearertoken"); rec.Code != 403 {
		t.Errorf("GET /rest/people with no space after the scheme = %d, want 403", rec.Code)
	}
}

// TestRepeatedParametersOnEveryRoute checks that checkURL refuses a repeated or NUL parameter on
// every route, in the route's envelope.
func TestRepeatedParametersOnEveryRoute(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	for _, tt := range []struct{ target, want string }{
		{"/healthz?x=1&x=2", `{"statusCode":400,"error":"BadRequestException","messages":["Query parameter 'x' is given more than once"]}`},
		{"/graphql?query=%7B__typename%7D&query=%7Ba%7D", `{"errors":[{"message":"Query parameter 'query' is given more than once","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"/healthz?x=%ff", `{"statusCode":400,"error":"BadRequestException","messages":["Query parameter 'x' is not valid UTF-8"]}`},
		{"/rest/people%ff", `{"statusCode":400,"error":"BadRequestException","messages":["The path is not valid UTF-8"]}`},
		{"/metadata?query=%7B__typename%7D&x=%00", `{"errors":[{"message":"Query parameter 'x' contains a NUL character","extensions":{"code":"BAD_REQUEST"}}]}`},
	} {
		rec := s.do(t, "GET", tt.target, "")
		if got := strings.TrimSpace(rec.Body.String()); rec.Code != 400 || got != tt.want {
			t.Errorf("GET %s = %d %s, want 400 %s", tt.target, rec.Code, got, tt.want)
		}
	}
}

// TestPathsAreRoutedAsGiven checks that a path ServeMux would redirect (not clean, or /rest
// without its slash) gets Twenty's JSON envelope instead of an HTML redirect.
func TestPathsAreRoutedAsGiven(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	token := "Bearer " + sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	for _, tt := range []struct {
		target string
		want   envelope
	}{
		{"/rest?limit=1", envelope{400, "BadRequestException", []string{"Query path '/rest' invalid. Valid examples: /rest/companies/id or /rest/companies or /rest/batch/companies"}}},
		{"/rest//people", envelope{404, "NotFoundException", []string{"Cannot GET /rest//people"}}},
		{"/rest/people/./x", envelope{404, "NotFoundException", []string{"Cannot GET /rest/people/./x"}}},
		{"/rest/../healthz", envelope{404, "NotFoundException", []string{"Cannot GET /rest/../healthz"}}},
	} {
		rec := s.do(t, "GET", tt.target, "", "Authorization", token)
		if diff := cmp.Diff(tt.want, decode[envelope](t, rec)); rec.Code != tt.want.StatusCode || diff != "" {
			t.Errorf("GET %s = %d (-want +got):\n%s", tt.target, rec.Code, diff)
		}
	}
}

func TestPlainQuery(t *testing.T) {
	for _, tt := range []struct {
		raw  string
		want bool
	}{
		{"limit=20", true},
		{"filter=city[eq]:Paris,position[gte]:10&limit=20&depth=1", true},
		{"filter=a&filter=b", false},
		{"a=%00", false},
		{"a=b+c", false},
		{"a;b", false},
		{"a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9", false},
		{"a=\xff", false},
	} {
		if got := plainQuery(tt.raw); got != tt.want {
			t.Errorf("plainQuery(%q) = %v, want %v", tt.raw, got, tt.want)
		}
		if tt.want && checkQuery(tt.raw) != "" {
			t.Errorf("checkQuery(%q) refuses a plain query", tt.raw)
		}
	}
}
