-- Twenty's views (core.view and its parts), owned by the records Worker: the saved lists of an
-- object's records with their fields, filters, filter groups, sorts, groups and field groups.
-- Every row carries its workspace; a view goes with its object (object_metadata) and every part
-- with its view. deleted_at is Twenty's soft delete (deleteView, deleteViewField, …); destroy
-- removes the row.
CREATE TABLE view (
  id                                       TEXT PRIMARY KEY,
  workspace_id                             TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  object_metadata_id                       TEXT NOT NULL REFERENCES object_metadata (id) ON DELETE CASCADE,
  name                                     TEXT NOT NULL,
  type                                     TEXT NOT NULL DEFAULT 'TABLE',
  view_key                                 TEXT,
  icon                                     TEXT NOT NULL,
  position                                 REAL NOT NULL DEFAULT 0,
  is_compact                               INTEGER NOT NULL DEFAULT 0,
  is_custom                                INTEGER NOT NULL DEFAULT 0,
  open_record_in                           TEXT NOT NULL DEFAULT 'SIDE_PANEL',
  kanban_aggregate_operation               TEXT,
  kanban_aggregate_operation_field_metadata_id TEXT,
  main_group_by_field_metadata_id          TEXT,
  should_hide_empty_groups                 INTEGER NOT NULL DEFAULT 0,
  kanban_column_width                      INTEGER,
  group_load_limit                         INTEGER,
  calendar_field_metadata_id               TEXT,
  calendar_end_field_metadata_id           TEXT,
  calendar_layout                          TEXT,
  any_field_filter_value                   TEXT,
  visibility                               TEXT NOT NULL DEFAULT 'WORKSPACE',
  created_by_user_workspace_id             TEXT,
  is_system_side_effect                    INTEGER NOT NULL DEFAULT 0,
  is_active                                INTEGER NOT NULL DEFAULT 1,
  created_at                               TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at                               TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  deleted_at                               TEXT
) STRICT;
CREATE INDEX view_workspace_object ON view (workspace_id, object_metadata_id);

CREATE TABLE view_field_group (
  id            TEXT PRIMARY KEY,
  workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  view_id       TEXT NOT NULL REFERENCES view (id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  position      REAL NOT NULL DEFAULT 0,
  is_visible    INTEGER NOT NULL DEFAULT 1,
  is_overridden INTEGER NOT NULL DEFAULT 0,
  is_active     INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  deleted_at    TEXT
) STRICT;
CREATE INDEX view_field_group_view ON view_field_group (view_id);

CREATE TABLE view_field (
  id                    TEXT PRIMARY KEY,
  workspace_id          TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  view_id               TEXT NOT NULL REFERENCES view (id) ON DELETE CASCADE,
  field_metadata_id     TEXT NOT NULL,
  is_visible            INTEGER NOT NULL DEFAULT 1,
  size                  REAL NOT NULL DEFAULT 0,
  position              REAL NOT NULL DEFAULT 0,
  aggregate_operation   TEXT,
  view_field_group_id   TEXT REFERENCES view_field_group (id) ON DELETE SET NULL,
  is_system_side_effect INTEGER NOT NULL DEFAULT 0,
  is_overridden         INTEGER NOT NULL DEFAULT 0,
  is_active             INTEGER NOT NULL DEFAULT 1,
  created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  deleted_at            TEXT
) STRICT;
CREATE INDEX view_field_view ON view_field (view_id);
CREATE INDEX view_field_field ON view_field (workspace_id, field_metadata_id);

CREATE TABLE view_filter_group (
  id                            TEXT PRIMARY KEY,
  workspace_id                  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  view_id                       TEXT NOT NULL REFERENCES view (id) ON DELETE CASCADE,
  parent_view_filter_group_id   TEXT REFERENCES view_filter_group (id) ON DELETE CASCADE,
  logical_operator              TEXT NOT NULL DEFAULT 'AND',
  position_in_view_filter_group REAL,
  created_at                    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at                    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  deleted_at                    TEXT
) STRICT;
CREATE INDEX view_filter_group_view ON view_filter_group (view_id);

CREATE TABLE view_filter (
  id                                TEXT PRIMARY KEY,
  workspace_id                      TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  view_id                           TEXT NOT NULL REFERENCES view (id) ON DELETE CASCADE,
  field_metadata_id                 TEXT NOT NULL,
  operand                           TEXT NOT NULL DEFAULT 'IS',
  value                             TEXT NOT NULL CHECK (json_valid(value)),
  view_filter_group_id              TEXT REFERENCES view_filter_group (id) ON DELETE CASCADE,
  position_in_view_filter_group     REAL,
  sub_field_name                    TEXT,
  relation_target_field_metadata_id TEXT,
  created_at                        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at                        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  deleted_at                        TEXT
) STRICT;
CREATE INDEX view_filter_view ON view_filter (view_id);

CREATE TABLE view_sort (
  id                TEXT PRIMARY KEY,
  workspace_id      TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  view_id           TEXT NOT NULL REFERENCES view (id) ON DELETE CASCADE,
  field_metadata_id TEXT NOT NULL,
  direction         TEXT NOT NULL DEFAULT 'ASC',
  sub_field_name    TEXT,
  created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  deleted_at        TEXT
) STRICT;
CREATE INDEX view_sort_view ON view_sort (view_id);

CREATE TABLE view_group (
  id           TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  view_id      TEXT NOT NULL REFERENCES view (id) ON DELETE CASCADE,
  is_visible   INTEGER NOT NULL DEFAULT 1,
  field_value  TEXT NOT NULL,
  position     REAL NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  deleted_at   TEXT
) STRICT;
CREATE INDEX view_group_view ON view_group (view_id);
