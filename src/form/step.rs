//! One step through a form: which page was sent, where "back" goes, and taking a sent page — its fields
//! checked against the definition, its answers merged into those so far, and the page that comes next.
//! The respondent form (`web::form`) and the staff preview (`web::admin_preview`) both step through
//! here, so the preview checks and moves exactly as respondents will.

use super::fields::{self, Fields};
use super::flow::Flow;
use super::parse::{parse_page, prune, FieldError};
use crate::definition::Answers;

/// Where a page stands in a respondent's path, as the page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Index into `def.pages`.
    pub page: usize,
    /// "Page k of n".
    pub progress: (usize, usize),
    /// No page is shown after this one: sending it completes the form.
    pub is_last: bool,
    pub can_go_back: bool,
}

/// The place of position `pos` given the answers so far.
pub fn place(flow: &Flow<'_>, pos: usize, answers: &Answers) -> Place {
    Place {
        page: flow.page_at(pos).unwrap_or(0),
        progress: flow.progress(pos, answers),
        is_last: flow.next_after(pos, answers).is_none(),
        can_go_back: flow.prev_before(pos, answers).is_some(),
    }
}

/// The position of the page the fields say they were sent from (`None`: no page, or an unknown one).
pub fn sent_position(flow: &Flow<'_>, sent: &Fields) -> Option<usize> {
    sent.first(fields::PAGE).and_then(|p| flow.position_of(p))
}

/// Whether the respondent pressed "back" rather than "next".
pub fn wants_back(sent: &Fields) -> bool {
    sent.first(fields::NAV) == Some("back")
}

/// A page taken: every answer so far and the position shown next.
#[derive(Debug, Clone, PartialEq)]
pub struct Taken {
    /// The answers so far with this page's replaced, and answers of questions now hidden dropped.
    pub answers: Answers,
    /// `None` when the page was the last shown: the response is complete.
    pub next: Option<usize>,
}

/// Takes the page at position `pos` as sent: its problems when there are any (the page is then shown again
/// with them), otherwise the answers so far and the next position.
pub fn take_page(flow: &Flow<'_>, pos: usize, prior: &Answers, sent: &Fields) -> Result<Taken, Vec<FieldError>> {
    let def = flow.def;
    let page = flow.page_at(pos).unwrap_or(0);
    let parsed = parse_page(def, page, prior, sent);
    if !parsed.is_ok() {
        return Err(parsed.errors);
    }
    let mut answers = prior.clone();
    if let Some(p) = def.pages.get(page) {
        for q in &p.questions {
            answers.remove(&q.id);
        }
    }
    answers.extend(parsed.answers);
    let answers = prune(def, &answers);
    let next = flow.next_after(pos, &answers);
    Ok(Taken { answers, next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::parse_definition;
    use crate::form::random::draw;

    const DEF: &str = r#"slug: step
title: {en: "Step"}
topic: test
languages: [en]
pages:
  - id: a
    questions:
      - id: pets
        type: single_choice
        required: true
        text: {en: "Pets?"}
        options:
          - {code: y, label: {en: "Yes"}}
          - {code: n, label: {en: "No"}}
  - id: b
    questions:
      - id: which
        type: text
        text: {en: "Which?"}
        show_if: "pets == 'y'"
  - id: c
    questions:
      - id: end
        type: text
        text: {en: "Anything else?"}
"#;

    fn sent(pairs: &[(&str, &str)]) -> Fields {
        Fields::from_pairs(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn a_page_with_problems_is_refused_and_a_good_one_moves_past_hidden_pages() {
        let def = parse_definition(DEF, "step.yaml").unwrap();
        let orders = draw(&def, "r");
        let flow = Flow::new(&def, &orders);
        let prior = Answers::new();
        assert_eq!(sent_position(&flow, &sent(&[("_page", "a")])), Some(0));
        assert!(
            take_page(&flow, 0, &prior, &sent(&[("_page", "a")])).is_err(),
            "pets is required"
        );
        let taken = take_page(&flow, 0, &prior, &sent(&[("_page", "a"), ("pets", "n")])).unwrap();
        assert_eq!(taken.next, Some(2), "page b is hidden for people without pets");
        let last = place(&flow, 2, &taken.answers);
        assert!(last.is_last && last.can_go_back);
        assert_eq!(last.progress, (2, 2));
        assert!(wants_back(&sent(&[("_nav", "back")])));
    }
}
