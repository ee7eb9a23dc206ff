//! The one weighting entry of reports: the definition's scheme applied to the respondents, with the
//! sampling design's weights as starting weights. Summaries, exports and the fieldwork monitor all weight
//! through [`weigh_answers`] (or [`weigh`] on a loaded view), so their weights always agree.

use crate::definition::{Answers, Definition, DesignValues};
use crate::stats;
use crate::weighting::{self, Diagnostics, Method, Population, WeightingError};

use super::design;
use super::responses::{AnswerSource, Subset, View};

/// The respondents' weights and what weighting reported.
#[derive(Debug, Clone)]
pub struct Weighed {
    /// One per respondent: 0 for respondents excluded from weighting; the starting weights (design weights,
    /// or 1 each) when the survey has no scheme or weighting failed.
    pub weights: Vec<f64>,
    /// `None` when weighting was not applied.
    pub diagnostics: Option<Diagnostics>,
    /// The weighting model in the form the variance estimator needs.
    pub calibration: Option<stats::Calibration>,
    /// The calibrated weights before trimming, when trimming changed them (for the variance, as R).
    pub calibrated_weights: Option<Vec<f64>>,
    /// Why the survey's scheme could not be applied.
    pub failure: Option<WeighFailure>,
}

impl Weighed {
    /// `n` respondents counted once each (an unweighted summary or model).
    pub fn unweighted(n: usize) -> Weighed {
        Weighed {
            weights: vec![1.0; n],
            diagnostics: None,
            calibration: None,
            calibrated_weights: None,
            failure: None,
        }
    }
}

/// Why a survey's weighting scheme could not be applied.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WeighFailure {
    #[error("the survey names no population targets")]
    NoTargets,
    /// The design weights cannot be starting weights.
    #[error("{0}")]
    DesignWeights(WeightingError),
    /// A weighting variable cannot be read from the answers.
    #[error("{0}")]
    Variable(WeightingError),
    /// The method did not give weights (empty cell, no convergence, …).
    #[error("{0}")]
    Weighting(WeightingError),
}

impl WeighFailure {
    /// How summaries and exports report it: estimates stay unweighted until the scheme is fixed.
    pub fn summary_message(&self) -> String {
        match self {
            WeighFailure::NoTargets | WeighFailure::Variable(_) => self.to_string(),
            WeighFailure::DesignWeights(e) | WeighFailure::Weighting(e) => {
                format!("{e} — estimates are unweighted until this is fixed")
            }
        }
    }
}

/// The sampling design of the respondents (`None` without a `design:` block) and, when the survey has one
/// that cannot be used, why (the estimates then treat the sample as a simple weighted one).
pub(super) fn sampling_design(
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
        Some(_) | None => vec![None; n],
    };
    match design::sample_design(def, &refs) {
        Ok(d) => (d, None),
        Err(e) => (None, Some(e)),
    }
}

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
    let w = weigh_answers(def, population, answers, design);
    (w.weights, w.failure.map(|f| f.summary_message()))
}

/// [`weigh`] on answers in memory, with the same design (or the same reason to ignore it) as the summary
/// of these answers.
pub fn weigh_answers(
    def: &Definition,
    population: Option<&Population>,
    answers: &[Answers],
    design: Option<&[Option<DesignValues>]>,
) -> Weighed {
    let (sample_design, _) = sampling_design(def, design, answers.len());
    let base = sample_design.as_ref().and_then(|d| d.weights.as_deref());
    weigh(&answers.view(def), population, base)
}

/// Final weights (the design weights, or 1 each, when the survey has no scheme or weighting fails),
/// diagnostics and the calibration model for variances.
pub(super) fn weigh(view: &View<'_>, population: Option<&Population>, design_weights: Option<&[f64]>) -> Weighed {
    let def = view.def;
    let n = view.len();
    let unweighted = |failure: Option<WeighFailure>| Weighed {
        weights: design_weights.map_or_else(|| vec![1.0; n], <[f64]>::to_vec),
        diagnostics: None,
        calibration: None,
        calibrated_weights: None,
        failure,
    };
    let Some(scheme) = def.weighting.as_ref() else {
        return unweighted(None);
    };
    if n == 0 {
        return unweighted(None);
    }
    let targets = match (&scheme.targets, population) {
        (Some(t), _) => t.clone(),
        (None, Some(p)) => p.targets.clone(),
        (None, None) => return unweighted(Some(WeighFailure::NoTargets)),
    };
    let mut sample = weighting::Sample::new(n);
    if let Some(d) = design_weights {
        if let Err(e) = sample.set_base_weights(d.to_vec()) {
            return unweighted(Some(WeighFailure::DesignWeights(e)));
        }
    }
    for var in &scheme.variables {
        if let Err(e) = view.variable(var, Subset::All(n)).add_to(&mut sample, var) {
            return unweighted(Some(WeighFailure::Variable(e)));
        }
    }
    match weighting::weight(&sample, scheme, &targets) {
        Ok(w) => Weighed {
            calibration: Some(calibration_of(&w.model)),
            // Trimmed weights keep the untrimmed ones for the variance, as R does: `calibrate()` keeps its
            // `qr` and `w`, `postStratify()` its post-strata's weights (see `calibration_of`).
            calibrated_weights: w.model.calibrated_weights.clone(),
            weights: w.weights,
            diagnostics: Some(w.diagnostics),
            failure: None,
        },
        Err(e) => unweighted(Some(WeighFailure::Weighting(e))),
    }
}

/// The weighting model in the form the variance estimator needs (R keeps it in `design$postStrata`).
/// Excluded respondents get placeholder categories; they are dropped before estimation.
fn calibration_of(model: &weighting::CalibrationModel) -> stats::Calibration {
    let n = model.cell_of.len();
    let calibrated = || stats::Calibration::Calibrated {
        variables: (0..model.variables.len())
            .map(|v| (0..n).map(|i| model.category(i, v).unwrap_or(0)).collect())
            .collect(),
        base_weights: (0..n).map(|i| model.starting_weights.get(i)).collect(),
    };
    match model.method {
        // Trimmed post-stratified weights are no longer proportional to the base weights within a cell. R
        // (`svyrecvar`) then takes the residual `x − psw·Σ_cell(x·w0/psw)/Σ_cell w0` with `psw` the weights
        // before trimming: the cell regression with the base weights and those weights (`calibrated_weights`).
        Method::Poststratify if model.trimmed => stats::Calibration::Calibrated {
            variables: vec![(0..n).map(|i| model.cell(i).unwrap_or(0)).collect()],
            base_weights: (0..n).map(|i| model.starting_weights.get(i)).collect(),
        },
        Method::Poststratify => stats::Calibration::Poststratified {
            cell: (0..n).map(|i| model.cell(i).unwrap_or(0)).collect(),
        },
        // Raking and calibration: the regression on the margins' category indicators.
        Method::Raking | Method::Linear | Method::Logit => calibrated(),
    }
}

/// The calibration model restricted to the kept respondents.
pub(super) fn subset_calibration(c: stats::Calibration, keep: &[usize]) -> stats::Calibration {
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
