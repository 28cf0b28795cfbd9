package twentyimport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/twentyworkers/twenty/services/records/importschema"
)

// D1's limits the copy sizes its statements to: bound parameters per statement and statement
// length. Rows are inserted as multi-row INSERTs of at most maxParams values.
const (
	maxParams         = 100
	maxStatementBytes = 100_000
	// rowsPerBatch rows are written per batch (one transaction, one checkpoint).
	rowsPerBatch = 2000
)

// TablePlan is how one object's rows are copied: the target columns also found in the source
// table, each read through an expression converting Twenty's PostgreSQL value to ours.
type TablePlan struct {
	Object      string
	Source      pgx.Identifier // schema, table
	Target      string
	Columns     []importschema.Column
	Exprs       []string
	MissingCols []string // target columns the source lacks (they get their defaults)
	ExtraCols   []string // source columns no field describes (not imported)
	Absent      bool     // the source has no table
	SourceRows  int64
}

// planTable matches an object's columns with its source table's.
func (s *Source) planTable(ctx context.Context, workspaceID, schema, table string, o importschema.Object) (TablePlan, error) {
	target, err := importschema.TableName(workspaceID, o.NameSingular)
	if err != nil {
		return TablePlan{}, err
	}
	p := TablePlan{Object: o.NameSingular, Source: pgx.Identifier{schema, table}, Target: target}
	src, err := s.TableColumns(ctx, schema, table)
	if err != nil {
		return p, err
	}
	if src == nil {
		p.Absent = true
		return p, nil
	}
	seen := map[string]bool{"searchVector": true} // tsvector: D1 searches without it
	for _, f := range o.Fields {
		for _, c := range importschema.Columns(f) {
			seen[c.Name] = true
			typ, ok := src[c.Name]
			if !ok {
				p.MissingCols = append(p.MissingCols, c.Name)
				continue
			}
			p.Columns = append(p.Columns, c)
			p.Exprs = append(p.Exprs, withDefault(valueExpr(c, typ), c))
		}
	}
	for name := range src {
		if !seen[name] {
			p.ExtraCols = append(p.ExtraCols, name)
		}
	}
	sort.Strings(p.ExtraCols)
	if !slices.ContainsFunc(p.Columns, func(c importschema.Column) bool { return c.Name == "id" }) {
		return p, fmt.Errorf("%s has no id column", p.Source.Sanitize())
	}
	err = s.conn.QueryRow(ctx, `SELECT count(*) FROM `+p.Source.Sanitize()).Scan(&p.SourceRows)
	return p, err
}

// valueExpr is the SQL reading column c from a PostgreSQL column of type pgType as the value the
// records Worker stores: timestamps as UTC text with milliseconds, dates as YYYY-MM-DD, booleans as
// 0/1, currency micros as integers, numbers and positions as doubles, JSON, arrays and
// multi-selects (PostgreSQL arrays of text or enums) as JSON text, enums and UUIDs as text; a
// unique text column holds NULL, never "".
func valueExpr(c importschema.Column, pgType string) string {
	col := pgx.Identifier{c.Name}.Sanitize()
	switch {
	case pgType == "timestamp with time zone" || pgType == "timestamp without time zone":
		return tsExpr(col)
	case pgType == "date":
		return `to_char(` + col + `, 'YYYY-MM-DD')`
	case c.SQLType == importschema.SQLInteger && pgType == "boolean":
		return col + `::int`
	case c.SQLType == importschema.SQLInteger:
		return `round(` + col + `::numeric)::bigint`
	case c.SQLType == importschema.SQLReal:
		return col + `::float8`
	case pgType == "ARRAY":
		return `to_jsonb(` + col + `)::text`
	case c.Unique:
		return `nullif(` + col + `::text, '')`
	default:
		return col + `::text`
	}
}

// withDefault fills a NULL read for a NOT NULL column with the column's constant default, as an
// insert leaving the column out would (Twenty leaves some columns nullable that the records
// Worker does not, e.g. position in older versions).
func withDefault(expr string, c importschema.Column) string {
	if c.Nullable {
		return expr
	}
	switch d := c.Default.(type) {
	case string:
		return `coalesce(` + expr + `, '` + strings.ReplaceAll(d, "'", "''") + `')`
	case int64:
		return `coalesce(` + expr + `, ` + strconv.FormatInt(d, 10) + `)`
	case float64:
		return `coalesce(` + expr + `, ` + strconv.FormatFloat(d, 'g', -1, 64) + `::float8)`
	}
	return expr
}

// Checkpoint is how far the copy of one table got.
type Checkpoint struct {
	LastID string
	Rows   int64
}

// ErrInterrupted reports a copy stopped before its end.
var ErrInterrupted = errors.New("import interrupted")

const checkpointTable = "_twenty_import_progress"

func ensureCheckpoints(ctx context.Context, shard *sql.DB) error {
	_, err := shard.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS "`+checkpointTable+`" (target TEXT PRIMARY KEY, last_id TEXT NOT NULL, rows INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0) STRICT`)
	return err
}

func readCheckpoint(ctx context.Context, shard *sql.DB, target string) (Checkpoint, bool, error) {
	var c Checkpoint
	var done int
	err := shard.QueryRowContext(ctx, `SELECT last_id, rows, done FROM "`+checkpointTable+`" WHERE target = ?`, target).Scan(&c.LastID, &c.Rows, &done)
	if err == sql.ErrNoRows {
		return c, false, nil
	}
	return c, done == 1, err
}

// copyTable copies p's rows after the table's checkpoint, rowsPerBatch at a time: each batch's
// inserts and its checkpoint commit together, and inserts skip ids already there, so an
// interrupted copy resumes without duplicating a row. progress is called after every batch.
//
// stop, when set, is asked before every batch with the rows copied so far; true interrupts the
// copy (tests use it to stand for a killed import).
func copyTable(ctx context.Context, src *Source, shard *sql.DB, p TablePlan, progress func(done int64), stop func(object string, done int64) bool) (int64, error) {
	cp, done, err := readCheckpoint(ctx, shard, p.Target)
	if err != nil || done {
		return cp.Rows, err
	}
	names := make([]string, len(p.Columns))
	for i, c := range p.Columns {
		names[i] = `"` + c.Name + `"`
	}
	perStmt := max(1, maxParams/len(p.Columns))
	sel := `SELECT ` + strings.Join(p.Exprs, ", ") + ` FROM ` + p.Source.Sanitize()
	limit := ` ORDER BY "id" LIMIT ` + fmt.Sprint(rowsPerBatch)
	idIdx := slices.IndexFunc(p.Columns, func(c importschema.Column) bool { return c.Name == "id" })
	total := cp.Rows
	progress(total)
	for {
		if stop != nil && stop(p.Object, total) {
			return total, ErrInterrupted
		}
		var rows pgx.Rows
		if cp.LastID == "" {
			rows, err = src.conn.Query(ctx, sel+limit)
		} else {
			rows, err = src.conn.Query(ctx, sel+` WHERE "id" > $1::uuid`+limit, cp.LastID)
		}
		if err != nil {
			return total, fmt.Errorf("read %s: %w", p.Source.Sanitize(), err)
		}
		batch, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]any, error) { return r.Values() })
		if err != nil {
			return total, fmt.Errorf("read %s: %w", p.Source.Sanitize(), err)
		}
		var stmts []stmt
		for start := 0; start < len(batch); {
			s, n := insertStmt(p.Target, names, batch[start:min(len(batch), start+perStmt)])
			stmts = append(stmts, s)
			start += n
		}
		last := cp.LastID
		if len(batch) > 0 {
			last = batch[len(batch)-1][idIdx].(string)
		}
		finished := len(batch) < rowsPerBatch
		stmts = append(stmts, stmt{`INSERT INTO "` + checkpointTable + `" (target, last_id, rows, done) VALUES (?, ?, ?, ?)
ON CONFLICT (target) DO UPDATE SET last_id = excluded.last_id, rows = excluded.rows, done = excluded.done`,
			[]any{p.Target, last, total + int64(len(batch)), b2i(finished)}})
		if err := execTx(ctx, shard, stmts); err != nil {
			return total, fmt.Errorf("write %s: %w", p.Target, err)
		}
		total += int64(len(batch))
		cp.LastID = last
		progress(total)
		if finished {
			return total, nil
		}
	}
}

// insertStmt builds one multi-row INSERT of as many of rows as fit D1's statement size, and
// answers how many it took (at least one).
func insertStmt(table string, cols []string, rows [][]any) (stmt, int) {
	head := `INSERT INTO "` + table + `" (` + strings.Join(cols, ", ") + `) VALUES `
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	var b strings.Builder
	b.WriteString(head)
	args := make([]any, 0, len(rows)*len(cols))
	size := b.Len()
	n := 0
	for _, r := range rows {
		rowSize := len(tuple) + 2
		for _, v := range r {
			if s, ok := v.(string); ok {
				rowSize += len(s) // D1 counts bound values into the statement's size
			}
		}
		if n > 0 && size+rowSize > maxStatementBytes-64 {
			break
		}
		if n > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
		args = append(args, r...)
		size += rowSize
		n++
	}
	b.WriteString(` ON CONFLICT ("id") DO NOTHING`)
	return stmt{b.String(), args}, n
}
