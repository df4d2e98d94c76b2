-- collabbot's first schema: everything PRODUCT.md describes.
--
-- Conventions: times are INTEGER Unix milliseconds UTC, NULL when unset (a
-- decision not yet made is not 1970). References that may be absent are NULL,
-- never 0, so foreign keys check the ones that are set. Lists of words
-- (categories) are JSON arrays: they are read whole and never joined on.
-- CHECK constraints repeat the domain's ranges and state names as a last line
-- of defence; the named ones are turned into readable errors by formatError.

CREATE TABLE members (
	id   TEXT PRIMARY KEY,
	name TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL CHECK (role IN ('seller', 'manager'))
);

CREATE TABLE creators (
	id         INTEGER PRIMARY KEY,
	handle     TEXT NOT NULL UNIQUE CHECK (handle <> ''),
	discord_id TEXT CHECK (discord_id <> ''),
	followers  INTEGER NOT NULL DEFAULT 0 CHECK (followers >= 0),
	avg_views  INTEGER NOT NULL DEFAULT 0 CHECK (avg_views >= 0),
	gmv_30d    INTEGER NOT NULL DEFAULT 0 CHECK (gmv_30d >= 0),
	niche      TEXT NOT NULL DEFAULT '',
	categories TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(categories)),
	timezone   TEXT NOT NULL DEFAULT '',
	reachable  INTEGER NOT NULL DEFAULT 1 CHECK (reachable IN (0, 1)),
	unanswered INTEGER NOT NULL DEFAULT 0 CHECK (unanswered >= 0),
	created_at INTEGER
);
-- Unlinked creators have no Discord ID; only linked ones must be distinct.
CREATE UNIQUE INDEX creators_discord_id ON creators (discord_id) WHERE discord_id IS NOT NULL;
CREATE INDEX creators_niche ON creators (niche);
CREATE INDEX creators_followers ON creators (followers);

-- Product IDs are matched without regard to case: P100 and p100 are one
-- product, as a seller typing in chat would expect.
CREATE TABLE products (
	id            TEXT PRIMARY KEY COLLATE NOCASE,
	title         TEXT NOT NULL CHECK (title <> ''),
	price         INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),
	product_group TEXT NOT NULL DEFAULT '',
	sample_stock  INTEGER NOT NULL DEFAULT 0 CONSTRAINT stock_nonnegative CHECK (sample_stock >= 0)
);
CREATE INDEX products_group ON products (product_group) WHERE product_group <> '';

CREATE TABLE sample_offers (
	id               INTEGER PRIMARY KEY,
	per_creator      INTEGER NOT NULL DEFAULT 1 CHECK (per_creator BETWEEN 1 AND 10),
	stock            INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
	reserved         INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
	window_start     INTEGER,
	window_end       INTEGER,
	approval_exempt  INTEGER NOT NULL DEFAULT 0 CHECK (approval_exempt IN (0, 1)),
	min_followers    INTEGER NOT NULL DEFAULT 0 CHECK (min_followers >= 0),
	min_avg_views    INTEGER NOT NULL DEFAULT 0 CHECK (min_avg_views >= 0),
	min_gmv_30d      INTEGER NOT NULL DEFAULT 0 CHECK (min_gmv_30d >= 0),
	categories       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(categories)),
	post_within_days INTEGER NOT NULL DEFAULT 14 CHECK (post_within_days BETWEEN 1 AND 90),
	terms            TEXT NOT NULL DEFAULT '',
	-- Stock 0 means "as much as the product's stock allows": no cap here.
	CONSTRAINT reserved_within_stock CHECK (stock = 0 OR reserved <= stock)
);

CREATE TABLE collaborations (
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL DEFAULT '',
	message         TEXT NOT NULL DEFAULT '',
	contact_email   TEXT NOT NULL DEFAULT '',
	sample_offer_id INTEGER REFERENCES sample_offers (id),
	expires_at      INTEGER,
	created_by      TEXT NOT NULL DEFAULT '',
	created_at      INTEGER
);

CREATE TABLE collaboration_products (
	collaboration_id INTEGER NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
	product_id       TEXT NOT NULL REFERENCES products (id),
	position         INTEGER NOT NULL,
	PRIMARY KEY (collaboration_id, product_id)
);
CREATE INDEX collaboration_products_product ON collaboration_products (product_id);

CREATE TABLE invitations (
	id               INTEGER PRIMARY KEY,
	collaboration_id INTEGER NOT NULL REFERENCES collaborations (id),
	creator_id       INTEGER NOT NULL REFERENCES creators (id),
	rate             INTEGER NOT NULL CONSTRAINT rate_range CHECK (rate BETWEEN 100 AND 8000),
	pending_rate     INTEGER NOT NULL DEFAULT 0 CONSTRAINT pending_rate_range CHECK (pending_rate = 0 OR pending_rate BETWEEN 100 AND 8000),
	pending_from     INTEGER,
	state            TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'expired', 'withdrawn')),
	decline_reason   TEXT NOT NULL DEFAULT '',
	nudges           INTEGER NOT NULL DEFAULT 0 CHECK (nudges >= 0),
	created_at       INTEGER,
	responded_at     INTEGER,
	expires_at       INTEGER,
	-- One invitation per creator and collaboration: a second would DM twice.
	UNIQUE (collaboration_id, creator_id)
);
CREATE INDEX invitations_creator ON invitations (creator_id, id);
CREATE INDEX invitations_state_expires ON invitations (state, expires_at);
CREATE INDEX invitations_created_at ON invitations (created_at);

CREATE TABLE plans (
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL CHECK (name <> ''),
	sample_offer_id INTEGER REFERENCES sample_offers (id),
	starts_at       INTEGER,
	ends_at         INTEGER,
	state           TEXT NOT NULL CHECK (state IN ('active', 'paused', 'ended')),
	created_by      TEXT NOT NULL DEFAULT '',
	created_at      INTEGER
);
-- Creators pick plans by name: two live plans may not share one, while an
-- ended plan's name may be used again.
CREATE UNIQUE INDEX plans_live_name ON plans (name COLLATE NOCASE) WHERE state <> 'ended';
CREATE INDEX plans_name ON plans (name COLLATE NOCASE);
CREATE INDEX plans_state ON plans (state, id);

CREATE TABLE plan_rules (
	plan_id  INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	scope    TEXT NOT NULL CHECK (scope IN ('product', 'group', 'all')),
	target   TEXT NOT NULL DEFAULT '',
	rate     INTEGER NOT NULL CONSTRAINT rate_range CHECK (rate BETWEEN 100 AND 8000),
	PRIMARY KEY (plan_id, position),
	UNIQUE (plan_id, scope, target)
);

CREATE TABLE sample_requests (
	id               INTEGER PRIMARY KEY,
	creator_id       INTEGER NOT NULL REFERENCES creators (id),
	product_id       TEXT NOT NULL REFERENCES products (id),
	offer_id         INTEGER REFERENCES sample_offers (id),
	plan_id          INTEGER REFERENCES plans (id),
	invitation_id    INTEGER REFERENCES invitations (id),
	quantity         INTEGER NOT NULL CONSTRAINT quantity_positive CHECK (quantity >= 1),
	state            TEXT NOT NULL CHECK (state IN ('requested', 'approved', 'rejected', 'cancelled', 'expired', 'shipped', 'completed', 'overdue')),
	note             TEXT NOT NULL DEFAULT '',
	requested_at     INTEGER,
	decided_by       TEXT NOT NULL DEFAULT '',
	decided_at       INTEGER,
	reject_reason    TEXT NOT NULL DEFAULT '' CHECK (reject_reason IN ('', 'not_match', 'out_of_stock', 'offline', 'other')),
	reject_note      TEXT NOT NULL DEFAULT '',
	shipped_at       INTEGER,
	tracking         TEXT NOT NULL DEFAULT '',
	due_at           INTEGER,
	extended         INTEGER NOT NULL DEFAULT 0 CHECK (extended IN (0, 1)),
	content_url      TEXT NOT NULL DEFAULT '',
	completed_at     INTEGER,
	post_within_days INTEGER NOT NULL DEFAULT 0 CHECK (post_within_days BETWEEN 0 AND 90)
);
-- PRODUCT.md: at most one open request per creator and product. The index
-- makes two simultaneous requests impossible, not just unlikely.
CREATE UNIQUE INDEX sample_requests_one_open ON sample_requests (creator_id, product_id)
	WHERE state IN ('requested', 'approved', 'shipped', 'overdue');
CREATE INDEX sample_requests_creator_product ON sample_requests (creator_id, product_id, id);
CREATE INDEX sample_requests_product ON sample_requests (product_id, id);
CREATE INDEX sample_requests_state ON sample_requests (state, id);
-- Closing a plan or an invitation finds the requests made through it.
CREATE INDEX sample_requests_plan ON sample_requests (plan_id, state) WHERE plan_id IS NOT NULL;
CREATE INDEX sample_requests_invitation ON sample_requests (invitation_id, state) WHERE invitation_id IS NOT NULL;

CREATE TABLE contents (
	id           INTEGER PRIMARY KEY,
	sample_id    INTEGER REFERENCES sample_requests (id),
	creator_id   INTEGER NOT NULL REFERENCES creators (id),
	url          TEXT NOT NULL CHECK (url <> ''),
	kind         TEXT NOT NULL CHECK (kind IN ('video', 'live')),
	submitted_at INTEGER
);
CREATE INDEX contents_sample ON contents (sample_id);
CREATE INDEX contents_creator ON contents (creator_id);

CREATE TABLE events (
	id      INTEGER PRIMARY KEY,
	at      INTEGER NOT NULL,
	actor   TEXT NOT NULL,
	kind    TEXT NOT NULL,
	subject TEXT NOT NULL DEFAULT '',
	detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_subject ON events (subject, id);

CREATE TABLE outbox (
	id               INTEGER PRIMARY KEY,
	idem_key         TEXT NOT NULL UNIQUE CHECK (idem_key <> ''),
	surface          TEXT NOT NULL CHECK (surface IN ('slack', 'discord')),
	recipient        TEXT NOT NULL,
	message          TEXT NOT NULL CHECK (json_valid(message)),
	state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
	attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	next_attempt     INTEGER NOT NULL,
	-- Set while a dispatcher holds the row; past it, another may claim it.
	sending_deadline INTEGER,
	last_error       TEXT NOT NULL DEFAULT '',
	created_at       INTEGER NOT NULL,
	sent_at          INTEGER,
	CHECK ((state = 'sending') = (sending_deadline IS NOT NULL))
);
CREATE INDEX outbox_due ON outbox (state, next_attempt);
CREATE INDEX outbox_lease ON outbox (sending_deadline) WHERE state = 'sending';
CREATE INDEX outbox_state ON outbox (state, id);
