//! Means and totals of numeric variables (numbers, scales without "hard to say").
//!
//! - mean `ȳ = Σ_D w y / Σ_D w` over those who answered (`D`), R `svymean(~y, subset(design, !is.na(y)))`;
//! - SE by linearisation, `z_i = 1[i ∈ D](y_i − ȳ)/W` (domain estimation, residuals of the calibration
//!   model as in [`super::variance`]); `se_fixed` ignores calibration;
//! - CI `ȳ ± z_{1−α/2}·SE` with the **normal** quantile, as R's `confint(svymean(…))` (`df = Inf`); the
//!   domain's degrees of freedom are reported in `df` for callers that prefer `t`;
//! - `deff` as `svymean(deff = TRUE)`: `Var(ȳ) / (s²·n/(n−1)·(Ŵ − n)/(Ŵ n))`, `s²` the weighted variance;
//! - `total = Σ_D w y` with its SE, R `svytotal(~y, design, na.rm = TRUE)`.

use serde::Serialize;

use super::ci::{check_level, finite, sqrt_var};
use super::design::PreparedDesign;
use super::dist::qnorm;
use super::proportion::{check_column, deff_from_unit_variance, domain_info};
use super::variance::{variance, GroupTable, Linear};
use super::StatsError;

/// Estimated mean of a numeric variable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeanEstimate {
    pub suppressed: bool,
    /// Respondents who answered.
    pub n: Option<u64>,
    pub mean: Option<f64>,
    pub se: Option<f64>,
    pub se_fixed: Option<f64>,
    /// Normal-quantile interval (R `confint(svymean)`).
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Degrees of freedom of the domain (R `degf`), for information.
    pub df: Option<f64>,
    pub deff: Option<f64>,
    /// Kish effective sample size of those who answered.
    pub effective_n: Option<f64>,
    pub total: Option<f64>,
    pub total_se: Option<f64>,
}

impl MeanEstimate {
    /// Removes every number when fewer than `min_cell` respondents answered.
    pub fn suppress_small(&mut self, min_cell: u64) {
        if self.n.is_some_and(|n| n < min_cell) {
            *self = MeanEstimate {
                suppressed: true,
                ..MeanEstimate::empty()
            };
        }
    }

    fn empty() -> MeanEstimate {
        MeanEstimate {
            suppressed: false,
            n: None,
            mean: None,
            se: None,
            se_fixed: None,
            ci_low: None,
            ci_high: None,
            df: None,
            deff: None,
            effective_n: None,
            total: None,
            total_se: None,
        }
    }
}

/// Mean of `y` (`None` = not answered / excluded) with SE, normal CI at `level`, deff and total.
pub fn mean(prep: &PreparedDesign, y: &[Option<f64>], level: f64) -> Result<MeanEstimate, StatsError> {
    let t = numeric_table(prep, y, level)?;
    Ok(mean_from_table(prep, &t, level))
}

/// Validates `y` and collects its sums (groups 0 = not answered, 1 = answered).
pub(crate) fn numeric_table(prep: &PreparedDesign, y: &[Option<f64>], level: f64) -> Result<GroupTable, StatsError> {
    check_level(level)?;
    check_column(prep, y.len(), "numeric variable")?;
    if let Some(index) = y.iter().position(|v| v.is_some_and(|v| !v.is_finite())) {
        return Err(StatsError::NotFinite { index });
    }
    Ok(GroupTable::build_numeric(prep, y))
}

/// The mean over group 1 of a numeric table (moments of `y − shift`).
pub(crate) fn mean_from_table(prep: &PreparedDesign, t: &GroupTable, level: f64) -> MeanEstimate {
    let in_dom = |g: usize| g == 1;
    let dom = domain_info(prep, t, &in_dom);
    let mut out = MeanEstimate::empty();
    out.n = Some(dom.n);
    let Some(moments) = t.y.as_ref() else {
        return out;
    };
    let shift = moments.shift;
    let wy = t.sum(&moments.t1y, in_dom); // Σ w (y − shift)
    let wyy = t.sum(&moments.t1yy, in_dom);
    // total Σ w y = Σ w (y − shift) + shift·W; influence y = (y − shift) + shift in the domain
    out.total = Some(wy + shift * dom.w);
    let total_lin = Linear {
        alpha: &[0.0, shift],
        beta: Some(&[0.0, 1.0]),
    };
    out.total_se = sqrt_var(variance(prep, t, &total_lin, true));
    if dom.n == 0 || dom.w <= 0.0 {
        return out;
    }
    let dm = wy / dom.w; // mean − shift
    let m = shift + dm;
    let alpha = [0.0, -dm / dom.w];
    let beta = [0.0, 1.0 / dom.w];
    let lin = Linear {
        alpha: &alpha,
        beta: Some(&beta),
    };
    let var = variance(prep, t, &lin, true);
    out.mean = Some(m);
    out.se = sqrt_var(var);
    out.se_fixed = sqrt_var(variance(prep, t, &lin, false));
    let z = qnorm(1.0 - (1.0 - level) / 2.0);
    out.ci_low = out.se.map(|s| m - z * s);
    out.ci_high = out.se.map(|s| m + z * s);
    out.df = Some(dom.df);
    out.effective_n = dom.kish.effective_n;
    // weighted population variance of the domain: Σw(y − ȳ)²/W
    let s2 = finite(((wyy - dm * wy) / dom.w).max(0.0));
    out.deff = s2.and_then(|s2| deff_from_unit_variance(s2, var, &dom));
    out
}
