//! The group-commit writer's insert of new responses on PostgreSQL: one statement per batch whose shape
//! does not depend on the batch's size (the rows go as one array per column, `unnest`ed), so diesel keeps
//! it prepared. A multi-row `VALUES` list is a different statement for every batch size, parsed and
//! planned on every batch with 14 parameters per row (profiled under the load example: parsing and planning were a
//! visible share of PostgreSQL's CPU per submission).

use chrono::NaiveDateTime;
use diesel::pg::{Pg, PgConnection};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, Binary, Double, Integer, Nullable, Text, Timestamp};

use super::ResponseRow;

/// The rows of a batch by column.
struct InsertRows<'a> {
    id: Vec<&'a str>,
    survey_id: Vec<&'a str>,
    version: Vec<i32>,
    respondent_key: Vec<&'a str>,
    state: Vec<&'a str>,
    language: Vec<&'a str>,
    page_reached: Vec<i32>,
    answers: Vec<&'a str>,
    meta: Vec<&'a str>,
    started_at: Vec<NaiveDateTime>,
    updated_at: Vec<NaiveDateTime>,
    submitted_at: Vec<Option<NaiveDateTime>>,
    duration_seconds: Vec<Option<f64>>,
    codes: Vec<Option<&'a [u8]>>,
}

impl<'a> InsertRows<'a> {
    fn of(rows: &'a [ResponseRow]) -> Self {
        InsertRows {
            id: rows.iter().map(|r| r.id.as_str()).collect(),
            survey_id: rows.iter().map(|r| r.survey_id.as_str()).collect(),
            version: rows.iter().map(|r| r.version).collect(),
            respondent_key: rows.iter().map(|r| r.respondent_key.as_str()).collect(),
            state: rows.iter().map(|r| r.state.as_str()).collect(),
            language: rows.iter().map(|r| r.language.as_str()).collect(),
            page_reached: rows.iter().map(|r| r.page_reached).collect(),
            answers: rows.iter().map(|r| r.answers.as_str()).collect(),
            meta: rows.iter().map(|r| r.meta.as_str()).collect(),
            started_at: rows.iter().map(|r| r.started_at).collect(),
            updated_at: rows.iter().map(|r| r.updated_at).collect(),
            submitted_at: rows.iter().map(|r| r.submitted_at).collect(),
            duration_seconds: rows.iter().map(|r| r.duration_seconds).collect(),
            codes: rows.iter().map(|r| r.codes.as_deref()).collect(),
        }
    }
}

/// The static identity diesel caches [`InsertRows`]' prepared statement under.
struct InsertRowsId;

impl QueryId for InsertRows<'_> {
    type QueryId = InsertRowsId;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Pg> for InsertRows<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO responses (id, survey_id, version, respondent_key, state, language, page_reached, \
             answers, meta, started_at, updated_at, submitted_at, duration_seconds, codes) \
             SELECT * FROM unnest(",
        );
        out.push_bind_param::<Array<Text>, _>(&self.id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.survey_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.version)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.respondent_key)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.state)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.language)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.page_reached)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.answers)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.meta)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.started_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.updated_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Timestamp>>, _>(&self.submitted_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Double>>, _>(&self.duration_seconds)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Binary>>, _>(&self.codes)?;
        out.push_sql(") ON CONFLICT DO NOTHING RETURNING id");
        Ok(())
    }
}

impl Query for InsertRows<'_> {
    type SqlType = Text;
}

impl RunQueryDsl<PgConnection> for InsertRows<'_> {}

/// Inserts the rows that do not conflict with a stored response; returns the ids inserted.
pub(crate) fn insert_new_rows(pg: &mut PgConnection, rows: &[ResponseRow]) -> QueryResult<Vec<String>> {
    InsertRows::of(rows).get_results(pg)
}
