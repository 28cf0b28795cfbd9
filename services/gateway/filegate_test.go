package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/requestid"
)

// TestFileGate is the entry's header-only check of file requests: passed with a request id while
// the caller's budget lasts (its workspace's with a valid Bearer token, its address's otherwise,
// whatever file token the URL carries), then Twenty's 429.
func TestFileGate(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*"), RateLimitPeriod: time.Minute}, "", "")
	ws, anon := &windowLimiter{limit: 3, seen: map[string]int{}}, &windowLimiter{limit: 2, seen: map[string]int{}}
	s.gateway, s.gw = newGateway(deps{cfg: s.gw.cfg, clients: s.clients, cache: s.cache, workspaceLimiter: ws, anonymousLimiter: anon})
	token := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	type answer struct {
		Code      int
		Pass      string
		RequestID bool
	}
	gate := func(method, path string, headers ...string) answer {
		rec := s.do(t, method, path, "", headers...)
		return answer{rec.Code, rec.Header().Get(fileGatePass), requestid.Valid(rec.Header().Get(requestid.Header))}
	}
	pass, throttled := answer{204, "pass", true}, answer{429, "", true}
	tests := []struct {
		name    string
		method  string
		path    string
		headers []string
		want    answer
	}{
		{"download by id", http.MethodGet, "/file/files-field/f-1?token=x", []string{"CF-Connecting-IP", "203.0.113.1"}, pass},
		{"legacy download", http.MethodHead, "/files/attachment/a.png?token=y", []string{"CF-Connecting-IP", "203.0.113.1"}, pass},
		{"the address's budget is spent", http.MethodPut, "/file-upload/f-2?token=z", []string{"CF-Connecting-IP", "203.0.113.1"}, throttled},
		{"another address", http.MethodPut, "/file-upload/f-2?token=z", []string{"CF-Connecting-IP", "203.0.113.2"}, pass},
		{"a forged Bearer counts as anonymous", http.MethodGet, "/file/core-picture/f-3", []string{"CF-Connecting-IP", "203.0.113.2", "Authorization", "Bearer nope"}, pass},
		{"then its address is spent", http.MethodGet, "/file/core-picture/f-3", []string{"CF-Connecting-IP", "203.0.113.2"}, throttled},
		{"a member counts against the workspace", http.MethodGet, "/file/core-picture/f-3", []string{"CF-Connecting-IP", "203.0.113.2", "Authorization", "Bearer " + token}, pass},
		{"a method the entry never sends", http.MethodPost, "/file/core-picture/f-3", nil, answer{404, "", true}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, gate(tt.method, tt.path, tt.headers...)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	rec := s.do(t, http.MethodGet, "/file/files-field/f-1?token=x", "", "CF-Connecting-IP", "203.0.113.1")
	want := envelope{429, "ThrottlerException", []string{"ThrottlerException: Too Many Requests"}}
	if diff := cmp.Diff(want, decode[envelope](t, rec)); diff != "" || rec.Header().Get("Retry-After") != "60" {
		t.Errorf("429 envelope (-want +got):\n%s\nRetry-After = %q", diff, rec.Header().Get("Retry-After"))
	}
	if diff := cmp.Diff(map[string]int{"ws:ws-1": 1}, ws.seen); diff != "" {
		t.Errorf("workspace budget spent (-want +got):\n%s", diff)
	}
}
