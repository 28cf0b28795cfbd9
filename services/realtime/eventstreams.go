package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/eventsub"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
	"github.com/twentyworkers/twenty/shared/recordmatch"
)

// The event streams of Twenty's /metadata subscription live in the workspace's room (the
// RealtimeRoom Durable Object, eventroom.mjs): it holds each stream's connection and registered
// queries and delivers. Matching an event against the queries is the records engine's filter
// semantics (shared/recordmatch), which is Go, so it runs here: the Worker keeps a copy of each
// room's queries, stamped with the room's version, and sends the room the events with the
// streams and query ids each one matches. A room whose queries changed since refuses them with
// its current queries (409), which the Worker matches again: one Durable Object call per batch
// while the queries stand still, two when they moved.

// roomQueries is a room's registered queries at one version, by stream id then query id.
type roomQueries struct {
	version int64
	streams map[string]map[string]recordmatch.Query
	views   map[string]*eventsub.View // what each stream's subscriber may not read (eventviews.go)
}

// maxCachedRooms bounds the rooms whose queries an isolate keeps; past it, the oldest entry goes
// (a room it meets again answers its queries once more).
const maxCachedRooms = 1024

// queryCache holds the last known queries of the rooms this isolate published to. The lock is
// never held across a call to a room.
type queryCache struct {
	mu    sync.Mutex
	rooms map[string]*roomQueries
	order []string // rooms in the order they entered, for eviction
}

func (c *queryCache) get(room string) *roomQueries {
	c.mu.Lock()
	defer c.mu.Unlock()
	if q, ok := c.rooms[room]; ok {
		return q
	}
	return &roomQueries{version: -1}
}

func (c *queryCache) put(room string, q *roomQueries) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rooms == nil {
		c.rooms = map[string]*roomQueries{}
	}
	old, ok := c.rooms[room]
	if !ok {
		for len(c.order) >= maxCachedRooms {
			delete(c.rooms, c.order[0])
			c.order = c.order[1:]
		}
		c.order = append(c.order, room)
	}
	if !ok || old.version < q.version {
		c.rooms[room] = q
	}
}

// roomState is what a room answers a stale publish with: its version and every stream's
// queries as the clients registered them (RecordGqlOperationSignature JSON).
type roomState struct {
	Version int64                                 `json:"version"`
	Streams map[string]map[string]json.RawMessage `json:"streams"`
	Views   map[string]json.RawMessage            `json:"views"`
}

// compile parses a room's queries; a signature that does not parse matches nothing (the room
// only keeps signatures the Worker accepted, so this is a signature from an older Worker).
func (s roomState) compile() *roomQueries {
	out := &roomQueries{version: s.Version, streams: make(map[string]map[string]recordmatch.Query, len(s.Streams)), views: compileViews(s.Views)}
	for sid, queries := range s.Streams {
		m := make(map[string]recordmatch.Query, len(queries))
		for qid, sig := range queries {
			q, err := recordmatch.ParseSignature(sig)
			if err != nil {
				continue
			}
			m[qid] = q
		}
		out.streams[sid] = m
	}
	return out
}

// match fills each event's Matches: the streams with a query the event concerns, and which,
// as each stream's view lets it see the event (Variant).
func (q *roomQueries) match(object string, events []*recordEvent) error {
	for _, e := range events {
		e.Matches = map[string][]string{}
		e.Variant, e.Variants, e.variantIDs, e.variantKeys = nil, nil, nil, nil
		for sid, queries := range q.streams {
			var ids []string
			for qid, query := range queries {
				if recordmatch.MatchesEvent(query, object, e.action, e.before, e.after) {
					ids = append(ids, qid)
				}
			}
			if len(ids) == 0 {
				continue
			}
			variant, ok, err := e.visible(object, q.views[sid])
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if variant != "" {
				if e.Variant == nil {
					e.Variant = map[string]string{}
				}
				e.Variant[sid] = variant
			}
			sortStrings(ids)
			e.Matches[sid] = ids
		}
	}
	return nil
}

// errStale is a room's answer to events matched against an older version of its queries.
var errStale = errors.New("room queries changed")

// roomCall posts body to a room's path and decodes its JSON answer into out. A 409 decodes into
// stale and returns errStale; 403 and 404 become Connect errors with the room's message.
func (r *rooms) roomCall(ctx context.Context, room, path string, body any, out, stale any) error {
	client, err := r.stub(room)
	if err != nil {
		return fmt.Errorf("room %s: %w", room, err)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("room %s %s: %w", room, path, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://room"+path, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("room %s: %w", room, err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("room %s %s: %w", room, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("room %s %s: %w", room, path, err)
	}
	switch res.StatusCode {
	case http.StatusOK:
		return json.Unmarshal(data, out)
	case http.StatusConflict:
		if stale != nil {
			if err := json.Unmarshal(data, stale); err != nil {
				return fmt.Errorf("room %s %s: %w", room, path, err)
			}
		}
		return errStale
	case http.StatusForbidden, http.StatusTooManyRequests, http.StatusBadRequest:
		var msg struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &msg)
		code := map[int]connect.Code{http.StatusForbidden: connect.CodePermissionDenied,
			http.StatusTooManyRequests: connect.CodeResourceExhausted, http.StatusBadRequest: connect.CodeInvalidArgument}[res.StatusCode]
		return connect.NewError(code, errors.New(msg.Message))
	}
	return fmt.Errorf("room %s %s: status %d", room, path, res.StatusCode)
}

// deliver sends events to a room, matched against its queries; metadata events go to every
// stream. It answers how many stream messages the room wrote, and whether the room was idle
// (nothing open in it).
func (r *rooms) deliver(ctx context.Context, room, object string, events []*recordEvent, metadata []*metadataEvent) (*realtimev1.PublishRecordEventsResponse, error) {
	for attempt := 0; ; attempt++ {
		q := r.queries.get(room)
		if q.version >= 0 {
			if err := q.match(object, events); err != nil {
				return nil, err
			}
		}
		var out struct {
			Delivered int  `json:"delivered"`
			Idle      bool `json:"idle"`
		}
		var state roomState
		body := map[string]any{"version": q.version, "events": events, "metadataEvents": metadata}
		err := r.roomCall(ctx, room, "/events", body, &out, &state)
		if errors.Is(err, errStale) && attempt < 3 {
			r.queries.put(room, state.compile())
			continue
		}
		if err != nil {
			return nil, err
		}
		return &realtimev1.PublishRecordEventsResponse{Delivered: uint32(out.Delivered), Idle: out.Idle}, nil
	}
}

// PublishRecordEvents implements realtimev1connect.RealtimeServiceHandler.
func (s *server) PublishRecordEvents(ctx context.Context, req *realtimev1.PublishRecordEventsRequest) (*realtimev1.PublishRecordEventsResponse, error) {
	b := req.GetBatch()
	if err := validRoom(b.GetWorkspaceId()); err != nil {
		return nil, err
	}
	events, err := recordEvents(b)
	if err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, err)
	}
	if len(events) == 0 {
		return &realtimev1.PublishRecordEventsResponse{}, nil
	}
	res, err := s.rooms.deliver(ctx, b.GetWorkspaceId(), b.GetObjectNameSingular(), events, nil)
	if err != nil {
		return nil, err
	}
	slog.DebugContext(ctx, "record events published", "workspace_id", b.GetWorkspaceId(), "event", b.GetName(), "events", len(events), "delivered", res.GetDelivered())
	return res, nil
}

// PublishMetadataEvents implements realtimev1connect.RealtimeServiceHandler.
func (s *server) PublishMetadataEvents(ctx context.Context, req *realtimev1.PublishMetadataEventsRequest) (*realtimev1.PublishRecordEventsResponse, error) {
	if err := validRoom(req.GetWorkspaceId()); err != nil {
		return nil, err
	}
	events, err := metadataEvents(req.GetEvents())
	if err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, err)
	}
	if len(events) == 0 {
		return &realtimev1.PublishRecordEventsResponse{}, nil
	}
	return s.rooms.deliver(ctx, req.GetWorkspaceId(), "", nil, events)
}

// AddQuery implements realtimev1connect.RealtimeServiceHandler: the signature must be a record
// query the Worker can match, and the caller the stream's owner.
func (s *server) AddQuery(ctx context.Context, req *realtimev1.AddQueryRequest) (*realtimev1.AddQueryResponse, error) {
	if err := validRoom(req.GetWorkspaceId()); err != nil {
		return nil, err
	}
	if req.GetEventStreamId() == "" || req.GetQueryId() == "" {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("eventStreamId and queryId are required"))
	}
	sig := req.GetOperationSignatureJson()
	if _, err := recordmatch.ParseSignature(sig); err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, err)
	}
	body := map[string]any{
		"op": "add", "eventStreamId": req.GetEventStreamId(), "queryId": req.GetQueryId(),
		"signature": json.RawMessage(sig), "caller": callerOf(req.GetCaller()),
	}
	if v := req.GetViewJson(); len(v) > 0 {
		var view *eventsub.View
		if err := json.Unmarshal(v, &view); err != nil {
			return nil, connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("view: %w", err))
		}
		body["view"] = view // the subscriber's permissions read again: the stream keeps them
	}
	return s.rooms.queryOp(ctx, req.GetWorkspaceId(), body)
}

// RemoveQuery implements realtimev1connect.RealtimeServiceHandler.
func (s *server) RemoveQuery(ctx context.Context, req *realtimev1.RemoveQueryRequest) (*realtimev1.AddQueryResponse, error) {
	if err := validRoom(req.GetWorkspaceId()); err != nil {
		return nil, err
	}
	return s.rooms.queryOp(ctx, req.GetWorkspaceId(), map[string]any{
		"op": "remove", "eventStreamId": req.GetEventStreamId(), "queryId": req.GetQueryId(), "caller": callerOf(req.GetCaller()),
	})
}

func (r *rooms) queryOp(ctx context.Context, room string, body map[string]any) (*realtimev1.AddQueryResponse, error) {
	var out struct {
		OK bool `json:"ok"`
	}
	if err := r.roomCall(ctx, room, "/queries", body, &out, nil); err != nil {
		return nil, err
	}
	return &realtimev1.AddQueryResponse{Ok: out.OK}, nil
}

func callerOf(c *realtimev1.Caller) map[string]string {
	return map[string]string{"userWorkspaceId": c.GetUserWorkspaceId(), "apiKeyId": c.GetApiKeyId()}
}

func validRoom(room string) error {
	if room == "" {
		return connect.NewError(connect.CodeInvalidArgument, errors.New("workspace id is required"))
	}
	return nil
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
