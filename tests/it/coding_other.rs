//! Coding the "other, specify" texts of a choice question over HTTP on SQLite and PostgreSQL: the
//! workbench lists the other-texts of the question (addressed by the question's id), coders code them,
//! the summary reports them as their own multiple-choice entry `{question}.other` ("coded N of M") next
//! to the question, and the microdata CSV ends with their 0/1 code columns `{question}.other__{code}`.

use chrono::NaiveDateTime;
use opros::auth::Role;
use opros::catalog;
use opros::definition::{Answer, Answers};
use opros::export::sav::Value;
use opros::store::{ResponseRow, Store};

use crate::admin_support::{add_user, Staff};
use crate::common::{backend_tests, test_config, Backend, TestDb, TestServer};

const SLUG: &str = "other";
const PAGE: &str = "/admin/surveys/other/coding/how";

const YAML: &str = r#"slug: other
title: {ru: "Транспорт", en: "Transport"}
topic: transport
languages: [ru, en]
pages:
  - id: p
    questions:
      - id: how
        type: single_choice
        text: {ru: "Как вы добираетесь на работу?", en: "How do you get to work?"}
        options:
          - {code: bus, label: {ru: Автобус, en: Bus}}
          - {code: car, label: {ru: Машина, en: Car}}
        other: {code: other, label: {ru: "Другое", en: "Other"}}
        codebook:
          codes:
            - {code: bike, label: {ru: Велосипед, en: Bike}}
            - {code: scooter, label: {ru: Самокат, en: Scooter}}
            - {code: walk, label: {ru: Пешком, en: On foot}}
report:
  publish: all
  min_cell: 1
"#;

/// (chosen option, other text) per respondent: two answers without an "other" text, four with one.
const ANSWERS: [(&str, Option<&str>); 6] = [
    ("bus", None),
    ("other", Some("Велосипед, пока тепло")),
    ("other", Some("Самокат или велосипед")),
    ("other", Some("Хожу пешком")),
    ("car", None),
    ("other", Some("Иногда на такси")),
];

fn seed(store: &Store) -> Vec<String> {
    let p = catalog::prepare_source(YAML, "other.yaml", None, None).expect("definition");
    let imported = catalog::store_prepared(store, &p).expect("import");
    let at = NaiveDateTime::parse_from_str("2026-06-01 12:00:00", "%Y-%m-%d %H:%M:%S").expect("date");
    let rows: Vec<(ResponseRow, Vec<String>)> = ANSWERS
        .iter()
        .enumerate()
        .map(|(i, (code, text))| {
            let mut a = Answers::new();
            a.insert(
                "how".into(),
                Answer::Choice {
                    code: (*code).into(),
                    other_text: text.map(str::to_owned),
                },
            );
            let row = ResponseRow {
                id: format!("o{i:02}"),
                survey_id: imported.survey_id.clone(),
                version: imported.version,
                respondent_key: format!("k{i}"),
                state: "complete".into(),
                language: "ru".into(),
                page_reached: 1,
                answers: serde_json::to_string(&a).expect("json"),
                meta: "{}".into(),
                started_at: at,
                updated_at: at,
                submitted_at: Some(at + chrono::Duration::seconds(i as i64)),
                duration_seconds: None,
                codes: None,
            };
            (row, Vec::new())
        })
        .collect();
    store.import_responses(&rows).expect("insert");
    rows.into_iter().map(|(r, _)| r.id).collect()
}

fn entry(summary: &serde_json::Value, id: &str) -> serde_json::Value {
    summary["questions"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["id"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("no entry '{id}' in {summary}"))
}

fn share(q: &serde_json::Value, code: &str) -> f64 {
    q["options"]
        .as_array()
        .and_then(|os| os.iter().find(|o| o["code"] == code))
        .and_then(|o| o["share"].as_f64())
        .unwrap_or_else(|| panic!("no share of '{code}' in {q}"))
}

fn other_texts_coded_over_http(backend: Backend) {
    let db = TestDb::new(&backend);
    let server = TestServer::start(test_config(&db));
    let store = Store::open(&db.url).expect("open");
    let ids = seed(&store);
    store.set_status(SLUG, opros::store::Status::Open).expect("open");
    add_user(&db, "anna", Role::Sociologist);
    let anna = Staff::login(&server, "anna");

    let survey = anna.get("/admin/surveys/other").text().expect("survey page");
    assert!(
        survey.contains(&format!("href=\"{PAGE}\"")),
        "the survey page links to coding"
    );
    let page = anna.get(PAGE);
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().expect("body");
    assert!(html.contains("Велосипед, пока тепло"), "an other-text is shown");
    assert!(html.contains("Coded 0 of 4"), "only the four other-texts are listed");

    // o01 bike; o02 scooter and bike; o03 on foot; o05 (taxi) stays uncoded.
    for (id, codes) in [
        (&ids[1], &["bike"][..]),
        (&ids[2], &["scooter", "bike"]),
        (&ids[3], &["walk"]),
    ] {
        let mut fields = vec![("action", "code"), ("response", id.as_str())];
        fields.extend(codes.iter().map(|c| ("code", *c)));
        let r = anna.post(PAGE, &fields);
        assert_eq!(r.status().as_u16(), 303, "{id}");
    }
    let r = anna.post(PAGE, &[("action", "code"), ("response", &ids[0]), ("code", "bike")]);
    assert_eq!(
        r.status().as_u16(),
        404,
        "an answer without an other-text cannot be coded"
    );
    let r = anna.post(PAGE, &[("action", "code"), ("response", &ids[5]), ("code", "bus")]);
    assert_eq!(r.status().as_u16(), 422, "an option code is not a code of the codebook");
    assert!(anna.get(PAGE).text().expect("body").contains("Coded 3 of 4"));

    // The summary: the question as asked, then its coded other-texts as a multiple choice.
    store.set_results_published(SLUG, true).expect("publish");
    let r = anna.get(&format!("/api/v1/surveys/{SLUG}/summary"));
    assert_eq!(r.status().as_u16(), 200);
    let v: serde_json::Value = r.json().expect("json");
    let ids_in_order: Vec<&str> = v["questions"]
        .as_array()
        .map(|qs| qs.iter().filter_map(|q| q["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ids_in_order, ["how", "how.other"]);
    let how = entry(&v, "how");
    assert_eq!(how["base_n"], 6);
    assert!((share(&how, "other") - 4.0 / 6.0).abs() < 1e-12, "{how}");
    assert!(how.get("coding").is_none(), "{how}");
    let other = entry(&v, "how.other");
    assert_eq!(other["type"], "multiple_choice");
    assert_eq!(other["coding"]["answered"], 4, "{other}");
    assert_eq!(other["coding"]["coded"], 3, "{other}");
    assert_eq!(other["base_n"], 3, "the base is the coded other-texts");
    // By hand: bike o01, o02 → 2 of 3; scooter o02 → 1 of 3; on foot o03 → 1 of 3.
    assert!((share(&other, "bike") - 2.0 / 3.0).abs() < 1e-12, "{other}");
    assert!((share(&other, "scooter") - 1.0 / 3.0).abs() < 1e-12, "{other}");
    assert!((share(&other, "walk") - 1.0 / 3.0).abs() < 1e-12, "{other}");

    let page = anna.get(&format!("/results/{SLUG}?lang=ru")).text().expect("results");
    assert!(
        page.contains("Закодировано 3 из 4 ответов"),
        "coded count on the results page"
    );

    // The microdata CSV: the question's two columns, then one 0/1 column per code of the other-texts.
    let r = anna.get(&format!("/results/{SLUG}/export.csv?data=microdata"));
    assert_eq!(r.status().as_u16(), 200);
    let text = r.text().expect("csv");
    let header = text.lines().next().unwrap_or_default();
    assert!(
        header.ends_with("how,how.other,how.other__bike,how.other__scooter,how.other__walk"),
        "{header}"
    );
    let row = |id: &str| text.lines().find(|l| l.starts_with(id)).unwrap_or_default().to_owned();
    assert!(
        row(&ids[1]).ends_with("other,\"Велосипед, пока тепло\",1,0,0"),
        "{}",
        row(&ids[1])
    );
    assert!(
        row(&ids[2]).ends_with("other,Самокат или велосипед,1,1,0"),
        "{}",
        row(&ids[2])
    );
    assert!(row(&ids[3]).ends_with("other,Хожу пешком,0,0,1"), "{}", row(&ids[3]));
    assert!(
        row(&ids[5]).ends_with("other,Иногда на такси,,,"),
        "uncoded: {}",
        row(&ids[5])
    );
    assert!(row(&ids[0]).ends_with("bus,,,,"), "no other-text: {}", row(&ids[0]));

    // The SPSS file has the same code variables: 1/0 when coded, −3 other-text not coded, −2 none given.
    let data = opros::export::load(&store, &Default::default(), SLUG).expect("export");
    let file = opros::export::sav_file(&data);
    let names: Vec<&str> = file.variables.iter().map(|v| v.name.as_str()).collect();
    assert!(
        names.ends_with(&["how.other__bike", "how.other__scooter", "how.other__walk"]),
        "{names:?}"
    );
    let bike = names.len() - 3;
    let cell = |case: usize| match file.cases[case].get(bike) {
        Some(Value::Number(x)) => *x,
        other => panic!("case {case}: {other:?}"),
    };
    assert_eq!(
        [cell(0), cell(1), cell(2), cell(3), cell(5)],
        [-2.0, 1.0, 1.0, 0.0, -3.0]
    );
}
backend_tests!(other_texts_coded_over_http);
