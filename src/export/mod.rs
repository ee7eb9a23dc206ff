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

mod dialect;
mod microdata;
pub mod quality;
pub mod sav;
mod side;
mod spss;
mod spss_codes;
mod spss_quality;
mod spss_stream;
pub mod stream;
mod summary;
mod xlsx;

use std::sync::Arc;

use crate::catalog::{CatalogError, DefinitionCache, LoadedVersion};
use crate::definition::{Answers, Definition, DesignValues};
use crate::store::{ResponseRow, Store, StoreError, SurveyRow};
use crate::weighting::Population;

pub use dialect::{Dialect, UnknownDialect};
pub use microdata::{microdata_csv, microdata_csv_in, WEIGHT_COLUMN};
pub use spss::{sav, sav_file};
pub use spss_stream::sav_streamed;
pub use stream::{microdata_csv_streamed, Source};
pub use summary::{summary_csv, summary_csv_in, summary_rows, SummaryRow};
pub use xlsx::{xlsx, xlsx_streamed};

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
    #[error(
        "the responses of '{0}' changed while they were exported (the weights depend on every response); export again"
    )]
    Changed(String),
    #[error("cannot summarize the responses: {0}")]
    Summary(String),
}

impl ExportError {
    /// Whether writing failed because the reader went away (a download the client cancelled).
    pub fn is_broken_pipe(&self) -> bool {
        let io = match self {
            ExportError::Io(e) => Some(e),
            ExportError::Xlsx(rust_xlsxwriter::XlsxError::IoError(e)) => Some(e),
            _ => None,
        };
        io.is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    }
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
    /// Quality screening cells per row and whether it is left out of summaries (`export::quality`), when
    /// some response is flagged or reviewed.
    pub quality: Option<Vec<quality::RowCells>>,
    /// First-round codes of open answers: response id → (question id, codes joined by `;`).
    pub codings: std::collections::HashMap<String, Vec<(String, String)>>,
    /// Codebooks stored after the definition's (the newest version per coded question): their codes are
    /// the code columns, as in the summary.
    pub codebooks: std::collections::HashMap<String, crate::coding::Codebook>,
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
    let screening = quality::cells(store, &version.definition, &survey.id, &rows)?;
    let weights = match &screening {
        // Responses left out by quality screening are weighted as the summary weights: not at all.
        Some(cells) if cells.iter().any(|(_, out)| *out) => {
            let kept: Vec<usize> = (0..rows.len()).filter(|&i| !cells[i].1).collect();
            let kept_answers: Vec<Answers> = kept.iter().map(|&i| answers[i].clone()).collect();
            let kept_design = design
                .as_ref()
                .map(|d| kept.iter().map(|&i| d[i].clone()).collect::<Vec<_>>());
            let w = respondent_weights(
                &version.definition,
                version.population.as_ref(),
                &kept_answers,
                kept_design.as_deref(),
            );
            let mut values = vec![None; rows.len()];
            for (k, &i) in kept.iter().enumerate() {
                values[i] = w.values[k];
            }
            Weights { values, ..w }
        }
        _ => respondent_weights(
            &version.definition,
            version.population.as_ref(),
            &answers,
            design.as_deref(),
        ),
    };
    let codings = side::final_codings(store, &survey.id)?;
    let codebooks = stored_codebooks(store, &survey, &version.definition)?;
    Ok(ExportData {
        survey,
        version,
        rows,
        answers,
        weights,
        quality: screening,
        codings,
        codebooks,
    })
}

/// The newest stored codebook of every coded question that has one.
fn stored_codebooks(
    store: &Store,
    survey: &SurveyRow,
    def: &crate::definition::Definition,
) -> Result<std::collections::HashMap<String, crate::coding::Codebook>, ExportError> {
    let mut books = std::collections::HashMap::new();
    let coded: Vec<String> = microdata::coded_questions(def, &books)
        .into_iter()
        .map(|(q, _)| q.id.clone())
        .collect();
    for q in coded {
        if let Some((_, json)) = store.latest_codebook(&survey.id, &q)? {
            let book = serde_json::from_str(&json).map_err(|e| ExportError::BadAnswers {
                slug: survey.slug.clone(),
                id: format!("codebook of {q}"),
                reason: e.to_string(),
            })?;
            books.insert(q, book);
        }
    }
    Ok(books)
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
    write_microdata_in(store, slug, format, Dialect::Standard, out)
}

/// [`write_microdata`] with a CSV dialect (ignored by the binary formats). CSV and SPSS are written as
/// the responses are read ([`stream`], [`sav_streamed`]).
pub fn write_microdata_in(
    store: &Store,
    slug: &str,
    format: Format,
    dialect: Dialect,
    out: &mut dyn std::io::Write,
) -> Result<(), ExportError> {
    let cache = DefinitionCache::default();
    match format {
        Format::Csv => microdata_csv_streamed(store, &Source::open(store, &cache, slug)?, dialect, out),
        Format::Sav => sav_streamed(store, &Source::open(store, &cache, slug)?, out),
        // A workbook written to a writer that is not `Send` (standard output) is built in memory;
        // `write_microdata_xlsx` streams into a file or a download.
        Format::Xlsx => {
            let data = load(store, &cache, slug)?;
            let summary = summary_for_export(&data)?;
            out.write_all(&xlsx(&data.version.definition, &summary, Some(&data))?)?;
            Ok(())
        }
    }
}

/// The staff workbook of a stored survey (microdata, questions, summary in the default language), the
/// microdata written as the responses are read ([`xlsx_streamed`]). The summary is computed first from
/// the summary's compact representation of the responses, which is dropped before the rows are read.
pub fn write_microdata_xlsx(store: &Store, slug: &str, out: impl std::io::Write + Send) -> Result<(), ExportError> {
    let cache = DefinitionCache::default();
    let summary = {
        let loaded = crate::report::load(store, &cache, slug).map_err(|e| ExportError::Summary(e.to_string()))?;
        let def = &loaded.version.definition;
        crate::report::summarize(
            &crate::report::SummaryInput {
                definition: def,
                population: loaded.version.population.as_ref(),
                answers: &loaded.answers,
                language: def.default_language(),
            },
            &crate::report::ReportOptions::default(),
        )
        .map_err(|e| ExportError::Summary(format!("survey '{}': {e}", def.slug)))?
    };
    let source = Source::open(store, &cache, slug)?;
    xlsx_streamed(store, &source, &summary, out)
}

/// The summary of the loaded responses in the survey's default language (the summary sheet of a CLI export).
/// Responses left out by quality screening are left out here too, as in every summary.
fn summary_for_export(data: &ExportData) -> Result<crate::report::Summary, ExportError> {
    let def = &data.version.definition;
    let kept: Vec<Answers> = match &data.quality {
        Some(cells) => data
            .answers
            .iter()
            .zip(cells)
            .filter(|(_, (_, out))| !out)
            .map(|(a, _)| a.clone())
            .collect(),
        None => data.answers.clone(),
    };
    crate::report::summarize(
        &crate::report::SummaryInput {
            definition: def,
            population: data.version.population.as_ref(),
            answers: &kept,
            language: def.default_language(),
        },
        &crate::report::ReportOptions::default(),
    )
    .map_err(|e| ExportError::Summary(format!("survey '{}': {e}", def.slug)))
}
