//! Typed answers and their compact JSON form (responses are stored as JSON).
//!
//! | answer | JSON |
//! |---|---|
//! | single choice | `"m"`; with "other, specify": `{"choice": "other", "other": "trolleybus"}` |
//! | multiple choice | `["bus", "tram"]`; with "other": `{"choices": ["bus", "other"], "other": "ferry"}` |
//! | scale | `{"scale": "4"}` (point or "hard to say" code) |
//! | matrix | `{"matrix": {"punctuality": "4", "cleanliness": "dk"}}` (row → point code) |
//! | number | `42` or `12.5` |
//! | text | `{"text": "…"}` |
//! | date | `{"date": "2026-03-01"}` |
//! | ranking | `{"ranking": ["price", "speed"]}` (first = most important) |
//! | constant sum | `{"points": {"roads": 50, "clinics": 30, "parks": 20}}` (option → whole points) |
//!
//! Plain strings, arrays and numbers are the common cases and stay short; every other kind is an object with
//! one key naming it, so a stored answer can be read back without the definition. An unanswered question is
//! simply absent from [`Answers`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One respondent's answer to one question.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Single choice: the option code; `other_text` when the "other" option was chosen with a text.
    Choice {
        code: String,
        other_text: Option<String>,
    },
    /// Multiple choice: the chosen codes in form order.
    Choices {
        codes: Vec<String>,
        other_text: Option<String>,
    },
    /// Scale: a point code or the "hard to say" code.
    Scale(String),
    /// Matrix: row code → point code (rows left blank are absent).
    Matrix(BTreeMap<String, String>),
    Number(f64),
    Text(String),
    Date(NaiveDate),
    /// Ranking: option codes, most important first.
    Ranking(Vec<String>),
    /// Constant sum: option code → points, for every option shown.
    Points(BTreeMap<String, u32>),
}

/// All answers of one respondent: question id → answer.
pub type Answers = BTreeMap<String, Answer>;

impl Answer {
    /// A single-choice answer without "other" text.
    pub fn choice(code: &str) -> Self {
        Answer::Choice {
            code: code.to_owned(),
            other_text: None,
        }
    }

    /// A multiple-choice answer without "other" text.
    pub fn choices(codes: &[&str]) -> Self {
        Answer::Choices {
            codes: codes.iter().map(|c| (*c).to_owned()).collect(),
            other_text: None,
        }
    }

    /// The category this answer gives a weighting/breakdown variable: the code of a choice or scale answer.
    pub fn code(&self) -> Option<&str> {
        match self {
            Answer::Choice { code, .. } | Answer::Scale(code) => Some(code),
            _ => None,
        }
    }

    /// Number of chosen/ranked items (multiple choice, ranking); 1 for other answers.
    pub fn count(&self) -> usize {
        match self {
            Answer::Choices { codes, .. } | Answer::Ranking(codes) => codes.len(),
            Answer::Matrix(rows) => rows.len(),
            _ => 1,
        }
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum Wire {
    Code(String),
    Codes(Vec<String>),
    Number(f64),
    Tagged(Tagged),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tagged {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    choice: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    choices: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    other: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    matrix: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ranking: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    points: Option<BTreeMap<String, u32>>,
}

impl Tagged {
    fn empty() -> Self {
        Tagged {
            choice: None,
            choices: None,
            other: None,
            scale: None,
            matrix: None,
            text: None,
            date: None,
            ranking: None,
            points: None,
        }
    }

    /// Exactly one kind key, plus `other` only next to `choice`/`choices`.
    fn into_answer(self) -> Result<Answer, String> {
        let kinds = [
            self.choice.is_some(),
            self.choices.is_some(),
            self.scale.is_some(),
            self.matrix.is_some(),
            self.text.is_some(),
            self.date.is_some(),
            self.ranking.is_some(),
            self.points.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            return Err(
                "an answer object must have exactly one of choice, choices, scale, matrix, \
                        text, date, ranking, points"
                    .into(),
            );
        }
        if self.other.is_some() && self.choice.is_none() && self.choices.is_none() {
            return Err("'other' text belongs to a choice or choices answer".into());
        }
        let other_text = self.other;
        Ok(if let Some(code) = self.choice {
            Answer::Choice { code, other_text }
        } else if let Some(codes) = self.choices {
            Answer::Choices { codes, other_text }
        } else if let Some(code) = self.scale {
            Answer::Scale(code)
        } else if let Some(rows) = self.matrix {
            Answer::Matrix(rows)
        } else if let Some(t) = self.text {
            Answer::Text(t)
        } else if let Some(d) = self.date {
            Answer::Date(d)
        } else if let Some(p) = self.points {
            Answer::Points(p)
        } else {
            Answer::Ranking(self.ranking.unwrap_or_default())
        })
    }
}

impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = Tagged::empty();
        let wire = match self.clone() {
            Answer::Choice { code, other_text: None } => Wire::Code(code),
            Answer::Choices {
                codes,
                other_text: None,
            } => Wire::Codes(codes),
            Answer::Number(x) => Wire::Number(x),
            Answer::Choice { code, other_text } => {
                t.choice = Some(code);
                t.other = other_text;
                Wire::Tagged(t)
            }
            Answer::Choices { codes, other_text } => {
                t.choices = Some(codes);
                t.other = other_text;
                Wire::Tagged(t)
            }
            Answer::Scale(code) => {
                t.scale = Some(code);
                Wire::Tagged(t)
            }
            Answer::Matrix(rows) => {
                t.matrix = Some(rows);
                Wire::Tagged(t)
            }
            Answer::Text(text) => {
                t.text = Some(text);
                Wire::Tagged(t)
            }
            Answer::Date(d) => {
                t.date = Some(d);
                Wire::Tagged(t)
            }
            Answer::Ranking(codes) => {
                t.ranking = Some(codes);
                Wire::Tagged(t)
            }
            Answer::Points(points) => {
                t.points = Some(points);
                Wire::Tagged(t)
            }
        };
        wire.serialize(s)
    }
}

/// Reads the compact form directly by the JSON type of the value (no buffering as an untagged enum would:
/// loading a large survey's answers is dominated by this).
impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnswerVisitor)
    }
}

struct AnswerVisitor;

impl<'de> serde::de::Visitor<'de> for AnswerVisitor {
    type Value = Answer;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(
            "an answer: a code \"x\", a list of codes [\"a\", \"b\"], a number, or an object with one of \
             choice, choices, scale, matrix, text, date, ranking, points",
        )
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Answer, E> {
        Ok(Answer::Choice {
            code: v.to_owned(),
            other_text: None,
        })
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Answer, E> {
        Ok(Answer::Choice {
            code: v,
            other_text: None,
        })
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Answer, E> {
        if v.is_finite() {
            Ok(Answer::Number(v))
        } else {
            Err(E::custom("a number answer must be finite"))
        }
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Answer, E> {
        Ok(Answer::Number(v as f64))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Answer, E> {
        Ok(Answer::Number(v as f64))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Answer, A::Error> {
        let mut codes = Vec::with_capacity(seq.size_hint().unwrap_or(4));
        while let Some(c) = seq.next_element::<String>()? {
            codes.push(c);
        }
        Ok(Answer::Choices {
            codes,
            other_text: None,
        })
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Answer, A::Error> {
        let t = Tagged::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        t.into_answer().map_err(A::Error::custom)
    }
}

/// Why an answer does not fit its question. Variants (not just text) so that a form can word the message
/// for a respondent in their language; `Display` is an English message for staff and logs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnswerError {
    #[error("a {expected} question needs a {expected} answer")]
    WrongKind { expected: &'static str },
    #[error("'{0}' is not one of the options")]
    UnknownCode(String),
    #[error("matrix row '{0}' does not exist")]
    UnknownRow(String),
    #[error("'{0}' is given twice")]
    Duplicate(String),
    #[error("at most {max} choices are allowed")]
    TooMany { max: usize },
    #[error("at least {min} choices are needed")]
    TooFew { min: usize },
    #[error("'{0}' cannot be combined with other choices")]
    Exclusive(String),
    #[error("an 'other' text is given without choosing the 'other' option")]
    OtherTextWithoutOther,
    #[error("the number is not finite")]
    NotFinite,
    #[error("the number must be at least {0}")]
    BelowMin(f64),
    #[error("the number must be at most {0}")]
    AboveMax(f64),
    #[error("a whole number is needed")]
    NotInteger,
    #[error("the text is longer than {max} characters")]
    TooLong { max: usize },
    #[error("the date must not be before {0}")]
    DateBefore(NaiveDate),
    #[error("the date must not be after {0}")]
    DateAfter(NaiveDate),
    #[error("the answer is empty")]
    Empty,
    #[error("every option must be ranked")]
    RankAll,
    #[error("an info text takes no answer")]
    NoAnswerExpected,
    #[error("option '{0}' has no points")]
    MissingOption(String),
    #[error("the points add up to {sum}, not {total}")]
    WrongSum { total: u32, sum: u64 },
}

use super::model::{AnswerOption, Question};

pub(crate) fn known(opts: &[AnswerOption], other: Option<&AnswerOption>, code: &str) -> bool {
    opts.iter().chain(other).any(|o| o.code == code)
}

pub(crate) fn no_duplicates(codes: &[String]) -> Result<(), AnswerError> {
    let mut seen = std::collections::BTreeSet::new();
    match codes.iter().find(|c| !seen.insert(c.as_str())) {
        Some(c) => Err(AnswerError::Duplicate(c.clone())),
        None => Ok(()),
    }
}

pub(crate) fn check_other(
    chosen: &[&str],
    other: Option<&AnswerOption>,
    text: &Option<String>,
) -> Result<(), AnswerError> {
    let other_chosen = other.is_some_and(|o| chosen.contains(&o.code.as_str()));
    if text.is_some() && !other_chosen {
        return Err(AnswerError::OtherTextWithoutOther);
    }
    Ok(())
}

impl Question {
    /// Checks that an answer fits this question: the right kind, known codes, limits of choices, numbers,
    /// lengths and dates. (Whether an answer is *required* is the form's business: it depends on
    /// visibility.)
    pub fn check_answer(&self, answer: &Answer) -> Result<(), AnswerError> {
        let wrong = || AnswerError::WrongKind {
            expected: self.kind.name(),
        };
        self.kind.as_type().check(answer).unwrap_or_else(|| Err(wrong()))
    }

    /// The options a respondent chooses from, in definition order, with "other" last (choice and ranking
    /// questions; empty for the others). Scale points and matrix rows are in their own fields.
    pub fn options(&self) -> Vec<&AnswerOption> {
        self.kind.as_type().choices()
    }
}
