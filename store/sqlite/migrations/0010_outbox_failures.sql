-- Why a row failed for good (permanent, unreachable, retry_period_over,
-- lost, original_failed), when, and whether the team was told: a failure
-- is told to the sellers' channel once, counted once in the metrics, and
-- listed on the App Home newest first.
ALTER TABLE outbox ADD COLUMN fail_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN failed_at INTEGER;
ALTER TABLE outbox ADD COLUMN told INTEGER NOT NULL DEFAULT 0 CHECK (told IN (0, 1));

-- Failures from before this release are not announced after the upgrade:
-- they are old news, and collabbot outbox already lists them.
UPDATE outbox SET told = 1 WHERE state = 'failed';

-- What the tell pass walks (failed, not yet told) and what the App Home
-- lists (failed, newest first): each a small partial index.
CREATE INDEX outbox_untold ON outbox (id) WHERE state = 'failed' AND told = 0;
CREATE INDEX outbox_failed ON outbox (failed_at, id) WHERE state = 'failed';
-- Queue depth per surface at scrape time.
CREATE INDEX outbox_waiting ON outbox (surface, created_at) WHERE state IN ('pending', 'sending');

-- The due walk of a claim takes messages that are not outreach first
-- (answers, channel posts, edits), then outreach (invitation DMs), each
-- longest due first: a fan-out of thousands of DMs never holds back the
-- answers queued after it. One ordered walk of this index, as before.
CREATE INDEX outbox_pending_first ON outbox (surface, counts, next_attempt, id) WHERE state = 'pending';
DROP INDEX outbox_pending;
