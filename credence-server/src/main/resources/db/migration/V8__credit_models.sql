-- The model registry: every credit model an environment has had, fitted or hand-set.
--
-- seq orders an environment's models, newest highest (times can tie). The row of version
-- 'settings' stands for the model in the environment's settings (hand-set, or the default): its
-- model, norms and report are NULL because scoring reads that model from the settings and scores
-- it under the environment's current norms. A fitted row keeps its model, the norms it was fitted
-- under (frozen: scoring uses them while the row is active) and its validation report.
--
-- active_for holds the integration id while the row is active and NULL otherwise: its UNIQUE
-- constraint allows one active row per environment on H2 and PostgreSQL alike (both let any
-- number of rows hold NULL), whatever two nodes do at once.
CREATE TABLE credit_models (
    integration_id  VARCHAR(32)    NOT NULL REFERENCES environments (integration_id),
    version         VARCHAR(100)   NOT NULL,
    seq             INTEGER        NOT NULL,
    status          VARCHAR(8)     NOT NULL CHECK (status IN ('draft', 'active', 'retired')),
    active_for      VARCHAR(32),
    calibrated      BOOLEAN        NOT NULL,
    model           VARCHAR(20000),
    norms           VARCHAR(20000),
    report          VARCHAR(100000),
    reference_pds   VARCHAR(100000),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by      VARCHAR(254)   NOT NULL,
    activated_at    TIMESTAMP WITH TIME ZONE,
    activated_by    VARCHAR(254),
    PRIMARY KEY (integration_id, version),
    CONSTRAINT credit_models_seq_once UNIQUE (integration_id, seq),
    CONSTRAINT credit_models_one_active UNIQUE (active_for),
    CONSTRAINT credit_models_active_for CHECK (
        (status = 'active' AND active_for = integration_id)
        OR (status <> 'active' AND active_for IS NULL))
);
