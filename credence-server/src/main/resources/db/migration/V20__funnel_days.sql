-- Sealed days of the funnel (docs/decisions/0032-funnel-page.md).
--
-- Once every session an environment created on a UTC day has ended, the day's figures are counted
-- once and kept here as JSON (console/funnel/Tally): the sessions of each group (status, platform,
-- language, opened, consented, modules finished), and how many took each whole second to complete
-- and to finish each module. The Funnel page then reads a year as 366 rows.
CREATE TABLE funnel_days (
    integration_id  VARCHAR(32)  NOT NULL REFERENCES environments (integration_id),
    utc_day         DATE         NOT NULL,
    sealed_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    figures         VARCHAR(1000000) NOT NULL,
    PRIMARY KEY (integration_id, utc_day)
);

-- A session that changed after it had ended (re-opened, erased, a module recorded late), written in
-- the transaction of the change: a seal of its creation day older than the change is not trusted,
-- and the day is counted from its sessions until it is sealed again.
CREATE TABLE ended_session_changes (
    integration_id      VARCHAR(32)  NOT NULL,
    session_created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    changed_at          TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ended_session_changes_by_created
    ON ended_session_changes (integration_id, session_created_at);
