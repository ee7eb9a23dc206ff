//! Microdata exports of stored surveys written as the responses are read, a batch at a time
//! ([`Store::each_complete_batch`]): memory does not grow with the number of responses.
//!
//! The one thing that needs every response at once is the weight of a weighted survey (raking and
//! calibration see the whole sample). A first pass reads the responses keeping only what weighting reads
//! (the answers to the scheme's variables and the questions they are derived from, and the design
//! values), computes the weights exactly as [`super::load`] does, and keeps one weight and an 8-byte
//! fingerprint of the response id per respondent; the second pass writes. A response stored between the
//! passes would change every weight, so the export then stops with [`ExportError::Changed`] rather than
//! write weights that belong to another sample.
//!
//! Surveys with coded open answers or quality screening columns stream too, in every format: what their
//! columns need is read before the first row ([`super::side`]); screening that leaves responses out of
//! the estimates also leaves them out of the weights, as the summary does.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::Arc;

use super::microdata::CsvOut;
use super::side::{Screening, Side};
use super::{respondent_weights, Dialect, ExportError};
use crate::catalog::{DefinitionCache, LoadedVersion};
use crate::definition::{Answers, Definition, DesignValues};
use crate::store::batches::{BatchRow, ExportRow, BATCH};
use crate::store::{ResponseRow, Store, SurveyRow};

/// A survey ready to be exported: its row, current version and (weighted surveys) the weights.
pub struct Source {
    pub survey: SurveyRow,
    pub version: Arc<LoadedVersion>,
    /// Per respondent in submission order: the id's fingerprint and the weight (`None`: excluded).
    weights: Option<Vec<(u64, Option<f64>)>>,
    /// The code and screening columns, when the survey has them.
    side: Option<Side>,
    batch: usize,
}

impl Source {
    /// Finds the survey (errors here come before any byte is written, so the web can answer 404), reads
    /// what its code and screening columns need ([`Side::open`]: a pass over the responses when screening
    /// decides something) and, for a weighted survey, computes the weights (first pass).
    pub fn open(store: &Store, cache: &DefinitionCache, slug: &str) -> Result<Source, ExportError> {
        let (survey, version) = cache.current(store, slug)?;
        let side = Side::open(store, &survey, &version.definition)?;
        let screening = side.as_ref().and_then(Side::screening);
        let weights = match &version.definition.weighting {
            Some(_) => Some(weights_pass(store, &survey, &version, screening)?),
            None => None,
        };
        Ok(Source {
            survey,
            version,
            weights,
            side,
            batch: BATCH,
        })
    }

    /// Reads `n` responses per batch instead of [`BATCH`] (tests use small batches to cross many batch
    /// boundaries).
    pub fn in_batches_of(mut self, n: usize) -> Source {
        self.batch = n.max(1);
        self
    }

    /// The code and screening columns after the weight, when the survey has them.
    pub(crate) fn side(&self) -> Option<&Side> {
        self.side.as_ref()
    }

    pub fn definition(&self) -> &Definition {
        &self.version.definition
    }

    /// Whether the export has a weight column.
    pub fn weighted(&self) -> bool {
        self.weights.is_some()
    }

    /// Hands every complete response (submission order) with its parsed answers and weight to `each`.
    pub fn each_response(
        &self,
        store: &Store,
        each: impl FnMut(&ResponseRow, &Answers, Option<f64>) -> Result<(), ExportError>,
    ) -> Result<(), ExportError> {
        self.each_row(store, each)
    }

    /// [`Source::each_response`] with what a CSV export reads of each response ([`ExportRow`]).
    pub(crate) fn each_export_row(
        &self,
        store: &Store,
        each: impl FnMut(&ExportRow, &Answers, Option<f64>) -> Result<(), ExportError>,
    ) -> Result<(), ExportError> {
        self.each_row(store, each)
    }

    fn each_row<R: Row>(
        &self,
        store: &Store,
        mut each: impl FnMut(&R, &Answers, Option<f64>) -> Result<(), ExportError>,
    ) -> Result<(), ExportError> {
        let mut i = 0usize;
        // The sum of the id fingerprints, compared with the screening pass's when there are no weights.
        let mut prints = 0u64;
        let check = self.weights.is_none() && self.side.as_ref().and_then(Side::screening).is_some();
        store.each_complete_batch_of(&self.survey.id, self.batch, |rows: Vec<R>| -> Result<(), ExportError> {
            for r in &rows {
                let answers = parse_answers(&self.survey.slug, r.id(), r.answers())?;
                if check {
                    prints = prints.wrapping_add(fingerprint(r.id()));
                }
                let weight = match &self.weights {
                    None => Some(1.0),
                    Some(w) => match w.get(i) {
                        Some((print, weight)) if *print == fingerprint(r.id()) => *weight,
                        _ => return Err(ExportError::Changed(self.survey.slug.clone())),
                    },
                };
                i += 1;
                each(r, &answers, weight)?;
            }
            Ok(())
        })?;
        match (&self.weights, self.side.as_ref().and_then(Side::screening)) {
            (Some(w), _) if w.len() != i => Err(ExportError::Changed(self.survey.slug.clone())),
            (None, Some(s)) if s.rows != i || s.prints != prints => Err(ExportError::Changed(self.survey.slug.clone())),
            _ => Ok(()),
        }
    }
}

/// A row an export reads in batches: its answers besides its place in submission order.
trait Row: BatchRow {
    fn answers(&self) -> &str;
}

impl Row for ResponseRow {
    fn answers(&self) -> &str {
        &self.answers
    }
}

impl Row for ExportRow {
    fn answers(&self) -> &str {
        &self.answers
    }
}

fn parse_answers(slug: &str, id: &str, answers: &str) -> Result<Answers, ExportError> {
    serde_json::from_str(answers).map_err(|e| ExportError::BadAnswers {
        slug: slug.to_owned(),
        id: id.to_owned(),
        reason: e.to_string(),
    })
}

pub(super) fn fingerprint(id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// The question ids weighting reads: the scheme's variables, and for a derived variable the variables
/// it is derived from (a matrix row `q.row` is read from the answer to `q`).
fn weighting_questions(def: &Definition) -> HashSet<String> {
    let mut keys = HashSet::new();
    for var in def.weighting.iter().flat_map(|s| &s.variables) {
        let mut var = var.as_str();
        // Derivations are checked acyclic when a definition is imported; the bound only guards the loop.
        for _ in 0..32 {
            keys.insert(var.split('.').next().unwrap_or(var).to_owned());
            keys.insert(var.to_owned());
            match def.derived_variable(var) {
                Some(d) => var = &d.from,
                None => break,
            }
        }
    }
    keys
}

/// First pass: the weights of every complete response, from the answers weighting reads. Responses
/// that `screening` leaves out of the estimates are left out of weighting and get no weight.
fn weights_pass(
    store: &Store,
    survey: &SurveyRow,
    version: &LoadedVersion,
    screening: Option<&Screening>,
) -> Result<Vec<(u64, Option<f64>)>, ExportError> {
    let def = &version.definition;
    let keep = weighting_questions(def);
    let mut prints = Vec::new();
    let mut kept = Vec::new();
    let mut answers: Vec<Answers> = Vec::new();
    let mut design: Vec<Option<DesignValues>> = Vec::new();
    store.each_complete_batch(&survey.id, BATCH, |rows| -> Result<(), ExportError> {
        for r in &rows {
            let mut a = parse_answers(&survey.slug, &r.id, &r.answers)?;
            prints.push(fingerprint(&r.id));
            let excluded = screening.is_some_and(|s| s.cells(&r.id, r.duration_seconds, &a).1);
            kept.push(!excluded);
            if excluded {
                continue;
            }
            a.retain(|k, _| keep.contains(k));
            answers.push(a);
            if def.design.is_some() {
                design.push(crate::form::Meta::parse(&r.meta).design);
            }
        }
        Ok(())
    })?;
    let design = def.design.as_ref().map(|_| design.as_slice());
    let weights = respondent_weights(def, version.population.as_ref(), &answers, design);
    let mut values = weights.values.into_iter();
    Ok(prints
        .into_iter()
        .zip(kept)
        .map(|(print, kept)| (print, if kept { values.next().flatten() } else { None }))
        .collect())
}

/// The microdata CSV of a stored survey (the same bytes as [`super::microdata_csv`] of [`super::load`]),
/// written as the responses are read.
pub fn microdata_csv_streamed(
    store: &Store,
    source: &Source,
    dialect: Dialect,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let side = source.side.as_ref();
    let mut w = CsvOut::start(
        source.definition(),
        source.weighted(),
        side.map_or(&[][..], Side::names),
        dialect,
        out,
    )?;
    source.each_export_row(store, |r, answers, weight| w.row(r, answers, weight, side))?;
    w.finish()
}
