-- When each reminder job last ran, so a run missed while the service was
-- down is caught up once at start. Which reminder went out in which period
-- is not kept here: it is the outbox row's idempotency key
-- ("invitation:12:nudge#2026-11-30"), written with the row.
CREATE TABLE reminder_runs (
	job      TEXT PRIMARY KEY CHECK (job <> ''),
	last_run INTEGER NOT NULL
);
