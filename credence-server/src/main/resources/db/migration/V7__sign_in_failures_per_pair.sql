-- Failed dashboard sign-ins, one row each, counted three ways (see
-- docs/decisions/0018-passwords-and-sign-in-throttling.md): per e-mail address and client address
-- together (a hard limit), per e-mail address from every client (a growing delay, only for clients
-- that failed themselves) and per client address (a hard limit). The e-mail address is kept as the
-- SHA-256 of its normalized form, so the table holds no plain copy of what someone typed.
-- The old table held only the last 15 minutes' counts; dropping it forgets nothing else.
DROP TABLE console_login_failures;

CREATE TABLE console_sign_in_failures (
    id          VARCHAR(32)  PRIMARY KEY,
    email_hash  VARCHAR(64)  NOT NULL,
    client      VARCHAR(100) NOT NULL,
    failed_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX console_sign_in_failures_email ON console_sign_in_failures (email_hash, client, failed_at);
CREATE INDEX console_sign_in_failures_client ON console_sign_in_failures (client, failed_at);
