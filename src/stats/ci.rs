//! Confidence intervals for proportions (R `svyciprop`) and the helpers shared by all estimates.

use serde::{Deserialize, Serialize};

use super::dist::{qbeta, qnorm, qt};

/// How to compute a proportion's confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CiMethod {
    /// R `svyciprop(method = "logit")` (default): a Wald interval on the logit scale,
    /// `expit(logit p̂ ± t_{df, 1−α/2} · SE(p̂)/(p̂(1 − p̂)))`, `df = degf` of the domain. This is what
    /// `svyglm(y ~ 1, family = quasibinomial)` + `confint(ddf = df)` computes.
    #[default]
    Logit,
    /// Korn–Graubard, R `svyciprop(method = "beta")`: Clopper–Pearson with the effective sample size
    /// `n* = p̂(1 − p̂)/Var(p̂) · (t_{nrow−1, α/2} / t_{df, α/2})²`:
    /// `[qbeta(α/2, n*p̂, n*(1 − p̂) + 1), qbeta(1 − α/2, n*p̂ + 1, n*(1 − p̂))]`. `nrow` is R's
    /// `nrow(design)` of the domain: all respondents for calibrated designs (R keeps their rows with zero
    /// weight), the domain's respondents otherwise.
    Beta,
    /// Wilson score interval on the effective sample size `n* = p̂(1 − p̂)/Var(p̂)` with the normal
    /// quantile `z`: `(p̂ + z²/2n* ± z·√(p̂(1−p̂)/n* + z²/4n*²)) / (1 + z²/n*)` (not in `survey`; the R
    /// script computes it by this formula).
    Wilson,
}

/// Inputs of a proportion interval.
pub(crate) struct PropCi {
    pub p: f64,
    pub var: Option<f64>,
    pub df: f64,
    /// R's `nrow(design)` for the Korn–Graubard df adjustment.
    pub nrow: f64,
    /// Kish effective sample size of the domain, used when `Var(p̂)` says nothing (p̂ = 0 or 1).
    pub kish_n: f64,
    pub level: f64,
}

/// `(low, high)`; `None` when it cannot be computed (no variance, `df ≤ 0`, empty domain).
///
/// When `Var(p̂) = 0` for 0 < p̂ < 1 the share is fixed by the design and the interval is `[p̂, p̂]`.
/// At p̂ = 0 or 1 the logit and the design-based effective sample size are
/// undefined, and R returns NaN. To keep an interval for "nobody chose this option" every method then uses
/// Kish's effective sample size of the domain `ñ` (= n with equal weights): Clopper–Pearson
/// `[0, 1 − (α/2)^{1/ñ}]` for logit and beta, the Wilson interval on `ñ` for Wilson.
pub(crate) fn proportion_ci(method: CiMethod, c: &PropCi) -> Option<(f64, f64)> {
    let alpha = 1.0 - c.level;
    let var = c.var?;
    if c.df.is_nan() || c.df <= 0.0 || c.kish_n.is_nan() || c.kish_n <= 0.0 {
        return None;
    }
    if c.p > 0.0 && c.p < 1.0 && var == 0.0 {
        // A share fixed by the design (stratification variable, calibrated margin): R's logit interval is
        // [p̂, p̂]; its beta interval degenerates to [0.5, 0.5], which is not followed.
        return Some((c.p, c.p));
    }
    let interior = c.p > 0.0 && c.p < 1.0;
    match method {
        CiMethod::Logit if interior => {
            let t = qt(1.0 - alpha / 2.0, c.df);
            let se_logit = var.sqrt() / (c.p * (1.0 - c.p));
            let l = (c.p / (1.0 - c.p)).ln();
            finite_pair(expit(l - t * se_logit), expit(l + t * se_logit))
        }
        CiMethod::Beta if interior => {
            if c.nrow.is_nan() || c.nrow <= 1.0 {
                return None;
            }
            let ratio = qt(alpha / 2.0, c.nrow - 1.0) / qt(alpha / 2.0, c.df);
            let n_eff = c.p * (1.0 - c.p) / var * ratio * ratio;
            clopper_pearson(c.p, n_eff, alpha)
        }
        CiMethod::Wilson if interior => wilson(c.p, c.p * (1.0 - c.p) / var, alpha),
        CiMethod::Wilson => wilson(c.p, c.kish_n, alpha),
        CiMethod::Logit | CiMethod::Beta => clopper_pearson(c.p, c.kish_n, alpha),
    }
}

fn expit(x: f64) -> f64 {
    1.0 - 1.0 / (1.0 + x.exp())
}

fn clopper_pearson(p: f64, n: f64, alpha: f64) -> Option<(f64, f64)> {
    let low = if p <= 0.0 {
        0.0
    } else {
        qbeta(alpha / 2.0, n * p, n * (1.0 - p) + 1.0)
    };
    let high = if p >= 1.0 {
        1.0
    } else {
        qbeta(1.0 - alpha / 2.0, n * p + 1.0, n * (1.0 - p))
    };
    finite_pair(low, high)
}

fn wilson(p: f64, n: f64, alpha: f64) -> Option<(f64, f64)> {
    let z = qnorm(1.0 - alpha / 2.0);
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    finite_pair((centre - half).max(0.0), (centre + half).min(1.0))
}

pub(crate) fn finite_pair(a: f64, b: f64) -> Option<(f64, f64)> {
    (a.is_finite() && b.is_finite()).then_some((a, b))
}

/// `Some(x)` when finite.
pub(crate) fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// `√v` for a finite non-negative variance (tiny negative rounding is clamped to 0).
pub(crate) fn sqrt_var(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite()).map(|v| v.max(0.0).sqrt())
}

/// Validates a confidence level.
pub(crate) fn check_level(level: f64) -> Result<(), super::StatsError> {
    if level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(super::StatsError::BadLevel(level))
    }
}
