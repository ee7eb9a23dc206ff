//! Coding of open answers: codebook versions, the codes coders gave answers (first and blind second
//! round), and answers published as quotes. Every change is written with its audit entry.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{record_on, AuditEvent};
use super::schema::{codebooks, codings, quotes};
use super::{now, Store, StoreError};

/// The first coder's round; its codes count in summaries unless a resolution replaces them.
pub const FIRST: i32 = 1;
/// The blind second coding, for agreement.
pub const SECOND: i32 = 2;
/// A disagreement's resolution: the codes that count, leaving both coders' codes as they were (so
/// agreement is computed on what they coded).
pub const RESOLVED: i32 = 3;

/// One coder's codes for one answer.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = codings)]
pub struct CodingRow {
    pub response_id: String,
    pub question_id: String,
    pub round: i32,
    /// Codes joined by `;` (empty: the answer fits no code).
    pub codes: String,
    pub coder: String,
    pub coded_at: NaiveDateTime,
}

impl CodingRow {
    pub fn code_list(&self) -> Vec<String> {
        split_codes(&self.codes)
    }
}

pub fn split_codes(s: &str) -> Vec<String> {
    s.split(';').filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

/// Codes to store for one answer.
#[derive(Debug, Clone)]
pub struct NewCoding<'a> {
    pub response_id: &'a str,
    pub round: i32,
    pub codes: &'a [String],
}

/// A published quote.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = quotes)]
pub struct QuoteRow {
    pub response_id: String,
    pub question_id: String,
    pub code: String,
    pub masked: String,
    pub published_by: String,
    pub published_at: NaiveDateTime,
}

impl Store {
    /// Every coding of a question of a survey (both rounds).
    pub fn codings(&self, survey_id: &str, question_id: &str) -> Result<Vec<CodingRow>, StoreError> {
        Ok(codings::table
            .filter(codings::survey_id.eq(survey_id))
            .filter(codings::question_id.eq(question_id))
            .order((codings::response_id.asc(), codings::round.asc()))
            .select(CodingRow::as_select())
            .load(&mut *self.reader()?)?)
    }

    /// The codes that count, for summaries and exports: (response, question, codes), the first round's
    /// and then the resolutions' (a later row of the same answer replaces an earlier one).
    pub fn final_codings(&self, survey_id: &str) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(codings::table
            .filter(codings::survey_id.eq(survey_id))
            .filter(codings::round.eq_any([FIRST, RESOLVED]))
            .order(codings::round.asc())
            .select((codings::response_id, codings::question_id, codings::codes))
            .load(&mut *self.reader()?)?)
    }

    /// Stores codes for answers of a question (replacing a coder's earlier codes in the same round), with
    /// one audit entry for them all.
    pub fn set_codings(
        &self,
        survey_id: &str,
        question_id: &str,
        coder: &str,
        rows: &[NewCoding<'_>],
        audit: &AuditEvent<'_>,
    ) -> Result<usize, StoreError> {
        let at = now();
        let mut conn = self.writer()?;
        conn.write_transaction(|c| -> Result<usize, StoreError> {
            for r in rows {
                diesel::delete(
                    codings::table
                        .filter(codings::response_id.eq(r.response_id))
                        .filter(codings::question_id.eq(question_id))
                        .filter(codings::round.eq(r.round)),
                )
                .execute(c)?;
                diesel::insert_into(codings::table)
                    .values((
                        codings::response_id.eq(r.response_id),
                        codings::survey_id.eq(survey_id),
                        codings::question_id.eq(question_id),
                        codings::round.eq(r.round),
                        codings::codes.eq(r.codes.join(";")),
                        codings::coder.eq(coder),
                        codings::coded_at.eq(at),
                    ))
                    .execute(c)?;
            }
            record_on(c, audit)?;
            Ok(rows.len())
        })
    }

    /// A number that changes whenever a survey's codings or codebook versions change (every write stamps
    /// `coded_at` to the microsecond): a summary cached under another stamp is out of date, whichever app
    /// instance stored the change.
    pub fn coding_stamp(&self, survey_id: &str) -> Result<i64, StoreError> {
        let mut conn = self.reader()?;
        let (n, latest): (i64, Option<NaiveDateTime>) = codings::table
            .filter(codings::survey_id.eq(survey_id))
            .select((diesel::dsl::count_star(), diesel::dsl::max(codings::coded_at)))
            .first(&mut *conn)?;
        let books: i64 = codebooks::table
            .filter(codebooks::survey_id.eq(survey_id))
            .count()
            .get_result(&mut *conn)?;
        let micros = latest.map_or(0, |t| t.and_utc().timestamp_micros());
        Ok(n.wrapping_mul(1_000_003) ^ micros ^ books.wrapping_mul(7_919).rotate_left(40))
    }

    /// The newest stored codebook version of a question: (version, JSON).
    pub fn latest_codebook(&self, survey_id: &str, question_id: &str) -> Result<Option<(i32, String)>, StoreError> {
        Ok(codebooks::table
            .filter(codebooks::survey_id.eq(survey_id))
            .filter(codebooks::question_id.eq(question_id))
            .order(codebooks::version.desc())
            .select((codebooks::version, codebooks::codebook))
            .first(&mut *self.reader()?)
            .optional()?)
    }

    /// Adds a codebook version (the next number after the newest), returning it.
    pub fn add_codebook(
        &self,
        survey_id: &str,
        question_id: &str,
        json: &str,
        by: &str,
        audit: &AuditEvent<'_>,
    ) -> Result<i32, StoreError> {
        let mut conn = self.writer()?;
        conn.write_transaction(|c| -> Result<i32, StoreError> {
            let newest: Option<i32> = codebooks::table
                .filter(codebooks::survey_id.eq(survey_id))
                .filter(codebooks::question_id.eq(question_id))
                .select(diesel::dsl::max(codebooks::version))
                .first(c)?;
            let version = newest.unwrap_or(0) + 1;
            diesel::insert_into(codebooks::table)
                .values((
                    codebooks::survey_id.eq(survey_id),
                    codebooks::question_id.eq(question_id),
                    codebooks::version.eq(version),
                    codebooks::codebook.eq(json),
                    codebooks::created_by.eq(by),
                    codebooks::created_at.eq(now()),
                ))
                .execute(c)?;
            record_on(c, audit)?;
            Ok(version)
        })
    }

    /// Quotes of a survey's question (all questions when `question_id` is `None`).
    pub fn quotes(&self, survey_id: &str, question_id: Option<&str>) -> Result<Vec<QuoteRow>, StoreError> {
        let mut q = quotes::table.filter(quotes::survey_id.eq(survey_id)).into_boxed();
        if let Some(id) = question_id {
            q = q.filter(quotes::question_id.eq(id.to_owned()));
        }
        Ok(q.order((
            quotes::question_id.asc(),
            quotes::code.asc(),
            quotes::published_at.asc(),
        ))
        .select(QuoteRow::as_select())
        .load(&mut *self.reader()?)?)
    }

    /// Publishes an answer as a quote under `code`, in its masked form (replacing an earlier one).
    pub fn publish_quote(&self, survey_id: &str, q: &QuoteRow, audit: &AuditEvent<'_>) -> Result<(), StoreError> {
        let mut conn = self.writer()?;
        conn.write_transaction(|c| -> Result<(), StoreError> {
            diesel::delete(
                quotes::table
                    .filter(quotes::response_id.eq(&q.response_id))
                    .filter(quotes::question_id.eq(&q.question_id)),
            )
            .execute(c)?;
            diesel::insert_into(quotes::table)
                .values((
                    quotes::response_id.eq(&q.response_id),
                    quotes::survey_id.eq(survey_id),
                    quotes::question_id.eq(&q.question_id),
                    quotes::code.eq(&q.code),
                    quotes::masked.eq(&q.masked),
                    quotes::published_by.eq(&q.published_by),
                    quotes::published_at.eq(q.published_at),
                ))
                .execute(c)?;
            record_on(c, audit)
        })
    }

    /// Withdraws a published quote.
    pub fn withdraw_quote(
        &self,
        response_id: &str,
        question_id: &str,
        audit: &AuditEvent<'_>,
    ) -> Result<bool, StoreError> {
        let mut conn = self.writer()?;
        conn.write_transaction(|c| -> Result<bool, StoreError> {
            let n = diesel::delete(
                quotes::table
                    .filter(quotes::response_id.eq(response_id))
                    .filter(quotes::question_id.eq(question_id)),
            )
            .execute(c)?;
            record_on(c, audit)?;
            Ok(n > 0)
        })
    }
}
