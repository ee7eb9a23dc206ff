//! Number (`type: number`): one number within `min`/`max`, whole when `integer`, with an optional unit.
//!
//! - Answer: [`Answer::Number`]; form field `q` (spaces as thousands separators and a decimal comma are
//!   accepted).
//! - Coded slot: the `f64`, 8 bytes little-endian; NaN unanswered.

use serde::{Deserialize, Serialize};

use super::answers::cell;
use super::{is_false, Described, Outcome, QuestionType};
use crate::definition::condition::VarType;
use crate::definition::{Answer, AnswerError, AnswerOption, Definition, Question, Texts};
use crate::form::fields::Fields;
use crate::form::messages::Problem;
use crate::form::parse::{input_id, one, parse_number};
use crate::form::view::{TypeView, ViewContext};
use crate::store::codes::SlotKind;
use crate::xlsform::{SettingsYaml, VarKind};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Number {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Whole numbers only.
    #[serde(default, skip_serializing_if = "is_false")]
    pub integer: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Texts>,
}

impl QuestionType for Number {
    fn name(&self) -> &'static str {
        "number"
    }

    fn choices(&self) -> Vec<&AnswerOption> {
        Vec::new()
    }

    fn items_mut(&mut self) -> Vec<&mut AnswerOption> {
        Vec::new()
    }

    fn check(&self, answer: &Answer) -> Option<Result<(), AnswerError>> {
        let Answer::Number(x) = answer else {
            return None;
        };
        let n = self;
        Some(if !x.is_finite() {
            Err(AnswerError::NotFinite)
        } else if n.integer && x.fract() != 0.0 {
            Err(AnswerError::NotInteger)
        } else if let Some(min) = n.min.filter(|m| x < m) {
            Err(AnswerError::BelowMin(min))
        } else if let Some(max) = n.max.filter(|m| x > m) {
            Err(AnswerError::AboveMax(max))
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
        let n = self;
        let target = input_id(&q.id, None);
        let Some(raw) = one(fields, &q.id, &target)? else {
            return Ok(None);
        };
        let x = parse_number(raw).ok_or_else(|| (target.clone(), Problem::NotANumber))?;
        if n.integer && x.fract() != 0.0 {
            return Err((target, Problem::NotInteger));
        }
        if let Some(min) = n.min {
            if x < min {
                return Err((target, Problem::BelowMin(min)));
            }
        }
        if let Some(max) = n.max {
            if x > max {
                return Err((target, Problem::AboveMax(max)));
            }
        }
        // -0 and 0 are the same answer.
        Ok(Some(Answer::Number(if x == 0.0 { 0.0 } else { x })))
    }

    fn form_view<'a>(&'a self, _q: &'a Question, cx: &ViewContext<'_>) -> TypeView<'a> {
        Box::new(NumberView {
            min: self.min,
            max: self.max,
            step: if self.integer { "1" } else { "any" },
            inputmode: if self.integer && self.min.is_none_or(|m| m >= 0.0) {
                "numeric"
            } else {
                "decimal"
            },
            unit: self.unit.as_ref().map(|u| u.get(cx.lang)),
        })
    }

    fn form_partial(&self) -> &'static str {
        "partials/q_number"
    }

    fn typed_field(&self, _q: &Question, _name: &str) -> bool {
        true
    }

    fn slot_codes(&self) -> Vec<&str> {
        Vec::new()
    }

    fn slot_kind(&self, _codes: usize) -> Option<SlotKind> {
        Some(SlotKind::Number)
    }

    fn csv_columns(&self, q: &Question) -> Vec<String> {
        vec![q.id.clone()]
    }

    fn csv_cells(&self, answer: Option<&Answer>, out: &mut Vec<String>) {
        out.push(answer.map(cell).unwrap_or_default());
    }

    fn microdata_columns(&self) -> Vec<super::columns::MicrodataColumn<'_>> {
        vec![super::columns::MicrodataColumn::question(Vec::new()).numbers()]
    }

    fn spss_variables(&self) -> Vec<super::columns::SpssVariable<'_>> {
        let decimals = if self.integer { 0 } else { 2 };
        vec![super::columns::SpssVariable::Number { decimals }]
    }

    fn summary_column(&self) -> super::columns::SummaryColumn<'_> {
        super::columns::SummaryColumn::Number
    }

    fn open_text_is_answer(&self) -> bool {
        false
    }

    fn encode_slot(&self, slot: &crate::store::codes::Slot<'_>, answer: &Answer, out: &mut [u8]) -> Option<()> {
        let Answer::Number(x) = answer else {
            return None;
        };
        slot.encode_number(*x, out)
    }

    #[cfg(test)]
    fn random_answer(&self, draw: &mut super::draw::Draw<'_>) -> Option<Answer> {
        use rand::Rng;
        let rng = &mut *draw.rng;
        Some(Answer::Number(match rng.random_range(0..5) {
            0 => f64::from(rng.random_range(18..90)),
            1 => f64::from(rng.random_range(0..400)) / 4.0,
            2 => f64::from(rng.random_range(1..1000)) / 3.0,
            3 => f64::from(rng.random_range(0..100)) * 0.1 + 34.0,
            _ => -f64::from(rng.random_range(0..10)) / 7.0,
        }))
    }

    fn csv_fields(&self, _q: &Question, column: &str, value: &str, out: &mut Fields) {
        out.push(column.to_owned(), value);
    }

    fn randomized_items(&self) -> Option<&[AnswerOption]> {
        None
    }

    fn condition_type(&self, _id: &str) -> VarType {
        VarType::Number
    }

    fn summary_cost(&self) -> usize {
        8
    }

    fn texts(&self) -> Vec<(String, &Texts)> {
        self.unit.iter().map(|u| ("unit".to_owned(), u)).collect()
    }

    fn check_definition(&self, _q: &Question, _def: &Definition, problem: &mut dyn FnMut(String)) {
        let n = self;
        if let (Some(lo), Some(hi)) = (n.min, n.max) {
            if lo > hi {
                problem(format!("min ({lo}) is greater than max ({hi})"));
            }
        }
        if n.min.is_some_and(|x| !x.is_finite()) || n.max.is_some_and(|x| !x.is_finite()) {
            problem("min and max must be ordinary numbers".into());
        }
    }

    fn write_yaml(&self, y: &mut SettingsYaml) {
        if let Some(x) = self.min {
            y.number("min", x);
        }
        if let Some(x) = self.max {
            y.number("max", x);
        }
        y.flag("integer", self.integer);
        if let Some(u) = &self.unit {
            y.texts("unit", u);
        }
    }

    fn xlsform_var(&self) -> VarKind {
        VarKind::Number { integer: self.integer }
    }

    fn described(&self, def: &Definition, lang: &str) -> Described<'_> {
        Described {
            options: Vec::new(),
            rows: Vec::new(),
            note: format!(
                "{}{}{}",
                self.min.map_or_else(String::new, |v| format!("min {v} ")),
                self.max.map_or_else(String::new, |v| format!("max {v} ")),
                self.unit
                    .as_ref()
                    .map_or_else(String::new, |u| def.text(u, lang).to_owned())
            ),
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

/// The view of a number question (`templates/partials/q_number.hbs`): the keyboard to offer, and the unit.
#[derive(Serialize)]
struct NumberView<'a> {
    min: Option<f64>,
    max: Option<f64>,
    step: &'static str,
    inputmode: &'static str,
    unit: Option<&'a str>,
}
