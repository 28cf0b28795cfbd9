package ddl

import (
	"strconv"
	"strings"

	"github.com/twentyworkers/twenty/shared/d1"
)

// The schema stamp is a one-row table per workspace on its shard holding the workspace's metadata
// version, changed in the same batch as the DDL of every metadata change. A request checks it
// in the batch that reads or writes records, so the records Worker can serve a workspace's
// schema from its caches without reading the control database, and still notice a change made
// elsewhere before it acts on it. Its name cannot collide with an object's table: object names
// never start with an underscore.

// StampTable names the workspace's schema stamp table.
func StampTable(workspaceID string) (string, error) {
	key, err := workspaceKey(workspaceID)
	if err != nil {
		return "", err
	}
	return "ws_" + key + "__schema", nil
}

// createStamp returns the statements creating the workspace's stamp at version.
func createStamp(workspaceID string, version int64) ([]d1.Stmt, error) {
	table, err := StampTable(workspaceID)
	if err != nil {
		return nil, err
	}
	return []d1.Stmt{
		{SQL: "CREATE TABLE " + quoteIdent(table) + " (" + quoteIdent("version") + " INTEGER NOT NULL) STRICT"},
		{SQL: "INSERT INTO " + quoteIdent(table) + " (" + quoteIdent("version") + ") VALUES (" + strconv.FormatInt(version, 10) + ")"},
	}, nil
}

// SetStamp returns the statement setting the workspace's stamp to version: put it in the batch of
// the DDL that makes the schema that version.
func SetStamp(workspaceID string, version int64) (d1.Stmt, error) {
	table, err := StampTable(workspaceID)
	if err != nil {
		return d1.Stmt{}, err
	}
	return d1.Stmt{SQL: "UPDATE " + quoteIdent(table) + " SET " + quoteIdent("version") + " = ?", Args: []any{version}}, nil
}

// GuardStamp returns the statement that opens a call's first batch: it answers the workspace's
// stamp when the stamp is version, and otherwise fails, and with it the whole batch (D1 runs a
// batch as one transaction). So a first batch that writes writes nothing on a stale schema, and
// the call can run again on the fresh one. It fails by taking abs() of the smallest integer,
// which overflows (IsStaleStamp); the value depends on the stamp's row, so SQLite evaluates it
// only when the stamp differs.
func GuardStamp(workspaceID string, version int64) (d1.Stmt, error) {
	table, err := StampTable(workspaceID)
	if err != nil {
		return d1.Stmt{}, err
	}
	return d1.Stmt{SQL: `SELECT CASE WHEN "v" = ? THEN "v" ELSE abs(-9223372036854775807 - 1 + ("v" - "v")) END FROM (SELECT COALESCE((SELECT ` +
		quoteIdent("version") + " FROM " + quoteIdent(table) + `), -1) AS "v")`, Args: []any{version}}, nil
}

// IsStaleStamp reports whether err is GuardStamp's failure: the batch met a stamp other than its
// version.
func IsStaleStamp(err error) bool {
	return err != nil && strings.Contains(err.Error(), "integer overflow")
}
