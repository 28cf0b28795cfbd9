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
	"github.com/twentyworkers/twenty/shared/conformance"
	"github.com/twentyworkers/twenty/shared/fanout"
	"github.com/twentyworkers/twenty/shared/fanout/fanouttest"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1/realtimev1connect"
)

// fakeRooms stands in for the RealtimeRoom Durable Objects (shared/js/rooms.mjs): each room has a
// number of connected clients and records what was published to it.
type fakeRooms struct {
	mu        sync.Mutex
	clients   map[string]int
	published map[string][]string
	failing   bool
}

func (f *fakeRooms) stub(room string) (connect.HTTPClient, error) {
	return &http.Client{Transport: roundTrip(func(req *http.Request) (*http.Response, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		rec := httptest.NewRecorder()
		switch {
		case f.failing:
			rec.WriteHeader(http.StatusInternalServerError)
		case req.Method == http.MethodPost && req.URL.Path == "/publish":
			body, _ := io.ReadAll(req.Body)
			f.published[room] = append(f.published[room], string(body))
			if err := json.NewEncoder(rec).Encode(map[string]int{"delivered": f.clients[room]}); err != nil {
				return nil, err
			}
		case req.Method == http.MethodGet && req.URL.Path == "/health":
			if err := json.NewEncoder(rec).Encode(map[string]any{"ok": true, "connections": f.clients[room]}); err != nil {
				return nil, err
			}
		default:
			rec.WriteHeader(http.StatusNotFound)
		}
		return rec.Result(), nil
	})}, nil
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func newFake() *fakeRooms {
	return &fakeRooms{clients: map[string]int{"ws-1": 2}, published: map[string][]string{}}
}

func TestRoomsPublisherConformance(t *testing.T) {
	r := &rooms{stub: newFake().stub}
	for _, res := range conformance.Run(context.Background(), "fanout", fanouttest.Checks(r, "empty-room")) {
		if !res.Passed {
			t.Errorf("%s: %s", res.Check, res.Error)
		}
	}
}

func TestPublishOverConnect(t *testing.T) {
	fake := newFake()
	srv := httptest.NewServer(newHandler(&rooms{stub: fake.stub}, nil))
	defer srv.Close()
	client := realtimev1connect.NewRealtimeServiceClient(srv.Client(), srv.URL)
	ctx := context.Background()

	res, err := client.Publish(ctx, &realtimev1.PublishRequest{Room: "ws-1", Event: `{"a":1}`})
	if err != nil || res.GetDelivered() != 2 {
		t.Fatalf("Publish = %v, %v; want 2 delivered", res, err)
	}
	if diff := cmp.Diff(map[string][]string{"ws-1": {`{"a":1}`}}, fake.published); diff != "" {
		t.Errorf("published (-want +got):\n%s", diff)
	}
	tests := []struct {
		room, event string
		code        connect.Code
	}{
		{"bad room!", "{}", connect.CodeInvalidArgument},
		{"ws-1", strings.Repeat("x", fanout.MaxEventSize+1), connect.CodeInvalidArgument},
	}
	for _, tt := range tests {
		_, err := client.Publish(ctx, &realtimev1.PublishRequest{Room: tt.room, Event: tt.event})
		if connect.CodeOf(err) != tt.code {
			t.Errorf("Publish(room %q, %d bytes) error %v, want %v", tt.room, len(tt.event), err, tt.code)
		}
	}
	fake.failing = true
	if _, err := client.Publish(ctx, &realtimev1.PublishRequest{Room: "ws-1", Event: "{}"}); connect.CodeOf(err) != connect.CodeInternal {
		t.Errorf("Publish with the room failing = %v, want internal", err)
	}
	health, err := client.Health(ctx, &commonv1.HealthRequest{Deep: true})
	if err != nil || health.GetHealth().GetOk() {
		t.Errorf("Health with the room failing = %v, %v; want not ok", health, err)
	}
}
