//go:build opse2e

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twentyworkers/twenty/infra/ops/cloudflare"
	"github.com/twentyworkers/twenty/services/records/importschema"
)

// TestBackupRestoreDrill is issue #21's drill on the local stack's D1 state, through wrangler as
// a deployed environment would be: users, workspaces, a custom object's metadata and records in
// three workspaces → backup → wipe → restore → verify shows nothing lost; then a deleted row, a
// changed value and a dropped column are each caught by verify.
func TestBackupRestoreDrill(t *testing.T) {
	root := repoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "node_modules", ".bin", "wrangler")); err != nil {
		t.Skip("wrangler not installed (make tools)")
	}
	ctx := context.Background()
	st, err := loadStack(root)
	if err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	var out bytes.Buffer
	a := newApp(root, st, cloudflare.Exec{Root: root, Log: &out}, false, &out)
	a.state, a.backups = state, t.TempDir()
	wrangler := func(args ...string) {
		t.Helper()
		if _, err := a.cf.Run(ctx, cloudflare.Command{Args: args}); err != nil {
			t.Fatal(err)
		}
	}
	wrangler("d1", "migrations", "apply", "CONTROL", "--local", "--persist-to", state, "-c", "services/auth/wrangler.jsonc")

	// Three workspaces on DB_0, each with users, the standard objects and a custom object with
	// records, and a search index on one (dropped for the export, built again on a search).
	control, shard, rows := seed(t, 3, 1000)
	dir := t.TempDir()
	for name, sql := range map[string]string{"twenty-control": control, "twenty-shard-0": shard} {
		f := filepath.Join(dir, name+".sql")
		if err := os.WriteFile(f, []byte(sql), 0o644); err != nil {
			t.Fatal(err)
		}
		wrangler("d1", "execute", name, "--local", "--persist-to", state, "-c", "services/records/wrangler.jsonc", "--file", f, "--yes")
	}

	start := time.Now()
	backup, err := a.backup(ctx, "", "drill")
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	backupTime := time.Since(start)

	// Wipe: the local D1 files are gone, as a lost database would be.
	if err := os.RemoveAll(filepath.Join(state, "v3", "d1")); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if err := a.restore(ctx, "", backup, "", ""); err != nil {
		t.Fatalf("restore: %v\n%s", err, out.String())
	}
	restoreTime := time.Since(start)
	if !strings.Contains(out.String(), "verify: ok") {
		t.Fatalf("restore's verify did not pass:\n%s", out.String())
	}
	t.Logf("drill: %d seeded record rows (3 workspaces); backup %s, restore+verify %s", rows, backupTime.Round(time.Millisecond), restoreTime.Round(time.Millisecond))
	t.Logf("%s", grepLines(out.String(), "backup ", "  twenty-", "restore ", "verify"))

	// Three changes, one per workspace's table, and one verify that names each.
	table := func(w int) string { t, _ := importschema.TableName(wsID(w), "rocket"); return t }
	changes := []struct{ name, sql, want string }{
		{"a deleted row", `DELETE FROM "` + table(1) + `" WHERE id = '` + recordID(1, 7) + `'`, table(1) + ": 999 rows, the manifest has 1000"},
		{"a changed value", `UPDATE "` + table(2) + `" SET name = 'changed' WHERE id = '` + recordID(2, 3) + `'`, table(2) + ": checksum"},
		{"a dropped column", `ALTER TABLE "` + table(3) + `" DROP COLUMN "fuel"`, table(3) + ": column fuel of field rocket.fuel is missing"},
	}
	var sqls []string
	for _, c := range changes {
		sqls = append(sqls, c.sql)
	}
	wrangler("d1", "execute", "twenty-shard-0", "--local", "--persist-to", state, "-c", "services/records/wrangler.jsonc", "--command", strings.Join(sqls, "; "), "--yes")
	out.Reset()
	if err := a.verify(ctx, "", backup); err == nil {
		t.Fatalf("verify after the changes passed:\n%s", out.String())
	}
	for _, c := range changes {
		if !strings.Contains(out.String(), c.want) {
			t.Errorf("verify did not catch %s (want %q):\n%s", c.name, c.want, out.String())
		}
	}
	t.Logf("verify after the changes:\n%s", grepLines(out.String(), "FAIL", "verify"))
}

func grepLines(s string, prefixes ...string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				keep = append(keep, l)
				break
			}
		}
	}
	return strings.Join(keep, "\n")
}

func wsID(i int) string        { return fmt.Sprintf("20202020-0000-4000-8000-%012d", i) }
func recordID(w, i int) string { return fmt.Sprintf("30303030-%04d-4000-8000-%012d", w, i) }

// seed answers the control and shard SQL of n workspaces with per records each.
func seed(t *testing.T, n, per int) (control, shard string, rows int) {
	t.Helper()
	var c, s strings.Builder
	rocket := importschema.CustomObject("rocket", "rockets", "Rocket", "Rockets")
	fuel := rocket.Fields[0]
	fuel.ID, fuel.Name, fuel.Label = "", "fuel", "Fuel"
	rocket.Fields = append(rocket.Fields, fuel)
	objects := importschema.StandardObjects()
	for _, l := range importschema.CustomObjectLinks(rocket) {
		for i := range objects {
			if objects[i].NameSingular == l.Object {
				objects[i].Fields = append(objects[i].Fields, l.Field)
			}
		}
	}
	all := append(objects, rocket)
	for w := 1; w <= n; w++ {
		ws := wsID(w)
		fmt.Fprintf(&c, "INSERT INTO workspaces (id, display_name, activation_status) VALUES ('%s', 'Workspace %d', 'ACTIVE');\n", ws, w)
		fmt.Fprintf(&c, "INSERT INTO shard_map (workspace_id, binding) VALUES ('%s', 'DB_0');\n", ws)
		for u := 1; u <= 2; u++ {
			fmt.Fprintf(&c, "INSERT INTO users (id, email, first_name) VALUES ('%s', 'user%d@ws%d.example.com', 'User %d');\n", recordID(900+w, u), u, w, u)
		}
		for i, o := range all {
			def, err := importschema.Definition(o)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&c, "INSERT INTO object_metadata (id, workspace_id, name_singular, name_plural, definition) VALUES ('%s', '%s', '%s', '%s', '%s');\n",
				recordID(800+w, i), ws, o.NameSingular, o.NamePlural, strings.ReplaceAll(def, "'", "''"))
		}
		stmts, err := importschema.CreateTables(ws, 1, all)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range stmts {
			if len(st.Args) > 0 {
				sql := st.SQL
				for _, a := range st.Args {
					sql = strings.Replace(sql, "?", fmt.Sprintf("%v", a), 1)
				}
				fmt.Fprintf(&s, "%s;\n", sql)
				continue
			}
			fmt.Fprintf(&s, "%s;\n", st.SQL)
		}
		table, _ := importschema.TableName(ws, "rocket")
		for i := 1; i <= per; i++ {
			fmt.Fprintf(&s, "INSERT INTO \"%s\" (id, name, fuel, position) VALUES ('%s', 'Rocket %d-%d', 'hydrogen', %d);\n", table, recordID(w, i), w, i, i)
			rows++
		}
		people, _ := importschema.TableName(ws, "person")
		fmt.Fprintf(&s, "INSERT INTO \"%s\" (id, \"nameFirstName\", \"nameLastName\", position) VALUES ('%s', 'Ada', 'Lovelace', 1);\n", people, recordID(w, 1000))
		rows++
	}
	// A search index, as a workspace's first search makes one (FTS5: not exportable).
	people, _ := importschema.TableName(wsID(1), "person")
	fmt.Fprintf(&s, "CREATE VIRTUAL TABLE \"%s__search\" USING fts5(\"nameFirstName\", content='%s', content_rowid='rowid');\n", people, people)
	fmt.Fprintf(&s, "INSERT INTO \"%s__search\"(\"%s__search\") VALUES ('rebuild');\n", people, people)
	return c.String(), s.String(), rows
}
