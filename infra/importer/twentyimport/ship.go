package twentyimport

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/twentyworkers/twenty/services/records/importschema"
)

// A deployed environment is reached through wrangler: the import first runs into a local staging
// state folder (where it is resumable and verified), then ships it: one SQL file per database,
// executed by `wrangler d1 execute <database> --remote --file`, which loads it through D1's import
// API in one go. The shard's file holds the workspace's tables as the records Worker's DDL created
// them in staging (their sqlite_master text) and their rows; the control database's file holds the
// imported rows, each an INSERT … ON CONFLICT DO NOTHING so that shipping twice writes once.

// controlTables are the control tables the import writes, parents first, with the condition
// selecting one workspace's rows (its one parameter is the workspace id).
var controlTables = []struct{ name, where string }{
	{"workspaces", `id = ?`}, {"shard_map", `workspace_id = ?`}, {"roles", `workspace_id = ?`},
	{"users", `id IN (SELECT user_id FROM user_workspaces WHERE workspace_id = ?)`},
	{"user_workspaces", `workspace_id = ?`}, {"api_keys", `workspace_id = ?`}, {"object_metadata", `workspace_id = ?`},
	{"object_permissions", `workspace_id = ?`}, {"field_permissions", `workspace_id = ?`}, {"role_permission_flags", `workspace_id = ?`},
	{"workspace_metadata", `workspace_id = ?`}, {"files", `workspace_id = ?`},
}

// Ship is where the staged import goes.
type Ship struct {
	// Root is the repository root (wrangler, the Workers' configs).
	Root string
	// Flags select the environment: "--remote" (with CLOUDFLARE_API_TOKEN and
	// CLOUDFLARE_ACCOUNT_ID set), or "--local --persist-to DIR" to try it on a local state folder.
	Flags []string
	// Dir receives the SQL files.
	Dir string
}

// ShipWorkspaces writes the staged workspaces' SQL files and executes them with wrangler, then
// puts their files' objects (read again from Twenty's storage) into the environment's bucket.
func ShipWorkspaces(ctx context.Context, tgt *Target, workspaceIDs []string, s Ship, storage FileSource, objects ObjectWriter) error {
	var control, shard strings.Builder
	shard.WriteString("PRAGMA defer_foreign_keys = on;\n")
	for _, ws := range workspaceIDs {
		if err := dumpControl(ctx, tgt.Control, ws, &control); err != nil {
			return err
		}
		if err := dumpShard(ctx, tgt.Shard, ws, &shard); err != nil {
			return err
		}
	}
	// Locally a database is its binding in a Worker's config (the local file follows its
	// database_id); remotely it is its name, which wrangler resolves through the API (the configs
	// hold placeholder ids that infra/deploy.sh replaces).
	remote := slices.Contains(s.Flags, "--remote")
	for _, f := range []struct{ binding, name, config, file, sql string }{
		{ShardBinding, "twenty-shard-0", "services/records/wrangler.jsonc", "shard.sql", shard.String()},
		{"CONTROL", "twenty-control", "services/auth/wrangler.jsonc", "control.sql", control.String()},
	} {
		path := filepath.Join(s.Dir, f.file)
		if err := os.WriteFile(path, []byte(f.sql), 0o600); err != nil {
			return err
		}
		args := []string{"d1", "execute", f.binding, "--file", path, "-c", f.config, "--yes"}
		if remote {
			args = []string{"d1", "execute", f.name, "--file", path, "--yes"}
		}
		args = append(args, s.Flags...)
		cmd := exec.CommandContext(ctx, filepath.Join(s.Root, "node_modules", ".bin", "wrangler"), args...)
		cmd.Dir = s.Root
		cmd.Env = append(os.Environ(), "PATH="+filepath.Join(s.Root, "node_modules", ".bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
			"CI=true", "WRANGLER_SEND_METRICS=false", "NO_COLOR=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("wrangler d1 execute %s --file %s: %w: %s", args[2], path, err, tail(string(out), 600))
		}
	}
	if storage == nil {
		return nil
	}
	for _, ws := range workspaceIDs {
		rows, err := tgt.Control.QueryContext(ctx, `SELECT path, object_key, mime_type FROM files WHERE workspace_id = ? ORDER BY id`, ws)
		if err != nil {
			return err
		}
		var files [][3]string
		for rows.Next() {
			var f [3]string
			if err := rows.Scan(&f[0], &f[1], &f[2]); err != nil {
				rows.Close()
				return err
			}
			files = append(files, f)
		}
		rows.Close()
		for _, f := range files {
			ref, err := storage.Locate(ctx, ws, f[0])
			if err != nil {
				return err
			}
			local, release, err := storage.Fetch(ctx, ref)
			if err != nil {
				return err
			}
			err = objects.Put(ctx, f[1], local, f[2])
			release()
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// dumpShard writes the workspace's tables (schema stamp, record tables and their indexes, in
// creation order) and their rows.
func dumpShard(ctx context.Context, db *sql.DB, workspaceID string, out *strings.Builder) error {
	stamp, err := importschema.StampTable(workspaceID)
	if err != nil {
		return err
	}
	prefix := strings.TrimSuffix(stamp, "_schema") // ws_<key>_
	rows, err := db.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND (name LIKE ? ESCAPE '\' OR tbl_name LIKE ? ESCAPE '\') ORDER BY rowid`,
		escapeLike(prefix)+"%", escapeLike(prefix)+"%")
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var typ, name, stmt string
		if err := rows.Scan(&typ, &name, &stmt); err != nil {
			rows.Close()
			return err
		}
		out.WriteString(ifNotExists(stmt) + ";\n")
		if typ == "table" {
			tables = append(tables, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		if t == stamp { // one row, no key: written once
			var v int64
			if err := db.QueryRowContext(ctx, `SELECT "version" FROM "`+t+`"`).Scan(&v); err != nil {
				return err
			}
			fmt.Fprintf(out, `INSERT INTO "%s" ("version") SELECT %d WHERE NOT EXISTS (SELECT 1 FROM "%s");`+"\n", t, v, t)
			continue
		}
		if err := dumpRows(ctx, db, t, `SELECT * FROM "`+t+`" ORDER BY rowid`, nil, " ON CONFLICT DO NOTHING", out); err != nil {
			return err
		}
	}
	return nil
}

// ifNotExists makes a CREATE TABLE or CREATE [UNIQUE] INDEX statement a no-op when its object
// exists, so that shipping twice is harmless.
func ifNotExists(stmt string) string {
	for _, p := range []string{"CREATE TABLE ", "CREATE UNIQUE INDEX ", "CREATE INDEX "} {
		if strings.HasPrefix(stmt, p) && !strings.HasPrefix(stmt, p+"IF NOT EXISTS ") {
			return p + "IF NOT EXISTS " + stmt[len(p):]
		}
	}
	return stmt
}

// dumpControl writes the workspace's control rows.
func dumpControl(ctx context.Context, db *sql.DB, workspaceID string, out *strings.Builder) error {
	for _, t := range controlTables {
		if err := dumpRows(ctx, db, t.name, `SELECT * FROM "`+t.name+`" WHERE `+t.where+` ORDER BY rowid`, []any{workspaceID}, " ON CONFLICT DO NOTHING", out); err != nil {
			return err
		}
	}
	return nil
}

// dumpRows writes query's rows as INSERTs into table of at most maxStatementBytes each.
func dumpRows(ctx context.Context, db *sql.DB, table, query string, args []any, suffix string, out *strings.Builder) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("dump %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	for i, c := range cols {
		cols[i] = `"` + c + `"`
	}
	head := `INSERT INTO "` + table + `" (` + strings.Join(cols, ", ") + `) VALUES `
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var stmt strings.Builder
	flush := func() {
		if stmt.Len() > 0 {
			out.WriteString(head + stmt.String() + suffix + ";\n")
			stmt.Reset()
		}
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		lits := make([]string, len(vals))
		for i, v := range vals {
			if lits[i], err = literal(v); err != nil {
				return fmt.Errorf("dump %s: %w", table, err)
			}
		}
		tuple := "(" + strings.Join(lits, ", ") + ")"
		if stmt.Len() > 0 && len(head)+stmt.Len()+len(tuple)+len(suffix)+4 > maxStatementBytes {
			flush()
		}
		if stmt.Len() > 0 {
			stmt.WriteString(", ")
		}
		stmt.WriteString(tuple)
	}
	flush()
	return rows.Err()
}

// literal renders a SQLite value as SQL text.
func literal(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "NULL", nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("value %v cannot be written", x)
		}
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0" // stays REAL
		}
		return s, nil
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'", nil
	case []byte:
		return fmt.Sprintf("X'%X'", x), nil
	}
	return "", fmt.Errorf("value of type %T cannot be written", v)
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
