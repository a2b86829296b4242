-- A visit counts as a return (sessions.visits) only after a pause or on another device, so that
-- reloads within one sitting (the no-JavaScript flow reloads the link after every answer) are not
-- taken for an applicant coming back. last_visit_at is when the link was last opened.
ALTER TABLE sessions ADD COLUMN last_visit_at TIMESTAMP WITH TIME ZONE;

-- An event's retry window starts at its first attempt (not when it was made, which for an event
-- queued behind a failing one may be days earlier), and again when an operator sends it anew;
-- window_attempts counts the attempts of the current window, from which the backoff grows.
ALTER TABLE events ADD COLUMN window_attempts INTEGER DEFAULT 0 NOT NULL;

-- One result looked up by uid (GET /v1/results/{uid}, the dashboard's result page) reads one row,
-- not the integration's every result.
CREATE UNIQUE INDEX results_by_uid ON results (integration_id, uid);
