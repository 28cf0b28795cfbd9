package d1_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

// openTable returns a database with table t (id INTEGER PRIMARY KEY, v UNIQUE, n REAL).
func openTable(t *testing.T) *d1.DB {
	t.Helper()
	db := sqltest.OpenEmpty(t)
	if _, err := db.ExecContext(t.Context(), `CREATE TABLE t (id INTEGER PRIMARY KEY, v ANY UNIQUE, n REAL) STRICT`); err != nil {
		t.Fatalf("create table: %v", err)
	}
	return db
}

func count(t *testing.T, db *d1.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(t.Context(), `SELECT count(*) FROM t`).Scan(&n); err != nil {
		t.Fatalf("count: %v", err)
	}
	return n
}

func TestBatchResults(t *testing.T) {
	tests := []struct {
		name  string
		stmts []d1.Stmt
		want  []d1.Result
	}{
		{
			name: "writes report changes",
			stmts: []d1.Stmt{
				{SQL: `INSERT INTO t (id, v) VALUES (?, ?)`, Args: []any{1, "a"}},
				{SQL: `INSERT INTO t (id, v) VALUES (?, ?), (?, ?)`, Args: []any{2, "b", 3, "c"}},
				{SQL: `UPDATE t SET n = 1.5 WHERE id > ?`, Args: []any{1}},
				{SQL: `DELETE FROM t WHERE id = ?`, Args: []any{3}},
				{SQL: `UPDATE t SET n = 0 WHERE id = ?`, Args: []any{42}},
			},
			want: []d1.Result{{Changes: 1}, {Changes: 2}, {Changes: 2}, {Changes: 1}, {Changes: 0}},
		},
		{
			name: "select sees earlier statements and changes nothing",
			stmts: []d1.Stmt{
				{SQL: `INSERT INTO t (id, v, n) VALUES (?, ?, ?)`, Args: []any{1, "a", 2.5}},
				{SQL: `INSERT INTO t (id, v, n) VALUES (?, ?, ?)`, Args: []any{2, []byte{0, 1, 255}, 2.0}},
				{SQL: `INSERT INTO t (id, v, n) VALUES (?, ?, ?)`, Args: []any{3, nil, nil}},
				{SQL: `SELECT id, v, n FROM t ORDER BY id`},
			},
			want: []d1.Result{
				{Changes: 1}, {Changes: 1}, {Changes: 1},
				{
					Columns: []string{"id", "v", "n"},
					Rows: [][]any{
						{int64(1), "a", 2.5},
						{int64(2), []byte{0, 1, 255}, int64(2)}, // integral REAL comes back as int64, as from D1
						{int64(3), nil, nil},
					},
				},
			},
		},
		{
			name: "select with no rows has no columns",
			stmts: []d1.Stmt{
				{SQL: `SELECT id, v FROM t WHERE id = ?`, Args: []any{1}},
			},
			want: []d1.Result{{}},
		},
		{
			name: "returning reports rows and changes",
			stmts: []d1.Stmt{
				{SQL: `INSERT INTO t (id, v) VALUES (?, ?), (?, ?) RETURNING id, v AS value`, Args: []any{7, "x", 8, "y"}},
			},
			want: []d1.Result{{
				Columns: []string{"id", "value"},
				Rows:    [][]any{{int64(7), "x"}, {int64(8), "y"}},
				Changes: 2,
			}},
		},
		{
			name: "single column may be named like an index",
			stmts: []d1.Stmt{
				{SQL: `SELECT 1`},
			},
			want: []d1.Result{{Columns: []string{"1"}, Rows: [][]any{{int64(1)}}}},
		},
		{
			name: "100 parameters are allowed",
			stmts: []d1.Stmt{
				{SQL: `INSERT INTO t (v) VALUES ` + strings.Repeat("(?), ", 99) + "(?)", Args: seq(100)},
			},
			want: []d1.Result{{Changes: 100}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := openTable(t)
			got, err := db.Batch(t.Context(), tt.stmts...)
			if err != nil {
				t.Fatalf("Batch() error = %v", err)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("Batch() results mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestBatchArgs(t *testing.T) {
	type label string
	when := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("CEST", 2*3600))
	s := "pointer"
	tests := []struct {
		name string
		arg  any
		want any
	}{
		{name: "nil", arg: nil, want: nil},
		{name: "string", arg: "s", want: "s"},
		{name: "named string", arg: label("l"), want: "l"},
		{name: "pointer", arg: &s, want: "pointer"},
		{name: "int", arg: 42, want: int64(42)},
		{name: "uint8", arg: uint8(255), want: int64(255)},
		{name: "max safe int", arg: int64(1<<53 - 1), want: int64(1<<53 - 1)},
		{name: "min safe int", arg: int64(-(1<<53 - 1)), want: int64(-(1<<53 - 1))},
		{name: "float", arg: 0.25, want: 0.25},
		{name: "true", arg: true, want: int64(1)},
		{name: "false", arg: false, want: int64(0)},
		{name: "time", arg: when, want: "2024-05-06T05:08:09.123456789Z"},
		{name: "bytes", arg: []byte("b"), want: []byte("b")},
		{name: "valuer", arg: sql.NullString{String: "v", Valid: true}, want: "v"},
		{name: "null valuer", arg: sql.NullInt64{}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := sqltest.OpenEmpty(t)
			got, err := db.Batch(t.Context(), d1.Stmt{SQL: `SELECT ? AS v`, Args: []any{tt.arg}})
			if err != nil {
				t.Fatalf("Batch(%#v) error = %v", tt.arg, err)
			}
			want := []d1.Result{{Columns: []string{"v"}, Rows: [][]any{{tt.want}}}}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("Batch(%#v) mismatch (-got +want):\n%s", tt.arg, diff)
			}
		})
	}
}

func TestBatchRejects(t *testing.T) {
	tests := []struct {
		name string
		stmt d1.Stmt
		want error
	}{
		{
			name: "too many params",
			stmt: d1.Stmt{SQL: `INSERT INTO t (v) VALUES ` + strings.Repeat("(?), ", 100) + "(?)", Args: seq(101)},
			want: d1.ErrTooManyParams,
		},
		{
			name: "integer above 2^53-1",
			stmt: d1.Stmt{SQL: `INSERT INTO t (v) VALUES (?)`, Args: []any{int64(1 << 53)}},
			want: d1.ErrIntOutOfRange,
		},
		{
			name: "integer below -(2^53-1)",
			stmt: d1.Stmt{SQL: `INSERT INTO t (v) VALUES (?)`, Args: []any{int64(-1 << 53)}},
			want: d1.ErrIntOutOfRange,
		},
		{
			name: "duplicate column names",
			stmt: d1.Stmt{SQL: `INSERT INTO t (id, v) VALUES (1, 'a') RETURNING id, v AS id`},
			want: d1.ErrAmbiguousColumns,
		},
		{
			name: "index-like column name among others",
			stmt: d1.Stmt{SQL: `INSERT INTO t (id, v) VALUES (1, 'a') RETURNING v, 1`},
			want: d1.ErrAmbiguousColumns,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := openTable(t)
			first := d1.Stmt{SQL: `INSERT INTO t (id, v) VALUES (?, ?)`, Args: []any{100, "first"}}
			got, err := db.Batch(t.Context(), first, tt.stmt)
			if !errors.Is(err, tt.want) {
				t.Errorf("Batch() = %v, %v; want error wrapping %v", got, err, tt.want)
			}
			if n := count(t, db); n != 0 {
				t.Errorf("rows after rejected batch = %d, want 0", n)
			}
		})
	}
}

func TestBatchAtomic(t *testing.T) {
	db := openTable(t)
	if _, err := db.Batch(t.Context(), d1.Stmt{SQL: `INSERT INTO t (id, v) VALUES (1, 'kept')`}); err != nil {
		t.Fatalf("seed Batch() error = %v", err)
	}

	got, err := db.Batch(t.Context(),
		d1.Stmt{SQL: `INSERT INTO t (id, v) VALUES (?, ?)`, Args: []any{2, "new"}},
		d1.Stmt{SQL: `INSERT INTO t (id, v) VALUES (?, ?)`, Args: []any{3, "kept"}}, // violates UNIQUE (v)
		d1.Stmt{SQL: `INSERT INTO t (id, v) VALUES (?, ?)`, Args: []any{4, "never"}},
	)
	if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Errorf("Batch() = %v, %v; want a UNIQUE constraint error", got, err)
	}

	rows, err := db.Batch(t.Context(), d1.Stmt{SQL: `SELECT id, v FROM t ORDER BY id`})
	if err != nil {
		t.Fatalf("select Batch() error = %v", err)
	}
	want := []d1.Result{{Columns: []string{"id", "v"}, Rows: [][]any{{int64(1), "kept"}}}}
	if diff := cmp.Diff(rows, want); diff != "" {
		t.Errorf("table after failed batch mismatch (-got +want):\n%s", diff)
	}
}

func TestBatchEmpty(t *testing.T) {
	got, err := (&d1.DB{}).Batch(context.Background())
	if got != nil || err != nil {
		t.Errorf("Batch() = %v, %v; want nil, nil", got, err)
	}
}

func TestBatchCanceled(t *testing.T) {
	db := openTable(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	got, err := db.Batch(ctx, d1.Stmt{SQL: `INSERT INTO t (v) VALUES ('x')`})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Batch(canceled) = %v, %v; want error wrapping %v", got, err, context.Canceled)
	}
	if n := count(t, db); n != 0 {
		t.Errorf("rows after canceled batch = %d, want 0", n)
	}
}

// seq returns the arguments 0, 1, ..., n-1.
func seq(n int) []any {
	args := make([]any, n)
	for i := range args {
		args[i] = i
	}
	return args
}
