//! The coded reading of responses gives exactly the summary of their JSON answers: generated responses of
//! two definition versions (questions that change type, options added, removed and reordered, a question
//! dropped and one added, derived variables over both), some coded and some read from JSON, summarized
//! under either version; the JSON of both summaries must be identical.

use std::sync::Arc;

use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::catalog::LoadedVersion;
use crate::definition::{parse_definition, Answers, Definition};
use crate::question::draw::Draw;
use crate::stats::CiMethod;
use crate::store::codes;

use super::{summarize, ReportOptions, Responses, SummaryInput};

fn options(codes: &[&str]) -> String {
    let items: Vec<String> = codes
        .iter()
        .map(|c| format!("{{code: \"{c}\", label: {{en: \"{c}\"}}}}"))
        .collect();
    format!("[{}]", items.join(", "))
}

fn question(id: &str, kind: &str, rest: &str) -> String {
    format!("      - {{id: {id}, type: {kind}, text: {{en: \"{id}\"}}{rest}}}\n")
}

fn choice(id: &str, kind: &str, codes: &[&str], other: bool) -> String {
    let other = if other {
        ", other: {code: oth, label: {en: other}}"
    } else {
        ""
    };
    question(id, kind, &format!(", options: {}{other}", options(codes)))
}

fn scale(id: &str, points: &[&str], dk: bool) -> String {
    let dk = if dk {
        ", hard_to_say: {code: dk, label: {en: dk}}"
    } else {
        ""
    };
    question(id, "scale", &format!(", points: {}{dk}", options(points)))
}

const TAIL: &str = r#"derived:
  - {id: age_group, from: age, bins: [{code: young, max: 34.5}, {code: middle, min: 35, max: 59}, {code: old, min: 60}]}
  - {id: region_group, from: region, groups: {centre: [r1, r2], edge: [r3, oth]}}
  - {id: macro, from: region_group, groups: {all_centre: [centre], all_edge: [edge]}}
  - {id: inc_group, from: income, bins: [{code: low, max: 2}, {code: high, min: 2.5}]}
weighting:
  method: raking
  variables: [sex, age_group]
  targets:
    margins:
      sex: {m: 450, f: 550}
      age_group: {young: 300, middle: 400, old: 300}
report:
  breakdowns: [sex, age_group, macro]
  min_cell: 3
"#;

/// Version 1: the older questionnaire.
fn v1() -> String {
    let mut q = String::new();
    q += &choice("sex", "single_choice", &["m", "f"], false);
    q += &question("age", "number", "");
    q += &choice("region", "single_choice", &["r1", "r2", "r3", "r4"], true);
    q += &scale("sat", &["1", "2", "3", "4", "5"], true);
    q += &choice("modes", "multiple_choice", &["bus", "tram", "metro", "car"], true);
    q += &question(
        "grid",
        "matrix",
        &format!(
            ", rows: {}, points: {}, hard_to_say: {{code: dk, label: {{en: dk}}}}",
            options(&["a", "b", "c"]),
            options(&["1", "2", "3", "4"])
        ),
    );
    q += &choice("rank", "ranking", &["x", "y", "z"], false);
    q += &question("note", "text", "");
    q += &question("when", "date", "");
    q += &question("info1", "info", "");
    q += &choice("old_single", "single_choice", &["a", "b"], false);
    q += &choice("changes", "single_choice", &["1", "2", "3"], false);
    q += &question("becomes_text", "number", "");
    q += &scale("income", &["1", "2", "3"], true);
    q += &choice("multi_to_single", "multiple_choice", &["a", "b"], false);
    q += &question(
        "budget",
        "constant_sum",
        &format!(", total: 10, options: {}", options(&["a", "b", "c"])),
    );
    format!("slug: eq\ntitle: {{en: Eq}}\ntopic: x\nlanguages: [en]\npages:\n  - id: p1\n    questions:\n{q}{TAIL}")
}

/// Version 2: the current questionnaire.
fn v2() -> String {
    let mut q = String::new();
    q += &choice("sex", "single_choice", &["f", "m"], false);
    q += &question("age", "number", "");
    q += &choice("region", "single_choice", &["r2", "r1", "r3", "r5"], true);
    q += &scale("sat", &["5", "4", "3", "2", "1"], true);
    q += &choice("modes", "multiple_choice", &["tram", "bus", "bike"], true);
    q += &question(
        "grid",
        "matrix",
        &format!(
            ", rows: {}, points: {}, hard_to_say: {{code: dk, label: {{en: dk}}}}",
            options(&["b", "c", "d"]),
            options(&["1", "2", "3", "4", "5"])
        ),
    );
    q += &choice("rank", "ranking", &["z", "y", "w"], false);
    q += &choice("note", "single_choice", &["t"], false);
    q += &question("when", "number", "");
    q += &question("info1", "info", "");
    q += &scale("changes", &["1", "2", "3", "4"], false);
    q += &question("becomes_text", "text", "");
    q += &question("income", "number", "");
    q += &choice("multi_to_single", "single_choice", &["a", "b"], false);
    q += &choice("new_q", "single_choice", &["y", "n"], false);
    q += &question(
        "budget",
        "constant_sum",
        &format!(", total: 10, options: {}", options(&["c", "b", "d"])),
    );
    format!("slug: eq\ntitle: {{en: Eq}}\ntopic: x\nlanguages: [en]\npages:\n  - id: p1\n    questions:\n{q}{TAIL}")
}

fn loaded(version: i32, source: &str) -> Arc<LoadedVersion> {
    Arc::new(LoadedVersion {
        version,
        definition: parse_definition(source, "eq.yaml").expect("definition"),
        population: None,
    })
}

/// Random answers to `def`: some questions skipped, now and then a code of no version (such responses
/// have no codes and are read from JSON).
fn answers(def: &Definition, rng: &mut StdRng, junk: f64) -> Answers {
    let mut a = Answers::new();
    for (_, q) in def.questions() {
        if rng.random_bool(0.15) {
            continue;
        }
        let mut draw = Draw {
            rng: &mut *rng,
            junk,
            // Not for `sex`, a weighting variable: a category without a target stops weighting.
            junk_codes: q.id != "sex",
        };
        if let Some(answer) = q.kind.as_type().random_answer(&mut draw) {
            a.insert(q.id.clone(), answer);
        }
    }
    a
}

/// The answers as stored and read back (the JSON is the source of truth).
fn stored(a: &Answers) -> Answers {
    serde_json::from_str(&serde_json::to_string(a).expect("json")).expect("read back")
}

/// `n1` and `n2` responses of versions 1 and 2 in random order, each coded (when it fits its version)
/// unless drawn for JSON; and the same answers as read from JSON.
fn generate(
    seed: u64,
    n1: usize,
    n2: usize,
    json_share: f64,
    junk: f64,
) -> (Vec<Arc<LoadedVersion>>, Responses, Vec<Answers>) {
    let versions = vec![loaded(1, &v1()), loaded(2, &v2())];
    let mut rng = StdRng::seed_from_u64(seed);
    let mut left = [n1, n2];
    let mut responses = Responses::default();
    let mut reference = Vec::new();
    while left[0] + left[1] > 0 {
        let v = if rng.random_range(0..left[0] + left[1]) < left[0] {
            0
        } else {
            1
        };
        left[v] -= 1;
        let a = answers(&versions[v].definition, &mut rng, junk);
        let json = stored(&a);
        // Codes from the typed answers, as the form and `responses import` write them.
        match codes::encode(&versions[v].definition, &a).filter(|_| !rng.random_bool(json_share)) {
            Some(c) => responses.push_coded(&versions[v], &c),
            None => responses.push_json(json.clone()),
        }
        reference.push(json);
    }
    (versions, responses, reference)
}

fn option_sets() -> Vec<ReportOptions> {
    vec![
        ReportOptions::default(),
        ReportOptions {
            by: Some(vec![
                "region".into(),
                "inc_group".into(),
                "changes".into(),
                "region_group".into(),
                "note".into(),
            ]),
            method: CiMethod::Beta,
            all_questions: true,
            ..ReportOptions::default()
        },
        ReportOptions {
            weighted: false,
            by: Some(Vec::new()),
            method: CiMethod::Wilson,
            ..ReportOptions::default()
        },
    ]
}

fn assert_same_summaries(versions: &[Arc<LoadedVersion>], responses: &Responses, reference: &[Answers]) {
    for current in versions {
        let def = &current.definition;
        for opts in option_sets() {
            let by = opts.by.clone();
            let run = |coded: bool| {
                let s = if coded {
                    summarize(
                        &SummaryInput {
                            definition: def,
                            population: None,
                            answers: responses,
                            language: "en",
                        },
                        &opts,
                    )
                } else {
                    summarize(
                        &SummaryInput {
                            definition: def,
                            population: None,
                            answers: reference,
                            language: "en",
                        },
                        &opts,
                    )
                };
                // A breakdown that is no variable of this version is an error either way.
                s.map(|s| serde_json::to_string_pretty(&s).expect("json"))
                    .map_err(|e| e.to_string())
            };
            let (coded, json) = (run(true), run(false));
            assert_eq!(coded, json, "version {} as current, breakdowns {by:?}", current.version);
        }
    }
}

#[test]
fn coded_and_json_readings_give_the_same_summary() {
    let (versions, responses, reference) = generate(1, 250, 350, 0.2, 0.01);
    assert_same_summaries(&versions, &responses, &reference);
    // The generated data exercise what they should: weighting ran (with respondents excluded for a
    // missing age), and some responses of each kind of storage exist.
    let s = summarize(
        &SummaryInput {
            definition: &versions[1].definition,
            population: None,
            answers: &responses,
            language: "en",
        },
        &ReportOptions::default(),
    )
    .expect("summary");
    assert!(s.weighted, "{:?}", s.weighting_error);
    assert!(s.n_analysed < s.n && s.n_analysed > s.n / 2);
}

#[test]
fn empty_and_single_responses_agree() {
    for (n1, n2) in [(0, 0), (1, 0), (0, 1)] {
        let (versions, responses, reference) = generate(5, n1, n2, 0.0, 0.0);
        assert_same_summaries(&versions, &responses, &reference);
    }
}

#[test]
fn responses_of_one_version_all_coded_agree() {
    // The usual case, read straight through the version's rows.
    let (versions, responses, reference) = generate(9, 0, 400, 0.0, 0.0);
    assert!(responses.json.is_empty() && responses.versions.len() == 1);
    assert_same_summaries(&versions, &responses, &reference);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn coded_reading_matches_json_reading(seed in any::<u64>(), n1 in 0usize..120, n2 in 0usize..160, json in 0.0f64..1.0) {
        let (versions, responses, reference) = generate(seed, n1, n2, json, 0.01);
        assert_same_summaries(&versions, &responses, &reference);
    }
}
