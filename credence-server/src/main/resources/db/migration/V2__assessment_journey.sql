-- The hosted assessment: configuration per environment, and every answer as it is given.

-- JSON text ({"modules": [...]}); NULL means the built-in default.
ALTER TABLE environments ADD COLUMN assessment_config VARCHAR(8000);

-- The configuration a session runs is frozen when it starts, so an edit does not reshape a
-- journey half way. Language, device and visits are kept for the result and its trust flags.
ALTER TABLE sessions ADD COLUMN assessment_config VARCHAR(8000);
ALTER TABLE sessions ADD COLUMN language VARCHAR(16);
ALTER TABLE sessions ADD COLUMN user_agent VARCHAR(512);
ALTER TABLE sessions ADD COLUMN platform VARCHAR(32);
ALTER TABLE sessions ADD COLUMN visits INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE sessions ADD COLUMN user_agents INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE sessions ADD COLUMN step_shown_at TIMESTAMP WITH TIME ZONE;

-- Questionnaire items (item = item id) and choices (item = index): one row each, never updated.
CREATE TABLE answers (
    session_id   VARCHAR(32) NOT NULL REFERENCES sessions (id),
    module       VARCHAR(32) NOT NULL,
    item         VARCHAR(64) NOT NULL,
    answer       INTEGER     NOT NULL,
    page         INTEGER     NOT NULL,
    elapsed_ms   INTEGER     NOT NULL,
    answered_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (session_id, module, item)
);

-- Balloons: the burst point is drawn when the balloon is first shown and never leaves the server.
CREATE TABLE balloons (
    session_id   VARCHAR(32) NOT NULL REFERENCES sessions (id),
    balloon      INTEGER     NOT NULL,
    burst_point  INTEGER     NOT NULL,
    pumps        INTEGER     NOT NULL,
    outcome      VARCHAR(16) CHECK (outcome IN ('COLLECTED', 'BURST')),
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at  TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (session_id, balloon)
);

-- Memory span: the digits are drawn by the server; the answer is checked there.
CREATE TABLE memory_rounds (
    session_id   VARCHAR(32) NOT NULL REFERENCES sessions (id),
    round_no     INTEGER     NOT NULL,
    digits       VARCHAR(16) NOT NULL,
    answer       VARCHAR(32),
    correct      BOOLEAN,
    shown_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    answered_at  TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (session_id, round_no)
);
