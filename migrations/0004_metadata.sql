-- Tables owned by the records Worker: each workspace's object metadata (Twenty's objectMetadata
-- with its fields, kept as one JSON definition per object so an object and its DDL change
-- together) and the workspace's metadata version, which invalidates cached schemas.
CREATE TABLE object_metadata (
  id            TEXT PRIMARY KEY,
  workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name_singular TEXT NOT NULL,
  name_plural   TEXT NOT NULL,
  definition    TEXT NOT NULL CHECK (json_valid(definition)),
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (workspace_id, name_singular),
  UNIQUE (workspace_id, name_plural)
) STRICT;

CREATE TABLE workspace_metadata (
  workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
  version      INTEGER NOT NULL
) STRICT;
