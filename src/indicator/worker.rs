//! The server's background task for alerts: every `OPROS_ALERTS_INTERVAL_SECONDS` (default 60; 0 = off) it
//! computes the calendar over every survey, records new alerts and attempts the due deliveries (webhooks and
//! e-mail).
//! Runs on a thread of its own (the webhook client blocks); every step is safe with several instances.

use std::path::PathBuf;
use std::time::Duration;

use super::waves::{build, load_setup};
use super::webhooks::{self, WebhookConfig};
use crate::catalog::DefinitionCache;
use crate::store::Store;

/// Starts the task unless it is switched off; returns at once.
pub fn spawn(store: Store, cache: DefinitionCache) {
    let seconds = std::env::var("OPROS_ALERTS_INTERVAL_SECONDS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(60);
    if seconds == 0 {
        return;
    }
    let started = std::thread::Builder::new()
        .name("opros-alerts".into())
        .spawn(move || loop {
            round(&store, &cache);
            std::thread::sleep(Duration::from_secs(seconds));
        });
    if let Err(e) = started {
        tracing::error!(error = %e, "cannot start the alerts task");
    }
}

/// One round: calendar, alerts, deliveries. Problems are logged, never fatal.
pub fn round(store: &Store, cache: &DefinitionCache) {
    let hooks = match WebhookConfig::from_env() {
        Ok(h) => h,
        Err(e) => {
            tracing::error!(error = %e, "webhook settings are invalid");
            return;
        }
    };
    let path = |k: &str| std::env::var_os(k).map(PathBuf::from);
    let (t, i) = (path("OPROS_TERRITORIES"), path("OPROS_INDICATORS"));
    let now = chrono::Utc::now().naive_utc();
    let result = load_setup(store, cache, t.as_deref(), i.as_deref())
        .and_then(|setup| build(store, cache, &setup, true))
        .map_err(|e| e.to_string())
        .and_then(|c| {
            let new = webhooks::record(store, &c, &hooks, now).map_err(|e| e.to_string())?;
            let (ok, failed) = webhooks::deliver_due_named(store, &hooks, now, Some(&c)).map_err(|e| e.to_string())?;
            Ok((new, ok, failed))
        });
    match result {
        Ok((new, ok, failed)) if new + ok + failed > 0 => {
            tracing::info!(
                new_alerts = new,
                delivered = ok,
                failed_attempts = failed,
                "alerts round"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "alerts round failed"),
    }
}
