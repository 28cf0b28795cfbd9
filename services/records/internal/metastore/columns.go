package metastore

import (
	"context"
	"fmt"
	"strings"

	"github.com/twentyworkers/twenty/shared/d1"
)

// tableColumns reads the columns of a workspace table from its CREATE statement in sqlite_master
// (lower-cased, as SQLite compares them), and whether the table exists. ALTER TABLE keeps that
// statement up to date; ddl always quotes column names.
func tableColumns(ctx context.Context, shard *d1.DB, table string) (map[string]bool, bool, error) {
	res, err := shard.Batch(ctx, d1.Stmt{SQL: `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, Args: []any{table}})
	if err != nil {
		return nil, false, fmt.Errorf("read table %s: %w", table, err)
	}
	if len(res[0].Rows) == 0 {
		return nil, false, nil
	}
	def, _ := res[0].Rows[0][0].(string)
	return columnsOf(def), true, nil
}

// columnsOf returns the names of the columns a CREATE TABLE statement defines: the quoted
// identifier opening each top-level definition inside its parentheses.
func columnsOf(create string) map[string]bool {
	cols := map[string]bool{}
	depth, start := 0, -1
	var quote byte
	for i := 0; i < len(create); i++ {
		c := create[i]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '"', '\'', '`':
			if depth == 1 && start >= 0 && strings.TrimSpace(create[start:i]) == "" && c == '"' {
				end := strings.IndexByte(create[i+1:], '"')
				if end >= 0 {
					cols[strings.ToLower(create[i+1:i+1+end])] = true
				}
			}
			quote = c
		case '(':
			depth++
			if depth == 1 {
				start = i + 1
			}
		case ')':
			depth--
		case ',':
			if depth == 1 {
				start = i + 1
			}
		default:
			if depth == 1 && start >= 0 && c != ' ' && c != '\n' && c != '\t' && c != '\r' {
				start = -1 // the definition did not open with a quoted name
			}
		}
	}
	return cols
}
