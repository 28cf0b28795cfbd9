-- Twenty's roles and permissions, owned by the records Worker as part of a workspace's schema
-- (auth still seeds the Admin and Member roles of a new workspace and the role of a new member
-- or API key). roles is rebuilt so that custom roles (no standard_id) exist, with Twenty's role
-- columns; the standard roles keep Twenty's values. user_workspaces and api_keys refer to roles,
-- so the rebuild defers foreign keys to the end of the migration's transaction, and re-inserts
-- the roles into a table named roles (not renamed into place): dropping the old table counts
-- each member and key as a deferred violation, and inserting their role again settles it.
PRAGMA defer_foreign_keys = on;

CREATE TABLE roles_old AS SELECT * FROM roles;
DROP TABLE roles;

CREATE TABLE roles (
  id                                 TEXT PRIMARY KEY,
  workspace_id                       TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  standard_id                        TEXT,
  label                              TEXT NOT NULL,
  description                        TEXT NOT NULL DEFAULT '',
  icon                               TEXT NOT NULL DEFAULT 'IconUser',
  is_editable                        INTEGER NOT NULL DEFAULT 1 CHECK (is_editable IN (0, 1)),
  can_update_all_settings            INTEGER NOT NULL DEFAULT 0 CHECK (can_update_all_settings IN (0, 1)),
  can_access_all_tools               INTEGER NOT NULL DEFAULT 1 CHECK (can_access_all_tools IN (0, 1)),
  can_read_all_object_records        INTEGER NOT NULL DEFAULT 1 CHECK (can_read_all_object_records IN (0, 1)),
  can_update_all_object_records      INTEGER NOT NULL DEFAULT 1 CHECK (can_update_all_object_records IN (0, 1)),
  can_soft_delete_all_object_records INTEGER NOT NULL DEFAULT 1 CHECK (can_soft_delete_all_object_records IN (0, 1)),
  can_destroy_all_object_records     INTEGER NOT NULL DEFAULT 1 CHECK (can_destroy_all_object_records IN (0, 1)),
  can_be_assigned_to_users           INTEGER NOT NULL DEFAULT 1 CHECK (can_be_assigned_to_users IN (0, 1)),
  can_be_assigned_to_agents          INTEGER NOT NULL DEFAULT 0 CHECK (can_be_assigned_to_agents IN (0, 1)),
  can_be_assigned_to_api_keys        INTEGER NOT NULL DEFAULT 0 CHECK (can_be_assigned_to_api_keys IN (0, 1)),
  created_at                         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at                         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (workspace_id, standard_id)
) STRICT;

-- Twenty's values: Admin may do everything and be an API key's role; Member everything on
-- records, no settings.
INSERT INTO roles (id, workspace_id, standard_id, label, description, icon, is_editable,
  can_update_all_settings, can_be_assigned_to_api_keys, created_at, updated_at)
SELECT id, workspace_id, standard_id, label, description,
  CASE standard_id WHEN 'admin' THEN 'IconUserCog' ELSE 'IconUser' END,
  is_editable, can_update_all_settings,
  CASE standard_id WHEN 'admin' THEN 1 ELSE 0 END,
  created_at, created_at
FROM roles_old;

DROP TABLE roles_old;
CREATE UNIQUE INDEX roles_label ON roles (workspace_id, label);

-- object_permissions: a role's permission on one object's records; NULL follows the role's
-- can_*_all_object_records.
CREATE TABLE object_permissions (
  id                 TEXT PRIMARY KEY,
  workspace_id       TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  role_id            TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  object_metadata_id TEXT NOT NULL REFERENCES object_metadata (id) ON DELETE CASCADE,
  can_read           INTEGER CHECK (can_read IN (0, 1)),
  can_update         INTEGER CHECK (can_update IN (0, 1)),
  can_soft_delete    INTEGER CHECK (can_soft_delete IN (0, 1)),
  can_destroy        INTEGER CHECK (can_destroy IN (0, 1)),
  created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (role_id, object_metadata_id)
) STRICT;

CREATE INDEX object_permissions_workspace ON object_permissions (workspace_id);

-- field_permissions: a role's restriction on one field (fields live in their object's definition,
-- so field_metadata_id has no foreign key; a deleted field's row is ignored).
CREATE TABLE field_permissions (
  id                 TEXT PRIMARY KEY,
  workspace_id       TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  role_id            TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  object_metadata_id TEXT NOT NULL REFERENCES object_metadata (id) ON DELETE CASCADE,
  field_metadata_id  TEXT NOT NULL,
  can_read           INTEGER CHECK (can_read IN (0, 1)),
  can_update         INTEGER CHECK (can_update IN (0, 1)),
  created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (role_id, field_metadata_id)
) STRICT;

CREATE INDEX field_permissions_workspace ON field_permissions (workspace_id);

-- role_permission_flags: the settings permission flags (DATA_MODEL, ROLES, …) a role has.
CREATE TABLE role_permission_flags (
  id           TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  role_id      TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  flag         TEXT NOT NULL,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (role_id, flag)
) STRICT;

CREATE INDEX role_permission_flags_workspace ON role_permission_flags (workspace_id);
