//! `?by=channel` on the summary API and the results page, on SQLite and PostgreSQL: responses submitted
//! through survey links with different `?src=` codes are broken down by the channel they came from, with
//! the counts and shares made by hand, suppression of a small channel, and a single category (no test)
//! for a survey whose responses all came without a code.

use opros::catalog::DefinitionCache;
use opros::report::{self, ReportOptions, SummaryInput};
use opros::store::Store;
use serde_json::Value;

use crate::common::{backend_tests, client, test_config, Backend, TestDb, TestServer};
use crate::forms_support::{import_open, Respondent};

fn definition(slug: &str) -> String {
    format!(
        r#"slug: {slug}
title: {{en: "Channels", ru: "Каналы"}}
topic: test
languages: [en, ru]
report: {{min_cell: 2}}
pages:
  - id: a
    questions:
      - id: likes
        type: single_choice
        required: true
        text: {{en: "Do you like it?", ru: "Нравится?"}}
        options:
          - {{code: y, label: {{en: "Yes", ru: "Да"}}}}
          - {{code: n, label: {{en: "No", ru: "Нет"}}}}
"#
    )
}

/// Completes the survey through a link ending in `query`, answering `likes`.
fn respond(server: &TestServer, slug: &str, query: &str, likes: &str) {
    let mut r = Respondent::new(server, slug);
    assert_eq!(r.open(query), 200, "{query}");
    assert_eq!(r.send(&[("likes", likes)]), 200, "{query}: {}", r.html);
}

fn summary(server: &TestServer, path: &str) -> Value {
    let r = client().get(server.url(path)).send().expect("GET");
    assert_eq!(r.status().as_u16(), 200, "{path}");
    r.json().expect("summary JSON")
}

fn by_channel(s: &Value) -> &Value {
    by_channel_of(s).unwrap_or_else(|| panic!("likes by channel: {s}"))
}

/// `(n of y, n of n, share of y)` of a category.
fn counts(cat: &Value) -> (u64, u64, f64) {
    let opt = |code: &str| {
        cat["options"]
            .as_array()
            .and_then(|o| o.iter().find(|o| o["code"] == code))
            .unwrap_or_else(|| panic!("option {code}: {cat}"))
            .clone()
    };
    let (y, n) = (opt("y"), opt("n"));
    (
        y["n"].as_u64().expect("n"),
        n["n"].as_u64().expect("n"),
        y["share"].as_f64().expect("share"),
    )
}

fn breakdown_by_channel(b: Backend) {
    let db = TestDb::new(&b);
    let server = TestServer::start(test_config(&db));
    let store = import_open(&db, &definition("qch"));
    store.set_results_published("qch", true).unwrap();
    // vk: y y n; telegram: y n n n; no code and an invalid code (both "other"): y n; gosuslugi: y.
    for (query, likes) in [
        ("?src=vk", "y"),
        ("?src=telegram", "n"),
        ("?src=vk", "y"),
        ("", "y"),
        ("?src=telegram", "y"),
        ("?src=gosuslugi", "y"),
        ("?src=vk", "n"),
        ("?src=bad.code", "n"),
        ("?src=telegram", "n"),
        ("?src=telegram", "n"),
    ] {
        respond(&server, "qch", query, likes);
    }
    // The store reads the channel next to the answers (the reading of responses without codes).
    let sid = store.find_survey("qch").unwrap().id;
    let mut seen: Vec<Option<String>> = store
        .complete_answers_with_channel(&sid)
        .unwrap()
        .into_iter()
        .map(|(_, _, c)| c)
        .collect();
    seen.sort();
    let want: Vec<Option<String>> = [
        "gosuslugi",
        "other",
        "other",
        "telegram",
        "telegram",
        "telegram",
        "telegram",
    ]
    .into_iter()
    .chain(["vk"; 3])
    .map(|c| Some(c.to_owned()))
    .collect();
    assert_eq!(seen, want);
    assert_channel_read_only_when_asked(&store);

    let s = summary(&server, "/api/v1/surveys/qch/summary?lang=en&by=channel");
    assert_eq!(s["n"].as_u64(), Some(10));
    let var = s["breakdowns"]
        .as_array()
        .and_then(|b| b.iter().find(|v| v["id"] == "channel"))
        .unwrap_or_else(|| panic!("breakdown variable: {s}"));
    assert_eq!(var["label"], "Channel (link source)");
    let b = by_channel(&s);
    let cats = b["categories"].as_array().expect("categories");
    let codes: Vec<&str> = cats.iter().filter_map(|c| c["code"].as_str()).collect();
    assert_eq!(codes, ["gosuslugi", "telegram", "vk", "other"]);
    let cat = |code: &str| cats.iter().find(|c| c["code"] == code).expect("category");
    // A single response from gosuslugi is below min_cell 2 and says so.
    assert_eq!(cat("gosuslugi")["suppressed"], true);
    assert_eq!(cat("gosuslugi")["suppressed_reason"], "min_cell");
    assert!(
        !b.to_string().contains("\"share\":1.0"),
        "the suppressed share must not leak: {b}"
    );
    // Hand counts (unweighted): telegram 1 y of 4, vk 2 y of 3.
    assert_eq!(cat("telegram")["base_n"].as_u64(), Some(4));
    let (y, n, share) = counts(cat("telegram"));
    assert_eq!((y, n), (1, 3));
    assert!((share - 0.25).abs() < 1e-12, "{share}");
    assert_eq!(cat("vk")["base_n"].as_u64(), Some(3));
    let (y, n, share) = counts(cat("vk"));
    assert_eq!((y, n), (2, 1));
    assert!((share - 2.0 / 3.0).abs() < 1e-12, "{share}");
    // "other" (2 responses) is a category like any other: the next-smallest after the suppressed
    // gosuslugi, so hidden too (the gosuslugi figures could otherwise be recovered from the total).
    assert_eq!(cat("other")["suppressed"], true);
    assert_eq!(cat("other")["suppressed_reason"], "complementary");
    // Several channels: a Rao–Scott test with a finite statistic, or a reason.
    match b["test"].as_object() {
        Some(t) => {
            let p = t["p_value"].as_f64().expect("p");
            assert!((0.0..=1.0).contains(&p), "{t:?}");
        }
        None => assert!(b["not_testable"].is_string(), "{b}"),
    }
    // Crossed with a question and on the results page, in both languages.
    let crossed = summary(&server, "/api/v1/surveys/qch/summary?lang=en&by=likes&by2=channel");
    assert!(
        crossed["breakdowns"][0]["id"] == "likes*channel",
        "{}",
        crossed["breakdowns"]
    );
    for (lang, label) in [("en", "Channel (link source)"), ("ru", "Канал (источник ссылки)")] {
        let r = client()
            .get(server.url(&format!("/results/qch?by=channel&lang={lang}")))
            .send()
            .expect("GET");
        assert_eq!(r.status().as_u16(), 200);
        let page = r.text().expect("page");
        assert!(page.contains(label), "{lang}: {page}");
        assert!(page.contains("telegram"), "{lang}");
        assert!(!page.contains("bad.code"), "an invalid code is never echoed");
    }
    // A name that is neither lists the channel among the valid choices.
    let r = client()
        .get(server.url("/api/v1/surveys/qch/summary?by=chanel"))
        .send()
        .expect("GET");
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().expect("body").contains("channel"));
}
backend_tests!(breakdown_by_channel);

/// A summary loads the responses' channels only when it breaks down by channel: loaded for the default
/// summary, the channel breakdown finds no channel; loaded for the channel breakdown, it finds them all.
fn assert_channel_read_only_when_asked(store: &Store) {
    let cache = DefinitionCache::default();
    let by_channel = ReportOptions {
        by: Some(vec!["channel".to_owned()]),
        ..ReportOptions::default()
    };
    let channels_found = |loaded: &report::LoadedSurvey| -> Vec<String> {
        let s = report::summarize(
            &SummaryInput {
                definition: &loaded.version.definition,
                population: None,
                answers: &loaded.answers,
                language: "en",
            },
            &by_channel,
        )
        .expect("summary");
        let s = serde_json::to_value(&s).expect("json");
        let b = by_channel_of(&s);
        let codes = b.and_then(|b| b["categories"].as_array()).into_iter().flatten();
        codes.filter_map(|c| c["code"].as_str().map(str::to_owned)).collect()
    };
    let plain = report::load(store, &cache, "qch").expect("load");
    assert_eq!(plain.answers.len(), 10);
    assert!(channels_found(&plain).is_empty(), "{:?}", channels_found(&plain));
    let asked = report::load_for(store, &cache, "qch", &by_channel).expect("load");
    assert_eq!(channels_found(&asked), ["gosuslugi", "telegram", "vk", "other"]);
}

/// The channel breakdown of `likes`, if the summary has one.
fn by_channel_of(s: &Value) -> Option<&Value> {
    s["questions"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["id"] == "likes"))
        .and_then(|q| q["breakdowns"].as_array())
        .and_then(|b| b.iter().find(|b| b["variable"] == "channel"))
}

fn every_response_without_a_code_is_one_category(b: Backend) {
    let db = TestDb::new(&b);
    let server = TestServer::start(test_config(&db));
    let store = import_open(&db, &definition("qch1"));
    store.set_results_published("qch1", true).unwrap();
    for likes in ["y", "n", "y"] {
        respond(&server, "qch1", "", likes);
    }
    let s = summary(&server, "/api/v1/surveys/qch1/summary?lang=en&by=channel");
    let b = by_channel(&s);
    let cats = b["categories"].as_array().expect("categories");
    assert_eq!(cats.len(), 1, "{b}");
    assert_eq!(cats[0]["code"], "other");
    assert_eq!(cats[0]["base_n"].as_u64(), Some(3));
    let (y, n, share) = counts(&cats[0]);
    assert_eq!((y, n), (2, 1));
    assert!((share - 2.0 / 3.0).abs() < 1e-12, "{share}");
    // One channel: nothing to test, and the reason is given instead of a statistic.
    assert!(b["test"].is_null(), "{b}");
    assert_eq!(b["not_testable"], "single_column", "{b}");
    let page = client()
        .get(server.url("/results/qch1?by=channel&lang=en"))
        .send()
        .expect("GET")
        .text()
        .expect("page");
    assert!(page.contains("Channel (link source)"), "{page}");
}
backend_tests!(every_response_without_a_code_is_one_category);
