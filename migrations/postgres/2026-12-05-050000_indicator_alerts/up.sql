-- Alerts of the risk calendar and their webhook deliveries (PostgreSQL dialect; keep in step with
-- migrations/sqlite). The unique key makes an alert recorded once, whichever app instance computes it
-- first; a delivery is claimed by a conditional UPDATE, so several instances deliver it once.
CREATE TABLE indicator_alerts (
    id TEXT PRIMARY KEY NOT NULL,
    indicator TEXT NOT NULL,
    district TEXT NOT NULL,
    survey TEXT NOT NULL,
    wave TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    ci_low DOUBLE PRECISION NOT NULL,
    ci_high DOUBLE PRECISION NOT NULL,
    source TEXT NOT NULL,
    reasons TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (indicator, district, survey)
);

CREATE TABLE webhook_deliveries (
    alert_id TEXT NOT NULL REFERENCES indicator_alerts (id),
    url TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    delivered_at TIMESTAMP,
    PRIMARY KEY (alert_id, url)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
