//! The design covariance of totals of per-respondent influence values, for estimators that are not sums
//! over groups (regression coefficients): R `survey:::svyrecvar(x, clusters, strata, fpc, postStrata)`.
//!
//! Given `u_i ∈ ℝ^p` for every respondent of the design (zero for respondents outside the estimator's
//! domain), the covariance of `T = Σ_i w_i u_i` is estimated as follows:
//! 1. calibration (when the weights were calibrated or post-stratified): `u_i` is replaced by its residual
//!    from the base-weighted regression on the calibration model, `e_i = w_i (u_i − f_{c(i)})` with
//!    `f_c` the fitted value of the cell (`survey:::svyrecvar`: `qr.resid(qr(mm·√d), x/w)·w`), so that
//!    respondents outside the domain still contribute `−w_i f_{c(i)}`;
//! 2. PSU totals `e_k = Σ_{i∈k} e_i` (each respondent is its own PSU when the design is not clustered);
//! 3. within each stratum `h` with `n_h` PSUs of the *whole* sample (R keeps `nPSU` when subsetting):
//!    `V_h = (1 − f_h)·n_h/(n_h − 1)·Σ_k (e_k − ē_h)(e_k − ē_h)ᵀ`, summed over strata with the lonely-PSU
//!    rules of [`super::LonelyPsu`] (`survey:::onestrat`).

use super::design::PreparedDesign;
use super::variance::combine_strata;

/// Covariance (`p × p`, row-major) of `Σ w_i u_i` where `u` holds `p` values per respondent (row-major,
/// `u.len() == n·p`). `None` when a stratum with one PSU makes it inestimable (`LonelyPsu::Fail`).
pub(crate) fn total_covariance(prep: &PreparedDesign, u: &[f64], p: usize) -> Option<Vec<f64>> {
    let n = prep.n;
    debug_assert_eq!(u.len(), n * p);
    let fitted = calibration_fit(prep, u, p);
    let resid = |i: usize, j: usize| {
        let uc = prep.uc[i] as usize;
        let f = fitted.as_ref().map_or(0.0, |f| f[prep.uc_cell[uc] * p + j]);
        // Trimmed after calibration: the fit is subtracted with the weights before trimming (R keeps the
        // calibration's `w` in `postStrata`), `w_i u_i − wc_i f` (see `Design::calibrated_weights`).
        match &prep.wc {
            Some(wc) => prep.w[i] * u[i * p + j] - wc[i] * f,
            None => prep.w[i] * (u[i * p + j] - f),
        }
    };
    // PSU totals, then per stratum the sums Σe and Σeeᵀ.
    let mut s1 = vec![0.0; prep.n_strata * p];
    let mut s2 = vec![0.0; prep.n_strata * p * p];
    let mut add = |h: usize, e: &[f64]| {
        for a in 0..p {
            s1[h * p + a] += e[a];
            for b in 0..p {
                s2[(h * p + a) * p + b] += e[a] * e[b];
            }
        }
    };
    let mut e = vec![0.0; p];
    if prep.clustered {
        let mut unit = vec![0.0; prep.n_units * p];
        for i in 0..n {
            let k = prep.uc_unit[prep.uc[i] as usize];
            for j in 0..p {
                unit[k * p + j] += resid(i, j);
            }
        }
        for k in 0..prep.n_units {
            add(prep.unit_stratum[k], &unit[k * p..(k + 1) * p]);
        }
    } else {
        for i in 0..n {
            let h = prep.unit_stratum[prep.uc_unit[prep.uc[i] as usize]];
            for (j, ej) in e.iter_mut().enumerate() {
                *ej = resid(i, j);
            }
            add(h, &e);
        }
    }
    let mut out = vec![0.0; p * p];
    for a in 0..p {
        for b in 0..p {
            out[a * p + b] = combine_strata(
                prep,
                |h| s2[(h * p + a) * p + b] - s1[h * p + a] * s1[h * p + b] / prep.stratum_npsu[h] as f64,
                |h| s2[(h * p + a) * p + b],
            )?;
        }
    }
    Some(out)
}

/// Fitted values per calibration cell (`cells × p`) of the base-weighted regression of each column of `u`.
fn calibration_fit(prep: &PreparedDesign, u: &[f64], p: usize) -> Option<Vec<f64>> {
    if !prep.is_calibrated() {
        return None;
    }
    let mut out = vec![0.0; prep.n_cells * p];
    let mut z0 = vec![0.0; prep.n_cells];
    for j in 0..p {
        z0.iter_mut().for_each(|z| *z = 0.0);
        for i in 0..prep.n {
            z0[prep.uc_cell[prep.uc[i] as usize]] += prep.w0[i] * u[i * p + j];
        }
        for (c, f) in prep.model.fitted(&z0).into_iter().enumerate() {
            out[c * p + j] = f;
        }
    }
    Some(out)
}

/// R `degf()` of the design restricted to the respondents `inside` with positive weight: their PSUs minus
/// their strata (each respondent is a PSU when the design is not clustered).
pub(crate) fn domain_df(prep: &PreparedDesign, inside: &[bool]) -> f64 {
    let mut unit_seen = vec![false; prep.n_units];
    let mut stratum_seen = vec![false; prep.n_strata];
    let mut psus = 0usize;
    for (i, _) in inside.iter().enumerate().filter(|(i, k)| **k && prep.w[*i] > 0.0) {
        let unit = prep.uc_unit[prep.uc[i] as usize];
        stratum_seen[prep.unit_stratum[unit]] = true;
        if !prep.clustered {
            psus += 1;
        } else if !unit_seen[unit] {
            unit_seen[unit] = true;
            psus += 1;
        }
    }
    psus as f64 - stratum_seen.iter().filter(|s| **s).count() as f64
}
