package ddl

import (
	"strings"

	"github.com/twentyworkers/twenty/shared/d1"
)

// WorkspacePrefix is how every name the workspace has on its shard starts: its tables, schema
// stamp, search indexes (and their shadow tables) and triggers.
func WorkspacePrefix(workspaceID string) (string, error) {
	key, err := workspaceKey(workspaceID)
	if err != nil {
		return "", err
	}
	return "ws_" + key + "_", nil
}

// SchemaEntry is a row of sqlite_master.
type SchemaEntry struct {
	Type, Name, SQL string
}

// DropWorkspace returns the statements that drop a workspace's schema entries (listed in
// sqlite_master's order, oldest first): all of its triggers and search indexes, and up to
// maxTables of its tables, newest first, so a table goes before the tables it references (whose
// implicit delete would check it); foreign keys are checked at the end of the batch. It answers
// how many tables and indexes the statements drop and whether tables remain for another batch.
func DropWorkspace(entries []SchemaEntry, maxTables int) (stmts []d1.Stmt, dropped int, more bool) {
	var triggers, virtual, tables []d1.Stmt
	var indexes []string
	for _, e := range entries {
		if e.Type == "table" && strings.HasPrefix(strings.ToUpper(e.SQL), "CREATE VIRTUAL TABLE") {
			indexes = append(indexes, e.Name)
		}
	}
	for _, e := range entries {
		switch {
		case e.Type == "trigger":
			triggers = append(triggers, d1.Stmt{SQL: "DROP TRIGGER IF EXISTS " + quoteIdent(e.Name)})
		case e.Type != "table":
		case strings.HasPrefix(strings.ToUpper(e.SQL), "CREATE VIRTUAL TABLE"):
			virtual = append(virtual, d1.Stmt{SQL: "DROP TABLE IF EXISTS " + quoteIdent(e.Name)})
		case shadowOf(e.Name, indexes):
			// An index's shadow table goes with the index.
		default:
			tables = append([]d1.Stmt{{SQL: "DROP TABLE IF EXISTS " + quoteIdent(e.Name)}}, tables...)
		}
	}
	more = len(tables) > maxTables
	tables = tables[:min(len(tables), maxTables)]
	if len(triggers)+len(virtual)+len(tables) == 0 {
		return nil, 0, false
	}
	stmts = append([]d1.Stmt{{SQL: "PRAGMA defer_foreign_keys = true"}}, triggers...)
	stmts = append(append(stmts, virtual...), tables...)
	return stmts, len(virtual) + len(tables), more
}

// shadowOf reports whether name is a shadow table of one of the FTS indexes ("<index>_data", …).
func shadowOf(name string, indexes []string) bool {
	for _, ix := range indexes {
		if strings.HasPrefix(name, ix+"_") {
			return true
		}
	}
	return false
}
