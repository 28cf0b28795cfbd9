package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

// deleteMany soft-deletes the records sel selects among obj's live records (soft-deleted ones
// too when a filter names deletedAt): their deletedAt becomes now. It answers them as deleted,
// rendered with shape, in id order, and a Change per record.
//
// A selection by id that finds no live record is CodeRecordNotFound; an empty filter is refused
// ("A non-empty filter is required"), and so is a filter selecting more than MaxMutationRecords
// records. One read, then one atomic batch; by id, the batch alone (mutation.oneTrip).
func (e *Engine) deleteMany(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, sel Selection, shape Shape) (*Mutation, error) {
	table, err := ddl.TableName(workspaceID, obj.NameSingular)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	now := time.Now().UTC().Format(metadata.DateTimeLayout)
	return e.run(ctx, db, workspaceID, obj, all, sel, shape, mutation{
		verb:   "delete",
		action: ActionDeleted,
		vis:    liveRecords,
		writes: func(idList string) []d1.Stmt {
			return []d1.Stmt{{
				SQL:  "UPDATE " + quoteIdent(table) + " SET " + quoteIdent("deletedAt") + " = ? WHERE " + quoteIdent("id") + " IN (SELECT value FROM json_each(?))",
				Args: []any{now, idList},
			}}
		},
		oneTrip: true,
	})
}

// destroyMany removes the records sel selects, soft-deleted ones included (Twenty destroys
// through a DELETE that sees them all), and answers them as they were, rendered with shape, in
// id order. The foreign keys' ON DELETE actions apply: the favorites of a destroyed person go
// with it, the people of a destroyed company lose their companyId. A record that a RESTRICT
// relation still references is not destroyed (a *QueryError).
//
// A selection by id that finds no record is CodeRecordNotFound; an empty filter is refused, and
// so is a filter selecting more than MaxMutationRecords records. The Changes have no After.
func (e *Engine) destroyMany(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, sel Selection, shape Shape) (*Mutation, error) {
	table, err := ddl.TableName(workspaceID, obj.NameSingular)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	return e.run(ctx, db, workspaceID, obj, all, sel, shape, mutation{
		verb:   "destroy",
		action: ActionDestroyed,
		vis:    anyRecords,
		writes: func(idList string) []d1.Stmt {
			return []d1.Stmt{{
				SQL:  "DELETE FROM " + quoteIdent(table) + " WHERE " + quoteIdent("id") + " IN (SELECT value FROM json_each(?))",
				Args: []any{idList},
			}}
		},
		destroy:    true,
		constraint: func(err error) *QueryError { return destroyConstraintError(obj, err) },
		oneTrip:    true,
	})
}

// restoreMany clears deletedAt on the records sel selects, which sees soft-deleted records (a
// live record it selects stays as it is), and answers them as restored, rendered with shape, in
// id order. Only the records that were soft-deleted get a Change.
//
// A selection by id that finds no record is CodeRecordNotFound; an empty filter is refused, and
// so is a filter selecting more than MaxMutationRecords records.
func (e *Engine) restoreMany(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, sel Selection, shape Shape) (*Mutation, error) {
	table, err := ddl.TableName(workspaceID, obj.NameSingular)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	deletedAt := quoteIdent("deletedAt")
	return e.run(ctx, db, workspaceID, obj, all, sel, shape, mutation{
		verb:   "restore",
		action: ActionRestored,
		vis:    anyRecords,
		writes: func(idList string) []d1.Stmt {
			return []d1.Stmt{{
				SQL: "UPDATE " + quoteIdent(table) + " SET " + deletedAt + " = NULL WHERE " + quoteIdent("id") +
					" IN (SELECT value FROM json_each(?)) AND " + deletedAt + " IS NOT NULL",
				Args: []any{idList},
			}}
		},
		changed: func(before map[string]any) bool { return before["deletedAt"] != nil },
	})
}

// destroyConstraintError maps the foreign key a destroy broke (a RESTRICT relation still
// referencing a record) to PostgreSQL's message as Twenty passes it on, without the constraint's
// name, which SQLite does not give.
func destroyConstraintError(obj metadata.Object, err error) *QueryError {
	if strings.Contains(err.Error(), "FOREIGN KEY constraint failed") {
		return &QueryError{Code: CodeInvalidData, Message: fmt.Sprintf("update or delete on table \"%s\" violates foreign key constraint", obj.NameSingular), Err: err}
	}
	return nil
}
