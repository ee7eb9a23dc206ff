//! What each kind of answer looks like outside its typed form: the form fields that give it back (to
//! re-fill a page, and for CSV import), its one CSV cell, its value for the form's script, and its text
//! for a reader (the end of the staff preview). One `match`
//! over [`Answer`] per representation, all here, so that a new kind of answer is added in one place.

use serde_json::{json, Value};

use crate::definition::{Answer, Definition, Question};
use crate::form::fields::Fields;
use crate::i18n;
use crate::report::category_label;

/// The fields that give back `answer` (the inverse of parsing, used to re-fill a page and by CSV import).
pub fn answer_fields(q: &Question, answer: &Answer, out: &mut Fields) {
    let id = &q.id;
    match answer {
        Answer::Choice { code, other_text } => {
            out.push(id.clone(), code.clone());
            if let Some(t) = other_text {
                out.push(format!("{id}.other"), t.clone());
            }
        }
        Answer::Choices { codes, other_text } => {
            for c in codes {
                out.push(id.clone(), c.clone());
            }
            if let Some(t) = other_text {
                out.push(format!("{id}.other"), t.clone());
            }
        }
        Answer::Scale(code) => out.push(id.clone(), code.clone()),
        Answer::Matrix(rows) => {
            for (row, code) in rows {
                out.push(format!("{id}.{row}"), code.clone());
            }
        }
        Answer::Number(x) => out.push(id.clone(), format!("{x}")),
        Answer::Text(t) => out.push(id.clone(), t.clone()),
        Answer::Date(d) => out.push(id.clone(), d.format("%Y-%m-%d").to_string()),
        Answer::Ranking(codes) => {
            for (k, c) in codes.iter().enumerate() {
                out.push(format!("{id}.{c}"), (k + 1).to_string());
            }
        }
        Answer::Points(points) => super::constant_sum::answer_fields(id, points, out),
    }
}

/// One answer as one cell.
pub(crate) fn cell(a: &Answer) -> String {
    match a {
        Answer::Choice { code, .. } | Answer::Scale(code) => code.clone(),
        Answer::Choices { codes, .. } | Answer::Ranking(codes) => codes.join(";"),
        Answer::Matrix(rows) => rows
            .iter()
            .map(|(r, c)| format!("{r}={c}"))
            .collect::<Vec<_>>()
            .join(";"),
        Answer::Number(x) => format!("{x}"),
        Answer::Text(t) => t.clone(),
        Answer::Date(d) => d.format("%Y-%m-%d").to_string(),
        // Constant sums have a column per option (see their `csv_cells`); this is never reached for them.
        Answer::Points(points) => points
            .iter()
            .map(|(o, p)| format!("{o}={p}"))
            .collect::<Vec<_>>()
            .join(";"),
    }
}

/// An answer as the script represents values read from the form: `{"t": "code"|"codes"|"num"|"text"|
/// "date"|"matrix"|"points", "v": …}`.
pub fn answer_json(a: &Answer) -> Value {
    match a {
        Answer::Choice { code, .. } | Answer::Scale(code) => json!({"t": "code", "v": code}),
        Answer::Choices { codes, .. } | Answer::Ranking(codes) => json!({"t": "codes", "v": codes}),
        Answer::Matrix(rows) => json!({"t": "matrix", "v": rows}),
        Answer::Number(x) => json!({"t": "num", "v": x}),
        Answer::Text(t) => json!({"t": "text", "v": t}),
        Answer::Date(d) => json!({"t": "date", "v": d.format("%Y-%m-%d").to_string()}),
        Answer::Points(points) => json!({"t": "points", "v": points}),
    }
}

/// An answer as a respondent would read it: option labels rather than codes, numbers and dates in `lang`.
pub fn answer_text(def: &Definition, q: &Question, a: &Answer, lang: &str) -> String {
    let label = |code: &str| category_label(def, &q.id, code, lang);
    let with_other = |text: String, other: &Option<String>| match other {
        Some(o) if !o.is_empty() => format!("{text} ({o})"),
        _ => text,
    };
    match a {
        Answer::Choice { code, other_text } => with_other(label(code), other_text),
        Answer::Choices { codes, other_text } => with_other(
            codes.iter().map(|c| label(c)).collect::<Vec<_>>().join("; "),
            other_text,
        ),
        Answer::Scale(code) => label(code),
        Answer::Matrix(rows) => rows
            .iter()
            .map(|(row, point)| format!("{}: {}", row_label(def, q, row, lang), label(point)))
            .collect::<Vec<_>>()
            .join("; "),
        Answer::Number(v) => i18n::numbers::with_separator(lang, &crate::chart::trim_number(*v)),
        Answer::Text(t) => t.clone(),
        Answer::Date(d) => i18n::numbers::date(lang, *d),
        Answer::Ranking(codes) => codes
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{}. {}", i + 1, label(c)))
            .collect::<Vec<_>>()
            .join("; "),
        Answer::Points(points) => points
            .iter()
            .map(|(c, p)| format!("{}: {p}", label(c)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The label of one of the question's rows (a matrix's), else the code.
fn row_label(def: &Definition, q: &Question, row: &str, lang: &str) -> String {
    q.kind
        .as_type()
        .described(def, lang)
        .rows
        .iter()
        .find(|r| r.code == row)
        .map_or_else(|| row.to_owned(), |r| def.text(&r.label, lang).to_owned())
}
