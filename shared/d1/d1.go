// Package d1 is the database seam shared by every Worker.
//
// A [DB] embeds a *sql.DB for single statements and adds [DB.Batch] for
// atomic multi-statement work, because Cloudflare D1 has no interactive
// transactions: BEGIN/COMMIT are rejected and the only atomic unit is
// D1Database.batch().
//
// In a Worker (GOOS=js GOARCH=wasm), [Open] binds to a D1 binding: the *sql.DB
// uses github.com/syumai/workers' "d1" driver and Batch calls batch() through
// syscall/js. Natively, [Wrap] adapts any *sql.DB (the tests use SQLite via
// package sqltest) and Batch runs the statements in one transaction.
//
// Both implementations validate and convert arguments the same way before
// anything runs, and shape results the same way, so code tested natively
// behaves the same on D1. See [DB.Batch] for the contract.
package d1

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"time"
)

// MaxParams is the most bound parameters D1 accepts in one statement.
const MaxParams = 100

// maxSafeInt is JavaScript's Number.MAX_SAFE_INTEGER (2^53 - 1). Arguments
// reach D1 as JS numbers, which cannot hold larger integers exactly.
const maxSafeInt = 1<<53 - 1

var (
	// ErrTooManyParams reports a statement with more than [MaxParams] arguments.
	// Callers may map it to an invalid-argument (400) error.
	ErrTooManyParams = errors.New("d1: too many bound parameters")

	// ErrIntOutOfRange reports an integer argument outside ±(2^53-1), which
	// a JavaScript number cannot represent exactly.
	ErrIntOutOfRange = errors.New("d1: integer argument out of JavaScript safe range")

	// ErrAmbiguousColumns reports a batch statement whose result columns D1
	// cannot return faithfully: duplicate names, or several columns of which one
	// is named like an array index ("0", "42"). See [DB.Batch].
	ErrAmbiguousColumns = errors.New("d1: ambiguous result column names")
)

// Stmt is one SQL statement with positional ? arguments (D1 ignores named args).
type Stmt struct {
	SQL  string
	Args []any
}

// Result is what one statement of a batch returned.
//
// Columns and Rows are nil when the statement returned no rows. Each value in
// Rows is nil, int64, float64, string or []byte.
type Result struct {
	Columns []string
	Rows    [][]any
	// Changes is the number of rows the statement inserted, updated or deleted,
	// including rows changed by triggers and foreign-key actions; 0 for a SELECT.
	Changes int64
}

// DB is a database: *sql.DB for single statements, Batch for atomic multi-statement work.
type DB struct {
	*sql.DB
	batch func(ctx context.Context, stmts []Stmt) ([]Result, error)
}

// Batch runs stmts atomically (all applied or none) in one round trip, returning one Result per statement.
//
// Before anything runs, Batch rejects a statement with more than [MaxParams]
// arguments (error wrapping [ErrTooManyParams]) and converts every argument to
// what D1 stores:
//   - nil, string, []byte and float64 as they are;
//   - any Go integer as int64, rejecting values beyond ±(2^53-1) with
//     [ErrIntOutOfRange];
//   - bool as 1 or 0;
//   - time.Time as an RFC 3339 string in UTC with nanoseconds
//     (time.RFC3339Nano);
//   - driver.Valuer, pointers and named types the way database/sql does.
//
// Row values follow D1's JSON types: a number with no fractional part comes
// back as int64 even from a REAL column, others as float64.
//
// D1's batch() returns each row as a JavaScript object keyed by column name,
// so result column names must be unique, and a statement returning two or
// more columns must not name one like an array index ("0", "1", ...); alias
// them (SELECT count(*) AS n). Batch returns an error wrapping
// [ErrAmbiguousColumns] for such statements (natively, before committing).
//
// If ctx ends while D1 is running the batch, Batch returns ctx's error, yet
// the batch may still be applied (entirely). An empty batch returns nil, nil.
func (db *DB) Batch(ctx context.Context, stmts ...Stmt) ([]Result, error) {
	if len(stmts) == 0 {
		return nil, nil
	}
	if db.batch == nil {
		return nil, errors.New("d1: DB was not created by Open or Wrap")
	}
	norm := make([]Stmt, len(stmts))
	for i, s := range stmts {
		if len(s.Args) > MaxParams {
			return nil, fmt.Errorf("d1 batch: statement %d has %d parameters, at most %d allowed: %w", i, len(s.Args), MaxParams, ErrTooManyParams)
		}
		args := make([]any, len(s.Args))
		for j, a := range s.Args {
			v, err := convertArg(a)
			if err != nil {
				return nil, fmt.Errorf("d1 batch: statement %d argument %d: %w", i, j, err)
			}
			args[j] = v
		}
		norm[i] = Stmt{SQL: s.SQL, Args: args}
	}
	return db.batch(ctx, norm)
}

// convertArg converts a Go argument to nil, int64, float64, string or []byte.
func convertArg(a any) (any, error) {
	v, err := driver.DefaultParameterConverter.ConvertValue(a)
	if err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case nil, float64, string, []byte:
		return v, nil
	case int64:
		if v > maxSafeInt || v < -maxSafeInt {
			return nil, fmt.Errorf("%d: %w", v, ErrIntOutOfRange)
		}
		return v, nil
	case bool:
		if v {
			return int64(1), nil
		}
		return int64(0), nil
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano), nil
	default:
		return nil, fmt.Errorf("unsupported argument type %T", v)
	}
}

// number converts a numeric result value the way D1's JSON does: integral
// values become int64.
func number(f float64) any {
	if f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
		return int64(f)
	}
	return f // fractional, NaN, ±Inf or out of int64 range
}

// checkColumns reports whether cols survive D1's rows-as-objects encoding:
// duplicate names collapse into one key, and JavaScript orders array-index
// keys before all others.
func checkColumns(cols []string) error {
	if len(cols) < 2 {
		return nil
	}
	seen := make(map[string]bool, len(cols))
	for _, c := range cols {
		if seen[c] {
			return fmt.Errorf("column %q appears twice: %w", c, ErrAmbiguousColumns)
		}
		seen[c] = true
		if isArrayIndex(c) {
			return fmt.Errorf("column %q is an array index, which JavaScript reorders: %w", c, ErrAmbiguousColumns)
		}
	}
	return nil
}

// isArrayIndex reports whether s is a canonical array index (0 to 2^32-2),
// which JavaScript objects enumerate first, in numeric order.
func isArrayIndex(s string) bool {
	if s == "" || len(s) > 10 || (len(s) > 1 && s[0] == '0') {
		return false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + uint64(c-'0')
	}
	return n <= math.MaxUint32-1
}
