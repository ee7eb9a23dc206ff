//! Constant sum (`type: constant_sum`): the respondent shares out a fixed number of points (`total`,
//! default 100) among the options, one whole number of at least 0 per option, adding up to exactly
//! `total`.
//!
//! ```yaml
//! - id: budget
//!   type: constant_sum
//!   text: {ru: "Распределите 100 баллов бюджета района между этими нуждами", en: "Share 100 points …"}
//!   total: 100          # optional, default 100
//!   randomize: false    # optional: option order per respondent
//!   options:
//!     - {code: roads, label: {ru: Дороги, en: Roads}}
//!     - {code: clinics, label: {ru: Поликлиники, en: Clinics}}
//! ```
//!
//! - Answer: [`Answer::Points`], stored as `{"points": {"roads": 50, "clinics": 50}}` with every option
//!   of the version answered (0 for a box left blank); an option absent from a stored answer was not shown
//!   (an option added in a later version), so that respondent is left out of its mean.
//! - Form: one number box per option, field `q.code` (as matrix rows and rankings), input id `q-{q}-{i}`
//!   (`i` the option's place in the definition); a running total ("Итого: 70 из 100") is shown, and updated
//!   by `static/form.js`. All boxes blank is no answer (an error only when the question is required);
//!   once any box is filled, blank boxes count as 0 and the points must add up to `total`.
//! - CSV (`responses import`, exports): one column per option, `q.code`, holding the points; SPSS: one
//!   numeric variable per option.
//! - Coded slot: 1 byte (1: answered), then per option its points as a little-endian `u32`.
//! - Summary: per option the weighted mean of its points (as a number question's mean), respondents who did
//!   not answer excluded; reported like matrix rows (`rows`, each with `code`, `label`, `mean`, `se`,
//!   `ci_low`, `ci_high`, `n`).
//! - Conditions: only `answered(q)`; anything else is refused when the definition is imported.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::definition::condition::VarType;
use crate::definition::{Answer, AnswerError, AnswerOption, Definition, Question, QuestionKind, Texts};
use crate::form::fields::Fields;
use crate::form::messages::Problem;
use crate::form::parse::{input_id, parse_number};
use crate::form::view::{ItemBox, TypeView, ViewContext};
use crate::store::codes::Slot;
use crate::xlsform::{SettingsYaml, VarKind};

/// The YAML name of the type.
pub const NAME: &str = "constant_sum";

/// The points to share out when the definition does not say.
pub const DEFAULT_TOTAL: u32 = 100;

fn default_total() -> u32 {
    DEFAULT_TOTAL
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The settings of a constant-sum question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConstantSum {
    #[serde(default)]
    pub options: Vec<AnswerOption>,
    /// The points to share out: every answer adds up to exactly this (a whole number, at least 1).
    #[serde(default = "default_total")]
    pub total: u32,
    /// Randomize the option order per respondent (anchored options keep their place).
    #[serde(default, skip_serializing_if = "is_false")]
    pub randomize: bool,
}

use super::Described;

impl super::QuestionType for ConstantSum {
    fn name(&self) -> &'static str {
        NAME
    }

    fn choices(&self) -> Vec<&AnswerOption> {
        self.options.iter().collect()
    }

    fn items_mut(&mut self) -> Vec<&mut AnswerOption> {
        self.options.iter_mut().collect()
    }

    fn check(&self, answer: &Answer) -> Option<Result<(), AnswerError>> {
        let Answer::Points(points) = answer else {
            return None;
        };
        Some(check(self, points))
    }

    fn fields(&self, q: &Question) -> Vec<String> {
        fields(q, self)
    }

    fn first_target(&self, q: &Question) -> String {
        input_id(&q.id, Some(0))
    }

    fn parse(&self, q: &Question, fields: &Fields) -> super::Outcome {
        parse(q, self, fields)
    }

    fn form_view<'a>(&'a self, q: &'a Question, cx: &ViewContext<'_>) -> TypeView<'a> {
        Box::new(view(q, self, cx))
    }

    fn form_partial(&self) -> &'static str {
        "partials/q_constant_sum"
    }

    fn typed_field(&self, _q: &Question, _name: &str) -> bool {
        // The page shows the running total of the boxes, so their values are part of its look.
        false
    }

    fn slot_codes(&self) -> Vec<&str> {
        self.options.iter().map(|o| o.code.as_str()).collect()
    }

    fn slot_kind(&self, codes: usize) -> Option<crate::store::codes::SlotKind> {
        Some(crate::store::codes::SlotKind::Points { options: codes })
    }

    fn csv_columns(&self, q: &Question) -> Vec<String> {
        fields(q, self)
    }

    fn csv_cells(&self, answer: Option<&Answer>, out: &mut Vec<String>) {
        export_cells(self, answer, out);
    }

    fn microdata_columns(&self) -> Vec<crate::question::columns::MicrodataColumn<'_>> {
        self.options
            .iter()
            .map(|o| crate::question::columns::MicrodataColumn::item(o, Vec::new()).numbers())
            .collect()
    }

    fn spss_variables(&self) -> Vec<crate::question::columns::SpssVariable<'_>> {
        self.options
            .iter()
            .map(crate::question::columns::SpssVariable::Points)
            .collect()
    }

    fn summary_column(&self) -> crate::question::columns::SummaryColumn<'_> {
        crate::question::columns::SummaryColumn::Points(&self.options)
    }

    fn open_text_is_answer(&self) -> bool {
        false
    }

    fn encode_slot(&self, _slot: &Slot<'_>, answer: &Answer, out: &mut [u8]) -> Option<()> {
        let Answer::Points(points) = answer else {
            return None;
        };
        encode_points(self, points, out)
    }

    #[cfg(test)]
    fn random_answer(&self, draw: &mut crate::question::draw::Draw<'_>) -> Option<Answer> {
        use rand::Rng;
        let mut left = self.total;
        let mut points = BTreeMap::new();
        for (k, o) in self.options.iter().enumerate() {
            let p = if k + 1 == self.options.len() {
                left
            } else {
                draw.rng.random_range(0..=left)
            };
            left -= p;
            let code = if draw.junk() { "zz" } else { o.code.as_str() };
            points.insert(code.to_owned(), p);
        }
        Some(Answer::Points(points))
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

    fn condition_type(&self, id: &str) -> VarType {
        VarType::AnsweredOnly {
            hint: condition_hint(id),
        }
    }

    fn summary_cost(&self) -> usize {
        8 * self.options.len()
    }

    fn texts(&self) -> Vec<(String, &Texts)> {
        super::items("option", self.options.iter())
    }

    fn check_definition(&self, _q: &Question, _def: &Definition, problem: &mut dyn FnMut(String)) {
        check_definition(self, problem);
        super::check_codes("option", self.options.iter(), problem);
    }

    fn write_yaml(&self, y: &mut SettingsYaml) {
        y.value("total", self.total);
        y.flag("randomize", self.randomize);
        y.options("options", &self.options);
    }

    fn xlsform_var(&self) -> VarKind {
        // No XLSForm type becomes a constant sum; like a matrix it has no single value to compare.
        VarKind::Info
    }

    fn described(&self, _def: &Definition, _lang: &str) -> Described<'_> {
        Described {
            options: self.options.iter().collect(),
            rows: Vec::new(),
            note: note(self),
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

// ---------------------------------------------------------------------------------------------------------
// Definition

/// The problems of a constant-sum definition besides its option codes (which `definition::validate`
/// checks for every type with options), each passed to `problem`.
pub fn check_definition(c: &ConstantSum, problem: &mut dyn FnMut(String)) {
    if c.options.len() < 2 {
        problem(format!("{NAME} needs at least two options to share the points among"));
    }
    if c.total == 0 {
        problem("total must be a whole number of at least 1 (the points to share out)".into());
    }
    if c.options.iter().any(|o| o.exclusive) {
        problem("'exclusive' only makes sense in a multiple_choice".into());
    }
}

/// What a condition may ask of a constant-sum question (for the condition checker's messages).
pub fn condition_hint(question: &str) -> String {
    format!("'{question}' is a {NAME} question: a condition can only ask answered({question})")
}

// ---------------------------------------------------------------------------------------------------------
// Answers

/// The sum of the points of an answer (wide enough never to overflow).
fn sum(points: &BTreeMap<String, u32>) -> u64 {
    points.values().map(|p| u64::from(*p)).sum()
}

/// Checks a stored or imported answer: every option and only the options, adding up to `total`.
pub fn check(c: &ConstantSum, points: &BTreeMap<String, u32>) -> Result<(), AnswerError> {
    if points.is_empty() {
        return Err(AnswerError::Empty);
    }
    if let Some(bad) = points.keys().find(|k| !c.options.iter().any(|o| &o.code == *k)) {
        return Err(AnswerError::UnknownCode(bad.clone()));
    }
    if let Some(missing) = c.options.iter().find(|o| !points.contains_key(&o.code)) {
        return Err(AnswerError::MissingOption(missing.code.clone()));
    }
    let got = sum(points);
    if got != u64::from(c.total) {
        return Err(AnswerError::WrongSum {
            total: c.total,
            sum: got,
        });
    }
    Ok(())
}

/// The points an answer gives option `code`: `None` when the question is not answered (or the answer is of
/// another kind), or the option was not among those answered.
pub fn answer_points(a: Option<&Answer>, code: &str) -> Option<f64> {
    if let Some(Answer::Points(points)) = a {
        points.get(code).map(|p| f64::from(*p))
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------------------
// Form fields

/// The field of option `code` (also its CSV column).
fn field(question: &str, code: &str) -> String {
    format!("{question}.{code}")
}

/// The fields (and CSV columns) of the question, one per option in definition order.
pub fn fields(q: &Question, c: &ConstantSum) -> Vec<String> {
    c.options.iter().map(|o| field(&q.id, &o.code)).collect()
}

/// One box's value: a whole number of at least 0 (spaces as thousands separators are accepted). Values
/// beyond `u32` cannot add up to any total, so they saturate and fail the sum.
fn points_of(raw: &str) -> Option<u32> {
    let x = parse_number(raw)?;
    if x < 0.0 || x.fract() != 0.0 {
        return None;
    }
    // `as` saturates: a huge number becomes u32::MAX, which no valid answer reaches.
    Some(x as u32)
}

/// Parses the boxes of a constant-sum question: `Ok(None)` when all are blank; otherwise every filled box
/// a whole number ≥ 0, blank boxes 0, adding up to `total`.
pub fn parse(q: &Question, c: &ConstantSum, fields: &Fields) -> Result<Option<Answer>, (String, Problem)> {
    let mut points = BTreeMap::new();
    let mut filled = false;
    for (i, o) in c.options.iter().enumerate() {
        let target = input_id(&q.id, Some(i));
        let sent = fields.non_empty(&field(&q.id, &o.code));
        let value = match sent.as_slice() {
            [] => 0,
            [raw] => {
                filled = true;
                points_of(raw).ok_or((target, Problem::PointsNotWhole))?
            }
            _ => return Err((target, Problem::OneValue)),
        };
        points.insert(o.code.clone(), value);
    }
    if !filled {
        return Ok(None);
    }
    let got = sum(&points);
    if got != u64::from(c.total) {
        return Err((
            input_id(&q.id, Some(0)),
            Problem::PointsSum {
                total: c.total,
                sum: got,
            },
        ));
    }
    Ok(Some(Answer::Points(points)))
}

/// The fields that give back an answer (to re-fill a page, and for CSV import).
pub fn answer_fields(question: &str, points: &BTreeMap<String, u32>, out: &mut Fields) {
    for (code, p) in points {
        out.push(field(question, code), p.to_string());
    }
}

// ---------------------------------------------------------------------------------------------------------
// View

/// The view of the question (`templates/partials/q_constant_sum.hbs`): the boxes in this respondent's
/// order, the total, and the running total of what is filled in.
#[derive(Serialize)]
struct SumView<'a> {
    items: Vec<ItemBox<'a>>,
    total: u32,
    sum: u64,
    sum_id: String,
    /// The ids of the boxes, for the running total's `<output for>`.
    ids: String,
}

fn view<'a>(q: &'a Question, c: &'a ConstantSum, cx: &ViewContext<'_>) -> SumView<'a> {
    let id = &q.id;
    let filled: u64 = c
        .options
        .iter()
        .filter_map(|o| cx.values.first(&field(id, &o.code)).and_then(points_of))
        .map(u64::from)
        .sum();
    let ids: Vec<String> = (0..c.options.len()).map(|i| input_id(id, Some(i))).collect();
    SumView {
        items: ItemBox::boxes(q, &c.options, cx),
        total: c.total,
        sum: filled,
        sum_id: format!("q-{id}-sum"),
        ids: ids.join(" "),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Coded slot

/// Bytes of the coded slot of a question with `options` options.
pub fn slot_bytes(options: usize) -> usize {
    1 + 4 * options
}

/// Writes an answer into its slot; `None` when it does not fit the question exactly (an unknown or a
/// missing option).
fn encode_points(c: &ConstantSum, points: &BTreeMap<String, u32>, out: &mut [u8]) -> Option<()> {
    if out.len() != slot_bytes(c.options.len()) || points.len() != c.options.len() {
        return None;
    }
    out[0] = 1;
    for (code, p) in points {
        let k = c.options.iter().position(|o| &o.code == code)?;
        let at = 1 + 4 * k;
        out[at..at + 4].copy_from_slice(&p.to_le_bytes());
    }
    Some(())
}

/// The points of option `code` in a coded response `row` (`None`: not answered, or the slot's version has
/// no such option).
pub fn coded_points(slot: &Slot<'_>, row: &[u8], code: &str) -> Option<f64> {
    let QuestionKind::ConstantSum(c) = &slot.question.kind else {
        return None;
    };
    let bytes = row.get(slot.offset..slot.offset + slot.len)?;
    if bytes.first()? & 1 == 0 {
        return None;
    }
    let k = c.options.iter().position(|o| o.code == code)?;
    let at = 1 + 4 * k;
    let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(f64::from(u32::from_le_bytes(b)))
}

// ---------------------------------------------------------------------------------------------------------
// Exports

/// The CSV cells of the question, aligned with [`fields`]: the points of each option, or blank cells when
/// the question is not answered.
pub fn export_cells(c: &ConstantSum, answer: Option<&Answer>, out: &mut Vec<String>) {
    for o in &c.options {
        out.push(answer_points(answer, &o.code).map_or_else(String::new, |p| format!("{p}")));
    }
}

// ---------------------------------------------------------------------------------------------------------
// Results

/// The axis of the options' mean points on the results page: 0 to a round number at or above `total`.
pub fn axis(c: &ConstantSum) -> (f64, f64, Vec<f64>) {
    let (max, ticks) = crate::chart::nice_axis(f64::from(c.total));
    (0.0, max, ticks)
}

/// What the methodology page notes about the question: the total to share out.
pub fn note(c: &ConstantSum) -> String {
    format!("Σ = {}", c.total)
}

#[cfg(test)]
mod tests;
