//! What coders do on the coding workbench: read a question's open answers with their codes, code one
//! answer, apply a code to every answer containing some words (after a preview), code blind in a second
//! round, resolve disagreements, edit the codebook (a new stored version), and publish masked quotes.
//! Every change is written with its audit entry. The decisions are here; the SQL is in `store::coding`;
//! the statistics and text handling are in `coding`.

use std::collections::HashMap;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::coding::{
    codebook_agreement, mask, AssignError, ChangeKind, Codebook, CodebookAgreement, DoubleCoded, Masked, Search, Stems,
};
use crate::definition::{Answers, QuestionKind};
use crate::store::audit::AuditEvent;
use crate::store::coding::{split_codes, CodingRow, NewCoding, QuoteRow, FIRST, RESOLVED, SECOND};
use crate::store::{now, Store, StoreError, SurveyRow};

use super::{CatalogError, DefinitionCache, LoadedVersion};

#[derive(Debug, thiserror::Error)]
pub enum CodingError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("survey has no question '{0}'")]
    UnknownQuestion(String),
    #[error("question '{0}' has no codebook: add `codebook:` to the text question (or to the choice question with `other:`) in the definition")]
    NoCodebook(String),
    #[error("no answer '{0}' to this question")]
    UnknownAnswer(String),
    #[error(transparent)]
    Assign(#[from] AssignError),
    #[error("the search has no words")]
    EmptySearch,
    #[error("the codebook cannot be read: {0}")]
    BadCodebook(String),
    #[error("the new codebook drops codes that answers use: {0}; keep them with `retired: true` or recode those answers first")]
    DropsCodesInUse(String),
    #[error("the second coder cannot be the first coder of this answer")]
    SameCoder,
}

impl From<StoreError> for CodingError {
    fn from(e: StoreError) -> Self {
        CodingError::Catalog(CatalogError::Store(e))
    }
}

/// One open answer with its codings.
#[derive(Debug, Clone)]
pub struct OpenAnswer {
    pub response_id: String,
    pub text: String,
    pub first: Option<CodingRow>,
    pub second: Option<CodingRow>,
    /// A disagreement's resolution (then these codes count, not the first coder's).
    pub resolved: Option<CodingRow>,
    /// Picked for blind second coding.
    pub double: bool,
}

/// A question's open answers as the workbench shows them.
pub struct Bench {
    pub survey: SurveyRow,
    pub version: Arc<LoadedVersion>,
    pub question: String,
    pub codebook: Codebook,
    /// Stored codebook version in use (`None`: the definition's).
    pub codebook_version: Option<i32>,
    pub answers: Vec<OpenAnswer>,
}

/// Whether an answer is in the blind second-coding sample: the first 8 bytes of SHA-256 of its response
/// id, as a share of 2^64, below the codebook's `second_coding` share. Stable (an answer stays in or out
/// as more arrive) and spread evenly over the answers.
pub fn in_second_sample(response_id: &str, share: f64) -> bool {
    let h = Sha256::digest(response_id.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&h[..8]);
    (u64::from_be_bytes(b) as f64 / u64::MAX as f64) < share
}

/// The open text coders code: a text question's answer, or a choice question's "other, specify" text.
fn text_of(answers: &Answers, kind: &QuestionKind, question: &str) -> Option<String> {
    kind.open_text(answers.get(question)?).map(str::to_owned)
}

/// Opens a question's workbench.
pub fn open(store: &Store, cache: &DefinitionCache, slug: &str, question: &str) -> Result<Bench, CodingError> {
    let (survey, version) = cache.current(store, slug)?;
    let q = version
        .definition
        .question(question)
        .ok_or_else(|| CodingError::UnknownQuestion(question.to_owned()))?;
    let Some(defined) = q.kind.codebook() else {
        return Err(CodingError::NoCodebook(question.to_owned()));
    };
    let (codebook, codebook_version) = match store.latest_codebook(&survey.id, question)? {
        Some((v, json)) => (
            serde_json::from_str(&json).map_err(|e| CodingError::BadCodebook(e.to_string()))?,
            Some(v),
        ),
        None => (defined.clone(), None),
    };
    type Rounds = (Option<CodingRow>, Option<CodingRow>, Option<CodingRow>);
    let mut by_response: HashMap<String, Rounds> = HashMap::new();
    for row in store.codings(&survey.id, question)? {
        let entry = by_response.entry(row.response_id.clone()).or_default();
        match row.round {
            SECOND => entry.1 = Some(row),
            RESOLVED => entry.2 = Some(row),
            _ => entry.0 = Some(row),
        }
    }
    let mut answers = Vec::new();
    for (id, json) in store.complete_answers(&survey.id)? {
        let Ok(parsed) = serde_json::from_str::<Answers>(&json) else {
            continue;
        };
        if let Some(text) = text_of(&parsed, &q.kind, question) {
            let (first, second, resolved) = by_response.remove(&id).unwrap_or_default();
            answers.push(OpenAnswer {
                double: in_second_sample(&id, codebook.second_coding),
                response_id: id,
                text,
                first,
                second,
                resolved,
            });
        }
    }
    Ok(Bench {
        survey,
        version,
        question: question.to_owned(),
        codebook,
        codebook_version,
        answers,
    })
}

/// Coded / total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub total: usize,
    pub coded: usize,
    pub second_total: usize,
    pub second_coded: usize,
    pub disagreements: usize,
}

fn same_codes(a: &CodingRow, b: &CodingRow) -> bool {
    let mut x = a.code_list();
    let mut y = b.code_list();
    x.sort();
    y.sort();
    x == y
}

impl Bench {
    pub fn answer(&self, response_id: &str) -> Result<&OpenAnswer, CodingError> {
        self.answers
            .iter()
            .find(|a| a.response_id == response_id)
            .ok_or_else(|| CodingError::UnknownAnswer(response_id.to_owned()))
    }

    pub fn progress(&self) -> Progress {
        let double: Vec<&OpenAnswer> = self.answers.iter().filter(|a| a.double).collect();
        Progress {
            total: self.answers.len(),
            coded: self.answers.iter().filter(|a| a.first.is_some()).count(),
            second_total: double.len(),
            second_coded: double.iter().filter(|a| a.second.is_some()).count(),
            disagreements: self.disagreements().len(),
        }
    }

    /// Answers coded in both rounds with different codes, not resolved yet.
    pub fn disagreements(&self) -> Vec<&OpenAnswer> {
        self.answers
            .iter()
            .filter(|a| a.resolved.is_none())
            .filter(|a| matches!((&a.first, &a.second), (Some(f), Some(s)) if !same_codes(f, s)))
            .collect()
    }

    /// κ per code and α over the codebook, from the answers coded in both rounds.
    pub fn agreement(&self) -> CodebookAgreement {
        let sets: Vec<(Vec<String>, Vec<String>)> = self
            .answers
            .iter()
            .filter_map(|a| Some((a.first.as_ref()?.code_list(), a.second.as_ref()?.code_list())))
            .collect();
        let pairs: Vec<DoubleCoded<'_>> = sets.iter().map(|(f, s)| DoubleCoded { first: f, second: s }).collect();
        let codes: Vec<&str> = self.codebook.codes.iter().map(|c| c.code.as_str()).collect();
        codebook_agreement(&codes, &pairs)
    }

    /// Answers containing every word of `query` (in any word form).
    pub fn search(&self, stems: &Stems, query: &str) -> Result<Vec<&OpenAnswer>, CodingError> {
        let s = Search::new(stems, query).ok_or(CodingError::EmptySearch)?;
        Ok(self.answers.iter().filter(|a| s.matches_text(stems, &a.text)).collect())
    }

    /// Codes used by first-round codings, with their counts.
    pub fn codes_in_use(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for a in &self.answers {
            for r in a.first.iter().chain(a.second.iter()).chain(a.resolved.iter()) {
                for c in r.code_list() {
                    match counts.iter_mut().find(|(x, _)| *x == c) {
                        Some(e) => e.1 += 1,
                        None => counts.push((c, 1)),
                    }
                }
            }
        }
        counts
    }

    fn audit<'a>(&'a self, actor: &'a str, action: &'a str, detail: String) -> AuditEvent<'a> {
        AuditEvent {
            actor,
            action,
            survey_slug: Some(&self.survey.slug),
            survey_version: Some(self.survey.current_version),
            detail,
        }
    }

    /// Codes one answer (round 1, or the blind round 2).
    pub fn code(
        &self,
        store: &Store,
        response_id: &str,
        codes: &[String],
        second: bool,
        coder: &str,
    ) -> Result<(), CodingError> {
        self.codebook.check_assignment(codes)?;
        let answer = self.answer(response_id)?;
        if second && answer.first.as_ref().is_some_and(|f| f.coder == coder) {
            return Err(CodingError::SameCoder);
        }
        // After a resolution, recoding changes the codes that count.
        let round = match (second, &answer.resolved) {
            (true, _) => SECOND,
            (false, Some(_)) => RESOLVED,
            (false, None) => FIRST,
        };
        let action = if second { "coding.code_second" } else { "coding.code" };
        let detail = format!(
            "question {} answer {response_id}: [{}]",
            self.question,
            codes.join(", ")
        );
        store.set_codings(
            &self.survey.id,
            &self.question,
            coder,
            &[NewCoding {
                response_id,
                round,
                codes,
            }],
            &self.audit(coder, action, detail),
        )?;
        Ok(())
    }

    /// Settles a disagreement: `codes` count from now on; both coders' codes stay for agreement.
    pub fn resolve(&self, store: &Store, response_id: &str, codes: &[String], by: &str) -> Result<(), CodingError> {
        self.codebook.check_assignment(codes)?;
        self.answer(response_id)?;
        let detail = format!(
            "question {} answer {response_id}: [{}]",
            self.question,
            codes.join(", ")
        );
        store.set_codings(
            &self.survey.id,
            &self.question,
            by,
            &[NewCoding {
                response_id,
                round: RESOLVED,
                codes,
            }],
            &self.audit(by, "coding.resolve", detail),
        )?;
        Ok(())
    }

    /// Adds `code` to the codes that count (the resolution's, else the first round's) of every answer
    /// containing `query`; returns how many changed.
    pub fn apply_to_matching(
        &self,
        store: &Store,
        stems: &Stems,
        query: &str,
        code: &str,
        by: &str,
    ) -> Result<usize, CodingError> {
        self.codebook.check_assignment(&[code.to_owned()])?;
        let matching = self.search(stems, query)?;
        let sets: Vec<(String, i32, Vec<String>)> = matching
            .iter()
            .filter_map(|a| {
                let (round, counted) = match &a.resolved {
                    Some(r) => (RESOLVED, Some(r)),
                    None => (FIRST, a.first.as_ref()),
                };
                let mut codes = counted.map(CodingRow::code_list).unwrap_or_default();
                if codes.iter().any(|c| c == code) {
                    return None;
                }
                codes.push(code.to_owned());
                Some((a.response_id.clone(), round, codes))
            })
            .collect();
        let rows: Vec<NewCoding<'_>> = sets
            .iter()
            .map(|(id, round, codes)| NewCoding {
                response_id: id,
                round: *round,
                codes,
            })
            .collect();
        let detail = format!(
            "question {}: code {code} added to {} answers containing \"{query}\"",
            self.question,
            rows.len()
        );
        Ok(store.set_codings(
            &self.survey.id,
            &self.question,
            by,
            &rows,
            &self.audit(by, "coding.bulk", detail),
        )?)
    }

    /// Stores a new codebook version written as YAML; refuses one with problems or one that drops codes
    /// answers use (they must be kept as retired).
    pub fn save_codebook(&self, store: &Store, yaml: &str, by: &str) -> Result<i32, CodingError> {
        let book: Codebook = serde_norway::from_str(yaml).map_err(|e| CodingError::BadCodebook(e.to_string()))?;
        let lang = self.version.definition.default_language();
        let problems = book.problems(lang);
        if !problems.is_empty() {
            return Err(CodingError::BadCodebook(problems.join("; ")));
        }
        let in_use = self.codes_in_use();
        let used: Vec<&str> = in_use.iter().map(|(c, _)| c.as_str()).collect();
        let dropped: Vec<String> = book
            .changes(&self.codebook, &used)
            .into_iter()
            .filter(|c| c.kind == ChangeKind::Removed)
            .map(|c| {
                let n = in_use.iter().find(|(x, _)| *x == c.code).map_or(0, |(_, n)| *n);
                format!("{} ({n})", c.code)
            })
            .collect();
        if !dropped.is_empty() {
            return Err(CodingError::DropsCodesInUse(dropped.join(", ")));
        }
        let json = serde_json::to_string(&book).map_err(|e| CodingError::BadCodebook(e.to_string()))?;
        let detail = format!("question {}: {} codes", self.question, book.codes.len());
        Ok(store.add_codebook(
            &self.survey.id,
            &self.question,
            &json,
            by,
            &self.audit(by, "coding.codebook", detail),
        )?)
    }

    /// Publishes an answer as a quote under one of its codes, masked with `placeholder`.
    pub fn publish_quote(
        &self,
        store: &Store,
        response_id: &str,
        code: &str,
        placeholder: impl Fn(Masked) -> String,
        by: &str,
    ) -> Result<String, CodingError> {
        if self.codebook.code(code).is_none() {
            return Err(AssignError::Unknown(code.to_owned()).into());
        }
        let answer = self.answer(response_id)?;
        let masked = mask(&answer.text, placeholder);
        let row = QuoteRow {
            response_id: response_id.to_owned(),
            question_id: self.question.clone(),
            code: code.to_owned(),
            masked: masked.clone(),
            published_by: by.to_owned(),
            published_at: now(),
        };
        let detail = format!("question {} answer {response_id} under {code}", self.question);
        store.publish_quote(&self.survey.id, &row, &self.audit(by, "coding.quote", detail))?;
        Ok(masked)
    }

    pub fn withdraw_quote(&self, store: &Store, response_id: &str, by: &str) -> Result<bool, CodingError> {
        let detail = format!("question {} answer {response_id}", self.question);
        Ok(store.withdraw_quote(response_id, &self.question, &self.audit(by, "coding.unquote", detail))?)
    }
}

/// Codes given in a form (repeated `code` fields), in codebook order, without duplicates.
pub fn codes_from<'a>(book: &Codebook, given: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let given: Vec<&str> = given.into_iter().collect();
    let mut out: Vec<String> = book
        .codes
        .iter()
        .filter(|c| given.contains(&c.code.as_str()))
        .map(|c| c.code.clone())
        .collect();
    // Codes the codebook lacks are kept, so that the assignment check reports them.
    for g in given {
        if !g.is_empty() && !out.iter().any(|c| c == g) {
            out.push(g.to_owned());
        }
    }
    out
}

/// Codes of a stored coding (for callers outside the store).
pub fn stored_codes(s: &str) -> Vec<String> {
    split_codes(s)
}
