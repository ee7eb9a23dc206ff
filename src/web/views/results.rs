//! The views of the results page (`templates/results.hbs` and its `results_question` partial).

use serde::Serialize;

use crate::chart::{BarChart, DotChart};
use crate::web::results_texts::Texts;
use crate::web::view_format::LangLink;

/// The results page.
#[derive(Debug, Clone, Serialize)]
pub struct ResultsPage {
    pub lang: String,
    pub title: String,
    pub t: Texts,
    pub lang_links: Vec<LangLink>,
    pub subgroup: Option<String>,
    pub survey: SurveyHead,
    pub breakdowns: Vec<BreakdownLink>,
    pub by: Option<String>,
    pub questions: Vec<QuestionView>,
    pub links: ResultsLinks,
}

/// The survey's headline facts.
#[derive(Debug, Clone, Serialize)]
pub struct SurveyHead {
    pub slug: String,
    pub title: String,
    pub topic: String,
    pub topic_label: String,
    pub topic_href: String,
    pub dates: String,
    pub n: usize,
    pub n_analysed: usize,
    pub effective_n: Option<String>,
    pub weighting_note: String,
    pub min_cell_note: String,
    /// When the figures were computed (the summary may be served from a cache).
    pub computed_at: String,
    pub published: bool,
}

/// A choice of breakdown (or none) in the page's menu.
#[derive(Debug, Clone, Serialize)]
pub struct BreakdownLink {
    pub label: String,
    pub href: String,
    pub current: bool,
}

/// The page's downloads and neighbours.
#[derive(Debug, Clone, Serialize)]
pub struct ResultsLinks {
    pub methodology: String,
    pub csv: String,
    pub csv_excel_ru: String,
    pub xlsx: String,
    pub json: String,
    pub all: &'static str,
}

/// One question's block.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionView {
    pub id: String,
    pub dom_id: String,
    pub text: String,
    pub kind: crate::report::QuestionType,
    pub kind_note: String,
    pub coded_note: Option<String>,
    pub track: Option<String>,
    pub track_href: Option<String>,
    pub suppressed: bool,
    pub reason: String,
    pub base_n: Option<u64>,
    pub base_noun: String,
    pub effective_n: Option<String>,
    pub bars: Option<BarChart>,
    pub options: Vec<OptionRow>,
    pub hard_to_say: Vec<OptionRow>,
    pub mean: Option<MeanView>,
    /// Why the mean is hidden while the rest is shown.
    pub mean_reason: Option<String>,
    pub median: Option<Figure>,
    pub matrix: Option<MatrixView>,
    pub breakdown: Option<BreakdownView>,
    /// Balance of opinions (scales and ordered choices whose definition names top and bottom codes).
    pub balance: Option<crate::web::results_index::BalanceView>,
    /// Published quotes of a coded open question (filled by the page handler).
    pub quotes: Vec<Quote>,
}

/// An option's share as a table row or cell.
#[derive(Debug, Clone, Serialize)]
pub struct OptionRow {
    pub code: String,
    pub label: String,
    pub suppressed: bool,
    pub reason: String,
    pub hard_to_say: bool,
    pub share: String,
    pub interval: String,
    pub n: String,
    pub flag: Option<FlagView>,
}

/// A breakdown cell significantly above or below the others.
#[derive(Debug, Clone, Serialize)]
pub struct FlagView {
    pub mark: &'static str,
    pub class: &'static str,
    pub text: String,
}

/// A figure with its interval, as written.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub value: String,
    pub interval: String,
}

/// A mean with its interval, base and dot chart.
#[derive(Debug, Clone, Serialize)]
pub struct MeanView {
    pub value: String,
    pub interval: String,
    pub n: Option<u64>,
    pub chart: DotChart,
}

/// A matrix (or constant-sum) question's rows.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixView {
    pub chart: DotChart,
    pub columns: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    pub code: String,
    pub label: String,
    pub suppressed: bool,
    pub reason: String,
    pub mean_reason: Option<String>,
    pub base_n: Option<u64>,
    pub mean: String,
    pub interval: String,
    pub cells: Vec<OptionRow>,
    /// Columns of the row: options, mean, interval, base.
    pub span: usize,
}

/// A question by the chosen breakdown variable.
#[derive(Debug, Clone, Serialize)]
pub struct BreakdownView {
    pub variable: String,
    pub label: String,
    pub chart_dots: Option<DotChart>,
    pub chart_bars: Option<BarChart>,
    pub columns: Vec<String>,
    pub has_options: bool,
    pub has_mean: bool,
    pub has_median: bool,
    /// The question has a balance of opinions: a column with it (and its interval) per category.
    pub has_balance: bool,
    pub rows: Vec<BreakdownRow>,
    pub test: Option<TestNote>,
    /// Data columns: base, options, mean and its interval, median, balance and its interval.
    pub span: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct BreakdownRow {
    pub label: String,
    pub total: bool,
    pub suppressed: bool,
    pub reason: String,
    pub base_n: Option<u64>,
    pub cells: Vec<OptionRow>,
    pub mean: String,
    pub mean_interval: String,
    pub mean_reason: Option<String>,
    pub median: String,
    /// The category's balance of opinions in percentage points ("—" when suppressed).
    pub balance: String,
    pub balance_interval: String,
}

/// The outcome of the breakdown's test of independence, or why there is none.
#[derive(Debug, Clone, Serialize)]
pub struct TestNote {
    pub significant: bool,
    pub text: String,
}

/// A published quote under its question.
#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    pub code: String,
    pub label: String,
    pub masked: String,
}
