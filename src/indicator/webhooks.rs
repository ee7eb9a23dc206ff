//! Alerts: recording the calendar's alerts once, and delivering them to webhooks.
//!
//! Every cell in *alert* (past the alert level, or significantly worse than the previous wave) becomes an
//! alert, unique by (indicator, district, survey) in the database. Each new alert is queued for every
//! configured webhook and POSTed as JSON with the header `X-Opros-Signature: sha256=<hex>`, the
//! HMAC-SHA256 of the exact body under the shared secret, so the receiver can check it came from Opros.
//! A failed attempt (no connection, or a status other than 2xx) is retried after `backoff · 2^(attempts−1)`;
//! after `max_attempts` the delivery is marked failed, logged, and shown on the calendar page.
//!
//! Only the alerts of each indicator's latest wave are delivered. Alerts of older waves — found when an
//! indicator is first computed over past surveys, or added to the indicators file later — are recorded and
//! shown on the page and in the feed, but not sent, so officials are not flooded with old news.
//! E-mail (see [`super::mail`]) uses the same deliveries, with the target `mailto:ADDRESS`.
//!
//! Settings (environment): `OPROS_WEBHOOKS` (comma-separated `http://` URLs), `OPROS_WEBHOOK_SECRET`,
//! `OPROS_WEBHOOK_MAX_ATTEMPTS` (default 5), `OPROS_WEBHOOK_BACKOFF_SECONDS` (default 30).

use chrono::{Duration, NaiveDateTime};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use super::calendar::{Source, Status};
use super::mail::{self, MailConfig, MAILTO};
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
    /// Alert e-mails, when SMTP is configured.
    pub mail: Option<MailConfig>,
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
            mail: MailConfig::from_env()?,
        })
    }

    /// Where every new alert goes: the webhooks' URLs and `mailto:` the e-mail recipients.
    pub fn targets(&self) -> Vec<String> {
        let mut t = self.urls.clone();
        t.extend(self.mail.iter().flat_map(MailConfig::targets));
        t
    }
}

/// The alerts of a calendar (every cell in *alert*); only those of each indicator's latest wave are to be
/// delivered (`notify`).
pub fn alerts_of(c: &Calendar) -> Vec<NewAlert> {
    let mut out = Vec::new();
    for ind in &c.indicators {
        let latest = ind.waves.len().saturating_sub(1);
        for (k, wave) in ind.waves.iter().enumerate() {
            for cell in wave.cells.iter().filter(|c| c.status == Status::Alert) {
                let Some(h) = cell.headline else { continue };
                let reasons: Vec<&str> = cell.reasons.iter().map(|r| r.name()).collect();
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
                    notify: k == latest,
                });
            }
        }
    }
    out
}

/// Records the calendar's alerts (new ones only) and queues those of the latest waves for every target;
/// the number of new ones.
pub fn record(store: &Store, c: &Calendar, config: &WebhookConfig, now: NaiveDateTime) -> Result<usize, StoreError> {
    store.record_alerts(&alerts_of(c), &config.targets(), now)
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
    deliver_due_named(store, config, now, None)
}

/// [`deliver_due`], with the calendar's names of indicators and districts for the e-mails.
pub fn deliver_due_named(
    store: &Store,
    config: &WebhookConfig,
    now: NaiveDateTime,
    calendar: Option<&Calendar>,
) -> Result<(usize, usize), StoreError> {
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
    let smtp = config.mail.as_ref().map(MailConfig::transport);
    let claimed = store.claim_deliveries(now, Duration::seconds(60), 100)?;
    let (mut ok, mut failed) = (0, 0);
    for d in claimed {
        let Some(alert) = store.alert(&d.alert_id)? else {
            continue;
        };
        let outcome = match (d.url.strip_prefix(MAILTO), config.mail.as_ref().zip(smtp.as_ref())) {
            (Some(to), Some((m, t))) => mail::send(m, t, to, &alert, calendar),
            (Some(_), None) => Err("e-mail is not configured (OPROS_SMTP_HOST) on this instance".to_owned()),
            (None, _) => post(&client, config, &d.url, &alert),
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
                        "alert delivery failed for good; it will not be retried");
                } else {
                    tracing::warn!(url = %d.url, alert = %d.alert_id, attempts, %error,
                        "alert delivery failed; will retry");
                }
                store.finish_delivery(&d.alert_id, &d.url, now, Err((error, retry)))?;
            }
        }
    }
    Ok((ok, failed))
}

/// POSTs an alert's signed JSON to a webhook.
fn post(client: &reqwest::blocking::Client, config: &WebhookConfig, url: &str, alert: &AlertRow) -> Result<(), String> {
    let body = serde_json::to_vec(&Payload {
        event: "indicator_alert",
        alert,
    })
    .unwrap_or_default();
    let sent = client
        .post(url)
        .header("Content-Type", "application/json")
        .header(SIGNATURE_HEADER, signature(&config.secret, &body))
        .body(body)
        .send();
    match sent {
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) => Err(format!("HTTP {}", r.status().as_u16())),
        Err(e) => Err(format!("not delivered: {e}")),
    }
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
