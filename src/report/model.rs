//! Design-based regression models of a survey's answers (`opros model SLUG --y Y --x A+B`): the model
//! matrix built from the definition, fitted by `stats::svyglm` with the survey's weights and design (as
//! summaries are), the coefficients named and labelled.
//!
//! Variables: number questions and scales (point values; "hard to say" is missing) enter as numbers;
//! single-choice questions and derived variables as factors with treatment contrasts, the first code
//! present among the cases being the reference (R's default `contr.treatment`); `q=code` is the 0/1
//! indicator of one category (of a single-choice, scale or multiple-choice question or a derived
//! variable) — the outcome of a logistic model. Respondents missing the outcome or any predictor are
//! left out (R `na.omit`), and keep their place in the design. Free text, dates, matrices, rankings are
//! refused as predictors.

use serde::Serialize;

use crate::definition::{Definition, QuestionKind};
/// The model families (`linear`, `logistic`), for callers that name them.
pub use crate::stats::Family;
use crate::stats::{self, GlmData, GlmError};

use super::columns::{Column, Columns};
use super::domain::{self, FilterSummary, FilterTerm};
use super::responses::{AnswerSource, Subset};
use super::weights::{sampling_design, subset_calibration, weigh, Weighed};
use super::{variable_label, ReportError, SummaryInput, LEVEL};

/// What to fit.
#[derive(Debug, Clone)]
pub struct ModelSpec {
    /// Outcome: a variable, or `q=code`.
    pub y: String,
    /// Predictors, each a variable or `q=code`.
    pub x: Vec<String>,
    pub family: Family,
    pub filter: Vec<FilterTerm>,
    pub weighted: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error("'{name}' is not a variable this model can use; valid: {valid}")]
    UnknownVariable { name: String, valid: String },
    #[error("'{name}' is a {kind} question, which cannot enter a model (use number, scale or choice questions)")]
    Unsupported { name: String, kind: super::QuestionType },
    #[error("'{0}' has categories: name one of them as {0}=CODE (its 0/1 indicator)")]
    CategoricalOutcome(String),
    #[error("'{0}' appears more than once in the model (a variable against itself says nothing)")]
    Repeated(String),
    #[error("no predictors: give at least one with --x A+B")]
    NoPredictors,
    #[error("the model cannot be estimated: {0}")]
    NotEstimable(String),
}

/// A fitted model as reported (`opros model --json`).
#[derive(Debug, Clone, Serialize)]
pub struct ModelReport {
    pub slug: String,
    pub family: Family,
    pub outcome: String,
    pub outcome_label: String,
    pub level: f64,
    pub weighted: bool,
    /// Cases used (outcome and every predictor answered, in the subgroup).
    pub n: usize,
    /// Residual degrees of freedom: PSUs − strata of the cases used + 1 − parameters (R `svyglm`).
    pub df: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<FilterSummary>,
    pub terms: Vec<Term>,
    /// Per factor predictor: the Wald F test that all its coefficients are zero (R `regTermTest`); with a
    /// single factor, the design-based F test of equal means across its categories.
    pub tests: Vec<TermTest>,
}

/// A predictor's joint test.
#[derive(Debug, Clone, Serialize)]
pub struct TermTest {
    pub variable: String,
    /// `None` when the coefficients' covariance is singular.
    #[serde(flatten)]
    pub test: Option<stats::WaldTest>,
}

/// One coefficient.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    /// `(Intercept)`, a variable id, or `variable=code` for a factor level or indicator.
    pub name: String,
    pub label: String,
    /// For a factor level: the reference category it is compared with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(flatten)]
    pub coefficient: stats::Coefficient,
}

/// A model variable: one or more columns per respondent.
struct Variable {
    /// (name, label, values) per column.
    columns: Vec<(String, String, Vec<Option<f64>>)>,
    reference: Option<String>,
}

/// Fits `spec` to the survey's complete responses.
pub fn fit<A: AnswerSource + ?Sized>(input: &SummaryInput<'_, A>, spec: &ModelSpec) -> Result<ModelReport, ModelError> {
    let def = input.definition;
    let lang = input.language;
    if spec.x.is_empty() {
        return Err(ModelError::NoPredictors);
    }
    let mut seen = vec![spec.y.as_str()];
    for x in &spec.x {
        if seen.contains(&x.as_str()) {
            return Err(ModelError::Repeated(x.clone()));
        }
        seen.push(x);
    }
    domain::check_filter(def, &spec.filter)?;
    let view = input.answers.view(def);
    let n = view.len();
    let (sample_design, _) = sampling_design(def, input.answers.design_values(), n);
    let design_weights = sample_design.as_ref().and_then(|d| d.weights.as_deref());
    let Weighed {
        weights,
        diagnostics,
        calibration,
        calibrated_weights,
        ..
    } = if spec.weighted {
        weigh(&view, input.population, design_weights)
    } else {
        Weighed::unweighted(n)
    };
    let keep: Vec<usize> = (0..n).filter(|&i| weights[i] > 0.0).collect();
    let rows = if keep.len() == n {
        Subset::All(n)
    } else {
        Subset::Only(&keep)
    };
    let mut cols = Columns::new(&view, rows);
    let filter = (!spec.filter.is_empty()).then(|| {
        let inside = domain::mask(&cols, &spec.filter, lang);
        let n_inside = inside.iter().filter(|k| **k).count();
        cols.restrict(inside);
        domain::summary(def, &spec.filter, n_inside, lang)
    });
    let outcome = variable(def, &cols, &spec.y, lang, true)?;
    let y = match outcome.columns.as_slice() {
        [(_, _, v)] if outcome.reference.is_none() => v.clone(),
        _ => return Err(ModelError::CategoricalOutcome(spec.y.clone())),
    };
    let predictors = spec
        .x
        .iter()
        .map(|x| variable(def, &cols, x, lang, false))
        .collect::<Result<Vec<_>, _>>()?;
    let m = cols.len();
    // cases: outcome and every predictor present
    let case: Vec<bool> = (0..m)
        .map(|i| {
            y[i].is_some()
                && predictors
                    .iter()
                    .all(|p| p.columns.iter().all(|(_, _, v)| v[i].is_some()))
        })
        .collect();
    let mut names = vec![("(Intercept)".to_owned(), "(Intercept)".to_owned(), None)];
    let mut columns: Vec<Vec<Option<f64>>> = vec![vec![Some(1.0); m]];
    let mut factor_columns: Vec<(String, Vec<usize>)> = Vec::new();
    for (p, var) in predictors.into_iter().zip(&spec.x) {
        let factor = p.reference.is_some();
        let first = columns.len();
        let mut reference: Option<String> = None;
        for (name, label, values) in p.columns {
            if factor {
                if !values.iter().zip(&case).any(|(v, c)| *c && *v == Some(1.0)) {
                    continue; // a category no case has: no column (R would report it as aliased)
                }
                if reference.is_none() {
                    reference = Some(label); // the first category present is the reference
                    continue;
                }
            }
            names.push((name, label, reference.clone()));
            columns.push(values);
        }
        if factor {
            factor_columns.push((var.clone(), (first..columns.len()).collect()));
        }
    }
    let p = columns.len();
    let y_cases: Vec<Option<f64>> = (0..m).map(|i| if case[i] { y[i] } else { None }).collect();
    let case = &case;
    let x: Vec<f64> = (0..m)
        .flat_map(|i| {
            columns
                .iter()
                .map(move |c| if case[i] { c[i].unwrap_or(0.0) } else { 0.0 })
        })
        .collect();
    let kept_design = sample_design.as_ref().map(|d| d.subset(&keep)).unwrap_or_default();
    let design = stats::Design {
        weights: keep.iter().map(|&i| weights[i]).collect(),
        strata: kept_design.strata,
        psu: kept_design.psu,
        fpc: kept_design.fpc,
        calibration: calibration.map(|c| subset_calibration(c, &keep)),
        // Trimmed after calibration: the residuals use the weights before trimming (R `trimWeights`).
        calibrated_weights: calibrated_weights.map(|w| keep.iter().map(|&i| w[i]).collect()),
        ..stats::Design::default()
    };
    let prep = design.prepare().map_err(ReportError::from)?;
    let fit = stats::svyglm(&prep, &GlmData { y: &y_cases, x: &x, p }, spec.family, LEVEL).map_err(|e| match e {
        GlmError::Collinear { column } => ModelError::NotEstimable(format!(
            "'{}' is a linear combination of the terms before it (a variable entered twice, or a category \
             that goes with another variable's)",
            names[column].0
        )),
        other => ModelError::NotEstimable(other.to_string()),
    })?;
    let tests = factor_columns
        .into_iter()
        .filter(|(_, c)| !c.is_empty())
        .map(|(variable, c)| TermTest {
            test: fit.wald_test(&c),
            variable,
        })
        .collect();
    let terms = names
        .into_iter()
        .zip(fit.coefficients)
        .map(|((name, label, reference), coefficient)| Term {
            name,
            label,
            reference,
            coefficient,
        })
        .collect();
    Ok(ModelReport {
        slug: def.slug.clone(),
        family: spec.family,
        outcome: spec.y.clone(),
        outcome_label: outcome_label(def, &spec.y, lang),
        level: LEVEL,
        weighted: diagnostics.is_some(),
        n: fit.n,
        df: fit.df,
        filter,
        terms,
        tests,
    })
}

/// Variables a model may use.
pub fn model_choices(def: &Definition) -> String {
    let questions = def.questions().map(|(_, q)| q).filter(|q| {
        matches!(
            q.kind,
            QuestionKind::SingleChoice(_)
                | QuestionKind::Scale(_)
                | QuestionKind::Number(_)
                | QuestionKind::MultipleChoice(_)
        )
    });
    def.derived
        .iter()
        .map(|d| d.id.clone())
        .chain(questions.map(|q| q.id.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn outcome_label(def: &Definition, name: &str, lang: &str) -> String {
    match name.split_once('=') {
        Some((v, code)) => format!(
            "{} = {}",
            variable_label(def, v, lang),
            super::category_label(def, v, code, lang)
        ),
        None => variable_label(def, name, lang),
    }
}

/// The columns of one model variable (`var` or `var=code`).
fn variable(
    def: &Definition,
    cols: &Columns<'_>,
    name: &str,
    lang: &str,
    outcome: bool,
) -> Result<Variable, ModelError> {
    let unknown = || ModelError::UnknownVariable {
        name: name.to_owned(),
        valid: model_choices(def),
    };
    let (var, code) = match name.split_once('=') {
        Some((v, c)) => (v.trim(), Some(c.trim())),
        None => (name.trim(), None),
    };
    let single = |label: String, values: Vec<Option<f64>>| Variable {
        columns: vec![(name.to_owned(), label, values)],
        reference: None,
    };
    let label = variable_label(def, var, lang);
    let question = def.question(var);
    if let Some(q) = question {
        if let (Some(code), QuestionKind::MultipleChoice(_)) = (code, &q.kind) {
            let Column::Multiple { codes, chosen } = cols.question(q, lang) else {
                return Err(unknown());
            };
            let k = codes
                .iter()
                .position(|c| c.code == code)
                .ok_or_else(|| bad_code(var, code, &codes))?;
            let values = chosen[k].iter().map(|v| v.map(f64::from)).collect();
            return Ok(single(format!("{label} = {}", codes[k].label), values));
        }
        if code.is_none() {
            match (&q.kind, cols.question(q, lang)) {
                (QuestionKind::Number(_), Column::Numeric(y)) => return Ok(single(label, y)),
                (QuestionKind::Scale(_), Column::Categorical { numeric: Some(y), .. }) => return Ok(single(label, y)),
                (QuestionKind::SingleChoice(_), _) => {}
                (kind, _) if !matches!(kind, QuestionKind::MultipleChoice(_)) => {
                    return Err(ModelError::Unsupported {
                        name: var.to_owned(),
                        kind: super::QuestionType::of(kind),
                    })
                }
                _ => return Err(ModelError::CategoricalOutcome(var.to_owned())),
            }
        }
    }
    let Some(codes) = def.categories(var) else {
        return Err(unknown());
    };
    let (cats, values) = cols.breakdown(var, lang);
    if let Some(code) = code {
        let k = codes.iter().position(|c| c == code).ok_or_else(|| {
            ModelError::Report(ReportError::UnknownCode {
                variable: var.to_owned(),
                code: code.to_owned(),
                valid: codes.join(", "),
            })
        })?;
        let label = format!("{label} = {}", cats[k].label);
        return Ok(single(
            label,
            values.iter().map(|v| v.map(|v| f64::from(v == k))).collect(),
        ));
    }
    if outcome {
        return Err(ModelError::CategoricalOutcome(var.to_owned()));
    }
    let columns = cats
        .iter()
        .enumerate()
        .map(|(k, c)| {
            (
                format!("{var}={}", c.code),
                format!("{label}: {}", c.label),
                values.iter().map(|v| v.map(|v| f64::from(v == k))).collect(),
            )
        })
        .collect();
    Ok(Variable {
        columns,
        reference: Some(String::new()),
    })
}

fn bad_code(var: &str, code: &str, codes: &[super::columns::Code]) -> ModelError {
    ModelError::Report(ReportError::UnknownCode {
        variable: var.to_owned(),
        code: code.to_owned(),
        valid: codes.iter().map(|c| c.code.as_str()).collect::<Vec<_>>().join(", "),
    })
}

/// Plain-text table of a model (`opros model` without `--json`).
pub fn render_model(r: &ModelReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let kind = match r.family {
        Family::Linear => "Linear model",
        Family::Logistic => "Logistic model",
    };
    let _ = writeln!(
        s,
        "{kind} of {} ({}), {} cases, {} degrees of freedom",
        r.outcome_label, r.outcome, r.n, r.df
    );
    if let Some(f) = &r.filter {
        let terms: Vec<String> = f
            .terms
            .iter()
            .map(|t| format!("{}: {}", t.variable_label, t.label))
            .collect();
        let _ = writeln!(s, "Subgroup: {}", terms.join("; "));
    }
    let or = r.family == Family::Logistic;
    let _ = writeln!(
        s,
        "{:<28} {:>12} {:>10} {:>8} {:>9}{}",
        "term",
        "estimate",
        "se",
        "t",
        "p",
        if or { "   odds ratio (95% CI)" } else { "   95% CI" }
    );
    for t in &r.terms {
        let c = &t.coefficient;
        let ci = match (c.odds_ratio, c.or_ci_low, c.or_ci_high) {
            (Some(o), Some(l), Some(h)) => format!("{o:.3} ({l:.3}–{h:.3})"),
            _ => format!("{:.4} – {:.4}", c.ci_low, c.ci_high),
        };
        let reference = t.reference.as_ref().map(|r| format!(" vs {r}")).unwrap_or_default();
        let _ = writeln!(
            s,
            "{:<28} {:>12.4} {:>10.4} {:>8.3} {:>9.4}   {ci}{reference}",
            t.name, c.estimate, c.se, c.t, c.p_value
        );
    }
    for t in &r.tests {
        match &t.test {
            Some(w) => {
                let _ = writeln!(
                    s,
                    "Wald test of {}: F = {:.4} on {} and {} df, p = {:.4}",
                    t.variable, w.f, w.ndf, w.ddf, w.p_value
                );
            }
            None => {
                let _ = writeln!(s, "Wald test of {}: not estimable (singular covariance)", t.variable);
            }
        }
    }
    s
}
