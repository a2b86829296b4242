-- The origins that may frame the environment's assessment pages, space-separated in their normal
-- form (at most 10 of at most 200 characters each; NULL: none, the pages refuse every frame).
ALTER TABLE environments ADD COLUMN frame_ancestors VARCHAR(2048);
