//! Alert e-mails: when SMTP is configured, every delivered alert is also sent as a plain-text e-mail to each
//! recipient. The deliveries live in the same table as the webhooks' (the target is `mailto:ADDRESS`), so
//! they are claimed, retried with backoff, given up after the last attempt and shown on the page exactly
//! like webhooks, and several instances send each e-mail once.
//!
//! Settings (environment): `OPROS_SMTP_HOST` (switches e-mail on), `OPROS_SMTP_PORT` (default 25),
//! `OPROS_SMTP_FROM` (the sender address), `OPROS_ALERT_EMAILS` (comma-separated recipients),
//! `OPROS_ALERT_EMAIL_LANG` (`ru`, the default, or `en`). Plain SMTP without TLS or authentication: hand
//! mail to a relay on the same host or network (postfix, the organisation's relay), which does TLS onwards.

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{Message, SmtpTransport, Transport};

use super::waves::Calendar;
use super::Statistic;
use crate::i18n::{self, Args};
use crate::store::alerts::AlertRow;

/// The prefix of an e-mail delivery's target.
pub const MAILTO: &str = "mailto:";

/// SMTP settings.
#[derive(Debug, Clone, PartialEq)]
pub struct MailConfig {
    pub host: String,
    pub port: u16,
    pub from: Mailbox,
    pub recipients: Vec<Mailbox>,
    pub lang: String,
}

impl MailConfig {
    /// From the environment: `None` when `OPROS_SMTP_HOST` is not set; a missing or unreadable setting is an
    /// error naming the variable.
    pub fn from_env() -> Result<Option<MailConfig>, String> {
        let get = |k: &str| {
            std::env::var(k)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let Some(host) = get("OPROS_SMTP_HOST") else {
            return Ok(None);
        };
        let port = match get("OPROS_SMTP_PORT") {
            None => 25,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or(format!("OPROS_SMTP_PORT must be a port number (1–65535), not '{p}'"))?,
        };
        let address = |k: &str, v: &str| -> Result<Mailbox, String> {
            v.parse::<Mailbox>()
                .map_err(|e| format!("{k}: '{v}' is not an e-mail address ({e})"))
        };
        let from = get("OPROS_SMTP_FROM")
            .ok_or("OPROS_SMTP_FROM (the sender's address) must be set when OPROS_SMTP_HOST is".to_owned())?;
        let from = address("OPROS_SMTP_FROM", &from)?;
        let recipients = get("OPROS_ALERT_EMAILS")
            .ok_or("OPROS_ALERT_EMAILS (who receives alerts) must be set when OPROS_SMTP_HOST is".to_owned())?
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| address("OPROS_ALERT_EMAILS", r))
            .collect::<Result<Vec<_>, _>>()?;
        let lang = get("OPROS_ALERT_EMAIL_LANG").unwrap_or_else(|| "ru".to_owned());
        if !["ru", "en"].contains(&lang.as_str()) {
            return Err(format!("OPROS_ALERT_EMAIL_LANG must be ru or en, not '{lang}'"));
        }
        Ok(Some(MailConfig {
            host,
            port,
            from,
            recipients,
            lang,
        }))
    }

    /// The delivery targets, one per recipient.
    pub fn targets(&self) -> Vec<String> {
        self.recipients.iter().map(|r| format!("{MAILTO}{}", r.email)).collect()
    }

    /// The SMTP client (a connection per message; alerts are few).
    pub fn transport(&self) -> SmtpTransport {
        SmtpTransport::builder_dangerous(&self.host)
            .port(self.port)
            .timeout(Some(std::time::Duration::from_secs(10)))
            .build()
    }
}

/// A value in the indicator's units: shares and balances as percentages (interval ends cut to the possible
/// range), means with two decimals.
fn value(statistic: Option<&Statistic>, v: f64) -> String {
    match statistic {
        Some(Statistic::Mean) => format!("{v:.2}"),
        Some(Statistic::Share { .. }) => format!("{:.1}%", v.clamp(0.0, 1.0) * 100.0),
        Some(Statistic::Balance { .. }) => format!("{:.1}%", v.clamp(-1.0, 1.0) * 100.0),
        None => format!("{v}"),
    }
}

/// The subject and text of an alert's e-mail, with the names from the calendar when it knows them.
pub fn compose(alert: &AlertRow, calendar: Option<&Calendar>, lang: &str) -> (String, String) {
    let ind = calendar.and_then(|c| c.indicators.iter().find(|i| i.id == alert.indicator));
    let indicator = ind.map_or(alert.indicator.clone(), |i| i.title.get(lang).to_owned());
    let district = calendar
        .and_then(|c| c.districts.iter().find(|d| d.code == alert.district))
        .map_or(alert.district.clone(), |d| d.name.get(lang).to_owned());
    let stat = ind.map(|i| &i.statistic);
    let reasons: Vec<String> = alert
        .reasons
        .split(',')
        .map(|r| i18n::text(lang, &format!("indicators-reason-{r}")))
        .collect();
    let source = i18n::text(lang, &format!("indicators-source-{}", alert.source));
    let args = Args::new()
        .str("indicator", indicator)
        .str("district", district)
        .str("wave", alert.wave.clone())
        .str("value", value(stat, alert.value))
        .str("low", value(stat, alert.ci_low))
        .str("high", value(stat, alert.ci_high))
        .str("reasons", reasons.join("; "))
        .str("source", source)
        .str("survey", alert.survey.clone())
        .str("indicator_id", alert.indicator.clone());
    (
        i18n::text_with(lang, "indicators-email-subject", &args),
        i18n::text_with(lang, "indicators-email-body", &args),
    )
}

/// Sends one alert's e-mail to `to` (the address after `mailto:`).
pub fn send(
    config: &MailConfig,
    transport: &SmtpTransport,
    to: &str,
    alert: &AlertRow,
    calendar: Option<&Calendar>,
) -> Result<(), String> {
    let to: Mailbox = to
        .parse()
        .map_err(|e| format!("'{to}' is not an e-mail address ({e})"))?;
    let (subject, body) = compose(alert, calendar, &config.lang);
    // The Message-ID is the alert's, so a mail client shows a repeated delivery (after a crash between
    // sending and recording it) as the same message.
    let message = Message::builder()
        .from(config.from.clone())
        .to(to)
        .subject(subject)
        .message_id(Some(format!("<{}.alert@opros>", alert.id)))
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| format!("cannot build the e-mail: {e}"))?;
    transport
        .send(&message)
        .map(|_| ())
        .map_err(|e| format!("not sent: {e}"))
}
