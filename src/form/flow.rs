//! Page flow: which page comes next given the answers so far. A page is shown when at least one of its
//! questions is visible; pages with none are skipped (forwards and backwards).

use serde::{Deserialize, Serialize};

use super::random::Orders;
use crate::definition::{Answers, Definition};

/// The form's own state of a response, stored as the response's `meta` JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The realized random orders (see [`crate::form::random`]).
    #[serde(default)]
    pub order: Orders,
    /// Id of the page the respondent is on (absent: the first page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Answered through an invitation token.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invited: bool,
    /// Entered by `responses import` rather than the web form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The respondent's sampling design values (imported interviews of a survey with a `design:` block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design: Option<crate::definition::DesignValues>,
    /// The channel the respondent came from: the `?src=` code of the link, or `other` ([`super::channel`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Keyed hash of network address and browser, for duplicate screening; never the address itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

impl Meta {
    pub fn parse(json: &str) -> Meta {
        serde_json::from_str(json).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

/// Whether a page has at least one visible question given `answers`.
pub fn page_shown(def: &Definition, page: usize, answers: &Answers) -> bool {
    def.pages
        .get(page)
        .is_some_and(|p| p.questions.iter().any(|q| def.visible(&q.id, answers)))
}

/// A respondent's path through the pages: `order` holds page indices in the order shown.
pub struct Flow<'a> {
    pub def: &'a Definition,
    pub order: Vec<usize>,
}

impl<'a> Flow<'a> {
    pub fn new(def: &'a Definition, orders: &Orders) -> Self {
        Flow {
            def,
            order: orders.page_indices(def),
        }
    }

    /// Position (in `order`) of a page id.
    pub fn position_of(&self, page_id: &str) -> Option<usize> {
        self.order.iter().position(|i| self.def.pages[*i].id == page_id)
    }

    pub fn page_at(&self, pos: usize) -> Option<usize> {
        self.order.get(pos).copied()
    }

    /// The first shown position at or after `from`.
    pub fn next_from(&self, from: usize, answers: &Answers) -> Option<usize> {
        (from..self.order.len()).find(|p| page_shown(self.def, self.order[*p], answers))
    }

    /// The shown position after `pos`; `None` when `pos` is the last: the response is complete.
    pub fn next_after(&self, pos: usize, answers: &Answers) -> Option<usize> {
        self.next_from(pos + 1, answers)
    }

    /// The shown position before `pos`.
    pub fn prev_before(&self, pos: usize, answers: &Answers) -> Option<usize> {
        (0..pos).rev().find(|p| page_shown(self.def, self.order[*p], answers))
    }

    /// The position a respondent is on: the stored page if it is still shown, else the next shown one.
    pub fn current(&self, meta: &Meta, answers: &Answers) -> Option<usize> {
        let start = meta.at.as_deref().and_then(|id| self.position_of(id)).unwrap_or(0);
        self.next_from(start, answers)
            .or_else(|| self.prev_before(start, answers))
    }

    /// "Page k of n": k counts shown pages up to `pos`, n adds the pages after it shown given the answers
    /// so far (later answers may still change n).
    pub fn progress(&self, pos: usize, answers: &Answers) -> (usize, usize) {
        let shown = |p: &usize| page_shown(self.def, self.order[*p], answers);
        let before = (0..pos).filter(shown).count();
        let after = (pos + 1..self.order.len()).filter(shown).count();
        (before + 1, before + 1 + after)
    }
}
