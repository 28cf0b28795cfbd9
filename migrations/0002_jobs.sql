-- Tables owned by the jobs Worker: the outcome of every job it handled, and the jobs that
-- exhausted their retries and arrived on the dead-letter queue.
CREATE TABLE job_runs (
  id           TEXT PRIMARY KEY,
  type         TEXT NOT NULL,
  workspace_id TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL CHECK (status IN ('succeeded', 'retrying', 'dead')),
  attempts     INTEGER NOT NULL,
  last_error   TEXT NOT NULL DEFAULT '',
  request_id   TEXT NOT NULL DEFAULT '',
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX job_runs_workspace ON job_runs (workspace_id, updated_at);

CREATE TABLE dead_letters (
  id           TEXT PRIMARY KEY,
  queue        TEXT NOT NULL,
  type         TEXT NOT NULL,
  workspace_id TEXT NOT NULL DEFAULT '',
  job_json     TEXT NOT NULL,
  attempts     INTEGER NOT NULL,
  received_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
