-- Coding of open answers (PostgreSQL dialect). Keep in step with migrations/sqlite.

-- Codebook versions built in the workbench (the definition's `codebook:` is the starting point; a stored
-- version replaces it). Versions are only ever added.
CREATE TABLE codebooks (
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    question_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    codebook TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (survey_id, question_id, version)
);

-- The codes a coder gave an answer. Round 1 is the first coder's, round 2 the blind second coding used
-- for agreement, round 3 a disagreement's resolution; the codes that count are round 3's, else round 1's.
-- `codes` are joined by ';' (empty: coded as fitting no code).
CREATE TABLE codings (
    response_id TEXT NOT NULL REFERENCES responses (id),
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    question_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    codes TEXT NOT NULL,
    coder TEXT NOT NULL,
    coded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (response_id, question_id, round)
);
CREATE INDEX codings_by_survey ON codings (survey_id, question_id);

-- Answers published as quotes, in their masked form exactly as shown (the raw text stays in responses).
CREATE TABLE quotes (
    response_id TEXT NOT NULL REFERENCES responses (id),
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    question_id TEXT NOT NULL,
    code TEXT NOT NULL,
    masked TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    PRIMARY KEY (response_id, question_id)
);
CREATE INDEX quotes_by_survey ON quotes (survey_id, question_id);
