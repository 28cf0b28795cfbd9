package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"connectrpc.com/connect"
	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
	"github.com/twentyworkers/twenty/shared/kv"
)

func (m *memObjects) ListPrefix(_ context.Context, prefix string, limit int) ([]string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var keys []string
	for k := range m.data {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) > limit {
		return keys[:limit], true, nil
	}
	return keys, false, nil
}

func (m *memObjects) DeleteKeys(_ context.Context, keys []string) error {
	if err := checkDeleteKeys(keys); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		if m.failDelete[k] {
			return fmt.Errorf("delete %q: injected failure", k)
		}
	}
	for _, k := range keys {
		delete(m.data, k)
	}
	return nil
}

// prefixed counts the objects under a workspace's prefix.
func (m *memObjects) prefixed(ws string) int {
	keys, _, _ := m.ListPrefix(context.Background(), ws+"/", 1<<30)
	return len(keys)
}

func TestPurgeWorkspace(t *testing.T) {
	ctx := context.Background()
	obj := newMemObjects()
	s := newTestServer(t, obj)
	upload := func(ws, name string) *filesv1.File {
		t.Helper()
		res, err := s.UploadFile(ctx, &filesv1.UploadFileRequest{WorkspaceId: ws, Filename: name, FileFolder: "Attachment", Body: []byte(name), ServerUrl: "https://api.test"})
		if err != nil {
			t.Fatalf("UploadFile(%s): %v", name, err)
		}
		return res.GetFile()
	}
	a := upload(wsA, "a.txt")
	upload(wsA, "b.txt")
	b := upload(wsB, "keep.txt")
	// A pending upload (a row, no object) and an object no row names.
	if _, err := s.CreateFileUpload(ctx, &filesv1.CreateFileUploadRequest{WorkspaceId: wsA, Filename: "c.txt", FileFolder: "Attachment", Size: 3}); err != nil {
		t.Fatal(err)
	}
	obj.putAt(wsA+"/attachment/orphan.bin", []byte("x"), testNow)
	if _, err := s.lookup(ctx, wsA, a.GetId(), false); err != nil { // cached in KV
		t.Fatal(err)
	}

	// A failing R2 delete fails the round; nothing is lost, the next round finishes.
	obj.failDelete[wsA+"/attachment/orphan.bin"] = true
	if _, err := s.PurgeWorkspace(ctx, &filesv1.PurgeWorkspaceRequest{WorkspaceId: wsA}); err == nil {
		t.Fatal("PurgeWorkspace with R2 failing: no error")
	}
	delete(obj.failDelete, wsA+"/attachment/orphan.bin")
	res, err := s.PurgeWorkspace(ctx, &filesv1.PurgeWorkspaceRequest{WorkspaceId: wsA})
	if err != nil {
		t.Fatalf("PurgeWorkspace: %v", err)
	}
	if res.GetObjectsRemoved() != 3 || res.GetRowsRemoved() != 3 || res.GetMore() {
		t.Errorf("PurgeWorkspace = %v, want 3 objects, 3 rows, no more", res)
	}
	if n := obj.prefixed(wsA); n != 0 {
		t.Errorf("%d objects of A left", n)
	}
	var rows int
	if err := s.store.db.QueryRowContext(ctx, `SELECT count(*) FROM files WHERE workspace_id = ?`, wsA).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("rows of A left: %d, %v", rows, err)
	}
	if _, err := s.cache.Get(ctx, idKey(wsA, a.GetId())); !errors.Is(err, kv.ErrNotFound) {
		t.Errorf("A's cached file metadata: %v, want gone", err)
	}
	// The other workspace keeps its file.
	if !obj.has(wsB + "/" + b.GetPath()) {
		t.Error("B's object is gone")
	}
	if _, err := s.store.get(ctx, wsB, b.GetId()); err != nil {
		t.Errorf("B's row: %v", err)
	}
	// Again: nothing to do.
	if res, err := s.PurgeWorkspace(ctx, &filesv1.PurgeWorkspaceRequest{WorkspaceId: wsA}); err != nil || res.GetObjectsRemoved()+res.GetRowsRemoved() != 0 || res.GetMore() {
		t.Errorf("PurgeWorkspace again = %v, %v", res, err)
	}
	if _, err := s.PurgeWorkspace(ctx, &filesv1.PurgeWorkspaceRequest{WorkspaceId: "nope"}); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("PurgeWorkspace of no workspace: %v, want InvalidArgument", err)
	}
	// A live workspace's files are not purged; once its deletion is asked, they are.
	if _, err := s.store.db.ExecContext(ctx, `INSERT INTO workspaces (id) VALUES (?)`, wsB); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PurgeWorkspace(ctx, &filesv1.PurgeWorkspaceRequest{WorkspaceId: wsB}); connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Errorf("PurgeWorkspace of a live workspace: %v, want FailedPrecondition", err)
	}
	if !obj.has(wsB + "/" + b.GetPath()) {
		t.Error("a live workspace's object was purged")
	}
	if _, err := s.store.db.ExecContext(ctx, `UPDATE workspaces SET deleted_at = 'x', purge_requested_at = 'x' WHERE id = ?`, wsB); err != nil {
		t.Fatal(err)
	}
	if res, err := s.PurgeWorkspace(ctx, &filesv1.PurgeWorkspaceRequest{WorkspaceId: wsB}); err != nil || res.GetObjectsRemoved() != 1 || obj.has(wsB+"/"+b.GetPath()) {
		t.Errorf("PurgeWorkspace of B once deleted = %v, %v", res, err)
	}
}

// A big workspace takes rounds: each deletes at most 1000 objects (R2's limit per call) and a
// page of rows, and says more until the last.
func TestPurgeWorkspaceRounds(t *testing.T) {
	ctx := context.Background()
	obj := newMemObjects()
	s := newTestServer(t, obj)
	const objects, rows = 2*maxDeleteKeys + 5, purgeRowsPerRound + 1
	for i := range objects {
		obj.putAt(fmt.Sprintf("%s/attachment/%05d.bin", wsA, i), []byte("x"), testNow)
	}
	for range rows {
		f, err := s.newFileRow(wsA, "a.txt", "Attachment", 1, statusUploaded, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.store.insert(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	obj.putAt(wsB+"/attachment/b.bin", []byte("x"), testNow)
	var got []string
	for round := 1; ; round++ {
		res, err := s.PurgeWorkspace(ctx, &filesv1.PurgeWorkspaceRequest{WorkspaceId: wsA})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		got = append(got, fmt.Sprintf("%d/%d/%v", res.GetObjectsRemoved(), res.GetRowsRemoved(), res.GetMore()))
		if !res.GetMore() || round > 10 {
			break
		}
	}
	want := fmt.Sprintf("[1000/%d/true 1000/1/true 5/0/false]", purgeRowsPerRound)
	if fmt.Sprint(got) != want {
		t.Errorf("rounds = %v, want %s", got, want)
	}
	if obj.prefixed(wsA) != 0 || !obj.has(wsB+"/attachment/b.bin") {
		t.Errorf("after the rounds: %d objects of A, B's object there: %v", obj.prefixed(wsA), obj.has(wsB+"/attachment/b.bin"))
	}
}
