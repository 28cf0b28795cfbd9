-- Webhooks of a workspace (Twenty's core.webhook), owned by the jobs Worker: managed through its
-- WebhookService (the gateway's /metadata and /rest/metadata/webhooks), read by webhook delivery.
-- operations is a JSON array of strings ("person.created", "*.updated", "company.*", "*.*").
-- A deleted webhook keeps its row with deleted_at set; only live rows (deleted_at IS NULL) are
-- listed or delivered to. Timestamps are RFC 3339 with milliseconds, UTC.
CREATE TABLE webhooks (
  id             TEXT PRIMARY KEY,
  workspace_id   TEXT NOT NULL,
  target_url     TEXT NOT NULL,
  operations     TEXT NOT NULL CHECK (json_valid(operations) AND json_type(operations) = 'array'),
  description    TEXT,
  secret         TEXT NOT NULL DEFAULT '',
  application_id TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  deleted_at     TEXT
) STRICT;

-- A workspace's live webhooks in creation order: the list, and the matcher on every event batch.
CREATE INDEX webhooks_workspace ON webhooks (workspace_id, created_at) WHERE deleted_at IS NULL;
