//! The Fay–Herriot area-level model for small areas (districts with thin samples).
//!
//! Model (Fay & Herriot 1979; Rao & Molina 2015, *Small Area Estimation*, ch. 6): for area `i`,
//! the direct estimate `θ̂ᵢ = xᵢ'β + uᵢ + eᵢ` with area effects `uᵢ ~ N(0, σ²ᵤ)` and sampling errors
//! `eᵢ ~ N(0, ψᵢ)`, the `ψᵢ` (squared SEs of the direct estimates) treated as known. With
//! `Vᵢ = σ²ᵤ + ψᵢ`:
//!
//! - `β̂ = (Σ xᵢxᵢ'/Vᵢ)⁻¹ Σ xᵢθ̂ᵢ/Vᵢ` (weighted least squares);
//! - `σ²ᵤ` by REML, Fisher scoring (Rao & Molina eq. 6.1.23): score `s = −½ tr(P) + ½ θ̂'PPθ̂`,
//!   information `I = ½ tr(PP)`, `P = V⁻¹ − V⁻¹X(X'V⁻¹X)⁻¹X'V⁻¹`, step `σ² ← σ² + s/I`;
//! - shrinkage `γᵢ = σ²ᵤ/(σ²ᵤ + ψᵢ)` and EBLUP `θ̃ᵢ = γᵢθ̂ᵢ + (1 − γᵢ)xᵢ'β̂`;
//! - MSE by Prasad–Rao with the REML correction (Datta & Lahiri 2000): `mse = g₁ + g₂ + 2g₃`,
//!   `g₁ = γᵢψᵢ`, `g₂ = (1 − γᵢ)² xᵢ'(X'V⁻¹X)⁻¹xᵢ`, `g₃ = ψᵢ²/Vᵢ³ · 2/Σⱼ Vⱼ⁻²`;
//! - an area with no sample gets the synthetic (regression) estimate `xᵢ'β̂` with
//!   `mse = σ²ᵤ + xᵢ'(X'V⁻¹X)⁻¹xᵢ` (Rao & Molina §6.2.3).
//!
//! The model is not fitted — and the reason returned instead of numbers — when there are not more sampled
//! areas than covariates, when the covariates are collinear, or when the REML estimate of `σ²ᵤ` is at the
//! boundary 0 (the data show no area variation beyond the covariates: every estimate would be the
//! regression line, and the MSE approximation, which assumes an interior estimate, does not hold there).
//!
//! Reference values: `tests/reference/fay_herriot/` (Python `samplics` `EblupAreaModel`, REML).

use serde::Serialize;

/// One area: its covariates and, when it was sampled, its direct estimate and sampling variance.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// Covariate row `xᵢ` (include a 1 for the intercept).
    pub x: Vec<f64>,
    /// `(θ̂ᵢ, ψᵢ)`: the direct estimate and its sampling variance (SE²); `None` for an area without sample.
    pub direct: Option<(f64, f64)>,
}

/// Settings of the REML iteration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    /// Stop when the step in `σ²ᵤ` is below `tolerance · max(1, σ²ᵤ)`.
    pub tolerance: f64,
    pub max_iterations: usize,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            tolerance: 1e-12,
            max_iterations: 200,
        }
    }
}

/// How an area's model estimate was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EstimateKind {
    /// Sampled area: the direct estimate shrunk towards the regression.
    Eblup,
    /// Area without sample: the regression (synthetic) estimate alone.
    Synthetic,
}

/// The model estimate of one area.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AreaEstimate {
    pub kind: EstimateKind,
    pub estimate: f64,
    pub mse: f64,
    /// Shrinkage weight `γᵢ` of the direct estimate (`None` for a synthetic estimate).
    pub gamma: Option<f64>,
    /// The regression part `xᵢ'β̂`.
    pub synthetic: f64,
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// REML estimate of the variance of the area effects.
    pub sigma2_u: f64,
    pub beta: Vec<f64>,
    pub iterations: usize,
    /// One per input area, in the input order.
    pub areas: Vec<AreaEstimate>,
}

/// Why the model could not be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NotEstimable {
    #[error("area {area} has {got} covariates but the first area has {expected}")]
    CovariateLength { area: usize, got: usize, expected: usize },
    #[error("area {area}: a value is not a finite number")]
    NotFinite { area: usize },
    #[error("area {area}: the sampling variance must be positive (a direct estimate with SE 0 cannot be modelled)")]
    BadSamplingVariance { area: usize },
    #[error("{sampled} sampled areas for {covariates} covariates: the model needs more sampled areas than covariates")]
    TooFewAreas { sampled: usize, covariates: usize },
    #[error("the covariates of the sampled areas are collinear (or constant where an intercept is present)")]
    Collinear,
    #[error("the areas vary no more than their sampling errors explain (REML σ²ᵤ = 0): no small-area model")]
    VarianceAtZero,
    #[error("the REML iteration did not converge in {0} steps")]
    NoConvergence(usize),
}

/// Fits the model to the sampled areas and predicts every area (see the module docs for the formulas).
pub fn fit(areas: &[Area], options: &FitOptions) -> Result<Fit, NotEstimable> {
    let p = check_inputs(areas)?;
    let sampled: Vec<(usize, f64, f64)> = areas
        .iter()
        .enumerate()
        .filter_map(|(i, a)| a.direct.map(|(y, psi)| (i, y, psi)))
        .collect();
    let m = sampled.len();
    if m <= p {
        return Err(NotEstimable::TooFewAreas {
            sampled: m,
            covariates: p,
        });
    }
    let x: Vec<&[f64]> = sampled.iter().map(|&(i, _, _)| areas[i].x.as_slice()).collect();
    let y: Vec<f64> = sampled.iter().map(|s| s.1).collect();
    let psi: Vec<f64> = sampled.iter().map(|s| s.2).collect();
    let data = Sampled { x, y, psi, p };
    let (sigma2, iterations) = reml(&data, options)?;
    if sigma2 <= 0.0 {
        return Err(NotEstimable::VarianceAtZero);
    }
    let gls = data.gls(sigma2)?;
    let sum_inv_v2: f64 = data.psi.iter().map(|&s| (sigma2 + s).powi(-2)).sum();
    let var_sigma2 = 2.0 / sum_inv_v2;
    let out = areas
        .iter()
        .map(|a| {
            let synthetic = dot(&a.x, &gls.beta);
            let leverage = quad(&gls.inv_a, &a.x, p);
            match a.direct {
                Some((yi, psi_i)) => {
                    let v = sigma2 + psi_i;
                    let gamma = sigma2 / v;
                    let g1 = gamma * psi_i;
                    let g2 = (1.0 - gamma).powi(2) * leverage;
                    let g3 = psi_i * psi_i / v.powi(3) * var_sigma2;
                    AreaEstimate {
                        kind: EstimateKind::Eblup,
                        estimate: gamma * yi + (1.0 - gamma) * synthetic,
                        mse: g1 + g2 + 2.0 * g3,
                        gamma: Some(gamma),
                        synthetic,
                    }
                }
                None => AreaEstimate {
                    kind: EstimateKind::Synthetic,
                    estimate: synthetic,
                    mse: sigma2 + leverage,
                    gamma: None,
                    synthetic,
                },
            }
        })
        .collect();
    Ok(Fit {
        sigma2_u: sigma2,
        beta: gls.beta,
        iterations,
        areas: out,
    })
}

/// Checks shapes and values; returns the number of covariates.
fn check_inputs(areas: &[Area]) -> Result<usize, NotEstimable> {
    let p = areas.first().map_or(0, |a| a.x.len());
    for (i, a) in areas.iter().enumerate() {
        if a.x.len() != p {
            return Err(NotEstimable::CovariateLength {
                area: i,
                got: a.x.len(),
                expected: p,
            });
        }
        if a.x.iter().any(|v| !v.is_finite()) {
            return Err(NotEstimable::NotFinite { area: i });
        }
        if let Some((y, psi)) = a.direct {
            if !y.is_finite() || !psi.is_finite() {
                return Err(NotEstimable::NotFinite { area: i });
            }
            if psi <= 0.0 {
                return Err(NotEstimable::BadSamplingVariance { area: i });
            }
        }
    }
    Ok(p)
}

/// The sampled areas' data.
struct Sampled<'a> {
    x: Vec<&'a [f64]>,
    y: Vec<f64>,
    psi: Vec<f64>,
    p: usize,
}

/// Weighted least squares at a given `σ²ᵤ`.
struct Gls {
    beta: Vec<f64>,
    /// `(X'V⁻¹X)⁻¹`, row-major `p × p`.
    inv_a: Vec<f64>,
}

impl Sampled<'_> {
    fn gls(&self, sigma2: f64) -> Result<Gls, NotEstimable> {
        let p = self.p;
        let mut a = vec![0.0; p * p];
        let mut b = vec![0.0; p];
        for (i, xi) in self.x.iter().enumerate() {
            let w = 1.0 / (sigma2 + self.psi[i]);
            for r in 0..p {
                b[r] += w * xi[r] * self.y[i];
                for c in 0..p {
                    a[r * p + c] += w * xi[r] * xi[c];
                }
            }
        }
        let inv_a = invert_spd(&a, p).ok_or(NotEstimable::Collinear)?;
        let beta = (0..p).map(|r| (0..p).map(|c| inv_a[r * p + c] * b[c]).sum()).collect();
        Ok(Gls { beta, inv_a })
    }

    /// REML score and Fisher information at `σ²ᵤ`.
    fn score_information(&self, sigma2: f64) -> Result<(f64, f64), NotEstimable> {
        let m = self.y.len();
        let gls = self.gls(sigma2)?;
        let vinv: Vec<f64> = self.psi.iter().map(|&s| 1.0 / (sigma2 + s)).collect();
        // P = V⁻¹ − V⁻¹ X (X'V⁻¹X)⁻¹ X' V⁻¹, dense m × m (m is the number of districts).
        let mut pm = vec![0.0; m * m];
        for i in 0..m {
            for j in 0..m {
                let h = bilinear(&gls.inv_a, self.x[i], self.x[j], self.p);
                let diag = if i == j { vinv[i] } else { 0.0 };
                pm[i * m + j] = diag - vinv[i] * h * vinv[j];
            }
        }
        let trace_p: f64 = (0..m).map(|i| pm[i * m + i]).sum();
        let trace_pp: f64 = pm.iter().map(|v| v * v).sum();
        // P y = V⁻¹ (y − X β̂), so y'PPy = Σ (rᵢ/Vᵢ)².
        let ypy2: f64 = (0..m)
            .map(|i| ((self.y[i] - dot(self.x[i], &gls.beta)) * vinv[i]).powi(2))
            .sum();
        Ok((-0.5 * trace_p + 0.5 * ypy2, 0.5 * trace_pp))
    }
}

/// Fisher scoring for the REML `σ²ᵤ`, started at the mean sampling variance, truncated at 0.
fn reml(data: &Sampled<'_>, options: &FitOptions) -> Result<(f64, usize), NotEstimable> {
    let m = data.psi.len() as f64;
    let mut sigma2 = data.psi.iter().sum::<f64>() / m;
    for iteration in 1..=options.max_iterations {
        let (score, info) = data.score_information(sigma2)?;
        if info.is_nan() || info <= 0.0 || !score.is_finite() {
            return Err(NotEstimable::NoConvergence(iteration));
        }
        let next = (sigma2 + score / info).max(0.0);
        let step = (next - sigma2).abs();
        sigma2 = next;
        if step <= options.tolerance * sigma2.max(1.0) {
            return Ok((sigma2, iteration));
        }
        if sigma2 == 0.0 {
            // At the boundary the score points below zero: the maximum of the restricted likelihood on
            // [0, ∞) is at 0 when the score there is not positive.
            let (score0, _) = data.score_information(0.0)?;
            if score0 <= 0.0 {
                return Ok((0.0, iteration));
            }
        }
    }
    Err(NotEstimable::NoConvergence(options.max_iterations))
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `x' M x` for a row-major `p × p` matrix.
fn quad(m: &[f64], x: &[f64], p: usize) -> f64 {
    bilinear(m, x, x, p)
}

/// `x' M z` for a row-major `p × p` matrix.
fn bilinear(m: &[f64], x: &[f64], z: &[f64], p: usize) -> f64 {
    let mut s = 0.0;
    for r in 0..p {
        let row: f64 = (0..p).map(|c| m[r * p + c] * z[c]).sum();
        s += x[r] * row;
    }
    s
}

/// Inverse of a symmetric positive definite `p × p` matrix by Cholesky; `None` when it is singular
/// (a pivot below `1e-10` of its diagonal entry: collinear covariates).
#[allow(clippy::needless_range_loop)] // triangular algebra reads clearest with explicit indices
fn invert_spd(a: &[f64], p: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; p * p];
    for j in 0..p {
        let mut d = a[j * p + j];
        for k in 0..j {
            d -= l[j * p + k] * l[j * p + k];
        }
        if d.is_nan() || d <= 1e-10 * a[j * p + j].abs() || d <= 0.0 {
            return None;
        }
        let djj = d.sqrt();
        l[j * p + j] = djj;
        for i in (j + 1)..p {
            let mut s = a[i * p + j];
            for k in 0..j {
                s -= l[i * p + k] * l[j * p + k];
            }
            l[i * p + j] = s / djj;
        }
    }
    let mut inv = vec![0.0; p * p];
    for col in 0..p {
        // Solve L z = e_col, then L' w = z.
        let mut z = vec![0.0; p];
        for i in 0..p {
            let mut s = if i == col { 1.0 } else { 0.0 };
            for k in 0..i {
                s -= l[i * p + k] * z[k];
            }
            z[i] = s / l[i * p + i];
        }
        for i in (0..p).rev() {
            let mut s = z[i];
            for k in (i + 1)..p {
                s -= l[k * p + i] * inv[k * p + col];
            }
            inv[i * p + col] = s / l[i * p + i];
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests;
