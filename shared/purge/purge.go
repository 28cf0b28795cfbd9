// Package purge is what the Workers that remove a deleted workspace's data share: the check that
// its deletion was asked before anything of it goes.
package purge

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrNotRequested refuses to purge a workspace whose deletion was not asked.
var ErrNotRequested = errors.New("the workspace is not being deleted")

// rowQuerier is the control database's call Requested makes (*sql.DB, *d1.DB).
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Requested answers nil when the workspace's deletion was asked (auth's deleteCurrentWorkspace
// marks its row, migration 0017) or its row is gone (it was purged, or never was: what is left of
// it may go), and ErrNotRequested when it exists unmarked.
func Requested(ctx context.Context, control rowQuerier, workspaceID string) error {
	var marked bool
	err := control.QueryRowContext(ctx, `SELECT purge_requested_at IS NOT NULL FROM workspaces WHERE id = ?`, workspaceID).Scan(&marked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("read workspace %s: %w", workspaceID, err)
	case !marked:
		return ErrNotRequested
	}
	return nil
}
