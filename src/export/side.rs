//! The columns of a streamed microdata export (CSV, the XLSX sheet, the SPSS file) after the weight, with
//! what they need read before the first row is written: the 0/1 code columns of coded open questions
//! (the final codes of every coded answer, keyed by response id, and the stored codebooks) and the
//! quality screening columns ([`super::quality`]).
//!
//! Screening compares responses with one another in two ways: a speeder took less than a fraction of the
//! median time, and a duplicate repeats an earlier response's answers and fingerprint within a window. A
//! first pass over the responses finds the median (one number per response with a known time, dropped
//! after the pass) and the duplicates (the ids of the flagged ones; on the way a 16-byte digest and a time
//! per distinct fingerprint and answers, see [`DuplicateFinder`]). The rules that look at one response
//! alone are applied as each row is written, and the review decisions are read once, keyed by response id.
//! The cells are those of [`super::quality::cells`] and the weights leave out the same responses.

use std::collections::{HashMap, HashSet};

use super::quality::RowCells;
use super::ExportError;
use crate::coding::Codebook;
use crate::definition::{Answers, Definition};
use crate::quality::{DuplicateFinder, Flag, QualitySettings};
use crate::report::screening;
use crate::store::batches::BATCH;
use crate::store::quality::{EXCLUDE, KEEP};
use crate::store::{Store, SurveyRow};

/// The side columns of one survey's microdata.
pub(crate) struct Side {
    /// Per code column: the question and the code.
    coded: Vec<(String, String)>,
    names: Vec<String>,
    /// Response id → (question id, codes joined by `;`).
    codings: HashMap<String, Vec<(String, String)>>,
    /// The stored codebooks (question id → newest version), whose codes are the code columns.
    books: HashMap<String, Codebook>,
    screening: Option<Screening>,
}

impl Side {
    /// The side columns of `survey`, `None` when it has neither coded questions nor screening columns.
    /// Screening reads every complete response once (the first pass).
    pub(crate) fn open(store: &Store, survey: &SurveyRow, def: &Definition) -> Result<Option<Side>, ExportError> {
        let books = super::stored_codebooks(store, survey, def)?;
        let coded_questions = super::microdata::coded_questions(def, &books);
        let screening = Screening::open(store, survey, def)?;
        if coded_questions.is_empty() && screening.is_none() {
            return Ok(None);
        }
        let mut names = Vec::new();
        let mut coded = Vec::new();
        for (q, b) in &coded_questions {
            for c in &b.codes {
                names.push(super::microdata::code_column_name(q, &c.code));
                coded.push((q.id.clone(), c.code.clone()));
            }
        }
        if screening.is_some() {
            names.extend([
                super::quality::FLAGS_COLUMN.to_owned(),
                super::quality::DECISION_COLUMN.to_owned(),
            ]);
        }
        let codings = if coded.is_empty() {
            HashMap::new()
        } else {
            final_codings(store, &survey.id)?
        };
        Ok(Some(Side {
            coded,
            names,
            codings,
            books,
            screening,
        }))
    }

    /// The header cells of the side columns.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    pub(crate) fn screening(&self) -> Option<&Screening> {
        self.screening.as_ref()
    }

    /// The stored codebooks: with the definition, they give the coded questions and their codes
    /// ([`super::microdata::coded_questions`]).
    pub(crate) fn codebooks(&self) -> &HashMap<String, Codebook> {
        &self.books
    }

    /// The final codes of response `id`: (question id, codes joined by `;`).
    pub(crate) fn codings(&self, id: &str) -> Option<&Vec<(String, String)>> {
        self.codings.get(id)
    }

    /// Appends the side cells of response `id` (its duration and answers) to `cells`.
    pub(crate) fn cells(&self, id: &str, duration_seconds: Option<f64>, answers: &Answers, cells: &mut Vec<String>) {
        let given = self.codings.get(id);
        cells.extend(
            self.coded
                .iter()
                .map(|(q, c)| code_cell(given.map(Vec::as_slice), q, c)),
        );
        if let Some(s) = &self.screening {
            let ([flags, decision], _) = s.cells(id, duration_seconds, answers);
            cells.extend([flags, decision]);
        }
    }
}

/// The cell of code `code` of question `q` for a response with the final codes `given`: 1 when the
/// answer has the code, 0 when it was coded without it, empty when it was not coded.
pub(crate) fn code_cell(given: Option<&[(String, String)]>, q: &str, code: &str) -> String {
    let codes = given
        .and_then(|g| g.iter().find(|(x, _)| x == q))
        .map(|(_, codes)| codes);
    match codes {
        Some(codes) => u8::from(codes.split(';').any(|x| x == code)).to_string(),
        None => String::new(),
    }
}

/// The final codes of every coded answer of a survey: response id → (question id, codes joined by `;`),
/// a resolved round replacing the first.
pub(crate) fn final_codings(
    store: &Store,
    survey_id: &str,
) -> Result<HashMap<String, Vec<(String, String)>>, ExportError> {
    let mut codings: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (response, question, codes) in store.final_codings(survey_id)? {
        let given = codings.entry(response).or_default();
        match given.iter_mut().find(|(q, _)| *q == question) {
            Some(entry) => entry.1 = codes,
            None => given.push((question, codes)),
        }
    }
    Ok(codings)
}

/// What the screening columns of a streamed export need besides the response itself.
pub(crate) struct Screening {
    settings: QualitySettings,
    /// Speeders took less than this many seconds (`None`: no median to compare with).
    cut: Option<f64>,
    duplicates: HashSet<String>,
    /// Response id → the latest review decision.
    decisions: HashMap<String, String>,
    matrices: Vec<(String, usize)>,
    /// Complete responses of the first pass and the sum of their id fingerprints: a write pass that reads
    /// others stops ([`ExportError::Changed`]).
    pub(crate) rows: usize,
    pub(crate) prints: u64,
}

impl Screening {
    /// `None` when screening decides nothing (no decision and no exclusion rule) or no complete response
    /// is flagged or reviewed: then the export has no screening columns, as [`super::quality::cells`].
    fn open(store: &Store, survey: &SurveyRow, def: &Definition) -> Result<Option<Screening>, ExportError> {
        let reviews = store.reviews(&survey.id)?;
        let settings = screening::settings(def);
        if reviews.is_empty() && settings.exclude.is_empty() {
            return Ok(None);
        }
        let decisions: HashMap<String, String> = reviews.into_iter().map(|r| (r.response_id, r.decision)).collect();
        let matrices: Vec<(String, usize)> = crate::quality::matrix_questions(def)
            .into_iter()
            .map(|(id, rows)| (id.to_owned(), rows))
            .collect();
        let mut finder = DuplicateFinder::new(settings.duplicate_hours);
        let mut durations: Vec<f64> = Vec::new();
        let mut duplicates = HashSet::new();
        // Whether some response is reviewed or flagged by a rule that needs no other response.
        let mut any = false;
        let (mut rows, mut prints) = (0usize, 0u64);
        store.each_complete_batch(&survey.id, BATCH, |batch| -> Result<(), ExportError> {
            for r in &batch {
                rows += 1;
                prints = prints.wrapping_add(super::stream::fingerprint(&r.id));
                durations.extend(r.duration_seconds);
                any |= decisions.contains_key(&r.id);
                let fingerprinted = r.submitted_at.is_some() && crate::form::Meta::parse(&r.meta).fingerprint.is_some();
                if !any || fingerprinted {
                    let s = screening::screened(r);
                    if !any {
                        let (lined, noise) = crate::quality::own_flags(&matrices, &s.answers);
                        any = lined || noise;
                    }
                    if finder.is_duplicate(&s) {
                        duplicates.insert(s.id);
                    }
                }
            }
            Ok(())
        })?;
        drop(finder);
        let cut = median(&mut durations)
            .filter(|m| *m > 0.0)
            .map(|m| settings.speeder_fraction * m);
        any |= !duplicates.is_empty();
        if let Some(cut) = cut {
            any |= durations.iter().any(|d| *d < cut);
        }
        if !any {
            return Ok(None);
        }
        Ok(Some(Screening {
            settings,
            cut,
            duplicates,
            decisions,
            matrices,
            rows,
            prints,
        }))
    }

    /// The two screening cells of response `id` and whether it is left out of the estimates.
    pub(crate) fn cells(&self, id: &str, duration_seconds: Option<f64>, answers: &Answers) -> RowCells {
        let mut flags = Vec::new();
        if self.cut.is_some_and(|cut| duration_seconds.is_some_and(|d| d < cut)) {
            flags.push(Flag::Speeder);
        }
        let (lined, noise) = crate::quality::own_flags(&self.matrices, answers);
        if lined {
            flags.push(Flag::StraightLining);
        }
        if self.duplicates.contains(id) {
            flags.push(Flag::Duplicate);
        }
        if noise {
            flags.push(Flag::Gibberish);
        }
        let decision = self.decisions.get(id).map(String::as_str);
        if flags.is_empty() && decision.is_none() {
            return ([String::new(), String::new()], false);
        }
        let excluded = match decision {
            Some(EXCLUDE) => true,
            Some(KEEP) => false,
            _ => flags.iter().any(|f| self.settings.exclude.contains(f)),
        };
        let cell = match (decision, excluded) {
            (Some(EXCLUDE), _) => "excluded",
            (Some(KEEP), _) => "kept",
            (_, true) => "excluded_by_rule",
            _ => "",
        };
        let flags = flags.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(";");
        ([flags, cell.to_owned()], excluded)
    }
}

/// The median of the finite values (the mean of the two middle ones for an even count), as
/// [`crate::quality::speeders`] computes it; `None` without finite values. Sorts `values` in place.
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    // In this order the finite values are one run between the negative and positive non-finite ones.
    let start = values.iter().position(|d| d.is_finite())?;
    let n = values[start..].iter().take_while(|d| d.is_finite()).count();
    let known = &values[start..start + n];
    Some(if n % 2 == 1 {
        known[n / 2]
    } else {
        (known[n / 2 - 1] + known[n / 2]) / 2.0
    })
}
