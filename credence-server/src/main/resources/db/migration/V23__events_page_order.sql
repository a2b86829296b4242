-- An environment's events in the order its events list pages through them (webhooks/EventStore
-- page: created_at, then id, after a cursor). With the id in the index, a page reads its rows in
-- that order from the cursor on and stops at the page's end, instead of reading and sorting every
-- event of the environment (docs/BENCHMARKS.md, "Webhook events by status"). It replaces
-- events_by_integration, which it covers.
CREATE INDEX events_by_integration_page ON events (integration_id, created_at, id);
DROP INDEX events_by_integration;
