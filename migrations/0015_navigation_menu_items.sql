-- Twenty's navigation menu items (core.navigationMenuItem), owned by the records Worker: the
-- favorites and favorite folders of the side menu. An item is a FOLDER, a VIEW (view_id), an
-- OBJECT (target_object_metadata_id), a RECORD (target_record_id of that object), a LINK or a
-- PAGE_LAYOUT; folder_id nests it in a FOLDER; user_workspace_id makes it one member's own
-- (NULL: the workspace's). It goes with its workspace, member, view, object and folder, as
-- Twenty's foreign keys cascade.
CREATE TABLE navigation_menu_item (
  id                        TEXT PRIMARY KEY,
  workspace_id              TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  user_workspace_id         TEXT REFERENCES user_workspaces (id) ON DELETE CASCADE,
  type                      TEXT NOT NULL CHECK (type IN ('VIEW', 'FOLDER', 'LINK', 'OBJECT', 'RECORD', 'PAGE_LAYOUT')),
  target_record_id          TEXT,
  target_object_metadata_id TEXT REFERENCES object_metadata (id) ON DELETE CASCADE,
  view_id                   TEXT REFERENCES view (id) ON DELETE CASCADE,
  name                      TEXT,
  link                      TEXT,
  icon                      TEXT,
  color                     TEXT,
  folder_id                 TEXT REFERENCES navigation_menu_item (id) ON DELETE CASCADE,
  page_layout_id            TEXT,
  position                  REAL NOT NULL,
  created_at                TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at                TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK (type <> 'OBJECT' OR target_object_metadata_id IS NOT NULL),
  CHECK (type <> 'RECORD' OR (target_record_id IS NOT NULL AND target_object_metadata_id IS NOT NULL)),
  CHECK (type <> 'LINK' OR link IS NOT NULL)
) STRICT;
CREATE INDEX navigation_menu_item_workspace_user ON navigation_menu_item (workspace_id, user_workspace_id);
CREATE INDEX navigation_menu_item_folder ON navigation_menu_item (folder_id);
CREATE INDEX navigation_menu_item_view ON navigation_menu_item (view_id);
CREATE INDEX navigation_menu_item_target ON navigation_menu_item (workspace_id, target_record_id);
