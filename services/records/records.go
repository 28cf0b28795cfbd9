// Command records is the Worker that owns object and field metadata, the per-workspace record
// tables on the shard databases, the query engine and record events.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"net/http"
	"slices"
	"sync/atomic"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/navigation"
	"github.com/twentyworkers/twenty/services/records/internal/outbox"
	"github.com/twentyworkers/twenty/services/records/internal/views"
	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"github.com/twentyworkers/twenty/shared/kv"
	"github.com/twentyworkers/twenty/shared/rpc"
)

type server struct {
	*health.Checker
	control *d1.DB
	// shards are the record databases by binding name; new workspaces are spread over them.
	shards  map[string]*d1.DB
	names   []string // the shards' binding names, sorted
	engine  engine.Engine
	schemas schemaCache
	gql     graphQLCache
	// jobs receives the record events (nil: none are sent), through the relay of the shards'
	// outboxes; outboxTables is what this isolate knows of each shard's outbox.
	jobs         jobqueue.Producer
	relay        *outbox.Relay
	outboxTables map[*d1.DB]*outbox.ShardState
	// relayPaused stops relaying after calls (a dev route sets it, to stand for a relay that
	// died between the write and the send): the events wait in the outbox for the sweep.
	relayPaused atomic.Bool
	// cache holds workspaces' schemas for isolates that have not read them yet (nil: none).
	cache kv.Store
}

// InitWorkspace implements recordsv1connect.RecordsServiceHandler: it assigns the workspace to a
// shard, stores its standard objects' metadata, creates their tables on the shard and the
// creator's workspaceMember record. Every step checks what is already done, so a call that failed
// half way is completed by the next one (D1 cannot span two databases in one transaction).
func (s *server) InitWorkspace(ctx context.Context, req *recordsv1.InitWorkspaceRequest) (*recordsv1.InitWorkspaceResponse, error) {
	shardName, err := s.assignShard(ctx, req.GetWorkspaceId())
	if err != nil {
		return nil, err
	}
	shard, ok := s.shards[shardName]
	if !ok {
		return nil, fmt.Errorf("workspace %s is on shard %s, which this Worker has no binding for", req.GetWorkspaceId(), shardName)
	}
	version, err := s.metaStore().Init(ctx, req.GetWorkspaceId())
	if err != nil {
		return nil, err
	}
	if err := initTables(ctx, shard, req.GetWorkspaceId(), version); err != nil {
		return nil, err
	}
	if err := initMember(ctx, shard, req); err != nil {
		return nil, err
	}
	return &recordsv1.InitWorkspaceResponse{Shard: shardName}, nil
}

// assignShard assigns the workspace to a shard once (later calls answer the same shard) in one
// round trip.
func (s *server) assignShard(ctx context.Context, id string) (string, error) {
	if id == "" {
		return "", invalid("workspace_id is required")
	}
	res, err := s.control.Batch(ctx,
		d1.Stmt{SQL: `INSERT INTO shard_map (workspace_id, binding)
SELECT id, ? FROM workspaces WHERE id = ? ON CONFLICT (workspace_id) DO NOTHING`, Args: []any{s.pickShard(id), id}},
		d1.Stmt{SQL: `SELECT binding FROM shard_map WHERE workspace_id = ?`, Args: []any{id}},
	)
	if err != nil {
		return "", fmt.Errorf("assign shard of workspace %s: %w", id, err)
	}
	if len(res[1].Rows) == 0 {
		return "", notFound("workspace not found")
	}
	shard, _ := res[1].Rows[0][0].(string)
	return shard, nil
}

// pickShard spreads workspaces over the shards by a hash of their id.
func (s *server) pickShard(workspaceID string) string {
	h := fnv.New32a()
	h.Write([]byte(workspaceID))
	return s.names[h.Sum32()%uint32(len(s.names))]
}

// newHandler serves the records contract; dev adds the Worker's /__dev/ routes (nil: none).
func newHandler(control *d1.DB, shards map[string]*d1.DB, cache kv.Store, jobs jobqueue.Producer, probes []health.Probe, dev *http.ServeMux) http.Handler {
	return newServer(control, shards, cache, jobs, probes).handler(dev)
}

// newServer returns the records Worker's server on its bindings.
func newServer(control *d1.DB, shards map[string]*d1.DB, cache kv.Store, jobs jobqueue.Producer, probes []health.Probe) *server {
	srv := &server{Checker: &health.Checker{Service: "records", Probes: probes}, control: control, shards: shards, names: slices.Sorted(maps.Keys(shards)), cache: cache, jobs: jobs}
	srv.relay, srv.outboxTables = &outbox.Relay{Queue: jobs}, map[*d1.DB]*outbox.ShardState{}
	srv.relay.Local = func(ctx context.Context, row outbox.Row, b *jobsv1.DatabaseEventBatch, done []d1.Stmt) (bool, error) {
		_, ran, err := srv.writeTimeline(ctx, b, row.Prefetched, done)
		return ran, err
	}
	srv.relay.Queued = srv.queueWanted // eventconsumers.go
	for _, db := range shards {
		srv.outboxTables[db] = &outbox.ShardState{}
	}
	return srv
}

// handler serves the records contract; dev adds the Worker's /__dev/ routes (nil: none).
func (s *server) handler(dev *http.ServeMux) http.Handler {
	if dev != nil {
		dev.HandleFunc("GET /__dev/instance", cfworker.ServeInstance)
		outboxDevRoutes(dev, s)
		purgeDevRoutes(dev, s) // purge.go
		dev.HandleFunc("GET /__dev/workspaces/{id}/objects", func(w http.ResponseWriter, r *http.Request) {
			out, err := s.objectCounts(r.Context(), r.PathValue("id"))
			if err != nil {
				http.Error(w, err.Error(), http.StatusNotFound)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(out) // a dev route: a client gone away is no error
		})
	}
	var devHandler http.Handler
	if dev != nil {
		devHandler = dev
	}
	mux := rpc.ServiceMux(devHandler)
	mux.Handle(recordsv1connect.NewRecordsServiceHandler(s, append(rpc.HandlerOptions(), connect.WithInterceptors(mapErrors, s.metadataEvents(), permissionSlot))...))
	mux.Handle(recordsv1connect.NewTimelineServiceHandler(s, append(rpc.HandlerOptions(), connect.WithInterceptors(mapErrors))...))
	mux.Handle(recordsv1connect.NewRoleServiceHandler(&roleServer{s}, append(rpc.HandlerOptions(), connect.WithInterceptors(mapErrors))...))
	mux.Handle(recordsv1connect.NewViewServiceHandler(&viewServer{store: &views.Store{Control: s.control}, s: s}, append(rpc.HandlerOptions(), viewHandlerOptions()...)...)) // views.go
	// navigation.go
	mux.Handle(recordsv1connect.NewNavigationMenuItemServiceHandler(&navigationServer{store: &navigation.Store{Control: s.control}, s: s}, append(rpc.HandlerOptions(), connect.WithInterceptors(mapErrors, permissionSlot))...))
	return rpc.Middleware(mux)
}
