package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/fuzzcost"
)

// FuzzRESTEntry sends REST requests through the whole gateway (URL contract, body contract,
// authentication, parameter parsing, a records Worker behind it): whatever the URL or body, the
// answer is Twenty's envelope or a page, never a 5xx, and its cost per byte stays flat as the
// request grows (fuzzcost). The five parts grow the URL's query of a GET, or the body of a POST
// when post is set.
func FuzzRESTEntry(f *testing.F) {
	for _, p := range []struct {
		post bool
		pump fuzzcost.Pump
	}{
		{false, fuzzcost.Pump{"/rest/people?filter=", "and(", "city[eq]:x", ")", ""}},
		{false, fuzzcost.Pump{"/rest/people?filter=", "or(city[eq]:%d,", "city[eq]:y", ")", "&limit=1"}},
		{false, fuzzcost.Pump{"/rest/people?filter=not(", "not(", "id[is]:NULL", ")", ")"}},
		{false, fuzzcost.Pump{"/rest/people?order_by=", "city[AscNullsFirst],", "position", "", ""}},
		{false, fuzzcost.Pump{"/rest/people?filter=city[in]:[", "%d,", "x", "", "]"}},
		{false, fuzzcost.Pump{"/rest/people?", "a%d=1&", "limit=1e309", "", ""}},
		{false, fuzzcost.Pump{"/rest/people?", "filter=x&", "", "", ""}},
		{false, fuzzcost.Pump{"/rest/people/", "%d", "", "", "?depth=1"}},
		{true, fuzzcost.Pump{`{"name":{"firstName":"`, "a", "", "", `"}}`}},
		{true, fuzzcost.Pump{`[`, `{"city":"x%d"},`, `{}`, "", `]`}},
		{true, fuzzcost.Pump{`{"a":`, "[", "1", "]", "}"}},
		{true, fuzzcost.Pump{`{"a":`, `{"b":`, `"\u0000"`, "}", "}"}},
		{true, fuzzcost.Pump{``, `{"`, ``, ``, ``}},
	} {
		f.Add(p.post, p.pump[0], p.pump[1], p.pump[2], p.pump[3], p.pump[4])
	}
	s := newStack(f, config{CORS: parseCORS("*")}, "", "")
	token := "Bearer " + sign(f, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	f.Fuzz(func(t *testing.T, post bool, prefix, opening, middle, closing, suffix string) {
		pump := fuzzcost.Pump{prefix, opening, middle, closing, suffix}
		send := func(req string) *httptest.ResponseRecorder {
			rec := httptest.NewRecorder()
			var r *http.Request
			if post {
				r = httptest.NewRequest(http.MethodPost, "/rest/people", strings.NewReader(req))
				r.Header.Set("Content-Type", "application/json")
			} else {
				if u, err := url.ParseRequestURI(req); err != nil || !strings.HasPrefix(req, "/") || strings.HasPrefix(req, "//") ||
					strings.ContainsAny(req, " \t\r\n#") || u.Host != "" {
					return nil // not a request line an HTTP client can send
				}
				r = httptest.NewRequest(http.MethodGet, req, nil)
			}
			r.Header.Set("Authorization", token)
			s.gateway.ServeHTTP(rec, r)
			return rec
		}
		answer := func(req string, rec *httptest.ResponseRecorder) string {
			if rec == nil {
				return "not sent"
			}
			if rec.Code >= 500 {
				t.Fatalf("%s %.200q = %d %s", map[bool]string{true: "POST", false: "GET"}[post], req, rec.Code, rec.Body)
			}
			var env struct {
				Error    string
				Messages []string
			}
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%.200q answered %d with a body that is not JSON: %.200q", req, rec.Code, rec.Body)
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &env)
			first := ""
			if len(env.Messages) > 0 {
				first = env.Messages[0]
			}
			return fuzzcost.StripDigits(http.StatusText(rec.Code) + " " + env.Error + " " + first)
		}
		fuzzcost.Check(t, pump.Grow, 12<<10, send, answer)
	})
}
