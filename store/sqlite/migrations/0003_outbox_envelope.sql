-- The outgoing message's envelope apart from its content: the thread it
-- belongs to, the message it edits in place, whether it counts as outreach,
-- and the provider's reference to what was posted (for later edits).
ALTER TABLE outbox ADD COLUMN thread TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN replaces TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN counts INTEGER NOT NULL DEFAULT 0 CHECK (counts IN (0, 1));
ALTER TABLE outbox ADD COLUMN provider_ref TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_thread ON outbox (recipient, thread, id) WHERE thread <> '';
