package d1backup

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/twentyworkers/twenty/services/records/importschema"
)

// Finding is one thing verify found wrong.
type Finding struct {
	Database string // the database's name
	Check    string // integrity, foreign-key, metadata, manifest
	Table    string
	Detail   string
}

func (f Finding) String() string {
	s := f.Database + ": " + f.Check
	if f.Table != "" {
		s += ": " + f.Table
	}
	return s + ": " + f.Detail
}

// Set is the databases of one environment, loaded: the control database and the shards by
// binding (DB_0, ...).
type Set struct {
	ControlName string
	Control     *sql.DB
	// Shards maps a binding to its database's name and its loaded export.
	Shards map[string]Shard
}

// Shard is one record database.
type Shard struct {
	Name string
	DB   *sql.DB
}

// byName lists every database of s by name.
func (s Set) byName() map[string]*sql.DB {
	out := map[string]*sql.DB{s.ControlName: s.Control}
	for _, sh := range s.Shards {
		out[sh.Name] = sh.DB
	}
	return out
}

// Verify runs every check over s: SQLite's integrity_check and foreign_key_check on each
// database, the metadata of every object against its table on its workspace's shard, and, when
// m is not nil, every table's rows and checksum against the manifest.
func Verify(ctx context.Context, s Set, m *Manifest) ([]Finding, error) {
	var out []Finding
	names := s.byName()
	for _, name := range sortedKeys(names) {
		f, err := sqliteChecks(ctx, name, names[name])
		if err != nil {
			return nil, err
		}
		out = append(out, f...)
	}
	f, err := metadataChecks(ctx, s)
	if err != nil {
		return nil, err
	}
	out = append(out, f...)
	if m != nil {
		for _, name := range sortedKeys(names) {
			want, ok := m.Databases[name]
			if !ok {
				out = append(out, Finding{name, "manifest", "", "the manifest has no such database"})
				continue
			}
			got, err := Describe(ctx, names[name])
			if err != nil {
				return nil, err
			}
			out = append(out, Compare(name, want.Tables, got)...)
		}
	}
	return out, nil
}

// Compare reports the differences between a manifest's tables and a database's.
func Compare(db string, want, got map[string]Table) []Finding {
	var out []Finding
	for _, t := range sortedKeys(want) {
		w := want[t]
		g, ok := got[t]
		switch {
		case !ok:
			out = append(out, Finding{db, "manifest", t, "table missing"})
		case g.Rows != w.Rows:
			out = append(out, Finding{db, "manifest", t, fmt.Sprintf("%d rows, the manifest has %d", g.Rows, w.Rows)})
		case g.Checksum != w.Checksum:
			out = append(out, Finding{db, "manifest", t, fmt.Sprintf("checksum %.12s differs from the manifest's %.12s (same row count: values or columns changed)", g.Checksum, w.Checksum)})
		}
	}
	for _, t := range sortedKeys(got) {
		if _, ok := want[t]; !ok {
			out = append(out, Finding{db, "manifest", t, "table not in the manifest"})
		}
	}
	return out
}

func sqliteChecks(ctx context.Context, name string, db *sql.DB) ([]Finding, error) {
	var out []Finding
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, fmt.Errorf("%s: integrity_check: %w", name, err)
	}
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			rows.Close()
			return nil, err
		}
		if msg != "ok" {
			out = append(out, Finding{name, "integrity", "", msg})
		}
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return nil, fmt.Errorf("%s: foreign_key_check: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int64
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return nil, err
		}
		out = append(out, Finding{name, "foreign-key", table, fmt.Sprintf("row %d points at a missing %s row", rowid.Int64, parent)})
	}
	return out, rows.Err()
}

// metadataChecks compares each object's metadata (object_metadata in the control database) with
// its table on the workspace's shard (shard_map): the table exists and has every column of every
// field, and no column no field explains.
func metadataChecks(ctx context.Context, s Set) ([]Finding, error) {
	shardOf := map[string]string{}
	rows, err := s.Control.QueryContext(ctx, "SELECT workspace_id, binding FROM shard_map")
	if err != nil {
		return nil, fmt.Errorf("%s: shard_map: %w", s.ControlName, err)
	}
	for rows.Next() {
		var ws, b string
		if err := rows.Scan(&ws, &b); err != nil {
			rows.Close()
			return nil, err
		}
		shardOf[ws] = b
	}
	rows.Close()
	rows, err = s.Control.QueryContext(ctx, "SELECT workspace_id, name_singular, definition FROM object_metadata ORDER BY workspace_id, name_singular")
	if err != nil {
		return nil, fmt.Errorf("%s: object_metadata: %w", s.ControlName, err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var ws, name, def string
		if err := rows.Scan(&ws, &name, &def); err != nil {
			return nil, err
		}
		var o importschema.Object
		if err := json.Unmarshal([]byte(def), &o); err != nil {
			out = append(out, Finding{s.ControlName, "metadata", "object_metadata", fmt.Sprintf("workspace %s object %s: definition: %v", ws, name, err)})
			continue
		}
		binding, ok := shardOf[ws]
		if !ok {
			out = append(out, Finding{s.ControlName, "metadata", "shard_map", fmt.Sprintf("workspace %s has objects and no shard", ws)})
			continue
		}
		shard, ok := s.Shards[binding]
		if !ok {
			out = append(out, Finding{s.ControlName, "metadata", "shard_map", fmt.Sprintf("workspace %s is on %s, which is not bound", ws, binding)})
			continue
		}
		table, err := importschema.TableName(ws, o.NameSingular)
		if err != nil {
			return nil, err
		}
		have, _, err := Columns(ctx, shard.DB, table)
		if err != nil {
			return nil, err
		}
		if len(have) == 0 {
			out = append(out, Finding{shard.Name, "metadata", table, fmt.Sprintf("object %s of workspace %s has no table", o.NameSingular, ws)})
			continue
		}
		haveSet := map[string]bool{}
		for _, c := range have {
			haveSet[c] = true
		}
		want := map[string]string{}
		for _, f := range o.Fields {
			for _, c := range importschema.Columns(f) {
				want[c.Name] = f.Name
			}
		}
		for _, c := range sortedKeys(want) {
			if !haveSet[c] {
				out = append(out, Finding{shard.Name, "metadata", table, fmt.Sprintf("column %s of field %s.%s is missing", c, o.NameSingular, want[c])})
			}
		}
		for _, c := range have {
			if _, ok := want[c]; !ok {
				out = append(out, Finding{shard.Name, "metadata", table, fmt.Sprintf("column %s belongs to no field of %s", c, o.NameSingular)})
			}
		}
	}
	return out, rows.Err()
}

// Print writes findings, or that there are none.
func Print(w io.Writer, findings []Finding) {
	if len(findings) == 0 {
		fmt.Fprintln(w, "verify: ok (integrity, foreign keys, metadata against tables, manifest)")
		return
	}
	for _, f := range findings {
		fmt.Fprintln(w, "FAIL "+f.String())
	}
	fmt.Fprintf(w, "verify: %d finding(s)\n", len(findings))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// SearchTables lists the statements that drop the FTS5 search indexes (and their triggers) a
// D1 export cannot hold, given the names in sqlite_master; the records Worker builds an index
// again on the workspace's next search (services/records/internal/ddl/search.go).
func SearchTables(names []string) []string {
	var stmts []string
	for _, n := range names {
		if !strings.HasSuffix(n, "__search") {
			continue
		}
		for _, t := range []string{"_ai", "_ad", "_au"} {
			stmts = append(stmts, "DROP TRIGGER IF EXISTS "+quoteIdent(n+t))
		}
		stmts = append(stmts, "DROP TABLE IF EXISTS "+quoteIdent(n))
	}
	return stmts
}
