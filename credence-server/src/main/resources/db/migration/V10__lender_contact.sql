-- The lender's contact line shown to applicants on the end pages (plain text; NULL: none).
ALTER TABLE environments ADD COLUMN lender_contact VARCHAR(200);
