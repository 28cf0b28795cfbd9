package conformance_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/conformance"
)

func suites(*http.Request) map[string][]conformance.Check {
	pass := conformance.Check{Name: "pass", Run: func(context.Context) error { return nil }}
	fail := conformance.Check{Name: "fail", Run: func(context.Context) error { return errors.New("nope") }}
	return map[string][]conformance.Check{
		"good": {pass},
		"bad":  {pass, fail},
	}
}

func TestHandler(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		target     string
		wantStatus int
		want       conformance.Report
	}{
		{
			name:       "all suites in name order",
			method:     http.MethodGet,
			target:     "/",
			wantStatus: http.StatusInternalServerError,
			want: conformance.Report{Results: []conformance.Result{
				{Suite: "bad", Check: "pass", Passed: true},
				{Suite: "bad", Check: "fail", Error: "nope"},
				{Suite: "good", Check: "pass", Passed: true},
			}},
		},
		{
			name:       "one passing suite",
			method:     http.MethodGet,
			target:     "/?suite=good",
			wantStatus: http.StatusOK,
			want: conformance.Report{Passed: true, Results: []conformance.Result{
				{Suite: "good", Check: "pass", Passed: true},
			}},
		},
		{
			name:       "unknown suite",
			method:     http.MethodGet,
			target:     "/?suite=nope",
			wantStatus: http.StatusNotFound,
			want: conformance.Report{
				Results: []conformance.Result{},
				Error:   `unknown suite "nope"; have ["bad" "good"]`,
			},
		},
		{
			name:       "wrong method",
			method:     http.MethodPost,
			target:     "/",
			wantStatus: http.StatusMethodNotAllowed,
			want: conformance.Report{
				Results: []conformance.Result{},
				Error:   "method POST not allowed",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(tc.method, tc.target, nil)

			conformance.Handler(suites).ServeHTTP(rec, req)

			if rec.Code != tc.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tc.wantStatus)
			}
			if got, want := rec.Header().Get("Content-Type"), "application/json"; got != want {
				t.Errorf("Content-Type = %q, want %q", got, want)
			}
			var got conformance.Report
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("decode body %q: %v", rec.Body.String(), err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("report mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHandlerEmptyResultsIsArray(t *testing.T) {
	rec := httptest.NewRecorder()
	none := func(*http.Request) map[string][]conformance.Check { return nil }

	conformance.Handler(none).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))

	if got, want := rec.Body.String(), `{"passed":true,"results":[]}`+"\n"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
}
