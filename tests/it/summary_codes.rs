//! The coded form of complete responses (`responses.codes`): every write path stores it, and a summary
//! loaded through it (with rows of an older version, rows without codes as in databases written before
//! it existed, and codes that do not fit) is exactly the summary of the JSON answers. SQLite and PostgreSQL
//! (`backend_tests!`).

use std::process::Command;

use crate::common::{backend_tests, test_config, Backend, TestDb};
use crate::forms_support;
use crate::forms_support::{import_open, start, Respondent};
use chrono::NaiveDateTime;
use opros::catalog::{self, DefinitionCache};
use opros::definition::{Answer, Answers, Definition};
use opros::report::{self, ReportOptions, SummaryInput};
use opros::store::{codes, CodedResponse, ResponseRow, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn definition(version: u32) -> String {
    let (sex, region, modes) = match version {
        1 => ("[m, f]", "[r1, r2, r3]", "[bus, tram, car]"),
        _ => ("[f, m]", "[r3, r1, r4]", "[tram, bike, bus]"),
    };
    let opts = |list: &str| {
        list.trim_matches(['[', ']'])
            .split(", ")
            .map(|c| format!("{{code: \"{c}\", label: {{en: \"{c}\"}}}}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // Version 2 turns `extra` from a number into a scale and adds `fresh`.
    let changed = match version {
        1 => "      - {id: extra, type: number, text: {en: e}}\n".to_owned(),
        _ => format!(
            "      - {{id: extra, type: scale, text: {{en: e}}, points: [{}], hard_to_say: {{code: dk, label: {{en: dk}}}}}}\n      - {{id: fresh, type: single_choice, text: {{en: f}}, options: [{}]}}\n",
            opts("[1, 2, 3]"),
            opts("[y, n]")
        ),
    };
    format!(
        r#"slug: coded
title: {{en: Coded}}
topic: test
languages: [en]
pages:
  - id: p
    questions:
      - {{id: sex, type: single_choice, text: {{en: s}}, options: [{}]}}
      - {{id: age, type: number, text: {{en: a}}}}
      - {{id: region, type: single_choice, text: {{en: r}}, options: [{}], other: {{code: oth, label: {{en: other}}}}}}
      - {{id: sat, type: scale, text: {{en: q}}, points: [{}], hard_to_say: {{code: dk, label: {{en: dk}}}}}}
      - {{id: modes, type: multiple_choice, text: {{en: m}}, options: [{}]}}
      - {{id: note, type: text, text: {{en: n}}}}
{changed}derived:
  - {{id: age_group, from: age, bins: [{{code: young, max: 39}}, {{code: old, min: 40}}]}}
weighting:
  method: raking
  variables: [sex, age_group]
  targets: {{margins: {{sex: {{m: 48, f: 52}}, age_group: {{young: 40, old: 60}}}}}}
report:
  breakdowns: [sex, age_group, region]
  min_cell: 3
"#,
        opts(sex),
        opts(region),
        opts("[1, 2, 3, 4, 5]"),
        opts(modes)
    )
}

fn random_answers(def: &Definition, rng: &mut StdRng) -> Answers {
    let mut a = Answers::new();
    for (_, q) in def.questions() {
        if rng.random_bool(0.1) {
            continue;
        }
        let codes = codes::option_codes(q);
        let pick = |rng: &mut StdRng| codes[rng.random_range(0..codes.len())].to_owned();
        let answer = match q.kind.name() {
            "single_choice" => Answer::choice(&pick(rng)),
            "scale" => Answer::Scale(pick(rng)),
            "multiple_choice" => Answer::Choices {
                codes: codes
                    .iter()
                    .filter(|_| rng.random_bool(0.4))
                    .map(|c| (*c).to_owned())
                    .collect(),
                other_text: None,
            },
            "number" => Answer::Number(f64::from(rng.random_range(72..360)) / 4.0),
            _ => Answer::Text("t".into()),
        };
        a.insert(q.id.clone(), answer);
    }
    a
}

/// Imports version `version` of the survey and `n` complete responses to it; every third without codes
/// (as rows written before codes existed).
fn add_version(store: &Store, version: u32, n: usize, rng: &mut StdRng) {
    let p = catalog::prepare_source(&definition(version), "coded.yaml", None, None).expect("definition");
    let imported = catalog::store_prepared(store, &p).expect("import");
    let at = NaiveDateTime::parse_from_str("2026-06-01 12:00:00", "%Y-%m-%d %H:%M:%S").expect("date");
    let rows: Vec<(ResponseRow, Vec<String>)> = (0..n)
        .map(|i| {
            let a = random_answers(&p.definition, rng);
            let row = ResponseRow {
                id: format!("v{version}-{i:04}"),
                survey_id: imported.survey_id.clone(),
                version: imported.version,
                respondent_key: format!("k{version}-{i}"),
                state: "complete".into(),
                language: "en".into(),
                page_reached: 1,
                answers: serde_json::to_string(&a).expect("json"),
                meta: "{}".into(),
                started_at: at,
                updated_at: at,
                // Submitted in the order stored (SQLite summaries read in storage order, the JSON
                // reference below in submission order: the same here, so sums round alike).
                submitted_at: Some(at + chrono::Duration::seconds(i64::from(version) * 10_000 + i as i64)),
                duration_seconds: None,
                codes: if i % 3 == 0 {
                    None
                } else {
                    codes::encode(&p.definition, &a)
                },
            };
            (row, Vec::new())
        })
        .collect();
    store.import_responses(&rows).expect("insert");
}

fn summary_json(def: &Definition, answers: &(impl report::AnswerSource + ?Sized), opts: &ReportOptions) -> String {
    let s = report::summarize(
        &SummaryInput {
            definition: def,
            population: None,
            answers,
            language: "en",
        },
        opts,
    )
    .expect("summary");
    serde_json::to_string_pretty(&s).expect("json")
}

/// The summary through `report::load` equals the summary of the stored JSON answers.
fn assert_load_matches_json(store: &Store) -> usize {
    let loaded = report::load(store, &DefinitionCache::default(), "coded").expect("load");
    let def = &loaded.version.definition;
    let json: Vec<Answers> = store
        .complete_answers(&loaded.survey.id)
        .expect("answers")
        .into_iter()
        .map(|(_, a)| serde_json::from_str(&a).expect("answers"))
        .collect();
    assert_eq!(loaded.answers.len(), json.len());
    for opts in [
        ReportOptions::default(),
        ReportOptions {
            by: Some(vec!["extra".into(), "fresh".into(), "age_group".into()]),
            all_questions: true,
            ..ReportOptions::default()
        },
    ] {
        assert_eq!(
            summary_json(def, &loaded.answers, &opts),
            summary_json(def, &json, &opts)
        );
    }
    json.len()
}

fn summaries_through_codes_equal_summaries_of_the_json_answers(backend: Backend) {
    let db = TestDb::new(&backend);
    let store = Store::open(&db.url).expect("store");
    let mut rng = StdRng::seed_from_u64(11);
    add_version(&store, 1, 150, &mut rng);
    add_version(&store, 2, 150, &mut rng);
    let survey = store.find_survey("coded").expect("survey");
    let mut seen = (0, 0);
    store
        .each_complete_coded(
            &survey.id,
            true,
            |r: CodedResponse| -> Result<(), opros::store::StoreError> {
                match (&r.codes, &r.fallback) {
                    (Some(_), None) => seen.0 += 1,
                    (None, Some((id, json))) => {
                        assert!(id.starts_with('v') && json.starts_with('{'), "{id} {json}");
                        seen.1 += 1;
                    }
                    other => panic!("codes or JSON, not both or neither: {other:?}"),
                }
                Ok(())
            },
        )
        .expect("read");
    assert_eq!(seen, (200, 100), "coded rows and rows read from JSON");
    assert_eq!(assert_load_matches_json(&store), 300);

    // Codes that do not fit their version (here: another format) make the summary read the JSON.
    let mut w = store.writer().expect("writer");
    use diesel::prelude::*;
    use opros::store::schema::responses;
    diesel::update(responses::table.filter(responses::id.eq("v2-0001")))
        .set(responses::codes.eq(Some(vec![99u8, 1, 2])))
        .execute(&mut *w)
        .expect("spoil codes");
    drop(w);
    assert_eq!(assert_load_matches_json(&store), 300);
}
backend_tests!(summaries_through_codes_equal_summaries_of_the_json_answers);

/// `opros responses import` and the web form store the codes of what they store as JSON.
fn imports_and_form_submissions_store_codes(backend: Backend) {
    let db = TestDb::new(&backend);
    let store = import_open(&db, forms_support::FORMTEST);
    let dir = tempfile::tempdir().expect("dir");
    let csv = "sex,age,pets,pets.other,cat_name,sat,grid.a,grid.b,visit,men_q,prio\n\
               m,42,dog;fish,,,dk,3,1,2026-03-01,yes,y;x\n\
               f,30,cat;other,\"hamster\",Мурка,1,,2,,no,z;x;y\n";
    let path = dir.path().join("good.csv");
    std::fs::write(&path, csv).expect("csv");
    let out = Command::new(env!("CARGO_BIN_EXE_opros"))
        .args(["responses", "import", "formtest", path.to_str().expect("path")])
        .env("DATABASE_URL", db.env_value())
        .env("OPROS_LOG", "warn")
        .output()
        .expect("run opros");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let (server, _) = start(&db, test_config(&db));
    let mut r = Respondent::new(&server, "formtest");
    assert_eq!(r.open("?lang=en"), 200);
    assert_eq!(
        r.send(&[("sex", "f"), ("age", "37"), ("pets", "dog")]),
        303,
        "{}",
        r.html
    );
    assert_eq!(r.send(&[("sat", "4"), ("grid.a", "2")]), 303, "{}", r.html);
    assert_eq!(r.send(&[("prio.x", "1")]), 200, "{}", r.html);
    assert!(r.html.contains("Thank you"), "{}", r.html);

    let (survey, version) = store.version("formtest", None).expect("version");
    let def: Definition = serde_json::from_str(&version.definition).expect("definition");
    let rows = store.complete_responses(&survey.id).expect("rows");
    assert_eq!(rows.len(), 3);
    for row in rows {
        let answers: Answers = serde_json::from_str(&row.answers).expect("answers");
        assert!(row.codes.is_some(), "codes stored for {}", row.answers);
        assert_eq!(row.codes, codes::encode(&def, &answers), "{}", row.answers);
    }
}
backend_tests!(imports_and_form_submissions_store_codes);
