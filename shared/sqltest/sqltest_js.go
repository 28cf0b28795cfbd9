//go:build js && wasm

package sqltest

import (
	"testing"

	"github.com/twentyworkers/twenty/shared/d1"
)

// Open skips the test: SQLite is not available under js/wasm.
func Open(tb testing.TB) *d1.DB {
	tb.Helper()
	tb.Skip("sqltest: no SQLite under js/wasm")
	return nil
}

// OpenEmpty skips the test: SQLite is not available under js/wasm.
func OpenEmpty(tb testing.TB) *d1.DB {
	tb.Helper()
	tb.Skip("sqltest: no SQLite under js/wasm")
	return nil
}
