//! Design-based survey statistics: weighted shares, means, quantiles, crosstabs and tests with honest
//! uncertainty, matching R package `survey` (Lumley) — reference values in `tests/reference/stats/`.
//!
//! Pure: data in (columns as slices, one entry per respondent), numbers out; no I/O and no knowledge of
//! survey definitions. Typical use:
//!
//! ```
//! use opros::stats::{Design, shares, ShareOptions};
//! let prep = Design::weighted(vec![1.0, 2.0, 1.0, 1.5]).prepare().unwrap();
//! let answers = [Some(0), Some(1), None, Some(1)];
//! let s = shares(&prep, &answers, 2, &ShareOptions::default()).unwrap();
//! assert_eq!(s.base_n, Some(3));
//! ```
//!
//! For a whole report, declare the breakdown variables in [`Design::breakdowns`], prepare once, and call
//! [`summarize_categorical`] / [`summarize_options`] / [`summarize_numeric`] per question: each reads
//! the respondents once and returns the shares (or mean, quantiles) with every crosstab (or mean by
//! breakdown category). [`shares`], [`crosstab`], [`mean`], [`quantiles`] are the same computations one
//! at a time, for any variables.
//!
//! | estimate | R reference | interval |
//! |---|---|---|
//! | share of a category among those who answered | `svymean`, `svyciprop` on `subset(design, !is.na(y))` | logit (default), Korn–Graubard beta, Wilson on n* |
//! | estimated population count | `svytotal(..., na.rm = TRUE)` | — (SE) |
//! | mean | `svymean` | normal, as `confint(svymean)` |
//! | quantile / median | `svyquantile(qrule = "math", interval.type = "mean")` | Woodruff, t on the domain's df |
//! | design effect | `svymean(deff = TRUE)`; Kish `n·Σw²/(Σw)²` | — |
//! | independence test | `svychisq(statistic = "F")` (Rao–Scott second order) | — |
//! | cell flags | slope t test of `svyglm(I(row == k) ~ I(col == j))`, BH across cells | — |
//!
//! Every SE is also given with the weights treated as fixed (`se_fixed`: no calibration residuals).
//! Formulas are documented on each function; the variance machinery (linearisation, domains,
//! calibration residuals, strata/PSU/fpc, lonely PSUs) is in [`variance`]'s module docs and [`Design`].

mod alpha;
mod ci;
mod compare;
mod crosstab;
mod design;
mod dist;
pub mod fay_herriot;
mod fpc;
mod influence;
mod linalg;
mod mean;
mod proportion;
mod quantile;
mod regression;
mod summary;
pub mod suppression;
pub mod variance;

pub use alpha::{cronbach_alpha, Alpha, AlphaNotComputable};
pub use ci::CiMethod;
pub use compare::{difference_of_independent, DifferenceTest};
pub use crosstab::{
    benjamini_hochberg, crosstab, Crosstab, CrosstabCell, CrosstabColumn, CrosstabOptions, Flag, NotTestable, RaoScott,
};
pub use design::{Calibration, Design, Fpc, LonelyPsu, PreparedDesign, WeightingEffect};
pub use mean::{mean, MeanEstimate};
pub use proportion::{option_shares, shares, Proportion, ShareOptions, Shares, SuppressRule};
pub use quantile::{median, quantiles, sample_median, QuantileEstimate};
pub use regression::{svyglm, Coefficient, Family, GlmData, GlmError, GlmFit, WaldTest};
pub use summary::{summarize_categorical, summarize_numeric, summarize_options, CategoricalSummary, NumericSummary};

/// Errors of the statistics layer: problems with the data handed in, said so that the person preparing
/// the data can find them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    #[error("{what} has {got} values but the design has {expected} respondents")]
    LengthMismatch {
        what: &'static str,
        got: usize,
        expected: usize,
    },
    #[error("{what}: respondent {index} has weight {value}; weights must be finite and not negative")]
    BadWeight {
        what: &'static str,
        index: usize,
        value: f64,
    },
    #[error(
        "respondent {index} has category {value}, but the variable has only {categories} categories (0..{categories})"
    )]
    CategoryOutOfRange {
        index: usize,
        value: usize,
        categories: usize,
    },
    #[error("respondent {index} has a value that is not a finite number")]
    NotFinite { index: usize },
    #[error("value {0} is not a finite, valid number")]
    NotFiniteInput(f64),
    #[error("finite population correction {value} for stratum {stratum} is invalid: it must be a population size of at least the {sampled} sampled units (or a sampling fraction in (0, 1])")]
    BadFpc { stratum: usize, value: f64, sampled: usize },
    #[error("finite population correction differs within a stratum (first at respondent {index})")]
    FpcVaries { index: usize },
    #[error("the calibration and breakdown variables have too many category combinations to index")]
    TooManyCalibrationCells,
    #[error("calibration needs at least one calibration variable")]
    NoCalibrationVariables,
    #[error("confidence level {0} must be between 0 and 1 (e.g. 0.95)")]
    BadLevel(f64),
    #[error("quantile probability {0} must be between 0 and 1")]
    BadProbability(f64),
}
