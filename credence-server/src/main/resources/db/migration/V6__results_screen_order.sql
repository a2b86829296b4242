-- The results screen lists an integration's sessions newest first, ties broken by id: with both
-- in the index, a page is read in order and stops after its rows instead of sorting every session.
DROP INDEX sessions_by_created;
CREATE INDEX sessions_newest ON sessions (integration_id, created_at DESC, id DESC);
