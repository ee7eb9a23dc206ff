//! The weighting engine: post-stratification, raking, calibration (linear, raking, logit) and trimming,
//! agreeing with R `survey` (Lumley) to the last digits. Pure: data in, weights and diagnostics out.
//!
//! # Use
//! ```
//! use opros::weighting::{weight, Sample, Scheme};
//! let scheme: Scheme = serde_norway::from_str(r#"
//! method: raking
//! variables: [sex, age]
//! targets:
//!   margins:
//!     sex: {m: 480, f: 520}
//!     age: {young: 400, old: 600}
//! "#).unwrap();
//! let mut sample = Sample::new(5);
//! sample.add_variable("sex", ["m", "m", "f", "f", "f"].map(Some)).unwrap();
//! sample.add_variable("age", ["young", "old", "young", "old", "old"].map(Some)).unwrap();
//! let targets = scheme.targets.clone().unwrap();
//! let out = weight(&sample, &scheme, &targets).unwrap();
//! assert!((out.weights.iter().sum::<f64>() - 1000.0).abs() < 1e-6);
//! assert!(out.diagnostics.converged);
//! ```
//!
//! # How
//! Respondents are grouped once into cells (distinct combinations of their categories); every method works
//! on the cell table, whose size does not grow with the number of respondents, and weights are mapped back
//! once: w_i = d_i · g_{cell(i)}, d_i the starting weights (design weights from the sample, or all equal to
//! total / n).
//!
//! - `poststratify`: g_c = N_c / Σ_{i∈c} d_i over the joint cells of the variables (R `postStratify`).
//! - `raking`: iterative proportional fitting over the margins until the largest relative gap of any
//!   category is below `tolerance` (default 1e-10). That fixed point is R `calibrate(calfun = "raking")`;
//!   should IPF not get there in `max_iterations` sweeps (default 100), Newton iterations on the same
//!   problem finish the job (a note says so). R `rake()` stops much earlier by default (absolute change 1).
//! - `linear`, `logit`: Deville–Särndal calibration by Newton iterations (module `calibrate`), bounds on
//!   g = w / d from `bounds` (required for logit, optional for linear, as R `calibrate(bounds = c(L, U))`).
//! - `trim`: [`trim_weights`] after weighting (R `trimWeights`).
//!
//! # Targets
//! Margins are counts, or shares when they add up to 1 and `total` is given; margins within 0.5% of the
//! total are scaled to it (noted), further apart is an error ([`WeightingError::TotalsDisagree`]).
//! Post-stratification needs `cells:` (cells over more variables are summed over the others; a single
//! variable may use its margin); raking and calibration may derive margins from cells.
//!
//! # Missing values
//! `missing: exclude` (default): a respondent with a missing value on any weighting variable is left out:
//! weight 0.0, `model.cell_of[i] == CalibrationModel::EXCLUDED`, counted in `diagnostics.n_excluded`; the
//! other respondents are weighted to the full population. `missing: impute_mode`: the missing value is
//! replaced by the category with the largest sum of starting weights among respondents who answered (ties:
//! the first met in the data), and a note reports how many values were imputed.

mod calibrate;
mod cells;
mod diagnostics;
mod error;
mod model;
mod problem;
mod rake;
mod sample;
pub mod scheme;
mod settings;
mod targets;
#[cfg(test)]
mod tests;
mod trim;

pub use diagnostics::{CategoryDiagnostics, Diagnostics, VariableDiagnostics};
pub use error::WeightingError;
pub use model::{CalibrationModel, ModelVariable, StartingWeights};
pub use sample::{Sample, MISSING};
pub use scheme::{Category, Method, MissingPolicy, Population, Redistribute, Scheme, Targets, Trim};
pub use targets::{validate_population, validate_targets};
pub use trim::{trim_weights, TrimReport};

use calibrate::Distance;
use cells::{CellTable, EXCLUDED};
use problem::{missing_substitutes, Problem};
use rake::{Fit, Table};
use settings::Settings;

/// Default largest relative gap of any margin at convergence.
pub const DEFAULT_TOLERANCE: f64 = 1e-10;
/// Default limit on IPF sweeps / Newton iterations.
pub const DEFAULT_MAX_ITERATIONS: usize = 100;

/// Weights, one per respondent in input order (0.0 for excluded respondents), with diagnostics and the
/// calibration model.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighted {
    pub weights: Vec<f64>,
    pub diagnostics: Diagnostics,
    pub model: CalibrationModel,
}

/// Weights `sample` by `scheme` to `targets` (the scheme's inline `targets:` or its population file's, read
/// by the caller).
pub fn weight(sample: &Sample, scheme: &Scheme, targets: &Targets) -> Result<Weighted, WeightingError> {
    let settings = Settings::from_scheme(scheme)?;
    let vars = scheme
        .variables
        .iter()
        .map(|name| {
            sample
                .variable(name)
                .ok_or_else(|| WeightingError::MissingVariable(name.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let base = match (&scheme.base_weight, &sample.base_weights) {
        (Some(col), None) => {
            let msg = format!("`base_weight: {col}` is set, but the respondents have no starting weights");
            return Err(WeightingError::BadScheme(msg));
        }
        (_, b) => b.as_deref(),
    };
    let mut notes = Vec::new();
    let substitute = missing_substitutes(&vars, base, scheme.missing, &mut notes);
    let table = cells::group(&vars, &substitute, base, sample.len());
    let n = sample.len() - table.n_excluded;
    if n == 0 {
        return Err(WeightingError::NoRespondents {
            n: sample.len(),
            excluded: table.n_excluded,
        });
    }
    let problem = Problem::build(scheme, targets, &vars, &table)?;
    notes.extend(problem.margins.notes.iter().cloned());
    // Starting weights: the design weights, or total / n each.
    let d_const = problem.margins.total / n as f64;
    let cell_base: Vec<f64> = match base {
        Some(_) => table.base.clone(),
        None => table.base.iter().map(|&c| c * d_const).collect(),
    };
    let t = Table {
        base: &cell_base,
        codes: &problem.codes,
    };
    let fit = fit(scheme.method, &settings, &problem, &t, &mut notes)?;
    let starting_weights = match base {
        Some(b) => StartingWeights::Given(b.to_vec()),
        None => StartingWeights::Equal(d_const),
    };
    finish(scheme, problem, table, &cell_base, fit, starting_weights, notes)
}

/// Every problem of `scheme` found without respondents (empty when it is usable): its settings, and, when
/// `targets` are given, whether they cover every variable the way the method needs, plus
/// [`validate_targets`]. For checking a survey definition's `weighting` block at import.
pub fn validate_scheme(scheme: &Scheme, targets: Option<&Targets>) -> Vec<WeightingError> {
    let mut problems = settings::scheme_problems(scheme);
    if let Some(t) = targets {
        let target_problems = validate_targets(t);
        if target_problems.is_empty() && !scheme.variables.is_empty() {
            let resolved = match scheme.method {
                Method::Poststratify => targets::resolve_cells(t, &scheme.variables).err(),
                Method::Raking | Method::Linear | Method::Logit => targets::resolve_margins(t, &scheme.variables).err(),
            };
            problems.extend(resolved);
        }
        problems.extend(target_problems);
    }
    problems
}

/// Runs the method on the cell table.
fn fit(
    method: Method,
    settings: &Settings,
    problem: &Problem,
    t: &Table,
    notes: &mut Vec<String>,
) -> Result<Fit, WeightingError> {
    let (tol, max_it) = (settings.tolerance, settings.max_iterations);
    let margins = &problem.margins;
    let fit = match method {
        Method::Poststratify => {
            let targets = problem.cell_targets.as_deref().unwrap_or_default();
            let g: Vec<f64> = targets.iter().zip(t.base).map(|(&n_c, &d_c)| n_c / d_c).collect();
            let gap = rake::max_gap(t, &g, margins);
            return Ok(Fit { g, iterations: 1, gap });
        }
        Method::Raking => {
            let ipf = rake::rake(t, margins, tol, max_it);
            if ipf.gap.value < tol {
                return Ok(ipf);
            }
            let newton = calibrate::calibrate(t, margins, Distance::Raking, tol, max_it);
            let fit = Fit {
                iterations: ipf.iterations + newton.iterations,
                ..newton
            };
            if fit.gap.value < tol {
                notes.push(format!(
                    "iterative proportional fitting had not converged after {} sweeps; {} Newton iterations on \
                     the same raking problem finished it",
                    ipf.iterations,
                    fit.iterations - ipf.iterations
                ));
            }
            fit
        }
        Method::Linear => {
            let (lower, upper) = settings.bounds.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
            calibrate::calibrate(t, margins, Distance::Linear { lower, upper }, tol, max_it)
        }
        Method::Logit => {
            let (lower, upper) = settings.bounds.unwrap_or((0.0, f64::INFINITY));
            calibrate::calibrate(t, margins, Distance::Logit { lower, upper }, tol, max_it)
        }
    };
    if fit.gap.value < tol {
        return Ok(fit);
    }
    let m = &margins.vars[fit.gap.var];
    let (variable, category) = (m.name.clone(), m.categories[fit.gap.cat].0.clone());
    Err(match (method, settings.bounds) {
        (Method::Linear | Method::Logit, Some((lower, upper))) => WeightingError::BoundsInfeasible {
            lower,
            upper,
            iterations: fit.iterations,
            gap: fit.gap.value,
            variable,
            category,
        },
        (Method::Poststratify | Method::Raking, _) | (Method::Linear | Method::Logit, None) => {
            WeightingError::NotConverged {
                method: method.as_str().to_owned(),
                iterations: fit.iterations,
                gap: fit.gap.value,
                variable,
                category,
            }
        }
    })
}

/// Maps cell factors back to respondents, trims, and assembles diagnostics and model.
fn finish(
    scheme: &Scheme,
    problem: Problem,
    table: CellTable,
    cell_base: &[f64],
    fit: Fit,
    starting_weights: StartingWeights,
    mut notes: Vec<String>,
) -> Result<Weighted, WeightingError> {
    let mut summary = diagnostics::WeightSummary::new();
    let mut weights = map_back(&table, &fit.g, &starting_weights, &mut summary);
    let before_trim = scheme.trim.as_ref().map(|_| weights.clone());
    let trim = match &scheme.trim {
        Some(trim) => Some(trim_included(&mut weights, &table.cell_of, trim)?),
        None => None,
    };
    let trimmed = trim.as_ref().is_some_and(|r| r.rounds > 0);
    let final_cell_totals: Vec<f64> = if trimmed {
        summary = diagnostics::WeightSummary::new();
        let mut sums = vec![0.0; cell_base.len()];
        for (&w, &c) in weights.iter().zip(&table.cell_of) {
            if c != EXCLUDED {
                sums[c as usize] += w;
                summary.add(w);
            }
        }
        sums
    } else {
        cell_base.iter().zip(&fit.g).map(|(d, g)| d * g).collect()
    };
    if summary.negative > 0 {
        notes.push(format!(
            "{} weight(s) are negative (unbounded linear calibration); set `bounds` or use raking",
            summary.negative
        ));
    }
    let n = summary.n as f64;
    let deff = n * summary.sum_sq / (summary.total * summary.total);
    let t = Table {
        base: cell_base,
        codes: &problem.codes,
    };
    let gap_at = (fit.gap.value > 0.0).then(|| {
        let m = &problem.margins.vars[fit.gap.var];
        format!("{} = {}", m.name, m.categories[fit.gap.cat])
    });
    let max_gap_after_trim = trimmed.then(|| {
        let after = Table {
            base: &final_cell_totals,
            codes: &problem.codes,
        };
        rake::max_gap(&after, &vec![1.0; final_cell_totals.len()], &problem.margins).value
    });
    let diagnostics = Diagnostics {
        method: scheme.method,
        iterations: fit.iterations,
        converged: true,
        max_gap: fit.gap.value,
        max_gap_at: gap_at,
        max_gap_after_trim,
        deff,
        effective_n: n / deff,
        weight_min: summary.min,
        weight_max: summary.max,
        weight_mean: summary.total / n,
        weight_cv: (deff - 1.0).max(0.0).sqrt(),
        weight_total: summary.total,
        n: summary.n,
        n_excluded: table.n_excluded,
        n_cells: cell_base.len(),
        trim,
        notes,
        variables: diagnostics::variables(&t, &table.count, &final_cell_totals, &problem.margins),
    };
    let n_vars = problem.codes.len();
    let cells = (0..cell_base.len())
        .map(|k| (0..n_vars).map(|v| problem.codes[v][k]).collect())
        .collect();
    let model = CalibrationModel {
        method: scheme.method,
        variables: problem
            .margins
            .vars
            .into_iter()
            .map(|m| ModelVariable {
                name: m.name,
                categories: m.categories,
            })
            .collect(),
        cells,
        cell_of: table.cell_of,
        starting_weights,
        bounds: scheme.bounds,
        trimmed,
        calibrated_weights: before_trim.filter(|_| trimmed),
    };
    Ok(Weighted {
        weights,
        diagnostics,
        model,
    })
}

/// w_i = d_i · g_{cell(i)} (0 for excluded respondents), summarising the included weights on the way.
fn map_back(
    table: &CellTable,
    g: &[f64],
    starting: &StartingWeights,
    summary: &mut diagnostics::WeightSummary,
) -> Vec<f64> {
    let mut weights = Vec::with_capacity(table.cell_of.len());
    match starting {
        StartingWeights::Equal(d) => {
            // One weight per cell, plus 0.0 at index K for excluded respondents (EXCLUDED clamps to K).
            let mut per_cell: Vec<f64> = g.iter().map(|gk| d * gk).collect();
            for (&w, &c) in per_cell.iter().zip(&table.count) {
                summary.add_many(w, c);
            }
            per_cell.push(0.0);
            let k = g.len() as u32;
            weights.extend(table.cell_of.iter().map(|&c| per_cell[c.min(k) as usize]));
        }
        StartingWeights::Given(d) => {
            weights.extend(table.cell_of.iter().zip(d).map(|(&c, &di)| {
                if c == EXCLUDED {
                    0.0
                } else {
                    let w = di * g[c as usize];
                    summary.add(w);
                    w
                }
            }));
        }
    }
    weights
}

/// Trims the weights of the included respondents only.
fn trim_included(weights: &mut [f64], cell_of: &[u32], trim: &Trim) -> Result<TrimReport, WeightingError> {
    let included: Vec<usize> = (0..weights.len()).filter(|&i| cell_of[i] != EXCLUDED).collect();
    let mut w: Vec<f64> = included.iter().map(|&i| weights[i]).collect();
    let report = trim_weights(&mut w, trim)?;
    for (&i, &x) in included.iter().zip(&w) {
        weights[i] = x;
    }
    Ok(report)
}
