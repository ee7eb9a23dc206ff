//! Indices (composite scores of several items) on a stratified, weighted sample entered with
//! `responses import` and summarized by `opros report --json`, against R (`tests/reference/indices/
//! make_reference.R`): the index's mean and SE (R `survey::svymean` of the computed score on the design,
//! overall and by sex) to 1e-9 / 1e-6 relative, and Cronbach's α (R `psych::alpha`, raw and standardized) to
//! 1e-9. Also: a filtered summary is the domain estimate, and bad `indices:` get located messages.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::common::{backend_tests, run_opros as opros, Backend, TestDb};
use opros::definition::parse_definition;
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/indices")
}

fn expected() -> HashMap<(String, String), f64> {
    let mut rdr = csv::Reader::from_path(dir().join("expected.csv")).expect("expected.csv");
    rdr.records()
        .map(|r| {
            let r = r.expect("row");
            (
                (r[0].to_owned(), r[1].to_owned()),
                r[2].trim().parse::<f64>().expect("number"),
            )
        })
        .collect()
}

fn close(what: &str, got: Option<f64>, want: f64, rel: f64) {
    let got = got.unwrap_or_else(|| panic!("{what}: missing from the summary"));
    assert!(
        (got - want).abs() <= rel * want.abs(),
        "{what}: got {got}, R says {want}"
    );
}

fn question<'a>(s: &'a Value, id: &str) -> &'a Value {
    s["questions"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["id"] == id))
        .unwrap_or_else(|| panic!("question {id} in {s}"))
}

fn report(db: &TestDb, extra: &[&str]) -> Value {
    let mut args = vec!["report", "indices-reference", "--json"];
    args.extend_from_slice(extra);
    let (ok, out, err) = opros(db, &args);
    assert!(ok, "{err}");
    serde_json::from_str(&out).expect("summary JSON")
}

fn indices_match_r(backend: Backend) {
    let db = TestDb::new(&backend);
    let yaml = dir().join("survey.yaml");
    let (ok, _, err) = opros(&db, &["survey", "import", yaml.to_str().unwrap()]);
    assert!(ok, "{err}");
    let data = dir().join("survey.csv");
    let (ok, out, err) = opros(
        &db,
        &["responses", "import", "indices-reference", data.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    assert!(out.contains("300 responses imported"), "{out}");
    let exp = expected();
    let get = |what: &str, key: &str| exp[&(what.to_owned(), key.to_owned())];
    let s = report(&db, &[]);
    assert!(s["design_error"].is_null(), "{}", s["design_error"]);
    assert_eq!(s["design"]["strata"], 3);
    for id in ["trust", "load"] {
        let q = question(&s, id);
        assert_eq!(q["type"], "index");
        assert_eq!(q["base_n"].as_f64(), Some(get("n", id)), "{id} base");
        close(&format!("{id} mean"), q["mean"].as_f64(), get("mean", id), 1e-9);
        close(&format!("{id} se"), q["se"].as_f64(), get("se", id), 1e-6);
        let cats = q["breakdowns"][0]["categories"].as_array().expect("categories");
        for sex in ["m", "f"] {
            let c = cats.iter().find(|c| c["code"] == sex).expect("category");
            let key = format!("{id} {sex}");
            close(&format!("{key} mean"), c["mean"].as_f64(), get("by_mean", &key), 1e-9);
            close(&format!("{key} se"), c["se"].as_f64(), get("by_se", &key), 1e-6);
        }
        let ix = &q["index"];
        close(&format!("{id} alpha"), ix["alpha"].as_f64(), get("alpha_raw", id), 1e-9);
        close(
            &format!("{id} std alpha"),
            ix["alpha_standardized"].as_f64(),
            get("alpha_std", id),
            1e-9,
        );
        assert_eq!(ix["alpha_n"].as_f64(), Some(get("alpha_n", id)));
    }
    let trust = question(&s, "trust");
    assert_eq!(trust["track"], "clinic-trust");
    assert_eq!(trust["index"]["method"], "mean");
    assert_eq!(trust["index"]["min_answered"], 3);
    assert_eq!(trust["index"]["items"][3]["reversed"], true);
    assert_eq!(question(&s, "load")["index"]["method"], "sum");

    // A filtered summary estimates the subgroup as a domain of the whole design: the same as its category
    // in the breakdown by sex.
    let f = report(&db, &["--filter", "sex:f"]);
    close(
        "trust f filtered",
        question(&f, "trust")["mean"].as_f64(),
        get("by_mean", "trust f"),
        1e-9,
    );
    close(
        "trust f filtered se",
        question(&f, "trust")["se"].as_f64(),
        get("by_se", "trust f"),
        1e-6,
    );

    let (ok, text, err) = opros(&db, &["report", "indices-reference", "--lang", "en"]);
    assert!(ok, "{err}");
    assert!(text.contains("Trust index"), "{text}");
    assert!(text.contains("Cronbach"), "{text}");
}
backend_tests!(indices_match_r);

fn problems(indices: &str) -> String {
    let source = std::fs::read_to_string(dir().join("survey.yaml")).expect("survey.yaml");
    let head = source.split("indices:").next().expect("head");
    let yaml = format!("{head}indices:\n{indices}report: {{breakdowns: [sex], min_cell: 1}}\n");
    match parse_definition(&yaml, "bad.yaml") {
        Ok(_) => panic!("accepted:\n{indices}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_indices_are_refused_with_file_line_and_reason() {
    // The line of the index's `id:`, the line after `indices:`.
    let source = std::fs::read_to_string(dir().join("survey.yaml")).expect("survey.yaml");
    let id_line = source.split("indices:").next().expect("head").lines().count() + 2;
    let e = problems("  - id: bad\n    label: {ru: \"Плохой\", en: \"Bad\"}\n    items: [s1, nope]\n");
    assert!(
        e.contains("index 'bad': item 'nope' is not a question; valid items: s1, s2, s3, s4, hours"),
        "{e}"
    );
    assert!(e.contains(&format!("bad.yaml:{id_line}")), "{e}");
    let e = problems("  - id: bad\n    label: {ru: \"Плохой\", en: \"Bad\"}\n    items: [s1, sex]\n");
    assert!(
        e.contains("item 'sex' is a single_choice question; an index item is a scale, a number"),
        "{e}"
    );
    let e =
        problems("  - id: bad\n    label: {ru: \"Плохой\", en: \"Bad\"}\n    items: [s1, s2]\n    min_answered: 3\n");
    assert!(e.contains("min_answered is 3 but the index has 2 items"), "{e}");
    let e = problems("  - id: bad\n    label: {ru: \"Плохой\", en: \"Bad\"}\n    items: [s1, s2]\n    reverse: [s3]\n");
    assert!(e.contains("reverse-coded 's3' is not one of its items"), "{e}");
    let e = problems("  - id: s1\n    label: {ru: \"Плохой\", en: \"Bad\"}\n    items: [s2, s3]\n");
    assert!(e.contains("the id is already used"), "{e}");
    let e = problems("  - id: bad\n    label: {ru: \"Плохой\", en: \"Bad\"}\n    items: [s1]\n    method: median\n");
    assert!(e.contains("index 'bad'") && e.contains("median"), "{e}");
    let e = problems("  - id: bad\n    label: {ru: \"Плохой\", en: \"Bad\"}\n    items: []\n");
    assert!(e.contains("items is empty"), "{e}");
    let e = problems("  - id: bad\n    label: {ru: \"Плохой\", en: \"Bad\"}\n    items: [s1, s1]\n");
    assert!(e.contains("item 's1' is listed twice"), "{e}");
    let e = problems("  - id: bad\n    label: {en: \"Bad\"}\n    items: [s1, s2]\n");
    assert!(e.contains("the label has no text in the default language 'ru'"), "{e}");
}

/// An index's α that cannot be computed says why (one item, too few complete cases, no variance), never a
/// number; a standardized α needs every item to vary; α from fewer respondents than `min_cell` is withheld.
#[test]
fn alpha_of_degenerate_indices_is_not_computable_with_its_reason() {
    use opros::definition::{Answer, Answers};
    use opros::report::{summarize, ReportOptions, SummaryInput};
    let scale = |id: &str| {
        format!(
            "      - id: {id}\n        type: scale\n        text: {{en: \"{id}\"}}\n        points:\n{}",
            (1..=5)
                .map(|k| format!("          - {{code: {k}, label: {{en: \"{k}\"}}}}\n"))
                .collect::<String>()
        )
    };
    let yaml = format!(
        "slug: degenerate\ntitle: {{en: D}}\ntopic: health\nlanguages: [en]\npages:\n  - id: p\n    questions:\n{}{}{}\
         indices:\n  - {{id: one, label: {{en: One}}, items: [a]}}\n  - {{id: flat, label: {{en: Flat}}, items: [a, b]}}\n  \
         - {{id: few, label: {{en: Few}}, items: [a, c], min_answered: 1}}\nreport: {{min_cell: 1}}\n",
        scale("a"),
        scale("b"),
        scale("c")
    );
    let def = parse_definition(&yaml, "degenerate.yaml").expect("definition");
    let data: Vec<Answers> = (0..6)
        .map(|i| {
            let mut a = Answers::new();
            a.insert("a".into(), Answer::Scale(((i % 5) + 1).to_string()));
            a.insert("b".into(), Answer::Scale("3".into()));
            if i == 0 {
                a.insert("c".into(), Answer::Scale("2".into()));
            }
            a
        })
        .collect();
    let input = SummaryInput {
        definition: &def,
        population: None,
        answers: &data[..],
        language: "en",
    };
    let opts = ReportOptions {
        all_questions: true,
        ..ReportOptions::default()
    };
    let s = serde_json::to_value(summarize(&input, &opts).expect("summary")).expect("JSON");
    let one = &question(&s, "one")["index"];
    assert_eq!(one["alpha"], Value::Null);
    assert_eq!(one["alpha_not_computable"], "one_item");
    // a = 1, 2, 3, 4, 5, 1: the index itself is still summarized.
    let mean = question(&s, "one")["mean"].as_f64().expect("mean");
    assert!((mean - 16.0 / 6.0).abs() < 1e-12, "{mean}");
    let flat = &question(&s, "flat")["index"];
    assert_eq!(
        flat["alpha"].as_f64(),
        Some(0.0),
        "raw α with a constant item, as psych::alpha"
    );
    assert_eq!(flat["alpha_standardized"], Value::Null);
    assert_eq!(flat["alpha_standardized_not_computable"], "zero_variance");
    let few = &question(&s, "few")["index"];
    assert_eq!(few["alpha_not_computable"], "too_few_cases");
    assert_eq!(few["alpha_n"].as_u64(), Some(1));
    assert_eq!(
        question(&s, "few")["base_n"].as_u64(),
        Some(6),
        "one answered item is enough here"
    );

    // Every respondent gives the same answers: no variance at all.
    let same: Vec<Answers> = data
        .iter()
        .map(|a| {
            let mut a = a.clone();
            a.insert("a".into(), Answer::Scale("4".into()));
            a
        })
        .collect();
    let input = SummaryInput {
        answers: &same[..],
        ..input
    };
    let s = serde_json::to_value(summarize(&input, &opts).expect("summary")).expect("JSON");
    assert_eq!(question(&s, "flat")["index"]["alpha_not_computable"], "zero_variance");

    // Fewer complete respondents than min_cell: α and its count are withheld.
    let strict = parse_definition(&yaml.replace("min_cell: 1", "min_cell: 10"), "strict.yaml").expect("definition");
    let input = SummaryInput {
        definition: &strict,
        answers: &data[..],
        ..input
    };
    let s = serde_json::to_value(summarize(&input, &opts).expect("summary")).expect("JSON");
    let flat = &question(&s, "flat")["index"];
    assert_eq!(flat["alpha_suppressed"], true);
    assert_eq!(flat["alpha"], Value::Null);
    assert_eq!(flat["alpha_n"], Value::Null);
}

/// The R values of make_clustered.R: (case, what, key) → value.
fn expected_clustered() -> HashMap<(String, String, String), f64> {
    let mut rdr = csv::Reader::from_path(dir().join("expected_clustered.csv")).expect("expected_clustered.csv");
    rdr.records()
        .map(|r| {
            let r = r.expect("row");
            (
                (r[0].to_owned(), r[1].to_owned(), r[2].to_owned()),
                r[3].trim().parse::<f64>().expect("number"),
            )
        })
        .collect()
}

/// Indices and a balance of opinions on R's cluster sample `apiclus1` (one stage, fpc) and on the same sample
/// raked to the school-type totals: mean and SE of each index and the balance of a five-point band of api00
/// (as the mean of +1/−1/0), overall and by school type, to 1e-9 / 1e-6 relative of R `svymean` and `svyby`
/// (after `calibrate(…, calfun = "raking")` for the raked case), and α as `psych::alpha`; the balance also on
/// the stratified sample of `indices_match_r`.
/// Every R row is compared.
fn indices_on_clustered_and_calibrated_designs_match_r(backend: Backend) {
    let exp = expected_clustered();
    let mut used = 0;
    // (case, definition, data, slug, responses, the scale whose balance is `bal`)
    let cases = [
        (
            "clus1",
            "clus1.yaml",
            "apiclus1_band.csv",
            "indices-clus1",
            183,
            "api_band",
        ),
        (
            "clus1_raked",
            "clus1_raked.yaml",
            "apiclus1_band.csv",
            "indices-clus1-raked",
            183,
            "api_band",
        ),
        ("strat", "survey.yaml", "survey.csv", "indices-reference", 300, "s1"),
    ];
    for (case, yaml, data, slug, n, scale) in cases {
        let db = TestDb::new(&backend);
        let yaml = dir().join(yaml);
        let (ok, _, err) = opros(&db, &["survey", "import", yaml.to_str().unwrap()]);
        assert!(ok, "{err}");
        let data = dir().join(data);
        let (ok, out, err) = opros(&db, &["responses", "import", slug, data.to_str().unwrap()]);
        assert!(ok, "{err}");
        assert!(out.contains(&format!("{n} responses imported")), "{out}");
        let (ok, out, err) = opros(&db, &["report", slug, "--json"]);
        assert!(ok, "{err}");
        let s: Value = serde_json::from_str(&out).expect("summary JSON");
        assert!(s["design_error"].is_null(), "{}", s["design_error"]);
        if case != "strat" {
            assert_eq!(s["design"]["psus"], 15);
            assert_eq!(s["weighting"].is_null(), case == "clus1", "{case}: {}", s["weighting"]);
        }
        for ((c, what, key), want) in exp.iter().filter(|((c, _, _), _)| c == case) {
            let (id, category) = key.split_once(' ').map_or((key.as_str(), None), |(a, b)| (a, Some(b)));
            // `bal` is the balance of opinions of the case's scale; the others are indices.
            let q = match id {
                "bal" => &question(&s, scale)["balance"],
                _ => question(&s, id),
            };
            let figures = match category {
                None => q,
                Some(code) => q["breakdowns"][0]["categories"]
                    .as_array()
                    .and_then(|cs| cs.iter().find(|x| x["code"] == code))
                    .unwrap_or_else(|| panic!("{c}: category {code} of {id}")),
            };
            let (field, rel) = match what.as_str() {
                "mean" | "by_mean" => ("mean", 1e-9),
                "se" | "by_se" => ("se", 1e-6),
                other => panic!("unknown reference figure {other}"),
            };
            close(&format!("{c} {what} {key}"), figures[field].as_f64(), *want, rel);
            used += 1;
        }
        if case == "strat" {
            continue;
        }
        for id in ["size_mean", "size_sum"] {
            let ix = &question(&s, id)["index"];
            let raw = exp[&("both".to_owned(), "alpha_raw".to_owned(), "size".to_owned())];
            let std = exp[&("both".to_owned(), "alpha_std".to_owned(), "size".to_owned())];
            close(&format!("{case} {id} alpha"), ix["alpha"].as_f64(), raw, 1e-9);
            close(
                &format!("{case} {id} std alpha"),
                ix["alpha_standardized"].as_f64(),
                std,
                1e-9,
            );
        }
        used += 2;
    }
    assert_eq!(used, exp.len() + 2, "every R row is compared");
}
backend_tests!(indices_on_clustered_and_calibrated_designs_match_r);
