//! Speed of the full summary of a survey with many complete responses (default 1,000,000) ×
//! 30 questions, weighted by raking, with crosstabs by 3 variables, from an SQLite database into JSON.
//! Reports each stage (load / weight / estimate / serialize) and the peak memory, so the slowest stage is
//! known. A plain harness (not criterion): one run is seconds long; three runs are reported.
//!
//! `cargo bench --bench summary` (set `OPROS_BENCH_RESPONSES` for another size; `OPROS_BENCH_NO_CODES=1`
//! stores the responses without their coded form, as a database written before it existed, so the summary
//! reads the JSON answers; `OPROS_BENCH_NO_BREAKDOWNS=1` leaves out the crosstabs).
//!
//! Each run also summarises a subgroup with a two-way breakdown as the results page and the summary API do
//! for `?filter=sex:f&by=district&by2=age_group` (the same `report::summarize_timed` with the filter and
//! `by2` in its options) and prints its time against the plain summary's. `OPROS_BENCH_FILTER`,
//! `OPROS_BENCH_BY` and `OPROS_BENCH_BY2` choose another subgroup and breakdown.

use std::time::Instant;

use chrono::NaiveDateTime;
use opros::catalog::{self, DefinitionCache};
use opros::config::DatabaseUrl;
use opros::report::{self, ReportOptions, SummaryInput};
use opros::store::{ResponseRow, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const DISTRICTS: [&str; 5] = ["d1", "d2", "d3", "d4", "d5"];

fn options(codes: &[&str]) -> String {
    codes
        .iter()
        .map(|c| format!("          - {{code: {c}, label: {{ru: \"{c}\", en: \"{c}\"}}}}\n"))
        .collect()
}

/// A 30-question definition: sex, age, district + 10 single, 6 multiple, 8 scale, 3 number questions.
fn definition() -> String {
    let mut q = String::new();
    q += &format!(
        "      - id: sex\n        type: single_choice\n        text: {{ru: s, en: s}}\n        options:\n{}",
        options(&["m", "f"])
    );
    q += "      - {id: age, type: number, text: {ru: a, en: a}, min: 18, max: 99, integer: true}\n";
    q += &format!(
        "      - id: district\n        type: single_choice\n        text: {{ru: d, en: d}}\n        options:\n{}",
        options(&DISTRICTS)
    );
    for i in 0..10 {
        q += &format!(
            "      - id: s{i}\n        type: single_choice\n        text: {{ru: q, en: q}}\n        options:\n{}",
            options(&["a", "b", "c", "d"])
        );
    }
    for i in 0..6 {
        q += &format!(
            "      - id: m{i}\n        type: multiple_choice\n        text: {{ru: q, en: q}}\n        options:\n{}",
            options(&["a", "b", "c", "d", "e"])
        );
    }
    for i in 0..8 {
        q += &format!(
            "      - id: k{i}\n        type: scale\n        text: {{ru: q, en: q}}\n        points:\n{}        hard_to_say: {{code: dk, label: {{ru: dk, en: dk}}}}\n",
            options(&["1", "2", "3", "4", "5"])
        );
    }
    for i in 0..3 {
        q += &format!("      - {{id: n{i}, type: number, text: {{ru: q, en: q}}, min: 0, max: 1000}}\n");
    }
    format!("slug: bench\ntitle: {{ru: b, en: b}}\ntopic: economy\nlanguages: [ru, en]\npages:\n  - id: p1\n    questions:\n{q}{TAIL}")
}

const TAIL: &str = r#"derived:
  - {id: age_group, from: age, bins: [{code: "18-34", max: 34}, {code: "35-54", min: 35, max: 54}, {code: "55+", min: 55}]}
weighting:
  method: raking
  variables: [sex, age_group, district]
  targets:
    total: 1000000
    margins:
      sex: {m: 460000, f: 540000}
      age_group: {"18-34": 300000, "35-54": 360000, "55+": 340000}
      district: {d1: 300000, d2: 200000, d3: 200000, d4: 150000, d5: 150000}
report:
  breakdowns: [sex, age_group, district]
"#;

fn answers_json(rng: &mut StdRng) -> String {
    let pick = |rng: &mut StdRng, c: &[&str]| c[rng.random_range(0..c.len())].to_owned();
    let mut a = serde_json::Map::new();
    a.insert("sex".into(), pick(rng, &["m", "f"]).into());
    a.insert("age".into(), rng.random_range(18..90).into());
    a.insert("district".into(), pick(rng, &DISTRICTS).into());
    for i in 0..10 {
        a.insert(format!("s{i}"), pick(rng, &["a", "b", "c", "d"]).into());
    }
    for i in 0..6 {
        let chosen: Vec<String> = ["a", "b", "c", "d", "e"]
            .iter()
            .filter(|_| rng.random_bool(0.35))
            .map(|s| (*s).to_owned())
            .collect();
        if !chosen.is_empty() {
            a.insert(format!("m{i}"), chosen.into());
        }
    }
    for i in 0..8 {
        a.insert(
            format!("k{i}"),
            serde_json::json!({"scale": pick(rng, &["1", "2", "3", "4", "5", "dk"])}),
        );
    }
    for i in 0..3 {
        a.insert(format!("n{i}"), (rng.random_range(0..1000) as f64 / 4.0).into());
    }
    serde_json::Value::Object(a).to_string()
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Stores the survey and `n` generated complete responses.
fn set_up(store: &Store, n: usize, with_codes: bool) {
    let prepared = catalog::prepare_source(&definition(), "bench.yaml", None, None).expect("definition");
    let imported = catalog::store_prepared(store, &prepared).expect("store");
    let at = NaiveDateTime::parse_from_str("2026-06-01 12:00:00", "%Y-%m-%d %H:%M:%S").expect("date");
    let def = &prepared.definition;
    let t = Instant::now();
    let mut rng = StdRng::seed_from_u64(7);
    for start in (0..n).step_by(50_000) {
        let rows: Vec<(ResponseRow, Vec<String>)> = (start..(start + 50_000).min(n))
            .map(|i| {
                let row = ResponseRow {
                    id: format!("{i:032}"),
                    survey_id: imported.survey_id.clone(),
                    version: 1,
                    respondent_key: format!("k{i}"),
                    state: "complete".into(),
                    language: "ru".into(),
                    page_reached: 1,
                    answers: answers_json(&mut rng),
                    meta: "{}".into(),
                    started_at: at,
                    updated_at: at,
                    submitted_at: Some(at),
                    duration_seconds: Some(60.0),
                    codes: None,
                };
                // As the form and `responses import` store them: the coded form next to the JSON.
                let row = ResponseRow {
                    codes: if with_codes {
                        serde_json::from_str(&row.answers)
                            .ok()
                            .and_then(|a| opros::store::codes::encode(def, &a))
                    } else {
                        None
                    },
                    ..row
                };
                (row, Vec::new())
            })
            .collect();
        store.import_responses(&rows).expect("insert");
    }
    println!(
        "set-up: {n} responses × 30 questions inserted in {:.1} s ({}); {} cores",
        t.elapsed().as_secs_f64(),
        if with_codes { "with codes" } else { "JSON only" },
        std::thread::available_parallelism().map_or(1, |c| c.get())
    );
}

/// CPU time of this process so far (user + system), in seconds: on a shared machine the wall time of a
/// run also counts time other processes had the cores.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?)
        })
        .map_or(f64::NAN, |ticks| ticks / 100.0)
}

fn main() {
    let n: usize = std::env::var("OPROS_BENCH_RESPONSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let with_codes = std::env::var("OPROS_BENCH_NO_CODES").is_err();
    // OPROS_BENCH_DB=FILE keeps the database for the next run (set-up of a million responses takes a while).
    let dir = tempfile::tempdir().expect("temp dir");
    let path = std::env::var_os("OPROS_BENCH_DB").map_or_else(|| dir.path().join("bench.db"), Into::into);
    let existed = path.exists();
    let store = Store::open(&DatabaseUrl::Sqlite(path)).expect("open");
    if existed {
        println!("set-up: reusing the database given in OPROS_BENCH_DB");
    } else {
        set_up(&store, n, with_codes);
    }
    let runs: usize = std::env::var("OPROS_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);

    let plain = ReportOptions {
        // OPROS_BENCH_NO_BREAKDOWNS=1: the same without crosstabs, to see what breakdowns cost.
        by: std::env::var("OPROS_BENCH_NO_BREAKDOWNS").ok().map(|_| Vec::new()),
        ..ReportOptions::default()
    };
    let env = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let (filter, by, by2) = (
        env("OPROS_BENCH_FILTER", "sex:f"),
        env("OPROS_BENCH_BY", "district"),
        env("OPROS_BENCH_BY2", "age_group"),
    );
    // As the results page and the summary API build the options from `?filter=…&by=…&by2=…`.
    let subgroup = ReportOptions {
        by: Some(vec![by.clone()]),
        by2: Some(by2.clone()),
        filter: report::domain::parse_filter(&filter).expect("filter"),
        ..ReportOptions::default()
    };
    let mut ratios = Vec::new();
    for run in 1..=runs {
        let a = timed_summary(&store, &plain, &format!("run {run}, plain"));
        let b = timed_summary(
            &store,
            &subgroup,
            &format!("run {run}, filter {filter}, by {by} × {by2}"),
        );
        ratios.push(b / a);
        println!("run {run}: subgroup with a two-way breakdown / plain = {:.2}", b / a);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "ratio subgroup with a two-way breakdown / plain: median {:.2} (min {:.2}, max {:.2})",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );
}

/// Loads the survey and summarises it with `opts` into JSON, printing the stages; returns the total
/// wall time in seconds.
fn timed_summary(store: &Store, opts: &ReportOptions, what: &str) -> f64 {
    let cache = DefinitionCache::default();
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    let loaded = report::load(store, &cache, "bench").expect("load");
    let load = t0.elapsed();
    let (summary, times) = report::summarize_timed(
        &SummaryInput {
            definition: &loaded.version.definition,
            population: None,
            answers: &loaded.answers,
            language: "ru",
        },
        opts,
    )
    .expect("summary");
    let t1 = Instant::now();
    let json = serde_json::to_vec(&summary).expect("json");
    let serialize = t1.elapsed();
    let total = t0.elapsed();
    println!(
        "{what}: total {:.3} s = load {:.3} + weight {:.3} + estimate {:.3} + serialize {:.3} (JSON {} KB); CPU {:.2} s; peak RSS {:.0} MB",
        total.as_secs_f64(),
        load.as_secs_f64(),
        times.weight.as_secs_f64(),
        times.estimate.as_secs_f64(),
        serialize.as_secs_f64(),
        json.len() / 1024,
        cpu_seconds() - cpu0,
        peak_rss_mb()
    );
    total.as_secs_f64()
}
