package metastore

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

// fixture is a store over a control database and one shard holding one initialised workspace.
type fixture struct {
	t     *testing.T
	store *Store
	ws    string
	shard *d1.DB
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	control, shard := sqltest.Open(t), sqltest.OpenEmpty(t)
	ws := ids.NewUUID()
	for _, q := range []string{`INSERT INTO workspaces (id) VALUES (?)`, `INSERT INTO shard_map (workspace_id, binding) VALUES (?, 'DB_0')`} {
		if _, err := control.Exec(q, ws); err != nil {
			t.Fatal(err)
		}
	}
	store := &Store{Control: control, Shards: map[string]*d1.DB{"DB_0": shard}}
	version, err := store.Init(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	stmts, err := ddl.InitWorkspace(ws, version)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := shard.Batch(ctx, stmts...); err != nil {
		t.Fatal(err)
	}
	return fixture{t: t, store: store, ws: ws, shard: shard}
}

// createObject creates an object of the fixture's workspace, failing the test on an error.
func (f fixture) createObject(input string) metadata.ObjectDTO {
	f.t.Helper()
	o, err := f.store.CreateObject(context.Background(), f.ws, []byte(input))
	if err != nil {
		f.t.Fatalf("create object %s: %v", input, err)
	}
	return o
}

// stale returns the workspace's metadata as it reads it, then moves the metadata version on: a
// change made with it fails its commit (Stale) and must undo its DDL.
func (f fixture) stale() *metaState {
	f.t.Helper()
	st, err := f.store.load(context.Background(), f.ws)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.store.Control.Exec(`UPDATE workspace_metadata SET version = version + 1 WHERE workspace_id = ?`, f.ws); err != nil {
		f.t.Fatal(err)
	}
	return st
}

// shardSchema is the shard's whole schema, for comparing it before and after an undone change.
func (f fixture) shardSchema() []string {
	f.t.Helper()
	var out []string
	rows, err := f.shard.Query(`SELECT type || ' ' || name || ': ' || sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY 1`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func (f fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.shard.QueryRow(query, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func wantStale(t *testing.T, what string, err error) {
	t.Helper()
	if e, ok := errors.AsType[*Error](err); !ok || e.Kind != Stale || e.Message != errStale.Message {
		t.Errorf("%s: error %v, want Stale %q", what, err, errStale.Message)
	}
}

const petInput = `{"nameSingular":"pet","namePlural":"pets","labelSingular":"Pet","labelPlural":"Pets"}`

// TestFailedCommitIsUndoneOrRepaired checks the ordering of the two databases' writes: a control
// batch that fails (here: another change came first) undoes the DDL, and a table left by an undo
// that failed too is dropped by the next create.
func TestFailedCommitIsUndoneOrRepaired(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st := f.stale()
	_, err := f.store.createObject(ctx, st, []byte(petInput))
	wantStale(t, "a stale change", err)
	table, _ := ddl.TableName(f.ws, "pet")
	noteTargets, _ := ddl.TableName(f.ws, "noteTarget")
	if n := f.count(`SELECT count(*) FROM sqlite_master WHERE name = ?`, table); n != 0 {
		t.Error("the DDL of a change whose metadata failed was not undone")
	}

	// An undo that failed leaves the table and the link columns: the next create drops them first.
	o := metadata.CustomObject("pet", "pets", "Pet", "Pets")
	stmts, err := ddl.CreateObject(f.ws, o, st.schema())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range metadata.CustomObjectLinks(o) {
		target := st.objects[st.objectNamed(l.Object)].Object
		add, err := ddl.AddField(f.ws, target, l.Field)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, add...)
	}
	if _, err := f.shard.Batch(ctx, stmts...); err != nil {
		t.Fatal(err)
	}
	f.createObject(petInput)
	if n := f.count(`SELECT count(*) FROM pragma_table_info(?) WHERE name = 'petId'`, noteTargets); n != 1 {
		t.Errorf("noteTarget has %d petId columns, want 1", n)
	}
}

// TestFailedRenameIsUndone checks that a rename whose metadata cannot be written is undone: the
// table, its indexes and the link columns are back under the old names, byte for byte.
func TestFailedRenameIsUndone(t *testing.T) {
	f := newFixture(t)
	o := f.createObject(`{"nameSingular":"rocket","namePlural":"rockets","labelSingular":"Rocket","labelPlural":"Rockets","isLabelSyncedWithName":false}`)
	before := f.shardSchema()
	st := f.stale()
	_, err := f.store.updateObject(context.Background(), st, o.ID, []byte(`{"nameSingular":"spaceship","namePlural":"spaceships"}`))
	wantStale(t, "a stale rename", err)
	if diff := cmp.Diff(before, f.shardSchema()); diff != "" {
		t.Errorf("shard schema after an undone rename (-want +got):\n%s", diff)
	}
	table, _ := ddl.TableName(f.ws, "rocket")
	if _, err := f.shard.Exec(fmt.Sprintf(`INSERT INTO "%s" (id, name) VALUES (?, 'Apollo')`, table), ids.NewUUID()); err != nil {
		t.Errorf("a record in the table after an undone rename: %v", err)
	}
}
