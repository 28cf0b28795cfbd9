// Command records is the Worker that owns object and field metadata, the per-workspace record
// tables on the shard databases, the query engine and record events.
package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/d1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/rpc"
)

type server struct {
	*health.Checker
	control *d1.DB
	// shards are the bindings of the record databases new workspaces are spread over.
	shards []string
}

// InitWorkspace implements recordsv1connect.RecordsServiceHandler. It assigns the workspace to a
// shard once (later calls answer the same shard) in one round trip.
func (s *server) InitWorkspace(ctx context.Context, req *recordsv1.InitWorkspaceRequest) (*recordsv1.InitWorkspaceResponse, error) {
	id := req.GetWorkspaceId()
	if id == "" {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("workspace_id is required"))
	}
	res, err := s.control.Batch(ctx,
		d1.Stmt{SQL: `INSERT INTO shard_map (workspace_id, binding)
SELECT id, ? FROM workspaces WHERE id = ? ON CONFLICT (workspace_id) DO NOTHING`, Args: []any{s.pickShard(id), id}},
		d1.Stmt{SQL: `SELECT binding FROM shard_map WHERE workspace_id = ?`, Args: []any{id}},
	)
	if err != nil {
		return nil, fmt.Errorf("assign shard of workspace %s: %w", id, err)
	}
	if len(res[1].Rows) == 0 {
		return nil, connect.NewError(connect.CodeNotFound, errors.New("workspace not found"))
	}
	shard, _ := res[1].Rows[0][0].(string)
	return &recordsv1.InitWorkspaceResponse{Shard: shard}, nil
}

// pickShard spreads workspaces over the shards by a hash of their id.
func (s *server) pickShard(workspaceID string) string {
	h := fnv.New32a()
	h.Write([]byte(workspaceID))
	return s.shards[h.Sum32()%uint32(len(s.shards))]
}

// newHandler serves the records contract; dev adds the Worker's /__dev/ routes (nil: none).
func newHandler(control *d1.DB, shards []string, probes []health.Probe, dev http.Handler) http.Handler {
	srv := &server{Checker: &health.Checker{Service: "records", Probes: probes}, control: control, shards: shards}
	mux := rpc.ServiceMux(dev)
	mux.Handle(recordsv1connect.NewRecordsServiceHandler(srv, rpc.HandlerOptions()...))
	return rpc.Middleware(mux)
}
