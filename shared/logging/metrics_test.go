package logging

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// points is a fake Recorder.
type points []Point

func (p *points) Record(pt Point) { *p = append(*p, pt) }

func TestAccessLogWithWritesOnePointPerRequest(t *testing.T) {
	var got points
	h := AccessLogWith("gateway", &got, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetWorkspace(r.Context(), "ws-1")
		w.WriteHeader(http.StatusCreated)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/rest/people/20202020-1c25-4d02-bf25-6aeccf7ea419?token=secret", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	for i := range got {
		if got[i].DurationMS < 0 {
			t.Errorf("negative duration %v", got[i].DurationMS)
		}
		got[i].DurationMS = 0
	}
	want := points{
		{Worker: "gateway", Route: "/rest/people/{id}", Method: "POST", Workspace: "ws-1", Status: 201},
		{Worker: "gateway", Route: "/healthz", Method: "GET", Workspace: "ws-1", Status: 201},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("points (-want +got):\n%s", diff)
	}
}

func TestRoute(t *testing.T) {
	tests := map[string]string{
		"/rest/people": "/rest/people",
		"/rest/people/20202020-1c25-4d02-bf25-6aeccf7ea419": "/rest/people/{id}",
		"/rest/batch/people": "/rest/batch/people",
		"/graphql":           "/graphql",
		"/files/attachment/eyJhbGciOiJIUzI1NiJ9.x.y/a.png": "/files/*",
		"/file-upload/123": "/file-upload/*",
		"/webhooks/workflows/20202020-1c25-4d02-bf25-6aeccf7ea419/20202020-1c25-4d02-bf25-6aeccf7ea420": "/webhooks/workflows/{id}/{id}",
		"/rest/people/1/2/3/4": "/rest/people/{id}/{id}/…",
		"/":                    "/",
	}
	for path, want := range tests {
		if got := Route(path); got != want {
			t.Errorf("Route(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestRecentSummary(t *testing.T) {
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	r := NewRecent(4)
	r.now = func() time.Time { return now }
	r.Record(Point{Route: "/old", Status: 200, DurationMS: 1}) // pushed out of the ring
	for i, d := range []float64{4, 2, 8} {
		status := 200
		if i == 2 {
			status = 503
		}
		r.Record(Point{Route: "/rest/people", Status: status, DurationMS: d})
	}
	r.now = func() time.Time { return now.Add(30 * time.Second) }
	r.Record(Point{Route: "/graphql", Status: 200, DurationMS: 5})
	got := r.Summary(time.Minute)
	want := []RouteSummary{
		{Route: "/rest/people", Requests: 3, PerSecond: 0.05, P50: 4, P99: 8, ErrorRate: 1.0 / 3},
		{Route: "/graphql", Requests: 1, PerSecond: 1.0 / 60, P50: 5, P99: 5},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}
