-- A visit counts as a return (sessions.visits) only after a pause or on another device, so that
-- reloads within one sitting (the no-JavaScript flow reloads the link after every answer) are not
-- taken for an applicant coming back. last_visit_at is when the link was last opened.
ALTER TABLE sessions ADD COLUMN last_visit_at TIMESTAMP WITH TIME ZONE;
