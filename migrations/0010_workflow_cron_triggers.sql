-- The active CRON triggers of every workspace's workflows, which the jobs Worker's minute cron
-- reads to start the runs that are due (services/jobs/workflowcron.go). The workflow's own
-- records (its versions, its workflowAutomatedTrigger) live in the workspace's database; this
-- row is the cross-workspace index of them, written when a version is activated and removed when
-- it is deactivated. pattern is the 5- or 6-field cron pattern Twenty computes from the settings.
CREATE TABLE workflow_cron_triggers (
  workspace_id TEXT NOT NULL,
  workflow_id  TEXT NOT NULL,
  version_id   TEXT NOT NULL,
  pattern      TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (workspace_id, workflow_id)
);
