-- The index for reading a survey's responses of one state leads with the state. Led by survey_id,
-- PostgreSQL could pick it for the respondent lookup (`survey_id = $1 AND respondent_key = $2`, a cached
-- generic plan made while a new survey had few rows) and then filter every response of the survey by key.
-- Led by state, only queries that name a state can use it; the respondent lookup uses the unique
-- (survey_id, respondent_key) index. Keep in step with migrations/sqlite and migrations/postgres.
DROP INDEX responses_by_survey_state;
CREATE INDEX responses_by_state_survey ON responses (state, survey_id);
