package main

import (
	"context"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

func TestInitWorkspaceAssignsAShardOnce(t *testing.T) {
	db := sqltest.Open(t)
	if _, err := db.Exec(`INSERT INTO workspaces (id) VALUES ('ws-1')`); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newHandler(db, []string{"DB_0", "DB_1", "DB_2"}, nil, nil))
	defer srv.Close()
	client := recordsv1connect.NewRecordsServiceClient(srv.Client(), srv.URL)
	ctx := context.Background()

	first, err := client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: "ws-1"})
	if err != nil {
		t.Fatalf("InitWorkspace: %v", err)
	}
	// Moving a workspace between shards is a migration, never a side effect of a retried call.
	db.Exec(`UPDATE shard_map SET binding = 'DB_9' WHERE workspace_id = 'ws-1'`)
	again, err := client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: "ws-1"})
	if err != nil {
		t.Fatalf("InitWorkspace again: %v", err)
	}
	if first.GetShard() == "" || again.GetShard() != "DB_9" {
		t.Errorf("shards = %q then %q, want an assignment and then the stored one (DB_9)", first.GetShard(), again.GetShard())
	}
	for _, tt := range []struct {
		id   string
		code connect.Code
	}{{"", connect.CodeInvalidArgument}, {"no-such-workspace", connect.CodeNotFound}} {
		if _, err := client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: tt.id}); connect.CodeOf(err) != tt.code {
			t.Errorf("InitWorkspace(%q) error = %v, want %v", tt.id, err, tt.code)
		}
	}
}
