package engine

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/shared/d1"
)

// interleaved is a Batcher that runs a concurrent write (another request's) right after a
// mutation's first read, before its write batch: the window a read-then-write leaves open.
type interleaved struct {
	db      *d1.DB
	batches atomic.Int32
	between func(ctx context.Context)
}

func (b *interleaved) Batch(ctx context.Context, stmts ...d1.Stmt) ([]d1.Result, error) {
	res, err := b.db.Batch(ctx, stmts...)
	if b.batches.Add(1) == 1 && b.between != nil {
		b.between(ctx)
	}
	return res, err
}

// TestConditionalUpdateRacingAnotherWrite checks that a filtered update whose records stop meeting
// the filter between its read and its write (another request changed them) writes nothing to
// them: the write batch's guard fails it whole and the update runs again on what the filter
// selects then. Two conditional edits of one record (the workflow builder's, on updatedAt) so
// never both succeed.
func TestConditionalUpdateRacingAnotherWrite(t *testing.T) {
	tests := []struct {
		name       string
		concurrent string // the other request's change
		wantCity   string
		wantLen    int
	}{
		{"the other write takes the record out of the filter", `UPDATE %s SET city = 'Rome', jobTitle = 'other' WHERE id = ?`, "Rome", 0},
		{"the other write leaves it in", `UPDATE %s SET jobTitle = 'other' WHERE id = ?`, "Lyon", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newDB(t, wsA)
			seed(t, db, wsA)
			mustCreate(t, db, wsA, "person", apiKey, map[string]any{"id": p1, "city": "Paris"})
			table, err := ddl.TableName(wsA, "person")
			if err != nil {
				t.Fatal(err)
			}
			b := &interleaved{db: db, between: func(ctx context.Context) {
				if _, err := db.Batch(ctx, d1.Stmt{SQL: fmtTable(tt.concurrent, table), Args: []any{p1}}); err != nil {
					t.Errorf("concurrent write: %v", err)
				}
			}}
			var e Engine
			m, err := e.UpdateMany(t.Context(), b, wsA, object(t, "person"), objects(), user,
				Selection{Filter: filterOf(t, "id[eq]:"+p1+",city[eq]:Paris")}, map[string]any{"city": "Lyon"}, Shape{})
			if err != nil {
				t.Fatalf("UpdateMany: %v", err)
			}
			if len(m.Records) != tt.wantLen {
				t.Errorf("updated %d records, want %d", len(m.Records), tt.wantLen)
			}
			res, err := db.Batch(t.Context(), d1.Stmt{SQL: `SELECT city, jobTitle FROM "` + table + `" WHERE id = ?`, Args: []any{p1}})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]any{tt.wantCity, "other"}, res[0].Rows[0]); diff != "" {
				t.Errorf("the record after both writes (-want +got):\n%s", diff)
			}
		})
	}
}

func fmtTable(q, table string) string { return fmt.Sprintf(q, `"`+table+`"`) }
