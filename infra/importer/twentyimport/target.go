package twentyimport

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	_ "github.com/ncruces/go-sqlite3/driver" // registers "sqlite3"
)

// Local D1 databases are SQLite files that wrangler's local runtime (workerd, through miniflare)
// keeps under <state>/v3/d1/miniflare-D1DatabaseObject/<id>.sqlite, where <id> is the Durable
// Object id workerd derives from the database_id: HMAC-SHA256 of the name keyed with the SHA-256
// of the namespace's unique key, first 16 bytes, then the HMAC of those 16 bytes, first 16 bytes.

// ControlDatabaseID and ShardDatabaseID are the database_ids of CONTROL and DB_0 in the Workers'
// wrangler.jsonc files.
const (
	ControlDatabaseID = "00000000-0000-4000-8000-000000000001"
	ShardDatabaseID   = "00000000-0000-4000-8000-000000000003"
	// ShardBinding is the binding shard_map names for the workspaces imported locally.
	ShardBinding = "DB_0"
)

// LocalD1File answers the SQLite file wrangler keeps a local D1 database in.
func LocalD1File(stateDir, databaseID string) string {
	key := sha256.Sum256([]byte("miniflare-D1DatabaseObject"))
	m := hmac.New(sha256.New, key[:])
	m.Write([]byte(databaseID))
	id := m.Sum(nil)[:16]
	m = hmac.New(sha256.New, key[:])
	m.Write(id)
	id = append(id, m.Sum(nil)[:16]...)
	return filepath.Join(stateDir, "v3", "d1", "miniflare-D1DatabaseObject", hex.EncodeToString(id)+".sqlite")
}

// ErrStackRunning reports a local stack holding the database files the import would write.
var ErrStackRunning = errors.New("the local stack is running")

// Target is where the import writes: the control database and the shard, as SQLite.
type Target struct {
	Control, Shard *sql.DB
}

// OpenLocal opens the local stack's D1 files under stateDir. The stack must be stopped: workerd
// holds the files while it runs. The control database must have been migrated (make migrate);
// the shard file is created when missing, as D1 creates a database on first use.
func OpenLocal(stateDir string) (*Target, error) {
	control := LocalD1File(stateDir, ControlDatabaseID)
	if _, err := os.Stat(control); err != nil {
		return nil, fmt.Errorf("no local control database at %s (run make migrate STATE=%s first): %w", control, stateDir, err)
	}
	for _, f := range []string{control, LocalD1File(stateDir, ShardDatabaseID)} {
		if pid := heldBy(f); pid != 0 {
			return nil, fmt.Errorf("%s is open in process %d: stop the local stack (make dev) before importing: %w", f, pid, ErrStackRunning)
		}
	}
	c, err := openSQLite(control)
	if err != nil {
		return nil, err
	}
	var n int
	if err := c.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name IN ('workspaces', 'object_metadata', 'api_keys')`).Scan(&n); err != nil || n < 3 {
		c.Close()
		return nil, errors.Join(fmt.Errorf("the local control database at %s is not migrated (run make migrate)", control), err)
	}
	s, err := openSQLite(LocalD1File(stateDir, ShardDatabaseID))
	if err != nil {
		c.Close()
		return nil, err
	}
	return &Target{Control: c, Shard: s}, nil
}

func openSQLite(path string) (*sql.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	// Foreign keys are off while rows are copied (a table may point at rows of a later one, or
	// at itself); the verification runs SQLite's foreign_key_check over everything afterwards.
	q := url.Values{"_pragma": {"busy_timeout(5000)", "foreign_keys(0)"}}
	db, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// Close closes both databases.
func (t *Target) Close() error {
	return errors.Join(t.Control.Close(), t.Shard.Close())
}

// exec runs stmts in one transaction, as one D1 batch would.
func execTx(ctx context.Context, db *sql.DB, stmts []stmt) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s.SQL, s.Args...); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("%.120s: %w", s.SQL, err)
		}
	}
	return tx.Commit()
}

type stmt struct {
	SQL  string
	Args []any
}
