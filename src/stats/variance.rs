//! Taylor-linearisation variance, `survey:::svyrecvar` for one-stage designs, computed from sums.
//!
//! Every estimator here is (a smooth function of) weighted totals, so its variance is the design variance
//! of the total of an influence value `u_i = w_i z_i`. For the estimators of this module `z_i` is, within a
//! *group* of respondents (answer category, in/out of the domain), an affine function `α_g + β_g y_i`.
//! Calibration replaces `z_i` by its residual from the base-weighted regression on the calibration model,
//! `z_i − f_c` with `f_c = x_c'β̂`, `β̂ = (Σ w0 x x')⁻¹ Σ w0 x z` (R: `qr.resid(qr(mm·√w0), x/w)·w`), and the
//! variance is, over strata `h` with `n_h` PSUs and fpc factor `φ_h = (N_h − n_h)/N_h` (1 without fpc),
//!
//! `V = Σ_h φ_h n_h/(n_h − 1) · Σ_{j∈h} (e_j − ē_h)²`, `e_j = Σ_{i ∈ PSU j} w_i (z_i − f_{c(i)})`
//!
//! (`survey:::onestrat`). Respondents outside a domain keep `z_i = 0` but stay in the sum (and their
//! residual `−f_c` counts): R's domain estimation. Because `z` is affine within a group and `f` constant
//! within a calibration cell, all these sums come from per-(unit, cell, group) sums of `w0, w, w²` (and
//! `w0·y, w·y, w·y², w²·y, w²·y²`), collected in one pass over the respondents (`GroupTable`).
//!
//! Calibrated weights trimmed afterwards (R `trimWeights` after `calibrate`): R keeps the calibration's
//! `qr` and `w`, so the residual is `w_i z_i − wc_i f_c` with `wc` the weights before trimming and `f_c` the
//! fitted value of `z·w/wc` (see `Design::calibrated_weights`); the sums then also need `Σ wc, Σ w·wc,
//! Σ wc², Σ w·wc·y` ([`CalSums`]).

use super::design::{LonelyPsu, PreparedDesign};

/// Per (unit-cell, group) sums. Index `uc * g + group`.
#[derive(Debug, Clone)]
pub(crate) struct GroupTable {
    pub g: usize,
    pub t0: Vec<f64>,
    pub t1: Vec<f64>,
    pub t2: Vec<f64>,
    pub cnt: Vec<u32>,
    pub cnt_pos: Vec<u32>,
    pub y: Option<YMoments>,
    /// Sums with the weights before trimming, when the design has them.
    pub cal: Option<CalSums>,
}

/// Per (unit-cell, group) sums of `wc, w·wc, wc², w·wc·y` (`wc`: calibrated weights before trimming).
#[derive(Debug, Clone)]
pub(crate) struct CalSums {
    pub tc: Vec<f64>,
    pub twc: Vec<f64>,
    pub tcc: Vec<f64>,
    pub twcy: Vec<f64>,
}

impl CalSums {
    fn zeros(size: usize) -> CalSums {
        CalSums {
            tc: vec![0.0; size],
            twc: vec![0.0; size],
            tcc: vec![0.0; size],
            twcy: vec![0.0; size],
        }
    }

    fn add(&mut self, k: usize, w: f64, wc: f64, y: f64) {
        self.tc[k] += wc;
        self.twc[k] += w * wc;
        self.tcc[k] += wc * wc;
        self.twcy[k] += w * wc * y;
    }
}

/// Sums of `w0·y, w·y, w·y², w²·y, w²·y²` per (unit-cell, group), of `y = value − shift` (the shift, the
/// first answer, keeps the expansions of squares free of cancellation).
#[derive(Debug, Clone)]
pub(crate) struct YMoments {
    pub shift: f64,
    pub t0y: Vec<f64>,
    pub t1y: Vec<f64>,
    pub t1yy: Vec<f64>,
    pub t2y: Vec<f64>,
    pub t2yy: Vec<f64>,
}

impl GroupTable {
    fn empty(prep: &PreparedDesign, g: usize, with_y: bool) -> GroupTable {
        let size = prep.n_uc * g;
        GroupTable {
            g,
            t0: vec![0.0; size],
            t1: vec![0.0; size],
            t2: vec![0.0; size],
            cnt: vec![0; size],
            cnt_pos: vec![0; size],
            y: with_y.then(|| YMoments {
                shift: 0.0,
                t0y: vec![0.0; size],
                t1y: vec![0.0; size],
                t1yy: vec![0.0; size],
                t2y: vec![0.0; size],
                t2yy: vec![0.0; size],
            }),
            cal: prep.wc.as_ref().map(|_| CalSums::zeros(size)),
        }
    }

    /// Builds the table with `group(i) < g` for every respondent.
    ///
    /// The hot loop of every estimate: the four sums of a slot are interleaved so that each respondent
    /// touches one cache line; counts of positive weights are only collected when some weight is zero.
    pub fn build(prep: &PreparedDesign, g: usize, group: impl Fn(usize) -> usize) -> GroupTable {
        let size = prep.n_uc * g;
        let mut acc = vec![[0.0f64; 4]; size];
        if prep.w0_ratio.is_some() {
            for i in 0..prep.n {
                let slot = &mut acc[prep.uc[i] as usize * g + group(i)];
                let w = prep.w[i];
                slot[1] += w;
                slot[2] += w * w;
                slot[3] += 1.0;
            }
            if let Some(ratio) = &prep.w0_ratio {
                for (k, slot) in acc.iter_mut().enumerate() {
                    slot[0] = slot[1] * ratio[k / g];
                }
            }
        } else {
            for i in 0..prep.n {
                let slot = &mut acc[prep.uc[i] as usize * g + group(i)];
                let w = prep.w[i];
                slot[0] += prep.w0[i];
                slot[1] += w;
                slot[2] += w * w;
                slot[3] += 1.0;
            }
        }
        let cnt: Vec<u32> = acc.iter().map(|a| a[3] as u32).collect();
        let cnt_pos = if prep.has_zero_weight {
            let mut c = vec![0u32; size];
            for i in (0..prep.n).filter(|i| prep.w[*i] > 0.0) {
                c[prep.uc[i] as usize * g + group(i)] += 1;
            }
            c
        } else {
            cnt.clone()
        };
        let cal = prep.wc.as_ref().map(|wc| {
            let mut c = CalSums::zeros(size);
            for (i, (w, wci)) in prep.w.iter().zip(wc).enumerate() {
                c.add(prep.uc[i] as usize * g + group(i), *w, *wci, 0.0);
            }
            c
        });
        GroupTable {
            g,
            t0: acc.iter().map(|a| a[0]).collect(),
            t1: acc.iter().map(|a| a[1]).collect(),
            t2: acc.iter().map(|a| a[2]).collect(),
            cnt,
            cnt_pos,
            y: None,
            cal,
        }
    }

    /// Sums the groups of this table into `new_g` groups, `map(g) < new_g` (e.g. one column of a crosstab
    /// against everything else). Cost independent of the number of respondents.
    pub fn regroup(&self, new_g: usize, map: impl Fn(usize) -> usize) -> GroupTable {
        let targets: Vec<usize> = (0..self.g).map(map).collect();
        self.regroup_by_unit_cell(new_g, |_, g| targets[g])
    }

    /// Like [`GroupTable::regroup`] with a map that also depends on the unit-cell (e.g. its breakdown
    /// category, which turns a question's table into its crosstab).
    pub fn regroup_by_unit_cell(&self, new_g: usize, map: impl Fn(usize, usize) -> usize) -> GroupTable {
        let n_uc = self.t1.len() / self.g;
        let size = n_uc * new_g;
        let mut out = GroupTable {
            g: new_g,
            t0: vec![0.0; size],
            t1: vec![0.0; size],
            t2: vec![0.0; size],
            cnt: vec![0; size],
            cnt_pos: vec![0; size],
            y: self.y.as_ref().map(|m| YMoments {
                shift: m.shift,
                t0y: vec![0.0; size],
                t1y: vec![0.0; size],
                t1yy: vec![0.0; size],
                t2y: vec![0.0; size],
                t2yy: vec![0.0; size],
            }),
            cal: self.cal.as_ref().map(|_| CalSums::zeros(size)),
        };
        for uc in 0..n_uc {
            for g in 0..self.g {
                let (k, to) = (uc * self.g + g, uc * new_g + map(uc, g));
                out.t0[to] += self.t0[k];
                out.t1[to] += self.t1[k];
                out.t2[to] += self.t2[k];
                out.cnt[to] += self.cnt[k];
                out.cnt_pos[to] += self.cnt_pos[k];
                if let (Some(o), Some(m)) = (out.y.as_mut(), self.y.as_ref()) {
                    o.t0y[to] += m.t0y[k];
                    o.t1y[to] += m.t1y[k];
                    o.t1yy[to] += m.t1yy[k];
                    o.t2y[to] += m.t2y[k];
                    o.t2yy[to] += m.t2yy[k];
                }
                if let (Some(o), Some(c)) = (out.cal.as_mut(), self.cal.as_ref()) {
                    o.tc[to] += c.tc[k];
                    o.twc[to] += c.twc[k];
                    o.tcc[to] += c.tcc[k];
                    o.twcy[to] += c.twcy[k];
                }
            }
        }
        out
    }

    /// Per-group sums over all unit-cells of `field`.
    pub fn group_totals(&self, field: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.g];
        for chunk in field.chunks_exact(self.g) {
            for (o, v) in out.iter_mut().zip(chunk) {
                *o += v;
            }
        }
        out
    }

    /// Builds a two-group table (0 = outside the domain, 1 = inside) with the moments of `y`.
    pub fn build_numeric(prep: &PreparedDesign, y: &[Option<f64>]) -> GroupTable {
        let mut t = GroupTable::empty(prep, 2, true);
        let shift = y.iter().flatten().next().copied().unwrap_or(0.0);
        let Some(m) = t.y.as_mut() else {
            return t;
        };
        m.shift = shift;
        for (i, yi) in y.iter().enumerate() {
            let base = prep.uc[i] as usize * 2;
            let w = prep.w[i];
            let w0 = prep.w0[i];
            let k = match yi {
                Some(v) => {
                    let k = base + 1;
                    let v = v - shift;
                    if let (Some(c), Some(wc)) = (t.cal.as_mut(), prep.wc.as_ref()) {
                        c.add(k, w, wc[i], v);
                    }
                    m.t0y[k] += w0 * v;
                    m.t1y[k] += w * v;
                    m.t1yy[k] += w * v * v;
                    m.t2y[k] += w * w * v;
                    m.t2yy[k] += w * w * v * v;
                    k
                }
                None => {
                    if let (Some(c), Some(wc)) = (t.cal.as_mut(), prep.wc.as_ref()) {
                        c.add(base, w, wc[i], 0.0);
                    }
                    base
                }
            };
            t.t0[k] += w0;
            t.t1[k] += w;
            t.t2[k] += w * w;
            t.cnt[k] += 1;
            t.cnt_pos[k] += u32::from(w > 0.0);
        }
        t
    }

    /// Sum over unit-cells of `field[uc, g]` for the groups selected.
    pub fn sum(&self, field: &[f64], groups: impl Fn(usize) -> bool) -> f64 {
        self.group_totals(field)
            .iter()
            .enumerate()
            .filter(|(g, _)| groups(*g))
            .map(|(_, v)| v)
            .sum()
    }

    fn count_in(&self, counts: &[u32], groups: impl Fn(usize) -> bool) -> u64 {
        let sel: Vec<bool> = (0..self.g).map(groups).collect();
        counts
            .chunks_exact(self.g)
            .flat_map(|chunk| chunk.iter().zip(&sel).filter(|(_, s)| **s))
            .map(|(c, _)| u64::from(*c))
            .sum()
    }

    /// Number of respondents in the groups selected.
    pub fn count(&self, groups: impl Fn(usize) -> bool) -> u64 {
        self.count_in(&self.cnt, groups)
    }

    /// Number of respondents with positive weight in the groups selected.
    pub fn count_positive(&self, groups: impl Fn(usize) -> bool) -> u64 {
        self.count_in(&self.cnt_pos, groups)
    }

    /// R `degf(subset(design, domain))`: PSUs with a positive-weight respondent in the domain minus the
    /// strata they lie in.
    pub fn domain_df(&self, prep: &PreparedDesign, groups: impl Fn(usize) -> bool) -> f64 {
        let mut unit_has = vec![false; prep.n_units];
        let mut unit_count = vec![0u64; prep.n_units];
        let sel: Vec<usize> = (0..self.g).filter(|g| groups(*g)).collect();
        for uc in 0..prep.n_uc {
            for &g in &sel {
                let c = self.cnt_pos[uc * self.g + g];
                if c > 0 {
                    unit_has[prep.uc_unit[uc]] = true;
                    unit_count[prep.uc_unit[uc]] += u64::from(c);
                }
            }
        }
        let mut stratum_has = vec![false; prep.n_strata];
        let mut psus = 0u64;
        for u in 0..prep.n_units {
            if unit_has[u] {
                stratum_has[prep.unit_stratum[u]] = true;
                // unclustered: every respondent is a PSU
                psus += if prep.clustered { 1 } else { unit_count[u] };
            }
        }
        psus as f64 - stratum_has.iter().filter(|b| **b).count() as f64
    }
}

/// An influence variable, affine within groups: `z = alpha[g] + beta[g]·y`.
pub(crate) struct Linear<'a> {
    pub alpha: &'a [f64],
    pub beta: Option<&'a [f64]>,
}

fn fitted(prep: &PreparedDesign, t: &GroupTable, lin: &Linear, calibrated: bool) -> Option<Vec<f64>> {
    if !calibrated || !prep.is_calibrated() {
        return None;
    }
    let mut z0 = vec![0.0; prep.n_cells];
    for uc in 0..prep.n_uc {
        let base = uc * t.g;
        let mut s = 0.0;
        for g in 0..t.g {
            s += lin.alpha[g] * t.t0[base + g];
            if let (Some(b), Some(m)) = (lin.beta, t.y.as_ref()) {
                s += b[g] * m.t0y[base + g];
            }
        }
        z0[prep.uc_cell[uc]] += s;
    }
    Some(prep.model.fitted(&z0))
}

/// Design variance of `Σ w z`; with `calibrated = false` the calibration adjustment is ignored (the
/// "fixed weights" variance). `None` when a lonely PSU makes it inestimable (`LonelyPsu::Fail`).
pub(crate) fn variance(prep: &PreparedDesign, t: &GroupTable, lin: &Linear, calibrated: bool) -> Option<f64> {
    let f = fitted(prep, t, lin, calibrated);
    let mut s1 = vec![0.0; prep.n_strata];
    let mut s2 = vec![0.0; prep.n_strata];
    let mut e_unit = vec![0.0; if prep.clustered { prep.n_units } else { 0 }];
    for uc in 0..prep.n_uc {
        let fc = f.as_ref().map_or(0.0, |f| f[prep.uc_cell[uc]]);
        let base = uc * t.g;
        let (mut e1, mut e2) = (0.0, 0.0);
        if let Some(c) = t.cal.as_ref().filter(|_| f.is_some()) {
            // Trimmed after calibration: residual w·z − wc·f (module notes).
            for g in 0..t.g {
                let k = base + g;
                let a = lin.alpha[g];
                e1 += a * t.t1[k] - fc * c.tc[k];
                if !prep.clustered {
                    e2 += a * a * t.t2[k] - 2.0 * fc * a * c.twc[k] + fc * fc * c.tcc[k];
                }
                if let (Some(b), Some(m)) = (lin.beta, t.y.as_ref()) {
                    let b = b[g];
                    e1 += b * m.t1y[k];
                    if !prep.clustered {
                        e2 += 2.0 * a * b * m.t2y[k] + b * b * m.t2yy[k] - 2.0 * fc * b * c.twcy[k];
                    }
                }
            }
        }
        for g in (0..t.g).filter(|_| t.cal.is_none() || f.is_none()) {
            let k = base + g;
            let a = lin.alpha[g] - fc;
            e1 += a * t.t1[k];
            if !prep.clustered {
                e2 += a * a * t.t2[k];
            }
            if let (Some(b), Some(m)) = (lin.beta, t.y.as_ref()) {
                let b = b[g];
                e1 += b * m.t1y[k];
                if !prep.clustered {
                    e2 += 2.0 * a * b * m.t2y[k] + b * b * m.t2yy[k];
                }
            }
        }
        let unit = prep.uc_unit[uc];
        if prep.clustered {
            e_unit[unit] += e1;
        } else {
            let h = prep.unit_stratum[unit];
            s1[h] += e1;
            s2[h] += e2;
        }
    }
    if prep.clustered {
        for (u, e) in e_unit.iter().enumerate() {
            let h = prep.unit_stratum[u];
            s1[h] += e;
            s2[h] += e * e;
        }
    }
    combine_strata(prep, |h| s2[h] - s1[h] * s1[h] / prep.stratum_npsu[h] as f64, |h| s2[h])
}

/// Sums stratum contributions with R's scale factors and lonely-PSU rules.
/// `centred(h)` = Σ(e − ē)², `raw(h)` = Σ e² (used by `LonelyPsu::Adjust`).
pub(crate) fn combine_strata(
    prep: &PreparedDesign,
    centred: impl Fn(usize) -> f64,
    raw: impl Fn(usize) -> f64,
) -> Option<f64> {
    let mut total = 0.0;
    let mut ok = 0usize;
    for h in 0..prep.n_strata {
        let nh = prep.stratum_npsu[h];
        let phi = prep.stratum_fpc[h];
        if phi < 1e-7 {
            ok += 1; // census stratum: no sampling variance
            continue;
        }
        if nh > 1 {
            // Σ(e − ē)² = Σe² − (Σe)²/n loses ~n·ε·Σe² to cancellation: below that it is zero (e.g. the
            // share of a stratification variable, which R computes as exactly 0).
            let c = centred(h);
            let noise = 4.0 * f64::EPSILON * nh as f64 * raw(h).abs();
            let c = if c.abs() <= noise { 0.0 } else { c };
            total += phi * nh as f64 / (nh as f64 - 1.0) * c;
            ok += 1;
            continue;
        }
        match prep.lonely {
            LonelyPsu::Fail => return None,
            LonelyPsu::Remove | LonelyPsu::Certainty => ok += 1,
            LonelyPsu::Adjust => {
                total += phi * raw(h);
                ok += 1;
            }
            LonelyPsu::Average => {}
        }
    }
    if ok == 0 {
        return None;
    }
    Some(total * prep.n_strata as f64 / ok as f64)
}

/// Full covariance matrix (`m × m`, row-major) of the shares `P_a = W_a / W` of the cells `a = 0..m` of a
/// domain, where group `1 + a` of the table is cell `a` and group 0 is outside the domain:
/// `z^a_g = (1[g = a] − P_a·δ_g)/W`. Uses the rank-one structure of the residuals so the cost is
/// `O(unit-cells · m²)`. `None` as for [`variance`].
pub(crate) fn share_covariance(prep: &PreparedDesign, t: &GroupTable, shares: &[f64], w_dom: f64) -> Option<Vec<f64>> {
    let m = shares.len();
    let g = t.g;
    debug_assert_eq!(g, m + 1);
    // fitted values per cell and cell a: f[c*m + a]
    let fit: Option<Vec<f64>> = prep.is_calibrated().then(|| {
        let mut z0 = vec![vec![0.0; prep.n_cells]; m];
        for uc in 0..prep.n_uc {
            let base = uc * g;
            let d0: f64 = t.t0[base + 1..base + g].iter().sum();
            let c = prep.uc_cell[uc];
            for a in 0..m {
                z0[a][c] += (t.t0[base + 1 + a] - shares[a] * d0) / w_dom;
            }
        }
        let mut f = vec![0.0; prep.n_cells * m];
        for (a, z) in z0.iter().enumerate() {
            for (c, v) in prep.model.fitted(z).into_iter().enumerate() {
                f[c * m + a] = v;
            }
        }
        f
    });
    let mut s1 = vec![0.0; prep.n_strata * m];
    let mut s2 = vec![0.0; prep.n_strata * m * m];
    let mut e_unit = vec![0.0; if prep.clustered { prep.n_units * m } else { 0 }];
    let zero = vec![0.0; m];
    let mut q = vec![0.0; m];
    for uc in 0..prep.n_uc {
        let c = prep.uc_cell[uc];
        let f = fit.as_ref().map_or(&zero[..], |f| &f[c * m..(c + 1) * m]);
        let base = uc * g;
        let (o1, o2) = (t.t1[base], t.t2[base]);
        let d1: f64 = t.t1[base + 1..base + g].iter().sum();
        let d2: f64 = t.t2[base + 1..base + g].iter().sum();
        for a in 0..m {
            q[a] = shares[a] / w_dom + f[a];
        }
        let unit = prep.uc_unit[uc];
        let h = prep.unit_stratum[unit];
        if let Some(c) = t.cal.as_ref().filter(|_| fit.is_some()) {
            // Trimmed after calibration: residual w·z − wc·f (module notes).
            let tc_all: f64 = c.tc[base..base + g].iter().sum();
            let tcc_all: f64 = c.tcc[base..base + g].iter().sum();
            let dwc: f64 = c.twc[base + 1..base + g].iter().sum();
            let e1 = |a: usize| (t.t1[base + 1 + a] - d1 * shares[a]) / w_dom - f[a] * tc_all;
            if prep.clustered {
                for a in 0..m {
                    e_unit[unit * m + a] += e1(a);
                }
                continue;
            }
            for a in 0..m {
                s1[h * m + a] += e1(a);
            }
            let s2h = &mut s2[h * m * m..(h + 1) * m * m];
            let w2 = w_dom * w_dom;
            for a in 0..m {
                let (ta, pa) = (t.t2[base + 1 + a], shares[a]);
                let za = (c.twc[base + 1 + a] - pa * dwc) / w_dom;
                for b in 0..m {
                    let (tb, pb) = (t.t2[base + 1 + b], shares[b]);
                    let zb = (c.twc[base + 1 + b] - pb * dwc) / w_dom;
                    let mut v =
                        (-pb * ta - pa * tb + pa * pb * d2) / w2 - f[b] * za - f[a] * zb + tcc_all * f[a] * f[b];
                    if a == b {
                        v += ta / w2;
                    }
                    s2h[a * m + b] += v;
                }
            }
            continue;
        }
        // Σ_g T1_g r_g[a] with r_g[a] = 1[g=a]/W − q_a (domain), −f_a (outside)
        let e1 = |a: usize| t.t1[base + 1 + a] / w_dom - d1 * q[a] - o1 * f[a];
        if prep.clustered {
            for a in 0..m {
                e_unit[unit * m + a] += e1(a);
            }
            continue;
        }
        for a in 0..m {
            s1[h * m + a] += e1(a);
        }
        let s2h = &mut s2[h * m * m..(h + 1) * m * m];
        for a in 0..m {
            let ta = t.t2[base + 1 + a];
            for b in 0..m {
                let tb = t.t2[base + 1 + b];
                let mut v = -(ta * q[b] + tb * q[a]) / w_dom + d2 * q[a] * q[b] + o2 * f[a] * f[b];
                if a == b {
                    v += ta / (w_dom * w_dom);
                }
                s2h[a * m + b] += v;
            }
        }
    }
    if prep.clustered {
        for u in 0..prep.n_units {
            let h = prep.unit_stratum[u];
            let e = &e_unit[u * m..(u + 1) * m];
            for a in 0..m {
                s1[h * m + a] += e[a];
                for b in 0..m {
                    s2[h * m * m + a * m + b] += e[a] * e[b];
                }
            }
        }
    }
    let mut out = vec![0.0; m * m];
    for a in 0..m {
        for b in 0..m {
            let idx = a * m + b;
            out[idx] = combine_strata(
                prep,
                |h| s2[h * m * m + idx] - s1[h * m + a] * s1[h * m + b] / prep.stratum_npsu[h] as f64,
                |h| s2[h * m * m + idx],
            )?;
        }
    }
    Some(out)
}
