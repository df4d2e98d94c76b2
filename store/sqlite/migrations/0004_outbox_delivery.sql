-- Delivery that edits in place, keeps threads in order and never gives up
-- silently:
--   * state 'merged': an edit folded into its original before the original
--     went out (the reader gets the latest state once);
--   * first_attempt: when an outcome was first recorded, the start of the
--     period transient errors are retried for (COLLABBOT_RETRY_FOR);
--   * lost: sends whose lease ran out without an outcome (the sender died),
--     so a message that kills its sender every time is given up.
--
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt
-- (create, copy, drop, rename) and its indexes made again. Nothing
-- references outbox by foreign key, and the migration runs in one
-- transaction, so readers see the old table or the new one.

CREATE TABLE outbox_new (
	id               INTEGER PRIMARY KEY,
	idem_key         TEXT NOT NULL UNIQUE CHECK (idem_key <> ''),
	surface          TEXT NOT NULL CHECK (surface IN ('slack', 'discord')),
	recipient        TEXT NOT NULL,
	message          TEXT NOT NULL CHECK (json_valid(message)),
	state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'merged')),
	attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	next_attempt     INTEGER NOT NULL,
	-- Set while a dispatcher holds the row; past it, another may claim it.
	sending_deadline INTEGER,
	last_error       TEXT NOT NULL DEFAULT '',
	created_at       INTEGER NOT NULL,
	sent_at          INTEGER,
	thread           TEXT NOT NULL DEFAULT '',
	replaces         TEXT NOT NULL DEFAULT '',
	counts           INTEGER NOT NULL DEFAULT 0 CHECK (counts IN (0, 1)),
	provider_ref     TEXT NOT NULL DEFAULT '',
	first_attempt    INTEGER,
	lost             INTEGER NOT NULL DEFAULT 0 CHECK (lost >= 0),
	CHECK ((state = 'sending') = (sending_deadline IS NOT NULL))
);

INSERT INTO outbox_new (id, idem_key, surface, recipient, message, state, attempts, next_attempt, sending_deadline,
		last_error, created_at, sent_at, thread, replaces, counts, provider_ref, first_attempt)
	SELECT id, idem_key, surface, recipient, message, state, attempts, next_attempt, sending_deadline,
		last_error, created_at, sent_at, thread, replaces, counts, provider_ref,
		CASE WHEN attempts > 0 OR state IN ('sent', 'failed') THEN created_at END
	FROM outbox;

DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

-- Claims walk one surface's due rows, longest due first.
CREATE INDEX outbox_pending ON outbox (surface, next_attempt) WHERE state = 'pending';
CREATE INDEX outbox_lease ON outbox (sending_deadline) WHERE state = 'sending';
CREATE INDEX outbox_state ON outbox (state, id);
-- Thread order: is an earlier row of this recipient and thread unfinished?
CREATE INDEX outbox_thread ON outbox (recipient, thread, id) WHERE thread <> '';
-- Edits of a row, to fold them into it or to fail them with it.
CREATE INDEX outbox_replaces ON outbox (replaces, id) WHERE replaces <> '';
