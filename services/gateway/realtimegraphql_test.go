package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/eventsub"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
)

// The realtime Worker's event-stream calls, as the fake answers them: the stream "s1" of the
// membership uw-1 exists in ws-1, any other stream does not.

func (fakeRealtime) PublishRecordEvents(context.Context, *realtimev1.PublishRecordEventsRequest) (*realtimev1.PublishRecordEventsResponse, error) {
	return &realtimev1.PublishRecordEventsResponse{}, nil
}

func (fakeRealtime) PublishMetadataEvents(context.Context, *realtimev1.PublishMetadataEventsRequest) (*realtimev1.PublishRecordEventsResponse, error) {
	return &realtimev1.PublishRecordEventsResponse{}, nil
}

func fakeStreamOp(ws, stream string, c *realtimev1.Caller) (*realtimev1.AddQueryResponse, error) {
	if ws != "ws-1" || stream != "s1" {
		return &realtimev1.AddQueryResponse{Ok: false}, nil
	}
	if c.GetUserWorkspaceId() != "uw-1" {
		return nil, connect.NewError(connect.CodePermissionDenied, errors.New("You are not authorized to add a query to this event stream"))
	}
	return &realtimev1.AddQueryResponse{Ok: true}, nil
}

func (fakeRealtime) AddQuery(_ context.Context, req *realtimev1.AddQueryRequest) (*realtimev1.AddQueryResponse, error) {
	var sig map[string]any
	if err := json.Unmarshal(req.GetOperationSignatureJson(), &sig); err != nil || sig["objectNameSingular"] != "person" {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("recordmatch: invalid operation signature"))
	}
	return fakeStreamOp(req.GetWorkspaceId(), req.GetEventStreamId(), req.GetCaller())
}

func (fakeRealtime) RemoveQuery(_ context.Context, req *realtimev1.RemoveQueryRequest) (*realtimev1.AddQueryResponse, error) {
	return fakeStreamOp(req.GetWorkspaceId(), req.GetEventStreamId(), req.GetCaller())
}

func TestEventStreamMutations(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	owner := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	other := sign(t, authtoken.AccessClaims("u-2", "ws-1", "m-2", "uw-2", "password", time.Now(), 0))
	elsewhere := sign(t, authtoken.AccessClaims("u-3", "ws-2", "m-3", "uw-3", "password", time.Now(), 0))
	add := `mutation($input: AddQuerySubscriptionInput!) { addQueryToEventStream(input: $input) }`
	remove := `mutation { removeQueryFromEventStream(input: {eventStreamId: "s1", queryId: "q1"}) }`
	sig := map[string]any{"objectNameSingular": "person", "variables": map[string]any{"filter": map[string]any{"city": map[string]any{"eq": "Paris"}}}}
	input := func(stream string, sig any) map[string]any {
		return map[string]any{"input": map[string]any{"eventStreamId": stream, "queryId": "q1", "operationSignature": sig}}
	}
	tests := []struct {
		name, token, query string
		vars               map[string]any
		data, code         string
	}{
		{"add", owner, add, input("s1", sig), `{"addQueryToEventStream":true}`, ""},
		{"remove", owner, remove, nil, `{"removeQueryFromEventStream":true}`, ""},
		{"unknown stream", owner, add, input("s9", sig), `{"addQueryToEventStream":false}`, ""},
		{"another workspace's stream is unknown", elsewhere, add, input("s1", sig), `{"addQueryToEventStream":false}`, ""},
		{"another member's stream", other, add, input("s1", sig), `null`, "FORBIDDEN"},
		{"bad signature", owner, add, input("s1", map[string]any{"objectNameSingular": 3}), `null`, "BAD_USER_INPUT"},
		{"no token", "", remove, nil, `null`, "UNAUTHENTICATED"},
	}
	for _, tc := range tests {
		got := s.gqlPost(t, tc.token, tc.query, tc.vars)
		code := ""
		if len(got.Errors) > 0 {
			code, _ = got.Errors[0].Extensions["code"].(string)
		}
		if code != tc.code {
			t.Errorf("%s: error code %q (%+v), want %q", tc.name, code, got.Errors, tc.code)
		}
		if code == "FORBIDDEN" && got.Errors[0].Extensions["subCode"] != "NOT_AUTHORIZED" {
			t.Errorf("%s: extensions %v, want Twenty's subCode NOT_AUTHORIZED", tc.name, got.Errors[0].Extensions)
		}
		if diff := cmp.Diff(jsonOf(t, tc.data), jsonOf(t, string(got.Data))); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestEventStreamSubscriptionIsForwardedToTheRoom(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	user := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	key := sign(t, authtoken.APIKeyClaims("k-1", "ws-2", time.Now(), time.Now().Add(time.Hour)))
	sub := `subscription OnEventSubscription($eventStreamId: String!) { onEventSubscription(eventStreamId: $eventStreamId) { eventStreamId objectRecordEventsWithQueryIds { queryIds } } }`
	body := func(q string, vars map[string]any) string {
		b, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
		return string(b)
	}
	tests := []struct {
		name, token, body string
		room              string
		stream            *streamInfo
		errCode           string
	}{
		{"user", user, body(sub, map[string]any{"eventStreamId": "s1"}), "ws-1",
			&streamInfo{Subscription: eventsub.Subscription{EventStreamID: "s1", ResponseKey: "onEventSubscription", Selection: eventsub.Selection{
				"eventStreamId":                  {Name: "eventStreamId"},
				"objectRecordEventsWithQueryIds": {Name: "objectRecordEventsWithQueryIds", Sub: eventsub.Selection{"queryIds": {Name: "queryIds"}}},
			}}, UserWorkspaceID: "uw-1", UserID: "u-1"}, ""},
		{"api key, aliased", key, body(`subscription { live: onEventSubscription(eventStreamId: "s2") { eventStreamId } }`, nil), "ws-2",
			&streamInfo{Subscription: eventsub.Subscription{EventStreamID: "s2", ResponseKey: "live", Selection: eventsub.Selection{"eventStreamId": {Name: "eventStreamId"}}}, APIKeyID: "k-1"}, ""},
		{"legacy onDbEvent", user, body(`subscription { onDbEvent(input: {objectNameSingular: "person", action: CREATED}) { action record } }`, nil), "ws-1",
			&streamInfo{Subscription: eventsub.Subscription{ResponseKey: "onDbEvent", DBEvent: map[string]any{"objectNameSingular": "person", "action": "CREATED"},
				Selection: eventsub.Selection{"action": {Name: "action"}, "record": {Name: "record"}}}, UserWorkspaceID: "uw-1", UserID: "u-1"}, ""},
		{"no token", "", body(sub, map[string]any{"eventStreamId": "s1"}), "", nil, "UNAUTHENTICATED"},
		{"bad token", "nope", body(sub, map[string]any{"eventStreamId": "s1"}), "", nil, "UNAUTHENTICATED"},
		{"missing variable", user, body(sub, nil), "", nil, "BAD_USER_INPUT"},
		{"a query", user, body(`{ currentUser { id } }`, nil), "", nil, "GRAPHQL_VALIDATION_FAILED"},
		{"unknown field", user, body(`subscription { nope }`, nil), "", nil, "GRAPHQL_VALIDATION_FAILED"},
		{"empty stream id", user, body(sub, map[string]any{"eventStreamId": ""}), "", nil, "BAD_USER_INPUT"},
	}
	for _, tc := range tests {
		headers := []string{"Content-Type", "application/json", "Accept", "text/event-stream"}
		if tc.token != "" {
			headers = append(headers, "Authorization", "Bearer "+tc.token)
		}
		before := len(s.listeners.got())
		rec := s.do(t, http.MethodPost, "/metadata", tc.body, headers...)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d %s", tc.name, rec.Code, rec.Body)
		}
		// A stream handed to its room has made the room a listener of the workspace's events.
		var wantListener []string
		if tc.stream != nil {
			wantListener = []string{tc.room + " EVENT_LISTENER_KIND_REALTIME true"}
		}
		if diff := cmp.Diff(wantListener, s.listeners.got()[before:], cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: listeners set (-want +got):\n%s", tc.name, diff)
		}
		if tc.stream == nil {
			if rec.Header().Get(forwardHeader) != "" {
				t.Errorf("%s: forwarded a refused subscription", tc.name)
			}
			text := rec.Body.String()
			if !strings.HasPrefix(text, "event: next\ndata: ") || !strings.HasSuffix(text, "event: complete\ndata:\n\n") || !strings.Contains(text, `"code":"`+tc.errCode+`"`) {
				t.Errorf("%s: body %q, want a next with %s then complete", tc.name, text, tc.errCode)
			}
			continue
		}
		if rec.Header().Get(forwardHeader) != "REALTIME" || rec.Header().Get(roomHeader) != tc.room {
			t.Errorf("%s: forward %q room %q, want REALTIME %s", tc.name, rec.Header().Get(forwardHeader), rec.Header().Get(roomHeader), tc.room)
		}
		var got streamInfo
		if err := json.Unmarshal([]byte(rec.Header().Get(streamHeader)), &got); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.stream.DBEvent != nil {
			if !strings.HasPrefix(got.EventStreamID, "db-") {
				t.Errorf("%s: stream id %q, want db-…", tc.name, got.EventStreamID)
			}
			got.EventStreamID = ""
		}
		if diff := cmp.Diff(*tc.stream, got); diff != "" {
			t.Errorf("%s: stream (-want +got):\n%s", tc.name, diff)
		}
	}
	// Twenty serves onDbEvent on /graphql: so do we, and both subscriptions.
	rec := s.do(t, http.MethodPost, "/graphql", body(`subscription { onDbEvent(input: {}) { action } }`, nil),
		"Content-Type", "application/json", "Accept", "text/event-stream", "Authorization", "Bearer "+user)
	if rec.Header().Get(forwardHeader) != "REALTIME" || rec.Header().Get(roomHeader) != "ws-1" {
		t.Errorf("onDbEvent on /graphql = %d %s, want forwarded to ws-1's room", rec.Code, rec.Body)
	}
	// Without Accept: text/event-stream, /metadata is plain GraphQL, which runs no subscription.
	rec = s.do(t, http.MethodPost, "/metadata", body(sub, map[string]any{"eventStreamId": "s1"}), "Content-Type", "application/json", "Authorization", "Bearer "+user)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Subscriptions are not supported") {
		t.Errorf("plain POST of a subscription = %d %s", rec.Code, rec.Body)
	}
}

func TestGraphQLWebSocketIsForwardedToTheRoom(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	user := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	upgrade := []string{"Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Protocol", "graphql-transport-ws"}
	rec := s.do(t, http.MethodGet, "/metadata", "", append(upgrade, "Authorization", "Bearer "+user)...)
	if rec.Header().Get(forwardHeader) != "REALTIME" || rec.Header().Get(roomHeader) != "ws-1" {
		t.Fatalf("upgrade = %d %q %q, want forwarded to ws-1's room", rec.Code, rec.Header().Get(forwardHeader), rec.Header().Get(roomHeader))
	}
	var got streamInfo
	if err := json.Unmarshal([]byte(rec.Header().Get(streamHeader)), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(streamInfo{UserWorkspaceID: "uw-1", UserID: "u-1", Protocol: "graphql-transport-ws"}, got); diff != "" {
		t.Errorf("stream (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		name    string
		headers []string
		status  int
	}{
		{"no token", upgrade, http.StatusUnauthorized},
		{"another subprotocol", []string{"Upgrade", "websocket", "Sec-WebSocket-Protocol", "graphql-ws", "Authorization", "Bearer " + user}, http.StatusBadRequest},
	} {
		rec := s.do(t, http.MethodGet, "/metadata", "", tc.headers...)
		if rec.Code != tc.status || rec.Header().Get(forwardHeader) != "" {
			t.Errorf("%s: %d forwarded %q, want %d not forwarded", tc.name, rec.Code, rec.Header().Get(forwardHeader), tc.status)
		}
	}
}

func (fakeRealtime) ParseSubscription(context.Context, *realtimev1.ParseSubscriptionRequest) (*realtimev1.ParseSubscriptionResponse, error) {
	return &realtimev1.ParseSubscriptionResponse{}, nil
}
