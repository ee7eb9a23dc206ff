-- Respondent forms (SQLite dialect). Keep in step with migrations/postgres.

-- Complete responses counted per quota cell. The writer increments a count with a conditional
-- `UPDATE ... SET n = n + 1 WHERE ... AND n < limit` inside the transaction that marks a response complete,
-- so a quota is never overshot, whatever the concurrency or the number of app instances.
CREATE TABLE quota_counts (
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    quota_key TEXT NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (survey_id, quota_key)
);

-- Secrets shared by every app instance (signing of CSRF and page-time tokens when OPROS_SECRET is unset).
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
