-- Archived creators and products leave lists and pickers but keep their
-- history: the rows stay, marked with when they were archived.
ALTER TABLE creators ADD COLUMN archived_at INTEGER;
ALTER TABLE products ADD COLUMN archived_at INTEGER;
