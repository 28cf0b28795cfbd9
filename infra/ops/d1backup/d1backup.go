// Package d1backup reads D1 exports (the SQL files `wrangler d1 export` writes): it loads one into
// an in-memory SQLite database, describes every table by its row count and a checksum of its rows
// (a backup's manifest), and verifies a set of databases: SQLite's integrity and foreign-key
// checks, every object's metadata against its table's columns, and counts and checksums against a
// manifest. The same code checks a fresh backup, a restored database and a live one (exported
// first), locally and in a deployed environment.
package d1backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"math"
	"os"
	"sort"
	"strings"
	"sync/atomic"

	_ "github.com/ncruces/go-sqlite3/driver" // registers "sqlite3"
)

// Manifest describes a backup: when, from which commit and environment, and each database.
type Manifest struct {
	Env       string              `json:"env"`
	CreatedAt string              `json:"createdAt"`
	Commit    string              `json:"commit"`
	Databases map[string]Database `json:"databases"`
}

// Database is one exported D1 database.
type Database struct {
	// Binding is the Workers' binding of the database (CONTROL, DB_0, ...).
	Binding string `json:"binding"`
	// File is the export's file name, next to the manifest; SHA256 its digest.
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	// Bookmark is the D1 Time Travel bookmark taken before the export ("" locally).
	Bookmark string `json:"bookmark,omitempty"`
	// Tables maps each table to its row count and checksum.
	Tables map[string]Table `json:"tables"`
}

// Table is a table's row count and the SHA-256 of its rows in primary-key order.
type Table struct {
	Rows     int64  `json:"rows"`
	Checksum string `json:"checksum"`
}

// ReadManifest reads a manifest.json.
func ReadManifest(path string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Write writes m as path, indented.
func (m Manifest) Write(path string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

var memID atomic.Int64

// Load executes the export at path in a new in-memory SQLite database. Close it when done.
func Load(ctx context.Context, path string) (*sql.DB, error) {
	dump, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return LoadSQL(ctx, string(dump))
}

// LoadSQL executes dump in a new in-memory SQLite database.
func LoadSQL(ctx context.Context, dump string) (*sql.DB, error) {
	db, err := sql.Open("sqlite3", fmt.Sprintf("file:d1backup%d?mode=memory&cache=shared&_pragma=foreign_keys(0)", memID.Add(1)))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, dump); err != nil {
		db.Close()
		return nil, fmt.Errorf("load export: %w", err)
	}
	return db, nil
}

// FileSHA256 is the hex SHA-256 of a file.
func FileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Skipped reports tables a D1 export leaves out or D1 keeps for itself.
func Skipped(table string) bool {
	return strings.HasPrefix(table, "sqlite_") || strings.HasPrefix(table, "_cf_")
}

// Tables lists db's ordinary tables (no SQLite or D1 internals), sorted.
func Tables(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		if !Skipped(n) {
			out = append(out, n)
		}
	}
	return out, rows.Err()
}

// Columns lists a table's columns in order.
func Columns(ctx context.Context, db *sql.DB, table string) (names []string, pk []string, err error) {
	rows, err := db.QueryContext(ctx, `SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	type col struct {
		name string
		pk   int
	}
	var pks []col
	for rows.Next() {
		var c col
		if err := rows.Scan(&c.name, &c.pk); err != nil {
			return nil, nil, err
		}
		names = append(names, c.name)
		if c.pk > 0 {
			pks = append(pks, c)
		}
	}
	sort.Slice(pks, func(i, j int) bool { return pks[i].pk < pks[j].pk })
	for _, c := range pks {
		pk = append(pk, c.name)
	}
	return names, pk, rows.Err()
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Describe counts and checksums every table of db. A table's checksum covers its column names
// and every value (with its SQLite type) of every row in primary-key order (all columns when it
// has none), so a deleted row, a changed value and a dropped or renamed column all change it.
func Describe(ctx context.Context, db *sql.DB) (map[string]Table, error) {
	tables, err := Tables(ctx, db)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Table, len(tables))
	for _, t := range tables {
		tt, err := describeTable(ctx, db, t)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", t, err)
		}
		out[t] = tt
	}
	return out, nil
}

func describeTable(ctx context.Context, db *sql.DB, table string) (Table, error) {
	cols, pk, err := Columns(ctx, db, table)
	if err != nil {
		return Table{}, err
	}
	order := pk
	if len(order) == 0 {
		order = cols
	}
	quoted := make([]string, len(order))
	for i, c := range order {
		quoted[i] = quoteIdent(c)
	}
	rows, err := db.QueryContext(ctx, "SELECT * FROM "+quoteIdent(table)+" ORDER BY "+strings.Join(quoted, ", "))
	if err != nil {
		return Table{}, err
	}
	defer rows.Close()
	h := sha256.New()
	for _, c := range cols {
		writeString(h, c)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return Table{}, err
		}
		for _, v := range vals {
			writeValue(h, v)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return Table{}, err
	}
	return Table{Rows: n, Checksum: hex.EncodeToString(h.Sum(nil))}, nil
}

func writeString(h hash.Hash, s string) {
	var l [8]byte
	binary.BigEndian.PutUint64(l[:], uint64(len(s)))
	h.Write(l[:])
	h.Write([]byte(s))
}

// writeValue writes a value with its type, so 1, 1.0, '1' and x'31' differ.
func writeValue(h hash.Hash, v any) {
	var b [9]byte
	switch v := v.(type) {
	case nil:
		h.Write([]byte{0})
	case int64:
		b[0] = 1
		binary.BigEndian.PutUint64(b[1:], uint64(v))
		h.Write(b[:])
	case float64:
		b[0] = 2
		binary.BigEndian.PutUint64(b[1:], math.Float64bits(v))
		h.Write(b[:])
	case string:
		h.Write([]byte{3})
		writeString(h, v)
	case []byte:
		h.Write([]byte{4})
		writeString(h, string(v))
	default:
		h.Write([]byte{5})
		writeString(h, fmt.Sprint(v))
	}
}
