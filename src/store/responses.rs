//! Responses of the web form and of imports: reads for the form handlers, the statements the group-commit
//! writer runs inside its transaction (see [`super::writer`]), quotas, invitations, and the signing secret
//! shared by app instances.
//!
//! Exactness under concurrency (several workers, several app instances on one PostgreSQL) rests on the
//! database, never on process memory:
//! - one response per respondent: the unique `(survey_id, respondent_key)` key and `INSERT … ON CONFLICT DO
//!   NOTHING`; a response leaves `partial` only through `UPDATE … WHERE state = 'partial'`, so it is
//!   completed once;
//! - quotas: `UPDATE quota_counts SET n = n + 1 WHERE … AND n < limit` in the transaction that completes the
//!   response; zero rows updated means the quota is full (PostgreSQL re-checks the condition after waiting
//!   for a concurrent holder of the row lock; SQLite has one writer at a time).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Binary, Bool, Double, Integer, Nullable, Text, Timestamp};

use crate::dispatch;

use super::schema::{app_secrets, invitations, quota_counts, responses};
use super::{now, AnyConnection, ResponseRow, Store, StoreError};

pub const PARTIAL: &str = "partial";
pub const COMPLETE: &str = "complete";
pub const SCREENED_OUT: &str = "screened_out";

/// A quota cell a response counts towards, with the quota's limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaCell {
    pub key: String,
    pub limit: u64,
}

/// What a form page submission writes.
#[derive(Debug, Clone)]
pub struct Submission {
    pub survey_id: String,
    pub response_id: String,
    pub version: i32,
    /// SHA-256 of the respondent token (never the token).
    pub key_hash: String,
    pub language: String,
    /// All answers of the response so far (compact JSON, `definition::answer`).
    pub answers_json: String,
    /// The same answers coded for summaries (`store::codes::encode`), for a completing submission.
    pub codes: Option<Vec<u8>>,
    pub meta_json: String,
    pub page_reached: i32,
    /// When the respondent saw the first page (used when the row is created).
    pub started_at: NaiveDateTime,
    pub complete: bool,
    /// Seconds from `started_at` to now, for a completing submission.
    pub duration_seconds: Option<f64>,
    /// The quota cells of the answers so far. A partial submission is screened out when one is already
    /// full; a complete one takes a place in each, or is screened out.
    pub quotas: Vec<QuotaCell>,
    /// Answered through an invitation: mark it used on completion.
    pub invited: bool,
    /// The handler found no stored response for this respondent (a first page, or a one-page survey).
    pub fresh: bool,
}

/// What happened to a submission (known after COMMIT).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Saved as partial.
    Saved,
    Completed,
    /// A quota of the respondent is full: recorded as screened out.
    ScreenedOut,
    /// The response was already complete or screened out (state given): nothing written.
    AlreadyDone(String),
    /// The survey was not open when the submission's transaction ran: nothing written.
    Closed,
}

/// The respondent lookup of [`Store::find_respondent`]: the response row (if any) left-joined to a one-row
/// relation of the two parameters, and whether the key is one of the survey's invitations. Written as a
/// query type rather than `sql_query` so that diesel keeps it prepared (on PostgreSQL, parsing and planning
/// it on every request cost more than running it).
pub(crate) struct RespondentLookupQuery<'a> {
    pub(crate) survey_id: &'a str,
    pub(crate) key_hash: &'a str,
}

/// The static identity diesel caches [`RespondentLookupQuery`]'s prepared statement under.
pub(crate) struct RespondentLookupId;

impl diesel::query_builder::QueryId for RespondentLookupQuery<'_> {
    type QueryId = RespondentLookupId;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB> diesel::query_builder::QueryFragment<DB> for RespondentLookupQuery<'_>
where
    DB: diesel::backend::Backend,
    str: diesel::serialize::ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(
            "SELECT r.id, r.survey_id, r.version, r.respondent_key, r.state, r.language, r.page_reached, \
             r.answers, r.meta, r.started_at, r.updated_at, r.submitted_at, r.duration_seconds, r.codes, \
             EXISTS (SELECT 1 FROM invitations i WHERE i.token_hash = k.key AND i.survey_id = k.sid) \
             FROM (SELECT CAST(",
        );
        out.push_bind_param::<Text, str>(self.survey_id)?;
        out.push_sql(" AS TEXT) AS sid, CAST(");
        out.push_bind_param::<Text, str>(self.key_hash)?;
        out.push_sql(
            " AS TEXT) AS key) AS k \
             LEFT JOIN responses r ON r.survey_id = k.sid AND r.respondent_key = k.key",
        );
        Ok(())
    }
}

impl diesel::query_builder::Query for RespondentLookupQuery<'_> {
    type SqlType = (
        Nullable<Text>,
        Nullable<Text>,
        Nullable<Integer>,
        Nullable<Text>,
        Nullable<Text>,
        Nullable<Text>,
        Nullable<Integer>,
        Nullable<Text>,
        Nullable<Text>,
        Nullable<Timestamp>,
        Nullable<Timestamp>,
        Nullable<Timestamp>,
        Nullable<Double>,
        Nullable<Binary>,
        Bool,
    );
}

impl<Conn> RunQueryDsl<Conn> for RespondentLookupQuery<'_> {}

/// A row of [`RespondentLookupQuery`] (and of the grouped lookup, `store::lookups`): every response column
/// is NULL when there is no response.
#[derive(Queryable)]
pub(crate) struct RespondentLookup {
    id: Option<String>,
    survey_id: Option<String>,
    version: Option<i32>,
    respondent_key: Option<String>,
    state: Option<String>,
    language: Option<String>,
    page_reached: Option<i32>,
    answers: Option<String>,
    meta: Option<String>,
    started_at: Option<NaiveDateTime>,
    updated_at: Option<NaiveDateTime>,
    submitted_at: Option<NaiveDateTime>,
    duration_seconds: Option<f64>,
    codes: Option<Vec<u8>>,
    invited: bool,
}

impl RespondentLookup {
    /// The response, and whether the key is an invitation: that only matters for someone without a
    /// response (as before the two statements were folded into one).
    pub(crate) fn found(self) -> (Option<ResponseRow>, bool) {
        let invited = self.invited;
        let row = self.row();
        let invited = invited && row.is_none();
        (row, invited)
    }

    fn row(self) -> Option<ResponseRow> {
        Some(ResponseRow {
            id: self.id?,
            survey_id: self.survey_id?,
            version: self.version?,
            respondent_key: self.respondent_key?,
            state: self.state?,
            language: self.language?,
            page_reached: self.page_reached?,
            answers: self.answers?,
            meta: self.meta?,
            started_at: self.started_at?,
            updated_at: self.updated_at?,
            submitted_at: self.submitted_at,
            duration_seconds: self.duration_seconds,
            codes: self.codes,
        })
    }
}

impl Store {
    /// The response of a respondent in a survey.
    pub fn find_response(&self, survey_id: &str, key_hash: &str) -> Result<Option<ResponseRow>, StoreError> {
        Ok(responses::table
            .filter(responses::survey_id.eq(survey_id))
            .filter(responses::respondent_key.eq(key_hash))
            .select(ResponseRow::as_select())
            .first(&mut *self.reader()?)
            .optional()?)
    }

    /// [`Self::find_response`] and [`Self::invitation_exists`] for the same key, in one statement (a form
    /// submission needs both; on PostgreSQL every statement is a round trip and most of its CPU per
    /// response). The key is unique per survey, so the join yields one row.
    pub fn find_respondent(&self, survey_id: &str, key_hash: &str) -> Result<(Option<ResponseRow>, bool), StoreError> {
        let mut c = self.reader()?;
        let query = RespondentLookupQuery { survey_id, key_hash };
        let found: Vec<RespondentLookup> = match &mut *c {
            AnyConnection::Postgresql(pg) => query.load(pg)?,
            AnyConnection::Sqlite(lite) => query.load(lite)?,
        };
        let Some(found) = found.into_iter().next() else {
            return Err(StoreError::Corrupt("the respondent lookup returned no row".into()));
        };
        Ok(found.found())
    }

    /// Whether an invitation token (given by its hash) belongs to the survey.
    pub fn invitation_exists(&self, survey_id: &str, token_hash: &str) -> Result<bool, StoreError> {
        let n: i64 = invitations::table
            .filter(invitations::survey_id.eq(survey_id))
            .filter(invitations::token_hash.eq(token_hash))
            .count()
            .get_result(&mut *self.reader()?)?;
        Ok(n > 0)
    }

    /// Number of invitations of a survey and how many were used.
    pub fn invitation_counts(&self, survey_id: &str) -> Result<(i64, i64), StoreError> {
        let mut c = self.reader()?;
        let all: i64 = invitations::table
            .filter(invitations::survey_id.eq(survey_id))
            .count()
            .get_result(&mut *c)?;
        let used: i64 = invitations::table
            .filter(invitations::survey_id.eq(survey_id))
            .filter(invitations::used_at.is_not_null())
            .count()
            .get_result(&mut *c)?;
        Ok((all, used))
    }

    /// Complete responses counted per quota key of a survey.
    pub fn quota_counts(&self, survey_id: &str) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(quota_counts::table
            .filter(quota_counts::survey_id.eq(survey_id))
            .order(quota_counts::quota_key.asc())
            .select((quota_counts::quota_key, quota_counts::n))
            .load(&mut *self.reader()?)?)
    }

    /// The secret that signs form tokens, created once per database so every app instance on it agrees.
    pub fn form_secret(&self) -> Result<String, StoreError> {
        const NAME: &str = "form-signing";
        let read = |c: &mut AnyConnection| -> Result<Option<String>, StoreError> {
            Ok(app_secrets::table
                .filter(app_secrets::name.eq(NAME))
                .select(app_secrets::value)
                .first(c)
                .optional()?)
        };
        if let Some(v) = read(&mut *self.reader()?)? {
            return Ok(v);
        }
        let fresh = format!(
            "{}{}",
            crate::form::tokens::new_token(),
            crate::form::tokens::new_token()
        );
        let mut w = self.writer()?;
        w.write_transaction(|c| -> Result<String, StoreError> {
            dispatch!(c, |c| diesel::insert_into(app_secrets::table)
                .values((
                    app_secrets::name.eq(NAME),
                    app_secrets::value.eq(&fresh),
                    app_secrets::created_at.eq(now()),
                ))
                .on_conflict_do_nothing()
                .execute(c))?;
            read(c)?.ok_or_else(|| StoreError::Corrupt("the form signing secret could not be stored".into()))
        })
    }
}

/// Takes a place in a quota cell: `true` when taken, `false` when the cell is full (`limit` None: no limit).
pub(crate) fn count_quota(
    c: &mut AnyConnection,
    survey_id: &str,
    key: &str,
    limit: Option<u64>,
) -> Result<bool, StoreError> {
    dispatch!(c, |c| diesel::insert_into(quota_counts::table)
        .values((
            quota_counts::survey_id.eq(survey_id),
            quota_counts::quota_key.eq(key),
            quota_counts::n.eq(0i64),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    let target = quota_counts::table
        .filter(quota_counts::survey_id.eq(survey_id))
        .filter(quota_counts::quota_key.eq(key));
    let n = match limit {
        Some(limit) => diesel::update(target.filter(quota_counts::n.lt(i64::try_from(limit).unwrap_or(i64::MAX))))
            .set(quota_counts::n.eq(quota_counts::n + 1i64))
            .execute(c)?,
        None => diesel::update(target)
            .set(quota_counts::n.eq(quota_counts::n + 1i64))
            .execute(c)?,
    };
    Ok(n == 1)
}

fn release_quota(c: &mut AnyConnection, survey_id: &str, key: &str) -> Result<(), StoreError> {
    diesel::update(
        quota_counts::table
            .filter(quota_counts::survey_id.eq(survey_id))
            .filter(quota_counts::quota_key.eq(key))
            .filter(quota_counts::n.gt(0i64)),
    )
    .set(quota_counts::n.eq(quota_counts::n - 1i64))
    .execute(c)?;
    Ok(())
}

/// Whether any of the cells is already full.
fn any_full(c: &mut AnyConnection, survey_id: &str, cells: &[QuotaCell]) -> Result<bool, StoreError> {
    if cells.is_empty() {
        return Ok(false);
    }
    let keys: Vec<&str> = cells.iter().map(|q| q.key.as_str()).collect();
    let counts: Vec<(String, i64)> = quota_counts::table
        .filter(quota_counts::survey_id.eq(survey_id))
        .filter(quota_counts::quota_key.eq_any(keys))
        .select((quota_counts::quota_key, quota_counts::n))
        .load(c)?;
    Ok(cells.iter().any(|cell| {
        let n = counts.iter().find(|(k, _)| *k == cell.key).map_or(0, |(_, n)| *n);
        u64::try_from(n).unwrap_or(0) >= cell.limit
    }))
}

/// Applies a batch of submissions inside the writer's transaction, in order.
///
/// On PostgreSQL, most submissions that arrive together are first pages (or one-page surveys) of new
/// respondents with nothing to check: they are inserted with one multi-row `INSERT … ON CONFLICT DO NOTHING
/// RETURNING id` (a statement per submission is bound by round trips, `shared/stack.md` §5). Every other
/// submission, and any fresh one whose row turned out to exist already, goes through [`apply`].
pub(crate) fn apply_batch(c: &mut AnyConnection, subs: &[&Submission]) -> Result<Vec<Outcome>, StoreError> {
    let mut outcomes: Vec<Option<Outcome>> = vec![None; subs.len()];
    // One submission per respondent in the multi-row statement (two requests of one new respondent carry
    // different new ids); repeats go through `apply`, which finds the first one's row.
    let mut seen = std::collections::HashSet::new();
    let fast: Vec<usize> = (0..subs.len())
        .filter(|i| subs[*i].fresh && subs[*i].quotas.is_empty() && !subs[*i].invited)
        .filter(|i| seen.insert((subs[*i].survey_id.as_str(), subs[*i].key_hash.as_str())))
        .collect();
    // Only PostgreSQL gains: SQLite statements cost microseconds in process anyway.
    if let (AnyConnection::Postgresql(pg), true) = (&mut *c, fast.len() > 1) {
        let at = now();
        let rows: Vec<ResponseRow> = fast.iter().map(|i| new_row(subs[*i], at)).collect();
        // One prepared statement whatever the batch size (`store::batch_insert`).
        let mut inserted: std::collections::HashSet<String> =
            super::batch_insert::insert_new_rows(pg, &rows)?.into_iter().collect();
        for i in fast {
            if inserted.remove(&subs[i].response_id) {
                outcomes[i] = Some(if subs[i].complete {
                    Outcome::Completed
                } else {
                    Outcome::Saved
                });
            }
        }
    }
    subs.iter()
        .zip(outcomes)
        .map(|(s, done)| match done {
            Some(o) => Ok(o),
            None => apply(c, s),
        })
        .collect()
}

/// The row a submission creates.
fn new_row(s: &Submission, at: NaiveDateTime) -> ResponseRow {
    let state = if s.complete { COMPLETE } else { PARTIAL };
    ResponseRow {
        id: s.response_id.clone(),
        survey_id: s.survey_id.clone(),
        version: s.version,
        respondent_key: s.key_hash.clone(),
        state: state.to_owned(),
        language: s.language.clone(),
        page_reached: s.page_reached,
        answers: s.answers_json.clone(),
        meta: s.meta_json.clone(),
        started_at: s.started_at.min(at),
        updated_at: at,
        submitted_at: s.complete.then_some(at),
        duration_seconds: s.duration_seconds,
        codes: s.codes.clone(),
    }
}

/// Applies one submission inside the writer's transaction.
pub(crate) fn apply(c: &mut AnyConnection, s: &Submission) -> Result<Outcome, StoreError> {
    let at = now();
    let screened_early = !s.complete && any_full(c, &s.survey_id, &s.quotas)?;
    let state = if s.complete {
        COMPLETE
    } else if screened_early {
        SCREENED_OUT
    } else {
        PARTIAL
    };
    let submitted = (state != PARTIAL).then_some(at);
    let mut written = false;
    // Rows are updated by primary key: the handler found the row by (survey, respondent key), or the id is
    // the one this submission inserts; one index, whatever plan PostgreSQL has cached.
    let mut id = s.response_id.clone();
    for round in 0..2 {
        // A fresh submission (no row when the handler looked) tries the INSERT first: one statement less.
        let n = if round == 0 && s.fresh {
            0
        } else {
            diesel::update(
                responses::table
                    .filter(responses::id.eq(&id))
                    .filter(responses::state.eq(PARTIAL)),
            )
            .set((
                responses::state.eq(state),
                responses::answers.eq(&s.answers_json),
                responses::meta.eq(&s.meta_json),
                responses::language.eq(&s.language),
                responses::page_reached.eq(s.page_reached),
                responses::version.eq(s.version),
                responses::updated_at.eq(at),
                responses::submitted_at.eq(submitted),
                responses::duration_seconds.eq(s.duration_seconds),
                responses::codes.eq(&s.codes),
            ))
            .execute(c)?
        };
        if n == 1 {
            written = true;
            break;
        }
        let row = ResponseRow {
            id: s.response_id.clone(),
            survey_id: s.survey_id.clone(),
            version: s.version,
            respondent_key: s.key_hash.clone(),
            state: state.to_owned(),
            language: s.language.clone(),
            page_reached: s.page_reached,
            answers: s.answers_json.clone(),
            meta: s.meta_json.clone(),
            started_at: s.started_at.min(at),
            updated_at: at,
            submitted_at: submitted,
            duration_seconds: s.duration_seconds,
            codes: s.codes.clone(),
        };
        let inserted = dispatch!(c, |c| diesel::insert_into(responses::table)
            .values(&row)
            .on_conflict_do_nothing()
            .execute(c))?;
        if inserted == 1 {
            written = true;
            break;
        }
        // Rare (two submissions of one respondent racing), so its plan hardly matters.
        let existing: Option<(String, String)> = responses::table
            .filter(responses::survey_id.eq(&s.survey_id))
            .filter(responses::respondent_key.eq(&s.key_hash))
            .select((responses::id, responses::state))
            .first(c)
            .optional()?;
        match existing {
            // Another instance created the partial row meanwhile: update it (second round).
            Some((existing_id, st)) if st == PARTIAL => {
                id = existing_id;
                continue;
            }
            Some((_, st)) => return Ok(Outcome::AlreadyDone(st)),
            None => {
                return Err(StoreError::Corrupt(format!(
                    "response {} could not be stored: its id is taken by another respondent",
                    s.response_id
                )))
            }
        }
    }
    if !written {
        return Err(StoreError::Unavailable(
            "a response kept changing while it was being saved".into(),
        ));
    }
    if screened_early {
        return Ok(Outcome::ScreenedOut);
    }
    if !s.complete {
        return Ok(Outcome::Saved);
    }
    let mut taken: Vec<&str> = Vec::new();
    for cell in &s.quotas {
        if count_quota(c, &s.survey_id, &cell.key, Some(cell.limit))? {
            taken.push(&cell.key);
        } else {
            for k in taken {
                release_quota(c, &s.survey_id, k)?;
            }
            diesel::update(responses::table.filter(responses::id.eq(&id)))
                .set(responses::state.eq(SCREENED_OUT))
                .execute(c)?;
            return Ok(Outcome::ScreenedOut);
        }
    }
    if s.invited {
        diesel::update(
            invitations::table
                .filter(invitations::token_hash.eq(&s.key_hash))
                .filter(invitations::used_at.is_null()),
        )
        .set(invitations::used_at.eq(Some(at)))
        .execute(c)?;
    }
    Ok(Outcome::Completed)
}
