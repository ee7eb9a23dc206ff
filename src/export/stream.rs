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

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::Arc;

use super::microdata::CsvOut;
use super::{respondent_weights, Dialect, ExportError};
use crate::catalog::{DefinitionCache, LoadedVersion};
use crate::definition::{Answers, Definition, DesignValues};
use crate::store::batches::BATCH;
use crate::store::{ResponseRow, Store, SurveyRow};

/// A survey ready to be exported: its row, current version and (weighted surveys) the weights.
pub struct Source {
    pub survey: SurveyRow,
    pub version: Arc<LoadedVersion>,
    /// Per respondent in submission order: the id's fingerprint and the weight (`None`: excluded).
    weights: Option<Vec<(u64, Option<f64>)>>,
    /// Whether this survey is exported from loaded data (see [`Source::from_loaded`]).
    from_loaded: bool,
    batch: usize,
}

impl Source {
    /// Finds the survey (errors here come before any byte is written, so the web can answer 404) and,
    /// for a weighted survey, computes the weights (first pass).
    pub fn open(store: &Store, cache: &DefinitionCache, slug: &str) -> Result<Source, ExportError> {
        let (survey, version) = cache.current(store, slug)?;
        let from_loaded = version
            .definition
            .quality
            .as_ref()
            .is_some_and(|q| !q.exclude.is_empty())
            || !store.reviews(&survey.id)?.is_empty()
            || !super::microdata::coded_columns(&version.definition).is_empty();
        let weights = match &version.definition.weighting {
            Some(_) => Some(weights_pass(store, &survey, &version)?),
            None => None,
        };
        Ok(Source {
            survey,
            version,
            weights,
            from_loaded,
            batch: BATCH,
        })
    }

    /// Reads `n` responses per batch instead of [`BATCH`] (tests use small batches to cross many batch
    /// boundaries).
    pub fn in_batches_of(mut self, n: usize) -> Source {
        self.batch = n.max(1);
        self
    }

    /// Whether this survey is exported from loaded data rather than batch by batch: when quality
    /// screening leaves responses out of its estimates (screening compares every response with every
    /// other: durations against the median, duplicate answers), or when it has coded open answers (the
    /// code columns). The loaded export writes the screening and code columns and weights that leave
    /// excluded responses out, as the summary does; its memory grows with the survey.
    pub fn from_loaded(&self) -> bool {
        self.from_loaded
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
        mut each: impl FnMut(&ResponseRow, &Answers, Option<f64>) -> Result<(), ExportError>,
    ) -> Result<(), ExportError> {
        let mut i = 0usize;
        store.each_complete_batch(&self.survey.id, self.batch, |rows| -> Result<(), ExportError> {
            for r in &rows {
                let answers = parse_answers(&self.survey.slug, r)?;
                let weight = match &self.weights {
                    None => Some(1.0),
                    Some(w) => match w.get(i) {
                        Some((print, weight)) if *print == fingerprint(&r.id) => *weight,
                        _ => return Err(ExportError::Changed(self.survey.slug.clone())),
                    },
                };
                i += 1;
                each(r, &answers, weight)?;
            }
            Ok(())
        })?;
        match &self.weights {
            Some(w) if w.len() != i => Err(ExportError::Changed(self.survey.slug.clone())),
            _ => Ok(()),
        }
    }
}

fn parse_answers(slug: &str, r: &ResponseRow) -> Result<Answers, ExportError> {
    serde_json::from_str(&r.answers).map_err(|e| ExportError::BadAnswers {
        slug: slug.to_owned(),
        id: r.id.clone(),
        reason: e.to_string(),
    })
}

fn fingerprint(id: &str) -> u64 {
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

/// First pass: the weights of every complete response, from the answers weighting reads.
fn weights_pass(
    store: &Store,
    survey: &SurveyRow,
    version: &LoadedVersion,
) -> Result<Vec<(u64, Option<f64>)>, ExportError> {
    let def = &version.definition;
    let keep = weighting_questions(def);
    let mut prints = Vec::new();
    let mut answers: Vec<Answers> = Vec::new();
    let mut design: Vec<Option<DesignValues>> = Vec::new();
    store.each_complete_batch(&survey.id, BATCH, |rows| -> Result<(), ExportError> {
        for r in &rows {
            let mut a = parse_answers(&survey.slug, r)?;
            a.retain(|k, _| keep.contains(k));
            answers.push(a);
            if def.design.is_some() {
                design.push(crate::form::Meta::parse(&r.meta).design);
            }
            prints.push(fingerprint(&r.id));
        }
        Ok(())
    })?;
    let design = def.design.as_ref().map(|_| design.as_slice());
    let weights = respondent_weights(def, version.population.as_ref(), &answers, design);
    Ok(prints.into_iter().zip(weights.values).collect())
}

/// The microdata CSV of a stored survey (the same bytes as [`super::microdata_csv`] of [`super::load`]),
/// written as the responses are read.
pub fn microdata_csv_streamed(
    store: &Store,
    source: &Source,
    dialect: Dialect,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    if source.from_loaded() {
        let data = super::load(store, &DefinitionCache::default(), &source.survey.slug)?;
        return super::microdata::microdata_csv_in(&data, dialect, out);
    }
    let mut w = CsvOut::start(source.definition(), source.weighted(), dialect, out)?;
    source.each_response(store, |r, answers, weight| w.row(r, answers, weight))?;
    w.finish()
}
