package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"connectrpc.com/connect"

	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/purge"
)

// A deleted workspace's files go in rounds (PurgeWorkspace, called by the jobs Worker's
// workspace.purge job until it answers no more): each round lists up to maxDeleteKeys objects
// under "<workspace id>/" and deletes them in one R2 call, which takes every object of the
// workspace, those a row names and those none does (an upload whose row was never written); then
// it deletes up to purgeRowsPerRound of the workspace's file rows with their cached metadata.
// Objects go before rows, so a round cut short leaves rows naming nothing (a download answers
// 404), never an object no round would find: the next round lists the prefix afresh.

const (
	// maxDeleteKeys is what R2's delete takes in one call.
	maxDeleteKeys = 1000
	// purgeRowsPerRound bounds a round's rows: each costs two KV deletes (its cached metadata).
	purgeRowsPerRound = 200
)

// PurgeWorkspace implements filesv1connect.FilesServiceHandler.
func (s *server) PurgeWorkspace(ctx context.Context, req *filesv1.PurgeWorkspaceRequest) (*filesv1.PurgeWorkspaceResponse, error) {
	ws := req.GetWorkspaceId()
	if !ids.IsUUID(ws) {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("workspace_id must be a UUID"))
	}
	if err := s.store.markedForPurge(ctx, ws); err != nil {
		return nil, rpcError(err)
	}
	keys, moreObjects, err := s.objects.ListPrefix(ctx, ws+"/", maxDeleteKeys)
	if err != nil {
		return nil, fmt.Errorf("list the objects of %s: %w", ws, err)
	}
	if len(keys) > 0 {
		if err := s.objects.DeleteKeys(ctx, keys); err != nil {
			return nil, fmt.Errorf("delete %d objects of %s: %w", len(keys), ws, err)
		}
	}
	rows, err := s.store.workspaceFiles(ctx, ws, purgeRowsPerRound)
	if err != nil {
		return nil, err
	}
	s.forgetCached(ctx, rows)
	gone := make([]string, len(rows))
	for i, f := range rows {
		gone[i] = f.ID
	}
	if err := s.store.forget(ctx, gone); err != nil {
		return nil, err
	}
	more := moreObjects || len(rows) == purgeRowsPerRound
	slog.InfoContext(ctx, "workspace files purged", "workspace_id", ws, "objects", len(keys), "rows", len(rows), "more", more)
	return &filesv1.PurgeWorkspaceResponse{ObjectsRemoved: int64(len(keys)), RowsRemoved: int64(len(rows)), More: more}, nil
}

// errNotDeleted refuses to purge the files of a workspace that was not deleted.
var errNotDeleted = errors.New("the workspace is not being deleted")

// markedForPurge answers errNotDeleted when the workspace exists and its deletion was not asked
// (purge.Requested).
func (s *store) markedForPurge(ctx context.Context, workspaceID string) error {
	err := purge.Requested(ctx, s.db, workspaceID)
	if errors.Is(err, purge.ErrNotRequested) {
		return errNotDeleted
	}
	return err
}

// workspaceFiles answers up to limit of the workspace's file rows, whatever their state.
func (s *store) workspaceFiles(ctx context.Context, workspaceID string, limit int) ([]deletedFile, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, object_key, workspace_id FROM files WHERE workspace_id = ? LIMIT ?`, workspaceID, limit)
	if err != nil {
		return nil, fmt.Errorf("list the files of %s: %w", workspaceID, err)
	}
	return scanDeleted(rows)
}

// checkDeleteKeys is what an objects implementation checks before a DeleteKeys call.
func checkDeleteKeys(keys []string) error {
	if len(keys) > maxDeleteKeys {
		return fmt.Errorf("delete %d keys, over %d in one call", len(keys), maxDeleteKeys)
	}
	for _, k := range keys {
		if k == "" || strings.HasPrefix(k, "/") {
			return fmt.Errorf("delete: invalid key %q", k)
		}
	}
	return nil
}
