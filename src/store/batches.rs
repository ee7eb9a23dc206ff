//! A survey's complete responses read a batch at a time, in submission order, so that an export of any
//! size holds one batch in memory. Each batch starts where the previous one ended (keyset pagination on
//! `(submitted_at, id)`, served by the index `responses_complete_in_order`): no cursor or transaction stays
//! open between batches, and every batch costs the same however far into the survey it is.
//!
//! Complete responses always have a submission time; should one lack it, it is read first (in id order),
//! as SQLite orders missing values before any time.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text, Timestamp};

use super::schema::responses;
use super::{ResponseRow, Store, StoreError};

/// Rows per batch when the caller has no reason to choose: large enough that the per-query cost is small
/// against reading the rows, small enough that a batch of long answers stays a few megabytes.
pub const BATCH: usize = 5_000;

/// What a microdata export reads of a complete response: the facts it writes and the answers (not the
/// metadata, the coded answers and the other times, which a CSV export never writes).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = responses)]
pub struct ExportRow {
    pub id: String,
    pub version: i32,
    pub language: String,
    pub answers: String,
    pub submitted_at: Option<NaiveDateTime>,
    pub duration_seconds: Option<f64>,
}

/// A row type read in batches: where it stands in submission order, and how a batch of it is read.
pub trait BatchRow: Sized + Send + 'static {
    fn submitted_at(&self) -> Option<NaiveDateTime>;
    fn id(&self) -> &str;
    #[doc(hidden)]
    fn next_batch(store: &Store, survey_id: &str, after: &After, limit: i64) -> Result<Vec<Self>, StoreError>;
}

/// Where the last batch ended.
#[doc(hidden)]
pub enum After {
    Start,
    /// Among rows without a submission time, after this id.
    Untimed(String),
    /// Among timed rows, after this time and id (`None`: the first timed row).
    Timed(Option<(NaiveDateTime, String)>),
}

/// The keyset query of the next batch, selecting `$select`.
macro_rules! next_batch {
    ($store:expr, $survey_id:expr, $after:expr, $limit:expr, $select:expr) => {{
        let base = responses::table
            .filter(responses::survey_id.eq($survey_id))
            // A literal, not a bound value: the planners use the partial index `responses_complete_in_order`
            // only when the query repeats its condition as written.
            .filter(sql::<Bool>("responses.state = 'complete'"))
            .select($select)
            .limit($limit)
            .into_boxed();
        let query = match $after {
            After::Start => base
                .filter(responses::submitted_at.is_null())
                .order(responses::id.asc()),
            After::Untimed(id) => base
                .filter(responses::submitted_at.is_null())
                .filter(responses::id.gt(id.clone()))
                .order(responses::id.asc()),
            After::Timed(None) => base
                .filter(responses::submitted_at.is_not_null())
                .order((responses::submitted_at.asc(), responses::id.asc())),
            // A row-value comparison: both backends start the index range scan right after the last row
            // read, also inside a run of rows with one submission time (an import stores thousands).
            After::Timed(Some((t, id))) => base
                .filter(
                    sql::<Bool>("(responses.submitted_at, responses.id) > (")
                        .bind::<Timestamp, _>(*t)
                        .sql(", ")
                        .bind::<Text, _>(id.clone())
                        .sql(")"),
                )
                .order((responses::submitted_at.asc(), responses::id.asc())),
        };
        query.load(&mut *$store.reader()?)
    }};
}

impl BatchRow for ResponseRow {
    fn submitted_at(&self) -> Option<NaiveDateTime> {
        self.submitted_at
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn next_batch(store: &Store, survey_id: &str, after: &After, limit: i64) -> Result<Vec<Self>, StoreError> {
        Ok(next_batch!(store, survey_id, after, limit, ResponseRow::as_select())?)
    }
}

impl BatchRow for ExportRow {
    fn submitted_at(&self) -> Option<NaiveDateTime> {
        self.submitted_at
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn next_batch(store: &Store, survey_id: &str, after: &After, limit: i64) -> Result<Vec<Self>, StoreError> {
        Ok(next_batch!(store, survey_id, after, limit, ExportRow::as_select())?)
    }
}

impl Store {
    /// Hands the complete responses of a survey (all versions) to `each` in batches of at most `batch`
    /// rows, in submission order (then id), the order of [`Store::complete_responses`]. Stops at the first
    /// error `each` returns.
    pub fn each_complete_batch<E: From<StoreError>>(
        &self,
        survey_id: &str,
        batch: usize,
        each: impl FnMut(Vec<ResponseRow>) -> Result<(), E>,
    ) -> Result<(), E> {
        self.each_complete_batch_of(survey_id, batch, each)
    }

    /// [`Store::each_complete_batch`] reading rows of type `R` (e.g. [`ExportRow`]). The next batch is read
    /// on another thread while `each` works on the current one (at most two batches ahead), so reading
    /// and writing an export overlap.
    pub fn each_complete_batch_of<R: BatchRow, E: From<StoreError>>(
        &self,
        survey_id: &str,
        batch: usize,
        mut each: impl FnMut(Vec<R>) -> Result<(), E>,
    ) -> Result<(), E> {
        let limit = i64::try_from(batch.max(1)).unwrap_or(i64::MAX);
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<R>, StoreError>>(1);
            scope.spawn(move || {
                // A send fails once the receiver is gone (`each` failed): reading stops there.
                if let Err(e) = self.read_batches(survey_id, limit, |rows| tx.send(Ok(rows)).is_ok()) {
                    let _ = tx.send(Err(e));
                }
            });
            for rows in rx {
                each(rows?)?;
            }
            Ok(())
        })
    }

    /// Reads the batches in order and hands each to `each` until it returns false.
    fn read_batches<R: BatchRow>(
        &self,
        survey_id: &str,
        limit: i64,
        mut each: impl FnMut(Vec<R>) -> bool,
    ) -> Result<(), StoreError> {
        let mut after = After::Start;
        loop {
            let rows = R::next_batch(self, survey_id, &after, limit)?;
            let full = rows.len() as i64 == limit;
            let next = match rows.last() {
                Some(r) => match r.submitted_at() {
                    Some(t) => After::Timed(Some((t, r.id().to_owned()))),
                    None => After::Untimed(r.id().to_owned()),
                },
                None => After::Start,
            };
            if !rows.is_empty() && !each(rows) {
                return Ok(());
            }
            after = match (full, next, after) {
                (true, next, _) => next,
                // A short batch of untimed rows: the timed ones follow.
                (false, _, After::Start | After::Untimed(_)) => After::Timed(None),
                (false, _, After::Timed(_)) => return Ok(()),
            };
        }
    }
}
