-- One migration set for PostgreSQL and H2 in PostgreSQL mode: standard SQL types only.

CREATE TABLE companies (
    id          VARCHAR(32)  PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE deployments (
    id          VARCHAR(32)  PRIMARY KEY,
    company_id  VARCHAR(32)  NOT NULL REFERENCES companies (id),
    name        VARCHAR(200) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX deployments_company ON deployments (company_id);

-- An environment (TEST or PRODUCTION) of a deployment; its integration id is the public name.
CREATE TABLE environments (
    integration_id        VARCHAR(32)  PRIMARY KEY,
    deployment_id         VARCHAR(32)  NOT NULL REFERENCES deployments (id),
    kind                  VARCHAR(16)  NOT NULL CHECK (kind IN ('TEST', 'PRODUCTION')),
    -- API key: found by its SHA-256 (hex), kept AES-GCM encrypted under the master key.
    api_key_hash          VARCHAR(64)  NOT NULL UNIQUE,
    api_key_ciphertext    VARCHAR(256) NOT NULL,
    api_key_hint          VARCHAR(32)  NOT NULL,
    api_key_rotated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    session_expiry_hours  INTEGER      NOT NULL CHECK (session_expiry_hours BETWEEN 1 AND 10000),
    complete_url          VARCHAR(2048),
    cancelled_url         VARCHAR(2048),
    expired_url           VARCHAR(2048),
    show_completion_page  BOOLEAN      NOT NULL,
    webhook_url           VARCHAR(2048),
    privacy_policy_url    VARCHAR(2048),
    brand_logo_url        VARCHAR(2048),
    brand_primary_color   VARCHAR(7),
    hmac_required         BOOLEAN      NOT NULL,
    rate_limit_per_minute INTEGER,
    max_open_sessions     INTEGER,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT environments_one_kind_per_deployment UNIQUE (deployment_id, kind)
);

-- One assessment of one uid on one integration. The session id is the token's jti.
CREATE TABLE sessions (
    id              VARCHAR(32)  PRIMARY KEY,
    integration_id  VARCHAR(32)  NOT NULL REFERENCES environments (integration_id),
    uid             VARCHAR(60)  NOT NULL,
    status          VARCHAR(16)  NOT NULL
                    CHECK (status IN ('CREATED', 'STARTED', 'COMPLETED', 'CANCELLED', 'EXPIRED')),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE,
    finished_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT sessions_uid_once_per_integration UNIQUE (integration_id, uid)
);
CREATE INDEX sessions_open ON sessions (integration_id, status, expires_at);
