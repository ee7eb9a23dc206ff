//! The sampling design and its one-off preparation for variance estimation.
//!
//! A [`Design`] mirrors R `svydesign()` (+ `postStratify()` / `calibrate()`):
//! - weights only: `svydesign(ids = ~1, weights = ~w)` — single stage, with replacement;
//! - strata / PSUs / fpc: `svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~w)`. PSU ids are
//!   taken as nested in strata (`nest = TRUE`): the same id in two strata is two PSUs. Variance is the
//!   with-replacement variance between PSU totals within strata (`survey:::onestrat`), multiplied by the
//!   finite population correction `(N_h − n_h)/N_h` when an fpc is given; only the first stage is used
//!   (`options(survey.ultimate.cluster)` behaviour for single-stage designs);
//! - calibration: the variance is that of the residuals of the weighting model (`survey:::svyrecvar`), see
//!   [`Calibration`].
//!
//! [`Design::prepare`] validates the input and factorises everything that does not depend on the
//! variable being summarised (grouping of respondents, the calibration model's normal equations), so a
//! survey's 30 questions reuse it.

use std::collections::HashMap;

use super::linalg::Cholesky;
use super::StatsError;

/// How the final weights were adjusted, which decides the residuals used in the variance.
#[derive(Debug, Clone, PartialEq)]
pub enum Calibration {
    /// Post-stratification on the cells `cell[i]` (any joint table, e.g. sex × age group), R
    /// `postStratify()`: the variance uses residuals from the cell means. Within a cell the final weight is a
    /// constant multiple of the base weight, so the base weights are not needed.
    Poststratified { cell: Vec<usize> },
    /// Calibration on the margins of categorical variables (`variables[v][i]` is respondent `i`'s category of
    /// variable `v`), R `calibrate(design, ~v1 + v2 + …, population, calfun = "linear" | "raking" | "logit")`.
    /// The model matrix is the intercept plus indicators of every category but the first of each variable;
    /// the variance uses the residuals of its regression weighted by the `base_weights` (the weights before
    /// calibration), as `survey:::svyrecvar` does with `qr.resid(qr(mm * sqrt(base)), x / w) * w`.
    Calibrated {
        variables: Vec<Vec<usize>>,
        base_weights: Vec<f64>,
    },
}

/// Finite population correction, R's `fpc =` argument, one value per respondent (constant within a stratum).
#[derive(Debug, Clone, PartialEq)]
pub enum Fpc {
    /// Population size of the stratum: number of units, or of PSUs in a clustered design.
    PopulationSize(Vec<f64>),
    /// Sampling fraction of the stratum (`n_h / N_h`).
    SamplingFraction(Vec<f64>),
}

/// What to do with a stratum that has a single PSU, R `options(survey.lonely.psu = …)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LonelyPsu {
    /// R's default `"fail"`: the variance cannot be estimated; estimates then carry no SE or CI (`None`)
    /// instead of an error, so that the share itself can still be shown.
    #[default]
    Fail,
    /// `"remove"`: the stratum contributes nothing to the variance.
    Remove,
    /// `"certainty"`: the PSU was sampled with certainty; contributes nothing.
    Certainty,
    /// `"adjust"`: the PSU is centred at the population mean (zero) instead of the stratum mean.
    Adjust,
    /// `"average"`: the stratum gets the average variance of the other strata.
    Average,
}

/// A sample design. Every vector has one entry per respondent.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Design {
    /// Final weights (after any weighting); finite and non-negative.
    pub weights: Vec<f64>,
    /// Stratum of each respondent (any ids).
    pub strata: Option<Vec<usize>>,
    /// First-stage cluster (PSU) of each respondent; `None` = each respondent is its own PSU.
    pub psu: Option<Vec<usize>>,
    pub fpc: Option<Fpc>,
    pub calibration: Option<Calibration>,
    pub lonely_psu: LonelyPsu,
    /// Breakdown variables (respondent's category, `None` = missing) that crosstabs will use. Declaring
    /// them here lets [`super::summarize_categorical`] produce every crosstab of a question from the one
    /// pass over the respondents that its shares need.
    pub breakdowns: Vec<Vec<Option<usize>>>,
    /// The weights as calibration left them, when they were changed afterwards (trimming: R `trimWeights`
    /// after `calibrate`). Used with [`Calibration::Calibrated`] only. R keeps the calibration's stored
    /// `qr` and `w = g·√w0` after trimming, so the residual of the influence value `w_i z_i` (trimmed `w`)
    /// is `w_i z_i − wc_i x_i'β̂`, `β̂ = (Σ w0 x x')⁻¹ Σ w0 x z·w/wc` with `wc` these weights.
    pub calibrated_weights: Option<Vec<f64>>,
}

impl Design {
    /// `svydesign(ids = ~1, weights = ~w)`.
    pub fn weighted(weights: Vec<f64>) -> Design {
        Design {
            weights,
            ..Design::default()
        }
    }

    /// Validates the design and factorises what every estimate reuses.
    pub fn prepare(self) -> Result<PreparedDesign, StatsError> {
        PreparedDesign::new(self)
    }
}

/// The calibration model reduced to its cells (distinct rows of the model matrix).
#[derive(Debug, Clone)]
pub(crate) enum Model {
    None,
    /// Post-strata: fitted value = base-weighted mean of the cell.
    Cells {
        w0: Vec<f64>,
    },
    /// Regression on `x` (`cells × p`, row-major) with weights `w0`.
    Regression {
        x: Vec<f64>,
        p: usize,
        chol: Cholesky,
    },
}

impl Model {
    /// Fitted values per cell of the base-weighted regression, from `z0[c] = Σ_{i∈c} w0_i z_i`.
    pub(crate) fn fitted(&self, z0: &[f64]) -> Vec<f64> {
        match self {
            Model::None => vec![0.0; z0.len()],
            Model::Cells { w0 } => z0
                .iter()
                .zip(w0)
                .map(|(z, w)| if *w > 0.0 { z / w } else { 0.0 })
                .collect(),
            Model::Regression { x, p, chol } => {
                let p = *p;
                let mut b = vec![0.0; p];
                for (c, z) in z0.iter().enumerate() {
                    for (bj, xj) in b.iter_mut().zip(&x[c * p..(c + 1) * p]) {
                        *bj += z * xj;
                    }
                }
                let beta = chol.solve(&b);
                (0..z0.len())
                    .map(|c| x[c * p..(c + 1) * p].iter().zip(&beta).map(|(a, b)| a * b).sum())
                    .collect()
            }
        }
    }
}

/// A validated design with its grouping and calibration model factorised once.
///
/// Respondents are grouped into *unit-cells*: (variance unit, calibration cell), where the variance unit is
/// the stratum in designs whose PSUs are the respondents, and the PSU otherwise. All estimates are computed
/// from sums over unit-cells, so their cost after one pass over the data does not grow with the sample.
#[derive(Debug, Clone)]
pub struct PreparedDesign {
    pub(crate) n: usize,
    pub(crate) w: Vec<f64>,
    /// Weights that enter the calibration regression (base weights; final weights when not calibrated).
    pub(crate) w0: Vec<f64>,
    pub(crate) uc: Vec<u32>,
    pub(crate) n_uc: usize,
    pub(crate) uc_unit: Vec<usize>,
    pub(crate) uc_cell: Vec<usize>,
    pub(crate) n_cells: usize,
    pub(crate) n_units: usize,
    pub(crate) unit_stratum: Vec<usize>,
    pub(crate) n_strata: usize,
    pub(crate) clustered: bool,
    /// Number of PSUs of each stratum in the whole sample (R's `nPSU`).
    pub(crate) stratum_npsu: Vec<usize>,
    /// `(N_h − n_h)/N_h`, or 1 without fpc.
    pub(crate) stratum_fpc: Vec<f64>,
    pub(crate) model: Model,
    pub(crate) lonely: LonelyPsu,
    /// `#PSU − #strata` over the whole sample (R `degf(design)` before any subsetting).
    pub(crate) df: f64,
    /// Some weight is zero (then positive-weight counts differ from counts).
    pub(crate) has_zero_weight: bool,
    /// `w0/w` per unit-cell when it is constant within every unit-cell (always without calibration, and
    /// for calibrated weights `w = w0·g(x)` not trimmed afterwards): then `Σ w0 = ratio·Σ w` and the
    /// respondent loop need not read the base weights.
    pub(crate) w0_ratio: Option<Vec<f64>>,
    /// Category of each declared breakdown variable in each unit-cell (`[b][uc]`).
    pub(crate) uc_breakdown: Vec<Vec<Option<usize>>>,
    pub(crate) breakdown_levels: Vec<usize>,
    /// Weights before trimming, for calibrated designs trimmed afterwards ([`Design::calibrated_weights`]);
    /// then `w0` above holds `w0·w/wc`, the weights of the regression's right-hand side.
    pub(crate) wc: Option<Vec<f64>>,
}

/// Assigns dense ids (in order of first appearance) to keys below `space`: a lookup table when the key
/// space is small, a hash map otherwise.
struct Indexer {
    table: Vec<u32>,
    map: HashMap<u64, u32>,
    next: u32,
}

impl Indexer {
    fn new(space: u128) -> Indexer {
        let dense = space <= 1 << 24;
        Indexer {
            table: if dense {
                vec![u32::MAX; space as usize]
            } else {
                Vec::new()
            },
            map: HashMap::new(),
            next: 0,
        }
    }

    /// The id of `key`, and whether it is new.
    fn id(&mut self, key: u64) -> (u32, bool) {
        let next = self.next;
        let slot = if self.table.is_empty() {
            self.map.entry(key).or_insert(next)
        } else {
            let s = &mut self.table[key as usize];
            if *s == u32::MAX {
                *s = next;
            }
            s
        };
        let id = *slot;
        let new = id == next;
        if new {
            self.next += 1;
        }
        (id, new)
    }
}

fn dense_ids(ids: &[usize]) -> (Vec<usize>, usize) {
    let mut map: HashMap<usize, usize> = HashMap::new();
    let out = ids
        .iter()
        .map(|id| {
            let next = map.len();
            *map.entry(*id).or_insert(next)
        })
        .collect();
    (out, map.len())
}

pub(super) fn check_len(what: &'static str, got: usize, expected: usize) -> Result<(), StatsError> {
    if got == expected {
        Ok(())
    } else {
        Err(StatsError::LengthMismatch { what, got, expected })
    }
}

fn check_weights(what: &'static str, w: &[f64]) -> Result<(), StatsError> {
    match w.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
        Some(index) => Err(StatsError::BadWeight {
            what,
            index,
            value: w[index],
        }),
        None => Ok(()),
    }
}

impl PreparedDesign {
    fn new(d: Design) -> Result<PreparedDesign, StatsError> {
        let n = d.weights.len();
        check_weights("weights", &d.weights)?;
        let has_zero_weight = d.weights.contains(&0.0);
        let (stratum, n_strata) = match &d.strata {
            Some(s) => {
                check_len("strata", s.len(), n)?;
                dense_ids(s)
            }
            None => (vec![0; n], usize::from(n > 0)),
        };
        let clustered = d.psu.is_some();
        // Variance units: PSUs (nested in strata) or strata.
        let (unit, n_units, unit_stratum) = match &d.psu {
            Some(psu) => {
                check_len("psu", psu.len(), n)?;
                let mut map: HashMap<(usize, usize), usize> = HashMap::new();
                let mut unit_stratum = Vec::new();
                let unit: Vec<usize> = psu
                    .iter()
                    .zip(&stratum)
                    .map(|(p, h)| {
                        let next = map.len();
                        *map.entry((*h, *p)).or_insert_with(|| {
                            unit_stratum.push(*h);
                            next
                        })
                    })
                    .collect();
                (unit, map.len(), unit_stratum)
            }
            None => (stratum.clone(), n_strata, (0..n_strata).collect()),
        };
        let mut stratum_npsu = vec![0usize; n_strata];
        if clustered {
            for h in &unit_stratum {
                stratum_npsu[*h] += 1;
            }
        } else {
            for h in &stratum {
                stratum_npsu[*h] += 1;
            }
        }
        let stratum_fpc = super::fpc::fpc_factors(d.fpc.as_ref(), &stratum, &stratum_npsu, n)?;
        let (cell, n_cells, model, w0) = build_model(d.calibration, &d.weights, n)?;
        let (wc, w0) = trimmed_after_calibration(d.calibrated_weights, &model, &d.weights, w0)?;
        // unit-cells: (variance unit, calibration cell, category of every breakdown variable)
        let breakdown_levels: Vec<usize> = d
            .breakdowns
            .iter()
            .map(|b| b.iter().flatten().max().map_or(0, |m| m + 1))
            .collect();
        for b in &d.breakdowns {
            check_len("breakdown variable", b.len(), n)?;
        }
        let space = breakdown_levels
            .iter()
            .fold(n_units as u128 * n_cells as u128, |acc, l| {
                acc.saturating_mul(*l as u128 + 1)
            });
        let mut indexer = Indexer::new(space);
        let mut uc_unit = Vec::new();
        let mut uc_cell = Vec::new();
        let mut uc_breakdown: Vec<Vec<Option<usize>>> = vec![Vec::new(); d.breakdowns.len()];
        let mut uc = Vec::with_capacity(n);
        if space > u128::from(u64::MAX) {
            return Err(StatsError::TooManyCalibrationCells);
        }
        for (i, (u, c)) in unit.iter().zip(&cell).enumerate() {
            let mut key = (*u * n_cells + *c) as u64;
            for (b, l) in d.breakdowns.iter().zip(&breakdown_levels) {
                key = key * (*l as u64 + 1) + b[i].map_or(0, |v| v as u64 + 1);
            }
            let (id, new) = indexer.id(key);
            if new {
                uc_unit.push(*u);
                uc_cell.push(*c);
                for (ub, b) in uc_breakdown.iter_mut().zip(&d.breakdowns) {
                    ub.push(b[i]);
                }
            }
            uc.push(id);
        }
        let n_uc = uc_unit.len();
        let n_psu_total: usize = stratum_npsu.iter().sum();
        let w0_ratio = base_weight_ratio(&d.weights, &w0, &uc, n_uc);
        Ok(PreparedDesign {
            n,
            w: d.weights,
            w0,
            uc,
            n_uc,
            uc_unit,
            uc_cell,
            n_cells,
            n_units,
            unit_stratum,
            n_strata,
            clustered,
            stratum_npsu,
            stratum_fpc,
            model,
            lonely: d.lonely_psu,
            df: n_psu_total as f64 - n_strata as f64,
            has_zero_weight,
            w0_ratio,
            uc_breakdown,
            breakdown_levels,
            wc,
        })
    }

    /// Number of respondents.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when the design has no respondents.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Final weights.
    pub fn weights(&self) -> &[f64] {
        &self.w
    }

    /// Number of declared breakdown variables ([`Design::breakdowns`]).
    pub fn n_breakdowns(&self) -> usize {
        self.breakdown_levels.len()
    }

    /// Degrees of freedom of the whole design, `#PSU − #strata` (R `degf(design)`).
    pub fn degrees_of_freedom(&self) -> f64 {
        self.df
    }

    /// True when the weights carry a calibration or post-stratification adjustment.
    pub fn is_calibrated(&self) -> bool {
        !matches!(self.model, Model::None)
    }

    /// Kish design effect due to weighting over all respondents with positive weight:
    /// `deff = n·Σw²/(Σw)²`, effective sample size `(Σw)²/Σw²` (Kish 1965).
    pub fn weighting_effect(&self) -> WeightingEffect {
        kish(self.w.iter().copied())
    }
}

/// The weights before trimming of a calibrated design ([`Design::calibrated_weights`]), validated, and the
/// regression's right-hand-side weights `w0·w/wc` that replace `w0`.
fn trimmed_after_calibration(
    wc: Option<Vec<f64>>,
    model: &Model,
    w: &[f64],
    w0: Vec<f64>,
) -> Result<(Option<Vec<f64>>, Vec<f64>), StatsError> {
    let Some(wc) = wc.filter(|_| matches!(model, Model::Regression { .. })) else {
        return Ok((None, w0));
    };
    check_len("calibrated weights", wc.len(), w.len())?;
    check_weights("calibrated weights", &wc)?;
    let rhs = w0
        .iter()
        .zip(w)
        .zip(&wc)
        .map(|((b, w), c)| if *c > 0.0 { b * w / c } else { 0.0 });
    let rhs = rhs.collect();
    Ok((Some(wc), rhs))
}

/// `w0_i / w_i` per unit-cell if it is the same for all its respondents (relative 1e-12), else `None`.
fn base_weight_ratio(w: &[f64], w0: &[f64], uc: &[u32], n_uc: usize) -> Option<Vec<f64>> {
    let mut ratio: Vec<Option<f64>> = vec![None; n_uc];
    for ((wi, w0i), u) in w.iter().zip(w0).zip(uc) {
        if *wi == 0.0 {
            if *w0i != 0.0 {
                return None;
            }
            continue;
        }
        let r = w0i / wi;
        match ratio[*u as usize] {
            None => ratio[*u as usize] = Some(r),
            Some(prev) if (prev - r).abs() <= 1e-12 * prev.abs() => {}
            Some(_) => return None,
        }
    }
    Some(ratio.into_iter().map(|r| r.unwrap_or(1.0)).collect())
}

/// Kish's design effect due to unequal weights and the effective sample size.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct WeightingEffect {
    /// Respondents with a positive weight.
    pub n: u64,
    pub deff: Option<f64>,
    pub effective_n: Option<f64>,
}

/// Kish deff `n·Σw²/(Σw)²` and effective n `(Σw)²/Σw²` over the positive weights given.
pub(crate) fn kish(weights: impl Iterator<Item = f64>) -> WeightingEffect {
    let (mut n, mut s1, mut s2) = (0u64, 0.0, 0.0);
    for w in weights.filter(|w| *w > 0.0) {
        n += 1;
        s1 += w;
        s2 += w * w;
    }
    if n == 0 {
        return WeightingEffect {
            n,
            deff: None,
            effective_n: None,
        };
    }
    WeightingEffect {
        n,
        deff: Some(n as f64 * s2 / (s1 * s1)),
        effective_n: Some(s1 * s1 / s2),
    }
}

type ModelParts = (Vec<usize>, usize, Model, Vec<f64>);

fn build_model(cal: Option<Calibration>, w: &[f64], n: usize) -> Result<ModelParts, StatsError> {
    match cal {
        None => Ok((vec![0; n], usize::from(n > 0), Model::None, w.to_vec())),
        Some(Calibration::Poststratified { cell }) => {
            check_len("post-stratification cells", cell.len(), n)?;
            let (cell, n_cells) = dense_ids(&cell);
            let mut w0c = vec![0.0; n_cells];
            for (c, wi) in cell.iter().zip(w) {
                w0c[*c] += wi;
            }
            Ok((cell, n_cells, Model::Cells { w0: w0c }, w.to_vec()))
        }
        Some(Calibration::Calibrated {
            variables,
            base_weights,
        }) => {
            check_len("base weights", base_weights.len(), n)?;
            check_weights("base weights", &base_weights)?;
            if variables.is_empty() {
                return Err(StatsError::NoCalibrationVariables);
            }
            for v in &variables {
                check_len("calibration variable", v.len(), n)?;
            }
            let levels: Vec<usize> = variables.iter().map(|v| v.iter().max().map_or(1, |m| m + 1)).collect();
            // joint cell of every respondent: mixed-radix code of its categories
            let space: u128 = levels.iter().map(|l| *l as u128).product();
            if space > u128::from(u64::MAX) {
                return Err(StatsError::TooManyCalibrationCells);
            }
            let mut indexer = Indexer::new(space);
            let mut cells: Vec<Vec<usize>> = Vec::new();
            let cell: Vec<usize> = (0..n)
                .map(|i| {
                    let code = variables
                        .iter()
                        .zip(&levels)
                        .fold(0u64, |acc, (v, l)| acc * *l as u64 + v[i] as u64);
                    let (id, new) = indexer.id(code);
                    if new {
                        cells.push(variables.iter().map(|v| v[i]).collect());
                    }
                    id as usize
                })
                .collect();
            // model matrix: intercept + indicators of levels 1.. of every variable
            let p = 1 + levels.iter().map(|l| l.saturating_sub(1)).sum::<usize>();
            let mut x = vec![0.0; cells.len() * p];
            for (c, combo) in cells.iter().enumerate() {
                x[c * p] = 1.0;
                let mut offset = 1;
                for (lv, l) in combo.iter().zip(&levels) {
                    if *lv > 0 {
                        x[c * p + offset + lv - 1] = 1.0;
                    }
                    offset += l.saturating_sub(1);
                }
            }
            let mut w0c = vec![0.0; cells.len()];
            for (c, wi) in cell.iter().zip(&base_weights) {
                w0c[*c] += wi;
            }
            let mut m = vec![0.0; p * p];
            for (c, wc) in w0c.iter().enumerate() {
                let row = &x[c * p..(c + 1) * p];
                for a in 0..p {
                    if row[a] == 0.0 {
                        continue;
                    }
                    for b in 0..p {
                        m[a * p + b] += wc * row[a] * row[b];
                    }
                }
            }
            let chol = Cholesky::new(&m, p);
            Ok((cell, cells.len(), Model::Regression { x, p, chol }, base_weights))
        }
    }
}
