//! Trimming of extreme weights (R `survey::trimWeights`).

use serde::Serialize;

use super::error::WeightingError;
use super::scheme::{Redistribute, Trim};

/// Safety stop for strict trimming; the clipped excess shrinks geometrically, so real cases need far fewer.
const MAX_ROUNDS: usize = 5_000;

/// What trimming did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrimReport {
    /// Absolute lower bound applied (after multiplying by the mean weight when relative).
    pub lower: f64,
    /// Absolute upper bound applied.
    pub upper: f64,
    /// Weights outside the bounds before trimming.
    pub n_trimmed: usize,
    /// Rounds of clipping and redistribution.
    pub rounds: usize,
}

/// Trims `weights` to [lower, upper] (times the mean weight when `relative_to_mean`), keeping their total.
///
/// Each round follows R `trimWeights`: weights outside the bounds are set to the bound, and the clipped
/// amount Σ(w − clip(w)) is spread over the weights that were inside — equally (additive, R) or in proportion
/// to each weight (`redistribute: proportional`). With `strict` rounds repeat until no weight is outside;
/// as in R, a weight sitting exactly on a bound counts as inside and takes part in later spreading.
/// Unlike R, when every weight is outside the bounds the clipped amount is spread over all of them (R divides
/// by zero there and returns weights that no longer keep the total).
pub fn trim_weights(weights: &mut [f64], trim: &Trim) -> Result<TrimReport, WeightingError> {
    let n = weights.len();
    let total: f64 = weights.iter().sum();
    let mean = total / n.max(1) as f64;
    let scale = if trim.relative_to_mean { mean } else { 1.0 };
    let lower = trim.lower.map_or(f64::NEG_INFINITY, |l| l * scale);
    let upper = trim.upper.map_or(f64::INFINITY, |u| u * scale);
    let infeasible = || WeightingError::TrimInfeasible {
        lower,
        upper,
        total,
        n,
        mean,
    };
    if lower.is_nan() || upper.is_nan() || lower > upper || (trim.strict && (mean < lower || mean > upper)) {
        return Err(infeasible());
    }
    let n_trimmed = weights.iter().filter(|&&w| w < lower || w > upper).count();
    // R's test is exact, and its rounds can then cycle for ever on rounding residue (a weight on a bound
    // receives −1e-15, is clipped, …). Overshoots below 1e-12 of the mean weight end the rounds and are
    // clipped at the end, which moves the total by less than 1e-12 relative.
    let slack = 1e-12 * mean.abs();
    let outside = |w: f64| w < lower - slack || w > upper + slack;
    let mut rounds = 0;
    let mut inside = vec![false; n];
    while weights.iter().any(|&w| outside(w)) {
        if rounds == MAX_ROUNDS {
            return Err(infeasible());
        }
        rounds += 1;
        let mut trimmed = 0.0;
        let mut n_inside = 0usize;
        let mut inside_total = 0.0;
        for (w, ins) in weights.iter_mut().zip(inside.iter_mut()) {
            *ins = !outside(*w);
            if *ins {
                n_inside += 1;
                inside_total += *w;
            } else {
                let clipped = w.max(lower).min(upper);
                trimmed += *w - clipped;
                *w = clipped;
            }
        }
        if n_inside == 0 {
            // Every weight was outside: R would divide by zero and lose the total. Spread over all of them
            // (now on a bound); later rounds settle the ones pushed over again.
            inside.iter_mut().for_each(|i| *i = true);
            n_inside = n;
            inside_total = weights.iter().sum();
        }
        match trim.redistribute {
            Redistribute::Additive => {
                let share = trimmed / n_inside as f64;
                for (w, _) in weights.iter_mut().zip(&inside).filter(|(_, &i)| i) {
                    *w += share;
                }
            }
            Redistribute::Proportional => {
                let factor = 1.0 + trimmed / inside_total;
                for (w, _) in weights.iter_mut().zip(&inside).filter(|(_, &i)| i) {
                    *w *= factor;
                }
            }
        }
        if !trim.strict {
            break;
        }
    }
    if trim.strict {
        weights.iter_mut().for_each(|w| *w = w.max(lower).min(upper));
    }
    Ok(TrimReport {
        lower,
        upper,
        n_trimmed,
        rounds,
    })
}
