package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

// updateMany applies one partial update, data (a JSON object as Twenty's API takes it), to the
// records sel selects among obj's live records (soft-deleted ones too when a filter names
// deletedAt), and answers them as updated, rendered with shape, in id order.
//
// data is validated as CreateMany validates a record, before anything is read; the fields it
// leaves out are left as they are, and a composite field it gives sets the sub-fields given only
// (Twenty's partial composite update: {"name":{"firstName":"A"}} keeps lastName). id, createdAt
// and createdBy are never changed; updatedAt becomes now (unless given) and updatedBy the actor.
// A position of "first" or "last" puts the records before or after the table's others.
//
// A selection by id that finds no live record is CodeRecordNotFound ("Record not found"); an
// empty filter is refused ("A non-empty filter is required"), and so is a filter selecting more
// than MaxMutationRecords records. The Changes carry every record before and after, and the
// fields whose values changed.
func (e *Engine) updateMany(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, actor Actor, sel Selection, data map[string]any, shape Shape) (*Mutation, error) {
	table, err := ddl.TableName(workspaceID, obj.NameSingular)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	if err := actor.validate("update", obj); err != nil {
		return nil, err
	}
	wc := newWriteContext(workspaceID, obj, actor)
	r, err := wc.prepareUpdate(data)
	if err != nil {
		return nil, err
	}
	sets := wc.setClauses(table, r)
	return e.run(ctx, db, workspaceID, obj, all, sel, shape, mutation{
		verb:   "update",
		action: ActionUpdated,
		vis:    liveRecords,
		writes: func(idList string) []d1.Stmt {
			return updateStatements(table, sets, col(mainAlias, "id")+" IN (SELECT value FROM json_each(?))", []any{idList})
		},
		diff:       true,
		constraint: func(err error) *QueryError { return constraintError(obj, err) },
		oneTrip:    true,
	})
}

// keptOnUpdate are the fields an update never changes.
var keptOnUpdate = []string{"id", "createdAt", "createdBy"}

// prepareUpdate validates an update's data as prepare validates a record and converts it to the
// column values to set: only the fields given (and, of a composite, the sub-fields given), then
// updatedAt (now, unless given) and updatedBy (the actor). Its position spec is positionGiven,
// with or without a position value, unless data asks for "first" or "last".
func (wc *writeContext) prepareUpdate(data map[string]any) (*newRow, error) {
	r := &newRow{values: map[string]any{}, position: positionGiven}
	for _, key := range slices.Sorted(maps.Keys(data)) {
		if slices.Contains(keptOnUpdate, key) {
			continue
		}
		if _, err := wc.setField(r, key, data[key]); err != nil {
			return nil, err
		}
	}
	if _, ok := wc.obj.Field("updatedAt"); ok {
		if _, set := r.values["updatedAt"]; !set {
			r.values["updatedAt"] = wc.now.Format(metadata.DateTimeLayout)
		}
	}
	if f, ok := wc.obj.Field("updatedBy"); ok && f.Type == metadata.TypeActor {
		if err := wc.composite(f, metadata.Columns(f), wc.actorValue(), r.values); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// setClause is one assignment of an UPDATE's SET clause and the values it binds.
type setClause struct {
	sql  string
	args []any
}

// setClauses returns the assignments of a prepared update, in table order: one per column it
// sets, and the position Twenty gives "first" (below the table's lowest, 0 in an empty table) or
// "last" (above its highest).
func (wc *writeContext) setClauses(table string, r *newRow) []setClause {
	var sets []setClause
	for _, c := range objectColumns(wc.obj) {
		if v, ok := r.values[c.Name]; ok {
			sets = append(sets, setClause{sql: quoteIdent(c.Name) + " = ?", args: []any{v}})
		}
	}
	if r.position == positionFirst || r.position == positionLast {
		agg, op := "MIN", "-"
		if r.position == positionLast {
			agg, op = "MAX", "+"
		}
		pos := quoteIdent("position")
		sets = append(sets, setClause{sql: pos + " = (SELECT COALESCE(" + agg + "(" + pos + "), 1) " + op + " 1 FROM " +
			quoteIdent(table) + " WHERE " + quoteIdent("deletedAt") + " IS NULL)"})
	}
	return sets
}

// updateStatements returns the UPDATEs of table assigning sets to the rows where selects (an
// SQL condition over the table, aliased "t", binding whereArgs): as many statements as it takes
// to bind at most d1.MaxParams values each. They belong in one batch, which makes them one
// atomic update.
func updateStatements(table string, sets []setClause, where string, whereArgs []any) []d1.Stmt {
	var stmts []d1.Stmt
	head := "UPDATE " + quoteIdent(table) + " AS " + quoteIdent(mainAlias) + " SET "
	var parts []string
	var args []any
	flush := func() {
		if len(parts) == 0 {
			return
		}
		stmts = append(stmts, d1.Stmt{SQL: head + strings.Join(parts, ", ") + " WHERE " + where, Args: append(args, whereArgs...)})
		parts, args = nil, nil
	}
	for _, s := range sets {
		if len(parts) > 0 && len(args)+len(s.args)+len(whereArgs) > d1.MaxParams {
			flush()
		}
		parts = append(parts, s.sql)
		args = append(args, s.args...)
	}
	flush()
	return stmts
}
