//! One pass per question: shares and every crosstab by the design's declared breakdown variables.
//!
//! The unit-cells of a [`PreparedDesign`] built with [`Design::breakdowns`] are fine enough that each
//! determines the respondent's breakdown categories, so the per-(unit-cell, answer) sums collected for a
//! question's shares also give its table by every breakdown, without reading the respondents again.
//! Results are identical to [`super::shares`] and [`super::crosstab`].
//!
//! [`Design::breakdowns`]: super::Design::breakdowns

use serde::Serialize;

use super::ci::check_level;
use super::crosstab::{crosstab_from_table, Crosstab, CrosstabOptions};
use super::design::PreparedDesign;
use super::mean::{mean_from_table, numeric_table, MeanEstimate};
use super::proportion::{check_column, shares_from_table, Shares};
use super::quantile::{quantiles, QuantileEstimate};
use super::variance::GroupTable;
use super::StatsError;

/// A question's shares and its crosstab by each declared breakdown (in declaration order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoricalSummary {
    pub shares: Shares,
    pub crosstabs: Vec<Crosstab>,
}

/// Shares of `x` (categories `0..n_categories`) and its crosstab by every breakdown of the design.
pub fn summarize_categorical(
    prep: &PreparedDesign,
    x: &[Option<usize>],
    n_categories: usize,
    opts: &CrosstabOptions,
) -> Result<CategoricalSummary, StatsError> {
    check_level(opts.shares.level)?;
    let t = categorical_table(prep, x, n_categories)?;
    Ok(summary_from_table(prep, &t, n_categories, opts))
}

/// A multiple-choice question: for each option (`Some(true)` chosen, `Some(false)` not, `None` not
/// answered) its yes/no summary; the share of choosing it is category 1 of `shares` and of every
/// crosstab column.
pub fn summarize_options(
    prep: &PreparedDesign,
    options: &[&[Option<bool>]],
    opts: &CrosstabOptions,
) -> Result<Vec<CategoricalSummary>, StatsError> {
    check_level(opts.shares.level)?;
    options
        .iter()
        .map(|col| {
            check_column(prep, col.len(), "multiple-choice option")?;
            let t = GroupTable::build(prep, 3, |i| col[i].map_or(0, |b| 1 + usize::from(b)));
            Ok(summary_from_table(prep, &t, 2, opts))
        })
        .collect()
}

/// Groups `0` = not answered, `1 + k` = category `k`; an out-of-range category is an error.
pub(crate) fn categorical_table(
    prep: &PreparedDesign,
    x: &[Option<usize>],
    k: usize,
) -> Result<GroupTable, StatsError> {
    check_column(prep, x.len(), "categorical variable")?;
    let bad = std::cell::Cell::new(None::<usize>);
    let t = GroupTable::build(prep, k + 1, |i| match x[i] {
        Some(v) if v < k => v + 1,
        Some(_) => {
            if bad.get().is_none() {
                bad.set(Some(i));
            }
            0
        }
        None => 0,
    });
    match bad.get() {
        Some(index) => Err(StatsError::CategoryOutOfRange {
            index,
            value: x[index].unwrap_or_default(),
            categories: k,
        }),
        None => Ok(t),
    }
}

fn summary_from_table(prep: &PreparedDesign, t: &GroupTable, k: usize, opts: &CrosstabOptions) -> CategoricalSummary {
    let shares = shares_from_table(prep, t, k, &opts.shares, |_| true);
    let crosstabs = prep
        .uc_breakdown
        .iter()
        .zip(&prep.breakdown_levels)
        .map(|(by, c)| {
            let joint = t.regroup_by_unit_cell(k * c + 1, |uc, g| match by[uc] {
                Some(j) if g >= 1 => g + k * j,
                _ => 0,
            });
            crosstab_from_table(prep, &joint, k, *c, opts)
        })
        .collect();
    CategoricalSummary { shares, crosstabs }
}

/// A numeric question: mean, quantiles, and the mean within each category of every declared breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NumericSummary {
    pub mean: MeanEstimate,
    pub quantiles: Vec<QuantileEstimate>,
    /// `by[b][j]`: the mean among respondents in category `j` of breakdown `b` (domain estimation, as
    /// R `svyby(~y, ~b, design, svymean)`).
    pub by: Vec<Vec<MeanEstimate>>,
}

/// Mean, quantiles at `probs` (e.g. `[0.5]` for the median) and means by every declared breakdown.
pub fn summarize_numeric(
    prep: &PreparedDesign,
    y: &[Option<f64>],
    probs: &[f64],
    level: f64,
) -> Result<NumericSummary, StatsError> {
    let t = numeric_table(prep, y, level)?;
    let mean = mean_from_table(prep, &t, level);
    let quantiles = quantiles(prep, y, probs, level)?;
    let by = prep
        .uc_breakdown
        .iter()
        .zip(&prep.breakdown_levels)
        .map(|(by, levels)| {
            (0..*levels)
                .map(|j| {
                    let dom = t.regroup_by_unit_cell(2, |uc, g| usize::from(g == 1 && by[uc] == Some(j)));
                    mean_from_table(prep, &dom, level)
                })
                .collect()
        })
        .collect();
    Ok(NumericSummary { mean, quantiles, by })
}
