//! Alerts of the risk calendar (`indicator_alerts`) and their webhook deliveries (`webhook_deliveries`).
//!
//! An alert is unique by (indicator, district, survey): whichever instance records it first wins, the
//! others' inserts do nothing, so it is recorded — and queued for each webhook — once. A delivery is
//! claimed with a conditional UPDATE (pending, due, not claimed by anyone else); only the instance whose
//! UPDATE changed the row sends it. A claim expires, so a crash between claiming and recording the outcome
//! leads to a later retry (at least once), never to a lost delivery.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use crate::dispatch;

use super::schema::{indicator_alerts, webhook_deliveries};
use super::{Store, StoreError};

/// An alert to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlert {
    pub indicator: String,
    pub district: String,
    pub survey: String,
    pub wave: String,
    pub value: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub source: String,
    /// Comma-separated reasons (`alert_level`, `significant_worsening`).
    pub reasons: String,
    /// Whether a new alert is queued for delivery (an alert of an older wave is recorded only).
    pub notify: bool,
}

/// A recorded alert.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize)]
#[diesel(table_name = indicator_alerts)]
pub struct AlertRow {
    pub id: String,
    pub indicator: String,
    pub district: String,
    pub survey: String,
    pub wave: String,
    pub value: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub source: String,
    pub reasons: String,
    pub created_at: NaiveDateTime,
}

/// A webhook delivery's state.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub alert_id: String,
    pub url: String,
    /// `pending`, `delivered` or `failed` (gave up after the last attempt).
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
}

impl Store {
    /// Records the alerts not recorded yet and queues each new one marked `notify` for every target `url`
    /// (a webhook URL or `mailto:`); returns the number of new alerts.
    pub fn record_alerts(&self, alerts: &[NewAlert], urls: &[String], at: NaiveDateTime) -> Result<usize, StoreError> {
        let mut w = self.writer()?;
        w.write_transaction(|c| -> Result<usize, StoreError> {
            let mut new = 0;
            for a in alerts {
                let id = Uuid::now_v7().to_string();
                let inserted = dispatch!(c, |c| diesel::insert_into(indicator_alerts::table)
                    .values((
                        indicator_alerts::id.eq(&id),
                        indicator_alerts::indicator.eq(&a.indicator),
                        indicator_alerts::district.eq(&a.district),
                        indicator_alerts::survey.eq(&a.survey),
                        indicator_alerts::wave.eq(&a.wave),
                        indicator_alerts::value.eq(a.value),
                        indicator_alerts::ci_low.eq(a.ci_low),
                        indicator_alerts::ci_high.eq(a.ci_high),
                        indicator_alerts::source.eq(&a.source),
                        indicator_alerts::reasons.eq(&a.reasons),
                        indicator_alerts::created_at.eq(at),
                    ))
                    .on_conflict_do_nothing()
                    .execute(c))?;
                if inserted == 0 {
                    continue;
                }
                new += 1;
                for url in urls.iter().filter(|_| a.notify) {
                    dispatch!(c, |c| diesel::insert_into(webhook_deliveries::table)
                        .values((
                            webhook_deliveries::alert_id.eq(&id),
                            webhook_deliveries::url.eq(url),
                            webhook_deliveries::state.eq("pending"),
                            webhook_deliveries::attempts.eq(0),
                            webhook_deliveries::next_attempt_at.eq(at),
                        ))
                        .on_conflict_do_nothing()
                        .execute(c))?;
                }
            }
            Ok(new)
        })
    }

    /// The most recent alerts first.
    pub fn alerts(&self, limit: i64) -> Result<Vec<AlertRow>, StoreError> {
        Ok(indicator_alerts::table
            .order((indicator_alerts::created_at.desc(), indicator_alerts::id.desc()))
            .limit(limit)
            .select(AlertRow::as_select())
            .load(&mut *self.reader()?)?)
    }

    /// One alert.
    pub fn alert(&self, id: &str) -> Result<Option<AlertRow>, StoreError> {
        Ok(indicator_alerts::table
            .find(id)
            .select(AlertRow::as_select())
            .first(&mut *self.reader()?)
            .optional()?)
    }

    /// Every delivery, the most recent alert first.
    pub fn deliveries(&self) -> Result<Vec<DeliveryRow>, StoreError> {
        Ok(webhook_deliveries::table
            .order((webhook_deliveries::alert_id.desc(), webhook_deliveries::url.asc()))
            .select(DeliveryRow::as_select())
            .load(&mut *self.reader()?)?)
    }

    /// Claims up to `limit` due deliveries for `lease` (pending, due by `now`, not claimed by another
    /// instance); returns the claimed ones.
    pub fn claim_deliveries(
        &self,
        now: NaiveDateTime,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        let due: Vec<(String, String)> = webhook_deliveries::table
            .filter(webhook_deliveries::state.eq("pending"))
            .filter(webhook_deliveries::next_attempt_at.le(now))
            .filter(
                webhook_deliveries::claimed_until
                    .is_null()
                    .or(webhook_deliveries::claimed_until.lt(now)),
            )
            .order(webhook_deliveries::next_attempt_at.asc())
            .limit(limit as i64)
            .select((webhook_deliveries::alert_id, webhook_deliveries::url))
            .load(&mut *self.reader()?)?;
        let mut claimed = Vec::new();
        let mut w = self.writer()?;
        for (alert, url) in due {
            let key = webhook_deliveries::alert_id
                .eq(&alert)
                .and(webhook_deliveries::url.eq(&url));
            let changed = diesel::update(
                webhook_deliveries::table
                    .filter(key)
                    .filter(webhook_deliveries::state.eq("pending"))
                    .filter(
                        webhook_deliveries::claimed_until
                            .is_null()
                            .or(webhook_deliveries::claimed_until.lt(now)),
                    ),
            )
            .set(webhook_deliveries::claimed_until.eq(now + lease))
            .execute(&mut *w)?;
            if changed == 1 {
                let row = webhook_deliveries::table
                    .filter(
                        webhook_deliveries::alert_id
                            .eq(&alert)
                            .and(webhook_deliveries::url.eq(&url)),
                    )
                    .select(DeliveryRow::as_select())
                    .first(&mut *w)?;
                claimed.push(row);
            }
        }
        Ok(claimed)
    }

    /// Records the outcome of an attempt: delivered, or failed with `error` and then retried at `retry_at`
    /// (`None`: given up, state `failed`).
    pub fn finish_delivery(
        &self,
        alert: &str,
        url: &str,
        now: NaiveDateTime,
        outcome: Result<(), (String, Option<NaiveDateTime>)>,
    ) -> Result<(), StoreError> {
        let target = webhook_deliveries::table
            .filter(webhook_deliveries::alert_id.eq(alert))
            .filter(webhook_deliveries::url.eq(url));
        let mut w = self.writer()?;
        match outcome {
            Ok(()) => diesel::update(target)
                .set((
                    webhook_deliveries::state.eq("delivered"),
                    webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
                    webhook_deliveries::delivered_at.eq(Some(now)),
                    webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
                    webhook_deliveries::last_error.eq(None::<String>),
                ))
                .execute(&mut *w)?,
            Err((error, retry_at)) => diesel::update(target)
                .set((
                    webhook_deliveries::state.eq(if retry_at.is_some() { "pending" } else { "failed" }),
                    webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
                    webhook_deliveries::next_attempt_at.eq(retry_at.unwrap_or(now)),
                    webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
                    webhook_deliveries::last_error.eq(Some(error)),
                ))
                .execute(&mut *w)?,
        };
        Ok(())
    }
}
