//! Weighted quantiles (median) with Woodruff confidence intervals.
//!
//! Matches R (survey ≥ 4.1) `svyquantile(~y, subset(design, !is.na(y)), p, ci = TRUE,
//! interval.type = "mean", qrule = "math")`, the package defaults:
//! - `qrule = "math"` (`survey:::qrule_math`): sort the answers, cumulate the weights
//!   `C_j`; let `pos` = the last `j` with `C_j ≤ p·W` (the first answer when there is none, as R's `last()`
//!   does); the quantile is `y_pos` when `p − C_pos/W = 0` exactly and
//!   `y_{pos+1}` otherwise, with R's double-precision comparisons. Zero weights are dropped;
//! - Woodruff interval (`survey:::woodruffCI`, `method = "mean"`): `p̂ = svymean(y ≤ q̂)` with its
//!   linearised SE (domain estimation, calibration residuals), `[p̂ ∓ t_{df, 1−α/2}·SE]` with
//!   `df = degf` of the domain, mapped back through the same `qrule`; a bound whose probability falls
//!   outside [0, 1] is `None` (R: NaN);
//! - `se = (ci_high − ci_low) / (2 t_{df, 1−α/2})`, as R reports.

use serde::Serialize;

use super::ci::check_level;
use super::design::PreparedDesign;
use super::dist::qt;
use super::proportion::{check_column, domain_info};
use super::variance::{variance, GroupTable, Linear};
use super::StatsError;

/// One estimated quantile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuantileEstimate {
    /// The probability (0.5 = median).
    pub p: f64,
    pub suppressed: bool,
    /// Respondents who answered.
    pub n: Option<u64>,
    pub quantile: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub se: Option<f64>,
}

impl QuantileEstimate {
    /// Removes every number when fewer than `min_cell` respondents answered.
    pub fn suppress_small(&mut self, min_cell: u64) {
        if self.n.is_some_and(|n| n < min_cell) {
            *self = QuantileEstimate {
                p: self.p,
                suppressed: true,
                n: None,
                quantile: None,
                ci_low: None,
                ci_high: None,
                se: None,
            };
        }
    }
}

/// Sorted answers with positive weight and their cumulated weights.
struct Sorted {
    y: Vec<f64>,
    cum: Vec<f64>,
    total: f64,
}

impl Sorted {
    fn new(prep: &PreparedDesign, y: &[Option<f64>]) -> Sorted {
        let mut pairs: Vec<(f64, f64)> = y
            .iter()
            .zip(prep.weights())
            .filter_map(|(v, w)| v.filter(|_| *w > 0.0).map(|v| (v, *w)))
            .collect();
        // The order within ties does not change any quantile (equal values), and the compensated sums
        // below make the cumulated weights independent of it: an unstable sort is enough.
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        // Neumaier-compensated cumulative sums: R accumulates in long double.
        let (mut s, mut comp) = (0.0f64, 0.0f64);
        let cum = pairs
            .iter()
            .map(|(_, w)| {
                let t = s + w;
                comp += if s.abs() >= w.abs() { (s - t) + w } else { (w - t) + s };
                s = t;
                s + comp
            })
            .collect::<Vec<_>>();
        let total = cum.last().copied().unwrap_or(0.0);
        Sorted {
            y: pairs.into_iter().map(|p| p.0).collect(),
            cum,
            total,
        }
    }

    /// `survey:::qrule_math`, with R's floating-point comparisons: `C_j ≤ p·W` and the exact-hit test
    /// `p − C_pos/W == 0` on doubles (R's long-double sums are emulated by compensated summation).
    fn qrule_math(&self, p: f64) -> Option<f64> {
        let n = self.y.len();
        if n == 0 {
            return None;
        }
        let target = p * self.total;
        let below = self.cum.partition_point(|c| *c <= target);
        let pos = below.saturating_sub(1); // R's last(): first element when none qualifies
        let next = if pos + 1 == n { pos } else { pos + 1 };
        let exact = p - self.cum[pos] / self.total == 0.0;
        Some(if exact { self.y[pos] } else { self.y[next] })
    }
}

/// Quantiles of `y` at probabilities `probs` with Woodruff intervals at `level`.
pub fn quantiles(
    prep: &PreparedDesign,
    y: &[Option<f64>],
    probs: &[f64],
    level: f64,
) -> Result<Vec<QuantileEstimate>, StatsError> {
    check_level(level)?;
    check_column(prep, y.len(), "numeric variable")?;
    if let Some(index) = y.iter().position(|v| v.is_some_and(|v| !v.is_finite())) {
        return Err(StatsError::NotFinite { index });
    }
    if let Some(p) = probs.iter().find(|p| !(0.0..=1.0).contains(*p)) {
        return Err(StatsError::BadProbability(*p));
    }
    let sorted = Sorted::new(prep, y);
    let n = y.iter().filter(|v| v.is_some()).count() as u64;
    Ok(probs
        .iter()
        .map(|p| one_quantile(prep, y, &sorted, *p, n, level))
        .collect())
}

/// The median with its Woodruff interval.
pub fn median(prep: &PreparedDesign, y: &[Option<f64>], level: f64) -> Result<QuantileEstimate, StatsError> {
    let mut q = quantiles(prep, y, &[0.5], level)?;
    Ok(q.pop().unwrap_or(QuantileEstimate {
        p: 0.5,
        suppressed: false,
        n: Some(0),
        quantile: None,
        ci_low: None,
        ci_high: None,
        se: None,
    }))
}

fn one_quantile(
    prep: &PreparedDesign,
    y: &[Option<f64>],
    sorted: &Sorted,
    p: f64,
    n: u64,
    level: f64,
) -> QuantileEstimate {
    let mut out = QuantileEstimate {
        p,
        suppressed: false,
        n: Some(n),
        quantile: None,
        ci_low: None,
        ci_high: None,
        se: None,
    };
    let Some(q) = sorted.qrule_math(p) else {
        return out;
    };
    out.quantile = Some(q);
    // Woodruff: the share of answers ≤ q̂ and its confidence interval.
    let t = GroupTable::build(prep, 3, |i| match y[i] {
        None => 0,
        Some(v) if v <= q => 2,
        Some(_) => 1,
    });
    let in_dom = |g: usize| g >= 1;
    let dom = domain_info(prep, &t, &in_dom);
    if dom.w <= 0.0 {
        return out;
    }
    let ph = t.sum(&t.t1, |g| g == 2) / dom.w;
    let alpha: Vec<f64> = (0..3)
        .map(|g| match g {
            0 => 0.0,
            2 => (1.0 - ph) / dom.w,
            _ => -ph / dom.w,
        })
        .collect();
    let lin = Linear {
        alpha: &alpha,
        beta: None,
    };
    let Some(var) = variance(prep, &t, &lin, true) else {
        return out;
    };
    let crit = qt(1.0 - (1.0 - level) / 2.0, dom.df);
    if !crit.is_finite() {
        return out;
    }
    let half = crit * var.max(0.0).sqrt();
    let (lo, hi) = (ph - half, ph + half);
    out.ci_low = if lo < 0.0 { None } else { sorted.qrule_math(lo) };
    out.ci_high = if hi > 1.0 { None } else { sorted.qrule_math(hi) };
    if let (Some(l), Some(h)) = (out.ci_low, out.ci_high) {
        out.se = Some((h - l) / (2.0 * crit));
    }
    out
}

/// The plain median of a sample, unweighted (the mean of the two middle values when their number is even;
/// R `median`); `None` when empty. For descriptive figures such as interview durations, not estimates.
pub fn sample_median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    let upper = values.get(n / 2).copied()?;
    Some(if n % 2 == 1 {
        upper
    } else {
        (values.get(n / 2 - 1).copied()? + upper) / 2.0
    })
}

#[cfg(test)]
mod sample_median_tests {
    use super::sample_median;

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(sample_median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(sample_median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(sample_median(&mut []), None);
    }
}
