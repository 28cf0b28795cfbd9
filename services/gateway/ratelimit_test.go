package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRateLimitOverlapsReadsOnly checks that a read runs while the limiter decides but is sent
// only when allowed, and that a write over budget never runs.
func TestRateLimitOverlapsReadsOnly(t *testing.T) {
	type outcome struct {
		Status int
		Body   string
		Ran    int
	}
	tests := []struct {
		method string
		limit  int
		want   outcome
	}{
		{http.MethodGet, 1, outcome{201, "made", 1}},
		{http.MethodGet, 0, outcome{429, "", 1}},
		{http.MethodPost, 1, outcome{201, "made", 1}},
		{http.MethodPost, 0, outcome{429, "", 0}},
	}
	for _, tt := range tests {
		ran := 0
		next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ran++
			w.Header().Set("X-Made", "yes")
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte("made"))
		})
		lim := &windowLimiter{limit: tt.limit, seen: map[string]int{}}
		g := &gateway{limits: rateLimits{workspace: lim, anonymous: lim, retryAfter: time.Minute}}
		rec := httptest.NewRecorder()
		g.rateLimit(next).ServeHTTP(rec, httptest.NewRequest(tt.method, "/rest/people", nil))
		got := outcome{rec.Code, rec.Body.String(), ran}
		if got.Status == 429 {
			got.Body = ""
			if rec.Header().Get("X-Made") != "" {
				t.Errorf("%s over budget leaked the handler's headers", tt.method)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s with limit %d (-want +got):\n%s", tt.method, tt.limit, diff)
		}
	}
}
