-- Sent and merged rows whose payload is still kept, oldest first: what
-- PruneSent empties. Once emptied ('{}') a row leaves the index, so each
-- prune walks only what it will change, not the whole history.
CREATE INDEX outbox_keep ON outbox (created_at) WHERE state IN ('sent', 'merged') AND message <> '{}';
