//! Raking (iterative proportional fitting) on the cell table, and the margin gaps used by every method.

use super::targets::Margins;

/// The cell table as the fitting methods see it.
pub(crate) struct Table<'a> {
    /// Sum of starting weights per cell, D_k.
    pub base: &'a [f64],
    /// Target category of cell k on variable v: `codes[v][k]`.
    pub codes: &'a [Vec<u32>],
}

/// The largest relative gap |Σ_{k∈c} D_k g_k − T_c| / T_c and where it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Gap {
    pub value: f64,
    pub var: usize,
    pub cat: usize,
}

/// Result of a fitting method: the factor g_k = w_i / d_i of every cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fit {
    pub g: Vec<f64>,
    pub iterations: usize,
    pub gap: Gap,
}

/// Weighted totals Σ_{k∈c} D_k g_k of every category of variable `v`.
pub(crate) fn totals_of(table: &Table, g: &[f64], v: usize, n_categories: usize) -> Vec<f64> {
    let mut sums = vec![0.0; n_categories];
    for ((&c, &d), &gk) in table.codes[v].iter().zip(table.base).zip(g) {
        sums[c as usize] += d * gk;
    }
    sums
}

/// The largest relative gap between weighted margins and targets, over every category of every variable.
pub(crate) fn max_gap(table: &Table, g: &[f64], margins: &Margins) -> Gap {
    let mut worst = Gap {
        value: 0.0,
        var: 0,
        cat: 0,
    };
    for (v, m) in margins.vars.iter().enumerate() {
        let sums = totals_of(table, g, v, m.counts.len());
        for (c, (&s, &t)) in sums.iter().zip(&m.counts).enumerate() {
            if t == 0.0 {
                continue; // a zero target has no respondents (checked before fitting)
            }
            let gap = (s - t).abs() / t;
            // NaN counts as the worst gap, so a broken fit is never reported as converged.
            if gap > worst.value || gap.is_nan() {
                worst = Gap {
                    value: gap,
                    var: v,
                    cat: c,
                };
            }
        }
    }
    worst
}

/// Iterative proportional fitting (Deming & Stephan 1940): for each variable in turn, multiply the factor of
/// every cell by T_c / S_c, where S_c is the current weighted total of its category; repeat sweeps until the
/// largest relative gap of any margin is below `tolerance`, or `max_sweeps` sweeps were made. The fixed point
/// is the raking-ratio calibration estimator (R `calibrate(calfun = "raking")`).
pub(crate) fn rake(table: &Table, margins: &Margins, tolerance: f64, max_sweeps: usize) -> Fit {
    let mut g = vec![1.0; table.base.len()];
    let mut gap = max_gap(table, &g, margins);
    let mut sweeps = 0;
    while gap.value >= tolerance && sweeps < max_sweeps {
        for (v, m) in margins.vars.iter().enumerate() {
            let sums = totals_of(table, &g, v, m.counts.len());
            let factors: Vec<f64> = sums
                .iter()
                .zip(&m.counts)
                .map(|(&s, &t)| if s > 0.0 { t / s } else { 1.0 })
                .collect();
            for (gk, &c) in g.iter_mut().zip(&table.codes[v]) {
                *gk *= factors[c as usize];
            }
        }
        sweeps += 1;
        gap = max_gap(table, &g, margins);
    }
    Fit {
        g,
        iterations: sweeps,
        gap,
    }
}
