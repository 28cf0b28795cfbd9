-- purge_requested_at marks a workspace its admin deleted (deleteCurrentWorkspace): its tokens were
-- revoked and its members removed at once; the workspace.purge job removes the rest (files,
-- records, metadata) and finally this row. The jobs Worker's sweep enqueues the job again for
-- every row still marked after a while, so a lost job never leaves a workspace half purged.
-- deleted_at alone does not say it: a workspace whose last member left is soft-deleted, as
-- Twenty's, and kept.
ALTER TABLE workspaces ADD COLUMN purge_requested_at TEXT;
CREATE INDEX workspaces_purge ON workspaces (purge_requested_at) WHERE purge_requested_at IS NOT NULL;
