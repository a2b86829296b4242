-- A game opens with its instructions and a Ready button: the press is recorded here, once per
-- session and module, and the game's first step is shown only after it.
CREATE TABLE module_starts (
    session_id   VARCHAR(32) NOT NULL REFERENCES sessions (id),
    module       VARCHAR(32) NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (session_id, module)
);
