//! Summaries of a survey's complete responses: weighting by the definition's scheme, then design-based
//! estimates for every published question, with breakdowns. The JSON form of [`Summary`] is a contract
//! (design notes §5): `report SLUG --json` and `GET /api/v1/surveys/{slug}/summary` print the same.
//!
//! [`summarize`] is pure (answers in, numbers out); [`load`] reads a survey from the store.
//!
//! What is estimated, per question type (base: respondents who were shown the question and answered it):
//! - single choice, scale: the share of every option (for scales "hard to say" is one of the options, and
//!   flagged); scales also get the mean of the point values, "hard to say" excluded;
//! - multiple choice: the share of respondents choosing each option (shares add up to more than 1);
//! - matrix: each row as a scale;
//! - number: mean and median with intervals;
//! - ranking: the share of respondents who ranked each option first;
//! - constant sum: each option's mean points (as a number's mean), in `rows` like matrix rows;
//! - text, date: only the number who answered (free text is never published in summaries); a text
//!   question with a codebook is summarized by its codes as a multiple choice (see `coded_text`).
//!
//! Breakdowns give the same per category of each breakdown variable (R `svyby`-style domains) and, for
//! categorical questions, the Rao–Scott test of independence with per-cell flags (see `stats::crosstab`).
//! A cell with fewer than `min_cell` respondents is `suppressed: true` and carries no numbers.

mod balance;
pub mod channel;
mod coded_text;
mod columns;
mod design;
pub mod district;
pub mod domain;
mod index;
mod labels;
mod load;
pub mod model;
pub mod monitor;
pub mod outcomes;
mod question_type;
mod questions;
mod responses;
pub mod screening;
mod suppression;
mod text;
pub mod trend;
mod variables;
mod weights;

use serde::Serialize;

use crate::definition::{Answers, Definition, Question, QuestionKind};
use crate::stats::{self, CiMethod, ShareOptions, StatsError};
use crate::weighting::Diagnostics;

/// The statistics and weighting types a summary's readers meet (significance flags of breakdown cells,
/// the population a survey is weighted to), so that they need nothing below `report`.
pub use crate::stats::Flag;
pub use crate::weighting::Population;

pub use crate::stats::AlphaNotComputable;
pub use coded_text::{CodedCount, Codings, WithCodings};
pub use index::{IndexItem, IndexSummary};
pub use labels::{category_label, variable_label};
pub use load::{load, load_for, LoadedSurvey, ReportLoadError};
pub use question_type::QuestionType;
pub use responses::{AnswerSource, Responses, View};
pub use text::render_text;
pub use weights::{final_weights, weigh_answers, WeighFailure, Weighed};

use columns::Columns;
use questions::Ctx;
use responses::Subset;
use weights::{sampling_design, subset_calibration, weigh};

/// Confidence level of every interval.
pub const LEVEL: f64 = 0.95;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("statistics: {0}")]
    Stats(#[from] StatsError),
    #[error("'{0}' is not a breakdown variable of this survey (a single-choice or scale question or a derived variable); valid: {1}")]
    UnknownBreakdown(String, String),
    #[error("'{0}' is not a filter: write VAR:CODE[,VAR:CODE…], e.g. sex:f,age_group:60+")]
    BadFilter(String),
    #[error("'{variable}' cannot filter this survey (a single-choice or scale question or a derived variable); valid: {valid}")]
    UnknownFilterVariable { variable: String, valid: String },
    #[error("'{code}' is not a code of '{variable}'; valid: {valid}")]
    UnknownCode {
        variable: String,
        code: String,
        valid: String,
    },
    #[error("a two-way breakdown (by2 = '{0}') needs a first breakdown variable (by)")]
    By2WithoutBy(String),
}

/// How to summarize.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Breakdown variables; `None` = the definition's `report.breakdowns`.
    pub by: Option<Vec<String>>,
    pub method: CiMethod,
    /// Weight by the definition's scheme (when it has one).
    pub weighted: bool,
    /// Include unpublished questions (staff view).
    pub all_questions: bool,
    /// Restrict the estimates to a subgroup (domain estimation, see [`domain`]); empty = everyone.
    pub filter: Vec<domain::FilterTerm>,
    /// Cross every breakdown variable with this one (two-way breakdowns, breakdown ids `a*b`).
    pub by2: Option<String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            by: None,
            method: CiMethod::Logit,
            weighted: true,
            all_questions: false,
            filter: Vec::new(),
            by2: None,
        }
    }
}

/// The whole summary of a survey.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub slug: String,
    pub title: String,
    pub topic: String,
    pub language: String,
    /// Complete responses.
    pub n: usize,
    /// Respondents in the estimates (complete, and not excluded from weighting).
    pub n_analysed: usize,
    /// Kish effective sample size of the analysed respondents.
    pub effective_n: Option<f64>,
    pub weighted: bool,
    /// How respondents were recruited (`probability`, `invited`, `opt_in`: the definition's `sample:`).
    pub sample: crate::definition::SampleKind,
    /// What the intervals are: `confidence` for probability samples, otherwise `credibility` (model-based:
    /// they assume the weighting removes the selection bias; AAPOR guidance on opt-in samples).
    pub interval_name: IntervalName,
    pub ci_method: CiMethod,
    pub level: f64,
    pub min_cell: u32,
    /// Weighting diagnostics (contract: `method`, `iterations`, `deff`, `effective_n`, `weight_min`, …).
    pub weighting: Option<Diagnostics>,
    /// Why weighting was not applied, when the definition asks for it but it failed.
    pub weighting_error: Option<String>,
    /// The sampling design of imported interviews (a definition's `design:` block), when one is used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub design: Option<DesignSummary>,
    /// Why the definition's sampling design could not be used (estimates then ignore it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub design_error: Option<String>,
    /// The subgroup the estimates are for, when filtered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<domain::FilterSummary>,
    pub breakdowns: Vec<BreakdownVariable>,
    pub questions: Vec<QuestionSummary>,
    /// Complete responses left out by quality screening, and why (set by the caller that loaded them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded: Option<screening::Excluded>,
}

/// What the intervals of a summary are called, from how its respondents were recruited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalName {
    /// A probability sample: design-based confidence intervals.
    Confidence,
    /// Any other sample: model-based credibility intervals.
    Credibility,
}

impl IntervalName {
    pub fn of(sample: crate::definition::SampleKind) -> IntervalName {
        if sample.is_probability() {
            IntervalName::Confidence
        } else {
            IntervalName::Credibility
        }
    }
}

/// A breakdown variable and its categories (for labels).
#[derive(Debug, Clone, Serialize)]
pub struct BreakdownVariable {
    pub id: String,
    pub label: String,
    pub categories: Vec<Labelled>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Labelled {
    pub code: String,
    pub label: String,
}

/// One question's estimates.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionSummary {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track: Option<String>,
    /// A coded open question: answered and coded counts (its codes are the options).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coding: Option<CodedCount>,
    #[serde(flatten)]
    pub estimates: Estimates,
    /// Matrix rows, each summarized as a scale.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowSummary>,
    /// Per breakdown variable, the same estimates per category.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub breakdowns: Vec<Breakdown>,
    /// Balance of opinions (% top − % bottom) of a scale whose definition names its top and bottom points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balance: Option<balance::BalanceSummary>,
    /// An index (`type: index`): its items and Cronbach's α.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<IndexSummary>,
}

/// A matrix row, or a constant-sum option.
#[derive(Debug, Clone, Serialize)]
pub struct RowSummary {
    pub code: String,
    pub label: String,
    /// Respondents in a constant-sum option's mean (matrix rows have their counts per point).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    #[serde(flatten)]
    pub estimates: Estimates,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub breakdowns: Vec<Breakdown>,
}

/// Estimates for one base (a question, a matrix row, or one breakdown category).
#[derive(Debug, Clone, Serialize, Default)]
pub struct Estimates {
    /// Respondents who answered (unweighted). `None` when suppressed.
    pub base_n: Option<u64>,
    pub effective_n: Option<f64>,
    pub suppressed: bool,
    /// Why the estimates are suppressed (present exactly when `suppressed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_reason: Option<SuppressedReason>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionEstimate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// Why a scale's mean is absent while its shares are shown (fewer answers without "hard to say").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_suppressed_reason: Option<SuppressedReason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub se: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub se_fixed: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_high: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_n: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median_ci_low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median_ci_high: Option<f64>,
}

/// Why a figure is not published. Every suppressed estimate carries one (`suppressed_reason` in the JSON,
/// the page and the summary tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressedReason {
    /// Fewer respondents than the survey's `min_cell` answered.
    MinCell,
    /// Nobody answered.
    NoAnswers,
    /// Enough respondents, but hidden so that a figure suppressed for `min_cell` in the same breakdown
    /// cannot be recovered by subtraction from the total (see `stats::suppression`).
    Complementary,
}

impl SuppressedReason {
    /// Why `n` respondents (`None`: none) cannot be published with the threshold `min_cell`.
    pub fn of_count(n: Option<u64>) -> SuppressedReason {
        match n {
            None | Some(0) => SuppressedReason::NoAnswers,
            Some(_) => SuppressedReason::MinCell,
        }
    }

    /// The JSON name, also the suffix of the message ids that explain it.
    pub fn name(self) -> &'static str {
        match self {
            SuppressedReason::MinCell => "min_cell",
            SuppressedReason::NoAnswers => "no_answers",
            SuppressedReason::Complementary => "complementary",
        }
    }
}

/// One option's share.
#[derive(Debug, Clone, Serialize)]
pub struct OptionEstimate {
    pub code: String,
    pub label: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hard_to_say: bool,
    pub suppressed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_reason: Option<SuppressedReason>,
    pub n: Option<u64>,
    pub share: Option<f64>,
    pub se: Option<f64>,
    pub se_fixed: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub deff: Option<f64>,
    /// Breakdown cells: significantly above/below the other categories (Benjamini–Hochberg).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<stats::Flag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q_value: Option<f64>,
}

/// A question by one breakdown variable.
#[derive(Debug, Clone, Serialize)]
pub struct Breakdown {
    pub variable: String,
    /// Rao–Scott test of independence (categorical questions).
    pub test: Option<stats::RaoScott>,
    /// Why a categorical question has no test: a degenerate table or design, or a breakdown by the
    /// question itself or by a variable derived from it (then the breakdown has no categories).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_testable: Option<stats::NotTestable>,
    pub categories: Vec<BreakdownCategory>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BreakdownCategory {
    pub code: String,
    pub label: String,
    #[serde(flatten)]
    pub estimates: Estimates,
}

/// The sampling design the estimates used (R `svydesign(ids = ~psu, strata = ~strata, fpc = ~fpc,
/// weights = ~weight)`).
#[derive(Debug, Clone, Serialize)]
pub struct DesignSummary {
    /// Number of strata (1 when unstratified).
    pub strata: usize,
    /// Number of first-stage clusters (PSUs); the number of respondents when not clustered.
    pub psus: usize,
    /// A finite population correction is applied.
    pub fpc: bool,
    /// Design weights are the starting weights.
    pub design_weights: bool,
}

impl DesignSummary {
    fn of(d: &design::SampleDesign, n: usize) -> DesignSummary {
        let distinct = |v: &Option<Vec<usize>>, none: usize| {
            v.as_ref()
                .map_or(none, |v| v.iter().collect::<std::collections::HashSet<_>>().len())
        };
        DesignSummary {
            strata: distinct(&d.strata, usize::from(n > 0)),
            psus: distinct(&d.psu, n),
            fpc: d.fpc.is_some(),
            design_weights: d.weights.is_some(),
        }
    }
}

/// What a summary is computed from.
pub struct SummaryInput<'a, A: AnswerSource + ?Sized = [Answers]> {
    pub definition: &'a Definition,
    pub population: Option<&'a Population>,
    /// Complete responses' answers: in memory (`[Answers]`), or loaded from the store ([`Responses`]).
    pub answers: &'a A,
    pub language: &'a str,
}

/// Time spent in each stage of [`summarize_timed`] (for the benchmark).
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    pub weight: std::time::Duration,
    pub estimate: std::time::Duration,
}

/// Weights (when asked and possible) and summarizes every question.
pub fn summarize<A: AnswerSource + ?Sized>(
    input: &SummaryInput<'_, A>,
    opts: &ReportOptions,
) -> Result<Summary, ReportError> {
    summarize_timed(input, opts).map(|(s, _)| s)
}

/// [`summarize`], also saying how long weighting and estimation took.
pub fn summarize_timed<A: AnswerSource + ?Sized>(
    input: &SummaryInput<'_, A>,
    opts: &ReportOptions,
) -> Result<(Summary, StageTimes), ReportError> {
    let started = std::time::Instant::now();
    let def = input.definition;
    let lang = input.language;
    let by = opts.by.clone().unwrap_or_else(|| def.report.breakdowns.clone());
    for b in by.iter().chain(&opts.by2) {
        channel::check_breakdown(def, b)?;
    }
    if let (Some(b2), true) = (&opts.by2, by.is_empty()) {
        return Err(ReportError::By2WithoutBy(b2.clone()));
    }
    domain::check_filter(def, &opts.filter)?;
    let view = input.answers.view(def);
    let n = view.len();
    let (sample_design, design_error) = sampling_design(def, input.answers.design_values(), n);
    let design_weights = sample_design.as_ref().and_then(|d| d.weights.as_deref());
    let Weighed {
        weights,
        diagnostics,
        calibration,
        calibrated_weights,
        failure,
    } = if opts.weighted {
        weigh(&view, input.population, design_weights)
    } else {
        Weighed::unweighted(n)
    };
    let weighting_error = failure.map(|f| f.summary_message());
    let weighed = std::time::Instant::now();
    // Respondents left out of weighting (missing weighting variable) are left out of the estimates.
    let keep: Vec<usize> = (0..n).filter(|&i| weights[i] > 0.0).collect();
    let rows = if keep.len() == n {
        Subset::All(n)
    } else {
        Subset::Only(&keep)
    };
    let mut cols = Columns::new(&view, rows).with_codings(input.answers.codings());
    let filter = (!opts.filter.is_empty()).then(|| {
        let inside = domain::mask(&cols, &opts.filter, lang);
        let n_inside = inside.iter().filter(|k| **k).count();
        cols.restrict(inside);
        domain::summary(def, &opts.filter, n_inside, lang)
    });
    let mut by_levels: Vec<_> = by.iter().map(|b| cols.breakdown(b, lang)).collect();
    let mut by = by;
    if let Some(b2) = &opts.by2 {
        let second = cols.breakdown(b2, lang);
        by_levels = by_levels.iter().map(|first| domain::cross(first, &second)).collect();
        by = by.iter().map(|b| domain::cross_id(b, b2)).collect();
    }
    let kept_design = sample_design.as_ref().map(|d| d.subset(&keep)).unwrap_or_default();
    let design = stats::Design {
        weights: keep.iter().map(|&i| weights[i]).collect(),
        strata: kept_design.strata,
        psu: kept_design.psu,
        fpc: kept_design.fpc,
        calibration: calibration.map(|c| subset_calibration(c, &keep)),
        breakdowns: by_levels.iter().map(|(_, v)| v.clone()).collect(),
        calibrated_weights: calibrated_weights.map(|w| keep.iter().map(|&i| w[i]).collect()),
        ..stats::Design::default()
    };
    let prep = design.prepare()?;
    let related = |question: &str| -> Vec<Option<stats::NotTestable>> {
        by.iter().map(|b| questions::relation(def, question, b)).collect()
    };
    let ctx = Ctx {
        related: &related,
        prep: &prep,
        cols: &cols,
        lang,
        share_opts: ShareOptions {
            method: opts.method,
            level: LEVEL,
        },
        min_cell: u64::from(def.report.min_cell),
        by: &by,
        by_levels,
    };
    let published: Vec<&Question> = def
        .questions()
        .map(|(_, q)| q)
        .filter(|q| opts.all_questions || def.report.publish.includes(&q.id))
        .filter(|q| !matches!(q.kind, QuestionKind::Info))
        .collect();
    let mut questions = ctx.questions(&published)?;
    for i in def
        .indices
        .iter()
        .filter(|i| index::published(def, i, opts.all_questions))
    {
        questions.extend(ctx.index(def, i)?);
    }
    let ctx_levels: Vec<Vec<Labelled>> = ctx.by_levels.into_iter().map(|(cats, _)| cats).collect();
    let effective_n = if prep.is_empty() {
        None
    } else {
        prep.weighting_effect().effective_n
    };
    let times = StageTimes {
        weight: weighed - started,
        estimate: weighed.elapsed(),
    };
    let summary = Summary {
        slug: def.slug.clone(),
        title: def.title.get(lang).to_owned(),
        topic: def.topic.clone(),
        language: lang.to_owned(),
        n,
        n_analysed: keep.len(),
        effective_n,
        weighted: diagnostics.is_some(),
        sample: def.sample_kind(),
        interval_name: IntervalName::of(def.sample_kind()),
        ci_method: opts.method,
        level: LEVEL,
        min_cell: def.report.min_cell,
        weighting: diagnostics,
        weighting_error,
        design: sample_design.as_ref().map(|d| DesignSummary::of(d, n)),
        design_error,
        filter,
        breakdowns: by
            .iter()
            .zip(&ctx_levels)
            .map(|(b, cats)| breakdown_variable(def, b, cats, lang))
            .collect(),
        questions,
        excluded: None,
    };
    Ok((summary, times))
}

fn breakdown_variable(def: &Definition, id: &str, categories: &[Labelled], lang: &str) -> BreakdownVariable {
    let one = |id: &str| {
        if channel::is_channel(def, id) {
            return channel::label(lang);
        }
        def.derived_variable(id)
            .and_then(|d| d.label.as_ref().map(|l| l.get(lang).to_owned()))
            .or_else(|| def.question(id).map(|q| q.text.get(lang).to_owned()))
            .unwrap_or_else(|| id.to_owned())
    };
    let label = match id.split_once(domain::CROSS) {
        Some((a, b)) => format!("{} × {}", one(a), one(b)),
        None => one(id),
    };
    BreakdownVariable {
        id: id.to_owned(),
        label,
        categories: categories.to_vec(),
    }
}

#[cfg(test)]
mod coded_tests;

#[cfg(test)]
mod coded_text_tests;
