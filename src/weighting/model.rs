//! How the weights were formed, for calibration-adjusted variances in the statistics module.

use super::cells::EXCLUDED;
use super::scheme::{Category, Method};

/// One calibration (or post-stratification) variable and its categories, in target order.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelVariable {
    pub name: String,
    pub categories: Vec<Category>,
}

/// How the weights were formed, in a form the statistics module can use for calibration-adjusted variances
/// (R `survey` keeps the same information in `design$postStrata`).
///
/// Respondents fall into weighting cells: the distinct combinations of categories of `variables` present in
/// the sample. `cells[k][v]` is the index (into `variables[v].categories`) of cell `k`'s category on variable
/// `v`, and `cell_of[i]` is the cell of respondent `i` (input order), or [`CalibrationModel::EXCLUDED`] for a
/// respondent left out of weighting (missing value, `missing: exclude`; weight 0).
///
/// - `poststratify`: the cells are the post-strata; the variance uses residuals from the post-stratum means
///   (R `postStratify`).
/// - `raking`, `linear`, `logit`: the calibration model matrix has an intercept and an indicator for every
///   category of every variable (one per variable is redundant); respondent `i`'s row is given by
///   `cells[cell_of[i]]`. The variance uses residuals from the weighted regression of the variable on that
///   matrix with weights `w` (R `calibrate`, `rake`).
///
/// Final weights are w_i = `starting_weights.get(i)` · g_i where g is constant within a cell before trimming.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationModel {
    pub method: Method,
    pub variables: Vec<ModelVariable>,
    pub cells: Vec<Vec<u32>>,
    pub cell_of: Vec<u32>,
    /// Starting weights d_i.
    pub starting_weights: StartingWeights,
    /// Bounds (L, U) on g used by `linear`/`logit`.
    pub bounds: Option<(f64, f64)>,
    /// True when trimming changed weights after calibration (g is then no longer constant within cells).
    pub trimmed: bool,
    /// The weights before trimming (d_i·g), when trimming changed them: R's variance after `trimWeights`
    /// still uses them (see `stats::Design::calibrated_weights`).
    pub calibrated_weights: Option<Vec<f64>>,
}

impl CalibrationModel {
    /// `cell_of` value of an excluded respondent.
    pub const EXCLUDED: u32 = EXCLUDED;

    /// The weighting cell of respondent `i`, or None when excluded (or out of range).
    pub fn cell(&self, i: usize) -> Option<usize> {
        match self.cell_of.get(i) {
            Some(&c) if c != EXCLUDED => Some(c as usize),
            _ => None,
        }
    }

    /// The category index of respondent `i` on variable `v`, or None when excluded.
    pub fn category(&self, i: usize, v: usize) -> Option<usize> {
        let k = self.cell(i)?;
        self.cells.get(k)?.get(v).map(|&c| c as usize)
    }

    /// Number of columns of the calibration model matrix: an intercept, then one indicator per category
    /// of each variable except its first (R `model.matrix(~a + b + …)`; the column space, and so every
    /// regression residual, does not depend on which category is left out).
    pub fn n_columns(&self) -> usize {
        1 + self
            .variables
            .iter()
            .map(|v| v.categories.len().saturating_sub(1))
            .sum::<usize>()
    }

    /// The columns where respondent `i`'s row of the model matrix is 1 (all others are 0), written to `out`;
    /// false (and `out` empty) for an excluded respondent. A category nobody is in gives an all-zero
    /// column; regressions must drop or pivot it.
    pub fn row_columns(&self, i: usize, out: &mut Vec<usize>) -> bool {
        out.clear();
        let Some(cell) = self.cell(i).and_then(|k| self.cells.get(k)) else {
            return false;
        };
        out.push(0);
        let mut first_column = 1;
        for (var, &c) in self.variables.iter().zip(cell) {
            if c > 0 {
                out.push(first_column + c as usize - 1);
            }
            first_column += var.categories.len().saturating_sub(1);
        }
        true
    }
}

/// Starting weights d_i of the respondents.
#[derive(Debug, Clone, PartialEq)]
pub enum StartingWeights {
    /// No design weights were given: every respondent starts with total / n (n = weighted respondents).
    Equal(f64),
    /// Design weights, one per respondent in input order.
    Given(Vec<f64>),
}

impl StartingWeights {
    /// d_i (0.0 past the end).
    pub fn get(&self, i: usize) -> f64 {
        match self {
            StartingWeights::Equal(d) => *d,
            StartingWeights::Given(d) => d.get(i).copied().unwrap_or(0.0),
        }
    }
}
