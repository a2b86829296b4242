-- The funnel (docs/decisions/0032-funnel-page.md): when each module of a session was finished.
--
-- modules_finished counts the session's modules finished so far, in the order of its journey, and
-- module_finished_at is when the last of them was; the journey reads both with the rest of the
-- session row, so it sees a module newly finished without a query of its own.
ALTER TABLE sessions ADD COLUMN modules_finished INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE sessions ADD COLUMN module_finished_at TIMESTAMP WITH TIME ZONE;

-- One row a finished module: its place in the journey (module_no, from 1), its type, when the
-- applicant reached it (consent, or the end of the module before) and when they finished it. The
-- session's integration and creation time are copied here, so the funnel reads an environment's
-- rows for a date range by the index alone, without joining a million sessions.
CREATE TABLE module_finishes (
    session_id          VARCHAR(32) NOT NULL REFERENCES sessions (id),
    module_no           INTEGER     NOT NULL,
    module              VARCHAR(32) NOT NULL,
    integration_id      VARCHAR(32) NOT NULL,
    session_created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    entered_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (session_id, module_no)
);
CREATE INDEX module_finishes_by_created ON module_finishes (integration_id, session_created_at);
