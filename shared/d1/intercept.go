package d1

import (
	"context"
	"database/sql"
)

// Intercept returns a DB that sends single statements to single (a *sql.DB standing in front of
// db's, e.g. package faults' decorator) and asks before before each batch, which runs only if
// before returns nil. It is for tests and the local stack's fault injection; db is unchanged.
func (db *DB) Intercept(single *sql.DB, before func(ctx context.Context) error) *DB {
	next := db.batch
	return &DB{
		DB: single,
		batch: func(ctx context.Context, stmts []Stmt) ([]Result, error) {
			if err := before(ctx); err != nil {
				return nil, err
			}
			return next(ctx, stmts)
		},
	}
}
