-- Response quality review and fieldwork outcomes (PostgreSQL dialect). Keep in step with migrations/sqlite.

-- A sociologist's decision on a response: 'exclude' (left out of summaries, kept in the database and in
-- microdata exports) or 'keep' (stays in summaries even when the definition excludes its flag). One
-- decision per response, the latest; every decision is also in the audit log.
CREATE TABLE response_reviews (
    response_id TEXT PRIMARY KEY NOT NULL,
    survey_id TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('exclude', 'keep')),
    reason TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TIMESTAMP NOT NULL
);
CREATE INDEX response_reviews_by_survey ON response_reviews (survey_id);

-- How many new respondents were shown the first page, per survey and channel (`?src=` code or 'other').
CREATE TABLE survey_opens (
    survey_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (survey_id, channel)
);
