//! The view of a survey's methodology page (`templates/methodology.hbs`).

use serde::Serialize;

use crate::definition::Condition;
use crate::web::results_texts::Texts;
use crate::web::view_format::LangLink;

#[derive(Debug, Clone, Serialize)]
pub struct MethodologyPage {
    pub lang: String,
    pub title: String,
    pub t: Texts,
    pub m: Texts,
    pub suppression: String,
    pub survey: SurveyFacts,
    pub population: Option<PopulationView>,
    pub weighting: Option<WeightingView>,
    pub margin: String,
    pub recruitment: String,
    pub screening: String,
    pub versions: Vec<VersionView>,
    /// The composite indices with their items and Cronbach's α.
    pub indices: Vec<crate::web::results_index::IndexMethodology>,
    pub lang_links: Vec<LangLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SurveyFacts {
    pub title: String,
    pub slug: String,
    pub href: String,
    pub dates: String,
    pub n: usize,
    pub n_analysed: usize,
    pub effective_n: Option<String>,
    pub min_cell: u32,
    pub weighting_note: String,
    /// Weighted by the sampling design's weights (whether or not a weighting scheme follows).
    pub design_weighted: bool,
    pub weighting_error: Option<String>,
    pub scheme_variables: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PopulationView {
    pub title: String,
    pub source: Option<String>,
}

/// The weighting's diagnostics as written on the page.
#[derive(Debug, Clone, Serialize)]
pub struct WeightingView {
    pub method: String,
    pub iterations: usize,
    pub converged: String,
    pub max_gap: String,
    pub deff: String,
    pub effective_n: String,
    pub weight_min: String,
    pub weight_max: String,
    pub weight_mean: String,
    pub weight_cv: String,
    pub n: usize,
    pub n_excluded: usize,
    pub trim: Option<TrimView>,
    pub notes: Vec<String>,
    pub variables: Vec<WeightingVariable>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrimView {
    pub lower: String,
    pub upper: String,
    pub n_trimmed: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeightingVariable {
    pub name: String,
    pub label: String,
    pub categories: Vec<WeightingCategory>,
}

/// A category's share in the sample, after weighting and in the population.
#[derive(Debug, Clone, Serialize)]
pub struct WeightingCategory {
    pub label: String,
    pub n: u64,
    pub sample: String,
    pub weighted: String,
    pub target: String,
}

/// One version of the questionnaire, page by page.
#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    pub version: i32,
    pub current: bool,
    pub title: String,
    pub pages: Vec<PageView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub id: String,
    pub title: Option<String>,
    pub questions: Vec<QuestionAsked>,
}

/// A question as asked.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionAsked {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub info: bool,
    pub text: String,
    pub hint: Option<String>,
    pub required: bool,
    pub show_if: Option<Condition>,
    pub track: Option<String>,
    pub options: Vec<CodeLabel>,
    pub rows: Vec<CodeLabel>,
    pub extra: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeLabel {
    pub code: String,
    pub label: String,
}
