//! Exports of a survey's results: microdata (one row per complete response, option codes, the weight) as
//! CSV, XLSX and SPSS `.sav`, and the summary tables as shown on the results page (suppression applied) as
//! CSV and XLSX.
//!
//! - [`load`] reads what every export needs: the current definition, the complete responses and their
//!   weights ([`respondent_weights`], the same weights the summary uses);
//! - [`summary_csv`] and [`summary_rows`]: the published tables; a suppressed cell is written as "—" with
//!   the reason, never as a number;
//! - [`microdata_csv`]: the responses CSV of `opros responses export` (the columns of
//!   [`crate::form::csvio`], so an export imports again) plus `_weight` when the survey is weighted;
//! - [`xlsx`]: a workbook with sheets `microdata` (staff only), `questions` (texts and value labels) and
//!   `summary`;
//! - [`sav`]: an SPSS system file written from PSPP's "System File Format" documentation.
//!
//! Who may download what is decided by the caller (web: `web::results_export`; the CLI is staff by
//! definition, it has the database).

mod microdata;
pub mod sav;
mod spss;
mod summary;
mod xlsx;

use std::sync::Arc;

use crate::catalog::{CatalogError, DefinitionCache, LoadedVersion};
use crate::definition::{Answers, Definition, DesignValues};
use crate::store::{ResponseRow, Store, StoreError, SurveyRow};
use crate::weighting::Population;

pub use microdata::{microdata_csv, WEIGHT_COLUMN};
pub use spss::{sav, sav_file};
pub use summary::{summary_csv, summary_rows, SummaryRow};
pub use xlsx::xlsx;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("response {id} of '{slug}' has unreadable answers: {reason}")]
    BadAnswers { slug: String, id: String, reason: String },
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write the XLSX workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("cannot write the SPSS file: {0}")]
    Sav(String),
    #[error("cannot summarize the responses: {0}")]
    Summary(String),
}

/// The final weight of every respondent, and whether weighting was applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// `None`: left out of weighting (a weighting variable is missing and the scheme excludes such
    /// respondents); they are left out of the summary's estimates too.
    pub values: Vec<Option<f64>>,
    /// The definition has a weighting scheme.
    pub scheme: bool,
    /// Why the weights are all 1 although the definition asks for weighting.
    pub error: Option<String>,
}

/// The weights [`crate::report::summarize`] uses: the definition's scheme applied to all complete responses
/// (targets inline or from the survey's population file); 1 for everyone when the survey has no scheme or
/// weighting fails (the summary then says why). Respondents with a weight of 0 (excluded) get `None`.
pub fn respondent_weights(
    def: &Definition,
    population: Option<&Population>,
    answers: &[Answers],
    design: Option<&[Option<DesignValues>]>,
) -> Weights {
    let (weights, error) = crate::report::final_weights(def, population, answers, design);
    Weights {
        values: weights.iter().map(|&x| (x > 0.0).then_some(x)).collect(),
        scheme: def.weighting.is_some(),
        error,
    }
}

/// What a microdata export is made of.
pub struct ExportData {
    pub survey: SurveyRow,
    pub version: Arc<LoadedVersion>,
    pub rows: Vec<ResponseRow>,
    pub answers: Vec<Answers>,
    pub weights: Weights,
    /// First-round codes of open answers: response id → (question id, codes joined by `;`).
    pub codings: std::collections::HashMap<String, Vec<(String, String)>>,
}

/// Reads a survey's current definition, complete responses (submission order) and weights.
pub fn load(store: &Store, cache: &DefinitionCache, slug: &str) -> Result<ExportData, ExportError> {
    let (survey, version) = cache.current(store, slug)?;
    let rows = store.complete_responses(&survey.id)?;
    let mut answers = Vec::with_capacity(rows.len());
    for r in &rows {
        let a: Answers = serde_json::from_str(&r.answers).map_err(|e| ExportError::BadAnswers {
            slug: slug.to_owned(),
            id: r.id.clone(),
            reason: e.to_string(),
        })?;
        answers.push(a);
    }
    let design: Option<Vec<Option<DesignValues>>> = version
        .definition
        .design
        .as_ref()
        .map(|_| rows.iter().map(|r| crate::form::Meta::parse(&r.meta).design).collect());
    let weights = respondent_weights(
        &version.definition,
        version.population.as_ref(),
        &answers,
        design.as_deref(),
    );
    let mut codings: std::collections::HashMap<String, Vec<(String, String)>> = std::collections::HashMap::new();
    for (response, question, codes) in store.final_codings(&survey.id)? {
        let given = codings.entry(response).or_default();
        match given.iter_mut().find(|(q, _)| *q == question) {
            Some(entry) => entry.1 = codes,
            None => given.push((question, codes)),
        }
    }
    Ok(ExportData {
        survey,
        version,
        rows,
        answers,
        weights,
        codings,
    })
}

/// Export formats of `opros responses export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Sav,
}

/// Writes a survey's whole microdata export (the staff view: every complete response, the weight, and in
/// XLSX the questions and the summary tables) in `format`.
pub fn write_microdata(
    store: &Store,
    slug: &str,
    format: Format,
    out: &mut dyn std::io::Write,
) -> Result<(), ExportError> {
    let cache = DefinitionCache::default();
    let data = load(store, &cache, slug)?;
    match format {
        Format::Csv => microdata_csv(&data, out),
        Format::Xlsx => {
            let summary = summary_for_export(&data)?;
            out.write_all(&xlsx(&data.version.definition, &summary, Some(&data))?)?;
            Ok(())
        }
        Format::Sav => {
            out.write_all(&sav(&data)?)?;
            Ok(())
        }
    }
}

/// The summary of the loaded responses in the survey's default language (the summary sheet of a CLI export).
fn summary_for_export(data: &ExportData) -> Result<crate::report::Summary, ExportError> {
    let def = &data.version.definition;
    crate::report::summarize(
        &crate::report::SummaryInput {
            definition: def,
            population: data.version.population.as_ref(),
            answers: &data.answers,
            language: def.default_language(),
        },
        &crate::report::ReportOptions::default(),
    )
    .map_err(|e| ExportError::Summary(format!("survey '{}': {e}", def.slug)))
}
