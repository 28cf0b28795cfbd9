package graphql

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
)

// TestUnavailableDependency: a resolver's Connect Unavailable or DeadlineExceeded error (wrapped
// or not) reaches the client as SERVICE_UNAVAILABLE with 503 and Retry-After; other errors stay
// opaque internal errors with 200.
func TestUnavailableDependency(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		status     int
		retryAfter string
		body       string
	}{
		{"unavailable", connect.NewError(connect.CodeUnavailable, errors.New("d1 down")), 503, RetryAfter,
			`{"errors":[{"message":"Service temporarily unavailable, please retry","locations":[{"line":1,"column":3}],"path":["n"],"extensions":{"code":"SERVICE_UNAVAILABLE"}}],"data":{"n":null}}`},
		{"wrapped deadline", fmt.Errorf("records: %w", connect.NewError(connect.CodeDeadlineExceeded, errors.New("slow"))), 503, RetryAfter,
			`{"errors":[{"message":"Service temporarily unavailable, please retry","locations":[{"line":1,"column":3}],"path":["n"],"extensions":{"code":"SERVICE_UNAVAILABLE"}}],"data":{"n":null}}`},
		{"internal", connect.NewError(connect.CodeInternal, errors.New("bug")), 200, "",
			`{"errors":[{"message":"Internal server error","locations":[{"line":1,"column":3}],"path":["n"],"extensions":{"code":"INTERNAL_SERVER_ERROR"}}],"data":{"n":null}}`},
		{"plain", errors.New("bug"), 200, "",
			`{"errors":[{"message":"Internal server error","locations":[{"line":1,"column":3}],"path":["n"],"extensions":{"code":"INTERNAL_SERVER_ERROR"}}],"data":{"n":null}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSchema(`type Query { n: Int }`, map[string]Resolver{
				"Query.n": func(context.Context, map[string]any) (any, error) { return nil, tt.err },
			})
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ n }"}`))
			req.Header.Set("Content-Type", "application/json")
			s.ServeHTTP(rec, req)
			got := []any{rec.Code, rec.Header().Get("Retry-After"), strings.TrimSpace(rec.Body.String())}
			if diff := cmp.Diff([]any{tt.status, tt.retryAfter, tt.body}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
