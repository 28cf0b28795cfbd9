package main

import (
	"net/http"
	"testing"

	"github.com/twentyworkers/twenty/shared/logging"
)

// With DEV_ROUTES, every request's data point is summarised by /__dev/metrics, as Analytics
// Engine's are by `make metrics` when deployed.
func TestDevMetricsSummarisesRequests(t *testing.T) {
	s := newStack(t, devConfig, "", "")
	for range 3 {
		s.do(t, http.MethodGet, "/healthz", "")
	}
	s.do(t, http.MethodGet, "/rest/people", "") // 401: no token
	rec := s.do(t, http.MethodGet, "/__dev/metrics?since=5m", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	got := map[string]logging.RouteSummary{}
	for _, r := range decode[struct{ Routes []logging.RouteSummary }](t, rec).Routes {
		got[r.Route] = r
	}
	if got["/healthz"].Requests != 3 || got["/rest/people"].Requests != 1 || got["/rest/people"].ErrorRate != 0 {
		t.Errorf("summary %+v, want 3 /healthz and 1 /rest/people (a 401 is no error)", got)
	}
	if rec := s.do(t, http.MethodGet, "/__dev/metrics?since=soon", ""); rec.Code != http.StatusBadRequest {
		t.Errorf("a bad window: status %d, want 400", rec.Code)
	}
}
