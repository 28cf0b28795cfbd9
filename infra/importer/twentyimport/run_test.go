package twentyimport

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/twentyworkers/twenty/infra/importer/pgfixture"
	"github.com/twentyworkers/twenty/migrations"
)

// pgURL is the PostgreSQL server the tests build their Twenty database on (TWENTY_IMPORT_PG,
// else the local server with trust authentication); tests skip when it is unreachable.
func pgURL(t *testing.T) string {
	url := os.Getenv("TWENTY_IMPORT_PG")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Skipf("no PostgreSQL at %s: %v", url, err)
	}
	conn.Close(t.Context())
	return url
}

// migratedState makes a state folder whose local control database has the migrations applied,
// as make migrate leaves it.
func migratedState(t *testing.T) string {
	dir := t.TempDir()
	db, err := openSQLite(LocalD1File(dir, ControlDatabaseID))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	names, _ := fs.Glob(migrations.FS, "*.sql")
	slices.Sort(names)
	for _, n := range names {
		b, _ := fs.ReadFile(migrations.FS, n)
		if _, err := db.Exec(string(b)); err != nil {
			t.Fatalf("migration %s: %v", n, err)
		}
	}
	return dir
}

func TestImportSmallWorkspaceResumesAndVerifies(t *testing.T) {
	admin := pgURL(t)
	storage := t.TempDir()
	url, f, err := pgfixture.Build(t.Context(), admin, "twenty_import_unit", pgfixture.Sizes{People: 4500, Companies: 300, Opportunities: 100, Notes: 80, Rockets: 20,
		Storage: storage, Files: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pgfixture.Drop(context.Background(), admin, "twenty_import_unit") })
	state := migratedState(t)

	var dry bytes.Buffer
	objects := &fakeObjects{puts: map[string]string{}}
	if _, err := Run(t.Context(), Options{PG: url, State: state, Storage: storage, DryRun: true, Out: &dry, objects: objects}); err != nil {
		t.Fatalf("dry run: %v\n%s", err, dry.String())
	}
	for _, want := range []string{"person", "4500 rows", "rocket", "no table", "3 files", "not imported: file attachment/",
		"3 roles, 2 API keys", "2 object permissions, 1 field permissions, 1 settings flags"} {
		if !strings.Contains(dry.String(), want) {
			t.Errorf("dry run report lacks %q:\n%s", want, dry.String())
		}
	}
	if _, err := os.Stat(LocalD1File(state, ShardDatabaseID)); err == nil {
		t.Error("the dry run wrote the shard")
	}

	// Interrupted in the middle of person (4,500 rows, three batches).
	var out bytes.Buffer
	_, err = Run(t.Context(), Options{PG: url, State: state, Storage: storage, objects: objects, Out: &out, stop: func(object string, done int64) bool { return object == "person" && done >= 4000 }})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted run: %v, want ErrInterrupted\n%s", err, out.String())
	}
	out.Reset()
	res, err := Run(t.Context(), Options{PG: url, State: state, Storage: storage, objects: objects, Out: &out})
	if err != nil {
		t.Fatalf("resumed run: %v\n%s", err, out.String())
	}
	t.Log(out.String())
	got := map[string]int64{}
	for _, r := range res {
		got[r.Table] = r.TargetRows
	}
	if got["person"] != 4500 || got["company"] != 300 || got["rocket"] != 20 || got["core.user"] != 2 || got["core.apiKey"] != 2 || got["core.file"] != 3 ||
		got["core.role"] != 3 || got["core.objectPermission"] != 2 || got["core.fieldPermission"] != 1 || got["core.permissionFlag"] != 1 || got["core.roleTarget"] != 4 {
		t.Errorf("rows = %v", got)
	}
	if len(objects.puts) != 3 || objects.n != 3 {
		t.Errorf("R2 puts: %d objects in %d puts, want 3 in 3", len(objects.puts), objects.n)
	}
	for key := range objects.puts {
		if !strings.HasPrefix(key, f.WorkspaceID+"/attachment/") {
			t.Errorf("object key %q", key)
		}
	}

	tgt, err := OpenLocal(state)
	if err != nil {
		t.Fatal(err)
	}
	defer tgt.Close()
	var hash, member string
	if err := tgt.Control.QueryRow(`SELECT u.password_hash, uw.workspace_member_id FROM users u JOIN user_workspaces uw ON uw.user_id = u.id WHERE u.email = ?`, f.Email).Scan(&hash, &member); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$2") || member != f.MemberID {
		t.Errorf("user: hash %q member %q", hash, member)
	}
	checkImportedRoles(t, tgt, f)
	var deleted int
	if err := tgt.Shard.QueryRow(`SELECT count(*) FROM "ws_` + strings.ReplaceAll(f.WorkspaceID, "-", "") + `_person" WHERE "deletedAt" IS NOT NULL`).Scan(&deleted); err != nil {
		t.Fatal(err)
	}
	if deleted == 0 {
		t.Error("no soft-deleted person arrived")
	}
	// A third run writes nothing twice and still verifies.
	out.Reset()
	if _, err := Run(context.Background(), Options{PG: url, State: state, Storage: storage, objects: objects, Out: &out}); err != nil {
		t.Fatalf("third run: %v\n%s", err, out.String())
	}
	if objects.n != 3 {
		t.Errorf("the third run put %d objects again", objects.n-3)
	}

	// A changed value and a dangling foreign key fail the verification.
	ws := strings.ReplaceAll(f.WorkspaceID, "-", "")
	if _, err := tgt.Shard.Exec(`UPDATE "ws_` + ws + `_person" SET "nameFirstName" = 'Changed' WHERE rowid = 7`); err != nil {
		t.Fatal(err)
	}
	if _, err := tgt.Shard.Exec(`UPDATE "ws_` + ws + `_noteTarget" SET "personId" = '00000000-0000-4000-8000-000000000000' WHERE rowid = 1`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	res, err = Run(t.Context(), Options{PG: url, State: state, VerifyOnly: true, Out: &out})
	if err == nil {
		t.Fatalf("verify after tampering passed:\n%s", out.String())
	}
	bad := map[string]Result{}
	for _, r := range res {
		if !r.OK() {
			bad[r.Table] = r
		}
	}
	if len(bad) != 2 || bad["person"].SourceSum == bad["person"].TargetSum || bad["noteTarget"].FKViolations != 1 || !strings.Contains(out.String(), "MISMATCH") {
		t.Errorf("failures = %+v\n%s", bad, out.String())
	}

	// So do a lost settings flag, a changed object permission and a key given another role.
	for _, q := range []string{`DELETE FROM role_permission_flags`, `UPDATE object_permissions SET can_update = 1 WHERE can_update = 0`,
		`UPDATE api_keys SET role_id = (SELECT id FROM roles WHERE standard_id = 'member') WHERE id = '` + f.SalesAPIKeyID + `'`} {
		if _, err := tgt.Control.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	res, _ = Run(t.Context(), Options{PG: url, State: state, VerifyOnly: true, Out: &out})
	var failed []string
	for _, r := range res {
		if !r.OK() && strings.HasPrefix(r.Table, "core.") {
			failed = append(failed, r.Table)
		}
	}
	if diff := cmp.Diff([]string{"core.objectPermission", "core.permissionFlag", "core.roleTarget"}, failed); diff != "" {
		t.Errorf("control tables failing verification after tampering (-want +got):\n%s\n%s", diff, out.String())
	}
}

func TestConnectRefusesWhatIsNotTwenty(t *testing.T) {
	admin := pgURL(t)
	_, err := Connect(t.Context(), admin)
	if !errors.Is(err, ErrUnsupportedVersion) {
		t.Errorf("Connect(postgres db) = %v, want ErrUnsupportedVersion", err)
	}
	_, err = Connect(t.Context(), "postgres://postgres@127.0.0.1:1/none?connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "cannot reach") {
		t.Errorf("Connect(unreachable) = %v", err)
	}
}

// fakeObjects is an R2 bucket in memory: key → the file put there.
type fakeObjects struct {
	puts map[string]string
	n    int
}

func (f *fakeObjects) Put(_ context.Context, key, file, _ string) error {
	f.puts[key] = file
	f.n++
	return nil
}
