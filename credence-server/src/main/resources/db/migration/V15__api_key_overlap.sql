-- Key rotation with overlap (docs/decisions/0027-key-rotation-with-overlap.md).
--
-- The key an environment had before its last rotation, kept like the current one (its SHA-256 to
-- find it, AES-GCM encrypted under the master key to sign with it) and accepted beside it until
-- previous_api_key_expires_at. All four are NULL when no old key is kept: after a rotation without
-- overlap, or once the overlap was ended early. A rotation during an overlap replaces the old key.
ALTER TABLE environments ADD COLUMN previous_api_key_hash VARCHAR(64);
ALTER TABLE environments ADD COLUMN previous_api_key_ciphertext VARCHAR(256);
ALTER TABLE environments ADD COLUMN previous_api_key_hint VARCHAR(32);
ALTER TABLE environments ADD COLUMN previous_api_key_expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE environments ADD CONSTRAINT environments_previous_api_key_hash
    UNIQUE (previous_api_key_hash);
ALTER TABLE environments ADD CONSTRAINT environments_previous_api_key_whole CHECK (
    (previous_api_key_hash IS NULL AND previous_api_key_ciphertext IS NULL
        AND previous_api_key_hint IS NULL AND previous_api_key_expires_at IS NULL)
    OR (previous_api_key_hash IS NOT NULL AND previous_api_key_ciphertext IS NOT NULL
        AND previous_api_key_hint IS NOT NULL AND previous_api_key_expires_at IS NOT NULL));
