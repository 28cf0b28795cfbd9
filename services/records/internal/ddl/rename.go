package ddl

import (
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

// RenameObject returns the statements that move object from's table to the name of to, the same
// object renamed (metadata.RenameObject); a new plural name alone needs none. SQLite's ALTER TABLE
// RENAME TO keeps the rows and rewrites the foreign keys of the tables referencing it, but not the
// names of its indexes, which are named after the table: they are dropped and created again under
// the new name. The link fields renamed with the object are UpdateField's.
func RenameObject(workspaceID string, from, to metadata.Object) ([]d1.Stmt, error) {
	if from.NameSingular == to.NameSingular {
		return nil, nil
	}
	oldTable, err := TableName(workspaceID, from.NameSingular)
	if err != nil {
		return nil, err
	}
	newTable, err := TableName(workspaceID, to.NameSingular)
	if err != nil {
		return nil, err
	}
	if err := metadata.ValidateObject(to); err != nil {
		return nil, err
	}
	stmts, err := DropSearch(workspaceID, from)
	if err != nil {
		return nil, err
	}
	for _, f := range from.Fields {
		for _, ix := range fieldIndexes(oldTable, f) {
			stmts = append(stmts, d1.Stmt{SQL: ix.drop})
		}
	}
	stmts = append(stmts, d1.Stmt{SQL: "ALTER TABLE " + quoteIdent(oldTable) + " RENAME TO " + quoteIdent(newTable)})
	for _, f := range to.Fields {
		for _, ix := range fieldIndexes(newTable, f) {
			stmts = append(stmts, d1.Stmt{SQL: ix.create})
		}
	}
	return checkSizes(stmts)
}
