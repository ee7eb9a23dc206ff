//! Text (`type: text`): an open answer, one line or a multi-line box (`long`), at most `max_length`
//! characters; a `codebook` codes the answers into categories.
//!
//! - Answer: [`Answer::Text`]; form field `q`.
//! - Coded slot: 1 byte, 1 when answered (summaries never read the text).

use serde::{Deserialize, Serialize};

use super::answers::cell;
use super::{is_false, Described, Outcome, QuestionType};
use crate::definition::condition::VarType;
use crate::definition::{Answer, AnswerError, AnswerOption, Definition, Question, Texts};
use crate::form::fields::Fields;
use crate::form::messages::Problem;
use crate::form::parse::{clean_text, input_id, DEFAULT_TEXT_MAX};
use crate::form::view::{TypeView, ViewContext};
use crate::store::codes::SlotKind;
use crate::xlsform::{SettingsYaml, VarKind};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Text {
    /// A multi-line box instead of one line.
    #[serde(default, skip_serializing_if = "is_false")]
    pub long: bool,
    /// Maximum length in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// Categories the answers are coded into (see [`crate::coding::Codebook`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codebook: Option<crate::coding::Codebook>,
}

impl QuestionType for Text {
    fn name(&self) -> &'static str {
        "text"
    }

    fn choices(&self) -> Vec<&AnswerOption> {
        Vec::new()
    }

    fn items_mut(&mut self) -> Vec<&mut AnswerOption> {
        Vec::new()
    }

    fn check(&self, answer: &Answer) -> Option<Result<(), AnswerError>> {
        let Answer::Text(s) = answer else {
            return None;
        };
        Some(if s.trim().is_empty() {
            Err(AnswerError::Empty)
        } else if let Some(max) = self.max_length.filter(|m| s.chars().count() > *m) {
            Err(AnswerError::TooLong { max })
        } else {
            Ok(())
        })
    }

    fn fields(&self, q: &Question) -> Vec<String> {
        vec![q.id.clone()]
    }

    fn first_target(&self, q: &Question) -> String {
        input_id(&q.id, None)
    }

    fn parse(&self, q: &Question, fields: &Fields) -> Outcome {
        let target = input_id(&q.id, None);
        let values: Vec<String> = fields
            .all(&q.id)
            .iter()
            .map(|s| clean_text(s))
            .filter(|s| !s.is_empty())
            .collect();
        let value = match values.len() {
            0 => return Ok(None),
            1 => values.into_iter().next().unwrap_or_default(),
            _ => return Err((target, Problem::OneValue)),
        };
        let max = self.max_length.unwrap_or(DEFAULT_TEXT_MAX);
        let len = value.chars().count();
        if len > max {
            return Err((target, Problem::TooLong { max, len }));
        }
        Ok(Some(Answer::Text(value)))
    }

    fn form_view<'a>(&'a self, _q: &'a Question, _cx: &ViewContext<'_>) -> TypeView<'a> {
        Box::new(TextView {
            long: self.long,
            max_length: self.max_length.unwrap_or(DEFAULT_TEXT_MAX),
            counter: self.max_length.is_some(),
        })
    }

    fn form_partial(&self) -> &'static str {
        "partials/q_text"
    }

    fn typed_field(&self, _q: &Question, _name: &str) -> bool {
        true
    }

    fn slot_codes(&self) -> Vec<&str> {
        Vec::new()
    }

    fn slot_kind(&self, _codes: usize) -> Option<SlotKind> {
        Some(SlotKind::Presence)
    }

    fn csv_columns(&self, q: &Question) -> Vec<String> {
        vec![q.id.clone()]
    }

    fn csv_cells(&self, answer: Option<&Answer>, out: &mut Vec<String>) {
        out.push(answer.map(cell).unwrap_or_default());
    }

    fn microdata_columns(&self) -> Vec<super::columns::MicrodataColumn<'_>> {
        vec![super::columns::MicrodataColumn::question(Vec::new())]
    }

    fn spss_variables(&self) -> Vec<super::columns::SpssVariable<'_>> {
        vec![super::columns::SpssVariable::Text]
    }

    fn summary_column(&self) -> super::columns::SummaryColumn<'_> {
        super::columns::SummaryColumn::Answered
    }

    fn open_text_is_answer(&self) -> bool {
        true
    }

    fn encode_slot(&self, slot: &crate::store::codes::Slot<'_>, answer: &Answer, out: &mut [u8]) -> Option<()> {
        let Answer::Text(_) = answer else {
            return None;
        };
        slot.encode_presence(out)
    }

    #[cfg(test)]
    fn random_answer(&self, _draw: &mut super::draw::Draw<'_>) -> Option<Answer> {
        Some(Answer::Text("free text".into()))
    }

    fn csv_fields(&self, _q: &Question, column: &str, value: &str, out: &mut Fields) {
        out.push(column.to_owned(), value);
    }

    fn randomized_items(&self) -> Option<&[AnswerOption]> {
        None
    }

    fn condition_type(&self, _id: &str) -> VarType {
        VarType::Text
    }

    fn summary_cost(&self) -> usize {
        1
    }

    fn texts(&self) -> Vec<(String, &Texts)> {
        Vec::new()
    }

    fn check_definition(&self, _q: &Question, def: &Definition, problem: &mut dyn FnMut(String)) {
        if self.max_length == Some(0) {
            problem("max_length must be at least 1".into());
        }
        if let Some(book) = &self.codebook {
            for p in book.problems(def.languages.first().map_or("ru", String::as_str)) {
                problem(p);
            }
        }
    }

    fn write_yaml(&self, y: &mut SettingsYaml) {
        y.flag("long", self.long);
        if let Some(n) = self.max_length {
            y.value("max_length", n);
        }
    }

    fn xlsform_var(&self) -> VarKind {
        VarKind::Text
    }

    fn described(&self, _def: &Definition, _lang: &str) -> Described<'_> {
        Described {
            options: Vec::new(),
            rows: Vec::new(),
            note: self.max_length.map_or_else(String::new, |m| format!("≤ {m}")),
        }
    }

    fn categories(&self) -> Vec<&AnswerOption> {
        Vec::new()
    }

    fn codebook(&self) -> Option<&crate::coding::Codebook> {
        self.codebook.as_ref()
    }

    fn open_text<'a>(&self, answer: &'a Answer) -> Option<&'a str> {
        let Answer::Text(t) = answer else {
            return None;
        };
        super::not_blank(t)
    }
}

/// The view of a text question (`templates/partials/q_text.hbs`): one line or a box, its length limit,
/// and whether the characters left are counted (only under a limit the definition sets).
#[derive(Serialize)]
struct TextView {
    long: bool,
    max_length: usize,
    counter: bool,
}
