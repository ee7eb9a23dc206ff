//! Calibration (Deville & Särndal 1992) on the cell table, by Newton iterations on the Lagrange
//! multipliers as R `survey:::grake` does.
//!
//! Model matrix: an intercept and one indicator per category of each variable except its first (R's
//! `model.matrix(~a+b+…)` with treatment contrasts); the population vector holds the total and the targets
//! of those categories. With η the multipliers and u_k = x_k'η, the factor of cell k is g_k = F(u_k) with
//! - linear:  F(u) = clip(1 + u, L, U)  (unbounded: 1 + u, the GREG weights);
//! - raking:  F(u) = exp(u);
//! - logit:   F(u) = (L(U−1) + U(1−L)e^{Au}) / (U−1 + (1−L)e^{Au}),  A = (U−L)/((U−1)(1−L)).
//!
//! Newton step: Δη = T⁻¹(t_x − Σ_k D_k x_k g_k) with T = Σ_k D_k F'(u_k) x_k x_k'. Unlike R, a step that
//! does not decrease the convex dual ψ(η) = Σ_k D_k Φ(u_k) − η't_x (Φ' = F) is halved; near the solution
//! full steps are taken, so the solution is R's, and hard cases (tight logit bounds) converge more often.

use super::rake::{max_gap, Fit, Table};
use super::targets::Margins;

/// Distance function of the calibration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Distance {
    /// Linear (chi-square) distance, g clipped to the bounds (L, U) when given.
    Linear { lower: f64, upper: f64 },
    /// Raking ratio (multiplicative) distance.
    Raking,
    /// Bounded logit distance, L < 1 < U.
    Logit { lower: f64, upper: f64 },
}

impl Distance {
    /// g = F(u).
    pub(crate) fn f(self, u: f64) -> f64 {
        match self {
            Distance::Linear { lower, upper } => (1.0 + u).max(lower).min(upper),
            Distance::Raking => u.exp(),
            Distance::Logit { lower, upper } => {
                let (a, b, k) = logit_constants(lower, upper);
                // Written with e^{−|ku|} so that neither branch overflows.
                if u >= 0.0 {
                    let e = (-k * u).exp();
                    (lower * a * e + upper * b) / (a * e + b)
                } else {
                    let e = (k * u).exp();
                    (lower * a + upper * b * e) / (a + b * e)
                }
            }
        }
    }

    /// F'(u).
    pub(crate) fn df(self, u: f64) -> f64 {
        match self {
            Distance::Linear { lower, upper } => {
                if u > lower - 1.0 && u < upper - 1.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Distance::Raking => u.exp(),
            Distance::Logit { lower, upper } => {
                let g = self.f(u);
                let k = logit_constants(lower, upper).2;
                // d/du of the logistic form: k (g − L)(U − g) / (U − L)
                k * (g - lower) * (upper - g) / (upper - lower)
            }
        }
    }

    /// Φ(u) = ∫₀ᵘ F(t) dt, the dual objective's per-cell term.
    pub(crate) fn phi(self, u: f64) -> f64 {
        match self {
            Distance::Linear { lower, upper } => {
                let (lo, hi) = (lower - 1.0, upper - 1.0);
                let quad = |t: f64| t + t * t / 2.0;
                if u < lo {
                    quad(lo) + lower * (u - lo)
                } else if u > hi {
                    quad(hi) + upper * (u - hi)
                } else {
                    quad(u)
                }
            }
            Distance::Raking => u.exp() - 1.0,
            Distance::Logit { lower, upper } => {
                let (a, b, k) = logit_constants(lower, upper);
                // Φ(u) = L·u + ab·ln((a + b e^{ku}) / (a + b)),  with ab = (U − L)/k
                let log_term = if u >= 0.0 {
                    k * u + (b + a * (-k * u).exp()).ln()
                } else {
                    (a + b * (k * u).exp()).ln()
                };
                lower * u + a * b * (log_term - (a + b).ln())
            }
        }
    }
}

/// (a, b, A) = (U − 1, 1 − L, (U − L)/((U − 1)(1 − L))).
fn logit_constants(lower: f64, upper: f64) -> (f64, f64, f64) {
    let a = upper - 1.0;
    let b = 1.0 - lower;
    (a, b, (upper - lower) / (a * b))
}

/// The model matrix in implicit form: for each variable the column of each category (None: reference).
struct Design {
    columns: Vec<Vec<Option<usize>>>,
    p: usize,
    population: Vec<f64>,
}

impl Design {
    fn new(margins: &Margins, table: &Table) -> Design {
        let mut columns = Vec::new();
        let mut population = vec![margins.total];
        for (v, m) in margins.vars.iter().enumerate() {
            // The reference category is the first one with respondents, so no column is all zero.
            let mut present = vec![false; m.counts.len()];
            for &c in &table.codes[v] {
                present[c as usize] = true;
            }
            let reference = present.iter().position(|&p| p);
            let mut cols = vec![None; m.counts.len()];
            for (c, slot) in cols.iter_mut().enumerate() {
                if present[c] && Some(c) != reference {
                    *slot = Some(population.len());
                    population.push(m.counts[c]);
                }
            }
            columns.push(cols);
        }
        Design {
            p: population.len(),
            columns,
            population,
        }
    }

    /// Active columns of cell k (intercept first).
    fn active(&self, table: &Table, k: usize, out: &mut Vec<usize>) {
        out.clear();
        out.push(0);
        for (v, cols) in self.columns.iter().enumerate() {
            if let Some(j) = cols[table.codes[v][k] as usize] {
                out.push(j);
            }
        }
    }
}

/// Per-iteration state: u_k and the misfit t_x − Σ D_k x_k g_k.
struct State {
    eta: Vec<f64>,
    u: Vec<f64>,
    misfit: Vec<f64>,
    psi: f64,
}

fn evaluate(eta: Vec<f64>, design: &Design, table: &Table, active: &[Vec<usize>], dist: Distance) -> State {
    let mut misfit = design.population.clone();
    let mut psi = -eta.iter().zip(&design.population).map(|(e, t)| e * t).sum::<f64>();
    let mut u = Vec::with_capacity(active.len());
    for (k, cols) in active.iter().enumerate() {
        let uk: f64 = cols.iter().map(|&j| eta[j]).sum();
        let dg = table.base[k] * dist.f(uk);
        for &j in cols {
            misfit[j] -= dg;
        }
        psi += table.base[k] * dist.phi(uk);
        u.push(uk);
    }
    State { eta, u, misfit, psi }
}

/// Calibrates the cell factors g_k with Newton iterations until the largest relative margin gap is below
/// `tolerance` or `max_iterations` steps were made.
pub(crate) fn calibrate(
    table: &Table,
    margins: &Margins,
    dist: Distance,
    tolerance: f64,
    max_iterations: usize,
) -> Fit {
    let design = Design::new(margins, table);
    let n_cells = table.base.len();
    let active: Vec<Vec<usize>> = (0..n_cells)
        .map(|k| {
            let mut cols = Vec::new();
            design.active(table, k, &mut cols);
            cols
        })
        .collect();
    let mut state = evaluate(vec![0.0; design.p], &design, table, &active, dist);
    let factors = |s: &State| -> Vec<f64> { s.u.iter().map(|&u| dist.f(u)).collect() };
    let mut gap = max_gap(table, &factors(&state), margins);
    let mut iterations = 0;
    while gap.value >= tolerance && iterations < max_iterations {
        iterations += 1;
        let step = newton_step(&design, table, &active, &state, dist);
        let slope: f64 = step.iter().zip(&state.misfit).map(|(s, m)| s * m).sum();
        let mut t = 1.0;
        let mut next = None;
        for _ in 0..40 {
            let eta: Vec<f64> = state.eta.iter().zip(&step).map(|(e, s)| e + t * s).collect();
            let candidate = evaluate(eta, &design, table, &active, dist);
            let finite = candidate.psi.is_finite() && candidate.u.iter().all(|u| u.is_finite());
            // Armijo condition on ψ, with slack for rounding once ψ no longer changes measurably. Close to
            // the solution ψ changes by less than its own rounding error, so a step that shrinks the misfit
            // (the gradient of ψ) is taken too once every margin is within 1e-6: otherwise the search halves the step until it stalls a hair
            // short of the tolerance (seen with logit bounds 2% outside the raking factors).
            let slack = 1e-13 * state.psi.abs().max(1.0);
            let descends = candidate.psi <= state.psi - 1e-4 * t * slope + slack;
            let endgame = gap.value < 1e-6;
            let shrinks = endgame && norm_inf(&candidate.misfit) <= (1.0 - 1e-4 * t) * norm_inf(&state.misfit);
            if finite && (descends || shrinks) {
                next = Some(candidate);
                break;
            }
            t /= 2.0;
        }
        match next {
            Some(s) => state = s,
            None => break, // no descent possible: the caller reports the remaining gap
        }
        gap = max_gap(table, &factors(&state), margins);
    }
    Fit {
        g: factors(&state),
        iterations,
        gap,
    }
}

fn norm_inf(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// Δη solving T Δη = misfit, T = Σ_k D_k F'(u_k) x_k x_k'.
fn newton_step(design: &Design, table: &Table, active: &[Vec<usize>], state: &State, dist: Distance) -> Vec<f64> {
    let p = design.p;
    let mut t = vec![0.0; p * p];
    for (k, cols) in active.iter().enumerate() {
        let h = table.base[k] * dist.df(state.u[k]);
        if h == 0.0 {
            continue;
        }
        for &a in cols {
            for &b in cols {
                t[a * p + b] += h;
            }
        }
    }
    solve_psd(&mut t, &state.misfit, p)
}

/// Solves A x = b for a symmetric positive semi-definite A (row-major, p × p) by a pivoted LDLᵀ
/// decomposition; directions with a pivot below 1e-13 of the largest diagonal (a singular A, e.g. a category
/// whose cells are all at a bound) get 0, which gives a generalised-inverse solution like R's `ginv`.
pub(crate) fn solve_psd(a: &mut [f64], b: &[f64], p: usize) -> Vec<f64> {
    let max_diag = (0..p).map(|i| a[i * p + i].abs()).fold(0.0, f64::max);
    let threshold = 1e-13 * max_diag.max(f64::MIN_POSITIVE);
    let mut x = b.to_vec();
    let mut usable = vec![true; p];
    // Gaussian elimination without row exchanges is stable for a PSD matrix; skipped pivots are singular.
    for i in 0..p {
        let pivot = a[i * p + i];
        if pivot <= threshold {
            usable[i] = false;
            continue;
        }
        for r in (i + 1)..p {
            let factor = a[r * p + i] / pivot;
            if factor == 0.0 {
                continue;
            }
            for c in i..p {
                a[r * p + c] -= factor * a[i * p + c];
            }
            x[r] -= factor * x[i];
        }
    }
    for i in (0..p).rev() {
        if !usable[i] {
            x[i] = 0.0;
            continue;
        }
        let s: f64 = ((i + 1)..p).map(|c| a[i * p + c] * x[c]).sum();
        x[i] = (x[i] - s) / a[i * p + i];
    }
    x
}
