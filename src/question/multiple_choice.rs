//! Multiple choice (`type: multiple_choice`): any number of options, within `min_choices`/`max_choices`;
//! an `exclusive` option (e.g. "none of these") excludes the others; optionally "other, specify".
//!
//! - Answer: [`Answer::Choices`]; form field `q` repeated (check boxes), and `q.other` for the text.
//! - Coded slot: bit 0 answered, bit `1 + k` option `k` chosen.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::answers::cell;
use super::single_choice::choice_view;
use super::{check_codes, distinct_codes, is_false, items, Described, Outcome, QuestionType};
use crate::definition::answer::{check_other, known, no_duplicates};
use crate::definition::condition::VarType;
use crate::definition::{Answer, AnswerError, AnswerOption, Definition, Question, Texts};
use crate::form::fields::Fields;
use crate::form::messages::Problem;
use crate::form::parse::{input_id, other_text, shorten};
use crate::form::view::{TypeView, ViewContext};
use crate::store::codes::SlotKind;
use crate::xlsform::{SettingsYaml, VarKind};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultipleChoice {
    #[serde(default)]
    pub options: Vec<AnswerOption>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub randomize: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<AnswerOption>,
    /// Categories the "other, specify" texts are coded into (see [`crate::coding::Codebook`]); only with
    /// `other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codebook: Option<crate::coding::Codebook>,
    /// At most this many choices (1..=number of options, counting "other").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_choices: Option<usize>,
    /// At least this many choices when answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_choices: Option<usize>,
}

impl QuestionType for MultipleChoice {
    fn name(&self) -> &'static str {
        "multiple_choice"
    }

    fn choices(&self) -> Vec<&AnswerOption> {
        self.options.iter().chain(self.other.iter()).collect()
    }

    fn items_mut(&mut self) -> Vec<&mut AnswerOption> {
        self.options.iter_mut().chain(self.other.as_mut()).collect()
    }

    fn check(&self, answer: &Answer) -> Option<Result<(), AnswerError>> {
        let Answer::Choices { codes, other_text } = answer else {
            return None;
        };
        Some(check(self, codes, other_text))
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
        parse(q, self, fields)
    }

    fn form_view<'a>(&'a self, q: &'a Question, cx: &ViewContext<'_>) -> TypeView<'a> {
        Box::new(choice_view(
            q,
            &self.options,
            self.other.as_ref(),
            cx,
            true,
            self.max_choices,
        ))
    }

    fn form_partial(&self) -> &'static str {
        "partials/q_choice"
    }

    fn typed_field(&self, q: &Question, name: &str) -> bool {
        // The choices are not typed; the text of the "other" option is.
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
        Some(SlotKind::Choices { options: codes })
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
            Some(Answer::Choices { codes, other_text }) => (codes.join(";"), other_text.clone().unwrap_or_default()),
            _ => (String::new(), String::new()),
        };
        out.push(code);
        out.push(other);
    }

    fn microdata_columns(&self) -> Vec<super::columns::MicrodataColumn<'_>> {
        use super::columns::{other_column, MicrodataColumn, ValuesNote};
        std::iter::once(MicrodataColumn::question(self.choices()).noted(ValuesNote::Codes))
            .chain(other_column(self.other.as_ref()))
            .collect()
    }

    fn spss_variables(&self) -> Vec<super::columns::SpssVariable<'_>> {
        use super::columns::SpssVariable;
        self.choices()
            .into_iter()
            .map(SpssVariable::Chosen)
            .chain(self.other.as_ref().map(|_| SpssVariable::OtherText))
            .collect()
    }

    fn summary_column(&self) -> super::columns::SummaryColumn<'_> {
        super::columns::SummaryColumn::Multiple(self.choices())
    }

    fn open_text_is_answer(&self) -> bool {
        false
    }

    fn encode_slot(&self, slot: &crate::store::codes::Slot<'_>, answer: &Answer, out: &mut [u8]) -> Option<()> {
        let Answer::Choices { codes, .. } = answer else {
            return None;
        };
        slot.encode_choices(codes, out)
    }

    #[cfg(test)]
    fn random_answer(&self, draw: &mut super::draw::Draw<'_>) -> Option<Answer> {
        let codes = self
            .slot_codes()
            .into_iter()
            .filter(|_| draw.chance(0.4))
            .map(str::to_owned)
            .collect();
        Some(Answer::Choices {
            codes,
            other_text: None,
        })
    }

    fn csv_fields(&self, q: &Question, column: &str, value: &str, out: &mut Fields) {
        if column != q.id {
            out.push(column.to_owned(), value);
            return;
        }
        for code in value.split(';').map(str::trim).filter(|c| !c.is_empty()) {
            out.push(column.to_owned(), code);
        }
    }

    fn randomized_items(&self) -> Option<&[AnswerOption]> {
        if self.randomize {
            Some(&self.options)
        } else {
            None
        }
    }

    fn condition_type(&self, _id: &str) -> VarType {
        VarType::Multi {
            codes: distinct_codes(&self.options, self.other.as_ref()),
        }
    }

    fn summary_cost(&self) -> usize {
        self.options.len() + 1
    }

    fn texts(&self) -> Vec<(String, &Texts)> {
        items("option", self.options.iter().chain(self.other.iter()))
    }

    fn check_definition(&self, _q: &Question, def: &Definition, problem: &mut dyn FnMut(String)) {
        super::check_other_codebook(self.codebook.as_ref(), self.other.as_ref(), def, problem);
        let c = self;
        if c.options.is_empty() {
            problem("multiple_choice has no options".into());
        }
        check_codes("option", c.options.iter().chain(c.other.iter()), problem);
        let n = c.options.len() + usize::from(c.other.is_some());
        if let Some(m) = c.max_choices {
            if m == 0 || m > n {
                problem(format!(
                    "max_choices is {m} but must be between 1 and {n} (the number of options)"
                ));
            }
        }
        if let Some(m) = c.min_choices {
            if m > c.max_choices.unwrap_or(n) {
                problem(format!(
                    "min_choices is {m}, more than max_choices {}",
                    c.max_choices.unwrap_or(n)
                ));
            }
        }
    }

    fn write_yaml(&self, y: &mut SettingsYaml) {
        y.flag("randomize", self.randomize);
        if let Some(n) = self.min_choices {
            y.value("min_choices", n);
        }
        if let Some(n) = self.max_choices {
            y.value("max_choices", n);
        }
        y.options("options", &self.options);
        if let Some(o) = &self.other {
            y.option("other", o);
        }
    }

    fn xlsform_var(&self) -> VarKind {
        VarKind::Multi {
            codes: self
                .options
                .iter()
                .chain(self.other.iter())
                .map(|o| o.code.clone())
                .collect(),
        }
    }

    fn described(&self, _def: &Definition, _lang: &str) -> Described<'_> {
        Described {
            options: self.options.iter().chain(self.other.iter()).collect(),
            rows: Vec::new(),
            note: self.max_choices.map_or_else(String::new, |m| format!("max {m}")),
        }
    }

    fn categories(&self) -> Vec<&AnswerOption> {
        Vec::new()
    }

    fn codebook(&self) -> Option<&crate::coding::Codebook> {
        self.codebook.as_ref()
    }

    fn open_text<'a>(&self, answer: &'a Answer) -> Option<&'a str> {
        let Answer::Choices { other_text, .. } = answer else {
            return None;
        };
        other_text.as_deref().and_then(super::not_blank)
    }
}

fn check(c: &MultipleChoice, codes: &[String], other_text: &Option<String>) -> Result<(), AnswerError> {
    if codes.is_empty() {
        return Err(AnswerError::Empty);
    }
    if let Some(bad) = codes.iter().find(|x| !known(&c.options, c.other.as_ref(), x)) {
        return Err(AnswerError::UnknownCode(bad.clone()));
    }
    no_duplicates(codes)?;
    if let Some(max) = c.max_choices.filter(|m| codes.len() > *m) {
        return Err(AnswerError::TooMany { max });
    }
    if let Some(min) = c.min_choices.filter(|m| codes.len() < *m) {
        return Err(AnswerError::TooFew { min });
    }
    let exclusive = c.options.iter().filter(|o| o.exclusive);
    if let Some(o) = exclusive.into_iter().find(|o| codes.contains(&o.code)) {
        if codes.len() > 1 {
            return Err(AnswerError::Exclusive(o.code.clone()));
        }
    }
    let chosen: Vec<&str> = codes.iter().map(String::as_str).collect();
    check_other(&chosen, c.other.as_ref(), other_text)
}

fn parse(q: &Question, c: &MultipleChoice, fields: &Fields) -> Outcome {
    let target = input_id(&q.id, Some(0));
    let mut sent: BTreeSet<&str> = fields.non_empty(&q.id).into_iter().collect();
    let other = match &c.other {
        Some(o) => {
            let t = other_text(q, fields)?;
            if t.is_some() {
                sent.insert(o.code.as_str());
            }
            t
        }
        None => None,
    };
    let all: Vec<&AnswerOption> = c.options.iter().chain(c.other.iter()).collect();
    if let Some(bad) = sent.iter().find(|s| !all.iter().any(|o| o.code == **s)) {
        return Err((target, Problem::UnknownOption(shorten(bad))));
    }
    // Chosen codes in form order.
    let codes: Vec<String> = all
        .iter()
        .filter(|o| sent.contains(o.code.as_str()))
        .map(|o| o.code.clone())
        .collect();
    if codes.is_empty() {
        return Ok(None);
    }
    if codes.len() > 1 {
        if let Some(ex) = all.iter().find(|o| o.exclusive && sent.contains(o.code.as_str())) {
            return Err((target, Problem::Exclusive(ex.label.clone())));
        }
    }
    if let Some(max) = c.max_choices {
        if codes.len() > max {
            return Err((target, Problem::TooManyChoices(max)));
        }
    }
    if let Some(min) = c.min_choices {
        if codes.len() < min {
            return Err((target, Problem::TooFewChoices(min)));
        }
    }
    let other_code = c.other.as_ref().map(|o| o.code.as_str());
    let other_text = if other_code.is_some_and(|oc| codes.iter().any(|c| c == oc)) {
        other
    } else {
        None
    };
    Ok(Some(Answer::Choices { codes, other_text }))
}
