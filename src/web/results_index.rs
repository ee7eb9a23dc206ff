//! What the results and methodology pages show of indices (composite scores) and of a scale's balance of
//! opinions: texts and formatted numbers from the summary, in the page's language.

use serde::Serialize;

use super::view_format::num;
use crate::i18n::{self, Args};
use crate::report::{Estimates, QuestionSummary};

/// A balance of opinions as the page shows it: "+12.3 pp (95% interval …)".
#[derive(Debug, Clone, Serialize)]
pub struct BalanceView {
    pub value: String,
    pub interval: String,
    /// What the balance is: share of the top points minus share of the bottom points.
    pub note: String,
}

/// The balance of a question, when it has one and it is published.
pub fn balance_view(q: &QuestionSummary, lang: &str) -> Option<BalanceView> {
    let b = q.balance.as_ref()?;
    if b.estimates.suppressed {
        return None;
    }
    let label = |codes: &[String]| {
        codes
            .iter()
            .map(|c| {
                q.estimates
                    .options
                    .iter()
                    .find(|o| o.code == *c)
                    .map_or_else(|| c.clone(), |o| format!("«{}»", o.label))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(BalanceView {
        value: points(lang, b.estimates.mean)?,
        interval: interval_points(lang, &b.estimates),
        note: i18n::text_with(
            lang,
            "results-balance-note",
            &Args::new().str("top", label(&b.top)).str("bottom", label(&b.bottom)),
        ),
    })
}

/// The balance of opinions of a breakdown row as the table shows it: value and interval in percentage points,
/// "—" and no interval when it is suppressed or has no estimate.
pub fn balance_cells(lang: &str, e: Option<&Estimates>) -> (String, String) {
    match e
        .filter(|e| !e.suppressed)
        .and_then(|e| Some((points(lang, e.mean)?, e)))
    {
        Some((value, e)) => (value, interval_points(lang, e)),
        None => ("—".to_owned(), String::new()),
    }
}

/// A difference of shares in percentage points with its sign: "+12,3".
fn points(lang: &str, v: Option<f64>) -> Option<String> {
    let v = v?;
    Some(i18n::numbers::with_separator(lang, &format!("{:+.1}", v * 100.0)))
}

fn interval_points(lang: &str, e: &Estimates) -> String {
    match (points(lang, e.ci_low), points(lang, e.ci_high)) {
        (Some(a), Some(b)) => format!("{a}; {b}"),
        _ => String::new(),
    }
}

/// The axis of an index's trend: from 0 (or below, for negative scores) to a round number above every
/// interval's upper end of this wave.
pub fn index_axis(q: &QuestionSummary) -> Option<(f64, f64, Vec<f64>)> {
    q.index.as_ref()?;
    let e = &q.estimates;
    let top = [e.ci_high, e.mean].into_iter().flatten().fold(0.0_f64, f64::max);
    let low = e.ci_low.filter(|v| *v < 0.0).unwrap_or(0.0);
    let (max, ticks) = crate::chart::nice_axis(top);
    (max > low).then_some((low, max, ticks))
}

/// The note under an index's heading: what it is the mean (or sum) of.
pub fn index_note(q: &QuestionSummary, lang: &str) -> Option<String> {
    let ix = q.index.as_ref()?;
    let args = Args::new()
        .num("count", ix.items.len() as f64)
        .num("min", ix.min_answered as f64);
    Some(i18n::text_with(
        lang,
        &format!("results-index-note-{}", ix.method.name()),
        &args,
    ))
}

/// An index on the methodology page: its items and Cronbach's α.
#[derive(Debug, Clone, Serialize)]
pub struct IndexMethodology {
    pub id: String,
    pub label: String,
    pub note: String,
    pub items: Vec<IndexItemView>,
    pub alpha: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexItemView {
    pub id: String,
    pub label: String,
    pub reversed: Option<String>,
}

/// Every index of the summary, for the methodology page.
pub fn methodology_indices(questions: &[QuestionSummary], lang: &str) -> Vec<IndexMethodology> {
    questions
        .iter()
        .filter_map(|q| {
            let ix = q.index.as_ref()?;
            let alpha = match (ix.alpha, ix.alpha_not_computable) {
                (Some(a), _) => i18n::text_with(
                    lang,
                    "methodology-index-alpha",
                    &Args::new()
                        .str("alpha", num(lang, Some(a), 3))
                        .str("std", num(lang, ix.alpha_standardized, 3))
                        .num("n", ix.alpha_n.unwrap_or(0) as f64),
                ),
                (None, Some(why)) => i18n::text(lang, &format!("methodology-index-alpha-{}", why.name())),
                (None, None) => i18n::text(lang, "methodology-index-alpha-suppressed"),
            };
            Some(IndexMethodology {
                id: q.id.clone(),
                label: q.text.clone(),
                note: index_note(q, lang).unwrap_or_default(),
                items: ix
                    .items
                    .iter()
                    .map(|i| IndexItemView {
                        id: i.id.clone(),
                        label: i.label.clone(),
                        reversed: i.reversed.then(|| i18n::text(lang, "methodology-index-reversed")),
                    })
                    .collect(),
                alpha,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn points_are_signed_with_the_locale_separator() {
        assert_eq!(super::points("ru", Some(0.1234)).as_deref(), Some("+12,3"));
        assert_eq!(super::points("en", Some(-0.05)).as_deref(), Some("-5.0"));
    }
}
