package metastore

import (
	"context"
	"errors"
	"fmt"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

// ApplyControl runs a change of the workspace's roles and permissions, which are part of its
// schema (the records Worker's cached schema carries them): build answers the control statements
// of the change from the workspace's objects, and they are written with the version bump in one
// control batch that first checks the version is the one read; the shard's schema stamp is set to
// the new version before (there is no DDL), and set back if the control batch fails, as for an
// object change, so every isolate's cached schema notices. A concurrent metadata change makes
// the batch fail on the version; the change is then tried once more on what it left.
func (s *Store) ApplyControl(ctx context.Context, workspaceID string, build func(objects []metadata.Object) ([]d1.Stmt, error)) error {
	for attempt := 0; ; attempt++ {
		st, err := s.load(ctx, workspaceID)
		if err != nil {
			return err
		}
		stmts, err := build(st.schema())
		if err != nil {
			return err
		}
		err = s.commitControl(ctx, st, stmts)
		if errors.Is(err, errStale) && attempt == 0 {
			continue
		}
		return err
	}
}

// commitControl sets the stamp to the next version, then writes stmts and bumps the version in
// one control batch.
func (s *Store) commitControl(ctx context.Context, st *metaState, stmts []d1.Stmt) error {
	stamp, err := ddl.SetStamp(st.workspaceID, st.version+1)
	if err != nil {
		return err
	}
	if _, err := st.shard.Batch(ctx, stamp); err != nil {
		return fmt.Errorf("set the schema stamp of %s: %w", st.workspaceID, err)
	}
	if s.Changed != nil {
		defer s.Changed(ctx, st.workspaceID)
	}
	batch := make([]d1.Stmt, 0, len(stmts)+2)
	batch = append(batch, d1.Stmt{
		// json() of a non-JSON text raises an error, which fails the whole batch.
		SQL:  `SELECT CASE WHEN version = ? THEN 1 ELSE json('stale metadata version') END AS current FROM workspace_metadata WHERE workspace_id = ?`,
		Args: []any{st.version, st.workspaceID},
	})
	batch = append(batch, stmts...)
	batch = append(batch, d1.Stmt{SQL: `UPDATE workspace_metadata SET version = version + 1 WHERE workspace_id = ?`, Args: []any{st.workspaceID}})
	_, err = s.Control.Batch(ctx, batch...)
	if err == nil {
		return nil
	}
	now := st.version
	if qerr := s.Control.QueryRowContext(ctx, `SELECT version FROM workspace_metadata WHERE workspace_id = ?`, st.workspaceID).Scan(&now); qerr == nil && now != st.version {
		err = errStale
	} else {
		err = fmt.Errorf("store the permissions of %s: %w", st.workspaceID, err)
	}
	if back, serr := ddl.SetStamp(st.workspaceID, now); serr == nil {
		if _, berr := st.shard.Batch(ctx, back); berr != nil {
			return errors.Join(err, berr)
		}
	}
	return err
}
