//! Scale (`type: scale`): one point of a labelled scale (Likert) whose codes are numbers, so means can be
//! computed; "hard to say" is a valid answer left out of means.
//!
//! - Answer: [`Answer::Scale`]; form field `q` (radio buttons).
//! - Coded slot: `1 + k` for point `k` ("hard to say" last), 0 unanswered.

use serde::{Deserialize, Serialize};

use super::answers::cell;
use super::{check_codes, distinct_codes, items, Described, Outcome, QuestionType};
use crate::definition::condition::VarType;
use crate::definition::{Answer, AnswerError, AnswerOption, BalanceCodes, Definition, Question, Texts};
use crate::form::fields::Fields;
use crate::form::messages::Problem;
use crate::form::parse::{input_id, one, shorten};
use crate::form::view::{OptionView, TypeView, ViewContext};
use crate::store::codes::{width, SlotKind};
use crate::xlsform::{SettingsYaml, VarKind};

/// A labelled scale (Likert): point codes are numbers, so means can be computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scale {
    #[serde(default)]
    pub points: Vec<AnswerOption>,
    /// "Hard to say": a valid answer excluded from means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hard_to_say: Option<AnswerOption>,
    /// Which points make the balance of opinions (% top − % bottom), when it is reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<BalanceCodes>,
}

impl Scale {
    /// The numeric value of a point code; `None` for "hard to say" and unknown codes.
    pub fn value(&self, code: &str) -> Option<f64> {
        self.points
            .iter()
            .find(|p| p.code == code)
            .and_then(|p| p.code.trim().parse().ok())
    }

    /// Every code a respondent may give: the points, then "hard to say".
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.points
            .iter()
            .chain(self.hard_to_say.iter())
            .map(|o| o.code.as_str())
    }
}

impl QuestionType for Scale {
    fn name(&self) -> &'static str {
        "scale"
    }

    fn choices(&self) -> Vec<&AnswerOption> {
        Vec::new()
    }

    fn items_mut(&mut self) -> Vec<&mut AnswerOption> {
        self.points.iter_mut().chain(self.hard_to_say.as_mut()).collect()
    }

    fn check(&self, answer: &Answer) -> Option<Result<(), AnswerError>> {
        let Answer::Scale(code) = answer else {
            return None;
        };
        Some(match self.codes().any(|c| c == code) {
            true => Ok(()),
            false => Err(AnswerError::UnknownCode(code.clone())),
        })
    }

    fn fields(&self, q: &Question) -> Vec<String> {
        vec![q.id.clone()]
    }

    fn first_target(&self, q: &Question) -> String {
        input_id(&q.id, Some(0))
    }

    fn parse(&self, q: &Question, fields: &Fields) -> Outcome {
        let target = input_id(&q.id, Some(0));
        match one(fields, &q.id, &target)? {
            None => Ok(None),
            Some(code) if self.codes().any(|c| c == code) => Ok(Some(Answer::Scale(code.to_owned()))),
            Some(code) => Err((target, Problem::UnknownOption(shorten(code)))),
        }
    }

    fn form_view<'a>(&'a self, q: &'a Question, cx: &ViewContext<'_>) -> TypeView<'a> {
        Box::new(ScaleView {
            points: self
                .points
                .iter()
                .enumerate()
                .map(|(i, o)| OptionView::new(q, i, o, cx))
                .collect(),
            hts: self
                .hard_to_say
                .as_ref()
                .map(|o| OptionView::new(q, self.points.len(), o, cx)),
            npoints: self.points.len(),
        })
    }

    fn form_partial(&self) -> &'static str {
        "partials/q_scale"
    }

    fn typed_field(&self, _q: &Question, _name: &str) -> bool {
        false
    }

    fn slot_codes(&self) -> Vec<&str> {
        self.codes().collect()
    }

    fn slot_kind(&self, codes: usize) -> Option<SlotKind> {
        Some(SlotKind::Code { width: width(codes)? })
    }

    fn csv_columns(&self, q: &Question) -> Vec<String> {
        vec![q.id.clone()]
    }

    fn csv_cells(&self, answer: Option<&Answer>, out: &mut Vec<String>) {
        out.push(answer.map(cell).unwrap_or_default());
    }

    fn microdata_columns(&self) -> Vec<super::columns::MicrodataColumn<'_>> {
        let values = self.points.iter().chain(self.hard_to_say.iter()).collect();
        vec![super::columns::MicrodataColumn::question(values)]
    }

    fn spss_variables(&self) -> Vec<super::columns::SpssVariable<'_>> {
        vec![super::columns::SpssVariable::Coded(super::columns::Coded {
            row: None,
            options: self.points.iter().collect(),
            hard_to_say: self.hard_to_say.as_ref(),
            ordered: true,
        })]
    }

    fn summary_column(&self) -> super::columns::SummaryColumn<'_> {
        super::columns::SummaryColumn::Scale(self)
    }

    fn open_text_is_answer(&self) -> bool {
        false
    }

    fn encode_slot(&self, slot: &crate::store::codes::Slot<'_>, answer: &Answer, out: &mut [u8]) -> Option<()> {
        let Answer::Scale(code) = answer else {
            return None;
        };
        slot.encode_code(code, out)
    }

    #[cfg(test)]
    fn random_answer(&self, draw: &mut super::draw::Draw<'_>) -> Option<Answer> {
        Some(Answer::Scale(draw.code(&self.slot_codes())))
    }

    fn csv_fields(&self, _q: &Question, column: &str, value: &str, out: &mut Fields) {
        out.push(column.to_owned(), value);
    }

    fn randomized_items(&self) -> Option<&[AnswerOption]> {
        None
    }

    fn condition_type(&self, _id: &str) -> VarType {
        VarType::Codes {
            codes: distinct_codes(&self.points, self.hard_to_say.as_ref()),
            numeric: true,
        }
    }

    fn summary_cost(&self) -> usize {
        3
    }

    fn texts(&self) -> Vec<(String, &Texts)> {
        items("point", self.points.iter().chain(self.hard_to_say.iter()))
    }

    fn check_definition(&self, _q: &Question, _def: &Definition, problem: &mut dyn FnMut(String)) {
        check_points(&self.points, self.hard_to_say.as_ref(), problem);
        check_balance(self, problem);
    }

    fn write_yaml(&self, y: &mut SettingsYaml) {
        y.options("points", &self.points);
        if let Some(o) = &self.hard_to_say {
            y.option("hard_to_say", o);
        }
    }

    fn xlsform_var(&self) -> VarKind {
        VarKind::Choice {
            codes: self.codes().map(str::to_owned).collect(),
            scale: true,
        }
    }

    fn described(&self, _def: &Definition, _lang: &str) -> Described<'_> {
        Described {
            options: self.points.iter().chain(self.hard_to_say.iter()).collect(),
            rows: Vec::new(),
            note: String::new(),
        }
    }

    fn categories(&self) -> Vec<&AnswerOption> {
        self.points.iter().chain(self.hard_to_say.iter()).collect()
    }

    fn codebook(&self) -> Option<&crate::coding::Codebook> {
        None
    }

    fn open_text<'a>(&self, _answer: &'a Answer) -> Option<&'a str> {
        None
    }
}

/// A scale needs at least two points, each coded by a number (means are computed from the codes); the
/// codes of the points and "hard to say" are checked as options'.
pub(super) fn check_points(
    points: &[AnswerOption],
    hard_to_say: Option<&AnswerOption>,
    problem: &mut dyn FnMut(String),
) {
    if points.len() < 2 {
        problem("a scale needs at least two points".into());
    }
    for p in points {
        if p.code.trim().parse::<f64>().is_err() {
            problem(format!(
                "scale point code '{}' must be a number (means are computed from the codes)",
                p.code
            ));
        }
    }
    check_codes("point", points.iter().chain(hard_to_say), problem);
}

/// A balance of opinions names points of the scale, each at most once, and at least one on each side.
fn check_balance(s: &Scale, problem: &mut dyn FnMut(String)) {
    let Some(b) = &s.balance else { return };
    if b.top.is_empty() || b.bottom.is_empty() {
        problem("balance needs at least one top and one bottom point".into());
    }
    let mut seen: Vec<&str> = Vec::new();
    for c in b.top.iter().chain(&b.bottom) {
        let code = c.0.as_str();
        if !s.points.iter().any(|p| p.code == code) {
            problem(format!("balance point '{code}' is not a point of the scale"));
        } else if seen.contains(&code) {
            problem(format!("balance point '{code}' is listed twice"));
        }
        seen.push(code);
    }
}

/// The view of a scale question (`templates/partials/q_scale.hbs`): its points, then "hard to say".
#[derive(Serialize)]
struct ScaleView<'a> {
    points: Vec<OptionView<'a>>,
    hts: Option<OptionView<'a>>,
    npoints: usize,
}
