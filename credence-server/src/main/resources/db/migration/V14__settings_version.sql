-- The version of every environment's key and settings taken together
-- (docs/decisions/0024-api-key-cache.md). Each change of an environment's API key or settings adds
-- one to it in the same transaction; every node reads it twice a second and empties its cache of
-- API keys when it has moved. One row, always.
CREATE TABLE settings_version (
    id INTEGER PRIMARY KEY CONSTRAINT settings_version_one_row CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO settings_version (id, version) VALUES (1, 0);
