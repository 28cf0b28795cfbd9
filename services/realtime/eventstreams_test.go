package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1/realtimev1connect"
)

// fakeEventRoom is a room's /events and /queries as eventroom.mjs serves them: a version and the
// registered queries, refusing events matched against another version.
type fakeEventRoom struct {
	mu        sync.Mutex
	version   int64
	streams   map[string]map[string]json.RawMessage
	delivered []map[string][]string // each accepted event's matches
	calls     int
}

func (f *fakeEventRoom) stub(string) (connect.HTTPClient, error) {
	return &http.Client{Transport: roundTrip(func(req *http.Request) (*http.Response, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls++
		rec := httptest.NewRecorder()
		body, _ := io.ReadAll(req.Body)
		var in struct {
			Version int64 `json:"version"`
			Events  []struct {
				Matches map[string][]string `json:"matches"`
				Event   json.RawMessage     `json:"event"`
			} `json:"events"`
		}
		if err := json.Unmarshal(body, &in); err != nil {
			rec.WriteHeader(http.StatusBadRequest)
			return rec.Result(), nil
		}
		if in.Version != f.version {
			rec.WriteHeader(http.StatusConflict)
			_ = json.NewEncoder(rec).Encode(roomState{Version: f.version, Streams: f.streams})
			return rec.Result(), nil
		}
		for _, e := range in.Events {
			f.delivered = append(f.delivered, e.Matches)
		}
		_ = json.NewEncoder(rec).Encode(map[string]int{"delivered": len(in.Events)})
		return rec.Result(), nil
	})}, nil
}

func TestPublishRecordEventsTagsMatchingQueries(t *testing.T) {
	room := &fakeEventRoom{version: 4, streams: map[string]map[string]json.RawMessage{
		"s1": {
			"paris":  json.RawMessage(`{"objectNameSingular":"person","variables":{"filter":{"city":{"eq":"Paris"}}}}`),
			"all":    json.RawMessage(`{"objectNameSingular":"person","variables":{}}`),
			"others": json.RawMessage(`{"objectNameSingular":"company"}`),
		},
		"s2": {"rome": json.RawMessage(`{"objectNameSingular":"person","variables":{"filter":{"city":{"eq":"Rome"}}}}`)},
	}}
	srv := httptest.NewServer(newHandler(&rooms{stub: room.stub}, nil))
	defer srv.Close()
	client := realtimev1connect.NewRealtimeServiceClient(srv.Client(), srv.URL)
	batch := &jobsv1.DatabaseEventBatch{
		Name: "person.updated", WorkspaceId: "ws-1", ObjectNameSingular: "person", EventDate: "2026-12-06T10:00:00.000Z",
		Events: []*jobsv1.DatabaseEvent{
			{Id: "e1", RecordId: "p1", BeforeJson: []byte(`{"id":"p1","city":"Paris"}`), AfterJson: []byte(`{"id":"p1","city":"Rome"}`), UpdatedFields: []string{"city"}},
			{Id: "e2", RecordId: "p2", BeforeJson: []byte(`{"id":"p2","city":"Oslo"}`), AfterJson: []byte(`{"id":"p2","city":"Lima"}`), UpdatedFields: []string{"city"}},
		},
	}
	if _, err := client.PublishRecordEvents(context.Background(), &realtimev1.PublishRecordEventsRequest{Batch: batch}); err != nil {
		t.Fatal(err)
	}
	want := []map[string][]string{
		{"s1": {"all", "paris"}, "s2": {"rome"}}, // leaving Paris for Rome concerns both lists
		{"s1": {"all"}},
	}
	if diff := cmp.Diff(want, room.delivered); diff != "" {
		t.Errorf("matches (-want +got):\n%s", diff)
	}
	if room.calls != 2 {
		t.Errorf("room calls = %d, want 2 (stale, then matched)", room.calls)
	}
	// The queries are cached at the room's version: the next batch is one call.
	room.delivered = nil
	if _, err := client.PublishRecordEvents(context.Background(), &realtimev1.PublishRecordEventsRequest{Batch: batch}); err != nil {
		t.Fatal(err)
	}
	if room.calls != 3 {
		t.Errorf("room calls = %d, want 3", room.calls)
	}
	if _, err := client.PublishRecordEvents(context.Background(), &realtimev1.PublishRecordEventsRequest{Batch: &jobsv1.DatabaseEventBatch{Name: "bad", WorkspaceId: "ws-1", Events: batch.Events}}); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("PublishRecordEvents of a badly named batch = %v, want invalid argument", err)
	}
}

func TestRecordEventJSON(t *testing.T) {
	events, err := recordEvents(&jobsv1.DatabaseEventBatch{
		Name: "person.updated", ObjectNameSingular: "person",
		Events: []*jobsv1.DatabaseEvent{{Id: "e1", RecordId: "p1", UserId: "u1", BeforeJson: []byte(`{"city":"Paris","x":1}`), AfterJson: []byte(`{"city":"Rome","x":1}`), UpdatedFields: []string{"city", "x"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(events[0].Event, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"action": "UPDATED", "objectNameSingular": "person", "recordId": "p1", "userId": "u1", "workspaceMemberId": nil,
		"properties": map[string]any{
			"updatedFields": []any{"city", "x"},
			"before":        map[string]any{"city": "Paris", "x": float64(1)},
			"after":         map[string]any{"city": "Rome", "x": float64(1)},
			"diff":          map[string]any{"city": map[string]any{"before": "Paris", "after": "Rome"}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objectRecordEvent (-want +got):\n%s", diff)
	}
}

func TestParseSubscription(t *testing.T) {
	srv := httptest.NewServer(newHandler(&rooms{stub: (&fakeEventRoom{}).stub}, nil))
	defer srv.Close()
	client := realtimev1connect.NewRealtimeServiceClient(srv.Client(), srv.URL)
	res, err := client.ParseSubscription(context.Background(), &realtimev1.ParseSubscriptionRequest{
		Query:         `subscription S($id: String!) { onEventSubscription(eventStreamId: $id) { eventStreamId } }`,
		VariablesJson: `{"id":"s1"}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"eventStreamId":"s1","responseKey":"onEventSubscription","selection":{"eventStreamId":["eventStreamId",null]}}`, res.GetSubscriptionJson()); diff != "" {
		t.Errorf("subscription (-want +got):\n%s", diff)
	}
	res, err = client.ParseSubscription(context.Background(), &realtimev1.ParseSubscriptionRequest{Query: `{ nope }`})
	if err != nil || !strings.Contains(res.GetErrorJson(), "GRAPHQL_VALIDATION_FAILED") {
		t.Errorf("ParseSubscription of a query = %v, %v; want a validation error", res, err)
	}
}

func TestQueryCacheIsBounded(t *testing.T) {
	var c queryCache
	for i := range maxCachedRooms + 10 {
		c.put(strings.Repeat("r", 1)+string(rune('a'+i%26))+strings.Repeat("x", i/26), &roomQueries{version: 1})
	}
	if len(c.rooms) != maxCachedRooms || len(c.order) != maxCachedRooms {
		t.Errorf("cache holds %d rooms (%d in order), want %d", len(c.rooms), len(c.order), maxCachedRooms)
	}
	c.put("fresh", &roomQueries{version: 2})
	c.put("fresh", &roomQueries{version: 1})
	if got := c.get("fresh").version; got != 2 {
		t.Errorf("an older version replaced a newer one: %d", got)
	}
}
