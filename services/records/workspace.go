package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// withIDs gives every object and field of a new workspace's schema a fresh id, and ties each field
// to its object.
func withIDs(objects []metadata.Object) []metadata.Object {
	out := make([]metadata.Object, len(objects))
	for i, o := range objects {
		o.ID = ids.NewUUID()
		fields := make([]metadata.Field, len(o.Fields))
		for j, f := range o.Fields {
			f.ID, f.ObjectMetadataID = ids.NewUUID(), o.ID
			fields[j] = f
		}
		o.Fields = fields
		out[i] = o
	}
	return out
}

// initMetadata stores the standard objects' metadata of a workspace that has none, with version 1,
// in one batch, and answers the workspace's metadata version.
func (s *server) initMetadata(ctx context.Context, workspaceID string) (int64, error) {
	var n int
	var version sql.NullInt64
	if err := s.control.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM object_metadata WHERE workspace_id = ?),
(SELECT version FROM workspace_metadata WHERE workspace_id = ?)`, workspaceID, workspaceID).Scan(&n, &version); err != nil {
		return 0, fmt.Errorf("read metadata of %s: %w", workspaceID, err)
	}
	if n > 0 && version.Valid {
		return version.Int64, nil
	}
	objects := withIDs(metadata.StandardObjects())
	stmts := make([]d1.Stmt, 0, len(objects)+1)
	for _, o := range objects {
		def, err := json.Marshal(o)
		if err != nil {
			return 0, fmt.Errorf("encode object %s: %w", o.NameSingular, err)
		}
		stmts = append(stmts, d1.Stmt{
			SQL:  `INSERT INTO object_metadata (id, workspace_id, name_singular, name_plural, definition) VALUES (?, ?, ?, ?, ?)`,
			Args: []any{o.ID, workspaceID, o.NameSingular, o.NamePlural, string(def)},
		})
	}
	stmts = append(stmts, d1.Stmt{
		SQL:  `INSERT INTO workspace_metadata (workspace_id, version) VALUES (?, 1) ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1`,
		Args: []any{workspaceID},
	})
	res, err := s.control.Batch(ctx, append(stmts, d1.Stmt{SQL: `SELECT version FROM workspace_metadata WHERE workspace_id = ?`, Args: []any{workspaceID}})...)
	if err != nil {
		return 0, fmt.Errorf("store metadata of %s: %w", workspaceID, err)
	}
	v, ok := res[len(res)-1].Rows[0][0].(int64)
	if !ok {
		return 0, fmt.Errorf("store metadata of %s: version is %T", workspaceID, res[len(res)-1].Rows[0][0])
	}
	return v, nil
}

// initTables creates the workspace's record tables on its shard unless they exist, in one batch,
// with its schema stamp at the workspace's metadata version.
func initTables(ctx context.Context, shard *d1.DB, workspaceID string, version int64) error {
	member, err := ddl.TableName(workspaceID, "workspaceMember")
	if err != nil {
		return err
	}
	var n int
	if err := shard.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, member).Scan(&n); err != nil {
		return fmt.Errorf("look for the tables of %s: %w", workspaceID, err)
	}
	if n > 0 {
		return nil
	}
	stmts, err := ddl.InitWorkspace(workspaceID, version)
	if err != nil {
		return err
	}
	if _, err := shard.Batch(ctx, stmts...); err != nil {
		return fmt.Errorf("create the tables of %s: %w", workspaceID, err)
	}
	return nil
}

// initMember creates the creator's workspaceMember record with the id auth gave it.
func initMember(ctx context.Context, shard *d1.DB, req *recordsv1.InitWorkspaceRequest) error {
	if req.GetWorkspaceMemberId() == "" {
		return nil
	}
	table, err := ddl.TableName(req.GetWorkspaceId(), "workspaceMember")
	if err != nil {
		return err
	}
	var email any // unique text columns hold NULL, never '', for "no value"
	if req.GetMemberEmail() != "" {
		email = req.GetMemberEmail()
	}
	_, err = shard.Batch(ctx, d1.Stmt{
		SQL: `INSERT INTO "` + table + `" (id, "nameFirstName", "nameLastName", "userEmail", "userId") VALUES (?, ?, ?, ?, ?)
ON CONFLICT (id) DO NOTHING`,
		Args: []any{req.GetWorkspaceMemberId(), req.GetMemberFirstName(), req.GetMemberLastName(), email, req.GetUserId()},
	})
	if err != nil {
		return fmt.Errorf("create workspace member of %s: %w", req.GetWorkspaceId(), err)
	}
	return nil
}

// objectCounts answers the workspace's objects with the number of records of each, for the dev
// route GET /__dev/workspaces/{id}/objects.
func (s *server) objectCounts(ctx context.Context, workspaceID string) ([]map[string]any, error) {
	objects, shardName, err := s.workspaceState(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	shard, ok := s.shards[shardName]
	if !ok {
		return nil, fmt.Errorf("workspace %s has no records", workspaceID)
	}
	stmts := make([]d1.Stmt, len(objects))
	for i, o := range objects {
		table, err := ddl.TableName(workspaceID, o.NameSingular)
		if err != nil {
			return nil, err
		}
		stmts[i] = d1.Stmt{SQL: `SELECT count(*) AS n FROM "` + table + `"`}
	}
	res, err := shard.Batch(ctx, stmts...)
	if err != nil {
		return nil, fmt.Errorf("count records: %w", err)
	}
	out := make([]map[string]any, len(objects))
	for i, o := range objects {
		out[i] = map[string]any{"nameSingular": o.NameSingular, "namePlural": o.NamePlural, "records": res[i].Rows[0][0]}
	}
	return out, nil
}
