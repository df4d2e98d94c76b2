-- Invariants kept by the schema and conditional statements, so they hold
-- for any engine, not only thanks to SQLite's single writer.
--
-- (a) Conditional transitions: a row's version goes up by one on every
-- update, and an update names the version it read in its WHERE. A writer
-- that read a row someone else changed since matches nothing and gets a
-- conflict instead of overwriting the other decision.
ALTER TABLE sample_requests ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE invitations ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE plans ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);

-- (b) The weekly invitation cap: one row per outreach week, taken from with
-- a conditional increment (used + n <= cap in the WHERE), so two sellers
-- inviting at once cannot both pass a count they read before the other
-- wrote. A week's row starts from the invitations already created in it.
CREATE TABLE invite_quota (
	week_start INTEGER PRIMARY KEY, -- the week's first instant, Unix ms UTC
	used       INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0)
);

-- (c) One open sample request per creator and product is the partial
-- unique index sample_requests_one_open of 0001; stock never below zero is
-- the stock_nonnegative and reserved_within_stock checks of 0001 with the
-- conditional UPDATEs of ReserveStock.
