//! Alerts: recording the calendar's alerts once, and delivering them to webhooks.
//!
//! Every cell in *alert* (past the alert level, or significantly worse than the previous wave) becomes an
//! alert, unique by (indicator, district, survey) in the database. Each new alert is queued for every
//! configured webhook and POSTed as JSON with the header `X-Opros-Signature: sha256=<hex>`, the
//! HMAC-SHA256 of the exact body under the shared secret, so the receiver can check it came from Opros.
//! A failed attempt (no connection, or a status other than 2xx) is retried after `backoff · 2^(attempts−1)`;
//! after `max_attempts` the delivery is marked failed, logged, and shown on the calendar page.
//!
//! Settings (environment): `OPROS_WEBHOOKS` (comma-separated `http://` URLs), `OPROS_WEBHOOK_SECRET`,
//! `OPROS_WEBHOOK_MAX_ATTEMPTS` (default 5), `OPROS_WEBHOOK_BACKOFF_SECONDS` (default 30).

use chrono::{Duration, NaiveDateTime};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use super::calendar::{Reason, Source, Status};
use super::waves::Calendar;
use crate::store::alerts::{AlertRow, NewAlert};
use crate::store::{Store, StoreError};

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Opros-Signature";

/// Webhook settings.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookConfig {
    pub urls: Vec<String>,
    pub secret: String,
    pub max_attempts: i32,
    pub backoff: Duration,
}

impl WebhookConfig {
    /// From the environment; an unreadable number is an error naming the variable.
    pub fn from_env() -> Result<WebhookConfig, String> {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let num = |k: &str, default: i64| -> Result<i64, String> {
            get(k).map_or(Ok(default), |v| {
                v.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(format!("{k} must be a positive whole number, not '{v}'"))
            })
        };
        let urls: Vec<String> = get("OPROS_WEBHOOKS")
            .map(|v| {
                v.split(',')
                    .map(|u| u.trim().to_owned())
                    .filter(|u| !u.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(bad) = urls.iter().find(|u| !u.starts_with("http://")) {
            return Err(format!(
                "OPROS_WEBHOOKS: '{bad}' is not an http:// URL (https needs a local relay; see the README)"
            ));
        }
        let max_attempts = i32::try_from(num("OPROS_WEBHOOK_MAX_ATTEMPTS", 5)?).unwrap_or(i32::MAX);
        Ok(WebhookConfig {
            urls,
            secret: get("OPROS_WEBHOOK_SECRET").unwrap_or_default(),
            max_attempts,
            backoff: Duration::seconds(num("OPROS_WEBHOOK_BACKOFF_SECONDS", 30)?),
        })
    }
}

/// The alerts of a calendar (every cell in *alert*).
pub fn alerts_of(c: &Calendar) -> Vec<NewAlert> {
    let mut out = Vec::new();
    for ind in &c.indicators {
        for wave in &ind.waves {
            for cell in wave.cells.iter().filter(|c| c.status == Status::Alert) {
                let Some(h) = cell.headline else { continue };
                let reasons: Vec<&str> = cell
                    .reasons
                    .iter()
                    .map(|r| match r {
                        Reason::AlertLevel => "alert_level",
                        Reason::WatchLevel => "watch_level",
                        Reason::SignificantWorsening => "significant_worsening",
                    })
                    .collect();
                let source = match cell.source {
                    Some(Source::Direct) => "direct",
                    Some(Source::DirectThin) => "direct_thin",
                    Some(Source::Eblup) => "eblup",
                    Some(Source::Synthetic) | None => "synthetic",
                };
                out.push(NewAlert {
                    indicator: ind.id.clone(),
                    district: cell.district.clone(),
                    survey: wave.survey.clone(),
                    wave: wave.label.clone(),
                    value: h.value,
                    ci_low: h.ci_low,
                    ci_high: h.ci_high,
                    source: source.to_owned(),
                    reasons: reasons.join(","),
                });
            }
        }
    }
    out
}

/// Records the calendar's alerts (new ones only) and queues them for the webhooks; the number of new ones.
pub fn record(store: &Store, c: &Calendar, config: &WebhookConfig, now: NaiveDateTime) -> Result<usize, StoreError> {
    store.record_alerts(&alerts_of(c), &config.urls, now)
}

/// The JSON body of an alert's webhook.
#[derive(Debug, Serialize)]
struct Payload<'a> {
    event: &'static str,
    alert: &'a AlertRow,
}

/// `sha256=<hex>` of the HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Attempts every due delivery once; returns (delivered, failed attempts).
pub fn deliver_due(store: &Store, config: &WebhookConfig, now: NaiveDateTime) -> Result<(usize, usize), StoreError> {
    let client = match reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the webhook HTTP client");
            return Ok((0, 0));
        }
    };
    let claimed = store.claim_deliveries(now, Duration::seconds(60), 100)?;
    let (mut ok, mut failed) = (0, 0);
    for d in claimed {
        let Some(alert) = store.alert(&d.alert_id)? else {
            continue;
        };
        let body = serde_json::to_vec(&Payload {
            event: "indicator_alert",
            alert: &alert,
        })
        .unwrap_or_default();
        let sent = client
            .post(&d.url)
            .header("Content-Type", "application/json")
            .header(SIGNATURE_HEADER, signature(&config.secret, &body))
            .body(body)
            .send();
        let outcome = match sent {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(r) => Err(format!("HTTP {}", r.status().as_u16())),
            Err(e) => Err(format!("not delivered: {e}")),
        };
        match outcome {
            Ok(()) => {
                ok += 1;
                store.finish_delivery(&d.alert_id, &d.url, now, Ok(()))?;
            }
            Err(error) => {
                failed += 1;
                let attempts = d.attempts + 1;
                let retry = (attempts < config.max_attempts)
                    .then(|| now + config.backoff * 2i32.saturating_pow(u32::try_from(attempts - 1).unwrap_or(0)));
                if retry.is_none() {
                    tracing::error!(url = %d.url, alert = %d.alert_id, attempts, %error,
                        "webhook delivery failed for good; it will not be retried");
                } else {
                    tracing::warn!(url = %d.url, alert = %d.alert_id, attempts, %error, "webhook delivery failed; will retry");
                }
                store.finish_delivery(&d.alert_id, &d.url, now, Err((error, retry)))?;
            }
        }
    }
    Ok((ok, failed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_rfc_4231_test_case_2() {
        // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
