-- Scoring, results and webhook events.

-- The credit model of an environment (JSON of CreditModel; NULL means the default model), and how
-- many finished results its population needs before its own norms replace the defaults.
ALTER TABLE environments ADD COLUMN scoring_model VARCHAR(20000);
ALTER TABLE environments ADD COLUMN norms_minimum INTEGER DEFAULT 200 NOT NULL;

-- A re-opened session starts a new round of events; its events carry the round they belong to.
ALTER TABLE sessions ADD COLUMN reopened INTEGER DEFAULT 0 NOT NULL;

-- One result per completed session, written once when it is scored and never updated.
-- calculated: the JSON the lender sees; features: the trait values the population's norms read.
CREATE TABLE results (
    session_id        VARCHAR(32)  PRIMARY KEY REFERENCES sessions (id),
    integration_id    VARCHAR(32)  NOT NULL REFERENCES environments (integration_id),
    uid               VARCHAR(60)  NOT NULL,
    scored_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    score             INTEGER      NOT NULL,
    risk_band         VARCHAR(8)   NOT NULL,
    score_confidence  VARCHAR(8)   NOT NULL,
    review_required   BOOLEAN      NOT NULL,
    model_version     VARCHAR(100) NOT NULL,
    calibrated        BOOLEAN      NOT NULL,
    norms_source      VARCHAR(16)  NOT NULL,
    calculated        VARCHAR(20000) NOT NULL,
    features          VARCHAR(20000) NOT NULL
);
CREATE INDEX results_by_time ON results (integration_id, scored_at, session_id);

-- The outbox: every event a session produced, with the exact body that is signed and sent.
-- seq orders the events of one session round; an event is sent only after the one before it
-- is finished: DELIVERED (answered 200), FAILED (retries ran out) or NO_WEBHOOK (no webhook URL
-- was set when its turn came).
CREATE TABLE events (
    id               VARCHAR(32)  PRIMARY KEY,
    session_id       VARCHAR(32)  NOT NULL REFERENCES sessions (id),
    integration_id   VARCHAR(32)  NOT NULL REFERENCES environments (integration_id),
    uid              VARCHAR(60)  NOT NULL,
    type             VARCHAR(40)  NOT NULL,
    session_round    INTEGER      NOT NULL,
    seq              INTEGER      NOT NULL,
    body             VARCHAR(30000) NOT NULL,
    status           VARCHAR(16)  NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED', 'NO_WEBHOOK')),
    attempts         INTEGER      DEFAULT 0 NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    retry_until      TIMESTAMP WITH TIME ZONE NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE,
    finished_at      TIMESTAMP WITH TIME ZONE,
    CONSTRAINT events_once_per_round UNIQUE (session_id, session_round, type)
);
CREATE INDEX events_by_status ON events (status, created_at);
CREATE INDEX events_by_integration ON events (integration_id, created_at);

-- Every attempt to deliver an event.
CREATE TABLE deliveries (
    event_id          VARCHAR(32)  NOT NULL REFERENCES events (id),
    attempt           INTEGER      NOT NULL,
    started_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    url               VARCHAR(2048),
    status_code       INTEGER,
    error             VARCHAR(500),
    latency_ms        INTEGER      NOT NULL,
    response_snippet  VARCHAR(500),
    PRIMARY KEY (event_id, attempt)
);

-- db-scheduler's table (its PostgreSQL schema, with VARCHAR for H2's sake).
CREATE TABLE scheduled_tasks (
    task_name             VARCHAR(100) NOT NULL,
    task_instance         VARCHAR(100) NOT NULL,
    task_data             BYTEA,
    execution_time        TIMESTAMP WITH TIME ZONE NOT NULL,
    picked                BOOLEAN      NOT NULL,
    picked_by             VARCHAR(100),
    last_success          TIMESTAMP WITH TIME ZONE,
    last_failure          TIMESTAMP WITH TIME ZONE,
    consecutive_failures  INTEGER,
    last_heartbeat        TIMESTAMP WITH TIME ZONE,
    version               BIGINT       NOT NULL,
    priority              SMALLINT,
    PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX scheduled_tasks_execution_time ON scheduled_tasks (execution_time);
CREATE INDEX scheduled_tasks_last_heartbeat ON scheduled_tasks (last_heartbeat);
CREATE INDEX scheduled_tasks_priority ON scheduled_tasks (priority DESC, execution_time ASC);
CREATE INDEX sessions_due ON sessions (status, expires_at);
