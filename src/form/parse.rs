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

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::NaiveDate;

use super::fields::{Fields, SYSTEM_FIELDS};
use super::messages::Problem;
use crate::definition::{
    Answer, AnswerOption, Answers, DateQuestion, Definition, Matrix, MultipleChoice, Number, Question, QuestionKind,
    Ranking, Scale, SingleChoice, Text,
};
use crate::question::constant_sum;

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
    let id = &q.id;
    match &q.kind {
        QuestionKind::SingleChoice(SingleChoice { other, .. })
        | QuestionKind::MultipleChoice(MultipleChoice { other, .. }) => {
            let mut v = vec![id.clone()];
            if other.is_some() {
                v.push(format!("{id}.other"));
            }
            v
        }
        QuestionKind::Scale(_) | QuestionKind::Number(_) | QuestionKind::Text(_) | QuestionKind::Date(_) => {
            vec![id.clone()]
        }
        QuestionKind::Matrix(m) => m.rows.iter().map(|r| format!("{id}.{}", r.code)).collect(),
        QuestionKind::Ranking(r) => r.options.iter().map(|o| format!("{id}.{}", o.code)).collect(),
        QuestionKind::ConstantSum(c) => constant_sum::fields(q, c),
        QuestionKind::Info => Vec::new(),
    }
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
    let mut parsed = parse_questions(def, def.questions().map(|(_, q)| q), &Answers::new(), fields);
    let expected: HashSet<String> = def.questions().flat_map(|(_, q)| expected_fields(q)).collect();
    parsed.errors.extend(unknown_fields(fields, &expected));
    parsed
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
        match parse_question(q, fields) {
            Ok(Some(a)) => {
                known.insert(q.id.clone(), a.clone());
                out.answers.insert(q.id.clone(), a);
            }
            Ok(None) if q.required && !matches!(q.kind, QuestionKind::Info) => out.errors.push(FieldError {
                question: Some(q.id.clone()),
                target: first_target(q),
                problem: Problem::Required,
            }),
            Ok(None) => {}
            Err((target, problem)) => out.errors.push(FieldError {
                question: Some(q.id.clone()),
                target,
                problem,
            }),
        }
    }
    out
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
fn shorten(s: &str) -> String {
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
    match &q.kind {
        QuestionKind::Number(_) | QuestionKind::Text(_) | QuestionKind::Date(_) => input_id(&q.id, None),
        QuestionKind::Matrix(_) => format!("q-{}-0-0", q.id),
        _ => input_id(&q.id, Some(0)),
    }
}

type Outcome = Result<Option<Answer>, (String, Problem)>;

/// Parses the fields of one question: `Ok(None)` when unanswered.
pub fn parse_question(q: &Question, fields: &Fields) -> Outcome {
    match &q.kind {
        QuestionKind::SingleChoice(c) => single_choice(q, c, fields),
        QuestionKind::MultipleChoice(c) => multiple_choice(q, c, fields),
        QuestionKind::Scale(s) => scale(q, s, fields),
        QuestionKind::Matrix(m) => matrix(q, m, fields),
        QuestionKind::Number(n) => number(q, n, fields),
        QuestionKind::Text(t) => text(q, t, fields),
        QuestionKind::Date(d) => date(q, d, fields),
        QuestionKind::Ranking(r) => ranking(q, r, fields),
        QuestionKind::ConstantSum(c) => constant_sum::parse(q, c, fields),
        QuestionKind::Info => Ok(None),
    }
}

/// The one non-empty value of a single-valued field.
fn one<'f>(fields: &'f Fields, name: &str, target: &str) -> Result<Option<&'f str>, (String, Problem)> {
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
fn other_text(q: &Question, fields: &Fields) -> Result<Option<String>, (String, Problem)> {
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

fn single_choice(q: &Question, c: &SingleChoice, fields: &Fields) -> Outcome {
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

fn multiple_choice(q: &Question, c: &MultipleChoice, fields: &Fields) -> Outcome {
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

fn scale(q: &Question, s: &Scale, fields: &Fields) -> Outcome {
    let target = input_id(&q.id, Some(0));
    match one(fields, &q.id, &target)? {
        None => Ok(None),
        Some(code) if s.codes().any(|c| c == code) => Ok(Some(Answer::Scale(code.to_owned()))),
        Some(code) => Err((target, Problem::UnknownOption(shorten(code)))),
    }
}

fn matrix(q: &Question, m: &Matrix, fields: &Fields) -> Outcome {
    let scale = m.scale();
    let mut rows = BTreeMap::new();
    let mut first_missing = None;
    for (i, row) in m.rows.iter().enumerate() {
        let target = format!("q-{}-{i}-0", q.id);
        match one(fields, &format!("{}.{}", q.id, row.code), &target)? {
            None => {
                first_missing.get_or_insert(target);
            }
            Some(code) if scale.codes().any(|c| c == code) => {
                rows.insert(row.code.clone(), code.to_owned());
            }
            Some(code) => return Err((target, Problem::UnknownOption(shorten(code)))),
        }
    }
    if rows.is_empty() {
        return Ok(None);
    }
    if let (true, Some(target)) = (q.required, first_missing) {
        return Err((target, Problem::MatrixIncomplete));
    }
    Ok(Some(Answer::Matrix(rows)))
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

fn number(q: &Question, n: &Number, fields: &Fields) -> Outcome {
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

fn text(q: &Question, t: &Text, fields: &Fields) -> Outcome {
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
    let max = t.max_length.unwrap_or(DEFAULT_TEXT_MAX);
    let len = value.chars().count();
    if len > max {
        return Err((target, Problem::TooLong { max, len }));
    }
    Ok(Some(Answer::Text(value)))
}

/// Parses `YYYY-MM-DD` (what a date picker sends) or `DD.MM.YYYY` (what people type in Russia).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .ok()
}

fn date(q: &Question, d: &DateQuestion, fields: &Fields) -> Outcome {
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

fn ranking(q: &Question, r: &Ranking, fields: &Fields) -> Outcome {
    let n = r.options.len();
    let mut ranked: Vec<(u32, usize)> = Vec::new();
    for (i, o) in r.options.iter().enumerate() {
        let target = input_id(&q.id, Some(i));
        let Some(raw) = one(fields, &format!("{}.{}", q.id, o.code), &target)? else {
            continue;
        };
        let k: u32 = raw.parse().map_err(|_| (target.clone(), Problem::RankNotNumber))?;
        if k == 0 || k as usize > n {
            return Err((target, Problem::RankOutOfRange(n)));
        }
        if ranked.iter().any(|(j, _)| *j == k) {
            return Err((target, Problem::RankDuplicate(k)));
        }
        ranked.push((k, i));
    }
    if ranked.is_empty() {
        return Ok(None);
    }
    if r.rank_all && ranked.len() != n {
        return Err((input_id(&q.id, Some(0)), Problem::RankAll));
    }
    ranked.sort_unstable();
    Ok(Some(Answer::Ranking(
        ranked.into_iter().map(|(_, i)| r.options[i].code.clone()).collect(),
    )))
}

/// The fields that give back `answer` (the inverse of parsing, used to re-fill a page and by CSV import).
pub fn answer_fields(q: &Question, answer: &Answer, out: &mut Fields) {
    let id = &q.id;
    match answer {
        Answer::Choice { code, other_text } => {
            out.push(id.clone(), code.clone());
            if let Some(t) = other_text {
                out.push(format!("{id}.other"), t.clone());
            }
        }
        Answer::Choices { codes, other_text } => {
            for c in codes {
                out.push(id.clone(), c.clone());
            }
            if let Some(t) = other_text {
                out.push(format!("{id}.other"), t.clone());
            }
        }
        Answer::Scale(code) => out.push(id.clone(), code.clone()),
        Answer::Matrix(rows) => {
            for (row, code) in rows {
                out.push(format!("{id}.{row}"), code.clone());
            }
        }
        Answer::Number(x) => out.push(id.clone(), format!("{x}")),
        Answer::Text(t) => out.push(id.clone(), t.clone()),
        Answer::Date(d) => out.push(id.clone(), d.format("%Y-%m-%d").to_string()),
        Answer::Ranking(codes) => {
            for (k, c) in codes.iter().enumerate() {
                out.push(format!("{id}.{c}"), (k + 1).to_string());
            }
        }
        Answer::Points(points) => constant_sum::answer_fields(id, points, out),
    }
}
