//! Single choice (`type: single_choice`): one option of a list, optionally "other, specify" with a text.
//!
//! - Answer: [`Answer::Choice`]; form field `q` (radio buttons), and `q.other` for the "other" text.
//! - A `codebook` codes the "other" texts (coded answers keyed by the question id, reported as `q.other`).
//! - Coded slot: `1 + k` for option `k` ("other" last), 0 unanswered.

use serde::{Deserialize, Serialize};

use super::answers::cell;
use super::{check_codes, distinct_codes, is_false, items, Described, Outcome, QuestionType};
use crate::definition::answer::{check_other, known};
use crate::definition::condition::VarType;
use crate::definition::{Answer, AnswerError, AnswerOption, Definition, Question, Texts};
use crate::form::fields::Fields;
use crate::form::messages::Problem;
use crate::form::parse::{input_id, one, other_text, shorten};
use crate::form::random::Orders;
use crate::form::view::{OptionView, TypeView, ViewContext};
use crate::store::codes::{width, SlotKind};
use crate::xlsform::{SettingsYaml, VarKind};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SingleChoice {
    #[serde(default)]
    pub options: Vec<AnswerOption>,
    /// Randomize the option order per respondent (anchored options keep their place).
    #[serde(default, skip_serializing_if = "is_false")]
    pub randomize: bool,
    /// "Other, specify": an extra option with a text box, always last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<AnswerOption>,
    /// Categories the "other, specify" texts are coded into (see [`crate::coding::Codebook`]); only with
    /// `other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codebook: Option<crate::coding::Codebook>,
}

impl QuestionType for SingleChoice {
    fn name(&self) -> &'static str {
        "single_choice"
    }

    fn choices(&self) -> Vec<&AnswerOption> {
        self.options.iter().chain(self.other.iter()).collect()
    }

    fn items_mut(&mut self) -> Vec<&mut AnswerOption> {
        self.options.iter_mut().chain(self.other.as_mut()).collect()
    }

    fn check(&self, answer: &Answer) -> Option<Result<(), AnswerError>> {
        let Answer::Choice { code, other_text } = answer else {
            return None;
        };
        if !known(&self.options, self.other.as_ref(), code) {
            return Some(Err(AnswerError::UnknownCode(code.clone())));
        }
        Some(check_other(&[code.as_str()], self.other.as_ref(), other_text))
    }

    fn fields(&self, q: &Question) -> Vec<String> {
        let id = &q.id;
        let mut v = vec![id.clone()];
        if self.other.is_some() {
            v.push(format!("{id}.other"));
        }
        v
    }

    fn first_target(&self, q: &Question) -> String {
        input_id(&q.id, Some(0))
    }

    fn parse(&self, q: &Question, fields: &Fields) -> Outcome {
        let c = self;
        let target = input_id(&q.id, Some(0));
        let chosen = one(fields, &q.id, &target)?;
        let other = match &c.other {
            Some(_) => other_text(q, fields)?,
            None => None,
        };
        let code = match (chosen, &c.other, &other) {
            (Some(code), _, _) => code,
            // A text typed into "other" without ticking it still means "other".
            (None, Some(o), Some(_)) => o.code.as_str(),
            (None, _, _) => return Ok(None),
        };
        if c.options.iter().any(|o| o.code == code) {
            return Ok(Some(Answer::choice(code)));
        }
        match &c.other {
            Some(o) if o.code == code => Ok(Some(Answer::Choice {
                code: code.to_owned(),
                other_text: other,
            })),
            _ => Err((target, Problem::UnknownOption(shorten(code)))),
        }
    }

    fn form_view<'a>(&'a self, q: &'a Question, cx: &ViewContext<'_>) -> TypeView<'a> {
        Box::new(choice_view(q, &self.options, self.other.as_ref(), cx, false, None))
    }

    fn form_partial(&self) -> &'static str {
        "partials/q_choice"
    }

    fn typed_field(&self, q: &Question, name: &str) -> bool {
        // The choice is not typed; the text of its "other" option is.
        name != q.id
    }

    fn slot_codes(&self) -> Vec<&str> {
        self.options
            .iter()
            .chain(self.other.iter())
            .map(|o| o.code.as_str())
            .collect()
    }

    fn slot_kind(&self, codes: usize) -> Option<SlotKind> {
        Some(SlotKind::Code { width: width(codes)? })
    }

    fn csv_columns(&self, q: &Question) -> Vec<String> {
        let id = &q.id;
        match self.other {
            Some(_) => vec![id.clone(), format!("{id}.other")],
            None => vec![id.clone()],
        }
    }

    fn csv_cells(&self, answer: Option<&Answer>, out: &mut Vec<String>) {
        if self.other.is_none() {
            out.push(answer.map(cell).unwrap_or_default());
            return;
        }
        let (code, other) = match answer {
            Some(Answer::Choice { code, other_text }) => (code.clone(), other_text.clone().unwrap_or_default()),
            _ => (String::new(), String::new()),
        };
        out.push(code);
        out.push(other);
    }

    fn microdata_columns(&self) -> Vec<super::columns::MicrodataColumn<'_>> {
        use super::columns::{other_column, MicrodataColumn};
        std::iter::once(MicrodataColumn::question(self.choices()))
            .chain(other_column(self.other.as_ref()))
            .collect()
    }

    fn spss_variables(&self) -> Vec<super::columns::SpssVariable<'_>> {
        use super::columns::SpssVariable;
        let coded = SpssVariable::Coded(super::columns::Coded {
            row: None,
            options: self.choices(),
            hard_to_say: None,
            ordered: false,
        });
        std::iter::once(coded)
            .chain(self.other.as_ref().map(|_| SpssVariable::OtherText))
            .collect()
    }

    fn summary_column(&self) -> super::columns::SummaryColumn<'_> {
        super::columns::SummaryColumn::Categories(self.choices())
    }

    fn open_text_is_answer(&self) -> bool {
        false
    }

    fn encode_slot(&self, slot: &crate::store::codes::Slot<'_>, answer: &Answer, out: &mut [u8]) -> Option<()> {
        let Answer::Choice { code, .. } = answer else {
            return None;
        };
        slot.encode_code(code, out)
    }

    #[cfg(test)]
    fn random_answer(&self, draw: &mut super::draw::Draw<'_>) -> Option<Answer> {
        let code = draw.code(&self.slot_codes());
        let other_text = self
            .other
            .as_ref()
            .filter(|o| o.code == code)
            .map(|_| "something".to_owned());
        Some(Answer::Choice { code, other_text })
    }

    fn csv_fields(&self, _q: &Question, column: &str, value: &str, out: &mut Fields) {
        out.push(column.to_owned(), value);
    }

    fn randomized_items(&self) -> Option<&[AnswerOption]> {
        if self.randomize {
            Some(&self.options)
        } else {
            None
        }
    }

    fn condition_type(&self, _id: &str) -> VarType {
        VarType::Codes {
            codes: distinct_codes(&self.options, self.other.as_ref()),
            numeric: false,
        }
    }

    fn summary_cost(&self) -> usize {
        1
    }

    fn texts(&self) -> Vec<(String, &Texts)> {
        items("option", self.options.iter().chain(self.other.iter()))
    }

    fn check_definition(&self, _q: &Question, def: &Definition, problem: &mut dyn FnMut(String)) {
        super::check_other_codebook(self.codebook.as_ref(), self.other.as_ref(), def, problem);
        if self.options.is_empty() {
            problem("single_choice has no options".into());
        }
        check_codes("option", self.options.iter().chain(self.other.iter()), problem);
        if self.options.iter().any(|o| o.exclusive) {
            problem("'exclusive' only makes sense in a multiple_choice".into());
        }
    }

    fn write_yaml(&self, y: &mut SettingsYaml) {
        y.flag("randomize", self.randomize);
        y.options("options", &self.options);
        if let Some(o) = &self.other {
            y.option("other", o);
        }
    }

    fn xlsform_var(&self) -> VarKind {
        VarKind::Choice {
            codes: self
                .options
                .iter()
                .chain(self.other.iter())
                .map(|o| o.code.clone())
                .collect(),
            scale: false,
        }
    }

    fn described(&self, _def: &Definition, _lang: &str) -> Described<'_> {
        Described {
            options: self.options.iter().chain(self.other.iter()).collect(),
            rows: Vec::new(),
            note: String::new(),
        }
    }

    fn categories(&self) -> Vec<&AnswerOption> {
        self.options.iter().chain(self.other.iter()).collect()
    }

    fn codebook(&self) -> Option<&crate::coding::Codebook> {
        self.codebook.as_ref()
    }

    fn open_text<'a>(&self, answer: &'a Answer) -> Option<&'a str> {
        let Answer::Choice { other_text, .. } = answer else {
            return None;
        };
        other_text.as_deref().and_then(super::not_blank)
    }
}

/// The view of a choice question (`templates/partials/q_choice.hbs`), single or multiple.
#[derive(Serialize)]
pub(super) struct ChoiceView<'a> {
    options: Vec<OptionView<'a>>,
    other: Option<OtherView<'a>>,
    multiple: bool,
    max_choices: Option<usize>,
}

/// The "other, specify" option with its text box.
#[derive(Serialize)]
struct OtherView<'a> {
    code: &'a str,
    label: &'a str,
    id: String,
    name: &'a str,
    /// Ticked, or its text filled in.
    checked: bool,
    text_id: String,
    text_name: String,
    text_value: String,
}

/// The options in this respondent's order, then "other" with its text.
pub(super) fn choice_view<'a>(
    q: &'a Question,
    options: &'a [AnswerOption],
    other: Option<&'a AnswerOption>,
    cx: &ViewContext<'_>,
    multiple: bool,
    max_choices: Option<usize>,
) -> ChoiceView<'a> {
    let id = &q.id;
    ChoiceView {
        options: Orders::arrange(cx.orders.options.get(id), options, |o| o.code.as_str())
            .into_iter()
            .map(|(i, o)| OptionView::new(q, i, o, cx))
            .collect(),
        other: other.map(|o| {
            let text_name = format!("{id}.other");
            let text = cx.values.first(&text_name).unwrap_or("");
            OtherView {
                code: &o.code,
                label: o.label.get(cx.lang),
                id: input_id(id, Some(options.len())),
                name: id,
                checked: cx.values.has_value(id, &o.code) || !text.trim().is_empty(),
                text_id: format!("q-{id}-other"),
                text_value: text.to_owned(),
                text_name,
            }
        }),
        multiple,
        max_choices,
    }
}
