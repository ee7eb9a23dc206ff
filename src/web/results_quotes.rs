//! Published quotes of coded open questions on the results page: each under its question, with the label
//! of its code (a choice question's coded "other" texts under their own entry, `{question}.other`). Only the masked text stored at publication is ever shown; raw answers stay staff-only.

use super::views::results::{Quote, ResultsPage};
use crate::store::coding::QuoteRow;

/// Puts the quotes of every question of a results page view under it.
pub fn add(view: &mut ResultsPage, quotes: &[QuoteRow]) {
    for q in &mut view.questions {
        let label = |code: &str| {
            q.options
                .iter()
                .find(|o| o.code == code)
                .map_or(code, |o| o.label.as_str())
                .to_owned()
        };
        let list: Vec<Quote> = quotes
            .iter()
            .filter(|x| quoted_here(&q.id, q.kind, &x.question_id))
            .map(|x| Quote {
                code: x.code.clone(),
                label: label(&x.code),
                masked: x.masked.clone(),
            })
            .collect();
        q.quotes = list;
    }
}

/// Whether the quotes of question `question` belong under the summary entry `id` of type `kind`: a text
/// question's own entry, or the `{question}.other` entry of a choice question's coded "other" texts.
fn quoted_here(id: &str, kind: crate::report::QuestionType, question: &str) -> bool {
    match id.strip_suffix(".other") {
        Some(q) if kind == crate::report::QuestionType::MultipleChoice => q == question,
        _ => id == question && kind == crate::report::QuestionType::Text,
    }
}
