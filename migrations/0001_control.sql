-- Control database: installation-wide tables owned by the auth Worker. Record tables live per
-- workspace on a shard database and are created by the records Worker from metadata.
CREATE TABLE workspaces (
  id                TEXT PRIMARY KEY,
  display_name      TEXT NOT NULL DEFAULT '',
  activation_status TEXT NOT NULL DEFAULT 'PENDING_CREATION'
                    CHECK (activation_status IN ('PENDING_CREATION', 'ONGOING_CREATION', 'ACTIVE', 'INACTIVE', 'SUSPENDED')),
  created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  deleted_at        TEXT
) STRICT;

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL COLLATE NOCASE UNIQUE,
  first_name    TEXT NOT NULL DEFAULT '',
  last_name     TEXT NOT NULL DEFAULT '',
  password_hash TEXT,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  deleted_at    TEXT
) STRICT;

-- shard_map assigns each workspace to one of the record databases (binding DB_0 .. DB_n).
CREATE TABLE shard_map (
  workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
  binding      TEXT NOT NULL CHECK (binding GLOB 'DB_[0-9]*'),
  assigned_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
