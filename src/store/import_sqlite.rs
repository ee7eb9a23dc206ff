//! SQLite's multi-row insert of imported responses. Like diesel's own batch insert of [`ResponseRow`]s
//! (the same statement, the same stored bytes), except that the timestamps are bound as the text diesel
//! would write for them, formatted once per distinct value: an import's rows share one time, and
//! formatting three timestamps per row took about a fifth of the insert's CPU (profiled with callgrind on
//! an import of 20,000 rows). A batch of [`FULL`] rows is one statement shape, prepared once and kept.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Binary, Double, Integer, Nullable, Text};
use diesel::sqlite::{Sqlite, SqliteConnection};

use super::ResponseRow;

/// Rows per statement: 14 columns × 500 stays well under SQLite's 32,766 bound parameters.
pub(crate) const FULL: usize = 500;

/// How diesel writes a `Timestamp` to SQLite (`diesel::sqlite`'s chrono support: `%F %T%.f`).
const TIMESTAMP_TEXT: &str = "%F %T%.f";

/// A batch of rows with their timestamps as text.
struct InsertRows<'a> {
    rows: &'a [ResponseRow],
    /// `started_at` and `updated_at` of each row.
    times: Vec<[String; 2]>,
    submitted: Vec<Option<String>>,
}

impl<'a> InsertRows<'a> {
    fn of(rows: &'a [ResponseRow]) -> Self {
        let mut last: Option<(NaiveDateTime, String)> = None;
        let mut text = |t: NaiveDateTime| match &last {
            Some((at, s)) if *at == t => s.clone(),
            _ => {
                let s = t.format(TIMESTAMP_TEXT).to_string();
                last = Some((t, s.clone()));
                s
            }
        };
        let mut times = Vec::with_capacity(rows.len());
        let mut submitted = Vec::with_capacity(rows.len());
        for r in rows {
            times.push([text(r.started_at), text(r.updated_at)]);
            submitted.push(r.submitted_at.map(&mut text));
        }
        InsertRows { rows, times, submitted }
    }
}

/// The identity diesel keeps the prepared statement of a full batch under.
struct FullBatchId;

impl QueryId for InsertRows<'_> {
    type QueryId = FullBatchId;
    // Only a full batch has a fixed statement; see `walk_ast`.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl QueryFragment<Sqlite> for InsertRows<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        if self.rows.len() != FULL {
            // The last rows of an import: a statement of its own, not worth keeping.
            out.unsafe_to_cache_prepared();
        }
        out.push_sql(
            "INSERT INTO `responses` (`id`, `survey_id`, `version`, `respondent_key`, `state`, `language`, \
             `page_reached`, `answers`, `meta`, `started_at`, `updated_at`, `submitted_at`, \
             `duration_seconds`, `codes`) VALUES ",
        );
        for (i, r) in self.rows.iter().enumerate() {
            out.push_sql(if i == 0 { "(" } else { ", (" });
            out.push_bind_param::<Text, _>(&r.id)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, _>(&r.survey_id)?;
            out.push_sql(", ");
            out.push_bind_param::<Integer, _>(&r.version)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, _>(&r.respondent_key)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, _>(&r.state)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, _>(&r.language)?;
            out.push_sql(", ");
            out.push_bind_param::<Integer, _>(&r.page_reached)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, _>(&r.answers)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, _>(&r.meta)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, _>(&self.times[i][0])?;
            out.push_sql(", ");
            out.push_bind_param::<Text, _>(&self.times[i][1])?;
            out.push_sql(", ");
            out.push_bind_param::<Nullable<Text>, _>(&self.submitted[i])?;
            out.push_sql(", ");
            out.push_bind_param::<Nullable<Double>, _>(&r.duration_seconds)?;
            out.push_sql(", ");
            out.push_bind_param::<Nullable<Binary>, _>(&r.codes)?;
            out.push_sql(")");
        }
        Ok(())
    }
}

/// A full batch: the same statement every time, so it is prepared once and kept.
struct FullBatch<'a>(InsertRows<'a>);

impl QueryId for FullBatch<'_> {
    type QueryId = FullBatchId;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Sqlite> for FullBatch<'_> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.0.walk_ast(out)
    }
}

/// Inserts `rows` (any number: [`FULL`] at a time through the kept statement, the rest in one more);
/// returns the rows inserted.
pub(crate) fn insert_rows(c: &mut SqliteConnection, rows: &[ResponseRow]) -> QueryResult<usize> {
    let mut inserted = 0;
    for chunk in rows.chunks(FULL) {
        let batch = InsertRows::of(chunk);
        inserted += if chunk.len() == FULL {
            diesel::RunQueryDsl::execute(FullBatch(batch), c)?
        } else {
            diesel::RunQueryDsl::execute(batch, c)?
        };
    }
    Ok(inserted)
}

impl RunQueryDsl<SqliteConnection> for InsertRows<'_> {}
impl RunQueryDsl<SqliteConnection> for FullBatch<'_> {}
