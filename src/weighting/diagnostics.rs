//! Diagnostics shown to the sociologist (their field names are part of the summary JSON contract).

use serde::Serialize;

use super::rake::{totals_of, Table};
use super::scheme::{Category, Method};
use super::targets::Margins;
use super::trim::TrimReport;

/// Sample versus population, per category of one weighting variable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryDiagnostics {
    pub category: Category,
    /// Respondents in the category (unweighted).
    pub n: u64,
    /// Unweighted share of the respondents, n_c / n.
    pub sample_share: f64,
    /// Share under the starting weights (before weighting); equals `sample_share` without design weights.
    pub base_share: f64,
    /// Share under the final weights.
    pub weighted_share: f64,
    /// Population share, T_c / N.
    pub target_share: f64,
}

/// Per-category diagnostics of one weighting variable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariableDiagnostics {
    pub name: String,
    pub categories: Vec<CategoryDiagnostics>,
}

/// What weighting did, and how far the weights stretch the sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostics {
    pub method: Method,
    /// IPF sweeps plus Newton iterations (1 for post-stratification).
    pub iterations: usize,
    pub converged: bool,
    /// Largest relative gap |weighted total − target| / target over every margin category (for
    /// post-stratification: the margins summed from the cells), before trimming.
    pub max_gap: f64,
    /// Where that gap is, `variable = category`.
    pub max_gap_at: Option<String>,
    /// The same gap under the final weights when trimming changed them (trimming trades exact margins
    /// for less extreme weights).
    pub max_gap_after_trim: Option<f64>,
    /// Kish design effect due to weighting, n·Σw² / (Σw)².
    pub deff: f64,
    /// n / deff.
    pub effective_n: f64,
    pub weight_min: f64,
    pub weight_max: f64,
    pub weight_mean: f64,
    /// Coefficient of variation of the weights, sd/mean with the population sd (so deff = 1 + cv²).
    pub weight_cv: f64,
    /// Σw over the weighted respondents.
    pub weight_total: f64,
    /// Respondents weighted.
    pub n: usize,
    /// Respondents left out for a missing weighting variable (`missing: exclude`).
    pub n_excluded: usize,
    /// Distinct weighting cells in the sample.
    pub n_cells: usize,
    pub trim: Option<TrimReport>,
    /// Remarks (rounding in targets scaled away, imputations, negative weights, …).
    pub notes: Vec<String>,
    pub variables: Vec<VariableDiagnostics>,
}

/// n, mean, min, max, Σw² of the weights of the included respondents.
pub(crate) struct WeightSummary {
    pub n: usize,
    pub total: f64,
    pub sum_sq: f64,
    pub min: f64,
    pub max: f64,
    pub negative: usize,
}

impl WeightSummary {
    pub fn new() -> Self {
        WeightSummary {
            n: 0,
            total: 0.0,
            sum_sq: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            negative: 0,
        }
    }

    /// Adds `count` equal weights `w`.
    pub fn add_many(&mut self, w: f64, count: u64) {
        if count == 0 {
            return;
        }
        let c = count as usize;
        self.n += c;
        self.total += w * count as f64;
        self.sum_sq += w * w * count as f64;
        self.min = self.min.min(w);
        self.max = self.max.max(w);
        self.negative += if w < 0.0 { c } else { 0 };
    }

    #[inline]
    pub fn add(&mut self, w: f64) {
        self.n += 1;
        self.total += w;
        self.sum_sq += w * w;
        self.min = self.min.min(w);
        self.max = self.max.max(w);
        self.negative += usize::from(w < 0.0);
    }
}

/// Per-variable, per-category comparison; `final_cell_totals` are Σw per cell under the final weights.
pub(crate) fn variables(
    table: &Table,
    counts: &[u64],
    final_cell_totals: &[f64],
    margins: &Margins,
) -> Vec<VariableDiagnostics> {
    let n: u64 = counts.iter().sum();
    let ones = vec![1.0; table.base.len()];
    let base_total: f64 = table.base.iter().sum();
    let final_total: f64 = final_cell_totals.iter().sum();
    let count_f: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
    margins
        .vars
        .iter()
        .enumerate()
        .map(|(v, m)| {
            let k = m.counts.len();
            let n_c = totals_of(
                &Table {
                    base: &count_f,
                    codes: table.codes,
                },
                &ones,
                v,
                k,
            );
            let base_c = totals_of(table, &ones, v, k);
            let final_c = totals_of(
                &Table {
                    base: final_cell_totals,
                    codes: table.codes,
                },
                &ones,
                v,
                k,
            );
            let categories = (0..k)
                .map(|c| CategoryDiagnostics {
                    category: m.categories[c].clone(),
                    n: n_c[c] as u64,
                    sample_share: n_c[c] / n as f64,
                    base_share: base_c[c] / base_total,
                    weighted_share: final_c[c] / final_total,
                    target_share: m.counts[c] / margins.total,
                })
                .collect();
            VariableDiagnostics {
                name: m.name.clone(),
                categories,
            }
        })
        .collect()
}
