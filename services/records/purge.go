package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/outbox"
	"github.com/twentyworkers/twenty/shared/d1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/purge"
)

// A deleted workspace's records and metadata go in rounds (PurgeWorkspace, called by the jobs
// Worker's workspace.purge job until it answers no more). Every shard is looked at, not only the
// one shard_map names: the purge must not depend on a row that another step deletes. A round
// drops the workspace's triggers and search indexes and up to purgeTablesPerRound of its tables
// on each shard; the round that finds no table left deletes its outbox rows and its control rows
// (objects, fields, views and their parts, navigation menu items, object, field and settings
// permissions) and its cached schema. Every statement tolerates what an earlier, interrupted
// round already removed.

// purgeTablesPerRound bounds one round's drops: each is an implicit delete of the table's rows.
// A variable so that tests can make rounds small.
var purgeTablesPerRound = 40

// errNotDeleted refuses to purge a workspace that was not deleted.
var errNotDeleted = &refusal{code: connect.CodeFailedPrecondition, msg: "workspace is not being deleted"}

// PurgeWorkspace implements recordsv1connect.RecordsServiceHandler.
func (s *server) PurgeWorkspace(ctx context.Context, req *recordsv1.PurgeWorkspaceRequest) (*recordsv1.PurgeWorkspaceResponse, error) {
	ws := req.GetWorkspaceId()
	prefix, err := ddl.WorkspacePrefix(ws)
	if err != nil {
		return nil, invalidErr(err)
	}
	if err := s.markedForPurge(ctx, ws); err != nil {
		return nil, err
	}
	res := &recordsv1.PurgeWorkspaceResponse{}
	outboxes := []*d1.DB{}
	for _, name := range s.names {
		shard := s.shards[name]
		dropped, more, hasOutbox, err := purgeShard(ctx, shard, prefix)
		if err != nil {
			return nil, fmt.Errorf("purge the tables of %s on %s: %w", ws, name, err)
		}
		res.TablesDropped += int64(dropped)
		res.More = res.More || more
		if hasOutbox {
			outboxes = append(outboxes, shard)
		}
	}
	if !res.GetMore() {
		for _, shard := range outboxes {
			if _, err := shard.Batch(ctx, d1.Stmt{SQL: `DELETE FROM "` + outbox.Table + `" WHERE workspace_id = ?`, Args: []any{ws}}); err != nil {
				return nil, fmt.Errorf("purge the outbox rows of %s: %w", ws, err)
			}
		}
		for _, name := range s.names {
			if _, err := s.shards[name].Batch(ctx, outbox.PurgeListeners(ws)...); err != nil {
				return nil, fmt.Errorf("purge the event listeners of %s: %w", ws, err)
			}
		}
		if err := s.purgeControl(ctx, ws); err != nil {
			return nil, err
		}
		s.forgetSchema(ctx, ws)
	}
	slog.InfoContext(ctx, "workspace records purged", "workspace_id", ws, "tables_dropped", res.GetTablesDropped(), "more", res.GetMore())
	return res, nil
}

// markedForPurge answers errNotDeleted when the workspace exists and its deletion was not asked
// (purge.Requested).
func (s *server) markedForPurge(ctx context.Context, ws string) error {
	err := purge.Requested(ctx, s.control, ws)
	if errors.Is(err, purge.ErrNotRequested) {
		return errNotDeleted
	}
	return err
}

// purgeShard drops one round of the workspace's schema on a shard, and tells whether the shard
// has an outbox.
func purgeShard(ctx context.Context, shard *d1.DB, prefix string) (dropped int, more, hasOutbox bool, err error) {
	res, err := shard.Batch(ctx,
		d1.Stmt{SQL: `SELECT type, name, COALESCE(sql, '') FROM sqlite_master WHERE substr(name, 1, ?) = ? ORDER BY rowid`, Args: []any{len(prefix), prefix}},
		d1.Stmt{SQL: `SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`, Args: []any{outbox.Table}},
	)
	if err != nil {
		return 0, false, false, err
	}
	entries := make([]ddl.SchemaEntry, 0, len(res[0].Rows))
	for _, r := range res[0].Rows {
		e := ddl.SchemaEntry{}
		e.Type, _ = r[0].(string)
		e.Name, _ = r[1].(string)
		e.SQL, _ = r[2].(string)
		entries = append(entries, e)
	}
	hasOutbox = len(res[1].Rows) == 1
	stmts, dropped, more := ddl.DropWorkspace(entries, purgeTablesPerRound)
	if len(stmts) > 0 {
		if _, err := shard.Batch(ctx, stmts...); err != nil {
			return 0, false, false, err
		}
	}
	return dropped, more, hasOutbox, nil
}

// purgeControl deletes the records Worker's control rows of the workspace in one batch. The
// roles and the workspace row are auth's (its PurgeWorkspace, last).
func (s *server) purgeControl(ctx context.Context, ws string) error {
	where := []any{ws}
	var stmts []d1.Stmt
	for _, table := range []string{"navigation_menu_item", "view_sort", "view_group", "view_filter", "view_filter_group", "view_field",
		"view_field_group", "view", "field_permissions", "object_permissions", "role_permission_flags", "object_metadata", "workspace_metadata"} {
		stmts = append(stmts, d1.Stmt{SQL: `DELETE FROM ` + table + ` WHERE workspace_id = ?`, Args: where})
	}
	if _, err := s.control.Batch(ctx, stmts...); err != nil {
		return fmt.Errorf("purge the metadata of %s: %w", ws, err)
	}
	return nil
}

// purgeDevRoutes let the end-to-end tests see what a workspace still has, everywhere it can have
// rows, whoever owns them:
//
//	GET /__dev/workspaces/{id}/remains → {"<table>": rows, …, "shard entries": n, "outbox rows": n}
func purgeDevRoutes(dev *http.ServeMux, s *server) {
	dev.HandleFunc("GET /__dev/workspaces/{id}/remains", func(w http.ResponseWriter, r *http.Request) {
		out, err := s.remains(r.Context(), r.PathValue("id"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		writeDevJSON(w, out)
	})
}

// remainsTables are the control tables with a workspace_id column.
var remainsTables = []string{"workspaces", "shard_map", "object_metadata", "workspace_metadata", "view", "view_field", "view_filter", "view_sort",
	"navigation_menu_item", "object_permissions", "field_permissions", "role_permission_flags", "roles", "user_workspaces", "api_keys",
	"workspace_invitations", "refresh_tokens", "files", "webhooks", "webhook_deliveries", "webhook_delivery_attempts", "workflow_cron_triggers"}

func (s *server) remains(ctx context.Context, ws string) (map[string]int64, error) {
	prefix, err := ddl.WorkspacePrefix(ws)
	if err != nil {
		return nil, err
	}
	stmts := make([]d1.Stmt, len(remainsTables))
	for i, table := range remainsTables {
		column := "workspace_id"
		if table == "workspaces" {
			column = "id"
		}
		stmts[i] = d1.Stmt{SQL: `SELECT count(*) FROM ` + table + ` WHERE ` + column + ` = ?`, Args: []any{ws}}
	}
	res, err := s.control.Batch(ctx, stmts...)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for i, table := range remainsTables {
		out[table] = asInt64(res[i].Rows[0][0])
	}
	for _, name := range s.names {
		shard := s.shards[name]
		res, err := shard.Batch(ctx, d1.Stmt{SQL: `SELECT count(*) FROM sqlite_master WHERE substr(name, 1, ?) = ?`, Args: []any{len(prefix), prefix}},
			d1.Stmt{SQL: `SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`, Args: []any{outbox.Table}})
		if err != nil {
			return nil, err
		}
		out["shard entries"] += asInt64(res[0].Rows[0][0])
		if len(res[1].Rows) == 1 {
			rows, err := shard.Batch(ctx, d1.Stmt{SQL: `SELECT count(*) FROM "` + outbox.Table + `" WHERE workspace_id = ?`, Args: []any{ws}})
			if err != nil {
				return nil, err
			}
			out["outbox rows"] += asInt64(rows[0].Rows[0][0])
		}
	}
	return out, nil
}

func asInt64(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case float64:
		return int64(n)
	}
	return 0
}
