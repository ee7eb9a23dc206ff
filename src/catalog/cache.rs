//! In-memory caches of the catalogue: parsed definitions keyed by (survey, version), and recently read
//! survey rows. Versions are immutable, so the first never goes stale and app instances stay stateless
//! (each fills its own cache from the database).
//!
//! Survey rows (status, current version, results published) do change, possibly on another instance. The
//! respondent form may show a page from a row up to [`SURVEY_ROW_TTL`] old ([`DefinitionCache::recent`]);
//! the authoritative check happens where it matters: the group-commit writer refuses a submission to a
//! survey that is not open inside its transaction (`store::responses::apply_batch`). Changes made
//! through this instance drop the cached row at once ([`DefinitionCache::forget`]).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::CatalogError;
use crate::definition::Definition;
use crate::store::{Store, SurveyRow};
use crate::weighting::Population;

/// Parsed versions by (survey id, version).
type VersionMap = HashMap<(String, i32), Arc<LoadedVersion>>;

/// A parsed, stored version of a survey.
#[derive(Debug)]
pub struct LoadedVersion {
    pub version: i32,
    pub definition: Definition,
    pub population: Option<Population>,
}

/// How long the respondent form reuses a survey row read from the database (see the module notes).
pub const SURVEY_ROW_TTL: Duration = Duration::from_secs(1);

/// Survey rows by slug, with the moment they were read.
type RowMap = HashMap<String, (Instant, SurveyRow)>;

/// Cache of parsed definitions by (survey id, version), and of recently read survey rows.
#[derive(Default, Clone)]
pub struct DefinitionCache {
    inner: Arc<RwLock<VersionMap>>,
    rows: Arc<RwLock<RowMap>>,
}

impl DefinitionCache {
    /// The current version of `slug` with the survey row, read fresh (status changes).
    pub fn current(&self, store: &Store, slug: &str) -> Result<(SurveyRow, Arc<LoadedVersion>), CatalogError> {
        let survey = store.find_survey(slug)?;
        let v = self.get(store, &survey, survey.current_version)?;
        if let Ok(mut rows) = self.rows.write() {
            rows.insert(slug.to_owned(), (Instant::now(), survey.clone()));
        }
        Ok((survey, v))
    }

    /// The survey row and current version of `slug` if the row was read less than [`SURVEY_ROW_TTL`] ago
    /// (no I/O); for showing form pages only.
    pub fn recent(&self, slug: &str) -> Option<(SurveyRow, Arc<LoadedVersion>)> {
        let survey = {
            let rows = self.rows.read().ok()?;
            let (at, row) = rows.get(slug)?;
            if at.elapsed() >= SURVEY_ROW_TTL {
                return None;
            }
            row.clone()
        };
        let v = self
            .inner
            .read()
            .ok()?
            .get(&(survey.id.clone(), survey.current_version))?
            .clone();
        Some((survey, v))
    }

    /// Drops the cached row of `slug` (after a change through this instance, or when the writer found the
    /// survey no longer open).
    pub fn forget(&self, slug: &str) {
        if let Ok(mut rows) = self.rows.write() {
            rows.remove(slug);
        }
    }

    pub fn get(&self, store: &Store, survey: &SurveyRow, version: i32) -> Result<Arc<LoadedVersion>, CatalogError> {
        let key = (survey.id.clone(), version);
        if let Ok(map) = self.inner.read() {
            if let Some(v) = map.get(&key) {
                return Ok(v.clone());
            }
        }
        let (_, row) = store.version(&survey.slug, Some(version))?;
        let corrupt = |reason: String| CatalogError::Corrupt {
            slug: survey.slug.clone(),
            version,
            reason,
        };
        let definition: Definition = serde_json::from_str(&row.definition).map_err(|e| corrupt(e.to_string()))?;
        let population = match row.population.as_deref() {
            Some(p) => Some(serde_json::from_str(p).map_err(|e| corrupt(e.to_string()))?),
            None => None,
        };
        let loaded = Arc::new(LoadedVersion {
            version,
            definition,
            population,
        });
        if let Ok(mut map) = self.inner.write() {
            map.insert(key, loaded.clone());
        }
        Ok(loaded)
    }
}
