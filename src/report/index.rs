//! Indices (composite scores, `definition::indices`) summarized like a number question: each analysed
//! respondent's score from the items' columns (so filters and breakdowns apply as to any question), its
//! design-based mean, median and breakdowns, and Cronbach's α of the items (`stats::cronbach_alpha`) on the
//! respondents who answered every item (unweighted, as R `psych::alpha`).

use serde::Serialize;

use crate::definition::indices::{Index, IndexMethod, Item, ItemSource};
use crate::definition::{Definition, QuestionKind};
use crate::stats::{self, AlphaNotComputable};

use super::columns::Column;
use super::questions::Ctx;
use super::{QuestionSummary, ReportError};

/// What an index is made of, and how consistent its items are (JSON `index` of a question of type
/// `index`).
#[derive(Debug, Clone, Serialize)]
pub struct IndexSummary {
    /// `mean` or `sum` of the items.
    pub method: IndexMethod,
    /// Fewest items answered for a score.
    pub min_answered: usize,
    pub items: Vec<IndexItem>,
    /// Cronbach's α (raw), when computable and not suppressed.
    pub alpha: Option<f64>,
    /// Standardized α (from the items' correlations).
    pub alpha_standardized: Option<f64>,
    /// Respondents who answered every item (the cases of α); `None` when suppressed.
    pub alpha_n: Option<u64>,
    /// Why α is not given: `one_item`, `too_few_cases`, `zero_variance`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_not_computable: Option<AlphaNotComputable>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_standardized_not_computable: Option<AlphaNotComputable>,
    /// α is withheld because fewer than `min_cell` respondents answered every item.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub alpha_suppressed: bool,
}

/// One item of an index.
#[derive(Debug, Clone, Serialize)]
pub struct IndexItem {
    pub id: String,
    pub label: String,
    /// Scored as `min + max − value`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reversed: bool,
}

/// Whether an index is published: every question its items come from is (or the staff view asks for all).
pub(super) fn published(def: &Definition, index: &Index, all: bool) -> bool {
    all || index.items.iter().all(|i| {
        let q = i.split_once('.').map_or(i.as_str(), |(q, _)| q);
        def.report.publish.includes(q)
    })
}

impl Ctx<'_> {
    /// The summary of an index; `None` when its items do not resolve (a definition that was not validated).
    pub(super) fn index(&self, def: &Definition, index: &Index) -> Result<Option<QuestionSummary>, ReportError> {
        let Ok(items) = index.resolve(def) else {
            return Ok(None);
        };
        let scores: Vec<Vec<Option<f64>>> = items.iter().map(|i| self.item_scores(def, i)).collect();
        let n = self.cols.len();
        let mut values = Vec::with_capacity(n);
        let mut complete = Vec::new();
        let mut row = vec![None; items.len()];
        for r in 0..n {
            for (slot, s) in row.iter_mut().zip(&scores) {
                *slot = s.get(r).copied().flatten();
            }
            values.push(index.value(&row));
            if row.iter().all(Option::is_some) {
                complete.push(row.iter().flatten().copied().collect::<Vec<f64>>());
            }
        }
        let (estimates, breakdowns) = self.numeric(&values)?;
        let alpha = stats::cronbach_alpha(&complete, items.len());
        let suppressed = alpha.is_ok() && (complete.len() as u64) < self.min_cell;
        let summary = IndexSummary {
            method: index.method,
            min_answered: index.min_items(),
            items: items.iter().map(|i| self.item_label(def, i)).collect(),
            alpha: alpha.ok().filter(|_| !suppressed).map(|a| a.raw),
            alpha_standardized: alpha.ok().filter(|_| !suppressed).and_then(|a| a.standardized.ok()),
            alpha_n: (!suppressed).then_some(complete.len() as u64),
            alpha_not_computable: alpha.err(),
            alpha_standardized_not_computable: alpha.ok().and_then(|a| a.standardized.err()),
            alpha_suppressed: suppressed,
        };
        Ok(Some(QuestionSummary {
            id: index.id.clone(),
            kind: super::QuestionType::Index,
            text: index.label.get(self.lang).to_owned(),
            track: index.track.clone(),
            coding: None,
            estimates,
            rows: Vec::new(),
            breakdowns,
            balance: None,
            index: Some(summary),
        }))
    }

    /// An item's score per analysed respondent (reversed when asked; "hard to say" and outside a filter's
    /// subgroup read as missing).
    fn item_scores(&self, def: &Definition, item: &Item<'_>) -> Vec<Option<f64>> {
        let question = match &item.source {
            ItemSource::Scale { question, .. }
            | ItemSource::Number { question }
            | ItemSource::MatrixRow { question, .. } => *question,
        };
        let Some(q) = def.question(question) else {
            return vec![None; self.cols.len()];
        };
        let column = self.cols.question(q, self.lang);
        let values: Vec<Option<f64>> = match (&item.source, column) {
            (ItemSource::MatrixRow { row, .. }, Column::Matrix(rows)) => rows
                .into_iter()
                .find(|(code, _, _)| code == row)
                .and_then(|(_, _, c)| match c {
                    Column::Categorical { numeric, .. } => numeric,
                    _ => None,
                })
                .unwrap_or_default(),
            (_, Column::Categorical { numeric, .. }) => numeric.unwrap_or_default(),
            (_, Column::Numeric(y)) => y,
            _ => Vec::new(),
        };
        if values.len() != self.cols.len() {
            return vec![None; self.cols.len()];
        }
        values.into_iter().map(|v| v.and_then(|x| item.score(x))).collect()
    }

    fn item_label(&self, def: &Definition, item: &Item<'_>) -> IndexItem {
        let label = match &item.source {
            ItemSource::MatrixRow { question, row, .. } => def.question(question).map(|q| {
                let row_label = match &q.kind {
                    QuestionKind::Matrix(m) => m
                        .rows
                        .iter()
                        .find(|r| r.code == *row)
                        .map(|r| r.label.get(self.lang).to_owned()),
                    _ => None,
                };
                format!("{} — {}", q.text.get(self.lang), row_label.unwrap_or_default())
            }),
            ItemSource::Scale { question, .. } | ItemSource::Number { question } => {
                def.question(question).map(|q| q.text.get(self.lang).to_owned())
            }
        };
        IndexItem {
            id: item.id.to_owned(),
            label: label.unwrap_or_else(|| item.id.to_owned()),
            reversed: item.reversed,
        }
    }
}
