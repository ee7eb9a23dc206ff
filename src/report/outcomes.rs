//! Fieldwork outcomes after AAPOR *Standard Definitions* (10th edition, 2023): each respondent's
//! disposition, counts per channel, completion and break-off rates, response rates RR1 and RR2 for
//! invitation-only surveys, and quota fill per quota cell. [`compute`] is pure; [`load`] reads the store.
//!
//! Dispositions and their AAPOR codes:
//! - **invited** — invitations issued (`opros survey invite`); the sample of an invitation-only survey;
//! - **opened** — new respondents shown the first page (counted once per browser);
//! - **refused on the first page** — opened but never sent the first page: opened − stored responses
//!   (never below 0; responses entered by `responses import` were never opened);
//! - **partial** — sent at least one page, never completed (break-off, AAPOR 2.12);
//! - **complete** — completed (I, 1.1), less those **excluded by quality screening**, which count as
//!   non-interviews (2.0);
//! - **screened out by a quota** — not eligible (AAPOR 4.80 "quota filled"), outside every rate's base.
//!
//! Rates (I complete and kept, P partial, Q screened out by a quota, N invited):
//! - completion rate = complete / (complete + partial) (as the monitor's), break-off rate = P / (complete + P);
//! - RR1 = I / (N − Q): the invited who did not complete — refusals, break-offs, non-contacts, unknown
//!   eligibility — all stay in the base, as in RR1 = I / ((I + P) + (R + NC + O) + (UH + UO));
//! - RR2 = (I + P) / (N − Q), partial interviews counted as responses.
//!
//! Only invitation-only surveys have RR1/RR2: with a public link the number of people reached is unknown.
//! A rate whose base is 0 is absent, never a number.
//!
//! Quota fill: per cell (`quota` or `quota=category`), the limit, the completes that took a place, the
//! share full; a cell at [`NEAR_FULL`] of its limit or more is marked near full.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::definition::Definition;
use crate::form::channel::OTHER;
use crate::form::Meta;
use crate::store::monitor::MonitorRecord;
use crate::store::responses::{COMPLETE, PARTIAL, SCREENED_OUT};
use crate::store::{Store, StoreError};
use crate::weighting::Population;

use super::monitor::{Monitor, MonitorRow};

/// Share of a quota's limit from which a cell is marked near full.
pub const NEAR_FULL: f64 = 0.9;

/// What outcomes read of one stored response.
#[derive(Debug, Clone)]
pub struct OutcomeRow {
    pub state: String,
    pub channel: String,
}

/// The counts the rates are made of.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    pub opened: u64,
    pub refused: u64,
    pub partial: u64,
    pub complete: u64,
    pub screened_out: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelCounts {
    pub channel: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaFill {
    pub key: String,
    pub limit: u64,
    pub completes: u64,
    /// completes / limit (absent for a limit of 0).
    pub fill: Option<f64>,
    pub near_full: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcomes {
    /// Invitations of an invitation-only survey (absent otherwise).
    pub invited: Option<u64>,
    pub totals: Counts,
    /// Complete responses excluded by quality screening (included in `totals.complete`).
    pub excluded: u64,
    pub completion_rate: Option<f64>,
    pub breakoff_rate: Option<f64>,
    pub rr1: Option<f64>,
    pub rr2: Option<f64>,
    pub channels: Vec<ChannelCounts>,
    pub quotas: Vec<QuotaFill>,
}

/// The outcomes from counts (pure): the survey's responses, first-page opens per channel, invitations
/// (for an invitation-only survey), the number of complete responses excluded by quality screening, and
/// the quota places taken per cell key.
pub fn compute(
    def: &Definition,
    rows: &[OutcomeRow],
    opens: &[(String, i64)],
    invited: Option<u64>,
    excluded: u64,
    quota_taken: &[(String, i64)],
) -> Outcomes {
    let mut by_channel: BTreeMap<String, Counts> = BTreeMap::new();
    for (channel, n) in opens {
        by_channel.entry(channel.clone()).or_default().opened += (*n).max(0) as u64;
    }
    for r in rows {
        let c = by_channel.entry(r.channel.clone()).or_default();
        match r.state.as_str() {
            COMPLETE => c.complete += 1,
            PARTIAL => c.partial += 1,
            SCREENED_OUT => c.screened_out += 1,
            _ => {}
        }
    }
    let mut totals = Counts::default();
    for c in by_channel.values_mut() {
        c.refused = c.opened.saturating_sub(c.complete + c.partial + c.screened_out);
        totals.opened += c.opened;
        totals.refused += c.refused;
        totals.partial += c.partial;
        totals.complete += c.complete;
        totals.screened_out += c.screened_out;
    }
    let ratio = |num: u64, den: u64| (den > 0).then(|| num as f64 / den as f64);
    let started = totals.complete + totals.partial;
    let kept = totals.complete.saturating_sub(excluded);
    let eligible = invited.map(|n| n.saturating_sub(totals.screened_out));
    Outcomes {
        invited,
        excluded,
        completion_rate: ratio(totals.complete, started),
        breakoff_rate: ratio(totals.partial, started),
        rr1: eligible.and_then(|e| ratio(kept, e)),
        rr2: eligible.and_then(|e| ratio(kept + totals.partial, e)),
        channels: by_channel
            .into_iter()
            .map(|(channel, counts)| ChannelCounts { channel, counts })
            .collect(),
        quotas: quota_fill(def, quota_taken),
        totals,
    }
}

/// Every quota cell of the definition with its fill (cells of a quota on a variable: one per category).
pub fn quota_fill(def: &Definition, taken: &[(String, i64)]) -> Vec<QuotaFill> {
    let taken: BTreeMap<&str, u64> = taken.iter().map(|(k, n)| (k.as_str(), (*n).max(0) as u64)).collect();
    let mut out = Vec::new();
    for q in &def.quotas {
        let keys: Vec<String> = match (&q.when, &q.question) {
            (None, Some(var)) => def
                .categories(var)
                .unwrap_or_default()
                .into_iter()
                .map(|c| format!("{}={c}", q.id))
                .collect(),
            _ => vec![q.id.clone()],
        };
        for key in keys {
            let completes = taken.get(key.as_str()).copied().unwrap_or(0);
            let fill = (q.limit > 0).then(|| completes as f64 / q.limit as f64);
            out.push(QuotaFill {
                near_full: fill.is_some_and(|f| f >= NEAR_FULL),
                key,
                limit: q.limit,
                completes,
                fill,
            });
        }
    }
    out
}

/// The outcomes of a survey from the store.
pub fn load(store: &Store, def: &Definition, survey_id: &str) -> Result<Outcomes, StoreError> {
    let records = store.monitor_records(survey_id)?;
    from_records(store, def, survey_id, &records)
}

/// The fieldwork monitor and the outcomes of a survey from one read of its responses (the monitor page
/// shows both).
pub fn load_with_monitor(
    store: &Store,
    def: &Definition,
    population: Option<&Population>,
    survey_id: &str,
    lang: &str,
) -> Result<(Monitor, Outcomes), StoreError> {
    let records = store.monitor_records(survey_id)?;
    let outcomes = from_records(store, def, survey_id, &records)?;
    let rows = records.into_iter().map(MonitorRow::from_record).collect();
    Ok((super::monitor::compute(def, population, rows, lang), outcomes))
}

/// The outcomes from the responses as read, and the store's other counts.
fn from_records(
    store: &Store,
    def: &Definition,
    survey_id: &str,
    records: &[MonitorRecord],
) -> Result<Outcomes, StoreError> {
    let rows: Vec<OutcomeRow> = records
        .iter()
        .map(|r| OutcomeRow {
            channel: Meta::parse(&r.meta).channel.unwrap_or_else(|| OTHER.to_owned()),
            state: r.state.clone(),
        })
        .collect();
    let opens = store.opens(survey_id)?;
    let invited = if def.invitation_only {
        Some(store.invitation_count(survey_id)?.max(0) as u64)
    } else {
        None
    };
    let excluded = super::screening::exclusions(store, def, survey_id)?.excluded.total;
    let taken = store.quota_counts(survey_id)?;
    Ok(compute(def, &rows, &opens, invited, excluded, &taken))
}

#[cfg(test)]
mod tests;
