// Command realtime is the Worker that fans record events out to connected clients. Each room (a
// workspace) is a Durable Object (RealtimeRoom, in shared/js/room.mjs) holding the WebSockets; this
// Go program serves the Connect contract that other Workers publish through.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/fanout"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1/realtimev1connect"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// rooms publishes to rooms through their Durable Objects. stub returns the HTTP client of one
// room's object (a Durable Object stub on workerd, a test server natively).
type rooms struct {
	stub    func(room string) (connect.HTTPClient, error)
	queries queryCache // the event streams' queries, by room (eventstreams.go)
}

var _ fanout.Publisher = (*rooms)(nil)

// Publish implements fanout.Publisher: POST /publish on the room's object, which answers
// {"delivered":n}.
func (r *rooms) Publish(ctx context.Context, room string, event []byte) (int, error) {
	if err := fanout.ValidateRoom(room); err != nil {
		return 0, err
	}
	if len(event) > fanout.MaxEventSize {
		return 0, fmt.Errorf("publish %d bytes: %w", len(event), fanout.ErrTooLarge)
	}
	var out struct {
		Delivered int `json:"delivered"`
	}
	if err := r.call(ctx, room, http.MethodPost, "/publish", event, &out); err != nil {
		return 0, err
	}
	return out.Delivered, nil
}

// ping asks a room's object for its health: it proves the Durable Object binding answers.
func (r *rooms) ping(ctx context.Context) error {
	var out struct {
		OK bool `json:"ok"`
	}
	if err := r.call(ctx, "health", http.MethodGet, "/health", nil, &out); err != nil {
		return err
	}
	if !out.OK {
		return errors.New("room did not report ok")
	}
	return nil
}

func (r *rooms) call(ctx context.Context, room, method, path string, body []byte, out any) error {
	client, err := r.stub(room)
	if err != nil {
		return fmt.Errorf("room %s: %w", room, err)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://room"+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("room %s: %w", room, err)
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("room %s %s: %w", room, path, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("room %s %s: status %d", room, path, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("room %s %s: %w", room, path, err)
	}
	return nil
}

type server struct {
	*health.Checker
	publisher fanout.Publisher
	rooms     *rooms
}

// Publish implements realtimev1connect.RealtimeServiceHandler.
func (s *server) Publish(ctx context.Context, req *realtimev1.PublishRequest) (*realtimev1.PublishResponse, error) {
	n, err := s.publisher.Publish(ctx, req.GetRoom(), []byte(req.GetEvent()))
	switch {
	case errors.Is(err, fanout.ErrInvalidRoom):
		return nil, connect.NewError(connect.CodeInvalidArgument, fanout.ErrInvalidRoom)
	case errors.Is(err, fanout.ErrTooLarge):
		return nil, connect.NewError(connect.CodeInvalidArgument, fanout.ErrTooLarge)
	case err != nil:
		return nil, err
	}
	return &realtimev1.PublishResponse{Delivered: uint32(n)}, nil
}

// newHandler serves the realtime contract; dev adds the Worker's /__dev/ routes (nil: none).
func newHandler(r *rooms, dev http.Handler) http.Handler {
	checker := &health.Checker{Service: "realtime", Probes: []health.Probe{{Name: "ROOMS", Kind: "durable_object", Check: r.ping}}}
	mux := rpc.ServiceMux(dev)
	mux.Handle(realtimev1connect.NewRealtimeServiceHandler(&server{Checker: checker, publisher: r, rooms: r}, rpc.HandlerOptions()...))
	return rpc.Middleware(mux)
}
