package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/eventsub"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// TestEventStreamsCarryTheSubscribersView: the gateway reads the subscriber's permissions when a
// stream opens (graphql-sse and graphql-ws) and when it registers a query, and sends the room
// what the role may not read (fakeRoles: m-limited may not read person.jobTitle).
func TestEventStreamsCarryTheSubscribersView(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	limitedClaims := authtoken.AccessClaims("u-2", "ws-1", "m-limited", "uw-2", "password", time.Now(), 0)
	limited := sign(t, limitedClaims)
	admin := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	restricted := &eventsub.View{Hide: map[string][]string{"person": {"jobTitle"}}}
	sub := `{"query":"subscription { onEventSubscription(eventStreamId: \"s1\") { eventStreamId } }"}`
	upgrade := []string{"Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Protocol", "graphql-transport-ws"}
	tests := []struct {
		name    string
		method  string
		body    string
		headers []string
		want    *eventsub.View
	}{
		{"graphql-sse, restricted", http.MethodPost, sub, []string{"Content-Type", "application/json", "Accept", "text/event-stream", "Authorization", "Bearer " + limited}, restricted},
		{"graphql-sse, admin", http.MethodPost, sub, []string{"Content-Type", "application/json", "Accept", "text/event-stream", "Authorization", "Bearer " + admin}, nil},
		{"graphql-ws, restricted", http.MethodGet, "", append(upgrade, "Authorization", "Bearer "+limited), restricted},
		{"graphql-ws, admin", http.MethodGet, "", append(upgrade, "Authorization", "Bearer "+admin), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.do(t, tt.method, "/metadata", tt.body, tt.headers...)
			var got streamInfo
			if err := json.Unmarshal([]byte(rec.Header().Get(streamHeader)), &got); err != nil {
				t.Fatalf("%d %s: %v", rec.Code, rec.Body, err)
			}
			if diff := cmp.Diff(tt.want, got.View); diff != "" {
				t.Errorf("view (-want +got):\n%s", diff)
			}
		})
	}
	// addQueryToEventStream sends the view read again.
	b, err := s.gw.streamViewJSON(withClaims(context.Background(), &limitedClaims), "ws-1")
	if err != nil || string(b) != `{"hide":{"person":["jobTitle"]}}` {
		t.Errorf("streamViewJSON = %s, %v", b, err)
	}
}

// TestStreamViewErrors: a records Worker down refuses the stream as unavailable (the client
// retries), its refusal as Twenty's FORBIDDEN, anything else as an internal error.
func TestStreamViewErrors(t *testing.T) {
	c := &authtoken.Claims{Type: authtoken.TypeAccess, WorkspaceID: "ws-1", WorkspaceMemberID: "m-1", UserWorkspaceID: "uw-1"}
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"down", connect.NewError(connect.CodeUnavailable, errors.New("down")), graphql.UnavailableError().Code()},
		{"refused", connect.NewError(connect.CodePermissionDenied, errors.New("no")), graphql.CodeForbidden},
		{"broken", errors.New("boom"), "INTERNAL_SERVER_ERROR"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := &gateway{roles: &flagRoles{err: tt.err}}
			_, gerr := g.streamView(context.Background(), c, "ws-1")
			if gerr == nil || gerr.Code() != tt.want {
				t.Errorf("streamView = %v, want %s", gerr, tt.want)
			}
		})
	}
}
