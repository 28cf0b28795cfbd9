-- claimed_at is the lease of the job making a delivery's next attempt: a job claims the attempt
-- (sets it) before its POST and the attempt's record clears it, so two jobs for one attempt (a
-- relay retried, a sweep) send once. A claim older than the lease (jobs' deliverysend.go) is a job
-- that died: the next job takes it over.
ALTER TABLE webhook_deliveries ADD COLUMN claimed_at TEXT;
