package main

import (
	"context"
	"fmt"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/shared/d1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

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
