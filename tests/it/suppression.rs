//! Suppression with its reasons, through the real server on SQLite and PostgreSQL: a breakdown with a
//! single category hidden for `min_cell` hides the next-smallest category too (`complementary`), so the
//! small group cannot be recovered from the total; a scale's mean hidden while its shares are shown says
//! why on the page (ru, en) and in the CSV and XLSX.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use opros::definition::{Answer, Answers};
use opros::store::{Status, Store};
use scraper::{Html, Selector};
use serde_json::Value;

use crate::common::{backend_tests, client, test_config, Backend, TestDb, TestServer};
use crate::results_support::add_responses;

const SLUG: &str = "sup";

const DEFINITION: &str = r#"slug: sup
title: {en: "Suppression", ru: "Скрытие"}
topic: test
languages: [en, ru]
report: {breakdowns: [area], min_cell: 10}
pages:
  - id: a
    questions:
      - id: area
        type: single_choice
        text: {en: "Area", ru: "Район"}
        options:
          - {code: a, label: {en: "North", ru: "Север"}}
          - {code: b, label: {en: "South", ru: "Юг"}}
          - {code: c, label: {en: "East", ru: "Восток"}}
          - {code: d, label: {en: "West", ru: "Запад"}}
      - id: rating
        type: scale
        text: {en: "Rate the service", ru: "Оцените услугу"}
        points:
          - {code: 1, label: {en: "bad", ru: "плохо"}}
          - {code: 2, label: {en: "fair", ru: "так себе"}}
          - {code: 3, label: {en: "good", ru: "хорошо"}}
        hard_to_say: {code: dk, label: {en: "Hard to say", ru: "Затрудняюсь ответить"}}
      - id: rare
        type: scale
        text: {en: "Rate the ferry", ru: "Оцените паром"}
        points:
          - {code: 1, label: {en: "bad", ru: "плохо"}}
          - {code: 2, label: {en: "fair", ru: "так себе"}}
          - {code: 3, label: {en: "good", ru: "хорошо"}}
        hard_to_say: {code: dk, label: {en: "Hard to say", ru: "Затрудняюсь ответить"}}
      - id: age
        type: number
        text: {en: "Age", ru: "Возраст"}
"#;

/// Respondents per area: North 40, South 25, East 12, West 5 (below `min_cell` = 10). In the South, 18
/// answer "hard to say" to `rating`, so its mean has 7 respondents while its shares have 25. Only 6
/// respondents in all rate the ferry (`rare`), the rest say "hard to say".
fn answers() -> Vec<Answers> {
    let mut out = Vec::new();
    for (area, n) in [("a", 40i32), ("b", 25), ("c", 12), ("d", 5)] {
        for i in 0..n {
            let rating = if area == "b" && i < 18 {
                "dk".to_owned()
            } else {
                (1 + i % 3).to_string()
            };
            let rare = if out.len() < 6 { "2" } else { "dk" };
            let a: Answers = [
                ("area".to_owned(), Answer::choice(area)),
                ("rating".to_owned(), Answer::Scale(rating)),
                ("rare".to_owned(), Answer::Scale(rare.to_owned())),
                ("age".to_owned(), Answer::Number(f64::from(20 + i))),
            ]
            .into_iter()
            .collect();
            out.push(a);
        }
    }
    out
}

fn setup(db: &TestDb) -> TestServer {
    let store = Store::open(&db.url).expect("store");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sup.yaml");
    std::fs::write(&path, DEFINITION).expect("write definition");
    opros::catalog::import_files(&store, &[path]).expect("import");
    store.set_status(SLUG, Status::Open).expect("open");
    store.set_results_published(SLUG, true).expect("publish");
    add_responses(&store, SLUG, &answers());
    TestServer::start(test_config(db))
}

fn get(server: &TestServer, path: &str) -> String {
    let r = client().get(server.url(path)).send().expect("GET");
    assert_eq!(r.status().as_u16(), 200, "{path}");
    r.text().expect("body")
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"))
}

fn question<'a>(s: &'a Value, id: &str) -> &'a Value {
    s["questions"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["id"] == id))
        .unwrap_or_else(|| panic!("question {id}"))
}

fn categories(q: &Value) -> &[Value] {
    q["breakdowns"][0]["categories"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The page's text of the breakdown row labelled `label` of question `qid`.
fn breakdown_row(doc: &Html, qid: &str, label: &str) -> String {
    let rows = sel(&format!("section[data-question=\"{qid}\"] table.crosstab tbody tr"));
    doc.select(&rows)
        .find(|r| r.select(&sel("th")).next().map(|th| th.text().collect::<String>()) == Some(label.to_owned()))
        .map(|r| {
            r.select(&sel("td"))
                .map(|td| td.text().collect::<String>())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .unwrap_or_else(|| panic!("{qid}: row {label}"))
}

fn complementary_suppression_protects_the_small_group(backend: Backend) {
    let db = TestDb::new(&backend);
    let server = setup(&db);
    let s: Value = serde_json::from_str(&get(&server, "/api/v1/surveys/sup/summary?lang=en")).expect("json");
    for qid in ["rating", "age"] {
        let q = question(&s, qid);
        let reasons: Vec<(String, Option<String>)> = categories(q)
            .iter()
            .map(|c| {
                (
                    c["code"].as_str().unwrap_or("").to_owned(),
                    c["suppressed_reason"].as_str().map(str::to_owned),
                )
            })
            .collect();
        assert_eq!(
            reasons,
            vec![
                ("a".to_owned(), None),
                ("b".to_owned(), None),
                ("c".to_owned(), Some("complementary".to_owned())),
                ("d".to_owned(), Some("min_cell".to_owned())),
            ],
            "{qid}"
        );
        // Without the complementary cell, West's 5 would be the total's 82 less 40 and 25 and 12; now the
        // subtraction only gives East and West together.
        let published: u64 = categories(q).iter().filter_map(|c| c["base_n"].as_u64()).sum();
        assert_eq!(q["base_n"].as_u64().map(|n| n - published), Some(12 + 5), "{qid}");
        let east = &categories(q)[2];
        assert_eq!(east["suppressed"], true);
        assert!(east["mean"].is_null() && east["base_n"].is_null(), "{east}");
        for o in east["options"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
            assert_eq!(o["suppressed_reason"], "complementary", "{o}");
            assert!(o["share"].is_null() && o["n"].is_null() && o["ci_low"].is_null(), "{o}");
        }
    }

    for (lang, east, why) in [
        (
            "en",
            "East",
            "hidden so that a smaller group's figure cannot be recovered from the total",
        ),
        (
            "ru",
            "Восток",
            "иначе значение малой группы можно было бы вычислить из итога",
        ),
    ] {
        let doc = Html::parse_document(&get(&server, &format!("/results/sup?by=area&lang={lang}")));
        for qid in ["rating", "age"] {
            let row = breakdown_row(&doc, qid, east);
            assert!(row.contains(why), "{lang} {qid}: {row}");
            assert!(!row.chars().any(|c| c.is_ascii_digit()), "{lang} {qid}: {row}");
        }
    }

    let csv = get(&server, "/results/sup/export.csv?lang=en");
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let mut east_lines = 0;
    for rec in rdr.records() {
        let rec = rec.expect("csv record");
        if rec.get(2) == Some("Area") && rec.get(3) == Some("East") && rec.get(0) != Some("area") {
            assert_eq!(rec.get(6), Some("—"), "{rec:?}");
            assert_eq!(rec.get(13), Some("complementary"), "{rec:?}");
            assert!(rec.get(12).unwrap_or("").contains("cannot be recovered"), "{rec:?}");
            east_lines += 1;
        }
    }
    // rating (4 options with "hard to say"), rare (4), age (one line).
    assert!(east_lines >= 3, "{east_lines} lines of East\n{csv}");

    let bytes = client()
        .get(server.url("/results/sup/export.xlsx?lang=en"))
        .send()
        .expect("xlsx")
        .bytes()
        .expect("bytes")
        .to_vec();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx opens");
    let range = wb.worksheet_range("summary").expect("summary sheet");
    let xl = range
        .rows()
        .filter(|r| {
            r.get(3).map(|c| c.to_string()).as_deref() == Some("East")
                && r.first().map(|c| c.to_string()).as_deref() != Some("area")
        })
        .inspect(|r| {
            assert_eq!(
                r.get(13).map(|c| c.to_string()).as_deref(),
                Some("complementary"),
                "{r:?}"
            )
        })
        .count();
    assert_eq!(xl, east_lines, "the workbook has the East lines of the CSV");
}

backend_tests!(complementary_suppression_protects_the_small_group);

fn a_hidden_mean_says_why(backend: Backend) {
    let db = TestDb::new(&backend);
    let server = setup(&db);
    let s: Value = serde_json::from_str(&get(&server, "/api/v1/surveys/sup/summary?lang=en")).expect("json");
    let rare = question(&s, "rare");
    assert_eq!(rare["suppressed"], false, "the shares are shown");
    assert!(rare["mean"].is_null());
    assert_eq!(rare["mean_suppressed_reason"], "min_cell");
    let south = &categories(question(&s, "rating"))[1];
    assert_eq!(south["suppressed"], false);
    assert_eq!(south["mean_suppressed_reason"], "min_cell", "{south}");

    for (lang, south_label, why) in [
        ("en", "South", "too few respondents to publish"),
        ("ru", "Юг", "меньше минимального числа ответивших для публикации"),
    ] {
        let doc = Html::parse_document(&get(&server, &format!("/results/sup?by=area&lang={lang}")));
        let mean = doc
            .select(&sel("section[data-question=\"rare\"] p.mean.suppressed"))
            .next()
            .map(|p| p.text().collect::<String>())
            .unwrap_or_default();
        assert!(mean.contains('—') && mean.contains(why), "{lang}: {mean:?}");
        let rows = sel("section[data-question=\"rating\"] table.crosstab tbody tr");
        let mean_cell = doc
            .select(&rows)
            .find(|r| {
                r.select(&sel("th"))
                    .next()
                    .map(|th| th.text().collect::<String>())
                    .as_deref()
                    == Some(south_label)
            })
            .and_then(|r| r.select(&sel("td.mean")).next())
            .map(|td| td.text().collect::<String>())
            .unwrap_or_default();
        assert!(
            mean_cell.contains('—') && mean_cell.contains(why),
            "{lang}: {mean_cell:?}"
        );
    }

    let csv = get(&server, "/results/sup/export.csv?lang=en");
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let means: Vec<csv::StringRecord> = rdr
        .records()
        .map(|r| r.expect("csv record"))
        .filter(|r| r.get(4) == Some("mean"))
        .collect();
    let whole = means
        .iter()
        .find(|r| r.get(0) == Some("rare") && r.get(2) == Some(""))
        .unwrap_or_else(|| panic!("the hidden mean of rare has a row: {means:?}"));
    assert_eq!(whole.get(6), Some("—"));
    assert_eq!(whole.get(13), Some("min_cell"));
    assert!(whole.get(12).unwrap_or("").contains("fewer than 10"), "{whole:?}");
    let south = means
        .iter()
        .find(|r| r.get(0) == Some("rating") && r.get(3) == Some("South"))
        .unwrap_or_else(|| panic!("the hidden mean of the South has a row: {means:?}"));
    assert_eq!((south.get(6), south.get(13)), (Some("—"), Some("min_cell")));
}

backend_tests!(a_hidden_mean_says_why);
