-- File metadata (Twenty's core.file), owned by the files Worker. One row per stored object: the
-- bytes live in R2 under object_key, this row says whose they are and what they are. A direct
-- upload is PENDING from createFileUpload until completeFileUpload finds the announced bytes in R2;
-- only UPLOADED files are served. path is Twenty's path ("<folder>/<id><.ext>"), unique per
-- workspace, by which the legacy /files/{path} route finds a file. checksum is R2's ETag (the MD5
-- of a single-part object). A row whose deleted_at is set waits for the files job to remove its
-- object, then is removed itself. Timestamps are RFC 3339 with milliseconds, UTC.
CREATE TABLE files (
  id                   TEXT PRIMARY KEY,
  workspace_id         TEXT NOT NULL,
  folder               TEXT NOT NULL,
  name                 TEXT NOT NULL,
  path                 TEXT NOT NULL,
  object_key           TEXT NOT NULL,
  size                 INTEGER NOT NULL CHECK (size >= 0),
  mime_type            TEXT NOT NULL,
  checksum             TEXT NOT NULL DEFAULT '',
  status               TEXT NOT NULL CHECK (status IN ('PENDING', 'UPLOADED')),
  field_metadata_id    TEXT,
  created_by_user_id   TEXT,
  created_by_member_id TEXT,
  created_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  uploaded_at          TEXT,
  deleted_at           TEXT
) STRICT;

-- The legacy download route and attachment cleanup find a file by its path in a workspace.
CREATE UNIQUE INDEX files_path ON files (workspace_id, path);
-- The sweep: pending uploads past their deadline, and deleted files whose object is still there.
CREATE INDEX files_pending ON files (created_at) WHERE status = 'PENDING';
CREATE INDEX files_deleted ON files (deleted_at) WHERE deleted_at IS NOT NULL;
