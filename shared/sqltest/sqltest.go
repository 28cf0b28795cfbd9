//go:build !(js && wasm)

package sqltest

import (
	"io/fs"
	"net/url"
	"slices"
	"testing"

	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/fts5"
	"github.com/ncruces/go-sqlite3/vfs/memdb"

	"github.com/twentyworkers/twenty/migrations"
	"github.com/twentyworkers/twenty/shared/d1"
)

// Open returns a fresh database with every migration in migrations.FS applied
// in file-name order. It fails the test, naming the file, if one does not
// apply. The database is closed and deleted when the test ends.
func Open(tb testing.TB) *d1.DB {
	tb.Helper()
	db := OpenEmpty(tb)
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		tb.Fatalf("sqltest: list migrations: %v", err)
	}
	slices.Sort(names)
	for _, name := range names {
		script, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			tb.Fatalf("sqltest: read migration %s: %v", name, err)
		}
		if _, err := db.ExecContext(tb.Context(), string(script)); err != nil {
			tb.Fatalf("sqltest: apply migration %s: %v", name, err)
		}
	}
	return db
}

// OpenEmpty returns a fresh database with no tables. Like D1, it enforces
// foreign keys. The database is closed and deleted when the test ends.
func OpenEmpty(tb testing.TB) *d1.DB {
	tb.Helper()
	// memdb.TestDB names the database after the test plus a random suffix and
	// deletes it on cleanup. A plain ":memory:" would give every pooled
	// connection its own empty database.
	dsn := memdb.TestDB(tb, url.Values{
		"_pragma": {"busy_timeout(10000)", "foreign_keys(1)"},
	})
	// With FTS5, as D1 has it (the records Worker's search indexes).
	sqlDB, err := driver.Open(dsn, fts5.Register)
	if err != nil {
		tb.Fatalf("sqltest: open %s: %v", dsn, err)
	}
	sqlDB.SetMaxOpenConns(1)
	// Registered after memdb's cleanup, so it runs before the database is deleted.
	tb.Cleanup(func() {
		if err := sqlDB.Close(); err != nil {
			tb.Errorf("sqltest: close: %v", err)
		}
	})
	if err := sqlDB.PingContext(tb.Context()); err != nil {
		tb.Fatalf("sqltest: open %s: %v", dsn, err)
	}
	return d1.Wrap(sqlDB)
}
