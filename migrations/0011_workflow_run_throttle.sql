-- Twenty's workflow run throttles (services/jobs/workflowthrottle.go), per workspace: runs
-- started by a trigger past 100 in a minute wait for a later minute (deferred, not dropped);
-- any run past 5,000 in an hour is created FAILED ("Throttle limit reached"). One row counts a
-- workspace's runs in one fixed window ('minute' or 'hour', window_start its first instant, RFC
-- 3339 UTC); the minute cron deletes the windows that are over.
CREATE TABLE workflow_run_counts (
  workspace_id TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('minute', 'hour')),
  window_start TEXT NOT NULL,
  runs         INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, kind, window_start)
);
CREATE INDEX workflow_run_counts_window ON workflow_run_counts (window_start);
