//! Date (`type: date`): one day within `min`/`max`.
//!
//! - Answer: [`Answer::Date`]; form field `q` (`YYYY-MM-DD` from a date picker or `DD.MM.YYYY` typed).
//! - Coded slot: 1 byte, 1 when answered.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::answers::cell;
use super::{Described, Outcome, QuestionType};
use crate::definition::condition::VarType;
use crate::definition::{Answer, AnswerError, AnswerOption, Definition, Question, Texts};
use crate::form::fields::Fields;
use crate::form::messages::Problem;
use crate::form::parse::{input_id, one, parse_date};
use crate::form::view::{TypeView, ViewContext};
use crate::store::codes::SlotKind;
use crate::xlsform::{SettingsYaml, VarKind};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateQuestion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<NaiveDate>,
}

impl QuestionType for DateQuestion {
    fn name(&self) -> &'static str {
        "date"
    }

    fn choices(&self) -> Vec<&AnswerOption> {
        Vec::new()
    }

    fn items_mut(&mut self) -> Vec<&mut AnswerOption> {
        Vec::new()
    }

    fn check(&self, answer: &Answer) -> Option<Result<(), AnswerError>> {
        let Answer::Date(x) = answer else {
            return None;
        };
        Some(if let Some(min) = self.min.filter(|m| x < m) {
            Err(AnswerError::DateBefore(min))
        } else if let Some(max) = self.max.filter(|m| x > m) {
            Err(AnswerError::DateAfter(max))
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
        let d = self;
        let target = input_id(&q.id, None);
        let Some(raw) = one(fields, &q.id, &target)? else {
            return Ok(None);
        };
        let day = parse_date(raw).ok_or_else(|| (target.clone(), Problem::NotADate))?;
        if let Some(min) = d.min {
            if day < min {
                return Err((target, Problem::DateBefore(min)));
            }
        }
        if let Some(max) = d.max {
            if day > max {
                return Err((target, Problem::DateAfter(max)));
            }
        }
        Ok(Some(Answer::Date(day)))
    }

    fn form_view<'a>(&'a self, _q: &'a Question, _cx: &ViewContext<'_>) -> TypeView<'a> {
        Box::new(DateView {
            min: self.min.map(|x| x.format("%Y-%m-%d").to_string()),
            max: self.max.map(|x| x.format("%Y-%m-%d").to_string()),
        })
    }

    fn form_partial(&self) -> &'static str {
        "partials/q_date"
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
        vec![super::columns::SpssVariable::Date]
    }

    fn summary_column(&self) -> super::columns::SummaryColumn<'_> {
        super::columns::SummaryColumn::Answered
    }

    fn open_text_is_answer(&self) -> bool {
        false
    }

    fn encode_slot(&self, slot: &crate::store::codes::Slot<'_>, answer: &Answer, out: &mut [u8]) -> Option<()> {
        let Answer::Date(_) = answer else {
            return None;
        };
        slot.encode_presence(out)
    }

    #[cfg(test)]
    fn random_answer(&self, _draw: &mut super::draw::Draw<'_>) -> Option<Answer> {
        Some(Answer::Date(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default()))
    }

    fn csv_fields(&self, _q: &Question, column: &str, value: &str, out: &mut Fields) {
        out.push(column.to_owned(), value);
    }

    fn randomized_items(&self) -> Option<&[AnswerOption]> {
        None
    }

    fn condition_type(&self, _id: &str) -> VarType {
        VarType::Date
    }

    fn summary_cost(&self) -> usize {
        1
    }

    fn texts(&self) -> Vec<(String, &Texts)> {
        Vec::new()
    }

    fn check_definition(&self, _q: &Question, _def: &Definition, problem: &mut dyn FnMut(String)) {
        if let (Some(lo), Some(hi)) = (self.min, self.max) {
            if lo > hi {
                problem(format!("min ({lo}) is after max ({hi})"));
            }
        }
    }

    fn write_yaml(&self, y: &mut SettingsYaml) {
        if let Some(x) = self.min {
            y.value("min", x);
        }
        if let Some(x) = self.max {
            y.value("max", x);
        }
    }

    fn xlsform_var(&self) -> VarKind {
        VarKind::Date
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

/// The view of a date question (`templates/partials/q_date.hbs`): the date picker's limits.
#[derive(Serialize)]
struct DateView {
    min: Option<String>,
    max: Option<String>,
}
