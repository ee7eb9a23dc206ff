//! Design-based generalised linear models: R `svyglm(y ~ x, design, family = gaussian())` (linear) and
//! `family = quasibinomial()` (logistic). Reference values: `tests/reference/regression/`.
//!
//! **Point estimates** solve the weighted score equations `Σ_i w_i x_i (y_i − μ_i) = 0` by iteratively
//! reweighted least squares (McCullagh & Nelder 1989, §2.5): working weights `w_i μ_i(1 − μ_i)` and working
//! response `η_i + (y_i − μ_i)/(μ_i(1 − μ_i))` for the logit link, one weighted least-squares solve for the
//! identity link. Each solve is a Householder QR of `√w·X`, as R's `glm.fit` does (no normal equations).
//!
//! **Variance** is the sandwich `A⁻¹ V A⁻¹` (Binder 1983; Lumley 2010, §5.2): `A = Σ w_i v_i x_i x_iᵀ` the
//! weighted information (`v_i = 1` linear, `μ_i(1 − μ_i)` logistic) and `V` the design covariance of the
//! total of the scores `w_i x_i (y_i − μ_i)`, estimated with strata, PSUs, fpc and calibration residuals as
//! every other estimate ([`super::influence`]); R `survey:::svy.varcoef`, `svyrecvar(estfun %*% Ainv, …)`.
//! Cases outside the model (missing values, outside a domain) keep their place in the design with zero
//! scores, as R's `design[-nas, ]` keeps each stratum's PSU count.
//!
//! **Degrees of freedom** are R's `degf(design) + 1 − p` over the cases used (`svyglm`'s `df.residual`);
//! t tests and intervals use them. A model with `p` larger than PSUs − strata has none and is refused.
//! Odds ratios' intervals are `exp(b ± t_{df}·se)`.

use serde::Serialize;

use super::design::PreparedDesign;
use super::dist::{p_two_sided_t, qt};
use super::influence::{domain_df, total_covariance};

/// The model's family and link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Gaussian, identity link (`gaussian()`).
    Linear,
    /// Binomial variance, logit link (`quasibinomial()`): outcome 0/1.
    Logistic,
}

/// Why a model cannot be estimated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GlmError {
    #[error("no respondent has the outcome and every predictor")]
    NoCases,
    #[error("the outcome has the same value for every case used, so nothing can explain it")]
    ConstantOutcome,
    #[error("a logistic model needs a 0/1 outcome, but case {index} has {value}")]
    NotBinary { index: usize, value: f64 },
    #[error("column {column} of the model is a linear combination of the columns before it (for example a variable entered twice, or a category no case has)")]
    Collinear { column: usize },
    #[error("the model has {parameters} parameters but the design has only {df} degrees of freedom (PSUs − strata among the cases used): use fewer predictors or categories")]
    TooManyParameters { parameters: usize, df: f64 },
    #[error("the outcome is perfectly separated by the predictors (some fitted probabilities are 0 or 1), so the coefficients are infinite")]
    Separated,
    #[error("the model did not converge in {0} iterations")]
    NotConverged(usize),
    #[error("the design variance cannot be estimated: a stratum has a single PSU")]
    LonelyPsu,
    #[error("{0}")]
    Input(String),
}

/// A fitted model.
#[derive(Debug, Clone, Serialize)]
pub struct GlmFit {
    pub family: Family,
    pub coefficients: Vec<Coefficient>,
    /// Design covariance of the coefficients (`p × p`, row-major).
    pub covariance: Vec<f64>,
    /// Residual degrees of freedom (R `df.residual` of `svyglm`).
    pub df: f64,
    /// Cases used (outcome and every predictor present, positive weight).
    pub n: usize,
    pub iterations: usize,
}

/// One coefficient with its design-based test.
#[derive(Debug, Clone, Serialize)]
pub struct Coefficient {
    pub estimate: f64,
    pub se: f64,
    pub t: f64,
    pub p_value: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// `exp(estimate)` and its interval, for logistic models.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub odds_ratio: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub or_ci_low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub or_ci_high: Option<f64>,
}

/// The data of a model over all respondents of `prep`: `y[i] = None` marks a non-case; `x` has `p` values
/// per respondent (row-major), the intercept column included by the caller.
pub struct GlmData<'a> {
    pub y: &'a [Option<f64>],
    pub x: &'a [f64],
    pub p: usize,
}

const MAX_ITER: usize = 100;

/// Fits `family` to `data` over the design `prep` at confidence `level`.
pub fn svyglm(prep: &PreparedDesign, data: &GlmData<'_>, family: Family, level: f64) -> Result<GlmFit, GlmError> {
    let n = prep.len();
    let p = data.p;
    if data.y.len() != n || data.x.len() != n * p {
        return Err(GlmError::Input(format!(
            "the model has {} outcomes and {} predictor values for {n} respondents and {p} columns",
            data.y.len(),
            data.x.len()
        )));
    }
    let w = prep.weights();
    let cases: Vec<usize> = (0..n).filter(|&i| data.y[i].is_some() && w[i] > 0.0).collect();
    if cases.is_empty() {
        return Err(GlmError::NoCases);
    }
    let y: Vec<f64> = cases.iter().map(|&i| data.y[i].unwrap_or(0.0)).collect();
    if let Some(bad) = data.x.iter().position(|v| !v.is_finite()) {
        return Err(GlmError::Input(format!(
            "respondent {} has a predictor that is not a number",
            bad / p
        )));
    }
    if family == Family::Logistic {
        if let Some(k) = y.iter().position(|v| *v != 0.0 && *v != 1.0) {
            return Err(GlmError::NotBinary {
                index: cases[k],
                value: y[k],
            });
        }
    }
    if y.iter().all(|v| *v == y[0]) {
        return Err(GlmError::ConstantOutcome);
    }
    let mut inside = vec![false; n];
    cases.iter().for_each(|&i| inside[i] = true);
    let df = domain_df(prep, &inside) + 1.0 - p as f64;
    if df < 1.0 {
        return Err(GlmError::TooManyParameters {
            parameters: p,
            df: df + p as f64 - 1.0,
        });
    }
    let x: Vec<f64> = cases
        .iter()
        .flat_map(|&i| data.x[i * p..(i + 1) * p].iter().copied())
        .collect();
    let wc: Vec<f64> = cases.iter().map(|&i| w[i]).collect();
    let (beta, mu, qr, iterations) = irls(&x, &y, &wc, p, family)?;
    // scores u_i = A⁻¹ x_i (y_i − μ_i) per respondent (zero outside the cases)
    let ainv = qr.inverse_gram();
    let mut u = vec![0.0; n * p];
    for (k, &i) in cases.iter().enumerate() {
        let r = y[k] - mu[k];
        let xi = &x[k * p..(k + 1) * p];
        for a in 0..p {
            u[i * p + a] = (0..p).map(|b| ainv[a * p + b] * xi[b]).sum::<f64>() * r;
        }
    }
    let covariance = total_covariance(prep, &u, p).ok_or(GlmError::LonelyPsu)?;
    let tq = qt(1.0 - (1.0 - level) / 2.0, df);
    let coefficients = (0..p)
        .map(|j| {
            let b = beta[j];
            let se = covariance[j * p + j].max(0.0).sqrt();
            let t = b / se;
            let (lo, hi) = (b - tq * se, b + tq * se);
            let logistic = family == Family::Logistic;
            Coefficient {
                estimate: b,
                se,
                t,
                p_value: p_two_sided_t(t, df),
                ci_low: lo,
                ci_high: hi,
                odds_ratio: logistic.then(|| b.exp()),
                or_ci_low: logistic.then(|| lo.exp()),
                or_ci_high: logistic.then(|| hi.exp()),
            }
        })
        .collect();
    Ok(GlmFit {
        family,
        coefficients,
        covariance,
        df,
        n: cases.len(),
        iterations,
    })
}

/// Wald test that the coefficients `columns` are all zero, R `regTermTest(model, ~term, method = "Wald")`:
/// `F = bᵀ V⁻¹ b / q` with `V` their design covariance, on `q` and the model's residual degrees of freedom.
/// For a factor in a one-way model this is the design-based F test of equal means across its categories.
#[derive(Debug, Clone, Serialize)]
pub struct WaldTest {
    pub f: f64,
    pub ndf: f64,
    pub ddf: f64,
    pub p_value: f64,
}

impl GlmFit {
    /// [`WaldTest`] of the coefficients at `columns`; `None` when their covariance is singular.
    pub fn wald_test(&self, columns: &[usize]) -> Option<WaldTest> {
        let p = self.coefficients.len();
        let q = columns.len();
        if q == 0 || columns.iter().any(|&c| c >= p) {
            return None;
        }
        let v: Vec<f64> = columns
            .iter()
            .flat_map(|&a| columns.iter().map(move |&b| self.covariance[a * p + b]))
            .collect();
        let b: Vec<f64> = columns.iter().map(|&c| self.coefficients[c].estimate).collect();
        let chol = super::linalg::Cholesky::new(&v, q);
        let x = chol.solve(&b);
        // a dropped (dependent) direction leaves x at 0 there: check V x = b to refuse a singular V
        for a in 0..q {
            let vx: f64 = (0..q).map(|k| v[a * q + k] * x[k]).sum();
            if (vx - b[a]).abs() > 1e-8 * b[a].abs().max(1e-300) {
                return None;
            }
        }
        let f = b.iter().zip(&x).map(|(b, x)| b * x).sum::<f64>() / q as f64;
        Some(WaldTest {
            f,
            ndf: q as f64,
            ddf: self.df,
            p_value: super::dist::pf_upper(f, q as f64, self.df),
        })
    }
}

type Irls = (Vec<f64>, Vec<f64>, Qr, usize);

/// Iteratively reweighted least squares; returns coefficients, fitted means, the last QR and iterations.
fn irls(x: &[f64], y: &[f64], w: &[f64], p: usize, family: Family) -> Result<Irls, GlmError> {
    let m = y.len();
    let mut eta = vec![0.0; m];
    let mut beta = vec![0.0; p];
    let mut dev_old = f64::INFINITY;
    for iter in 1..=MAX_ITER {
        let (ww, z): (Vec<f64>, Vec<f64>) = match family {
            Family::Linear => (w.to_vec(), y.to_vec()),
            Family::Logistic => (0..m)
                .map(|k| {
                    let mu = logistic(eta[k]);
                    let v = mu * (1.0 - mu);
                    (w[k] * v, eta[k] + (y[k] - mu) / v)
                })
                .unzip(),
        };
        let qr = Qr::weighted(x, &ww, m, p)?;
        beta = qr.solve(&z, &ww);
        for k in 0..m {
            eta[k] = x[k * p..(k + 1) * p].iter().zip(&beta).map(|(a, b)| a * b).sum();
        }
        let mu: Vec<f64> = match family {
            Family::Linear => eta.clone(),
            Family::Logistic => eta.iter().map(|e| logistic(*e)).collect(),
        };
        if family == Family::Linear {
            return Ok((beta, mu, qr, iter));
        }
        let dev = deviance(y, &mu, w);
        if (dev - dev_old).abs() <= 1e-14 * (dev.abs() + 0.1) {
            if mu.iter().any(|m| *m < 1e-10 || *m > 1.0 - 1e-10) {
                return Err(GlmError::Separated);
            }
            let qr = Qr::weighted(
                x,
                &mu.iter().zip(w).map(|(m, w)| w * m * (1.0 - m)).collect::<Vec<_>>(),
                m,
                p,
            )?;
            return Ok((beta, mu, qr, iter));
        }
        dev_old = dev;
    }
    // Under separation the deviance creeps towards 0 while some linear predictors run off to ±∞.
    let separated = eta
        .iter()
        .map(|e| logistic(*e))
        .any(|m| !(1e-6..=1.0 - 1e-6).contains(&m));
    Err(if separated {
        GlmError::Separated
    } else {
        GlmError::NotConverged(MAX_ITER)
    })
}

fn logistic(eta: f64) -> f64 {
    1.0 / (1.0 + (-eta).exp())
}

/// Binomial deviance `−2 Σ w [y ln μ + (1 − y) ln(1 − μ)]` (y is 0/1).
fn deviance(y: &[f64], mu: &[f64], w: &[f64]) -> f64 {
    -2.0 * y
        .iter()
        .zip(mu)
        .zip(w)
        .map(|((y, m), w)| w * if *y > 0.5 { m.ln() } else { (1.0 - m).ln() })
        .sum::<f64>()
}

/// Householder QR of `√w·X` (`m × p`): `R` (upper triangle) and the reflectors to apply `Qᵀ`.
struct Qr {
    m: usize,
    p: usize,
    /// Column-major `m × p`: R on and above the diagonal, reflector vectors below (with `beta`).
    a: Vec<f64>,
    v0: Vec<f64>,
    tau: Vec<f64>,
}

// Householder reflections and triangular solves read clearest with explicit indices.
#[allow(clippy::needless_range_loop)]
impl Qr {
    fn weighted(x: &[f64], w: &[f64], m: usize, p: usize) -> Result<Qr, GlmError> {
        let mut a = vec![0.0; m * p];
        for k in 0..m {
            let s = w[k].sqrt();
            for j in 0..p {
                a[j * m + k] = s * x[k * p + j];
            }
        }
        let norms: Vec<f64> = (0..p)
            .map(|j| a[j * m..(j + 1) * m].iter().map(|v| v * v).sum::<f64>().sqrt())
            .collect();
        let mut v0 = vec![0.0; p];
        let mut tau = vec![0.0; p];
        for j in 0..p {
            let col = &a[j * m + j..(j + 1) * m];
            let alpha = col.iter().map(|v| v * v).sum::<f64>().sqrt();
            // R's qr() tolerance: a column whose remaining norm is below 1e-7 of its own norm is dependent.
            if alpha <= 1e-7 * norms[j] || norms[j] == 0.0 {
                return Err(GlmError::Collinear { column: j });
            }
            let x0 = a[j * m + j];
            let r = if x0 > 0.0 { -alpha } else { alpha };
            // v = x − r e1, H = I − 2vvᵀ/(vᵀv)
            let v0j = x0 - r;
            let vtv = v0j * v0j + col[1..].iter().map(|v| v * v).sum::<f64>();
            v0[j] = v0j;
            tau[j] = 2.0 / vtv;
            a[j * m + j] = r;
            for c in (j + 1)..p {
                let dot = v0j * a[c * m + j] + (j + 1..m).map(|k| a[j * m + k] * a[c * m + k]).sum::<f64>();
                let s = tau[j] * dot;
                a[c * m + j] -= s * v0j;
                for k in (j + 1)..m {
                    a[c * m + k] -= s * a[j * m + k];
                }
            }
        }
        Ok(Qr { m, p, a, v0, tau })
    }

    /// Least-squares solution of `√w·X b = √w·z`.
    fn solve(&self, z: &[f64], w: &[f64]) -> Vec<f64> {
        let (m, p) = (self.m, self.p);
        let mut b: Vec<f64> = z.iter().zip(w).map(|(z, w)| z * w.sqrt()).collect();
        for j in 0..p {
            let dot = self.v0[j] * b[j] + (j + 1..m).map(|k| self.a[j * m + k] * b[k]).sum::<f64>();
            let s = self.tau[j] * dot;
            b[j] -= s * self.v0[j];
            for k in (j + 1)..m {
                b[k] -= s * self.a[j * m + k];
            }
        }
        let mut beta = vec![0.0; p];
        for j in (0..p).rev() {
            let s: f64 = ((j + 1)..p).map(|c| self.a[c * m + j] * beta[c]).sum();
            beta[j] = (b[j] - s) / self.a[j * m + j];
        }
        beta
    }

    /// `(XᵀWX)⁻¹ = R⁻¹R⁻ᵀ` (`p × p`, row-major).
    fn inverse_gram(&self) -> Vec<f64> {
        let (m, p) = (self.m, self.p);
        let r = |i: usize, j: usize| self.a[j * m + i];
        // Rinv upper triangular
        let mut rinv = vec![0.0; p * p];
        for j in 0..p {
            rinv[j * p + j] = 1.0 / r(j, j);
            for i in (0..j).rev() {
                let s: f64 = ((i + 1)..=j).map(|k| r(i, k) * rinv[k * p + j]).sum();
                rinv[i * p + j] = -s / r(i, i);
            }
        }
        let mut out = vec![0.0; p * p];
        for a in 0..p {
            for b in 0..p {
                out[a * p + b] = (a.max(b)..p).map(|k| rinv[a * p + k] * rinv[b * p + k]).sum();
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Design;

    fn prep(n: usize) -> PreparedDesign {
        Design::weighted(vec![1.0; n]).prepare().unwrap()
    }

    #[test]
    fn unweighted_linear_model_is_ordinary_least_squares() {
        // y = 1 + 2x exactly plus symmetric noise: OLS gives slope 2, intercept 1.
        let xs = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let noise = [0.1, -0.1, 0.0, 0.0, -0.1, 0.1];
        let y: Vec<Option<f64>> = xs.iter().zip(noise).map(|(x, e)| Some(1.0 + 2.0 * x + e)).collect();
        let x: Vec<f64> = xs.iter().flat_map(|x| [1.0, *x]).collect();
        let fit = svyglm(&prep(6), &GlmData { y: &y, x: &x, p: 2 }, Family::Linear, 0.95).unwrap();
        assert!((fit.coefficients[1].estimate - 2.0).abs() < 1e-12, "{fit:?}");
        assert!((fit.coefficients[0].estimate - 1.0).abs() < 1e-12);
        assert_eq!(fit.n, 6);
        assert_eq!(fit.df, 4.0, "n − 1 + 1 − p");
    }

    #[test]
    fn degenerate_models_are_refused_with_their_reason() {
        let x: Vec<f64> = (0..6).flat_map(|k| [1.0, k as f64, k as f64]).collect();
        let y: Vec<Option<f64>> = (0..6).map(|k| Some(k as f64 % 2.0)).collect();
        let d = GlmData { y: &y, x: &x, p: 3 };
        assert_eq!(
            svyglm(&prep(6), &d, Family::Linear, 0.95).unwrap_err(),
            GlmError::Collinear { column: 2 },
            "a variable against itself"
        );
        let constant = vec![Some(3.0); 6];
        let x2: Vec<f64> = (0..6).flat_map(|k| [1.0, k as f64]).collect();
        let d = GlmData {
            y: &constant,
            x: &x2,
            p: 2,
        };
        assert_eq!(
            svyglm(&prep(6), &d, Family::Linear, 0.95).unwrap_err(),
            GlmError::ConstantOutcome
        );
        let none = vec![None; 6];
        let d = GlmData { y: &none, x: &x2, p: 2 };
        assert_eq!(
            svyglm(&prep(6), &d, Family::Linear, 0.95).unwrap_err(),
            GlmError::NoCases
        );
        // separated: y = 1 exactly when x > 2.5
        let sep: Vec<Option<f64>> = (0..6).map(|k| Some(f64::from(k > 2))).collect();
        let d = GlmData { y: &sep, x: &x2, p: 2 };
        assert_eq!(
            svyglm(&prep(6), &d, Family::Logistic, 0.95).unwrap_err(),
            GlmError::Separated
        );
        // six parameters on six respondents: no degrees of freedom left
        let wide: Vec<f64> = (0..6)
            .flat_map(|k| (0..6).map(move |j| f64::from(j == 0 || j == k)))
            .collect();
        let dw = GlmData { y: &y, x: &wide, p: 6 };
        assert_eq!(
            svyglm(&prep(6), &dw, Family::Linear, 0.95).unwrap_err(),
            GlmError::TooManyParameters { parameters: 6, df: 5.0 }
        );
        let d = GlmData { y: &y, x: &x2, p: 2 };
        let small = prep(6);
        assert!(svyglm(&small, &d, Family::Logistic, 0.95).is_ok());
    }

    #[test]
    fn a_stratum_with_one_psu_makes_the_variance_inestimable() {
        let design = Design {
            weights: vec![1.0; 5],
            strata: Some(vec![0, 0, 0, 0, 1]),
            ..Design::default()
        };
        let prep = design.prepare().unwrap();
        let y: Vec<Option<f64>> = [1.0, 2.0, 4.0, 3.0, 5.0].into_iter().map(Some).collect();
        let x: Vec<f64> = (0..5).flat_map(|k| [1.0, k as f64]).collect();
        let d = GlmData { y: &y, x: &x, p: 2 };
        assert_eq!(
            svyglm(&prep, &d, Family::Linear, 0.95).unwrap_err(),
            GlmError::LonelyPsu
        );
    }

    #[test]
    fn wald_test_of_one_coefficient_is_the_squared_t() {
        let xs = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
        let y: Vec<Option<f64>> = xs.iter().map(|x| Some(1.0 + 0.5 * x + (x * 7.0_f64).sin())).collect();
        let x: Vec<f64> = xs.iter().flat_map(|x| [1.0, *x]).collect();
        let fit = svyglm(&prep(8), &GlmData { y: &y, x: &x, p: 2 }, Family::Linear, 0.95).unwrap();
        let w = fit.wald_test(&[1]).unwrap();
        let t = fit.coefficients[1].t;
        assert!((w.f - t * t).abs() < 1e-9 * w.f);
        assert!((w.p_value - fit.coefficients[1].p_value).abs() < 1e-9);
    }
}
