DROP INDEX responses_by_state_survey;
CREATE INDEX responses_by_survey_state ON responses (survey_id, state);
