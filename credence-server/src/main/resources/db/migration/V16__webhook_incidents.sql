-- An environment whose webhook deliveries are failing: one row from the first check that saw an
-- event of it waiting for a retry until the check that sees none. alerted_at is when its Admins
-- were told (at most once per incident, whichever node claims it first).
CREATE TABLE webhook_incidents (
    integration_id  VARCHAR(32) PRIMARY KEY REFERENCES environments (integration_id),
    failing_since   TIMESTAMP WITH TIME ZONE NOT NULL,
    alerted_at      TIMESTAMP WITH TIME ZONE
);
