//! Population files uploaded on the workbench (`populations`), by the path definitions name them with
//! (`populations/FILE.yaml`). Parsing them and the example files shipped in the binary are
//! `catalog::workbench`'s.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{record_on, AuditEvent};
use super::schema::{populations, survey_versions, surveys};
use super::{now, Store, StoreError};

/// An uploaded population file.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = populations)]
pub struct PopulationRow {
    pub path: String,
    pub name: String,
    pub source: String,
    pub uploaded_by: String,
    pub created_at: NaiveDateTime,
}

impl Store {
    /// Every uploaded population file.
    pub fn populations(&self) -> Result<Vec<PopulationRow>, StoreError> {
        Ok(populations::table
            .select(PopulationRow::as_select())
            .load(&mut *self.reader()?)?)
    }

    /// Stores (or replaces) the population file `path` and records the upload.
    pub fn replace_population(
        &self,
        path: &str,
        name: &str,
        source: &str,
        uploaded_by: &str,
        audit: &AuditEvent<'_>,
    ) -> Result<(), StoreError> {
        let mut conn = self.writer()?;
        conn.write_transaction(|c| -> Result<(), StoreError> {
            diesel::delete(populations::table.filter(populations::path.eq(path))).execute(c)?;
            diesel::insert_into(populations::table)
                .values((
                    populations::path.eq(path),
                    populations::name.eq(name),
                    populations::source.eq(source),
                    populations::uploaded_by.eq(uploaded_by),
                    populations::created_at.eq(now()),
                ))
                .execute(c)?;
            record_on(c, audit)
        })
    }

    /// `(slug, version, definition JSON)` of every survey version weighted to a population, by slug and
    /// version.
    pub fn weighted_versions(&self) -> Result<Vec<(String, i32, String)>, StoreError> {
        Ok(survey_versions::table
            .inner_join(surveys::table)
            .filter(survey_versions::population.is_not_null())
            .select((surveys::slug, survey_versions::version, survey_versions::definition))
            .order((surveys::slug.asc(), survey_versions::version.asc()))
            .load(&mut *self.reader()?)?)
    }
}
