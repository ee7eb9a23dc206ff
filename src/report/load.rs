//! Reading a survey's complete responses from the store for a summary.

use std::sync::Arc;

use crate::catalog::{CatalogError, DefinitionCache, LoadedVersion};
use crate::definition::Answers;
use crate::store::{Store, SurveyRow};

#[derive(Debug, thiserror::Error)]
pub enum ReportLoadError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("response {id} of '{slug}' has unreadable answers: {reason}")]
    BadAnswers { slug: String, id: String, reason: String },
}

/// A survey with its current definition and the answers of its complete responses (all versions; the
/// current definition says what is summarized, questions absent from older versions count as unanswered).
pub struct LoadedSurvey {
    pub survey: SurveyRow,
    pub version: Arc<LoadedVersion>,
    pub answers: Vec<Answers>,
}

pub fn load(store: &Store, cache: &DefinitionCache, slug: &str) -> Result<LoadedSurvey, ReportLoadError> {
    let (survey, version) = cache.current(store, slug)?;
    let rows = store.complete_answers(&survey.id)?;
    let mut answers = Vec::with_capacity(rows.len());
    for (id, json) in rows {
        let a: Answers = serde_json::from_str(&json).map_err(|e| ReportLoadError::BadAnswers {
            slug: slug.to_owned(),
            id,
            reason: e.to_string(),
        })?;
        answers.push(a);
    }
    Ok(LoadedSurvey {
        survey,
        version,
        answers,
    })
}
