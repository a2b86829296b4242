-- Erasure and retention (docs/decisions/0023-erasure-and-retention.md).
--
-- An erased session keeps a tombstone row: its uid is replaced by uid_hash, a keyed hash
-- (HMAC-SHA256 under a key derived from the master key) that still makes the uid used on its
-- integration. A new session gets its hash when it is created; a row from before this migration
-- gets it when it is erased, from the uid it still holds, so nothing needs to be filled in now.
ALTER TABLE sessions ADD COLUMN uid_hash VARCHAR(64);
ALTER TABLE sessions ADD CONSTRAINT sessions_uid_hash_once_per_integration
    UNIQUE (integration_id, uid_hash);
ALTER TABLE sessions ALTER COLUMN uid DROP NOT NULL;
-- When it was erased, and by whom: operator, operator (cli), a dashboard user's e-mail address,
-- or retention.
ALTER TABLE sessions ADD COLUMN erased_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE sessions ADD COLUMN erased_by VARCHAR(254);

-- The retention sweep looks for an integration's finished sessions by the time they finished.
CREATE INDEX sessions_finished ON sessions (integration_id, finished_at);

-- session.erased carries the plaintext uid until it is sent; then its uid and body are cleared.
ALTER TABLE events ALTER COLUMN uid DROP NOT NULL;

-- How many days an environment keeps a finished session before it is erased; NULL: for ever.
ALTER TABLE environments ADD COLUMN retention_days INTEGER
    CONSTRAINT environments_retention_days CHECK (retention_days BETWEEN 1 AND 3650);
