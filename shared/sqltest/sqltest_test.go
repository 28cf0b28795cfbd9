package sqltest_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

func tables(t *testing.T, db *d1.DB) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(),
		`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatalf("scan table name: %v", err)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("list tables: %v", err)
	}
	return names
}

func TestOpenAppliesMigrations(t *testing.T) {
	t.Parallel()
	got := tables(t, sqltest.Open(t))
	for _, want := range []string{"dead_letters", "job_runs", "shard_map", "users", "workspaces"} {
		if !slices.Contains(got, want) {
			t.Errorf("tables after Open = %q, missing %q", got, want)
		}
	}
}

func TestOpenEmptyHasNoTables(t *testing.T) {
	t.Parallel()
	if got := tables(t, sqltest.OpenEmpty(t)); len(got) != 0 {
		t.Errorf("tables after OpenEmpty = %q, want none", got)
	}
}

func TestOpenConstraints(t *testing.T) {
	tests := []struct {
		name    string
		sql     string
		wantErr string // substring of the error; "" means success
	}{
		{
			name: "valid job run",
			sql:  `INSERT INTO job_runs (id, type, status, attempts) VALUES ('j1', 'x', 'dead', 3)`,
		},
		{
			name:    "STRICT rejects TEXT in INTEGER",
			sql:     `INSERT INTO job_runs (id, type, status, attempts) VALUES ('j1', 'x', 'dead', 'three')`,
			wantErr: "cannot store TEXT value in INTEGER column",
		},
		{
			name:    "foreign keys are enforced",
			sql:     `INSERT INTO shard_map (workspace_id, binding) VALUES ('no-such-workspace', 'DB_0')`,
			wantErr: "FOREIGN KEY constraint failed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := sqltest.Open(t)
			_, err := db.ExecContext(t.Context(), tt.sql)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Exec(%s) error = %v, want nil", tt.sql, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Exec(%s) error = %v, want one containing %q", tt.sql, err, tt.wantErr)
			}
		})
	}
}

func TestOpenIsolated(t *testing.T) {
	t.Parallel()
	a, b := sqltest.Open(t), sqltest.Open(t)
	if _, err := a.ExecContext(t.Context(), `INSERT INTO workspaces (id) VALUES ('w1')`); err != nil {
		t.Fatalf("insert into first database: %v", err)
	}
	for _, c := range []struct {
		name string
		db   *d1.DB
		want int64
	}{{"first", a, 1}, {"second", b, 0}} {
		got, err := c.db.Batch(t.Context(), d1.Stmt{SQL: `SELECT count(*) AS n FROM workspaces`})
		if err != nil {
			t.Fatalf("count in %s database: %v", c.name, err)
		}
		want := []d1.Result{{Columns: []string{"n"}, Rows: [][]any{{c.want}}}}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("count in %s database mismatch (-got +want):\n%s", c.name, diff)
		}
	}
}
