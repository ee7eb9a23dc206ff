//! What is specific to each question type gets its home here, one module per type: its settings, the
//! checks of its definition, how its answer is read from form fields and checked, its coded slot, its CSV
//! columns, its XLSForm mapping, and its tests.
//!
//! Each type's settings implement [`QuestionType`]; [`QuestionKind::as_type`] is the one `match` that
//! picks the type, and the layers call the trait instead of matching on the kind: the definition (name,
//! options, settings checks, texts, condition types), the form (fields, parsing, "required" target,
//! randomized items, the page's view and its template partial, CSV columns, cells and import fields), the
//! coded slot's codes, kind and encoding, the report's labels, cost and summary column, the SPSS variables
//! and XLSX microdata columns ([`columns`] describes them), random answers for tests, XLSForm (variable
//! kinds, YAML settings), the methodology page, and the codebook of the question's open answers with the
//! text coders code (a text answer, or a choice's "other, specify" text). [`answers`] holds the one
//! `match` per representation of an answer (form fields, CSV cell, the form script's value, the text a
//! reader reads).

// A new variant of an enum these modules match on is noticed here, not swallowed by `_`.
#![warn(clippy::wildcard_enum_match_arm)]

use crate::definition::condition::VarType;
use crate::definition::{Answer, AnswerError, AnswerOption, Definition, Question, Texts};
use crate::form::fields::Fields;
use crate::form::messages::Problem;
use crate::form::view::{TypeView, ViewContext};
use crate::store::codes::SlotKind;
use crate::xlsform::{SettingsYaml, VarKind};
use serde::{Deserialize, Serialize};

pub mod answers;
pub mod columns;
pub mod constant_sum;
pub mod date;
#[cfg(test)]
pub(crate) mod draw;
pub mod info;
pub mod matrix;
pub mod multiple_choice;
pub mod number;
pub mod ranking;
pub mod scale;
pub mod single_choice;
pub mod text;

/// For `skip_serializing_if`: a flag left false is not written.
fn is_false(b: &bool) -> bool {
    !*b
}

/// What parsing one question's form fields gives: `Ok(None)` when unanswered, or the id of the input to
/// link to with the problem found.
pub type Outcome = Result<Option<Answer>, (String, Problem)>;

/// What each question type decides for itself. Every method is required: a new type states each of them.
pub(crate) trait QuestionType {
    /// The YAML name of the type.
    fn name(&self) -> &'static str;

    /// The options a respondent chooses from, in definition order, with "other" last (empty for types
    /// without options; scale points and matrix rows are not options in this sense).
    fn choices(&self) -> Vec<&AnswerOption>;

    /// Every option-like item (options, other, points, hard to say, rows), to be edited in place.
    fn items_mut(&mut self) -> Vec<&mut AnswerOption>;

    /// Checks a stored or imported answer; `None` when the answer is of another kind than the type's.
    fn check(&self, answer: &Answer) -> Option<Result<(), AnswerError>>;

    /// The form fields (and CSV columns) the question may send.
    fn fields(&self, q: &Question) -> Vec<String>;

    /// The id of the input an error "this question needs an answer" links to.
    fn first_target(&self, q: &Question) -> String;

    /// Parses the question's form fields (a page, or a CSV row).
    fn parse(&self, q: &Question, fields: &Fields) -> Outcome;

    /// The type's own part of the question's form view: a typed struct with the fields its template
    /// (`templates/partials/q_<type>.hbs`) reads besides those every question has.
    fn form_view<'a>(&'a self, q: &'a Question, cx: &ViewContext<'_>) -> TypeView<'a>;

    /// The template partial (`templates/partials/…hbs`) that draws the question's inputs from its
    /// [`QuestionType::form_view`].
    fn form_partial(&self) -> &'static str;

    /// Whether form field `name` of the question holds text the respondent typed, rather than a choice or
    /// a value the page's look depends on (a page sent back with errors is kept with its typed texts cut
    /// out, see `form::view::refill_shape`).
    fn typed_field(&self, q: &Question, name: &str) -> bool;

    /// The option codes in coded-slot order (empty for types whose slot keeps no codes).
    fn slot_codes(&self) -> Vec<&str>;

    /// How the answer is kept in a coded response, given the number of [`QuestionType::slot_codes`];
    /// `None` when there are too many options to code.
    fn slot_kind(&self, codes: usize) -> Option<SlotKind>;

    /// The columns of the question in CSV files (`responses import` and exports).
    fn csv_columns(&self, q: &Question) -> Vec<String>;

    /// The CSV cells of an answer (blank when unanswered), aligned with [`QuestionType::csv_columns`].
    fn csv_cells(&self, answer: Option<&Answer>, out: &mut Vec<String>);

    /// The question's microdata columns as the XLSX `questions` sheet lists them, aligned with
    /// [`QuestionType::csv_columns`].
    fn microdata_columns(&self) -> Vec<columns::MicrodataColumn<'_>>;

    /// The question's variables in the SPSS file, in file order.
    fn spss_variables(&self) -> Vec<columns::SpssVariable<'_>>;

    /// How the summary reads the question as a column.
    fn summary_column(&self) -> columns::SummaryColumn<'_>;

    /// Whether the open text coders code is the whole answer (a text question) rather than the "other,
    /// specify" text of a choice: its codes then summarize the question itself, and its code columns are
    /// `{id}__{code}` rather than `{id}.other__{code}`.
    fn open_text_is_answer(&self) -> bool;

    /// Writes an answer into the question's coded slot (with the `Slot::encode_*` of its slot kind);
    /// `None` when the answer is not of the type's kind or does not fit the question exactly.
    fn encode_slot(&self, slot: &crate::store::codes::Slot<'_>, answer: &Answer, out: &mut [u8]) -> Option<()>;

    /// A random valid answer (now and then with an unknown code, see [`draw::Draw`]); `None` for a type
    /// that takes no answer.
    #[cfg(test)]
    fn random_answer(&self, draw: &mut draw::Draw<'_>) -> Option<Answer>;

    /// The form fields a non-empty CSV cell of the question's `column` stands for (import reads a row as
    /// the form's fields).
    fn csv_fields(&self, q: &Question, column: &str, value: &str, out: &mut Fields);

    /// The items shown in an order drawn per respondent (options, or a matrix's rows), when the question
    /// asks for it.
    fn randomized_items(&self) -> Option<&[AnswerOption]>;

    /// What a condition (`show_if`, rules) may ask of the question `id`, for the condition checker.
    fn condition_type(&self, id: &str) -> VarType;

    /// Rough relative cost of summarizing the question (to balance work between threads): numbers have a
    /// median per breakdown category, scales a mean besides their shares, multiple choice a table per
    /// option.
    fn summary_cost(&self) -> usize;

    /// The texts of the type's settings besides the question's text and hint (option labels, a unit), each
    /// with what it is for messages ("option 'a'", "unit"), in definition order.
    fn texts(&self) -> Vec<(String, &Texts)>;

    /// The problems of the type's settings in a definition, each passed to `problem`.
    fn check_definition(&self, q: &Question, def: &Definition, problem: &mut dyn FnMut(String));

    /// Writes the settings as YAML (a form converted from XLSForm), in the style of hand-written
    /// definitions.
    fn write_yaml(&self, y: &mut SettingsYaml);

    /// What the question is to the XLSForm expression translator (`relevant`, `constraint`).
    fn xlsform_var(&self) -> VarKind;

    /// What the methodology page lists of the question as asked.
    fn described(&self, def: &Definition, lang: &str) -> Described<'_>;

    /// The labelled categories of the question as a weighting or breakdown variable (single choice,
    /// scale); empty for the other types.
    fn categories(&self) -> Vec<&AnswerOption>;

    /// The codebook the question's open answers are coded with (a text question's answers, a choice
    /// question's "other, specify" texts); `None` when they are not coded.
    fn codebook(&self) -> Option<&crate::coding::Codebook>;

    /// The open text of an answer that coders code (not blank), when the answer has one.
    fn open_text<'a>(&self, answer: &'a Answer) -> Option<&'a str>;
}

/// `text` unless it is blank.
fn not_blank(text: &str) -> Option<&str> {
    (!text.trim().is_empty()).then_some(text)
}

/// A choice question's codebook must have an "other" to code, and be a valid codebook.
fn check_other_codebook(
    book: Option<&crate::coding::Codebook>,
    other: Option<&AnswerOption>,
    def: &Definition,
    problem: &mut dyn FnMut(String),
) {
    let Some(book) = book else { return };
    if other.is_none() {
        problem(
            "codebook codes the texts of an \"other, specify\" option, but the question has no `other:`; \
             add `other:` or remove the codebook"
                .into(),
        );
    }
    for p in book.problems(def.languages.first().map_or("ru", String::as_str)) {
        problem(p);
    }
}

/// A question's settings as the methodology page lists them.
pub struct Described<'a> {
    /// The answer options (scale points, "other", "hard to say").
    pub options: Vec<&'a AnswerOption>,
    /// A matrix's rows.
    pub rows: Vec<&'a AnswerOption>,
    /// Limits, unit, total, in a short note ("max 3", "≤ 500").
    pub note: String,
}

/// The labels of option-like items as texts of the question: `what 'code'` and the label.
fn items<'a>(what: &str, options: impl Iterator<Item = &'a AnswerOption>) -> Vec<(String, &'a Texts)> {
    options.map(|o| (format!("{what} '{}'", o.code), &o.label)).collect()
}

/// Codes must be non-empty, unique within the question, and free of `;` (the multiple-choice separator
/// in CSV files).
fn check_codes<'a>(what: &str, options: impl Iterator<Item = &'a AnswerOption>, problem: &mut dyn FnMut(String)) {
    let mut seen = std::collections::BTreeSet::new();
    for o in options {
        if o.code.trim().is_empty() {
            problem(format!("an {what} has an empty code"));
        } else if o.code.contains(';') || o.code.trim() != o.code {
            problem(format!(
                "{what} code '{}' must not contain ';' or surrounding spaces",
                o.code
            ));
        }
        if !seen.insert(o.code.as_str()) {
            problem(format!("{what} code '{}' is used twice", o.code));
        }
    }
}

/// The codes of `options` then `extra`, each once (duplicates are reported by the definition checks;
/// listing them once keeps the condition checker's messages readable).
fn distinct_codes(options: &[AnswerOption], extra: Option<&AnswerOption>) -> Vec<String> {
    let mut list: Vec<String> = Vec::new();
    for o in options.iter().chain(extra) {
        if !list.contains(&o.code) {
            list.push(o.code.clone());
        }
    }
    list
}

/// The question types and their settings: a new type is a variant here and an arm in
/// [`QuestionKind::as_type`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    SingleChoice(single_choice::SingleChoice),
    MultipleChoice(multiple_choice::MultipleChoice),
    Scale(scale::Scale),
    Matrix(matrix::Matrix),
    Number(number::Number),
    Text(text::Text),
    Ranking(ranking::Ranking),
    Date(date::DateQuestion),
    /// Points shared out among options, adding up to a fixed total.
    ConstantSum(constant_sum::ConstantSum),
    /// A note shown to the respondent; takes no answer.
    Info,
}

impl QuestionKind {
    /// The YAML name of the type.
    pub fn name(&self) -> &'static str {
        self.as_type().name()
    }

    /// The question type behind the kind: the one place that matches on it for the methods of
    /// [`QuestionType`].
    pub(crate) fn as_type(&self) -> &dyn QuestionType {
        match self {
            QuestionKind::SingleChoice(t) => t,
            QuestionKind::MultipleChoice(t) => t,
            QuestionKind::Scale(t) => t,
            QuestionKind::Matrix(t) => t,
            QuestionKind::Number(t) => t,
            QuestionKind::Text(t) => t,
            QuestionKind::Ranking(t) => t,
            QuestionKind::Date(t) => t,
            QuestionKind::ConstantSum(t) => t,
            QuestionKind::Info => &info::Info,
        }
    }

    /// [`QuestionKind::as_type`] for editing; `None` for a note, which has nothing to edit.
    pub(crate) fn as_type_mut(&mut self) -> Option<&mut dyn QuestionType> {
        match self {
            QuestionKind::SingleChoice(t) => Some(t),
            QuestionKind::MultipleChoice(t) => Some(t),
            QuestionKind::Scale(t) => Some(t),
            QuestionKind::Matrix(t) => Some(t),
            QuestionKind::Number(t) => Some(t),
            QuestionKind::Text(t) => Some(t),
            QuestionKind::Ranking(t) => Some(t),
            QuestionKind::Date(t) => Some(t),
            QuestionKind::ConstantSum(t) => Some(t),
            QuestionKind::Info => None,
        }
    }

    /// [`QuestionType::codebook`] of the kind.
    pub fn codebook(&self) -> Option<&crate::coding::Codebook> {
        self.as_type().codebook()
    }

    /// [`QuestionType::open_text`] of the kind.
    pub fn open_text<'a>(&self, answer: &'a Answer) -> Option<&'a str> {
        self.as_type().open_text(answer)
    }
}

#[cfg(test)]
mod other_coding_tests;
