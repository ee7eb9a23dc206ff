-- Exports read a survey's complete responses in submission order, a batch at a time from where the last
-- batch ended (keyset pagination): this index serves each batch without sorting the survey's responses.
-- It is partial (complete responses only), so the planners never take it for lookups of one respondent,
-- which the unique index (survey_id, respondent_key) serves.
CREATE INDEX responses_complete_in_order ON responses (survey_id, submitted_at, id) WHERE state = 'complete';
