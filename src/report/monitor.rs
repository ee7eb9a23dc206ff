//! The fieldwork monitor: how a survey is doing while it is open (`GET /admin/surveys/{slug}/monitor`).
//!
//! - responses per day: started (by `started_at`) and completed (by `submitted_at`);
//! - completion rate = complete / (complete + partial) — screened-out respondents are neither;
//! - drop-off by page: for page position k, how many reached it (`page_reached ≥ k`, complete responses
//!   reached every page) and how many partial responses stopped there (`page_reached = k`);
//! - median duration of complete responses;
//! - representativeness: for every weighting variable the sample share among complete responses (missing
//!   left out) against the population share (the margin, or the population cells summed); the design effect
//!   and effective n the weighting would give now (the summary's own weighting, [`super::weigh_answers`],
//!   on the current complete responses, design weights included; Kish deff = n·Σw²/(Σw)²); the most
//!   under-represented groups — margin categories and, when the population has a joint table, its cells —
//!   ranked by sample share / population share.
//!
//! [`compute`] is pure; [`load`] reads the responses from the store.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::labels::{category_label, variable_label};
use super::weigh_answers;
use crate::definition::{derived, Answers, Definition, DesignValues};
use crate::form::Meta;
use crate::stats;
use crate::store::monitor::MonitorRecord;
use crate::store::responses::COMPLETE;
use crate::store::{Store, StoreError};
use crate::weighting::{Population, Targets};

/// The monitor of a survey from its stored responses.
pub fn load(
    store: &Store,
    survey_id: &str,
    def: &Definition,
    population: Option<&Population>,
    lang: &str,
) -> Result<Monitor, StoreError> {
    let rows: Vec<MonitorRow> = store
        .monitor_records(survey_id)?
        .into_iter()
        .map(MonitorRow::from_record)
        .collect();
    Ok(compute(def, population, rows, lang))
}

/// What the monitor needs of one response.
#[derive(Debug, Clone)]
pub struct MonitorRow {
    pub state: String,
    pub page_reached: i32,
    pub started_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub duration_seconds: Option<f64>,
    /// Answers of complete responses (others are not needed).
    pub answers: Option<Answers>,
    /// Sampling-design values of complete responses (imported interviews of a survey with a `design:`).
    pub design: Option<DesignValues>,
}

impl MonitorRow {
    /// A stored response as the monitor reads it; answers that cannot be read count as none given.
    pub fn from_record(r: MonitorRecord) -> MonitorRow {
        let complete = r.state == COMPLETE;
        MonitorRow {
            answers: complete.then(|| serde_json::from_str(&r.answers).unwrap_or_default()),
            design: if complete { Meta::parse(&r.meta).design } else { None },
            state: r.state,
            page_reached: r.page_reached,
            started_at: r.started_at,
            submitted_at: r.submitted_at,
            duration_seconds: r.duration_seconds,
        }
    }
}

/// The answers and design values of the complete responses, in the same order.
struct Complete {
    answers: Vec<Answers>,
    design: Vec<Option<DesignValues>>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Day {
    pub date: NaiveDate,
    pub started: u64,
    pub completed: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PageDrop {
    /// 1-based position in the form.
    pub position: usize,
    pub page_id: String,
    pub reached: u64,
    pub stopped_here: u64,
    /// stopped_here / reached.
    pub drop_rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CategoryShare {
    pub code: String,
    pub label: String,
    pub n: u64,
    pub sample_share: Option<f64>,
    pub population_share: f64,
    /// sample share − population share.
    pub gap: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VariableShares {
    pub variable: String,
    pub label: String,
    /// Complete responses with a value for this variable.
    pub answered: u64,
    pub categories: Vec<CategoryShare>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Group {
    /// "Men, 60+"-style description.
    pub label: String,
    pub n: u64,
    pub sample_share: f64,
    pub population_share: f64,
    /// sample share / population share (1 = in proportion).
    pub ratio: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct WeightingNow {
    pub method: String,
    pub deff: Option<f64>,
    pub effective_n: Option<f64>,
    pub n_excluded: Option<usize>,
    pub weight_min: Option<f64>,
    pub weight_max: Option<f64>,
    /// Why weighting is not possible now (e.g. an empty category).
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Monitor {
    pub started: u64,
    pub complete: u64,
    pub partial: u64,
    pub screened_out: u64,
    pub completion_rate: Option<f64>,
    pub median_duration_seconds: Option<f64>,
    pub days: Vec<Day>,
    pub pages: Vec<PageDrop>,
    pub representativeness: Vec<VariableShares>,
    pub weighting: Option<WeightingNow>,
    pub under_represented: Vec<Group>,
}

/// Computes the monitor of a survey from its responses (pure). The rows are taken so that the answers of
/// complete responses are weighted without a copy.
pub fn compute(def: &Definition, population: Option<&Population>, rows: Vec<MonitorRow>, lang: &str) -> Monitor {
    let is = |r: &MonitorRow, s: &str| r.state == s;
    let complete = rows.iter().filter(|r| is(r, "complete")).count() as u64;
    let partial = rows.iter().filter(|r| is(r, "partial")).count() as u64;
    let screened_out = rows.iter().filter(|r| is(r, "screened_out")).count() as u64;
    let mut durations: Vec<f64> = rows
        .iter()
        .filter(|r| is(r, "complete"))
        .filter_map(|r| r.duration_seconds)
        .filter(|d| d.is_finite() && *d >= 0.0)
        .collect();
    let days = per_day(&rows);
    let pages = drop_off(def, &rows);
    let started = rows.len() as u64;
    let (answers, design) = rows
        .into_iter()
        .filter(|r| is(r, "complete"))
        .filter_map(|r| Some((r.answers?, r.design)))
        .unzip();
    let done = Complete { answers, design };
    let (representativeness, weighting, under_represented) = represent(def, population, &done, lang);
    Monitor {
        started,
        complete,
        partial,
        screened_out,
        completion_rate: (complete + partial > 0).then(|| complete as f64 / (complete + partial) as f64),
        median_duration_seconds: stats::sample_median(&mut durations),
        days,
        pages,
        representativeness,
        weighting,
        under_represented,
    }
}

fn per_day(rows: &[MonitorRow]) -> Vec<Day> {
    let mut days: BTreeMap<NaiveDate, (u64, u64)> = BTreeMap::new();
    for r in rows {
        days.entry(r.started_at.date()).or_default().0 += 1;
        if r.state == "complete" {
            if let Some(s) = r.submitted_at {
                days.entry(s.date()).or_default().1 += 1;
            }
        }
    }
    // Days without any response are shown as zero bars, so gaps in fieldwork are visible.
    let (Some(first), Some(last)) = (days.keys().next().copied(), days.keys().last().copied()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut d = first;
    while d <= last && out.len() < 366 {
        let (started, completed) = days.get(&d).copied().unwrap_or((0, 0));
        out.push(Day {
            date: d,
            started,
            completed,
        });
        d = d.succ_opt().unwrap_or(last + chrono::Duration::days(1));
    }
    out
}

fn drop_off(def: &Definition, rows: &[MonitorRow]) -> Vec<PageDrop> {
    let n_pages = def.pages.len();
    (1..=n_pages)
        .map(|k| {
            let reached_page = |r: &MonitorRow| r.state == "complete" || (r.page_reached.max(1) as usize) >= k;
            let reached = rows.iter().filter(|r| reached_page(r)).count() as u64;
            let stopped_here = rows
                .iter()
                .filter(|r| r.state == "partial" && (r.page_reached.max(1) as usize).min(n_pages) == k)
                .count() as u64;
            PageDrop {
                position: k,
                page_id: if def.page_blocks.is_empty() {
                    def.pages[k - 1].id.clone()
                } else {
                    format!("page {k}")
                },
                reached,
                stopped_here,
                drop_rate: (reached > 0).then(|| stopped_here as f64 / reached as f64),
            }
        })
        .collect()
}

/// Population shares of a variable's categories: from its margin, else from the cells summed over the
/// other variables.
pub fn population_shares(t: &Targets, var: &str) -> BTreeMap<String, f64> {
    let mut counts: BTreeMap<String, f64> = BTreeMap::new();
    if let Some(m) = t.margins.get(var) {
        for (c, v) in m {
            counts.insert(c.0.clone(), *v);
        }
    } else {
        for cell in &t.cells {
            if let Some(c) = cell.categories.get(var) {
                *counts.entry(c.0.clone()).or_default() += cell.count;
            }
        }
    }
    let total: f64 = counts.values().sum();
    if total > 0.0 {
        counts.values_mut().for_each(|v| *v /= total);
    }
    counts
}

type Represent = (Vec<VariableShares>, Option<WeightingNow>, Vec<Group>);

fn represent(def: &Definition, population: Option<&Population>, done: &Complete, lang: &str) -> Represent {
    let Some(scheme) = def.weighting.as_ref() else {
        return (Vec::new(), None, Vec::new());
    };
    let Some(targets) = scheme.targets.as_ref().or(population.map(|p| &p.targets)) else {
        return (Vec::new(), None, Vec::new());
    };
    // Each respondent's category of each weighting variable (derived variables computed).
    let values: BTreeMap<&str, Vec<Option<String>>> = scheme
        .variables
        .iter()
        .map(|v| {
            (
                v.as_str(),
                done.answers.iter().map(|a| derived::category(def, v, a)).collect(),
            )
        })
        .collect();
    let mut vars = Vec::new();
    let mut groups = Vec::new();
    for var in &scheme.variables {
        let vals = &values[var.as_str()];
        let answered = vals.iter().filter(|v| v.is_some()).count() as u64;
        let pop = population_shares(targets, var);
        let mut cats = Vec::new();
        for (code, pshare) in &pop {
            let n = vals.iter().filter(|v| v.as_deref() == Some(code)).count() as u64;
            let sshare = (answered > 0).then(|| n as f64 / answered as f64);
            let label = category_label(def, var, code, lang);
            if let Some(s) = sshare.filter(|_| *pshare > 0.0) {
                groups.push(Group {
                    label: format!("{}: {label}", variable_label(def, var, lang)),
                    n,
                    sample_share: s,
                    population_share: *pshare,
                    ratio: s / pshare,
                });
            }
            cats.push(CategoryShare {
                code: code.clone(),
                label,
                n,
                sample_share: sshare,
                population_share: *pshare,
                gap: sshare.map(|s| s - pshare),
            });
        }
        vars.push(VariableShares {
            variable: var.clone(),
            label: variable_label(def, var, lang),
            answered,
            categories: cats,
        });
    }
    groups.extend(cell_groups(def, targets, &values, &scheme.variables, lang));
    groups.retain(|g| g.ratio < 1.0 && g.population_share >= 0.01);
    groups.sort_by(|a, b| {
        a.ratio
            .total_cmp(&b.ratio)
            .then(b.population_share.total_cmp(&a.population_share))
    });
    groups.truncate(8);
    (vars, Some(weight_now(def, population, done)), groups)
}

/// Groups from the population's joint table (e.g. sex × age group): sample share among respondents with
/// all of the cell's variables known.
fn cell_groups(
    def: &Definition,
    t: &Targets,
    values: &BTreeMap<&str, Vec<Option<String>>>,
    order: &[String],
    lang: &str,
) -> Vec<Group> {
    let total: f64 = t.cells.iter().map(|c| c.count).sum();
    if total <= 0.0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for cell in &t.cells {
        let cols: Vec<(&Vec<Option<String>>, &str)> = cell
            .categories
            .iter()
            .filter_map(|(v, c)| values.get(v.as_str()).map(|col| (col, c.0.as_str())))
            .collect();
        if cols.len() != cell.categories.len() || cols.len() < 2 {
            continue;
        }
        let n_resp = cols[0].0.len();
        let known = (0..n_resp)
            .filter(|&i| cols.iter().all(|(col, _)| col[i].is_some()))
            .count();
        if known == 0 {
            continue;
        }
        let n = (0..n_resp)
            .filter(|&i| cols.iter().all(|(col, c)| col[i].as_deref() == Some(*c)))
            .count();
        let pshare = cell.count / total;
        if pshare <= 0.0 {
            continue;
        }
        let sshare = n as f64 / known as f64;
        // Described in the order of the weighting variables ("Women, 40+").
        let mut parts: Vec<(usize, String)> = cell
            .categories
            .iter()
            .map(|(v, c)| {
                (
                    order.iter().position(|o| o == v).unwrap_or(usize::MAX),
                    category_label(def, v, &c.0, lang),
                )
            })
            .collect();
        parts.sort();
        let label = parts.into_iter().map(|(_, l)| l).collect::<Vec<_>>().join(", ");
        out.push(Group {
            label,
            n: n as u64,
            sample_share: sshare,
            population_share: pshare,
            ratio: sshare / pshare,
        });
    }
    out
}

/// What weighting the complete responses now would give: through the summary's own weighting
/// ([`super::weigh_answers`], design weights included), so the monitor predicts what the results will show.
fn weight_now(def: &Definition, population: Option<&Population>, complete: &Complete) -> WeightingNow {
    let mut out = WeightingNow {
        method: def
            .weighting
            .as_ref()
            .map(|s| s.method.as_str())
            .unwrap_or_default()
            .to_owned(),
        ..Default::default()
    };
    if complete.answers.is_empty() {
        out.error = Some("no complete responses yet".into());
        return out;
    }
    let w = weigh_answers(def, population, &complete.answers, Some(&complete.design));
    match (w.diagnostics, w.failure) {
        (Some(d), _) => {
            out.deff = Some(d.deff);
            out.effective_n = Some(d.effective_n);
            out.n_excluded = Some(d.n_excluded);
            out.weight_min = Some(d.weight_min);
            out.weight_max = Some(d.weight_max);
        }
        (None, Some(f)) => out.error = Some(f.to_string()),
        (None, None) => out.error = Some("the survey has no weighting scheme".into()),
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const DEF: &str = r#"slug: mon
title: {en: "Monitor test"}
topic: test
languages: [en]
pages:
  - id: a
    questions:
      - id: sex
        type: single_choice
        text: {en: "Sex"}
        options:
          - {code: m, label: {en: "Men"}}
          - {code: f, label: {en: "Women"}}
      - id: age
        type: number
        text: {en: "Age"}
  - id: b
    questions:
      - id: q
        type: text
        text: {en: "Q"}
  - id: c
    questions:
      - id: r
        type: text
        text: {en: "R"}
derived:
  - id: age_group
    from: age
    bins:
      - {code: young, max: 39, label: {en: "under 40"}}
      - {code: old, min: 40, label: {en: "40+"}}
weighting:
  method: poststratify
  variables: [sex, age_group]
  targets:
    total: 1000
    cells:
      - {sex: m, age_group: young, count: 200}
      - {sex: m, age_group: old, count: 300}
      - {sex: f, age_group: young, count: 250}
      - {sex: f, age_group: old, count: 250}
"#;

    fn at(day: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, day)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn complete(day: u32, sex: &str, age: f64, secs: f64) -> MonitorRow {
        let answers: Answers = serde_json::from_value(json!({"sex": sex, "age": age})).unwrap();
        MonitorRow {
            state: "complete".into(),
            page_reached: 3,
            started_at: at(day, 10),
            submitted_at: Some(at(day, 11)),
            duration_seconds: Some(secs),
            answers: Some(answers),
            design: None,
        }
    }

    fn partial(day: u32, reached: i32) -> MonitorRow {
        MonitorRow {
            state: "partial".into(),
            page_reached: reached,
            started_at: at(day, 9),
            submitted_at: None,
            duration_seconds: None,
            answers: None,
            design: None,
        }
    }

    #[test]
    fn counts_days_drop_off_and_median() {
        let def = crate::definition::parse_definition(DEF, "mon.yaml").unwrap();
        let rows = vec![
            complete(1, "m", 30.0, 100.0),
            complete(1, "m", 50.0, 300.0),
            complete(3, "m", 60.0, 200.0),
            complete(3, "f", 25.0, 400.0),
            partial(1, 1),
            partial(3, 2),
            partial(3, 2),
            MonitorRow {
                state: "screened_out".into(),
                ..partial(3, 1)
            },
        ];
        let m = compute(&def, None, rows, "en");
        assert_eq!((m.started, m.complete, m.partial, m.screened_out), (8, 4, 3, 1));
        assert_eq!(m.completion_rate, Some(4.0 / 7.0));
        assert_eq!(m.median_duration_seconds, Some(250.0));
        // Day 2 has no responses and still gets a (zero) bar.
        let days: Vec<(u32, u64, u64)> = m
            .days
            .iter()
            .map(|d| (chrono::Datelike::day(&d.date), d.started, d.completed))
            .collect();
        assert_eq!(days, vec![(1, 3, 2), (2, 0, 0), (3, 5, 2)]);
        // Page 1: everyone; page 2: 4 complete + 2 partial on it (+0 screened); page 3: the 4 complete.
        let pages: Vec<(u64, u64)> = m.pages.iter().map(|p| (p.reached, p.stopped_here)).collect();
        assert_eq!(pages, vec![(8, 1), (6, 2), (4, 0)]);
    }

    #[test]
    fn representativeness_against_hand_computed_shares_and_deff() {
        let def = crate::definition::parse_definition(DEF, "mon.yaml").unwrap();
        // Cells: m·young 1, m·old 2, f·young 1, f·old 0 → post-stratification cannot weight (empty cell).
        let rows = vec![
            complete(1, "m", 30.0, 1.0),
            complete(1, "m", 50.0, 1.0),
            complete(1, "m", 60.0, 1.0),
            complete(1, "f", 25.0, 1.0),
        ];
        let m = compute(&def, None, rows.clone(), "en");
        let sex = &m.representativeness[0];
        assert_eq!(sex.variable, "sex");
        let men = &sex.categories.iter().find(|c| c.code == "m").unwrap();
        assert_eq!((men.n, men.sample_share, men.population_share), (3, Some(0.75), 0.5));
        assert!(
            m.weighting.as_ref().unwrap().error.is_some(),
            "an empty cell is reported, not hidden"
        );
        // The most under-represented group: women 40+ (0% of sample, 25% of population), then women.
        assert_eq!(m.under_represented[0].label, "Women, 40+");
        assert_eq!(m.under_represented[0].sample_share, 0.0);
        assert!((m.under_represented[0].population_share - 0.25).abs() < 1e-12);

        // Add a woman 40+: every cell has respondents. Weights w = N_c / n_c: m·young 200, m·old 150 (×2),
        // f·young 250, f·old 250 → Σw = 1000, Σw² = 200² + 2·150² + 250² + 250² = 210000, n = 5,
        // deff = 5·210000/1000² = 1.05, effective n = 5/1.05.
        let mut rows = rows;
        rows.push(complete(1, "f", 70.0, 1.0));
        let m = compute(&def, None, rows, "en");
        let w = m.weighting.unwrap();
        assert!(w.error.is_none(), "{:?}", w.error);
        assert!((w.deff.unwrap() - 1.05).abs() < 1e-9);
        assert!((w.effective_n.unwrap() - 5.0 / 1.05).abs() < 1e-9);
    }
}
