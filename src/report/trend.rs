//! Trends of a tracked question over the surveys that asked it: is the change between two consecutive
//! waves significant?
//!
//! Each wave's estimates are those of its own summary (its own weighting). Every change between
//! consecutive waves is tested as a difference of independent estimates, z = (p₂ − p₁)/√(SE₁² + SE₂²)
//! (`stats::difference_of_independent`, with the design-based SEs of each survey), and is significant when
//! the two-sided p < 1 − [`LEVEL`] (0.05). Options are compared one by one rather than as a "top-2 box":
//! the summary publishes each option's share with its design-based SE, so the trend shows exactly the
//! published numbers; a combined share would need the covariance of two options, which the summary does
//! not carry, and "top-2" means nothing for a single-choice question.

use super::{Estimates, OptionEstimate, LEVEL};
use crate::stats;

/// One wave's value of a series: estimate, SE and interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub value: f64,
    pub se: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// The direction of a change, when it is significant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Up,
    Down,
    NotSignificant,
}

/// The change from one wave to the next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub change: Change,
    /// Later minus earlier estimate.
    pub diff: f64,
    pub p_value: f64,
}

/// The mean of a wave (scales: "hard to say" excluded), unless suppressed or absent.
pub fn mean_point(e: &Estimates) -> Option<Point> {
    if e.suppressed {
        return None;
    }
    Some(Point {
        value: e.mean?,
        se: e.se?,
        ci_low: e.ci_low,
        ci_high: e.ci_high,
    })
}

/// An option's share in a wave, unless suppressed or absent.
pub fn option_point(o: &OptionEstimate) -> Option<Point> {
    if o.suppressed {
        return None;
    }
    Some(Point {
        value: o.share?,
        se: o.se?,
        ci_low: o.ci_low,
        ci_high: o.ci_high,
    })
}

/// The change from `a` to `b` by the difference of independent estimates at the [`LEVEL`] level; `None`
/// when either wave has no value (or the test cannot be made).
pub fn change(a: Option<Point>, b: Option<Point>) -> Option<Step> {
    let (a, b) = (a?, b?);
    let d = stats::difference_of_independent(b.value, b.se, a.value, a.se, LEVEL).ok()?;
    let change = if d.p_value < 1.0 - LEVEL {
        if d.diff > 0.0 {
            Change::Up
        } else {
            Change::Down
        }
    } else {
        Change::NotSignificant
    };
    Some(Step {
        change,
        diff: d.diff,
        p_value: d.p_value,
    })
}

/// The change into every wave after the first (`len − 1` entries).
pub fn changes(points: &[Option<Point>]) -> Vec<Option<Step>> {
    points.windows(2).map(|w| change(w[0], w[1])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(value: f64, se: f64) -> Option<Point> {
        Some(Point {
            value,
            se,
            ci_low: None,
            ci_high: None,
        })
    }

    #[test]
    fn a_large_rise_is_up_a_small_one_is_not_significant_and_gaps_give_none() {
        let steps = changes(&[share(0.30, 0.01), share(0.40, 0.01), share(0.41, 0.01), None]);
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[0].map(|s| s.change), Some(Change::Up));
        assert_eq!(steps[1].map(|s| s.change), Some(Change::NotSignificant));
        assert_eq!(steps[2], None);
        let down = change(share(0.5, 0.02), share(0.3, 0.02)).map(|s| s.change);
        assert_eq!(down, Some(Change::Down));
    }
}
