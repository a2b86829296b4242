-- A session made by a test simulation (POST /v1/sessions-management/simulate, or the dashboard's
-- Test tab) rather than by an applicant. Its events and pull API answers say "simulated": true,
-- and its result is kept out of the environment's norms and model fits (results.simulated).
ALTER TABLE sessions ADD COLUMN simulated BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE results ADD COLUMN simulated BOOLEAN DEFAULT FALSE NOT NULL;
