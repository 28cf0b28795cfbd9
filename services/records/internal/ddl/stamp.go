package ddl

import (
	"strconv"

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

// ReadStamp returns the statement reading the workspace's stamp (one row, one column).
func ReadStamp(workspaceID string) (d1.Stmt, error) {
	table, err := StampTable(workspaceID)
	if err != nil {
		return d1.Stmt{}, err
	}
	return d1.Stmt{SQL: "SELECT " + quoteIdent("version") + " FROM " + quoteIdent(table)}, nil
}
