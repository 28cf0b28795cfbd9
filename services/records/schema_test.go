package main

import (
	"context"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/shared/d1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// otherIsolate is a second records server on the harness's databases and KV, with its own
// isolate cache.
func (h *harness) otherIsolate(t *testing.T) recordsv1connect.RecordsServiceClient {
	srv := httptest.NewServer(newHandler(h.control, h.shards, h.cache, h.jobs, nil, nil))
	t.Cleanup(srv.Close)
	return recordsv1connect.NewRecordsServiceClient(srv.Client(), srv.URL)
}

// initialised is a new workspace, initialised, and its shard.
func (h *harness) initialised(t *testing.T) (string, *d1.DB) {
	t.Helper()
	ws := h.workspace(t)
	res, err := h.client.InitWorkspace(context.Background(), &recordsv1.InitWorkspaceRequest{WorkspaceId: ws})
	if err != nil {
		t.Fatal(err)
	}
	return ws, h.shards[res.GetShard()]
}

func TestSchemaCachesAreCheckedByTheShardStamp(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ws, shard := h.initialised(t)
	list := func(c recordsv1connect.RecordsServiceClient) error {
		_, err := c.FindMany(ctx, &recordsv1.FindManyRequest{WorkspaceId: ws, ObjectNamePlural: "people",
			Query: recordquery.ToProto(&recordquery.Query{Limit: 1})})
		return err
	}
	if err := list(h.client); err != nil {
		t.Fatalf("first list: %v", err)
	}
	if _, err := h.cache.Get(ctx, schemaKey(ws)); err != nil {
		t.Errorf("schema not in KV after the first read: %v", err)
	}
	// Warm requests read no metadata from the control database: not this isolate's, nor another
	// isolate's, which finds the schema in KV.
	if _, err := h.control.Exec(`UPDATE object_metadata SET definition = '{}' WHERE workspace_id = ?`, ws); err != nil {
		t.Fatal(err)
	}
	if err := list(h.client); err != nil {
		t.Errorf("list on the isolate's cached schema: %v", err)
	}
	if err := list(h.otherIsolate(t)); err != nil {
		t.Errorf("list on the schema cached in KV: %v", err)
	}
	// A metadata change elsewhere (a new version, stamped on the shard) is seen at once: here the
	// new schema has no objects, so people is unknown.
	stamp, _ := ddl.SetStamp(ws, 2)
	if _, err := shard.Batch(ctx, stamp); err != nil {
		t.Fatal(err)
	}
	if _, err := h.control.Exec(`UPDATE workspace_metadata SET version = 2 WHERE workspace_id = ?`, ws); err != nil {
		t.Fatal(err)
	}
	if _, err := h.control.Exec(`DELETE FROM object_metadata WHERE workspace_id = ?`, ws); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]recordsv1connect.RecordsServiceClient{"this isolate": h.client, "a new isolate": h.otherIsolate(t)} {
		if err := list(c); connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("%s: list after a metadata change = %v, want the new (empty) schema's 400", name, err)
		}
	}
}

func TestAnObjectMissingFromACachedSchemaIsLookedUpAgain(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ws := h.workspace(t)
	if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	list := func(plural string) error {
		_, err := h.client.FindMany(ctx, &recordsv1.FindManyRequest{WorkspaceId: ws, ObjectNamePlural: plural,
			Query: recordquery.ToProto(&recordquery.Query{Limit: 1})})
		return err
	}
	if err := list("people"); err != nil {
		t.Fatal(err)
	}
	// Rename people to humans in the control database only: the cached schema does not know
	// "humans", so the call is retried on the control database's schema and finds it.
	if _, err := h.control.Exec(`UPDATE object_metadata SET name_plural = 'humans', definition = json_set(definition, '$.NamePlural', 'humans') WHERE workspace_id = ? AND name_singular = 'person'`, ws); err != nil {
		t.Fatal(err)
	}
	if err := list("humans"); err != nil {
		t.Errorf("list of an object the cache does not know yet: %v", err)
	}
	if err := list("nothing"); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("list of an unknown object = %v, want 400", err)
	}
}

// TestACreateOnAStaleSchemaWritesOnce: a record created alone goes in one batch, writes first; on
// a cached schema gone stale, the stamp's guard fails that batch, and the call, run again on the
// fresh schema, creates the record once.
func TestACreateOnAStaleSchemaWritesOnce(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ws, shard := h.initialised(t)
	if _, err := h.client.FindMany(ctx, &recordsv1.FindManyRequest{WorkspaceId: ws, ObjectNamePlural: "people",
		Query: recordquery.ToProto(&recordquery.Query{Limit: 1})}); err != nil {
		t.Fatal(err) // the schema is now cached at version 1
	}
	stamp, _ := ddl.SetStamp(ws, 2)
	if _, err := shard.Batch(ctx, stamp); err != nil {
		t.Fatal(err)
	}
	if _, err := h.control.Exec(`UPDATE workspace_metadata SET version = 2 WHERE workspace_id = ?`, ws); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people",
		RecordsJson: []byte(`[{"city":"Stale"}]`), Actor: &recordsv1.Actor{Source: "API"}}); err != nil {
		t.Fatalf("create on a stale cached schema: %v", err)
	}
	table, _ := ddl.TableName(ws, "person")
	if n := count(t, shard, `SELECT count(*) FROM "`+table+`" WHERE "city" = 'Stale'`); n != 1 {
		t.Errorf("people created = %d, want 1", n)
	}
}
