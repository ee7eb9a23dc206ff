//! Builds the whole risk calendar from the store: finds the surveys that ask each indicator's tracked
//! question (the waves, oldest first), computes their direct estimates by district once per survey, and
//! runs [`super::calendar::compute`]. Results are kept in a cache keyed by every contributing survey's
//! version and number of complete responses, so a new wave (or new responses) invalidates it.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::calendar::{self, IndicatorCalendar, WaveInput};
use super::{parse_indicators, Indicators};
use crate::catalog::DefinitionCache;
use crate::definition::{DefinitionErrors, Texts};
use crate::report::district::{by_district, DistrictDirect, DistrictError, Statistic};
use crate::report::{self, ReportLoadError, SummaryInput};
use crate::store::{Store, StoreError, SurveyRow};
use crate::territory::{parse_territories, Territories};

/// Why the calendar could not be built.
#[derive(Debug, thiserror::Error)]
pub enum IndicatorError {
    #[error("{0}")]
    Files(DefinitionErrors),
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Load(#[from] ReportLoadError),
    #[error("survey '{survey}': {source}")]
    District { survey: String, source: DistrictError },
}

/// The territories and indicators in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    pub territories: Territories,
    pub indicators: Indicators,
}

/// Reads the territories and indicators files (`None`: the illustrative ones shipped with Opros) and checks
/// them against each other and against the tracked questions of the stored surveys.
pub fn load_setup(
    store: &Store,
    cache: &DefinitionCache,
    territories: Option<&Path>,
    indicators: Option<&Path>,
) -> Result<Setup, IndicatorError> {
    let read = |p: Option<&Path>, fallback: &'static str| -> Result<(String, String), IndicatorError> {
        match p {
            None => Ok((fallback.to_owned(), String::new())),
            Some(p) => std::fs::read_to_string(p)
                .map(|t| (t, p.display().to_string()))
                .map_err(|e| IndicatorError::Read {
                    path: p.display().to_string(),
                    reason: e.to_string(),
                }),
        }
    };
    let (t_text, t_name) = read(territories, crate::territory::EXAMPLE)?;
    let t_name = if t_name.is_empty() {
        "surveys/territories/example-region.yaml".into()
    } else {
        t_name
    };
    let (i_text, i_name) = read(indicators, super::EXAMPLE)?;
    let i_name = if i_name.is_empty() {
        "surveys/territories/indicators.yaml".into()
    } else {
        i_name
    };
    let territories = parse_territories(&t_text, &t_name).map_err(IndicatorError::Files)?;
    let tracks = known_tracks(store, cache)?;
    let known = (!tracks.is_empty()).then_some(&tracks);
    let indicators = parse_indicators(&i_text, &i_name, &territories, known).map_err(IndicatorError::Files)?;
    Ok(Setup {
        territories,
        indicators,
    })
}

/// The tracked questions of the stored surveys' current versions.
fn known_tracks(store: &Store, cache: &DefinitionCache) -> Result<HashSet<String>, IndicatorError> {
    let mut out = HashSet::new();
    for row in store.list_surveys()? {
        let v = cache
            .get(store, &row, row.current_version)
            .map_err(ReportLoadError::from)?;
        out.extend(v.definition.questions().filter_map(|(_, q)| q.track.clone()));
    }
    Ok(out)
}

/// A district as the calendar shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictInfo {
    pub code: String,
    pub name: Texts,
    pub population: f64,
    pub row: u32,
    pub column: u32,
}

/// An indicator's definition and calendar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorView {
    pub id: String,
    pub title: Texts,
    pub track: String,
    #[serde(flatten)]
    pub statistic: Statistic,
    pub worse: super::Worse,
    pub watch: Option<f64>,
    pub alert: Option<f64>,
    pub waves: Vec<calendar::Wave>,
}

/// The risk calendar: every indicator over its waves, district by district.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calendar {
    pub region: String,
    pub region_title: Texts,
    pub thin_below: u64,
    pub districts: Vec<DistrictInfo>,
    pub indicators: Vec<IndicatorView>,
}

/// Each survey's version and complete responses: what the cached calendar was computed from.
type CacheKey = (bool, Vec<(String, i32, i64, bool)>);

/// How many calendars are kept: the staff's and the public's of the current surveys, with room for a few
/// databases in one process (tests) without evicting each other.
const CACHED: usize = 8;

/// The latest calendars, most recently used last, with the surveys and the files each was computed from.
static CACHE: Mutex<Vec<(CacheKey, Setup, Arc<Calendar>)>> = Mutex::new(Vec::new());

/// The calendar over the surveys the reader may see (`staff`: all; otherwise those with published results).
pub fn build(
    store: &Store,
    cache: &DefinitionCache,
    setup: &Setup,
    staff: bool,
) -> Result<Arc<Calendar>, IndicatorError> {
    build_cached(store, cache, setup, staff).map(|(c, _)| c)
}

/// [`build`], and whether the calendar came from the cache (no survey changed since it was computed: no new
/// wave, no new version, no new complete response, no change in what is published).
pub fn build_cached(
    store: &Store,
    cache: &DefinitionCache,
    setup: &Setup,
    staff: bool,
) -> Result<(Arc<Calendar>, bool), IndicatorError> {
    let rows: Vec<SurveyRow> = store
        .list_surveys()?
        .into_iter()
        .filter(|r| staff || r.results_published)
        .collect();
    let mut key_parts = Vec::with_capacity(rows.len());
    for r in &rows {
        let complete = store
            .response_counts(&r.id)?
            .into_iter()
            .find(|(s, _)| s == "complete")
            .map_or(0, |(_, n)| n);
        key_parts.push((r.id.clone(), r.current_version, complete, r.results_published));
    }
    let key: CacheKey = (staff, key_parts);
    if let Ok(mut guard) = CACHE.lock() {
        if let Some(k) = guard.iter().position(|(k, s, _)| *k == key && s == setup) {
            let entry = guard.remove(k);
            let calendar = Arc::clone(&entry.2);
            guard.push(entry);
            return Ok((calendar, true));
        }
    }
    let calendar = Arc::new(compute_from_store(store, cache, setup, rows)?);
    if let Ok(mut guard) = CACHE.lock() {
        if guard.len() >= CACHED {
            guard.remove(0);
        }
        guard.push((key, setup.clone(), Arc::clone(&calendar)));
    }
    Ok((calendar, false))
}

fn compute_from_store(
    store: &Store,
    cache: &DefinitionCache,
    setup: &Setup,
    rows: Vec<SurveyRow>,
) -> Result<Calendar, IndicatorError> {
    let t = &setup.territories;
    let ind = &setup.indicators;
    let mut dated = Vec::new();
    for row in rows {
        let v = cache
            .get(store, &row, row.current_version)
            .map_err(ReportLoadError::from)?;
        let date = v.definition.opens.unwrap_or_else(|| row.created_at.date());
        dated.push((date, row, v));
    }
    dated.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.slug.cmp(&b.1.slug)));
    let mut waves: BTreeMap<&str, Vec<WaveInput>> = BTreeMap::new();
    for (date, row, v) in &dated {
        let def = &v.definition;
        let wanted: Vec<(&str, &Statistic, &str)> = ind
            .indicators
            .iter()
            .filter_map(|i| {
                let q = def
                    .questions()
                    .find(|(_, q)| q.track.as_deref() == Some(i.track.as_str()))?
                    .1;
                Some((q.id.as_str(), &i.statistic, i.id.as_str()))
            })
            .collect();
        if wanted.is_empty() || def.categories(&ind.district_variable).is_none() {
            continue;
        }
        let loaded = report::load(store, cache, &row.slug)?;
        let lang = def.default_language();
        let input = SummaryInput {
            definition: &loaded.version.definition,
            population: loaded.version.population.as_ref(),
            answers: &loaded.answers,
            language: lang,
        };
        let pairs: Vec<(&str, &Statistic)> = wanted.iter().map(|(q, s, _)| (*q, *s)).collect();
        let results =
            by_district(&input, &ind.district_variable, &pairs).map_err(|source| IndicatorError::District {
                survey: row.slug.clone(),
                source,
            })?;
        for ((_, _, id), by) in wanted.iter().zip(results) {
            let mut direct: Vec<Option<DistrictDirect>> = vec![None; t.districts.len()];
            for (code, value) in by.codes.iter().zip(by.values) {
                if let Some(i) = t.index(ind.territory_code(code)) {
                    direct[i] = Some(value);
                }
            }
            waves.entry(id).or_default().push(WaveInput {
                survey: row.slug.clone(),
                label: date.format("%Y-%m").to_string(),
                title: def.title.get(lang).to_owned(),
                direct,
            });
        }
    }
    let indicators = ind
        .indicators
        .iter()
        .map(|i| {
            let IndicatorCalendar { waves: w, .. } = calendar::compute(
                i,
                t,
                ind.thin_below,
                waves.get(i.id.as_str()).map_or(&[], Vec::as_slice),
            );
            IndicatorView {
                id: i.id.clone(),
                title: i.title.clone(),
                track: i.track.clone(),
                statistic: i.statistic.clone(),
                worse: i.worse,
                watch: i.watch,
                alert: i.alert,
                waves: w,
            }
        })
        .collect();
    Ok(Calendar {
        region: t.name.clone(),
        region_title: t.title.clone(),
        thin_below: ind.thin_below,
        districts: t
            .districts
            .iter()
            .map(|d| DistrictInfo {
                code: d.code.clone(),
                name: d.name.clone(),
                population: d.population,
                row: d.tile[0],
                column: d.tile[1],
            })
            .collect(),
        indicators,
    })
}
