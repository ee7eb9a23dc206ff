//! Trends between independent surveys: difference of two proportions.

use serde::Serialize;

use super::ci::check_level;
use super::dist::qnorm;
use super::StatsError;

/// Result of comparing two independent estimates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DifferenceTest {
    /// `p₁ − p₂`.
    pub diff: f64,
    /// `√(SE₁² + SE₂²)` (independent samples: no covariance).
    pub se: f64,
    /// `z = (p₁ − p₂)/SE`.
    pub z: f64,
    /// Two-sided normal p-value `2Φ(−|z|)`.
    pub p_value: f64,
    /// `diff ∓ z_{1−α/2}·SE`.
    pub ci_low: f64,
    pub ci_high: f64,
}

/// z test of the difference of two proportions (or means) from independent surveys, each with its own
/// design-based SE (e.g. this year's and last year's share of "dissatisfied").
pub fn difference_of_independent(
    p1: f64,
    se1: f64,
    p2: f64,
    se2: f64,
    level: f64,
) -> Result<DifferenceTest, StatsError> {
    check_level(level)?;
    for v in [p1, se1, p2, se2] {
        if !v.is_finite() {
            return Err(StatsError::NotFiniteInput(v));
        }
    }
    if se1 < 0.0 || se2 < 0.0 {
        return Err(StatsError::NotFiniteInput(se1.min(se2)));
    }
    let diff = p1 - p2;
    let se = (se1 * se1 + se2 * se2).sqrt();
    let z = if se > 0.0 { diff / se } else { f64::NAN };
    let p_value = if se > 0.0 {
        super::dist::p_two_sided_t(z, f64::INFINITY)
    } else if diff == 0.0 {
        1.0
    } else {
        0.0
    };
    let half = qnorm(1.0 - (1.0 - level) / 2.0) * se;
    Ok(DifferenceTest {
        diff,
        se,
        z: if z.is_finite() { z } else { 0.0 },
        p_value,
        ci_low: diff - half,
        ci_high: diff + half,
    })
}
