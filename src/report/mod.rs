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
//! - text, date: only the number who answered (free text is never published in summaries).
//!
//! Breakdowns give the same per category of each breakdown variable (R `svyby`-style domains) and, for
//! categorical questions, the Rao–Scott test of independence with per-cell flags (see `stats::crosstab`).
//! A cell with fewer than `min_cell` respondents is `suppressed: true` and carries no numbers.

mod columns;
mod design;
mod load;
mod responses;
mod text;
mod variables;

use serde::Serialize;

use crate::definition::{Answers, Definition, DesignValues, Question, QuestionKind};
use crate::stats::{self, CiMethod, PreparedDesign, ShareOptions, StatsError, SuppressRule};
use crate::weighting::{self, Diagnostics, Population, WeightingError};

pub use load::{load, LoadedSurvey, ReportLoadError};
pub use responses::{AnswerSource, Responses, View};
pub use text::render_text;

use columns::{Column, Columns};
use responses::Subset;

/// Confidence level of every interval.
pub const LEVEL: f64 = 0.95;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("statistics: {0}")]
    Stats(#[from] StatsError),
    #[error("'{0}' is not a breakdown variable of this survey: use a single-choice question or a derived variable")]
    UnknownBreakdown(String),
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
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            by: None,
            method: CiMethod::Logit,
            weighted: true,
            all_questions: false,
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
    pub breakdowns: Vec<BreakdownVariable>,
    pub questions: Vec<QuestionSummary>,
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
    pub kind: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track: Option<String>,
    #[serde(flatten)]
    pub estimates: Estimates,
    /// Matrix rows, each summarized as a scale; constant-sum options, each summarized as a number.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowSummary>,
    /// Per breakdown variable, the same estimates per category.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub breakdowns: Vec<Breakdown>,
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionEstimate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
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

/// One option's share.
#[derive(Debug, Clone, Serialize)]
pub struct OptionEstimate {
    pub code: String,
    pub label: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hard_to_say: bool,
    pub suppressed: bool,
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
    for b in &by {
        if def.categories(b).is_none() {
            return Err(ReportError::UnknownBreakdown(b.clone()));
        }
    }
    let view = input.answers.view(def);
    let n = view.len();
    let (sample_design, design_error) = sampling_design(def, input.answers.design_values(), n);
    let design_weights = sample_design.as_ref().and_then(|d| d.weights.as_deref());
    let (weights, diagnostics, calibration, weighting_error) = if opts.weighted {
        weigh(&view, input.population, design_weights)
    } else {
        (vec![1.0; n], None, None, None)
    };
    let weighed = std::time::Instant::now();
    // Respondents left out of weighting (missing weighting variable) are left out of the estimates.
    let keep: Vec<usize> = (0..n).filter(|&i| weights[i] > 0.0).collect();
    let rows = if keep.len() == n {
        Subset::All(n)
    } else {
        Subset::Only(&keep)
    };
    let cols = Columns::new(&view, rows);
    let by_levels: Vec<_> = by.iter().map(|b| cols.breakdown(b, lang)).collect();
    let kept_design = sample_design.as_ref().map(|d| d.subset(&keep)).unwrap_or_default();
    let design = stats::Design {
        weights: keep.iter().map(|&i| weights[i]).collect(),
        strata: kept_design.strata,
        psu: kept_design.psu,
        fpc: kept_design.fpc,
        calibration: calibration.map(|c| subset_calibration(c, &keep)),
        breakdowns: by_levels.iter().map(|(_, v)| v.clone()).collect(),
        ..stats::Design::default()
    };
    let prep = design.prepare()?;
    let ctx = Ctx {
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
    let questions = ctx.questions(&published)?;
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
        ci_method: opts.method,
        level: LEVEL,
        min_cell: def.report.min_cell,
        weighting: diagnostics,
        weighting_error,
        design: sample_design.as_ref().map(|d| DesignSummary::of(d, n)),
        design_error,
        breakdowns: by.iter().map(|b| breakdown_variable(def, b, lang)).collect(),
        questions,
    };
    Ok((summary, times))
}

/// The sampling design of the respondents (`None` without a `design:` block) and, when the survey has one
/// that cannot be used, why (the estimates then treat the sample as a simple weighted one).
fn sampling_design(
    def: &Definition,
    values: Option<&[Option<DesignValues>]>,
    n: usize,
) -> (Option<design::SampleDesign>, Option<String>) {
    if def.design.is_none() {
        return (None, None);
    }
    let refs: Vec<Option<&DesignValues>> = match values {
        Some(v) if v.len() == n => v.iter().map(Option::as_ref).collect(),
        // Answers given without their response facts (not loaded from the store).
        _ => vec![None; n],
    };
    match design::sample_design(def, &refs) {
        Ok(d) => (d, None),
        Err(e) => (None, Some(e)),
    }
}

type Weighing = (
    Vec<f64>,
    Option<Diagnostics>,
    Option<stats::Calibration>,
    Option<String>,
);

/// The weights summaries use, one per respondent: the definition's scheme applied to `answers` (targets
/// inline or from `population`); 0 for respondents excluded from weighting; 1 for everyone when the survey
/// has no scheme or weighting fails, with the reason. Exports use the same, so both always agree.
///
/// `design` holds each respondent's sampling-design values when the survey declares a `design:` (imported
/// interviews): the design weights are then the starting weights, and the weights when there is no scheme.
pub fn final_weights(
    def: &Definition,
    population: Option<&Population>,
    answers: &[Answers],
    design: Option<&[Option<DesignValues>]>,
) -> (Vec<f64>, Option<String>) {
    // The same design (or the same reason to ignore it) as the summary of these answers.
    let (sample_design, _) = sampling_design(def, design, answers.len());
    let base = sample_design.as_ref().and_then(|d| d.weights.as_deref());
    let (w, _, _, error) = weigh(&answers.view(def), population, base);
    (w, error)
}

/// Final weights (the design weights, or 1 each, when the survey has no scheme or weighting fails),
/// diagnostics and the calibration model for variances.
fn weigh(view: &View<'_>, population: Option<&Population>, design_weights: Option<&[f64]>) -> Weighing {
    let def = view.def;
    let n = view.len();
    let starting = || design_weights.map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
    let unweighted = |err: Option<String>| (starting(), None, None, err);
    let Some(scheme) = def.weighting.as_ref() else {
        return unweighted(None);
    };
    if n == 0 {
        return unweighted(None);
    }
    let targets = match (&scheme.targets, population) {
        (Some(t), _) => t.clone(),
        (None, Some(p)) => p.targets.clone(),
        (None, None) => return unweighted(Some("the survey names no population targets".into())),
    };
    let mut sample = weighting::Sample::new(n);
    if let Some(d) = design_weights {
        if let Err(e) = sample.set_base_weights(d.to_vec()) {
            return unweighted(Some(weighting_message(&e)));
        }
    }
    for var in &scheme.variables {
        if let Err(e) = view.variable(var, Subset::All(n)).add_to(&mut sample, var) {
            return unweighted(Some(e.to_string()));
        }
    }
    match weighting::weight(&sample, scheme, &targets) {
        Ok(w) => {
            let cal = calibration_of(&w.model);
            (w.weights, Some(w.diagnostics), Some(cal), None)
        }
        Err(e) => unweighted(Some(weighting_message(&e))),
    }
}

fn weighting_message(e: &WeightingError) -> String {
    format!("{e} — estimates are unweighted until this is fixed")
}

/// The weighting model in the form the variance estimator needs (R keeps it in `design$postStrata`).
/// Excluded respondents get placeholder categories; they are dropped before estimation.
fn calibration_of(model: &weighting::CalibrationModel) -> stats::Calibration {
    let n = model.cell_of.len();
    match model.method {
        // Trimmed post-stratified weights are no longer proportional to the base weights within a cell:
        // the regression on the cell indicators gives R's postStratify residuals in both cases.
        weighting::Method::Poststratify if model.trimmed => stats::Calibration::Calibrated {
            variables: vec![(0..n).map(|i| model.cell(i).unwrap_or(0)).collect()],
            base_weights: (0..n).map(|i| model.starting_weights.get(i)).collect(),
        },
        weighting::Method::Poststratify => stats::Calibration::Poststratified {
            cell: (0..n).map(|i| model.cell(i).unwrap_or(0)).collect(),
        },
        _ => stats::Calibration::Calibrated {
            variables: (0..model.variables.len())
                .map(|v| (0..n).map(|i| model.category(i, v).unwrap_or(0)).collect())
                .collect(),
            base_weights: (0..n).map(|i| model.starting_weights.get(i)).collect(),
        },
    }
}

/// The calibration model restricted to the kept respondents.
fn subset_calibration(c: stats::Calibration, keep: &[usize]) -> stats::Calibration {
    match c {
        stats::Calibration::Poststratified { cell } => stats::Calibration::Poststratified {
            cell: keep.iter().map(|&i| cell[i]).collect(),
        },
        stats::Calibration::Calibrated {
            variables,
            base_weights,
        } => stats::Calibration::Calibrated {
            variables: variables
                .into_iter()
                .map(|v| keep.iter().map(|&i| v[i]).collect())
                .collect(),
            base_weights: keep.iter().map(|&i| base_weights[i]).collect(),
        },
    }
}

fn breakdown_variable(def: &Definition, id: &str, lang: &str) -> BreakdownVariable {
    let label = def
        .derived_variable(id)
        .and_then(|d| d.label.as_ref().map(|l| l.get(lang).to_owned()))
        .or_else(|| def.question(id).map(|q| q.text.get(lang).to_owned()))
        .unwrap_or_else(|| id.to_owned());
    BreakdownVariable {
        id: id.to_owned(),
        label,
        categories: columns::category_labels(def, id, lang),
    }
}

/// Everything the per-question estimation needs. The design declares the breakdown variables, so each
/// question is summarized with all its breakdowns in one pass over the respondents (`stats::summarize_*`).
struct Ctx<'a> {
    prep: &'a PreparedDesign,
    cols: &'a Columns<'a>,
    lang: &'a str,
    share_opts: ShareOptions,
    min_cell: u64,
    by: &'a [String],
    /// Categories of each breakdown variable, and each respondent's category (for masked medians).
    by_levels: Vec<(Vec<Labelled>, Vec<Option<usize>>)>,
}

impl Ctx<'_> {
    /// Every question's summary, in order. Questions are independent, so they are shared out over the
    /// cores (each thread builds one question's column at a time, so memory stays a few columns).
    fn questions(&self, qs: &[&Question]) -> Result<Vec<QuestionSummary>, ReportError> {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(qs.len());
        if threads <= 1 {
            return qs.iter().map(|q| self.question(q)).collect();
        }
        // The costliest questions first, so no thread is left with a long one at the end.
        let mut order: Vec<usize> = (0..qs.len()).collect();
        order.sort_by_key(|&k| std::cmp::Reverse(cost(qs[k])));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut out: Vec<Option<Result<QuestionSummary, ReportError>>> = (0..qs.len()).map(|_| None).collect();
        std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut done = Vec::new();
                        loop {
                            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(&k) = order.get(k) else { break };
                            done.push((k, self.question(qs[k])));
                        }
                        done
                    })
                })
                .collect();
            for w in workers {
                match w.join() {
                    Ok(done) => done.into_iter().for_each(|(k, r)| out[k] = Some(r)),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
        });
        out.into_iter().flatten().collect()
    }

    fn question(&self, q: &Question) -> Result<QuestionSummary, ReportError> {
        let column = self.cols.question(q, self.lang);
        let (estimates, rows, breakdowns) = match &column {
            Column::Matrix(rows) => {
                let mut out = Vec::new();
                for (code, label, row) in rows {
                    let (estimates, breakdowns) = self.summarize(row)?;
                    out.push(RowSummary {
                        code: code.clone(),
                        label: label.clone(),
                        n: match row {
                            Column::Numeric(_) => estimates.mean_n,
                            _ => None,
                        },
                        estimates,
                        breakdowns,
                    });
                }
                let base = rows.first().map(|(_, _, r)| r.answered()).unwrap_or(0);
                (self.counted(base), out, Vec::new())
            }
            other => {
                let (e, b) = self.summarize(other)?;
                (e, Vec::new(), b)
            }
        };
        Ok(QuestionSummary {
            id: q.id.clone(),
            kind: q.kind.name().to_owned(),
            text: q.text.get(self.lang).to_owned(),
            track: q.track.clone(),
            estimates,
            rows,
            breakdowns,
        })
    }

    fn crosstab_opts(&self) -> stats::CrosstabOptions {
        stats::CrosstabOptions {
            shares: self.share_opts,
            fdr: 0.05,
        }
    }

    /// Base only (text, date, matrix header).
    fn counted(&self, n: u64) -> Estimates {
        if n < self.min_cell {
            return Estimates {
                suppressed: true,
                ..Estimates::default()
            };
        }
        Estimates {
            base_n: Some(n),
            ..Estimates::default()
        }
    }

    /// The whole-sample estimates of a column and its breakdowns.
    fn summarize(&self, column: &Column) -> Result<(Estimates, Vec<Breakdown>), ReportError> {
        match column {
            Column::Categorical { codes, values, numeric } => self.categorical(codes, values, numeric.as_deref()),
            Column::Multiple { codes, chosen } => self.multiple(codes, chosen),
            Column::Numeric(y) => self.numeric(y),
            Column::Answered(flags) => {
                let total = self.counted(count(flags, None));
                let breakdowns =
                    self.each_breakdown(|_, values, j| Ok(self.counted(count(flags, Some((values, j))))))?;
                Ok((total, breakdowns.into_iter().map(|(b, _)| b).collect()))
            }
            Column::Matrix(_) => Ok((Estimates::default(), Vec::new())),
        }
    }

    /// Runs `f(breakdown index, respondents' categories, category j)` for every category of every breakdown.
    fn each_breakdown(
        &self,
        f: impl Fn(usize, &[Option<usize>], usize) -> Result<Estimates, ReportError>,
    ) -> Result<Vec<(Breakdown, usize)>, ReportError> {
        let mut out = Vec::new();
        for (b, (var, (levels, values))) in self.by.iter().zip(&self.by_levels).enumerate() {
            let mut categories = Vec::new();
            for (j, level) in levels.iter().enumerate() {
                categories.push(BreakdownCategory {
                    code: level.code.clone(),
                    label: level.label.clone(),
                    estimates: f(b, values, j)?,
                });
            }
            out.push((
                Breakdown {
                    variable: var.clone(),
                    test: None,
                    categories,
                },
                b,
            ));
        }
        Ok(out)
    }

    fn categorical(
        &self,
        codes: &[columns::Code],
        values: &[Option<usize>],
        numeric: Option<&[Option<f64>]>,
    ) -> Result<(Estimates, Vec<Breakdown>), ReportError> {
        let mut sum = stats::summarize_categorical(self.prep, values, codes.len(), &self.crosstab_opts())?;
        sum.shares.suppress_small(self.min_cell, SuppressRule::Base);
        let mut total = shares_estimates(&sum.shares, codes);
        let means = match numeric {
            Some(y) => Some(stats::summarize_numeric(self.prep, y, &[], LEVEL)?),
            None => None,
        };
        if let Some(m) = &means {
            set_mean(&mut total, m.mean.clone(), self.min_cell);
        }
        let mut breakdowns = Vec::new();
        for (b, tab) in sum.crosstabs.iter_mut().enumerate() {
            tab.suppress_small(self.min_cell, SuppressRule::Base);
            let (levels, _) = &self.by_levels[b];
            let categories = levels
                .iter()
                .enumerate()
                .map(|(j, level)| {
                    let mut e = column_estimates(tab, j, codes);
                    if let Some(m) = means.as_ref().and_then(|m| m.by.get(b)).and_then(|by| by.get(j)) {
                        set_mean(&mut e, m.clone(), self.min_cell);
                    }
                    BreakdownCategory {
                        code: level.code.clone(),
                        label: level.label.clone(),
                        estimates: e,
                    }
                })
                .collect();
            breakdowns.push(Breakdown {
                variable: self.by[b].clone(),
                test: if codes.len() >= 2 && levels.len() >= 2 {
                    tab.test
                } else {
                    None
                },
                categories,
            });
        }
        Ok((total, breakdowns))
    }

    fn multiple(
        &self,
        codes: &[columns::Code],
        chosen: &[Vec<Option<bool>>],
    ) -> Result<(Estimates, Vec<Breakdown>), ReportError> {
        let refs: Vec<&[Option<bool>]> = chosen.iter().map(Vec::as_slice).collect();
        let mut total = stats::option_shares(self.prep, &refs, &self.share_opts)?;
        total.suppress_small(self.min_cell, SuppressRule::Base);
        let mut per_option = stats::summarize_options(self.prep, &refs, &self.crosstab_opts())?;
        for o in &mut per_option {
            o.crosstabs
                .iter_mut()
                .for_each(|t| t.suppress_small(self.min_cell, SuppressRule::Base));
        }
        let mut breakdowns = Vec::new();
        for (b, (levels, _)) in self.by_levels.iter().enumerate() {
            let categories = levels
                .iter()
                .enumerate()
                .map(|(j, level)| {
                    // Option k's share within category j is cell 1 ("chosen") of option k's crosstab column j.
                    let mut e = Estimates::default();
                    for (k, code) in codes.iter().enumerate() {
                        let col = per_option[k].crosstabs[b].columns.iter().find(|c| c.category == j);
                        if k == 0 {
                            e.base_n = col.and_then(|c| c.base_n);
                            e.effective_n = col.and_then(|c| c.effective_n);
                            e.suppressed = col.is_none_or(|c| c.suppressed);
                        }
                        let cell = col.and_then(|c| c.cells.get(1));
                        e.options.push(option_from_cell(code, cell, e.suppressed));
                    }
                    BreakdownCategory {
                        code: level.code.clone(),
                        label: level.label.clone(),
                        estimates: e,
                    }
                })
                .collect();
            breakdowns.push(Breakdown {
                variable: self.by[b].clone(),
                test: None,
                categories,
            });
        }
        Ok((shares_estimates(&total, codes), breakdowns))
    }

    fn numeric(&self, y: &[Option<f64>]) -> Result<(Estimates, Vec<Breakdown>), ReportError> {
        let sum = stats::summarize_numeric(self.prep, y, &[0.5], LEVEL)?;
        let median = sum.quantiles.first().cloned();
        let total = numeric_estimates(sum.mean.clone(), median, self.min_cell);
        // One buffer for the values of each category in turn (a million values per category otherwise).
        let masked = std::cell::RefCell::new(vec![None; y.len()]);
        let breakdowns = self.each_breakdown(|b, values, j| {
            let Some(mean) = sum.by.get(b).and_then(|by| by.get(j)).cloned() else {
                return Ok(Estimates::default());
            };
            let mut masked = masked.borrow_mut();
            for (m, (v, c)) in masked.iter_mut().zip(y.iter().zip(values)) {
                *m = if *c == Some(j) { *v } else { None };
            }
            let med = stats::median(self.prep, &masked, LEVEL)?;
            Ok(numeric_estimates(mean, Some(med), self.min_cell))
        })?;
        Ok((total, breakdowns.into_iter().map(|(b, _)| b).collect()))
    }
}

/// Rough relative cost of summarizing a question: numbers have a median per breakdown category, scales a
/// mean besides their shares, multiple choice a table per option.
fn cost(q: &Question) -> usize {
    match &q.kind {
        QuestionKind::Number(_) => 8,
        QuestionKind::Matrix(m) => 3 * m.rows.len(),
        QuestionKind::ConstantSum(c) => 8 * c.options.len(),
        QuestionKind::MultipleChoice(c) => c.options.len() + 1,
        QuestionKind::Scale(_) => 3,
        _ => 1,
    }
}

/// Respondents with a value, optionally only those in category `j` of a breakdown.
fn count<T>(v: &[Option<T>], within: Option<(&[Option<usize>], usize)>) -> u64 {
    match within {
        None => v.iter().filter(|x| x.is_some()).count() as u64,
        Some((by, j)) => v.iter().zip(by).filter(|(x, c)| x.is_some() && **c == Some(j)).count() as u64,
    }
}

fn numeric_estimates(mut m: stats::MeanEstimate, median: Option<stats::QuantileEstimate>, min_cell: u64) -> Estimates {
    m.suppress_small(min_cell);
    let mut med = median;
    if let Some(q) = med.as_mut() {
        q.suppress_small(min_cell);
    }
    let med = med.filter(|q| !q.suppressed);
    Estimates {
        base_n: m.n,
        effective_n: m.effective_n,
        suppressed: m.suppressed,
        mean: m.mean,
        se: m.se,
        se_fixed: m.se_fixed,
        ci_low: m.ci_low,
        ci_high: m.ci_high,
        mean_n: m.n,
        median: med.as_ref().and_then(|q| q.quantile),
        median_ci_low: med.as_ref().and_then(|q| q.ci_low),
        median_ci_high: med.as_ref().and_then(|q| q.ci_high),
        ..Estimates::default()
    }
}

/// A scale's mean (without "hard to say") onto its share estimates.
fn set_mean(e: &mut Estimates, mut m: stats::MeanEstimate, min_cell: u64) {
    m.suppress_small(min_cell);
    if e.suppressed || m.suppressed {
        return;
    }
    e.mean = m.mean;
    e.se = m.se;
    e.se_fixed = m.se_fixed;
    e.ci_low = m.ci_low;
    e.ci_high = m.ci_high;
    e.mean_n = m.n;
}

/// Estimates of breakdown category `j` from a crosstab column (with significance flags).
fn column_estimates(tab: &stats::Crosstab, j: usize, codes: &[columns::Code]) -> Estimates {
    let Some(col) = tab.columns.iter().find(|c| c.category == j) else {
        return Estimates {
            suppressed: true,
            ..Estimates::default()
        };
    };
    Estimates {
        base_n: col.base_n,
        effective_n: col.effective_n,
        suppressed: col.suppressed,
        options: codes
            .iter()
            .enumerate()
            .map(|(k, code)| option_from_cell(code, col.cells.get(k), col.suppressed))
            .collect(),
        ..Estimates::default()
    }
}

fn option_from_cell(code: &columns::Code, cell: Option<&stats::CrosstabCell>, suppressed: bool) -> OptionEstimate {
    let p = cell.map(|c| &c.estimate);
    let suppressed = suppressed || p.is_none_or(|p| p.suppressed);
    let get = |f: fn(&stats::Proportion) -> Option<f64>| if suppressed { None } else { p.and_then(f) };
    OptionEstimate {
        code: code.code.clone(),
        label: code.label.clone(),
        hard_to_say: code.hard_to_say,
        suppressed,
        n: if suppressed { None } else { p.and_then(|p| p.n) },
        share: get(|p| p.share),
        se: get(|p| p.se),
        se_fixed: get(|p| p.se_fixed),
        ci_low: get(|p| p.ci_low),
        ci_high: get(|p| p.ci_high),
        deff: get(|p| p.deff),
        flag: if suppressed { None } else { cell.and_then(|c| c.flag) },
        q_value: if suppressed { None } else { cell.and_then(|c| c.q_value) },
    }
}

fn shares_estimates(s: &stats::Shares, codes: &[columns::Code]) -> Estimates {
    let options = s
        .categories
        .iter()
        .zip(codes)
        .map(|(p, c)| OptionEstimate {
            code: c.code.clone(),
            label: c.label.clone(),
            hard_to_say: c.hard_to_say,
            suppressed: p.suppressed || s.suppressed,
            n: p.n,
            share: p.share,
            se: p.se,
            se_fixed: p.se_fixed,
            ci_low: p.ci_low,
            ci_high: p.ci_high,
            deff: p.deff,
            flag: None,
            q_value: None,
        })
        .collect();
    Estimates {
        base_n: s.base_n,
        effective_n: s.effective_n,
        suppressed: s.suppressed,
        options,
        ..Estimates::default()
    }
}

#[cfg(test)]
mod coded_tests;
