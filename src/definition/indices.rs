//! Indices: composite scores of several numeric items (`indices:` in a definition), summarized in reports
//! like a number question.
//!
//! ```yaml
//! indices:
//!   - id: trust
//!     label: {ru: "Индекс доверия", en: "Trust index"}
//!     items: [s1, s2, s3, s4, battery.row1]
//!     method: mean          # or sum
//!     reverse: [s4]         # min + max − value, with the item's scale (or number) range
//!     min_answered: 3       # default: every item
//! ```
//!
//! An item is a scale question (its point codes are numbers), a number question, or a matrix row written
//! `matrix_id.row_code`. A respondent's index is computed from the items answered ("hard to say" is not an
//! answer) when at least `min_answered` are: their mean (`mean`), or the sum of the items prorated to all
//! of them (`sum` = mean × number of items; the plain sum when every item is answered).

use serde::{Deserialize, Serialize};

use super::error::Problem;
use super::locate;
use super::model::{Definition, QuestionKind, Scale};
use super::texts::Texts;

/// One index of a definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    pub id: String,
    pub label: Texts,
    pub items: Vec<String>,
    #[serde(default)]
    pub method: IndexMethod,
    /// Items scored in reverse (`min + max − value`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reverse: Vec<String>,
    /// Fewest items a respondent must answer to get a score; `None` = every item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_answered: Option<usize>,
    /// Name that links the same index across surveys, for trends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track: Option<String>,
}

/// How items make the index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexMethod {
    #[default]
    Mean,
    Sum,
}

impl IndexMethod {
    pub fn name(self) -> &'static str {
        match self {
            IndexMethod::Mean => "mean",
            IndexMethod::Sum => "sum",
        }
    }
}

/// Where an item's values come from.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemSource<'a> {
    /// A scale question: its points' numeric values.
    Scale { question: &'a str, scale: &'a Scale },
    /// A number question.
    Number { question: &'a str },
    /// A row of a matrix question, on the matrix's scale.
    MatrixRow {
        question: &'a str,
        row: &'a str,
        scale: Scale,
    },
}

/// An item resolved against the definition, with the range its reverse scoring uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Item<'a> {
    pub id: &'a str,
    pub source: ItemSource<'a>,
    /// The lowest and highest possible values (scale points, or a number question's `min`/`max`).
    pub range: Option<(f64, f64)>,
    pub reversed: bool,
}

impl Item<'_> {
    /// The item's score for a value: the value, or `min + max − value` when reversed.
    pub fn score(&self, value: f64) -> Option<f64> {
        match (self.reversed, self.range) {
            (false, _) => Some(value),
            (true, Some((lo, hi))) => Some(lo + hi - value),
            (true, None) => None,
        }
    }
}

impl Index {
    /// Fewest answered items for a score.
    pub fn min_items(&self) -> usize {
        self.min_answered.unwrap_or(self.items.len()).max(1)
    }

    /// The index from the items' scores of one respondent (`None` = not answered); `None` when fewer
    /// than [`Index::min_items`] are answered.
    pub fn value(&self, scores: &[Option<f64>]) -> Option<f64> {
        let answered: Vec<f64> = scores.iter().flatten().copied().collect();
        if answered.is_empty() || answered.len() < self.min_items() {
            return None;
        }
        let mean = answered.iter().sum::<f64>() / answered.len() as f64;
        Some(match self.method {
            IndexMethod::Mean => mean,
            IndexMethod::Sum if answered.len() == scores.len() => answered.iter().sum(),
            IndexMethod::Sum => mean * scores.len() as f64,
        })
    }

    /// The items resolved against `def`; `Err` with the message of the first item that is not usable.
    pub fn resolve<'a>(&'a self, def: &'a Definition) -> Result<Vec<Item<'a>>, String> {
        self.items.iter().map(|id| self.item(def, id)).collect()
    }

    fn item<'a>(&'a self, def: &'a Definition, id: &'a str) -> Result<Item<'a>, String> {
        let (qid, row) = match id.split_once('.') {
            Some((q, r)) => (q, Some(r)),
            None => (id, None),
        };
        let valid = || numeric_items(def).join(", ");
        let q = def
            .question(qid)
            .ok_or_else(|| format!("item '{id}' is not a question; valid items: {}", valid()))?;
        let reversed = self.reverse.iter().any(|r| r == id);
        let (source, range) = match (&q.kind, row) {
            (QuestionKind::Scale(s), None) => (ItemSource::Scale { question: qid, scale: s }, scale_range(s)),
            (QuestionKind::Number(n), None) => (
                ItemSource::Number { question: qid },
                n.min.zip(n.max).filter(|(lo, hi)| lo < hi),
            ),
            (QuestionKind::Matrix(m), Some(r)) => {
                if !m.rows.iter().any(|o| o.code == r) {
                    let rows: Vec<&str> = m.rows.iter().map(|o| o.code.as_str()).collect();
                    return Err(format!(
                        "item '{id}': '{r}' is not a row of matrix '{qid}'; its rows: {}",
                        rows.join(", ")
                    ));
                }
                let scale = m.scale();
                let range = scale_range(&scale);
                (ItemSource::MatrixRow { question: qid, row: r, scale }, range)
            }
            (QuestionKind::Matrix(_), None) => {
                return Err(format!(
                    "item '{id}' is a matrix: name one of its rows as '{id}.ROW'; valid items: {}",
                    valid()
                ))
            }
            (kind, _) => {
                return Err(format!(
                    "item '{id}' is a {} question; an index item is a scale, a number or a matrix row (matrix.row); valid items: {}",
                    kind.name(),
                    valid()
                ))
            }
        };
        let scale = match &source {
            ItemSource::Scale { scale, .. } => Some(*scale),
            ItemSource::MatrixRow { scale, .. } => Some(scale),
            ItemSource::Number { .. } => None,
        };
        if let Some(s) = scale {
            if let Some(p) = s.points.iter().find(|p| s.value(&p.code).is_none()) {
                return Err(format!(
                    "item '{id}': scale point '{}' is not a number, so the scale cannot be scored",
                    p.code
                ));
            }
        }
        if reversed && range.is_none() {
            return Err(format!(
                "item '{id}' is reverse-coded but has no range: a number item needs both min and max"
            ));
        }
        Ok(Item {
            id,
            source,
            range,
            reversed,
        })
    }
}

/// The lowest and highest point values of a scale.
fn scale_range(s: &Scale) -> Option<(f64, f64)> {
    let values: Vec<f64> = s.points.iter().filter_map(|p| s.value(&p.code)).collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo.is_finite() && hi > lo).then_some((lo, hi))
}

/// Every item an index may use: scale and number questions, and matrix rows.
fn numeric_items(def: &Definition) -> Vec<String> {
    def.questions()
        .flat_map(|(_, q)| match &q.kind {
            QuestionKind::Scale(_) | QuestionKind::Number(_) => vec![q.id.clone()],
            QuestionKind::Matrix(m) => m.rows.iter().map(|r| format!("{}.{}", q.id, r.code)).collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// Every problem of the definition's indices, located at the index's `id:` line.
pub(crate) fn check(def: &Definition, source: &str, file: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (k, index) in def.indices.iter().enumerate() {
        let id = index.id.as_str();
        let mut say = |message: String| {
            let line = locate::item(source, "indices", id).or_else(|| locate::top_key(source, "indices"));
            problems.push(Problem::new(file, line, None, format!("index '{id}': {message}")));
        };
        if !super::valid_id(id) {
            say("the id must be a letter then letters, digits and '_'".to_owned());
        }
        let taken = def.question(id).is_some()
            || def.derived_variable(id).is_some()
            || def.indices[..k].iter().any(|i| i.id == id);
        if taken {
            say("the id is already used by a question, a derived variable or another index".to_owned());
        }
        if index.items.is_empty() {
            say("items is empty: list the questions it is computed from".to_owned());
        }
        for (j, item) in index.items.iter().enumerate() {
            if index.items[..j].contains(item) {
                say(format!("item '{item}' is listed twice"));
            }
            if let Err(message) = index.item(def, item) {
                say(message);
            }
        }
        for r in &index.reverse {
            if !index.items.contains(r) {
                say(format!("reverse-coded '{r}' is not one of its items"));
            }
        }
        match index.min_answered {
            Some(0) => say("min_answered must be at least 1".to_owned()),
            Some(m) if m > index.items.len() => say(format!(
                "min_answered is {m} but the index has {} items",
                index.items.len()
            )),
            _ => {}
        }
        if let Some(lang) = def.languages.first() {
            if index.label.exact(lang).is_none() {
                say(format!("the label has no text in the default language '{lang}'"));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(method: IndexMethod, min: Option<usize>) -> Index {
        Index {
            id: "i".into(),
            label: Texts::from_pairs([("en", "I")]),
            items: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            method,
            reverse: Vec::new(),
            min_answered: min,
            track: None,
        }
    }

    #[test]
    fn mean_and_prorated_sum_of_the_answered_items() {
        let scores = [Some(1.0), Some(2.0), None, Some(6.0)];
        assert_eq!(index(IndexMethod::Mean, Some(3)).value(&scores), Some(3.0));
        assert_eq!(index(IndexMethod::Sum, Some(3)).value(&scores), Some(12.0));
        assert_eq!(index(IndexMethod::Mean, None).value(&scores), None);
        let all = [Some(1.0), Some(2.0), Some(4.0), Some(6.0)];
        assert_eq!(index(IndexMethod::Sum, None).value(&all), Some(13.0));
        assert_eq!(index(IndexMethod::Mean, Some(1)).value(&[None; 4]), None);
    }

    fn problems(indices: &str) -> String {
        let yaml = format!(
            "slug: m\ntitle: {{en: M}}\ntopic: health\nlanguages: [en]\npages:\n  - id: p\n    questions:\n      \
             - id: m\n        type: matrix\n        text: {{en: M}}\n        rows: [{{code: r1, label: {{en: R1}}}}, \
             {{code: r2, label: {{en: R2}}}}]\n        points: [{{code: 1, label: {{en: \"1\"}}}}, {{code: 2, label: \
             {{en: \"2\"}}}}]\n      - id: n\n        type: number\n        text: {{en: N}}\n        min: 0\n\
             indices:\n{indices}"
        );
        match crate::definition::parse_definition(&yaml, "m.yaml") {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn matrix_rows_are_items_and_numbers_need_a_range_to_be_reversed() {
        let ok = problems("  - {id: i, label: {en: I}, items: [m.r1, m.r2, n], reverse: [m.r2]}\n");
        assert_eq!(ok, "");
        let e = problems("  - {id: i, label: {en: I}, items: [m.r1, n], reverse: [n]}\n");
        assert!(e.contains("item 'n' is reverse-coded but has no range"), "{e}");
        let e = problems("  - {id: i, label: {en: I}, items: [m, n]}\n");
        assert!(
            e.contains("item 'm' is a matrix: name one of its rows as 'm.ROW'"),
            "{e}"
        );
        let e = problems("  - {id: i, label: {en: I}, items: [m.r9, n]}\n");
        assert!(e.contains("'r9' is not a row of matrix 'm'; its rows: r1, r2"), "{e}");
    }
}
