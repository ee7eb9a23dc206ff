//! Coded open answers as a variable: a `text` question with a codebook is summarized as a multiple-choice
//! question whose options are the codes (retired codes too, so answers coded with them are still counted)
//! followed by the nets (an answer is in a net when it has any of the net's codes, code `net:<code>`).
//! The base is the respondents whose answer is coded; [`CodedCount`] says how many answered and how many of
//! them are coded ("coded 812 of 840"). Codes that the codebook no longer has are listed, not dropped
//! silently.

use std::collections::HashMap;

use serde::Serialize;

use crate::coding::Codebook;
use crate::definition::Answers;

use super::columns::{Code, Column};
use super::responses::{AnswerSource, Subset, View};

/// The codes given to respondents' answers, per question, in response order.
#[derive(Debug, Clone, Default)]
pub struct Codings {
    n: usize,
    by_question: HashMap<String, Vec<Option<Vec<String>>>>,
    /// Codebooks stored after the definition's (the newest version per question).
    books: HashMap<String, Codebook>,
}

/// How many answered, and how many of those answers are coded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodedCount {
    pub answered: u64,
    pub coded: u64,
    /// Codes given to answers that the codebook does not have (after an edit), with their counts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_codes: Vec<(String, u64)>,
}

impl Codings {
    /// No codings yet for `n` respondents.
    pub fn new(n: usize) -> Codings {
        Codings {
            n,
            ..Codings::default()
        }
    }

    /// Respondent `index`'s answer to `question` is coded with `codes` (ignored when out of range).
    pub fn set(&mut self, question: &str, index: usize, codes: Vec<String>) {
        let n = self.n;
        let column = self
            .by_question
            .entry(question.to_owned())
            .or_insert_with(|| vec![None; n]);
        if let Some(slot) = column.get_mut(index) {
            *slot = Some(codes);
        }
    }

    /// Uses a stored codebook version instead of the definition's.
    pub fn set_codebook(&mut self, question: &str, book: Codebook) {
        self.books.insert(question.to_owned(), book);
    }

    fn book<'a>(&'a self, question: &str, defined: Option<&'a Codebook>) -> Option<&'a Codebook> {
        self.books.get(question).or(defined)
    }

    /// The coded column of a question and its counts; `answered[i]` says whether respondent `i` of the
    /// subset answered the question at all.
    pub(super) fn column(
        &self,
        question: &str,
        defined: Option<&Codebook>,
        rows: &Subset<'_>,
        answered: &[Option<bool>],
        lang: &str,
    ) -> Option<(Column, CodedCount)> {
        let book = self.book(question, defined)?;
        let empty = Vec::new();
        let given = self.by_question.get(question).unwrap_or(&empty);
        let mut codes: Vec<Code> = book
            .codes
            .iter()
            .map(|c| Code {
                code: c.code.clone(),
                label: c.label.get(lang).to_owned(),
                hard_to_say: false,
            })
            .collect();
        let nets: Vec<(usize, Vec<&str>)> = book
            .nets
            .iter()
            .map(|n| {
                codes.push(Code {
                    code: format!("net:{}", n.code),
                    label: n.label.get(lang).to_owned(),
                    hard_to_say: false,
                });
                let members = book
                    .codes
                    .iter()
                    .filter(|c| c.net.as_deref() == Some(n.code.as_str()))
                    .map(|c| c.code.as_str())
                    .collect();
                (codes.len() - 1, members)
            })
            .collect();
        let mut chosen = vec![Vec::with_capacity(rows.len()); codes.len()];
        let mut count = CodedCount {
            answered: 0,
            coded: 0,
            unknown_codes: Vec::new(),
        };
        for (k, i) in rows.iter().enumerate() {
            let did_answer = answered.get(k).copied().flatten().is_some();
            count.answered += u64::from(did_answer);
            let set = if did_answer {
                given.get(i).and_then(Option::as_ref)
            } else {
                None
            };
            if let Some(set) = set {
                count.coded += 1;
                for s in set {
                    if book.code(s).is_none() {
                        match count.unknown_codes.iter_mut().find(|(c, _)| c == s) {
                            Some(entry) => entry.1 += 1,
                            None => count.unknown_codes.push((s.clone(), 1)),
                        }
                    }
                }
            }
            for (j, c) in book.codes.iter().enumerate() {
                chosen[j].push(set.map(|s| s.contains(&c.code)));
            }
            for (j, members) in &nets {
                chosen[*j].push(set.map(|s| s.iter().any(|x| members.contains(&x.as_str()))));
            }
        }
        Some((Column::Multiple { codes, chosen }, count))
    }
}

/// Answers in memory with their codings (for tests and callers that have both).
pub struct WithCodings<'a> {
    pub answers: &'a [Answers],
    pub codings: Codings,
}

impl AnswerSource for WithCodings<'_> {
    fn view<'a>(&'a self, def: &'a crate::definition::Definition) -> View<'a> {
        self.answers.view(def)
    }

    fn codings(&self) -> Option<&Codings> {
        Some(&self.codings)
    }
}
