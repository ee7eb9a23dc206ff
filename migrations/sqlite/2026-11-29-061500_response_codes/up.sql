-- The coded form of a complete response (src/store/codes.rs), written next to the JSON answers so a summary
-- loads a survey's responses without parsing JSON. NULL for existing rows and partial responses: readers
-- then decode the JSON. Keep in step with migrations/postgres.
ALTER TABLE responses ADD COLUMN codes BLOB;
