//go:build !(js && wasm)

package engine

import (
	"testing"

	"github.com/ncruces/go-sqlite3"
	sqlite3driver "github.com/ncruces/go-sqlite3/driver"

	"github.com/twentyworkers/twenty/shared/d1"
)

// d1Limits are the limits of Cloudflare D1 (https://developers.cloudflare.com/d1/platform/limits/)
// that SQLite enforces per connection: statements that break them fail in the tests as on D1.
var d1Limits = map[sqlite3.LimitCategory]int{
	sqlite3.LIMIT_LIKE_PATTERN_LENGTH: 50,
	sqlite3.LIMIT_COLUMN:              100, // columns of a table, and of a result set
	sqlite3.LIMIT_FUNCTION_ARG:        32,
	sqlite3.LIMIT_VARIABLE_NUMBER:     d1.MaxParams,
	sqlite3.LIMIT_SQL_LENGTH:          100_000,
}

// limitLikeD1 sets D1's limits on the database's connection (sqltest keeps a single one).
func limitLikeD1(t testing.TB, db *d1.DB) {
	t.Helper()
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatalf("get connection: %v", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c := dc.(sqlite3driver.Conn).Raw()
		for id, v := range d1Limits {
			c.Limit(id, v)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("set D1's limits: %v", err)
	}
}
