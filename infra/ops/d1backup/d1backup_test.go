package d1backup

import (
	"context"
	"database/sql"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/migrations"
	"github.com/twentyworkers/twenty/services/records/importschema"
)

const ws = "20202020-1c25-4d02-bf25-6aeccf7ea419"

// fixture builds a control database (every migration, one workspace on DB_0 with a custom
// object) and its shard with the object's table and two records.
func fixture(t *testing.T) Set {
	t.Helper()
	ctx := context.Background()
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var ddl strings.Builder
	for _, f := range files {
		b, err := fs.ReadFile(migrations.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		ddl.Write(b)
		ddl.WriteString("\n")
	}
	control, err := LoadSQL(ctx, ddl.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { control.Close() })
	rocket := importschema.CustomObject("rocket", "rockets", "Rocket", "Rockets")
	def, err := importschema.Definition(rocket)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, control,
		`INSERT INTO workspaces (id, display_name) VALUES ('`+ws+`', 'Acme')`,
		`INSERT INTO shard_map (workspace_id, binding) VALUES ('`+ws+`', 'DB_0')`,
		`INSERT INTO object_metadata (id, workspace_id, name_singular, name_plural, definition) VALUES ('o1', '`+ws+`', 'rocket', 'rockets', '`+strings.ReplaceAll(def, "'", "''")+`')`)
	objects := importschema.StandardObjects()
	for _, l := range importschema.CustomObjectLinks(rocket) {
		for i := range objects {
			if objects[i].NameSingular == l.Object {
				objects[i].Fields = append(objects[i].Fields, l.Field)
			}
		}
	}
	stmts, err := importschema.CreateTables(ws, 1, append(objects, rocket))
	if err != nil {
		t.Fatal(err)
	}
	shard, err := LoadSQL(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { shard.Close() })
	for _, s := range stmts {
		if _, err := shard.ExecContext(ctx, s.SQL, s.Args...); err != nil {
			t.Fatalf("%s: %v", s.SQL, err)
		}
	}
	table, _ := importschema.TableName(ws, "rocket")
	mustExec(t, shard,
		`INSERT INTO "`+table+`" (id, name, position) VALUES ('r1', 'Saturn V', 1), ('r2', 'Falcon 9', 2)`)
	return Set{ControlName: "twenty-control", Control: control, Shards: map[string]Shard{"DB_0": {Name: "twenty-shard-0", DB: shard}}}
}

func mustExec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func manifestOf(t *testing.T, s Set) *Manifest {
	t.Helper()
	m := &Manifest{Databases: map[string]Database{}}
	for name, db := range s.byName() {
		tables, err := Describe(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		m.Databases[name] = Database{Tables: tables}
	}
	return m
}

func TestVerifyFindsWhatChanged(t *testing.T) {
	table, _ := importschema.TableName(ws, "rocket")
	tests := []struct {
		name   string
		change func(t *testing.T, s Set)
		want   []string
	}{
		{"nothing changed", func(*testing.T, Set) {}, nil},
		{"a deleted row", func(t *testing.T, s Set) {
			mustExec(t, s.Shards["DB_0"].DB, `DELETE FROM "`+table+`" WHERE id = 'r2'`)
		}, []string{"twenty-shard-0: manifest: " + table + ": 1 rows, the manifest has 2"}},
		{"a changed value", func(t *testing.T, s Set) {
			mustExec(t, s.Shards["DB_0"].DB, `UPDATE "`+table+`" SET name = 'Saturn VI' WHERE id = 'r1'`)
		}, []string{"twenty-shard-0: manifest: " + table + ": checksum"}},
		{"a dropped column", func(t *testing.T, s Set) {
			mustExec(t, s.Shards["DB_0"].DB, `ALTER TABLE "`+table+`" DROP COLUMN "name"`)
		}, []string{
			"twenty-shard-0: metadata: " + table + ": column name of field rocket.name is missing",
			"twenty-shard-0: manifest: " + table + ": checksum",
		}},
		{"a deleted workspace leaves its shard row", func(t *testing.T, s Set) {
			mustExec(t, s.Control, `DELETE FROM workspaces`)
		}, []string{
			"twenty-control: foreign-key: shard_map: row 1 points at a missing workspaces row",
			"twenty-control: foreign-key: object_metadata: row 1 points at a missing workspaces row",
			"twenty-control: manifest: workspaces: 0 rows, the manifest has 1",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture(t)
			m := manifestOf(t, s)
			tt.change(t, s)
			findings, err := Verify(context.Background(), s, m)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range findings {
				line := f.String()
				if i := strings.Index(line, ": checksum"); i >= 0 {
					line = line[:i+len(": checksum")]
				}
				got = append(got, line)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDescribeSurvivesADumpAndReload(t *testing.T) {
	// The checksum is of values and their types, not of storage: the same rows loaded again
	// (as a restore loads an export) describe the same.
	ctx := context.Background()
	dump := `CREATE TABLE t (id TEXT PRIMARY KEY, n, r REAL, b BLOB, s TEXT);
INSERT INTO t VALUES ('b', 1, 1.5, x'00ff', NULL), ('a', 2, 0.0, NULL, 'x');`
	a, err := LoadSQL(ctx, dump)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := LoadSQL(ctx, strings.Replace(dump, "('b', 1, 1.5, x'00ff', NULL), ('a', 2, 0.0, NULL, 'x')", "('a', 2, 0.0, NULL, 'x'), ('b', 1, 1.5, x'00ff', NULL)", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	da, _ := Describe(ctx, a)
	db, _ := Describe(ctx, b)
	if diff := cmp.Diff(da, db); diff != "" {
		t.Errorf("describe differs (-first +second):\n%s", diff)
	}
	c, err := LoadSQL(ctx, strings.Replace(dump, "1, 1.5", "'1', 1.5", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dc, _ := Describe(ctx, c)
	if dc["t"].Checksum == da["t"].Checksum {
		t.Errorf("an integer and a text '1' have the same checksum")
	}
}

func TestSearchTables(t *testing.T) {
	got := SearchTables([]string{"ws_person", "ws_person__search", "ws_person__search_data"})
	want := []string{
		`DROP TRIGGER IF EXISTS "ws_person__search_ai"`,
		`DROP TRIGGER IF EXISTS "ws_person__search_ad"`,
		`DROP TRIGGER IF EXISTS "ws_person__search_au"`,
		`DROP TABLE IF EXISTS "ws_person__search"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
