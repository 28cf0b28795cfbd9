package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/outbox"
	"github.com/twentyworkers/twenty/shared/d1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// purgeState counts what a workspace has on the shard and in the control database.
func purgeState(t *testing.T, h *harness, shard *d1.DB, ws string) map[string]int {
	t.Helper()
	prefix, err := ddl.WorkspacePrefix(ws)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{
		"schema entries": count(t, shard, `SELECT count(*) FROM sqlite_master WHERE substr(name, 1, ?) = ?`, len(prefix), prefix),
		"outbox rows":    count(t, shard, `SELECT count(*) FROM "`+outbox.Table+`" WHERE workspace_id = ?`, ws),
	}
	for _, table := range []string{"object_metadata", "workspace_metadata", "view", "view_field", "navigation_menu_item", "object_permissions", "role_permission_flags"} {
		got[table] = count(t, h.control, `SELECT count(*) FROM `+table+` WHERE workspace_id = ?`, ws)
	}
	return got
}

func TestPurgeWorkspace(t *testing.T) {
	h, s := newServerHarness(t)
	ctx := context.Background()
	shard := h.shards["DB_0"]
	s.relayPaused.Store(true) // the events stay in the outbox, as a relay that died leaves them
	fill := func(ws string) {
		t.Helper()
		if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws, WorkspaceMemberId: ids.NewUUID(), UserId: ids.NewUUID()}); err != nil {
			t.Fatal(err)
		}
		company := ids.NewUUID()
		if _, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "companies",
			RecordsJson: []byte(`[{"id":"` + company + `","name":"Apple"}]`), Actor: &recordsv1.Actor{Source: "API"}}); err != nil {
			t.Fatal(err)
		}
		var people []string
		for i := range 30 {
			people = append(people, fmt.Sprintf(`{"name":{"firstName":"Tim%d"},"companyId":%q}`, i, company))
		}
		if _, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people",
			RecordsJson: []byte("[" + strings.Join(people, ",") + "]"), Actor: &recordsv1.Actor{Source: "API"}}); err != nil {
			t.Fatal(err)
		}
		// A search builds the search indexes (FTS tables and their triggers).
		res, err := h.client.GraphQL(ctx, &recordsv1.GraphQLRequest{WorkspaceId: ws, Actor: &recordsv1.Actor{Source: "API"},
			BodyJson: []byte(`{"query":"{ search(searchInput: \"Tim\", limit: 5) { edges { node { recordId } } } }"}`)})
		if err != nil || strings.Contains(string(res.GetBodyJson()), `"errors"`) {
			t.Fatalf("search: %s, %v", res.GetBodyJson(), err)
		}
	}
	a, b := h.workspace(t), h.workspace(t)
	fill(a)
	fill(b)
	before := purgeState(t, h, shard, b)
	if got := purgeState(t, h, shard, a); got["schema entries"] < 40 || got["outbox rows"] == 0 || got["object_metadata"] == 0 || got["view"] == 0 {
		t.Fatalf("workspace A before the purge: %v", got)
	}
	if count(t, shard, `SELECT count(*) FROM sqlite_master WHERE type = 'trigger'`) == 0 {
		t.Fatal("no search triggers were made")
	}

	// A live workspace is not purged.
	if _, err := h.client.PurgeWorkspace(ctx, &recordsv1.PurgeWorkspaceRequest{WorkspaceId: a}); connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Fatalf("PurgeWorkspace of a live workspace: %v, want FailedPrecondition", err)
	}
	if _, err := h.control.Exec(`UPDATE workspaces SET deleted_at = 'x', purge_requested_at = 'x' WHERE id = ?`, a); err != nil {
		t.Fatal(err)
	}
	defer func(n int) { purgeTablesPerRound = n }(purgeTablesPerRound)
	purgeTablesPerRound = 6 // 15 object tables and the stamp: three rounds
	var rounds []bool
	for len(rounds) < 10 {
		res, err := h.client.PurgeWorkspace(ctx, &recordsv1.PurgeWorkspaceRequest{WorkspaceId: a})
		if err != nil {
			t.Fatalf("PurgeWorkspace round %d: %v", len(rounds)+1, err)
		}
		rounds = append(rounds, res.GetMore())
		if !res.GetMore() {
			break
		}
	}
	if diff := cmp.Diff([]bool{true, true, false}, rounds); diff != "" {
		t.Errorf("rounds' more (-want +got):\n%s", diff)
	}
	want := map[string]int{"schema entries": 0, "outbox rows": 0, "object_metadata": 0, "workspace_metadata": 0, "view": 0, "view_field": 0,
		"navigation_menu_item": 0, "object_permissions": 0, "role_permission_flags": 0}
	if diff := cmp.Diff(want, purgeState(t, h, shard, a)); diff != "" {
		t.Errorf("workspace A after the purge (-want +got):\n%s", diff)
	}
	// The dev route's view agrees: only auth's rows (the workspace, its shard, its roles) are left.
	rem, err := s.remains(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range rem {
		if n != 0 && k != "workspaces" && k != "shard_map" {
			t.Errorf("remains %s = %d", k, n)
		}
	}
	if _, err := h.cache.Get(ctx, schemaKey(a)); err == nil {
		t.Error("A's schema is still cached in KV")
	}
	// Again (a redelivered job): nothing left, no error.
	if res, err := h.client.PurgeWorkspace(ctx, &recordsv1.PurgeWorkspaceRequest{WorkspaceId: a}); err != nil || res.GetMore() || res.GetTablesDropped() != 0 {
		t.Errorf("PurgeWorkspace again = %v, %v", res, err)
	}
	// B is untouched and still answers.
	if diff := cmp.Diff(before, purgeState(t, h, shard, b)); diff != "" {
		t.Errorf("workspace B changed (-before +after):\n%s", diff)
	}
	res, err := h.client.FindMany(ctx, &recordsv1.FindManyRequest{WorkspaceId: b, ObjectNamePlural: "people"})
	if err != nil || strings.Count(string(res.GetRecordsJson()), `"firstName"`) != 30 {
		t.Errorf("B's people after A's purge: %v", err)
	}
}

// TestDropWorkspaceRounds: a workspace with more tables than a round drops takes several rounds,
// each dropping tables before those they reference, the triggers and indexes in the first.
func TestDropWorkspaceRounds(t *testing.T) {
	entries := []ddl.SchemaEntry{
		{Type: "table", Name: "ws_k_company", SQL: "CREATE TABLE ..."},
		{Type: "table", Name: "ws_k_person", SQL: "CREATE TABLE ... REFERENCES ws_k_company"},
		{Type: "index", Name: "ws_k_person_idx", SQL: "CREATE INDEX ..."},
		{Type: "table", Name: "ws_k_person__search", SQL: "CREATE VIRTUAL TABLE ... USING fts5"},
		{Type: "table", Name: "ws_k_person__search_data", SQL: "CREATE TABLE 'ws_k_person__search_data'(id INTEGER PRIMARY KEY, block BLOB)"},
		{Type: "trigger", Name: "ws_k_person__search_ai", SQL: "CREATE TRIGGER ..."},
	}
	stmts, dropped, more := ddl.DropWorkspace(entries, 1)
	var got []string
	for _, s := range stmts {
		got = append(got, s.SQL)
	}
	wantSQL := []string{`PRAGMA defer_foreign_keys = true`, `DROP TRIGGER IF EXISTS "ws_k_person__search_ai"`,
		`DROP TABLE IF EXISTS "ws_k_person__search"`, `DROP TABLE IF EXISTS "ws_k_person"`}
	if diff := cmp.Diff(wantSQL, got); diff != "" || dropped != 2 || !more {
		t.Errorf("first round (-want +got):\n%s\ndropped %d, more %v", diff, dropped, more)
	}
	if stmts, dropped, more := ddl.DropWorkspace(nil, 1); stmts != nil || dropped != 0 || more {
		t.Errorf("nothing to drop: %v, %d, %v", stmts, dropped, more)
	}
}
