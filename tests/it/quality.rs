//! Response quality review end to end, on SQLite and PostgreSQL: flags on the workbench page, excluding
//! and reinstating responses with a reason (CSRF-checked, audited), summaries (API, methodology page) that
//! leave excluded responses out and say so, and a definition that excludes a flag by itself.

use std::collections::BTreeMap;

use opros::auth::Role;
use opros::definition::{Answer, Answers};
use opros::form::Meta;
use opros::store::audit::{self, AuditFilter};
use opros::store::responses::{Outcome, Submission};
use opros::store::writer::Writer;
use opros::store::{now, Status, Store};
use serde_json::Value;

use crate::admin_support::{add_user, Staff};
use crate::common::{backend_tests, client, test_config, Backend, TestDb, TestServer};

fn definition(slug: &str, quality: &str) -> String {
    format!(
        r#"slug: {slug}
title: {{en: "Quality", ru: "Качество"}}
topic: test
languages: [en, ru]
{quality}
report: {{min_cell: 1}}
pages:
  - id: a
    questions:
      - id: likes
        type: single_choice
        text: {{en: "Do you like it?"}}
        options:
          - {{code: y, label: {{en: "Yes"}}}}
          - {{code: n, label: {{en: "No"}}}}
      - id: grid
        type: matrix
        text: {{en: "Rate"}}
        rows:
          - {{code: r1, label: {{en: "1"}}}}
          - {{code: r2, label: {{en: "2"}}}}
          - {{code: r3, label: {{en: "3"}}}}
          - {{code: r4, label: {{en: "4"}}}}
          - {{code: r5, label: {{en: "5"}}}}
        points:
          - {{code: 1, label: {{en: "bad"}}}}
          - {{code: 2, label: {{en: "so-so"}}}}
          - {{code: 3, label: {{en: "good"}}}}
      - id: why
        type: text
        text: {{en: "Why?"}}
"#
    )
}

/// One constructed respondent: id, seconds taken, likes, grid points, open answer.
struct Made(&'static str, f64, &'static str, [&'static str; 5], &'static str);

/// Six respondents. Times 100 110 120 130 20 140: median 115, speeder cut 0.3 × 115 = 34.5 s, so only
/// `fast` is a speeder; `liner` gives 3 on every row; `noise` answers "фывапр".
const MADE: [Made; 6] = [
    Made("ok1", 100.0, "y", ["1", "2", "3", "2", "1"], "too far"),
    Made("ok2", 110.0, "n", ["2", "2", "3", "1", "1"], "cheap"),
    Made("ok3", 120.0, "n", ["3", "2", "1", "2", "3"], "nice"),
    Made("fast", 20.0, "y", ["1", "3", "2", "1", "2"], "ok"),
    Made("liner", 130.0, "y", ["3", "3", "3", "3", "3"], "good"),
    Made("noise", 140.0, "n", ["1", "1", "2", "2", "3"], "фывапр"),
];

fn answers(m: &Made) -> Answers {
    let grid: BTreeMap<String, String> =
        m.3.iter()
            .enumerate()
            .map(|(i, p)| (format!("r{}", i + 1), (*p).to_owned()))
            .collect();
    [
        ("likes".to_owned(), Answer::choice(m.2)),
        ("grid".to_owned(), Answer::Matrix(grid)),
        ("why".to_owned(), Answer::Text(m.4.to_owned())),
    ]
    .into_iter()
    .collect()
}

/// Imports and opens a survey, and writes the six respondents through the response writer.
pub(crate) fn survey_with_responses(store: &Store, slug: &str, quality: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{slug}.yaml"));
    std::fs::write(&path, definition(slug, quality)).unwrap();
    opros::catalog::import_files(store, &[path]).unwrap();
    store.set_status(slug, Status::Open).unwrap();
    store.set_results_published(slug, true).unwrap();
    let survey = store.find_survey(slug).unwrap();
    let cache = opros::catalog::DefinitionCache::default();
    let (_, version) = cache.current(store, slug).unwrap();
    let writer = Writer::start(store.clone());
    for m in &MADE {
        let a = answers(m);
        let meta = Meta {
            fingerprint: Some(format!("fp-{}", m.0)),
            channel: Some("vk".into()),
            ..Meta::default()
        };
        let sub = Submission {
            survey_id: survey.id.clone(),
            response_id: format!("{slug}-{}", m.0),
            version: 1,
            key_hash: format!("key-{slug}-{}", m.0),
            language: "en".into(),
            answers_json: serde_json::to_string(&a).unwrap(),
            codes: opros::store::codes::encode(&version.definition, &a),
            meta_json: meta.to_json(),
            page_reached: 1,
            started_at: now(),
            complete: true,
            duration_seconds: Some(m.1),
            quotas: Vec::new(),
            invited: false,
            fresh: true,
        };
        assert_eq!(writer.submit_blocking(sub).unwrap(), Outcome::Completed);
    }
}

fn summary(server: &TestServer, slug: &str) -> Value {
    let r = client()
        .get(server.url(&format!("/api/v1/surveys/{slug}/summary?lang=en")))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.json().unwrap()
}

/// The share of "yes" in the summary.
fn yes_share(s: &Value) -> f64 {
    let likes = s["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "likes")
        .expect("the likes question");
    likes["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "y")
        .and_then(|o| o["share"].as_f64())
        .expect("the share of yes")
}

fn flagged_rows(page: &str) -> Vec<(String, String)> {
    page.split("<tr data-response=\"")
        .skip(1)
        .map(|chunk| {
            let id = chunk.split('"').next().unwrap_or("").to_owned();
            let flags = chunk
                .split("data-flags=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("")
                .to_owned();
            (id, flags)
        })
        .collect()
}

fn review_exclude_and_reinstate(b: Backend) {
    let db = TestDb::new(&b);
    let store = Store::open(&db.url).unwrap();
    survey_with_responses(&store, "qa", "");
    let server = TestServer::start(test_config(&db));
    add_user(&db, "socio", Role::Sociologist);
    let s = Staff::login(&server, "socio");

    // The workbench lists the three flagged responses, each with its flag.
    let page = s.get("/admin/surveys/qa/quality").text().unwrap();
    let rows = flagged_rows(&page);
    assert_eq!(
        rows,
        vec![
            ("qa-fast".to_owned(), "speeders".to_owned()),
            ("qa-liner".to_owned(), "straight_lining".to_owned()),
            ("qa-noise".to_owned(), "gibberish".to_owned()),
        ],
        "{page}"
    );
    assert!(
        page.contains("id=\"q-excluded\">0<"),
        "nothing excluded before a decision"
    );

    // Nothing is excluded on its own: all six in the summary, 3 of 6 say yes.
    let before = summary(&server, "qa");
    assert_eq!(before["n"], 6);
    assert_eq!(before["excluded"]["total"], 0);
    assert!((yes_share(&before) - 0.5).abs() < 1e-12);

    // Refused: no CSRF token, no reason, nothing selected, an unknown decision. Nothing recorded.
    let r = s.post_form(
        "/admin/surveys/qa/quality",
        &[("decision", "exclude"), ("reason", "x"), ("id", "qa-fast")],
    );
    assert_eq!(r.status().as_u16(), 403);
    let r = s.post(
        "/admin/surveys/qa/quality",
        &[("decision", "exclude"), ("reason", " "), ("id", "qa-fast")],
    );
    assert_eq!(r.status().as_u16(), 400);
    let r = s.post(
        "/admin/surveys/qa/quality",
        &[("decision", "exclude"), ("reason", "fast")],
    );
    assert_eq!(r.status().as_u16(), 400);
    let r = s.post(
        "/admin/surveys/qa/quality",
        &[("decision", "drop"), ("reason", "fast"), ("id", "qa-fast")],
    );
    assert_eq!(r.status().as_u16(), 400);
    assert!(store.reviews(&store.find_survey("qa").unwrap().id).unwrap().is_empty());

    // Exclude two at once (bulk): the summary has 4 responses, 1 of 4 says yes (ok1).
    let r = s.post(
        "/admin/surveys/qa/quality",
        &[
            ("decision", "exclude"),
            ("reason", "not a real answer"),
            ("id", "qa-fast"),
            ("id", "qa-liner"),
        ],
    );
    assert_eq!(r.status().as_u16(), 303);
    let after = summary(&server, "qa");
    assert_eq!(after["n"], 4);
    assert!((yes_share(&after) - 0.25).abs() < 1e-12, "{}", yes_share(&after));
    assert_eq!(after["excluded"]["total"], 2);
    assert_eq!(after["excluded"]["reviewed"][0]["reason"], "not a real answer");
    assert_eq!(after["excluded"]["reviewed"][0]["n"], 2);
    let method = client()
        .get(server.url("/results/qa/methodology?lang=en"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        method.contains("2 complete responses were left out of the estimates after quality screening: not a real answer (reviewed): 2"),
        "{method}"
    );
    let page = s.get("/admin/surveys/qa/quality").text().unwrap();
    assert!(page.contains("id=\"q-excluded\">2<"));

    // Reinstate one: 5 responses, 2 of 5 say yes.
    let r = s.post(
        "/admin/surveys/qa/quality",
        &[
            ("decision", "keep"),
            ("reason", "checked: a fast reader"),
            ("id", "qa-fast"),
        ],
    );
    assert_eq!(r.status().as_u16(), 303);
    let back = summary(&server, "qa");
    assert_eq!(back["n"], 5);
    assert!((yes_share(&back) - 0.4).abs() < 1e-12);
    assert_eq!(back["excluded"]["total"], 1);

    // Every decision is in the audit log, with who and why.
    let log = audit::list(
        &store,
        &AuditFilter {
            survey_slug: Some("qa".into()),
            ..AuditFilter::default()
        },
    )
    .unwrap();
    let decisions: Vec<(String, String, String)> = log
        .iter()
        .filter(|e| e.action.starts_with("response."))
        .map(|e| (e.action.clone(), e.actor.clone(), e.detail.clone()))
        .collect();
    assert_eq!(decisions.len(), 3, "{decisions:?}");
    assert!(decisions.contains(&(
        "response.exclude".into(),
        "socio".into(),
        "qa-liner: not a real answer".into()
    )));
    assert!(decisions.contains(&(
        "response.keep".into(),
        "socio".into(),
        "qa-fast: checked: a fast reader".into()
    )));
    // Excluded responses stay in the database and in the microdata, with their flags and decisions.
    let sid = store.find_survey("qa").unwrap().id;
    assert_eq!(store.complete_responses(&sid).unwrap().len(), 6);
    let mut csv = Vec::new();
    opros::export::write_microdata(&store, "qa", opros::export::Format::Csv, &mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))
    };
    let (id, flags, decision) = (col("_response_id"), col("_quality_flags"), col("_quality_decision"));
    let mut rows: Vec<[String; 3]> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            [r[id].to_owned(), r[flags].to_owned(), r[decision].to_owned()]
        })
        .collect();
    rows.sort();
    let want = [
        ["qa-fast", "speeders", "kept"],
        ["qa-liner", "straight_lining", "excluded"],
        ["qa-noise", "gibberish", ""],
        ["qa-ok1", "", ""],
        ["qa-ok2", "", ""],
        ["qa-ok3", "", ""],
    ];
    assert_eq!(rows, want.map(|r| r.map(str::to_owned)));
}
backend_tests!(review_exclude_and_reinstate);

fn definition_excludes_a_flag_until_someone_keeps_it(b: Backend) {
    let db = TestDb::new(&b);
    let store = Store::open(&db.url).unwrap();
    survey_with_responses(
        &store,
        "qb",
        "quality: {exclude: [gibberish, speeders], speeder_fraction: 0.1}",
    );
    let server = TestServer::start(test_config(&db));
    // A fraction of 0.1 puts the cut at 11.5 s: nobody is a speeder; the gibberish answer goes.
    let s = summary(&server, "qb");
    assert_eq!(s["n"], 5);
    assert_eq!(s["excluded"]["total"], 1);
    assert_eq!(s["excluded"]["automatic"][0]["reason"], "gibberish");
    assert!((yes_share(&s) - 0.6).abs() < 1e-12);
    let method = client()
        .get(server.url("/results/qb/methodology?lang=ru"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        method.contains("исключена 1 полная анкета: бессмыслица в открытом ответе (по правилам опроса): 1"),
        "{method}"
    );
    // A sociologist keeps it: back in the summary.
    add_user(&db, "socio", Role::Sociologist);
    let staff = Staff::login(&server, "socio");
    let r = staff.post(
        "/admin/surveys/qb/quality",
        &[("decision", "keep"), ("reason", "a real name"), ("id", "qb-noise")],
    );
    assert_eq!(r.status().as_u16(), 303);
    let s = summary(&server, "qb");
    assert_eq!((s["n"].as_u64(), s["excluded"]["total"].as_u64()), (Some(6), Some(0)));
}
backend_tests!(definition_excludes_a_flag_until_someone_keeps_it);

const CHANNELS: &str = r#"slug: qc
title: {en: "Channels"}
topic: test
languages: [en]
quotas:
  - {id: sex, question: sex, limit: 1}
pages:
  - id: a
    questions:
      - id: sex
        type: single_choice
        required: true
        text: {en: "Sex"}
        options:
          - {code: m, label: {en: "Male"}}
          - {code: f, label: {en: "Female"}}
"#;

/// The number in the row of the monitor table `table` whose `attr` is `key`, column `col` (0-based).
fn cell(page: &str, attr: &str, key: &str, col: usize) -> String {
    let marker = format!("{attr}=\"{key}\"");
    let row = page
        .split(&marker)
        .nth(1)
        .and_then(|s| s.split("</tr>").next())
        .unwrap_or("");
    row.split("<td>")
        .skip(1)
        .nth(col)
        .and_then(|s| s.split('<').next())
        .unwrap_or("")
        .to_owned()
}

fn channels_dispositions_and_quota_fill_on_the_monitor(b: Backend) {
    use crate::forms_support::{import_open, Respondent};
    let db = TestDb::new(&b);
    let server = TestServer::start(test_config(&db));
    let store = import_open(&db, CHANNELS);
    // A: from vk, completes (takes the one place of sex=m).
    let mut a = Respondent::new(&server, "qc");
    assert_eq!(a.open("?src=vk"), 200);
    assert_eq!(a.send(&[("sex", "m")]), 200);
    // B: a code that is not one (a dot) counts as "other" and is never shown; B leaves at once.
    let mut b2 = Respondent::new(&server, "qc");
    assert_eq!(b2.open("?src=evil.example"), 200);
    assert!(!b2.html.contains("evil.example"));
    // B reloads the first page: still one open.
    assert_eq!(b2.open("?src=evil.example"), 200);
    // C: from vk, sex=m is full → screened out by the quota.
    let mut c = Respondent::new(&server, "qc");
    assert_eq!(c.open("?src=vk"), 200);
    c.send(&[("sex", "m")]);
    let sid = store.find_survey("qc").unwrap().id;
    let mut opens = store.opens(&sid).unwrap();
    opens.sort();
    assert_eq!(opens, vec![("other".to_owned(), 1), ("vk".to_owned(), 2)]);

    add_user(&db, "socio", Role::Sociologist);
    let s = Staff::login(&server, "socio");
    let page = s.get("/admin/surveys/qc/monitor").text().unwrap();
    assert!(!page.contains("evil.example"));
    // Hand counts: 3 opened, 1 refused on the first page (B), 1 complete, 1 screened out, no partial.
    for (disposition, n) in [
        ("opened", "3"),
        ("refused", "1"),
        ("partial", "0"),
        ("complete", "1"),
        ("screened_out", "1"),
        ("excluded", "0"),
    ] {
        assert_eq!(
            cell(&page, "data-disposition", disposition, 1),
            n,
            "{disposition}: {page}"
        );
    }
    // Per channel: opened, refused, partial, complete, screened out.
    let row = |ch: &str| (1..6).map(|i| cell(&page, "data-channel", ch, i)).collect::<Vec<_>>();
    assert_eq!(row("vk"), vec!["2", "0", "0", "1", "1"]);
    assert_eq!(row("other"), vec!["1", "1", "0", "0", "0"]);
    // A public survey: no RR1/RR2, and the page says why.
    assert!(!page.contains("id=\"o-rr1\""));
    assert!(page.contains("Response rates are given for invitation-only surveys"));
    // Quota fill: sex=m 1 of 1 (full, marked), sex=f 0 of 1.
    assert_eq!(cell(&page, "data-quota", "sex&#x3D;m", 2), "1");
    assert!(page.contains("data-quota=\"sex&#x3D;m\" class=\"near-full\""));
    assert!(page.contains("data-quota=\"sex&#x3D;f\"><td>"));
    // The channel is kept with the response.
    let meta = &store.complete_responses(&sid).unwrap()[0].meta;
    let meta = opros::form::Meta::parse(meta);
    assert_eq!(meta.channel.as_deref(), Some("vk"));
    assert_eq!(meta.fingerprint.as_ref().map(String::len), Some(32));
}
backend_tests!(channels_dispositions_and_quota_fill_on_the_monitor);

/// The microdata's `_weight` on a weighted survey with an excluded response: the excluded one has none,
/// the others the summary's weights of the kept responses. Post-stratified on `likes` to 600 yes and 400
/// no: once the speeder (a yes) is left out, the two remaining yes weigh 600 / 2 = 300 each and the three
/// no 400 / 3 each (with the speeder in, the yes would weigh 200).
fn weights_in_exports_leave_excluded_responses_out(b: Backend) {
    let db = TestDb::new(&b);
    let store = Store::open(&db.url).unwrap();
    survey_with_responses(
        &store,
        "qw",
        "quality: {exclude: [speeders]}\nweighting: {method: poststratify, variables: [likes], targets: {cells: [{likes: y, count: 600}, {likes: n, count: 400}]}}",
    );
    let want = |id: &str| -> Option<f64> {
        match id {
            "qw-fast" => None,
            "qw-ok1" | "qw-liner" => Some(300.0),
            _ => Some(400.0 / 3.0),
        }
    };
    for dialect in [opros::export::Dialect::Standard, opros::export::Dialect::ExcelRu] {
        let mut csv = Vec::new();
        opros::export::write_microdata_in(&store, "qw", opros::export::Format::Csv, dialect, &mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let sep = if dialect == opros::export::Dialect::Standard {
            b','
        } else {
            b';'
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(sep)
            .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        let header = reader.headers().unwrap().clone();
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("{name} in {header:?}"))
        };
        let (id, weight, decision) = (col("_response_id"), col("_weight"), col("_quality_decision"));
        let mut seen = 0;
        for r in reader.records() {
            let r = r.unwrap();
            let got: Option<f64> = (!r[weight].is_empty()).then(|| r[weight].replace(',', ".").parse().unwrap());
            match (got, want(&r[id])) {
                (None, None) => assert_eq!(&r[decision], "excluded_by_rule", "{r:?}"),
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-6 * w, "{r:?}: {g} vs {w}"),
                (g, w) => panic!("{}: weight {g:?}, want {w:?}", &r[id]),
            }
            seen += 1;
        }
        assert_eq!(seen, 6);
    }
    // The workbook's microdata sheet agrees.
    let data = opros::export::load(&store, &opros::catalog::DefinitionCache::default(), "qw").unwrap();
    for (row, w) in data.rows.iter().zip(&data.weights.values) {
        match (w, want(&row.id)) {
            (None, None) => {}
            (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9 * w, "{}: {g} vs {w}", row.id),
            (g, w) => panic!("{}: weight {g:?}, want {w:?}", row.id),
        }
    }
}
backend_tests!(weights_in_exports_leave_excluded_responses_out);

/// The monitor page reads the responses once for both its parts; what it shows is what each part reads on
/// its own.
fn monitor_and_outcomes_from_one_read(b: Backend) {
    let db = TestDb::new(&b);
    let store = Store::open(&db.url).unwrap();
    survey_with_responses(&store, "qm", "quality: {exclude: [speeders]}");
    let cache = opros::catalog::DefinitionCache::default();
    let (survey, v) = cache.current(&store, "qm").unwrap();
    let (m, o) =
        opros::report::outcomes::load_with_monitor(&store, &v.definition, v.population.as_ref(), &survey.id, "en")
            .unwrap();
    let alone_m = opros::report::monitor::load(&store, &survey.id, &v.definition, v.population.as_ref(), "en").unwrap();
    let alone_o = opros::report::outcomes::load(&store, &v.definition, &survey.id).unwrap();
    assert_eq!(m, alone_m);
    assert_eq!(o, alone_o);
    // Six completes, one of them excluded by screening (the speeder).
    assert_eq!((o.totals.complete, o.excluded), (6, 1), "{o:?}");
    assert_eq!(m.complete, 6, "{m:?}");
}
backend_tests!(monitor_and_outcomes_from_one_read);

/// The SPSS file has the screening variables of the CSV (`quality_flags`, `quality_decision`, SPSS names
/// begin with a letter) and the same weights, read back by an independent reader (pyreadstat).
#[test]
#[ignore = "needs Python with pyreadstat (pip install pyreadstat) and --include-ignored (README, Tests)"]
fn spss_export_carries_the_screening_variables() {
    let db = TestDb::new(&Backend::Sqlite);
    let store = Store::open(&db.url).unwrap();
    survey_with_responses(
        &store,
        "qs",
        "quality: {exclude: [speeders]}\nweighting: {method: poststratify, variables: [likes], targets: {cells: [{likes: y, count: 600}, {likes: n, count: 400}]}}",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qs.sav");
    let mut bytes = Vec::new();
    opros::export::write_microdata(&store, "qs", opros::export::Format::Sav, &mut bytes).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let script = r#"
import json, sys, pyreadstat
df, meta = pyreadstat.read_sav(sys.argv[1], output_format="dict")
col = lambda c: [None if (isinstance(x, float) and x != x) else (x.item() if hasattr(x, "item") else x) for x in list(df[c])]
print(json.dumps({"names": list(meta.column_names), "labels": dict(zip(meta.column_names, meta.column_labels)),
  "id": col("response_id"), "flags": col("quality_flags"), "decision": col("quality_decision"), "weight": col("weight")}))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script, &path.to_string_lossy()])
        .output()
        .expect("python3 with pyreadstat: python3 -m pip install pyreadstat");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = v["names"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        names[names.len() - 3..],
        ["weight", "quality_flags", "quality_decision"],
        "{names:?}"
    );
    assert_eq!(v["labels"]["quality_decision"], "quality screening decision");
    let ids = v["id"].as_array().unwrap();
    let mut rows: Vec<(String, String, String, Option<f64>)> = (0..ids.len())
        .map(|i| {
            let s = |k: &str| v[k][i].as_str().unwrap_or("").to_owned();
            (s("id"), s("flags"), s("decision"), v["weight"][i].as_f64())
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let want = [
        ("qs-fast", "speeders", "excluded_by_rule", None),
        ("qs-liner", "straight_lining", "", Some(300.0)),
        ("qs-noise", "gibberish", "", Some(400.0 / 3.0)),
        ("qs-ok1", "", "", Some(300.0)),
        ("qs-ok2", "", "", Some(400.0 / 3.0)),
        ("qs-ok3", "", "", Some(400.0 / 3.0)),
    ];
    assert_eq!(rows.len(), want.len());
    for (got, want) in rows.iter().zip(want) {
        assert_eq!(
            (got.0.as_str(), got.1.as_str(), got.2.as_str()),
            (want.0, want.1, want.2),
            "{got:?}"
        );
        match (got.3, want.3) {
            (None, None) => {}
            (Some(g), Some(w)) => assert!((g - w).abs() < 1e-6 * w, "{got:?}"),
            _ => panic!("{got:?} vs {want:?}"),
        }
    }
}
