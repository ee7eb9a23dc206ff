//! Regional indicators and the risk calendar: every indicator is defined once (which tracked question,
//! which statistic, which direction is worse, thresholds), every survey that asks the tracked question is a
//! wave, and each district × wave gets a direct estimate, a small-area estimate where the sample is thin,
//! and a status (fine / watch / alert).
//!
//! ```yaml
//! district_variable: district     # the surveys' variable whose codes are district codes
//! district_map: {centre: d1}      # optional: a survey code → the territory's code
//! thin_below: 100                 # fewer respondents than this: the small-area estimate is the headline
//! indicators:
//!   - id: life_dissatisfied
//!     title: {ru: "Недовольны жизнью", en: "Dissatisfied with life"}
//!     track: life_satisfaction_region
//!     statistic: share            # share (of `codes`) | mean | balance (`positive`, `negative`)
//!     codes: ["1", "2"]
//!     worse: higher               # higher | lower
//!     watch: 0.30                 # optional thresholds, in the statistic's units (a share is 0..1)
//!     alert: 0.40
//!     covariates: [urban_share]   # territories' covariates in the small-area model (an intercept is added)
//! ```
//! A file with mistakes (an unknown district, a tracked question no survey asks, thresholds in the wrong
//! order, an undeclared covariate, a duplicate id) is refused as a whole, with every problem and its line.

pub mod calendar;
pub mod mail;
pub mod waves;
pub mod webhooks;
pub mod worker;

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::definition::error::{into_result, DefinitionErrors, Problem};
use crate::definition::locate;
use crate::definition::Texts;
pub use crate::report::district::Statistic;
use crate::territory::Territories;

/// Which direction of an indicator is bad news.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Worse {
    Higher,
    Lower,
}

/// One indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub id: String,
    pub title: Texts,
    /// The `track` name of the question in the surveys.
    pub track: String,
    #[serde(flatten)]
    pub statistic: Statistic,
    pub worse: Worse,
    #[serde(default)]
    pub watch: Option<f64>,
    #[serde(default)]
    pub alert: Option<f64>,
    #[serde(default)]
    pub covariates: Vec<String>,
}

/// The indicators file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicators {
    #[serde(default = "default_district_variable")]
    pub district_variable: String,
    #[serde(default)]
    pub district_map: BTreeMap<String, String>,
    #[serde(default = "default_thin_below")]
    pub thin_below: u64,
    pub indicators: Vec<Indicator>,
}

fn default_district_variable() -> String {
    "district".to_owned()
}

fn default_thin_below() -> u64 {
    100
}

impl Indicators {
    /// The territory code a survey's district code stands for.
    pub fn territory_code<'a>(&'a self, survey_code: &'a str) -> &'a str {
        self.district_map.get(survey_code).map_or(survey_code, String::as_str)
    }

    pub fn get(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }
}

/// Parses and checks an indicators file against the territories and, when given, the tracked questions
/// the surveys ask (`None`: not checked, e.g. before any survey is imported).
pub fn parse_indicators(
    source: &str,
    file_name: &str,
    territories: &Territories,
    known_tracks: Option<&HashSet<String>>,
) -> Result<Indicators, DefinitionErrors> {
    let f: Indicators = serde_norway::from_str(source).map_err(|e| crate::definition::yaml_error(&e, file_name))?;
    let mut problems = Vec::new();
    let mut push = |line: Option<usize>, message: String| problems.push(Problem::new(file_name, line, None, message));
    let map_section = locate::section(source, "district_map");
    for (from, to) in &f.district_map {
        if territories.index(to).is_none() {
            let line = map_section.and_then(|(a, b)| {
                source
                    .lines()
                    .enumerate()
                    .skip(a - 1)
                    .take(b - a)
                    .find(|(_, l)| l.contains(to.as_str()))
                    .map(|(i, _)| i + 1)
            });
            push(
                line.or_else(|| locate::top_key(source, "district_map")),
                format!("district_map: '{from}' → '{to}': unknown district '{to}' (not in the territories file)"),
            );
        }
    }
    let mut seen = HashSet::new();
    let mut nth: BTreeMap<&str, usize> = BTreeMap::new();
    for ind in &f.indicators {
        let k = nth.entry(ind.id.as_str()).or_insert(0);
        let line = locate::nth_item(source, "indicators", &ind.id, *k);
        *k += 1;
        let mut say = |message: String| push(line, format!("indicator '{}': {message}", ind.id));
        if !crate::definition::valid_id(&ind.id) {
            say("the id must be letters, digits and '_', starting with a letter".into());
        }
        if !seen.insert(ind.id.as_str()) {
            say("the id is used twice".into());
        }
        if let Some(tracks) = known_tracks {
            if !tracks.contains(&ind.track) {
                say(format!("no survey asks the tracked question '{}'", ind.track));
            }
        }
        match &ind.statistic {
            Statistic::Share { codes } if codes.is_empty() => say("a share needs `codes`".into()),
            Statistic::Balance { positive, negative } if positive.is_empty() || negative.is_empty() => {
                say("a balance needs `positive` and `negative` codes".into())
            }
            _ => {}
        }
        for v in [ind.watch, ind.alert].into_iter().flatten() {
            if !v.is_finite() {
                say("thresholds must be numbers".into());
            }
        }
        if let (Some(watch), Some(alert)) = (ind.watch, ind.alert) {
            let ordered = match ind.worse {
                Worse::Higher => watch < alert,
                Worse::Lower => watch > alert,
            };
            if !ordered {
                say(format!(
                    "thresholds in the wrong order: with `worse: {}` the watch level ({watch}) must come before \
                     the alert level ({alert})",
                    if ind.worse == Worse::Higher { "higher" } else { "lower" }
                ));
            }
        }
        for c in &ind.covariates {
            if !territories.covariates.contains_key(c) {
                say(format!("covariate '{c}' is not declared in the territories file"));
            }
        }
    }
    if f.indicators.is_empty() {
        push(
            locate::top_key(source, "indicators"),
            "no indicators are defined".into(),
        );
    }
    into_result(f, problems)
}

/// The indicators shipped with the illustrative region (`surveys/territories/indicators.yaml`).
pub const EXAMPLE: &str = include_str!("../../surveys/territories/indicators.yaml");

#[cfg(test)]
mod tests;
