//! Response quality screening: flags computed per complete response, for a sociologist to review.
//!
//! Pure: responses in, flags out. The rules (each with its own function, tested on constructed data):
//! - **speeder**: total time below `speeder_fraction` (default 0.3) × the median total time of the
//!   survey's complete responses with a known time ([`speeders`]);
//! - **straight-lining**: the same point on every row of a matrix with at least [`MIN_MATRIX_ROWS`] rows,
//!   every row answered ([`straight_lined`]);
//! - **duplicate**: the same answers and the same fingerprint (a salted hash of network address and
//!   browser; the address itself is never stored) as an earlier response within a time window
//!   ([`duplicates`]);
//! - **gibberish**: an open answer that is keyboard noise ([`gibberish::is_gibberish`]).
//!
//! A flag is only a reason to look: nothing is excluded unless a person decides so, or the definition's
//! `quality: {exclude: [...]}` names the flag.

pub mod gibberish;

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::definition::{Answer, Answers, Definition, QuestionKind};

/// Fewest matrix rows for straight-lining to mean anything (on 2–4 rows the same point is often honest).
pub const MIN_MATRIX_ROWS: usize = 5;
/// Default speeder threshold as a fraction of the median total time.
pub const DEFAULT_SPEEDER_FRACTION: f64 = 0.3;
/// Default duplicate window.
pub const DEFAULT_DUPLICATE_HOURS: f64 = 24.0;

/// A quality flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Flag {
    #[serde(rename = "speeders")]
    Speeder,
    #[serde(rename = "straight_lining")]
    StraightLining,
    #[serde(rename = "duplicates")]
    Duplicate,
    #[serde(rename = "gibberish")]
    Gibberish,
}

impl Flag {
    pub const ALL: [Flag; 4] = [Flag::Speeder, Flag::StraightLining, Flag::Duplicate, Flag::Gibberish];

    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Speeder => "speeders",
            Flag::StraightLining => "straight_lining",
            Flag::Duplicate => "duplicates",
            Flag::Gibberish => "gibberish",
        }
    }

    pub fn parse(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// The `quality:` block of a definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualitySettings {
    /// Speeders: total time below this fraction of the median (0 < f < 1).
    #[serde(default = "default_fraction")]
    pub speeder_fraction: f64,
    /// Duplicates: the window, in hours, within which the same answers and fingerprint count.
    #[serde(default = "default_hours")]
    pub duplicate_hours: f64,
    /// Flags whose responses leave summaries without a review (empty: none, the default).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<Flag>,
}

fn default_fraction() -> f64 {
    DEFAULT_SPEEDER_FRACTION
}

fn default_hours() -> f64 {
    DEFAULT_DUPLICATE_HOURS
}

impl Default for QualitySettings {
    fn default() -> Self {
        QualitySettings {
            speeder_fraction: DEFAULT_SPEEDER_FRACTION,
            duplicate_hours: DEFAULT_DUPLICATE_HOURS,
            exclude: Vec::new(),
        }
    }
}

impl QualitySettings {
    /// What is wrong with the settings, if anything (for definition validation).
    pub fn problem(&self) -> Option<String> {
        if !(self.speeder_fraction > 0.0 && self.speeder_fraction < 1.0) {
            return Some(format!(
                "quality.speeder_fraction must be between 0 and 1 (exclusive), not {}",
                self.speeder_fraction
            ));
        }
        if !(self.duplicate_hours.is_finite() && self.duplicate_hours > 0.0) {
            return Some(format!(
                "quality.duplicate_hours must be a positive number of hours, not {}",
                self.duplicate_hours
            ));
        }
        None
    }
}

/// What screening reads of one complete response.
#[derive(Debug, Clone)]
pub struct Screened {
    pub id: String,
    pub answers: Answers,
    /// Seconds from the first page to completion.
    pub duration_seconds: Option<f64>,
    pub submitted_at: Option<NaiveDateTime>,
    /// Salted hash of network address and browser (absent for imported responses).
    pub fingerprint: Option<String>,
}

/// The flags of one response, with what triggered each (question ids, times) for the reviewer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flagged {
    pub id: String,
    pub flags: Vec<Flag>,
    /// One line per flag: the evidence (e.g. "12 s, median 120 s", "matrix q7: all 3").
    pub evidence: Vec<String>,
}

/// Every response that has at least one flag, in input order.
pub fn screen(def: &Definition, settings: &QualitySettings, responses: &[Screened]) -> Vec<Flagged> {
    let mut out: Vec<Flagged> = responses
        .iter()
        .map(|r| Flagged {
            id: r.id.clone(),
            flags: Vec::new(),
            evidence: Vec::new(),
        })
        .collect();
    let durations: Vec<Option<f64>> = responses.iter().map(|r| r.duration_seconds).collect();
    if let Some((median, fast)) = speeders(&durations, settings.speeder_fraction) {
        for (i, f) in fast.iter().enumerate() {
            if *f {
                out[i].flags.push(Flag::Speeder);
                let secs = durations[i].unwrap_or(0.0);
                out[i]
                    .evidence
                    .push(format!("{secs:.0} s < {:.0} s", settings.speeder_fraction * median));
            }
        }
    }
    let matrices = matrix_questions(def);
    for (i, r) in responses.iter().enumerate() {
        let (lined, noise) = own_findings(&matrices, &r.answers);
        if !lined.is_empty() {
            out[i].flags.push(Flag::StraightLining);
            out[i].evidence.push(lined.join(", "));
        }
        if !noise.is_empty() {
            out[i].flags.push(Flag::Gibberish);
            out[i].evidence.push(noise.join(", "));
        }
    }
    for (i, first) in duplicates(responses, settings.duplicate_hours) {
        out[i].flags.push(Flag::Duplicate);
        out[i].evidence.push(format!("= {}", responses[first].id));
    }
    for f in &mut out {
        f.flags.sort();
    }
    out.retain(|f| !f.flags.is_empty());
    out
}

/// The median of the known durations and, per response, whether it is a speeder: duration <
/// `fraction` × median. `None` when no response has a positive known duration (nothing to compare with).
/// The median of an even count is the mean of the two middle values.
pub fn speeders(durations: &[Option<f64>], fraction: f64) -> Option<(f64, Vec<bool>)> {
    let mut known: Vec<f64> = durations.iter().flatten().copied().filter(|d| d.is_finite()).collect();
    if known.is_empty() {
        return None;
    }
    known.sort_by(f64::total_cmp);
    let n = known.len();
    let median = if n % 2 == 1 {
        known[n / 2]
    } else {
        (known[n / 2 - 1] + known[n / 2]) / 2.0
    };
    if median <= 0.0 {
        return None;
    }
    let cut = fraction * median;
    Some((median, durations.iter().map(|d| d.is_some_and(|d| d < cut)).collect()))
}

/// The matrix questions of a definition with their number of rows, those with enough rows only.
pub fn matrix_questions(def: &Definition) -> Vec<(&str, usize)> {
    def.pages
        .iter()
        .flat_map(|p| &p.questions)
        .filter_map(|q| match &q.kind {
            QuestionKind::Matrix(m) if m.rows.len() >= MIN_MATRIX_ROWS => Some((q.id.as_str(), m.rows.len())),
            _ => None,
        })
        .collect()
}

/// The point given on every row, when a matrix of `rows` rows (≥ [`MIN_MATRIX_ROWS`]) has every row
/// answered with the same point.
pub fn straight_lined(answer: Option<&Answer>, rows: usize) -> Option<&str> {
    let Some(Answer::Matrix(cells)) = answer else {
        return None;
    };
    if rows < MIN_MATRIX_ROWS || cells.len() < rows {
        return None;
    }
    let mut points = cells.values();
    let first = points.next()?;
    points.all(|p| p == first).then_some(first.as_str())
}

/// What the rules that look at one response alone find in it: the matrices of `matrices`
/// ([`matrix_questions`]) it straight-lines (`id: point`), and the questions whose open answer is keyboard
/// noise (the evidence of [`Flag::StraightLining`] and [`Flag::Gibberish`]).
fn own_findings<'a, S: AsRef<str>>(matrices: &[(S, usize)], answers: &'a Answers) -> (Vec<String>, Vec<&'a str>) {
    let lined = matrices
        .iter()
        .filter_map(|(id, rows)| {
            let id = id.as_ref();
            straight_lined(answers.get(id), *rows).map(|p| format!("{id}: {p}"))
        })
        .collect();
    let noise = open_texts(answers)
        .filter(|(_, t)| gibberish::is_gibberish(t))
        .map(|(id, _)| id)
        .collect();
    (lined, noise)
}

/// Whether one response alone is flagged by [`screen`] as [`Flag::StraightLining`] and as
/// [`Flag::Gibberish`] (for a streamed export, which sees the responses one at a time).
pub fn own_flags<S: AsRef<str>>(matrices: &[(S, usize)], answers: &Answers) -> (bool, bool) {
    let (lined, noise) = own_findings(matrices, answers);
    (!lined.is_empty(), !noise.is_empty())
}

/// The open texts of a response: text answers and "other, specify" texts.
fn open_texts(answers: &Answers) -> impl Iterator<Item = (&str, &str)> {
    answers.iter().filter_map(|(id, a)| match a {
        Answer::Text(t) => Some((id.as_str(), t.as_str())),
        Answer::Choice {
            other_text: Some(t), ..
        }
        | Answer::Choices {
            other_text: Some(t), ..
        } => Some((id.as_str(), t.as_str())),
        _ => None,
    })
}

/// Pairs (later response, earlier response) with the same answers and the same fingerprint, submitted at
/// most `hours` apart. Responses without a fingerprint or a time are never duplicates (an imported
/// interview file has neither, and identical answers alone are common on short forms).
pub fn duplicates(responses: &[Screened], hours: f64) -> Vec<(usize, usize)> {
    let window_ms = (hours * 3_600_000.0) as i64;
    let mut seen: HashMap<(&str, String), Vec<(usize, NaiveDateTime)>> = HashMap::new();
    let mut order: Vec<usize> = (0..responses.len()).collect();
    order.sort_by_key(|&i| responses[i].submitted_at);
    let mut out = Vec::new();
    for i in order {
        let r = &responses[i];
        let (Some(fp), Some(at)) = (r.fingerprint.as_deref(), r.submitted_at) else {
            continue;
        };
        let key = (fp, serde_json::to_string(&r.answers).unwrap_or_default());
        let earlier = seen.entry(key).or_default();
        if let Some((first, _)) = earlier.iter().find(|(_, t)| (at - *t).num_milliseconds() <= window_ms) {
            out.push((i, *first));
        }
        earlier.push((i, at));
    }
    out.sort_unstable();
    out
}

/// [`duplicates`] for responses handed one at a time in submission order (as a streamed export reads
/// them): the same flags, remembering per fingerprint and answers only a 128-bit digest of them and the
/// latest submission time (times only grow, so the latest earlier response is the one nearest in time).
pub struct DuplicateFinder {
    window_ms: i64,
    latest: HashMap<[u8; 16], NaiveDateTime>,
}

impl DuplicateFinder {
    pub fn new(hours: f64) -> Self {
        DuplicateFinder {
            window_ms: (hours * 3_600_000.0) as i64,
            latest: HashMap::new(),
        }
    }

    /// Whether the next response (in submission order) repeats an earlier one within the window.
    pub fn is_duplicate(&mut self, r: &Screened) -> bool {
        use sha2::{Digest, Sha256};
        let (Some(fp), Some(at)) = (r.fingerprint.as_deref(), r.submitted_at) else {
            return false;
        };
        let mut h = Sha256::new();
        h.update(fp.as_bytes());
        // 0xff never occurs in UTF-8: the fingerprint ends here.
        h.update([0xff]);
        h.update(serde_json::to_string(&r.answers).unwrap_or_default().as_bytes());
        let mut key = [0u8; 16];
        key.copy_from_slice(&h.finalize()[..16]);
        let repeated = self
            .latest
            .get(&key)
            .is_some_and(|t| (at - *t).num_milliseconds() <= self.window_ms);
        self.latest.insert(key, at);
        repeated
    }
}

#[cfg(test)]
mod tests;
