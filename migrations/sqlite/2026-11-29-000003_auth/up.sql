-- Staff accounts, sessions, login throttling, audit log, staged uploads, populations (SQLite dialect).
-- Keep in step with migrations/postgres. Everything lives in the database so that several app instances
-- on one PostgreSQL share sessions and login limits.

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    login TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'sociologist', 'official')),
    disabled BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A session is known by SHA-256 of its cookie token; the raw token exists only in the browser.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Failed logins, one row each, keyed by the login tried ('user:NAME') or the client ('ip:ADDR').
CREATE TABLE login_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    attempt_key TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_by_key ON login_attempts (attempt_key, at);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    survey_slug TEXT,
    survey_version INTEGER,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_time ON audit_log (at);

-- Definitions uploaded in the workbench, validated, waiting for preview and confirmation.
CREATE TABLE staged_definitions (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL,
    source TEXT NOT NULL,
    source_name TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Population files uploaded in the workbench, by the path definitions name them with
-- (`weighting.population: populations/region-2026.yaml`).
CREATE TABLE populations (
    path TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Officials allowed to read a survey's results before they are published.
CREATE TABLE result_access (
    user_id TEXT NOT NULL REFERENCES users (id),
    survey_id TEXT NOT NULL REFERENCES surveys (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, survey_id)
);
