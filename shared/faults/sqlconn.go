package faults

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
)

// connector is a database/sql driver over another *sql.DB, asking check before each statement:
// what puts a fault in front of the single statements of a d1.DB. It serves queries and execs
// (no transactions: D1 has none; batches go through d1.DB.Batch).
type connector struct {
	db    *sql.DB
	check func(context.Context) error
}

func (c *connector) Connect(context.Context) (driver.Conn, error) { return conn{c}, nil }
func (c *connector) Driver() driver.Driver                        { return nil }

type conn struct{ c *connector }

var errNoTx = errors.New("faults: transactions are not supported (use d1.DB.Batch)")

func (conn) Prepare(query string) (driver.Stmt, error) {
	return nil, errors.New("faults: prepared statements are not supported")
}
func (conn) Close() error              { return nil }
func (conn) Begin() (driver.Tx, error) { return nil, errNoTx }

func (c conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if err := c.c.check(ctx); err != nil {
		return nil, err
	}
	return c.c.db.ExecContext(ctx, query, values(args)...)
}

func (c conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if err := c.c.check(ctx); err != nil {
		return nil, err
	}
	rows, err := c.c.db.QueryContext(ctx, query, values(args)...)
	if err != nil {
		return nil, err
	}
	cols, err := rows.Columns()
	if err != nil {
		rows.Close()
		return nil, err
	}
	return &sqlRows{rows: rows, cols: cols}, nil
}

// CheckNamedValue takes every argument as it is: the inner *sql.DB converts it.
func (conn) CheckNamedValue(*driver.NamedValue) error { return nil }

func values(args []driver.NamedValue) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if a.Name != "" {
			out[i] = sql.Named(a.Name, a.Value)
		} else {
			out[i] = a.Value
		}
	}
	return out
}

type sqlRows struct {
	rows *sql.Rows
	cols []string
}

func (r *sqlRows) Columns() []string { return r.cols }
func (r *sqlRows) Close() error      { return r.rows.Close() }

func (r *sqlRows) Next(dest []driver.Value) error {
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	vals := make([]any, len(dest))
	ptrs := make([]any, len(dest))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := r.rows.Scan(ptrs...); err != nil {
		return err
	}
	for i, v := range vals {
		dest[i] = v
	}
	return nil
}
