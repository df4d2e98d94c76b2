-- The creator's shipping address, kept on the roster entry (personal data:
-- shown to the team where a sample ships, exported only in the samples CSV).
ALTER TABLE creators ADD COLUMN address TEXT NOT NULL DEFAULT '';

-- A Discord user's claim to be the creator behind a handle: nothing is
-- linked until a member confirms it.
CREATE TABLE link_requests (
	id           INTEGER PRIMARY KEY,
	discord_id   TEXT NOT NULL CHECK (discord_id <> ''),
	discord_name TEXT NOT NULL DEFAULT '',
	handle       TEXT NOT NULL CHECK (handle <> ''),
	creator_id   INTEGER REFERENCES creators (id),
	state        TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'rejected', 'refused')),
	requested_at INTEGER NOT NULL,
	decided_at   INTEGER,
	decided_by   TEXT NOT NULL DEFAULT '',
	decider_name TEXT NOT NULL DEFAULT '',
	why          TEXT NOT NULL DEFAULT ''
);
-- One waiting claim per Discord user and handle: a repeated /link finds it.
CREATE UNIQUE INDEX link_requests_open ON link_requests (discord_id, handle) WHERE state = 'pending';

-- Messages waiting for a creator who links later are woken by recipient.
CREATE INDEX outbox_recipient_pending ON outbox (recipient) WHERE state = 'pending';
