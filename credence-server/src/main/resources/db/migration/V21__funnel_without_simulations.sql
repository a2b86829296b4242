-- The funnel leaves simulated sessions out (docs/decisions/0032-funnel-page.md): the days sealed
-- before counted them, so they are dropped here and the funnel-seal task counts them again. Until
-- it has, the Funnel page counts those days from their sessions.
DELETE FROM funnel_days;
