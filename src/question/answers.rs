//! What each kind of answer looks like outside its typed form: the form fields that give it back (to
//! re-fill a page, and for CSV import), its one CSV cell, its value for the form's script, and its text
//! for a reader (the end of the staff preview). One `match`
//! over [`Answer`] per representation, all here, so that a new kind of answer is added in one place.

use serde_json::{json, Value};

use crate::definition::{Answer, AnswerOption, Definition, Question};
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
    // The question's own items (options, scale or matrix points, "other", "hard to say", a matrix's rows)
    // name the codes of every type; a code none of them has (an answer from another version) is looked up
    // as a category of the variable, and shown as it is when that fails too.
    let described = q.kind.as_type().described(def, lang);
    let find = |items: &[&AnswerOption], code: &str| {
        items
            .iter()
            .find(|o| o.code == code)
            .map(|o| def.text(&o.label, lang).to_owned())
    };
    let label = |code: &str| find(&described.options, code).unwrap_or_else(|| category_label(def, &q.id, code, lang));
    let row_label = |row: &str| find(&described.rows, row).unwrap_or_else(|| row.to_owned());
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
            .map(|(row, point)| format!("{}: {}", row_label(row), label(point)))
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::answer_text;
    use crate::definition::{parse_definition, Answer};

    /// Every type's answer reads with the labels of its own items, not with codes.
    #[test]
    fn answers_read_with_the_labels_of_their_question() {
        let source = include_str!("../../tests/fixtures/formtest.yaml");
        let def = parse_definition(source, "formtest.yaml").expect("the form test fixture parses");
        let text = |id: &str, a: Answer| {
            let q = def.question(id).expect("a question of the fixture");
            answer_text(&def, q, &a, "en")
        };
        let pets = Answer::Choices {
            codes: vec!["cat".into(), "other".into()],
            other_text: Some("a parrot".into()),
        };
        assert_eq!(text("pets", pets), "Cat; Other (a parrot)");
        assert_eq!(text("sex", Answer::choice("f")), "Female");
        assert_eq!(text("sat", Answer::Scale("dk".into())), "Hard to say");
        let grid = BTreeMap::from([("a".to_owned(), "3".to_owned()), ("b".to_owned(), "1".to_owned())]);
        assert_eq!(text("grid", Answer::Matrix(grid)), "First: Good; Second: Poor");
        let prio = Answer::Ranking(vec!["z".into(), "x".into()]);
        assert_eq!(text("prio", prio), "1. Zed; 2. Ex");
        // A code of no version is shown as it is.
        assert_eq!(text("prio", Answer::Ranking(vec!["q".into()])), "1. q");
    }
}
