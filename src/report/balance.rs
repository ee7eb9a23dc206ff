//! Balance of opinions of a scale: the share of its top points minus the share of its bottom points (the
//! definition's `balance: {top: […], bottom: […]}`), among everyone who answered ("hard to say" included
//! in the base), the statistic consumer-confidence indices are built from.
//!
//! It is the mean of `d_i = +1` (top), `−1` (bottom), `0` (other points, "hard to say"): a linear contrast
//! of the shares, so its SE is that of the mean with the design's linearisation (covariances of the two
//! shares included: `Var(p_top − p_bottom) = Var(p_top) + Var(p_bottom) − 2 Cov`), R
//! `svymean(~I((y %in% top) − (y %in% bottom)), subset(design, !is.na(y)))` or equivalently
//! `svycontrast(svymean(~factor(y)), …)`. By breakdown category it is that category's domain mean.

use serde::Serialize;

use crate::definition::{Question, QuestionKind};
use crate::stats;

use super::columns::Column;
use super::questions::{numeric_estimates, Ctx};
use super::{Breakdown, Estimates, ReportError, LEVEL};

/// A scale's balance of opinions (JSON `balance` of a question).
#[derive(Debug, Clone, Serialize)]
pub struct BalanceSummary {
    pub top: Vec<String>,
    pub bottom: Vec<String>,
    /// `mean` is the balance (from −1 to 1), with `se`, `ci_low`, `ci_high`; `base_n` who answered.
    #[serde(flatten)]
    pub estimates: Estimates,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub breakdowns: Vec<Breakdown>,
}

impl Ctx<'_> {
    /// The balance of `q` when its definition asks for one.
    pub(super) fn balance(&self, q: &Question, column: &Column) -> Result<Option<BalanceSummary>, ReportError> {
        let (QuestionKind::Scale(s), Column::Categorical { codes, values, .. }) = (&q.kind, column) else {
            return Ok(None);
        };
        let Some(b) = &s.balance else { return Ok(None) };
        let top: Vec<String> = b.top.iter().map(|c| c.0.clone()).collect();
        let bottom: Vec<String> = b.bottom.iter().map(|c| c.0.clone()).collect();
        let sign: Vec<f64> = codes
            .iter()
            .map(|c| {
                if top.contains(&c.code) {
                    1.0
                } else if bottom.contains(&c.code) {
                    -1.0
                } else {
                    0.0
                }
            })
            .collect();
        let d: Vec<Option<f64>> = values.iter().map(|v| v.map(|k| sign[k])).collect();
        let sum = stats::summarize_numeric(self.prep, &d, &[], LEVEL)?;
        let estimates = numeric_estimates(sum.mean.clone(), None, self.min_cell);
        let breakdowns = self.each_breakdown(|b, _, j| {
            Ok(match sum.by.get(b).and_then(|by| by.get(j)).cloned() {
                Some(m) => numeric_estimates(m, None, self.min_cell),
                None => Estimates::default(),
            })
        })?;
        Ok(Some(BalanceSummary {
            top,
            bottom,
            estimates,
            breakdowns: breakdowns.into_iter().map(|(b, _)| b).collect(),
        }))
    }
}
