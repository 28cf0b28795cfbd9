package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/kv"
)

// brokenKV is a KV namespace whose every call fails the way a binding error does (not a Connect
// error).
type brokenKV struct{}

func (brokenKV) Get(context.Context, string) ([]byte, error) {
	return nil, errors.New("kv: network lost")
}
func (brokenKV) Put(context.Context, string, []byte, time.Duration) error {
	return errors.New("kv: network lost")
}
func (brokenKV) Delete(context.Context, string) error { return errors.New("kv: network lost") }

var _ kv.Store = brokenKV{}

// TestRevocationCheckFailsClosed: a token whose revocation cannot be read from KV is not let
// through; REST and GraphQL answer 503 with Retry-After (a retry may work), never 200 or 500.
func TestRevocationCheckFailsClosed(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	s.gw.tokens.revocations = brokenKV{}
	c := authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0)
	c.ID = "session-kv-down"
	token := "Bearer " + sign(t, c)
	type answer struct {
		Status     int
		RetryAfter string
		Body       string
	}
	tests := []struct {
		name, method, path, body string
		want                     answer
	}{
		{"REST", http.MethodGet, "/rest/people", "", answer{503, "5",
			`{"statusCode":503,"error":"ServiceUnavailableException","messages":["Service temporarily unavailable, please retry"]}`}},
		{"GraphQL", http.MethodPost, "/graphql", `{"query":"{ people { totalCount } }"}`, answer{503, "5",
			`{"errors":[{"message":"Service temporarily unavailable, please retry","extensions":{"code":"SERVICE_UNAVAILABLE"}}]}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.do(t, tt.method, tt.path, tt.body, "Authorization", token, "Content-Type", "application/json")
			got := answer{rec.Code, rec.Header().Get("Retry-After"), strings.TrimSpace(rec.Body.String())}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRevocationRefreshFailureFailsClosedLater: a token checked a moment ago keeps working while
// KV cannot be read (its refreshes fail behind the requests), until its answer is older than
// revocationStale: then the request waits on KV and answers 503.
func TestRevocationRefreshFailureFailsClosedLater(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	clock := time.Now()
	s.gw.tokens.now = func() time.Time { return clock }
	s.gw.tokens.background = func(ctx context.Context, fn func(context.Context)) { fn(ctx) }
	status := sessionStatus(t, s, "session-kv-flaky")
	if got := status(); got != 200 {
		t.Fatalf("with KV up = %d, want 200", got)
	}
	s.gw.tokens.revocations = brokenKV{}
	var got []int
	for _, d := range []time.Duration{revocationRecheck, revocationStale / 2, revocationStale} {
		clock = clock.Add(d)
		got = append(got, status())
	}
	if diff := cmp.Diff([]int{200, 200, 503}, got); diff != "" {
		t.Errorf("statuses as the answer ages (-want +got):\n%s", diff)
	}
}
