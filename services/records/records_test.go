package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/shared/d1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/kv/kvmem"
	"github.com/twentyworkers/twenty/shared/queue/queuemem"
	"github.com/twentyworkers/twenty/shared/rpc"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

type harness struct {
	control *d1.DB
	shards  map[string]*d1.DB
	client  recordsv1connect.RecordsServiceClient
	// jobs holds the record events the server sent.
	jobs *queuemem.Memory
	// cache is the KV the server caches schemas in.
	cache *kvmem.Memory
}

func newHarness(t *testing.T) *harness {
	h := &harness{control: sqltest.Open(t), shards: map[string]*d1.DB{"DB_0": sqltest.OpenEmpty(t), "DB_1": sqltest.OpenEmpty(t)}, jobs: queuemem.New(), cache: kvmem.New()}
	srv := httptest.NewServer(newHandler(h.control, h.shards, h.cache, h.jobs, nil, nil))
	t.Cleanup(srv.Close)
	h.client = recordsv1connect.NewRecordsServiceClient(srv.Client(), srv.URL)
	return h
}

// newServerHarness is a harness on one shard with its server at hand, for the tests that reach
// past the contract (the relay, the cron).
func newServerHarness(t *testing.T) (*harness, *server) {
	t.Helper()
	h := &harness{control: sqltest.Open(t), shards: map[string]*d1.DB{"DB_0": sqltest.OpenEmpty(t)}, jobs: queuemem.New(), cache: kvmem.New()}
	s := newServer(h.control, h.shards, h.cache, h.jobs, nil)
	srv := httptest.NewServer(s.handler(nil))
	t.Cleanup(srv.Close)
	h.client = recordsv1connect.NewRecordsServiceClient(srv.Client(), srv.URL)
	return h, s
}

func (h *harness) workspace(t *testing.T) string {
	id := ids.NewUUID()
	if _, err := h.control.Exec(`INSERT INTO workspaces (id) VALUES (?)`, id); err != nil {
		t.Fatal(err)
	}
	return id
}

func count(t *testing.T, db *d1.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestInitWorkspace(t *testing.T) {
	h := newHarness(t)
	ws := h.workspace(t)
	req := &recordsv1.InitWorkspaceRequest{WorkspaceId: ws, WorkspaceMemberId: ids.NewUUID(), MemberFirstName: "Tim", MemberLastName: "Apple", MemberEmail: "tim@apple.dev", UserId: ids.NewUUID()}
	res, err := h.client.InitWorkspace(context.Background(), req)
	if err != nil {
		t.Fatalf("InitWorkspace: %v", err)
	}
	shard := h.shards[res.GetShard()]
	if shard == nil {
		t.Fatalf("assigned to %q, not a shard", res.GetShard())
	}
	member, _ := ddl.TableName(ws, "workspaceMember")
	stamp, _ := ddl.StampTable(ws)
	got := map[string]int{
		"stamp":         count(t, shard, `SELECT version FROM "`+stamp+`"`),
		"objects":       count(t, h.control, `SELECT count(*) FROM object_metadata WHERE workspace_id = ?`, ws),
		"version":       count(t, h.control, `SELECT version FROM workspace_metadata WHERE workspace_id = ?`, ws),
		"tables":        count(t, shard, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'ws_%' AND name NOT LIKE '%\_\_schema' ESCAPE '\'`),
		"member":        count(t, shard, `SELECT count(*) FROM "`+member+`" WHERE id = ? AND "nameFirstName" = 'Tim' AND "userEmail" = 'tim@apple.dev'`, req.GetWorkspaceMemberId()),
		"fields of one": count(t, h.control, `SELECT json_array_length(definition, '$.Fields') FROM object_metadata WHERE workspace_id = ? AND name_singular = 'person'`, ws),
	}
	want := map[string]int{"objects": 15, "version": 1, "stamp": 1, "tables": 15, "member": 1, "fields of one": got["fields of one"]}
	if diff := cmp.Diff(want, got); diff != "" || got["fields of one"] < 10 {
		t.Errorf("after InitWorkspace (-want +got):\n%s", diff)
	}

	// A retried call changes nothing; a call that failed half way is completed.
	if _, err := h.client.InitWorkspace(context.Background(), req); err != nil {
		t.Fatalf("InitWorkspace again: %v", err)
	}
	if n := count(t, h.control, `SELECT count(*) FROM object_metadata WHERE workspace_id = ?`, ws); n != 15 {
		t.Errorf("objects after a retry = %d, want 15", n)
	}
	if _, err := shard.Exec(`DELETE FROM "` + member + `"`); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.InitWorkspace(context.Background(), req); err != nil {
		t.Fatalf("InitWorkspace after a partial failure: %v", err)
	}
	if n := count(t, shard, `SELECT count(*) FROM "`+member+`"`); n != 1 {
		t.Errorf("members after completing = %d, want 1", n)
	}
}

func TestInitWorkspaceKeepsItsShardAndRejectsUnknown(t *testing.T) {
	h := newHarness(t)
	ws := h.workspace(t)
	first, err := h.client.InitWorkspace(context.Background(), &recordsv1.InitWorkspaceRequest{WorkspaceId: ws})
	if err != nil {
		t.Fatalf("InitWorkspace: %v", err)
	}
	again, err := h.client.InitWorkspace(context.Background(), &recordsv1.InitWorkspaceRequest{WorkspaceId: ws})
	if err != nil || again.GetShard() != first.GetShard() {
		t.Errorf("second call = %v, %v; want shard %s", again, err, first.GetShard())
	}
	for _, tt := range []struct {
		id   string
		code connect.Code
	}{{"", connect.CodeInvalidArgument}, {ids.NewUUID(), connect.CodeNotFound}} {
		if _, err := h.client.InitWorkspace(context.Background(), &recordsv1.InitWorkspaceRequest{WorkspaceId: tt.id}); connect.CodeOf(err) != tt.code {
			t.Errorf("InitWorkspace(%q) error = %v, want %v", tt.id, err, tt.code)
		}
	}
	// Workspaces are spread over the shards.
	seen := map[string]bool{}
	for range 20 {
		res, err := h.client.InitWorkspace(context.Background(), &recordsv1.InitWorkspaceRequest{WorkspaceId: h.workspace(t)})
		if err != nil {
			t.Fatal(err)
		}
		seen[res.GetShard()] = true
	}
	if len(seen) != 2 {
		t.Errorf("20 workspaces landed on %v, want both shards", seen)
	}
}

func TestObjectCountsDevRoute(t *testing.T) {
	h := &harness{control: sqltest.Open(t), shards: map[string]*d1.DB{"DB_0": sqltest.OpenEmpty(t)}, cache: kvmem.New(), jobs: queuemem.New()}
	dev := http.NewServeMux()
	srv := httptest.NewServer(newHandler(h.control, h.shards, h.cache, h.jobs, nil, dev))
	defer srv.Close()
	client := recordsv1connect.NewRecordsServiceClient(srv.Client(), srv.URL)
	ws := h.workspace(t)
	if _, err := client.InitWorkspace(context.Background(), &recordsv1.InitWorkspaceRequest{WorkspaceId: ws, WorkspaceMemberId: ids.NewUUID(), UserId: ids.NewUUID()}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/__dev/workspaces/"+ws+"/objects", nil)
	req.Header.Set(rpc.DevHeader, "1")
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var objects []struct {
		NameSingular string
		Records      int
	}
	if err := json.NewDecoder(res.Body).Decode(&objects); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, o := range objects {
		counts[o.NameSingular] = o.Records
	}
	if len(counts) != 15 || counts["workspaceMember"] != 1 || counts["person"] != 0 {
		t.Errorf("objects = %v, want 15 with one workspaceMember", counts)
	}
}
