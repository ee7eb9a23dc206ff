//! The fieldwork monitor (`GET /admin/surveys/{slug}/monitor`): how a survey is doing while it is open.
//!
//! - responses per day: started (by `started_at`) and completed (by `submitted_at`), as an SVG bar chart;
//! - completion rate = complete / (complete + partial) — screened-out respondents are neither;
//! - drop-off by page: for page position k, how many reached it (`page_reached ≥ k`, complete responses
//!   reached every page) and how many partial responses stopped there (`page_reached = k`);
//! - median duration of complete responses;
//! - representativeness: for every weighting variable the sample share among complete responses (missing
//!   left out) against the population share (the margin, or the population cells summed); the design effect
//!   and effective n the weighting would give now (`weighting::weight` on the current complete responses,
//!   Kish deff = n·Σw²/(Σw)²); the most under-represented groups — margin categories and, when the
//!   population has a joint table, its cells — ranked by sample share / population share.
//!
//! [`compute`] is pure; the handler loads the rows.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::admin::{blk, staff};
use super::auth::{require, staff_page};
use super::error::WebError;
use super::State;
use crate::auth::Role;
use crate::definition::{derived, Answers, Definition, DerivedRule, QuestionKind};
use crate::store::schema::responses;
use crate::weighting::{self, Population, Targets};

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

/// Median of a sample (mean of the two middle values when even); `None` when empty.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// Computes the monitor of a survey from its responses (pure).
pub fn compute(def: &Definition, population: Option<&Population>, rows: &[MonitorRow], lang: &str) -> Monitor {
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
    let answers: Vec<&Answers> = rows
        .iter()
        .filter(|r| is(r, "complete"))
        .filter_map(|r| r.answers.as_ref())
        .collect();
    let (representativeness, weighting, under_represented) = represent(def, population, &answers, lang);
    Monitor {
        started: rows.len() as u64,
        complete,
        partial,
        screened_out,
        completion_rate: (complete + partial > 0).then(|| complete as f64 / (complete + partial) as f64),
        median_duration_seconds: median(&mut durations),
        days: per_day(rows),
        pages: drop_off(def, rows),
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

/// Label of a category of a weighting variable in `lang`.
pub fn category_label(def: &Definition, var: &str, code: &str, lang: &str) -> String {
    if let Some(d) = def.derived_variable(var) {
        if let DerivedRule::Bins(bins) = &d.rule {
            if let Some(l) = bins.iter().find(|b| b.code == code).and_then(|b| b.label.as_ref()) {
                return def.text(l, lang).to_owned();
            }
        }
        return code.to_owned();
    }
    let opts: Vec<&crate::definition::AnswerOption> = match def.question(var).map(|q| &q.kind) {
        Some(QuestionKind::SingleChoice(c)) => c.options.iter().chain(c.other.iter()).collect(),
        Some(QuestionKind::Scale(s)) => s.points.iter().chain(s.hard_to_say.iter()).collect(),
        _ => Vec::new(),
    };
    opts.into_iter()
        .find(|o| o.code == code)
        .map(|o| def.text(&o.label, lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

fn variable_label(def: &Definition, var: &str, lang: &str) -> String {
    if let Some(l) = def.derived_variable(var).and_then(|d| d.label.as_ref()) {
        return def.text(l, lang).to_owned();
    }
    def.question(var)
        .map(|q| def.text(&q.text, lang).to_owned())
        .unwrap_or_else(|| var.to_owned())
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

fn represent(def: &Definition, population: Option<&Population>, answers: &[&Answers], lang: &str) -> Represent {
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
                answers.iter().map(|a| derived::category(def, v, a)).collect(),
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
    (vars, Some(weight_now(scheme, targets, &values, answers.len())), groups)
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

fn weight_now(
    scheme: &weighting::Scheme,
    targets: &Targets,
    values: &BTreeMap<&str, Vec<Option<String>>>,
    n: usize,
) -> WeightingNow {
    let mut out = WeightingNow {
        method: scheme.method.as_str().to_owned(),
        ..Default::default()
    };
    if n == 0 {
        out.error = Some("no complete responses yet".into());
        return out;
    }
    let mut sample = weighting::Sample::new(n);
    for var in &scheme.variables {
        if let Err(e) = sample.add_variable(var, values[var.as_str()].iter().map(|v| v.as_deref())) {
            out.error = Some(e.to_string());
            return out;
        }
    }
    match weighting::weight(&sample, scheme, targets) {
        Ok(w) => {
            let d = &w.diagnostics;
            out.deff = Some(d.deff);
            out.effective_n = Some(d.effective_n);
            out.n_excluded = Some(d.n_excluded);
            out.weight_min = Some(d.weight_min);
            out.weight_max = Some(d.weight_max);
        }
        Err(e) => out.error = Some(e.to_string()),
    }
    out
}

/// Bars of the per-day chart: completed per day, scaled to the busiest day.
fn chart(days: &[Day]) -> serde_json::Value {
    const W: f64 = 640.0;
    const H: f64 = 160.0;
    let shown = &days[days.len().saturating_sub(90)..];
    let max = shown
        .iter()
        .map(|d| d.started.max(d.completed))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = W / shown.len().max(1) as f64;
    let bars: Vec<_> = shown
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let hs = d.started as f64 / max * H;
            let hc = d.completed as f64 / max * H;
            json!({
                "x": format!("{:.1}", i as f64 * slot + slot * 0.1),
                "w": format!("{:.1}", (slot * 0.8).max(1.0)),
                "ys": format!("{:.1}", H - hs), "hs": format!("{:.1}", hs),
                "yc": format!("{:.1}", H - hc), "hc": format!("{:.1}", hc),
                "title": format!("{}: {} started, {} completed", d.date, d.started, d.completed),
            })
        })
        .collect();
    json!({"width": W, "height": H, "bars": bars, "max": max, "first": shown.first().map(|d| d.date.to_string()), "last": shown.last().map(|d| d.date.to_string())})
}

fn load_rows(state: &State, survey_id: &str) -> Result<Vec<MonitorRow>, WebError> {
    type Raw = (String, i32, NaiveDateTime, Option<NaiveDateTime>, Option<f64>, String);
    let raw: Vec<Raw> = responses::table
        .filter(responses::survey_id.eq(survey_id))
        .select((
            responses::state,
            responses::page_reached,
            responses::started_at,
            responses::submitted_at,
            responses::duration_seconds,
            responses::answers,
        ))
        .load(&mut *state.store.reader()?)
        .map_err(|e| WebError::from(crate::store::StoreError::Query(e)))?;
    Ok(raw
        .into_iter()
        .map(
            |(state, page_reached, started_at, submitted_at, duration_seconds, answers)| MonitorRow {
                answers: (state == "complete").then(|| serde_json::from_str(&answers).unwrap_or_default()),
                state,
                page_reached,
                started_at,
                submitted_at,
                duration_seconds,
            },
        )
        .collect())
}

/// `GET /admin/surveys/{slug}/monitor`.
pub async fn monitor(
    req: HttpRequest,
    state: State,
    slug: actix_web::web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let slug = slug.into_inner();
    let st = state.clone();
    let (title, status, m, lang) = blk(move || {
        super::admin::auto_close(&st);
        let (survey, v) = st.definitions.current(&st.store, &slug)?;
        let rows = load_rows(&st, &survey.id)?;
        let lang = v.definition.default_language().to_owned();
        let m = compute(&v.definition, v.population.as_ref(), &rows, &lang);
        Ok((
            v.definition.title.get(&lang).to_owned(),
            (survey.slug, survey.status),
            m,
            lang,
        ))
    })
    .await?;
    let max_reached = m.pages.iter().map(|p| p.reached).max().unwrap_or(0).max(1) as f64;
    let pages: Vec<_> = m
        .pages
        .iter()
        .map(|p| json!({"p": p, "bar": format!("{:.1}", p.reached as f64 / max_reached * 200.0)}))
        .collect();
    Ok(staff_page(
        StatusCode::OK,
        "admin_monitor",
        &json!({
            "title": format!("Fieldwork: {title}"),
            "survey_title": title,
            "slug": status.0,
            "status": status.1,
            "lang_data": lang,
            "m": m,
            "pages": pages,
            "chart": chart(&m.days),
            "median_minutes": m.median_duration_seconds.map(|s| format!("{}:{:02}", (s / 60.0).floor() as i64, (s % 60.0).round() as i64)),
        }),
        Some(&s),
    ))
}

#[cfg(test)]
mod tests {
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
        let m = compute(&def, None, &rows, "en");
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
        let m = compute(&def, None, &rows, "en");
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
        let m = compute(&def, None, &rows, "en");
        let w = m.weighting.unwrap();
        assert!(w.error.is_none(), "{:?}", w.error);
        assert!((w.deff.unwrap() - 1.05).abs() < 1e-9);
        assert!((w.effective_n.unwrap() - 5.0 / 1.05).abs() < 1e-9);
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }
}
