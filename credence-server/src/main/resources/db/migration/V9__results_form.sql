-- The questionnaire form a result was scored on (short, standard, full; NULL: no questionnaire,
-- or a result scored before forms were recorded). Population norms are built per form.
ALTER TABLE results ADD COLUMN form VARCHAR(8);
