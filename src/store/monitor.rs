//! What the fieldwork monitor reads of a survey's responses: one small record per response (state,
//! progress, times), with the answers and form meta data as stored. The monitor's figures are computed
//! from them in `report::monitor`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::responses;
use super::{Store, StoreError};

/// One response as the monitor reads it.
#[derive(Debug, Clone, Queryable)]
pub struct MonitorRecord {
    pub state: String,
    pub page_reached: i32,
    pub started_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub duration_seconds: Option<f64>,
    /// The answers (JSON, `definition::answer`).
    pub answers: String,
    /// The form's meta data (JSON, `form::Meta`).
    pub meta: String,
}

impl Store {
    /// Every response of a survey (any state, all versions), for the fieldwork monitor.
    pub fn monitor_records(&self, survey_id: &str) -> Result<Vec<MonitorRecord>, StoreError> {
        Ok(responses::table
            .filter(responses::survey_id.eq(survey_id))
            .select((
                responses::state,
                responses::page_reached,
                responses::started_at,
                responses::submitted_at,
                responses::duration_seconds,
                responses::answers,
                responses::meta,
            ))
            .load(&mut *self.reader()?)?)
    }
}
