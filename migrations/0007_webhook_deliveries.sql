-- The jobs Worker's webhook delivery log. A delivery is one record event sent to one webhook: its
-- id derives from (event id, webhook id), so a batch relayed twice makes one delivery. body is
-- the POST's JSON as Twenty sends it (never the secret, which is read from webhooks at send time).
-- attempt_limit is the attempt after which a failure is final: the retry schedule's length, moved
-- on by each replay.
CREATE TABLE webhook_deliveries (
  id               TEXT PRIMARY KEY,
  workspace_id     TEXT NOT NULL,
  webhook_id       TEXT NOT NULL,
  event_id         TEXT NOT NULL,
  event_name       TEXT NOT NULL,
  body             TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'retrying', 'dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  attempt_limit    INTEGER NOT NULL,
  last_status_code INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT NOT NULL DEFAULT '',
  next_attempt_at  TEXT NOT NULL DEFAULT '',
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- A webhook's log, newest first, is the read path; the cron prunes by age.
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (workspace_id, webhook_id, created_at, id);
CREATE INDEX webhook_deliveries_updated ON webhook_deliveries (updated_at);

-- Every attempt of a delivery, keyed by its number: recording an attempt twice keeps the first.
CREATE TABLE webhook_delivery_attempts (
  delivery_id  TEXT NOT NULL,
  attempt      INTEGER NOT NULL,
  workspace_id TEXT NOT NULL,
  webhook_id   TEXT NOT NULL,
  event_id     TEXT NOT NULL,
  event_name   TEXT NOT NULL,
  status_code  INTEGER NOT NULL DEFAULT 0,
  latency_ms   INTEGER NOT NULL,
  error        TEXT NOT NULL DEFAULT '',
  attempted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (delivery_id, attempt)
) STRICT;

CREATE INDEX webhook_delivery_attempts_time ON webhook_delivery_attempts (attempted_at);
