-- Opros schema (PostgreSQL dialect). Keep in step with migrations/sqlite.
-- Identifiers are UUID text; definitions and answers are JSON text.
CREATE TABLE surveys (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    results_published BOOLEAN NOT NULL DEFAULT FALSE,
    current_version INTEGER NOT NULL DEFAULT 0,
    topic TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE survey_versions (
    id TEXT PRIMARY KEY NOT NULL,
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    population TEXT,
    source TEXT NOT NULL,
    source_name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (survey_id, version)
);

CREATE TABLE responses (
    id TEXT PRIMARY KEY NOT NULL,
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    version INTEGER NOT NULL,
    respondent_key TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('partial', 'complete', 'screened_out')),
    language TEXT NOT NULL,
    page_reached INTEGER NOT NULL DEFAULT 0,
    answers TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    started_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    duration_seconds DOUBLE PRECISION,
    UNIQUE (survey_id, respondent_key)
);
CREATE INDEX responses_by_survey_state ON responses (survey_id, state);

CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY NOT NULL,
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
