-- The questionnaire form a result was scored on (short, standard, full; NULL: no questionnaire,
-- or a result scored before forms were recorded) and the language the applicant answered in:
-- population norms are built per form, and per language where a language has enough results.
ALTER TABLE results ADD COLUMN form VARCHAR(8);
ALTER TABLE results ADD COLUMN language VARCHAR(16);
