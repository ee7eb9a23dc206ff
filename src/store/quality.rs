//! Quality reviews of responses (`response_reviews`) and first-page opens per channel (`survey_opens`).
//! A review decision and its audit entry are written in one transaction.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::dispatch;

use super::audit::{record_on, AuditEvent};
use super::schema::{response_reviews, responses, survey_opens};
use super::{now, AnyConnection, Store, StoreError};

/// A response left out of summaries.
pub const EXCLUDE: &str = "exclude";
/// A response kept in summaries (also after an exclusion: reinstated).
pub const KEEP: &str = "keep";

/// The latest decision on a response.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct Review {
    pub response_id: String,
    pub decision: String,
    pub reason: String,
    pub decided_by: String,
    pub decided_at: NaiveDateTime,
}

/// A decision taken on the workbench for several responses at once.
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    pub survey_id: &'a str,
    pub survey_slug: &'a str,
    /// [`EXCLUDE`] or [`KEEP`].
    pub decision: &'a str,
    pub reason: &'a str,
    pub actor: &'a str,
}

impl Store {
    /// Every decision on a survey's responses.
    pub fn reviews(&self, survey_id: &str) -> Result<Vec<Review>, StoreError> {
        Ok(response_reviews::table
            .filter(response_reviews::survey_id.eq(survey_id))
            .order(response_reviews::response_id.asc())
            .select((
                response_reviews::response_id,
                response_reviews::decision,
                response_reviews::reason,
                response_reviews::decided_by,
                response_reviews::decided_at,
            ))
            .load(&mut *self.reader()?)?)
    }

    /// Records `d` for each of `response_ids` that is a complete response of the survey (others are
    /// ignored) with one audit entry per response; returns how many were recorded.
    pub fn decide(&self, d: &Decision<'_>, response_ids: &[String]) -> Result<usize, StoreError> {
        if d.decision != EXCLUDE && d.decision != KEEP {
            return Err(StoreError::Corrupt(format!("unknown review decision '{}'", d.decision)));
        }
        let mut conn = self.writer()?;
        conn.write_transaction(|c| -> Result<usize, StoreError> {
            let known: Vec<String> = responses::table
                .filter(responses::survey_id.eq(d.survey_id))
                .filter(responses::id.eq_any(response_ids))
                .filter(responses::state.eq(super::responses::COMPLETE))
                .select(responses::id)
                .load(c)?;
            let at = now();
            for id in &known {
                diesel::delete(response_reviews::table.filter(response_reviews::response_id.eq(id))).execute(c)?;
                diesel::insert_into(response_reviews::table)
                    .values((
                        response_reviews::response_id.eq(id),
                        response_reviews::survey_id.eq(d.survey_id),
                        response_reviews::decision.eq(d.decision),
                        response_reviews::reason.eq(d.reason),
                        response_reviews::decided_by.eq(d.actor),
                        response_reviews::decided_at.eq(at),
                    ))
                    .execute(c)?;
                let audit = AuditEvent {
                    actor: d.actor,
                    action: if d.decision == EXCLUDE {
                        "response.exclude"
                    } else {
                        "response.keep"
                    },
                    survey_slug: Some(d.survey_slug),
                    survey_version: None,
                    detail: format!("{id}: {}", d.reason),
                };
                record_on(c, &audit)?;
            }
            Ok(known.len())
        })
    }

    /// A number that changes with every decision on the survey's responses (for keys of cached
    /// summaries): the number of decisions and the time of the latest, mixed.
    pub fn review_stamp(&self, survey_id: &str) -> Result<i64, StoreError> {
        let (n, latest): (i64, Option<NaiveDateTime>) = response_reviews::table
            .filter(response_reviews::survey_id.eq(survey_id))
            .select((
                diesel::dsl::count_star(),
                diesel::dsl::max(response_reviews::decided_at),
            ))
            .first(&mut *self.reader()?)?;
        let ms = latest.map_or(0, |t| t.and_utc().timestamp_millis());
        Ok(n.wrapping_mul(1_000_003) ^ ms)
    }

    /// Counts one new respondent shown the first page through `channel`, in a transaction of its own (the
    /// web form counts through the response writer instead, `Writer::count_open`).
    pub fn count_open(&self, survey_id: &str, channel: &str) -> Result<(), StoreError> {
        let open = super::writer::Open {
            survey_id: survey_id.to_owned(),
            channel: channel.to_owned(),
        };
        self.writer()?.write_transaction(|c| add_opens(c, &[open]))
    }

    /// First-page opens of a survey per channel.
    pub fn opens(&self, survey_id: &str) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(survey_opens::table
            .filter(survey_opens::survey_id.eq(survey_id))
            .order(survey_opens::channel.asc())
            .select((survey_opens::channel, survey_opens::n))
            .load(&mut *self.reader()?)?)
    }

    /// How many invitations a survey has.
    pub fn invitation_count(&self, survey_id: &str) -> Result<i64, StoreError> {
        use super::schema::invitations;
        Ok(invitations::table
            .filter(invitations::survey_id.eq(survey_id))
            .count()
            .get_result(&mut *self.reader()?)?)
    }
}

/// Adds first-page opens on the writer's connection (inside its transaction), one statement pair per
/// survey and channel.
pub(super) fn add_opens(c: &mut AnyConnection, opens: &[super::writer::Open]) -> Result<(), StoreError> {
    let mut counts: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    for o in opens {
        *counts.entry((o.survey_id.as_str(), o.channel.as_str())).or_default() += 1;
    }
    for ((survey_id, channel), k) in counts {
        dispatch!(c, |c| diesel::insert_into(survey_opens::table)
            .values((
                survey_opens::survey_id.eq(survey_id),
                survey_opens::channel.eq(channel),
                survey_opens::n.eq(0i64),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
        diesel::update(
            survey_opens::table
                .filter(survey_opens::survey_id.eq(survey_id))
                .filter(survey_opens::channel.eq(channel)),
        )
        .set(survey_opens::n.eq(survey_opens::n + k))
        .execute(c)?;
    }
    Ok(())
}
