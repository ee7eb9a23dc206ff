//! Submitted fields → typed answers and per-field problems, against a survey definition.
//!
//! The same parser serves the web form (one page at a time) and `responses import` (a CSV row is all pages
//! at once), so both accept and reject exactly the same things. Rules:
//! - questions are taken in definition order; a question whose `show_if` does not hold given the answers
//!   before it is hidden: whatever was sent for it is dropped, never stored and never an error;
//! - a visible `required` question without an answer is an error;
//! - every value is checked against the question (option codes, number range and integrality, text length,
//!   date range, `max_choices`/`min_choices`, exclusive options, ranks, constant sums);
//! - a field that belongs to no question of the page is an error (a tampered or stale page).

use std::collections::HashSet;

use chrono::NaiveDate;

use super::fields::{Fields, SYSTEM_FIELDS};
use super::messages::Problem;
use crate::definition::{Answer, Answers, Definition, Question, QuestionKind};
pub use crate::question::answers::answer_fields;
use crate::question::Outcome;

/// Longest accepted text when the definition sets no `max_length`.
pub const DEFAULT_TEXT_MAX: usize = 5000;
/// Longest "other, specify" text.
pub const OTHER_TEXT_MAX: usize = 500;
/// Longest number accepted, as typed and as printed back (digits, sign and point).
const MAX_NUMBER_CHARS: usize = 40;
/// At most this many unknown fields are reported one by one; more are summed up in one message.
const UNKNOWN_FIELDS_LISTED: usize = 3;

/// One problem, with the question it belongs to and the id of the HTML input to link to.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub question: Option<String>,
    /// `id` of the input the error summary links to (see [`input_id`]).
    pub target: String,
    pub problem: Problem,
}

impl FieldError {
    pub fn message(&self, lang: &str) -> String {
        self.problem.message(lang)
    }
}

/// The result of parsing: answers of the visible, answered questions and every problem found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub answers: Answers,
    pub errors: Vec<FieldError>,
}

impl Parsed {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// `id` of the main input of a question (number, text, date) or of its first option (`…-0`).
pub fn input_id(question: &str, index: Option<usize>) -> String {
    match index {
        Some(i) => format!("q-{question}-{i}"),
        None => format!("q-{question}"),
    }
}

/// The field names a question may send.
pub fn expected_fields(q: &Question) -> Vec<String> {
    q.kind.as_type().fields(q)
}

/// Parses one page (by index in `def.pages`) given the answers of the other pages.
pub fn parse_page(def: &Definition, page: usize, prior: &Answers, fields: &Fields) -> Parsed {
    let Some(p) = def.pages.get(page) else {
        return Parsed::default();
    };
    let mut parsed = parse_questions(def, p.questions.iter(), prior, fields);
    let expected: HashSet<String> = p.questions.iter().flat_map(expected_fields).collect();
    parsed.errors.extend(unknown_fields(fields, &expected));
    parsed
}

/// Parses every page at once (a CSV row): answers of all visible questions.
pub fn parse_all(def: &Definition, fields: &Fields) -> Parsed {
    parse_all_expecting(def, &all_expected_fields(def), fields)
}

/// The field names a whole form may send ([`parse_all`]), to compute once when parsing many rows.
pub fn all_expected_fields(def: &Definition) -> HashSet<String> {
    def.questions().flat_map(|(_, q)| expected_fields(q)).collect()
}

/// [`parse_all`] with the form's field names given ([`all_expected_fields`] of the same definition).
pub fn parse_all_expecting(def: &Definition, expected: &HashSet<String>, fields: &Fields) -> Parsed {
    let mut out = Parsed::default();
    for (_, q) in def.questions() {
        // No prior answers: what is known before a question is what was parsed before it.
        if !def.visible(&q.id, &out.answers) {
            continue;
        }
        if let Some(a) = parse_one(q, fields, &mut out.errors) {
            out.answers.insert(q.id.clone(), a);
        }
    }
    out.errors.extend(unknown_fields(fields, expected));
    out
}

/// Parses `questions` in order; visibility of each is decided on `prior` plus the answers parsed before it
/// (conditions refer only to earlier questions, which validation guarantees).
pub fn parse_questions<'a>(
    def: &Definition,
    questions: impl IntoIterator<Item = &'a Question>,
    prior: &Answers,
    fields: &Fields,
) -> Parsed {
    let questions: Vec<&Question> = questions.into_iter().collect();
    let mut known = prior.clone();
    // Answers given earlier to these very questions (a page submitted again) do not count.
    for q in &questions {
        known.remove(&q.id);
    }
    let mut out = Parsed::default();
    for q in questions {
        if !def.visible(&q.id, &known) {
            continue;
        }
        if let Some(a) = parse_one(q, fields, &mut out.errors) {
            known.insert(q.id.clone(), a.clone());
            out.answers.insert(q.id.clone(), a);
        }
    }
    out
}

/// The answer to a visible question, or its problem added to `errors` (a required one unanswered too).
fn parse_one(q: &Question, fields: &Fields, errors: &mut Vec<FieldError>) -> Option<Answer> {
    match parse_question(q, fields) {
        Ok(Some(a)) => return Some(a),
        Ok(None) if q.required && !matches!(q.kind, QuestionKind::Info) => errors.push(FieldError {
            question: Some(q.id.clone()),
            target: first_target(q),
            problem: Problem::Required,
        }),
        Ok(None) => {}
        Err((target, problem)) => errors.push(FieldError {
            question: Some(q.id.clone()),
            target,
            problem,
        }),
    }
    None
}

/// Drops answers of questions that are not visible given the answers before them (after a respondent went
/// back and changed an answer, or for a page that is now skipped).
pub fn prune(def: &Definition, answers: &Answers) -> Answers {
    let mut kept = Answers::new();
    for (_, q) in def.questions() {
        if let Some(a) = answers.get(&q.id) {
            if def.visible(&q.id, &kept) {
                kept.insert(q.id.clone(), a.clone());
            }
        }
    }
    kept
}

fn unknown_fields(fields: &Fields, expected: &HashSet<String>) -> Vec<FieldError> {
    let unknown: Vec<&str> = fields
        .names()
        .filter(|n| !expected.contains(*n) && !SYSTEM_FIELDS.contains(n))
        .collect();
    if unknown.len() > UNKNOWN_FIELDS_LISTED {
        return vec![FieldError {
            question: None,
            target: String::new(),
            problem: Problem::UnknownFields {
                count: unknown.len(),
                first: shorten(unknown[0]),
            },
        }];
    }
    unknown
        .into_iter()
        .map(|n| FieldError {
            question: None,
            target: String::new(),
            problem: Problem::UnknownField(shorten(n)),
        })
        .collect()
}

/// Field names and codes echoed in messages are cut to a readable length.
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(MAX).collect();
        t.push('…');
        t
    }
}

fn first_target(q: &Question) -> String {
    q.kind.as_type().first_target(q)
}

/// Parses the fields of one question: `Ok(None)` when unanswered.
pub fn parse_question(q: &Question, fields: &Fields) -> Outcome {
    q.kind.as_type().parse(q, fields)
}

/// The one non-empty value of a single-valued field.
pub(crate) fn one<'f>(fields: &'f Fields, name: &str, target: &str) -> Result<Option<&'f str>, (String, Problem)> {
    let v = fields.non_empty(name);
    match v.len() {
        0 => Ok(None),
        1 => Ok(Some(v[0])),
        _ => Err((target.to_owned(), Problem::OneValue)),
    }
}

/// Removes control characters a person cannot type (keeping line breaks and tabs) and normalizes line
/// breaks; PostgreSQL text cannot hold NUL at all.
pub fn clean_text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The "other, specify" text, checked for length.
pub(crate) fn other_text(q: &Question, fields: &Fields) -> Result<Option<String>, (String, Problem)> {
    let target = format!("q-{}-other", q.id);
    let raw: Vec<String> = fields
        .all(&format!("{}.other", q.id))
        .iter()
        .map(|s| clean_text(s))
        .filter(|s| !s.is_empty())
        .collect();
    match raw.len() {
        0 => Ok(None),
        1 => {
            let len = raw[0].chars().count();
            if len > OTHER_TEXT_MAX {
                Err((
                    target,
                    Problem::TooLong {
                        max: OTHER_TEXT_MAX,
                        len,
                    },
                ))
            } else {
                Ok(raw.into_iter().next())
            }
        }
        _ => Err((target, Problem::OneValue)),
    }
}

/// Parses a number as people type it: spaces as thousands separators and a decimal comma are accepted.
pub fn parse_number(s: &str) -> Option<f64> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '\u{a0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() || cleaned.len() > MAX_NUMBER_CHARS {
        return None;
    }
    // Only plain decimal notation: no "inf", "NaN", hex or exponents a person would not type.
    let plain = cleaned
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+')));
    if !plain {
        return None;
    }
    // The number must also print (as a page re-filled with it shows it, see `answer_fields`) within the
    // limit: `.000…01` typed in 40 characters prints as `0.000…01` in 41 and would be refused when sent again.
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && format!("{x}").len() <= MAX_NUMBER_CHARS)
}

/// Parses `YYYY-MM-DD` (what a date picker sends) or `DD.MM.YYYY` (what people type in Russia).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .ok()
}
