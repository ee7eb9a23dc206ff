//! Info (`type: info`): a note shown to the respondent; it takes no answer and has no coded slot.

use serde::Serialize;

use super::{Described, Outcome, QuestionType};
use crate::definition::condition::VarType;
use crate::definition::{Answer, AnswerError, AnswerOption, Definition, Question, Texts};
use crate::form::fields::Fields;
use crate::form::parse::input_id;
use crate::form::view::{TypeView, ViewContext};
use crate::store::codes::SlotKind;
use crate::xlsform::{SettingsYaml, VarKind};

/// The settings of a note: none (`QuestionKind::Info` carries no data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Info;

impl QuestionType for Info {
    fn name(&self) -> &'static str {
        "info"
    }

    fn choices(&self) -> Vec<&AnswerOption> {
        Vec::new()
    }

    fn items_mut(&mut self) -> Vec<&mut AnswerOption> {
        Vec::new()
    }

    fn check(&self, _answer: &Answer) -> Option<Result<(), AnswerError>> {
        Some(Err(AnswerError::NoAnswerExpected))
    }

    fn fields(&self, _q: &Question) -> Vec<String> {
        Vec::new()
    }

    fn first_target(&self, q: &Question) -> String {
        input_id(&q.id, Some(0))
    }

    fn parse(&self, _q: &Question, _fields: &Fields) -> Outcome {
        Ok(None)
    }

    fn form_view<'a>(&'a self, _q: &'a Question, _cx: &ViewContext<'_>) -> TypeView<'a> {
        Box::new(InfoView {})
    }

    fn form_partial(&self) -> &'static str {
        "partials/q_info"
    }

    fn typed_field(&self, _q: &Question, _name: &str) -> bool {
        false
    }

    fn slot_codes(&self) -> Vec<&str> {
        Vec::new()
    }

    fn slot_kind(&self, _codes: usize) -> Option<SlotKind> {
        Some(SlotKind::Empty)
    }

    fn csv_columns(&self, _q: &Question) -> Vec<String> {
        Vec::new()
    }

    fn csv_cells(&self, _answer: Option<&Answer>, _out: &mut Vec<String>) {}

    fn microdata_columns(&self) -> Vec<super::columns::MicrodataColumn<'_>> {
        Vec::new()
    }

    fn spss_variables(&self) -> Vec<super::columns::SpssVariable<'_>> {
        Vec::new()
    }

    fn summary_column(&self) -> super::columns::SummaryColumn<'_> {
        super::columns::SummaryColumn::Answered
    }

    fn open_text_is_answer(&self) -> bool {
        false
    }

    fn encode_slot(&self, _slot: &crate::store::codes::Slot<'_>, _answer: &Answer, _out: &mut [u8]) -> Option<()> {
        None
    }

    #[cfg(test)]
    fn random_answer(&self, _draw: &mut super::draw::Draw<'_>) -> Option<Answer> {
        None
    }

    fn csv_fields(&self, _q: &Question, column: &str, value: &str, out: &mut Fields) {
        out.push(column.to_owned(), value);
    }

    fn randomized_items(&self) -> Option<&[AnswerOption]> {
        None
    }

    fn condition_type(&self, _id: &str) -> VarType {
        VarType::Info
    }

    fn summary_cost(&self) -> usize {
        1
    }

    fn texts(&self) -> Vec<(String, &Texts)> {
        Vec::new()
    }

    fn check_definition(&self, q: &Question, _def: &Definition, problem: &mut dyn FnMut(String)) {
        if q.required {
            problem("an info text takes no answer, so it cannot be required".into());
        }
    }

    fn write_yaml(&self, _y: &mut SettingsYaml) {}

    fn xlsform_var(&self) -> VarKind {
        VarKind::Info
    }

    fn described(&self, _def: &Definition, _lang: &str) -> Described<'_> {
        Described {
            options: Vec::new(),
            rows: Vec::new(),
            note: String::new(),
        }
    }

    fn categories(&self) -> Vec<&AnswerOption> {
        Vec::new()
    }

    fn codebook(&self) -> Option<&crate::coding::Codebook> {
        None
    }

    fn open_text<'a>(&self, _answer: &'a Answer) -> Option<&'a str> {
        None
    }
}

/// The view of a note (`templates/partials/q_info.hbs`): nothing besides its text and hint.
#[derive(Serialize)]
struct InfoView {}
