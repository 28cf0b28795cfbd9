//go:build js && wasm

package engine

import (
	"testing"

	"github.com/twentyworkers/twenty/shared/d1"
)

// limitLikeD1 does nothing: there is no SQLite under js/wasm (sqltest skips the tests).
func limitLikeD1(t testing.TB, db *d1.DB) {}
