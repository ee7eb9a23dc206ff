//! Which complete responses a summary leaves out, and the review list of the quality workbench.
//!
//! A response is excluded when a sociologist excluded it (`store::quality`, decision `exclude`), or when
//! the definition's `quality: {exclude: [...]}` names one of its flags and nobody decided to keep it.
//! Excluded responses stay in the database and in microdata exports; summaries state how many were left
//! out and why ([`Excluded`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::definition::Definition;
use crate::form::Meta;
use crate::quality::{self, Flag, QualitySettings, Screened};
use crate::store::quality::{Review, EXCLUDE, KEEP};
use crate::store::{ResponseRow, Store, StoreError};

/// How many responses a summary left out, and why (summary JSON `excluded`, the methodology page).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Excluded {
    pub total: u64,
    /// Excluded by a sociologist, per reason given.
    pub reviewed: Vec<ReasonCount>,
    /// Excluded because the definition excludes the flag (`speeders`, …), per flag.
    pub automatic: Vec<ReasonCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonCount {
    pub reason: String,
    pub n: u64,
}

/// The responses to leave out of a summary.
#[derive(Debug, Clone, Default)]
pub struct Exclusions {
    pub ids: HashSet<String>,
    pub excluded: Excluded,
}

impl Exclusions {
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// One complete response on the review list: its flags and the latest decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewItem {
    pub id: String,
    pub flags: Vec<Flag>,
    pub evidence: Vec<String>,
    /// `exclude`, `keep`, or none yet.
    pub decision: Option<String>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    /// Left out of summaries now (by decision or by the definition).
    pub excluded: bool,
}

/// The settings of a definition (its `quality:` block or the defaults).
pub fn settings(def: &Definition) -> QualitySettings {
    def.quality.clone().unwrap_or_default()
}

/// The screening input of a stored complete response.
pub fn screened(row: &ResponseRow) -> Screened {
    Screened {
        id: row.id.clone(),
        answers: serde_json::from_str(&row.answers).unwrap_or_default(),
        duration_seconds: row.duration_seconds,
        submitted_at: row.submitted_at,
        fingerprint: Meta::parse(&row.meta).fingerprint,
    }
}

/// Every flagged or reviewed complete response of a survey, flagged ones first.
pub fn review_list(store: &Store, def: &Definition, survey_id: &str) -> Result<Vec<ReviewItem>, StoreError> {
    let rows: Vec<Screened> = store.complete_responses(survey_id)?.iter().map(screened).collect();
    let reviews = store.reviews(survey_id)?;
    Ok(combine(def, &settings(def), &rows, &reviews))
}

/// The review list from responses and decisions (pure).
pub fn combine(def: &Definition, s: &QualitySettings, rows: &[Screened], reviews: &[Review]) -> Vec<ReviewItem> {
    let flagged: HashMap<String, quality::Flagged> = quality::screen(def, s, rows)
        .into_iter()
        .map(|f| (f.id.clone(), f))
        .collect();
    let decided: HashMap<&str, &Review> = reviews.iter().map(|r| (r.response_id.as_str(), r)).collect();
    let mut items: Vec<ReviewItem> = rows
        .iter()
        .filter(|r| flagged.contains_key(&r.id) || decided.contains_key(r.id.as_str()))
        .map(|r| {
            let f = flagged.get(&r.id);
            let d = decided.get(r.id.as_str());
            let flags = f.map(|f| f.flags.clone()).unwrap_or_default();
            let decision = d.map(|d| d.decision.clone());
            let excluded = match decision.as_deref() {
                Some(EXCLUDE) => true,
                Some(KEEP) => false,
                _ => flags.iter().any(|f| s.exclude.contains(f)),
            };
            ReviewItem {
                id: r.id.clone(),
                evidence: f.map(|f| f.evidence.clone()).unwrap_or_default(),
                flags,
                decision,
                reason: d.map(|d| d.reason.clone()),
                decided_by: d.map(|d| d.decided_by.clone()),
                excluded,
            }
        })
        .collect();
    items.sort_by_key(|i| i.flags.is_empty());
    items
}

/// The responses a summary of the survey leaves out. Cheap when the definition excludes no flag (only
/// the decisions are read); otherwise every complete response is screened.
pub fn exclusions(store: &Store, def: &Definition, survey_id: &str) -> Result<Exclusions, StoreError> {
    let s = settings(def);
    let reviews = store.reviews(survey_id)?;
    if s.exclude.is_empty() {
        return Ok(from_items(&s, &combine(def, &s, &[], &[]), &reviews));
    }
    let rows: Vec<Screened> = store.complete_responses(survey_id)?.iter().map(screened).collect();
    Ok(from_items(&s, &combine(def, &s, &rows, &reviews), &reviews))
}

/// The exclusions of a review list, plus decisions on responses the list does not hold (when only the
/// decisions were read).
pub fn from_items(s: &QualitySettings, items: &[ReviewItem], reviews: &[Review]) -> Exclusions {
    let mut ids = HashSet::new();
    let mut reviewed: BTreeMap<String, u64> = BTreeMap::new();
    let mut automatic: BTreeMap<&'static str, u64> = BTreeMap::new();
    for r in reviews.iter().filter(|r| r.decision == EXCLUDE) {
        ids.insert(r.response_id.clone());
        *reviewed.entry(r.reason.clone()).or_default() += 1;
    }
    for i in items.iter().filter(|i| i.excluded && i.decision.is_none()) {
        ids.insert(i.id.clone());
        // Counted under the first flag the definition excludes.
        if let Some(f) = i.flags.iter().find(|f| s.exclude.contains(f)) {
            *automatic.entry(f.as_str()).or_default() += 1;
        }
    }
    let count = |m: BTreeMap<String, u64>| m.into_iter().map(|(reason, n)| ReasonCount { reason, n }).collect();
    let excluded = Excluded {
        total: ids.len() as u64,
        reviewed: count(reviewed),
        automatic: count(automatic.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
    };
    Exclusions { ids, excluded }
}
