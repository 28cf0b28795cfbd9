//go:build !(js && wasm)

package d1

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Wrap adapts a SQLite *sql.DB (for tests and native runs) to a DB whose
// Batch runs the statements in one database/sql transaction, rolled back on
// any error.
//
// Changes is measured as the difference in SQLite's total_changes() around
// each statement, as local D1 (miniflare) does.
func Wrap(db *sql.DB) *DB {
	return &DB{
		DB: db,
		batch: func(ctx context.Context, stmts []Stmt) ([]Result, error) {
			return batchTx(ctx, db, stmts)
		},
	}
}

func batchTx(ctx context.Context, db *sql.DB, stmts []Stmt) (_ []Result, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("d1 batch: begin: %w", err)
	}
	defer func() {
		if err == nil {
			return
		}
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			err = errors.Join(err, fmt.Errorf("d1 batch: rollback: %w", rbErr))
		}
	}()

	before, err := totalChanges(ctx, tx)
	if err != nil {
		return nil, err
	}
	results := make([]Result, len(stmts))
	for i, s := range stmts {
		res, err := query(ctx, tx, s)
		if err != nil {
			return nil, fmt.Errorf("d1 batch: statement %d: %w", i, err)
		}
		after, err := totalChanges(ctx, tx)
		if err != nil {
			return nil, err
		}
		res.Changes, before = after-before, after
		results[i] = res
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("d1 batch: commit: %w", err)
	}
	return results, nil
}

func totalChanges(ctx context.Context, tx *sql.Tx) (int64, error) {
	var n int64
	if err := tx.QueryRowContext(ctx, "SELECT total_changes()").Scan(&n); err != nil {
		return 0, fmt.Errorf("d1 batch: total_changes: %w", err)
	}
	return n, nil
}

// query runs one statement to completion and collects its rows in D1's shape.
func query(ctx context.Context, tx *sql.Tx, s Stmt) (Result, error) {
	rows, err := tx.QueryContext(ctx, s.SQL, s.Args...)
	if err != nil {
		return Result{}, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return Result{}, err
	}
	// Checked even without rows, so tests catch names D1 would garble.
	if err := checkColumns(cols); err != nil {
		return Result{}, err
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return Result{}, err
		}
		for i, v := range vals {
			vals[i] = resultValue(v)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		return Result{}, err
	}
	if err := rows.Close(); err != nil {
		return Result{}, err
	}
	if len(out) == 0 {
		return Result{}, nil // D1 reports no columns for an empty result
	}
	return Result{Columns: cols, Rows: out}, nil
}

// resultValue maps a driver value to what D1 would return for it.
func resultValue(v any) any {
	switch v := v.(type) {
	case float64:
		return number(v)
	case bool: // the SQLite driver decodes BOOLEAN columns
		if v {
			return int64(1)
		}
		return int64(0)
	case time.Time: // the SQLite driver decodes RFC 3339 text and DATETIME columns
		return v.Format(time.RFC3339Nano)
	default:
		return v
	}
}
