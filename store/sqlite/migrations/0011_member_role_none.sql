-- A manager may take a member's role away (role U123 none): the member
-- keeps their name for the history but may not act. SQLite cannot change a
-- CHECK constraint in place, so the table is rebuilt.
CREATE TABLE members_new (
	id   TEXT PRIMARY KEY,
	name TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL CHECK (role IN ('seller', 'manager', 'none'))
);
INSERT INTO members_new (id, name, role) SELECT id, name, role FROM members;
DROP TABLE members;
ALTER TABLE members_new RENAME TO members;
