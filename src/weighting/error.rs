//! The one error type of the weighting layer. Every message says what is wrong, where, and what to do.

use thiserror::Error;

/// Why weights could not be computed (or why targets/schemes are unusable).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum WeightingError {
    /// The scheme itself is unusable (no variables, logit without bounds, bad tolerance, …).
    #[error("bad weighting scheme: {0}")]
    BadScheme(String),

    /// The population targets are malformed (empty margin, cells over different variables, duplicates, …).
    #[error("bad population targets: {0}")]
    BadTargets(String),

    /// The respondents' data do not fit the request (lengths, unknown codes, …).
    #[error("bad sample: {0}")]
    BadSample(String),

    /// A weighting variable named in the scheme is not among the respondents' variables.
    #[error("the weighting variable `{0}` is not in the respondents' data")]
    MissingVariable(String),

    /// The targets say nothing about a weighting variable.
    #[error(
        "the population targets have no figures for `{0}`: add `margins: {{{0}: {{category: count, …}}}}` \
         (or joint `cells:` for post-stratification)"
    )]
    NoTargetsFor(String),

    /// A starting (design) weight that is not a positive finite number.
    #[error("the starting weight of respondent #{row} is {value}; starting weights must be positive numbers")]
    BadBaseWeight { row: usize, value: f64 },

    /// Nobody is left to weight (everyone excluded for missing values, or an empty file).
    #[error(
        "no respondent can be weighted: {excluded} of {n} have a missing value on a weighting variable \
         (choose `missing: impute_mode` or fill in the values)"
    )]
    NoRespondents { n: usize, excluded: usize },

    /// A target that is negative, not a number, or zero while respondents are in it.
    #[error("the population target for {what} is {value}; targets must be positive numbers")]
    BadTarget { what: String, value: f64 },

    /// The margins (or cells) do not add up to the same population total.
    #[error(
        "the population figures disagree on the total: {what} add up to {sum}, but the total is {total} \
         ({percent:.2}% apart; up to 0.5% is accepted as rounding and scaled away)"
    )]
    TotalsDisagree {
        what: String,
        sum: f64,
        total: f64,
        percent: f64,
    },

    /// A target category (margin) with no respondent in the sample.
    #[error(
        "nobody in the sample has `{variable}` = `{category}` (population target {target}); collapse this \
         category with a neighbouring one in both the data and the targets, or drop `{variable}` from the scheme"
    )]
    EmptyCategory {
        variable: String,
        category: String,
        target: f64,
    },

    /// A post-stratification cell with no respondent in the sample.
    #[error(
        "nobody in the sample is in the cell {cell} (population target {target}); collapse categories so that \
         every cell has respondents, or use `method: raking` on the margins instead"
    )]
    EmptyCell { cell: String, target: f64 },

    /// Respondents in a category the targets do not know.
    #[error(
        "{n} respondent(s) have `{variable}` = `{category}`, a category absent from the population targets; \
         add it to the targets or recode it into a category that is there"
    )]
    UnknownCategory { variable: String, category: String, n: u64 },

    /// Respondents in a joint cell the post-stratification targets do not list.
    #[error(
        "{n} respondent(s) are in the cell {cell}, which has no population count in `cells:`; add the cell \
         or collapse categories"
    )]
    UnknownCell { cell: String, n: u64 },

    /// Raking or calibration stopped before every margin matched its target.
    #[error(
        "{method} did not converge after {iterations} iterations: the weighted total of `{variable}` = \
         `{category}` is still {gap:.2e} (relative) away from its target; look for contradictory targets or \
         near-empty categories, collapse them, or raise `max_iterations`"
    )]
    NotConverged {
        method: String,
        iterations: usize,
        gap: f64,
        variable: String,
        category: String,
    },

    /// Calibration within the bounds on g = w / d has no solution for this sample.
    #[error(
        "no weights with w / starting weight within [{lower}, {upper}] reproduce the targets (after {iterations} \
         iterations `{variable}` = `{category}` is still {gap:.2e} away, relative): widen `bounds` or collapse \
         categories"
    )]
    BoundsInfeasible {
        lower: f64,
        upper: f64,
        iterations: usize,
        gap: f64,
        variable: String,
        category: String,
    },

    /// Trimming bounds that cannot hold while keeping the total.
    #[error(
        "weights cannot be trimmed to [{lower}, {upper}] while keeping their total {total} over {n} respondents \
         (the mean weight {mean} must lie within the bounds); widen `trim`"
    )]
    TrimInfeasible {
        lower: f64,
        upper: f64,
        total: f64,
        n: usize,
        mean: f64,
    },
}
