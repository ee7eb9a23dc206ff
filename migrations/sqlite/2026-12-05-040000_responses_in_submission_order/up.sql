-- Exports read a survey's complete responses in submission order, a batch at a time from where the last
-- batch ended (keyset pagination): this index serves each batch without sorting the survey's responses.
CREATE INDEX responses_complete_in_order ON responses (survey_id, state, submitted_at, id);
