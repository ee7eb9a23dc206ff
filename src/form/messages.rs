//! What the respondent reads that does not come from the definition: error messages and the words of the
//! form. The texts themselves are in the message catalogs (`locales/*/form.ftl`); any language without a
//! catalog reads English.

use chrono::NaiveDate;

use crate::definition::Texts;
use crate::i18n::{self, Args};

/// One problem with one field (or with the page as a whole).
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    Required,
    /// A single-valued field was sent more than once.
    OneValue,
    UnknownOption(String),
    TooManyChoices(usize),
    TooFewChoices(usize),
    /// An exclusive option ("none of these") together with others.
    Exclusive(Texts),
    NotANumber,
    NotInteger,
    BelowMin(f64),
    AboveMax(f64),
    TooLong {
        max: usize,
        len: usize,
    },
    NotADate,
    DateBefore(NaiveDate),
    DateAfter(NaiveDate),
    RankNotNumber,
    RankOutOfRange(usize),
    RankDuplicate(u32),
    RankAll,
    MatrixIncomplete,
    /// A constant-sum box holds something other than a whole number of at least 0.
    PointsNotWhole,
    /// The points of a constant-sum question do not add up to its total.
    PointsSum {
        total: u32,
        sum: u64,
    },
    /// A field that belongs to no question of this page.
    UnknownField(String),
    /// Several unknown fields, reported once.
    UnknownFields {
        count: usize,
        first: String,
    },
    /// The page was submitted faster than a person can read it.
    TooFast,
}

/// A number without a needless `.0`.
fn num(x: f64) -> String {
    format!("{x}")
}

/// A date as the language writes it: 30.06.2027 in Russian, ISO 2027-06-30 otherwise.
fn date(lang: &str, d: &NaiveDate) -> String {
    if lang == "ru" {
        d.format("%d.%m.%Y").to_string()
    } else {
        d.to_string()
    }
}

impl Problem {
    /// The message shown next to the field and in the error summary.
    pub fn message(&self, lang: &str) -> String {
        let (id, args) = self.catalog_message(lang);
        i18n::text_with(lang, id, &args)
    }

    /// The catalog id of this problem's message and its arguments.
    fn catalog_message(&self, lang: &str) -> (&'static str, Args) {
        let a = Args::new();
        match self {
            Problem::Required => ("problem-required", a),
            Problem::OneValue => ("problem-one-value", a),
            Problem::UnknownOption(c) => ("problem-unknown-option", a.str("code", c.as_str())),
            Problem::TooManyChoices(m) => ("problem-too-many-choices", a.str("max", m.to_string())),
            Problem::TooFewChoices(m) => ("problem-too-few-choices", a.str("min", m.to_string())),
            Problem::Exclusive(label) => ("problem-exclusive", a.str("label", label.get(lang))),
            Problem::NotANumber => ("problem-not-a-number", a),
            Problem::NotInteger => ("problem-not-integer", a),
            Problem::BelowMin(m) => ("problem-below-min", a.str("min", num(*m))),
            Problem::AboveMax(m) => ("problem-above-max", a.str("max", num(*m))),
            Problem::TooLong { max, len } => ("problem-too-long", a.count("len", *len).str("max", max.to_string())),
            Problem::NotADate => ("problem-not-a-date", a),
            Problem::DateBefore(d) => ("problem-date-before", a.str("date", date(lang, d))),
            Problem::DateAfter(d) => ("problem-date-after", a.str("date", date(lang, d))),
            Problem::RankNotNumber => ("problem-rank-not-number", a),
            Problem::RankOutOfRange(n) => ("problem-rank-out-of-range", a.str("max", n.to_string())),
            Problem::RankDuplicate(k) => ("problem-rank-duplicate", a.str("rank", k.to_string())),
            Problem::RankAll => ("problem-rank-all", a),
            Problem::MatrixIncomplete => ("problem-matrix-incomplete", a),
            Problem::PointsNotWhole => ("problem-points-not-whole", a),
            Problem::PointsSum { total, sum } => (
                "problem-points-sum",
                a.str("total", total.to_string()).str("sum", sum.to_string()),
            ),
            Problem::UnknownField(name) => ("problem-unknown-field", a.str("name", name.as_str())),
            Problem::UnknownFields { count, first } => (
                "problem-unknown-fields",
                a.count("count", *count).str("first", first.as_str()),
            ),
            Problem::TooFast => ("problem-too-fast", a),
        }
    }
}

/// The catalog ids of the form's fixed words start with this; templates read them as `ui.<key>`.
const UI_PREFIX: &str = "ui-";

/// The fixed words of the form pages, by key, for templates.
pub fn ui(lang: &str) -> serde_json::Value {
    i18n::table(lang, UI_PREFIX)
}

/// One fixed word of the form pages ("" for an unknown key), without building the whole table.
pub fn ui_text(lang: &str, key: &str) -> &'static str {
    i18n::static_text(lang, &format!("{UI_PREFIX}{key}"))
}
