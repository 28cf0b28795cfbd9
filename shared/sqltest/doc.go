// Package sqltest opens throwaway SQLite databases, shaped like D1, for tests.
//
// Each database lives in memory (ncruces' memdb VFS) under a name unique to
// the test, so tests may run in parallel. The pool holds a single connection:
// code under test must close a query's rows before starting another query.
//
// Under GOOS=js GOARCH=wasm there is no SQLite: Open and OpenEmpty skip the
// test, so test files that use this package still build and vet for wasm.
package sqltest
