//! A survey's complete responses as summaries read them: the coded rows streamed one by one, or the JSON
//! answers with their ids; each response's channel (from its meta data) only when the caller asks for it.

use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};

use super::schema::responses;
use super::{AnyConnection, Store, StoreError};

/// One complete response as [`Store::each_complete_coded`] reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct CodedResponse {
    pub version: i32,
    pub codes: Option<Vec<u8>>,
    /// `(id, JSON answers)` of a response without codes.
    pub fallback: Option<(String, String)>,
    /// The `channel` of the response's meta data, as stored (validated by the reader); always `None` when
    /// the channel was not asked for.
    pub channel: Option<String>,
}

/// The response meta data's `channel` as a column (`None` when absent or the meta data is not JSON), or a
/// NULL column when it is not `wanted` (the meta data is then not read at all).
fn channel_sql(sqlite: bool, wanted: bool) -> diesel::expression::SqlLiteral<Nullable<Text>> {
    diesel::dsl::sql(match (wanted, sqlite) {
        (false, _) => "CAST(NULL AS TEXT)",
        (true, true) => {
            "CASE WHEN json_valid(meta) AND json_type(meta, '$.channel') = 'text' THEN json_extract(meta, '$.channel') END"
        }
        // Meta data is written compactly by serde; a regular expression cannot fail on text that is not JSON.
        // The plain search first: it rules out meta data without a channel (imported responses) for a
        // fraction of the regular expression's cost.
        (true, false) => {
            "CASE WHEN strpos(meta, '\"channel\":\"') > 0 \
             THEN substring(meta from '\"channel\":\"([A-Za-z0-9_-]{1,32})\"') END"
        }
    })
}

impl Store {
    /// Only the answers (JSON) of a survey's complete responses, with their ids, in submission order: what a
    /// summary needs, without decoding timestamps and other columns of a million rows.
    pub fn complete_answers(&self, survey_id: &str) -> Result<Vec<(String, String)>, StoreError> {
        Ok(responses::table
            .filter(responses::survey_id.eq(survey_id))
            .filter(responses::state.eq("complete"))
            .order((responses::submitted_at.asc(), responses::id.asc()))
            .select((responses::id, responses::answers))
            .load(&mut *self.reader()?)?)
    }

    /// [`Self::complete_answers`] with each response's channel (see [`CodedResponse::channel`]).
    pub fn complete_answers_with_channel(
        &self,
        survey_id: &str,
    ) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
        let mut conn = self.reader()?;
        let sqlite = matches!(&*conn, AnyConnection::Sqlite(_));
        Ok(responses::table
            .filter(responses::survey_id.eq(survey_id))
            .filter(responses::state.eq("complete"))
            .order((responses::submitted_at.asc(), responses::id.asc()))
            .select((responses::id, responses::answers, channel_sql(sqlite, true)))
            .load(&mut *conn)?)
    }

    /// A survey's complete responses as a summary reads them, handed to `each` one by one (a million rows
    /// are never held twice): the version and coded answers, the id and JSON answers only of rows without
    /// codes, and the channel when `with_channel` (reading it costs a look into every row's meta data).
    ///
    /// The order is the order of storage: on SQLite the rowid, which the `(state, survey_id)` index scan
    /// yields without sorting (sorting a million rows by submission time took longer than reading them);
    /// on PostgreSQL submission order, which the partial index `responses_complete_in_order` yields without
    /// sorting (its heap reads are nearly sequential: ids are UUIDv7, made in insertion order). Summaries do
    /// not depend on the order beyond rounding.
    pub fn each_complete_coded<E: From<StoreError>>(
        &self,
        survey_id: &str,
        with_channel: bool,
        mut each: impl FnMut(CodedResponse) -> Result<(), E>,
    ) -> Result<(), E> {
        use diesel::dsl::case_when;
        type Row = (i32, Option<Vec<u8>>, Option<String>, Option<String>, Option<String>);
        let query = |sqlite: bool| {
            responses::table.filter(responses::survey_id.eq(survey_id)).select((
                responses::version,
                responses::codes,
                case_when(responses::codes.is_null(), responses::id),
                case_when(responses::codes.is_null(), responses::answers),
                channel_sql(sqlite, with_channel),
            ))
        };
        let mut feed = |row: QueryResult<Row>| -> Result<(), E> {
            let (version, codes, id, answers, channel) = row.map_err(StoreError::from)?;
            let fallback = match (codes.is_some(), id, answers) {
                (false, Some(id), Some(json)) => Some((id, json)),
                _ => None,
            };
            each(CodedResponse {
                version,
                codes,
                fallback,
                channel,
            })
        };
        // The concrete connections: the multi-backend wrapper costs a dispatch per field of a million rows.
        match &mut *self.reader()? {
            AnyConnection::Sqlite(c) => {
                let rows = query(true)
                    .filter(responses::state.eq("complete"))
                    .order(diesel::dsl::sql::<diesel::sql_types::BigInt>("rowid"))
                    .load_iter::<Row, diesel::connection::DefaultLoadingMode>(c)
                    .map_err(StoreError::from)?;
                rows.into_iter().try_for_each(&mut feed)
            }
            AnyConnection::Postgresql(c) => {
                let rows = query(false)
                    // A literal, not a bound value, so that every plan may use the partial index
                    // `responses_complete_in_order`, which yields the rows in this order without sorting.
                    .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                        "responses.state = 'complete'",
                    ))
                    .order((responses::submitted_at.asc(), responses::id.asc()))
                    .load_iter::<Row, diesel::connection::DefaultLoadingMode>(c)
                    .map_err(StoreError::from)?;
                rows.into_iter().try_for_each(&mut feed)
            }
        }
    }
}
