//! The constant-sum question end to end, on SQLite and on PostgreSQL (`backend_tests!`): the form
//! without JavaScript (boxes, running total, errors with 422), `responses import` of a CSV, the coded
//! storage, the summary against R `survey` (tests/reference/constant_sum/make_reference.R: design weights,
//! and raking with the calibration variance) to 1e-9, the results page, the microdata exports, and an
//! XLSForm that names the type.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::common::{backend_tests, client, run_opros as opros, test_config, Backend, TestDb, TestServer};
use crate::forms_support::{import_open, Respondent};
use calamine::{Data, Reader, Xlsx};
use opros::definition::{Answer, Answers};
use opros::store::Store;
use serde_json::Value;

const FIXTURE: &str = include_str!("../fixtures/constant_sum.yaml");
const OPTIONS: [&str; 3] = ["roads", "clinics", "parks"];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/constant_sum")
}

fn points(pairs: &[(&str, u32)]) -> Answer {
    Answer::Points(
        pairs
            .iter()
            .map(|(c, p)| ((*c).to_owned(), *p))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn complete_answers(store: &Store, slug: &str) -> Vec<(Answers, bool)> {
    let s = store.find_survey(slug).expect("survey");
    store
        .complete_responses(&s.id)
        .expect("responses")
        .iter()
        .map(|r| (serde_json::from_str(&r.answers).expect("answers"), r.codes.is_some()))
        .collect()
}

// ---------------------------------------------------------------------------------------------------------
// The form

fn the_form_checks_the_sum_with_and_without_errors(backend: Backend) {
    let db = TestDb::new(&backend);
    let server = TestServer::start(test_config(&db));
    let store = import_open(&db, FIXTURE);
    let mut r = Respondent::new(&server, "budget-form");
    assert_eq!(r.open("?lang=en"), 200);
    for o in OPTIONS {
        assert!(
            r.html.contains(&format!("name=\"budget.{o}\"")),
            "box for {o}: {}",
            r.html
        );
    }
    assert_eq!(r.html.matches("inputmode=\"numeric\" class=\"points\"").count(), 6);
    assert!(
        r.html
            .contains("Total: <output id=\"q-budget-sum\" for=\"q-budget-0 q-budget-1 q-budget-2\">0</output> of 100"),
        "{}",
        r.html
    );
    assert!(r.html.contains("of 24</p>"));

    // (answers sent, message expected, link of the error summary)
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (vec![], "Please answer this question.", "#q-budget-0"),
        (
            vec![("budget.roads", ""), ("budget.parks", " ")],
            "Please answer this question.",
            "#q-budget-0",
        ),
        (
            vec![("budget.roads", "50"), ("budget.clinics", "20")],
            "The points must add up to 100; now they add up to 70.",
            "#q-budget-0",
        ),
        (
            vec![
                ("budget.roads", "50"),
                ("budget.clinics", "-10"),
                ("budget.parks", "60"),
            ],
            "Please enter a whole number, 0 or more.",
            "#q-budget-1",
        ),
        (
            vec![("budget.roads", "fifty"), ("budget.parks", "50")],
            "Please enter a whole number, 0 or more.",
            "#q-budget-0",
        ),
        (
            vec![("budget.roads", "100"), ("day.work", "8"), ("day.sleep", "8")],
            "The points must add up to 24; now they add up to 16.",
            "#q-day-0",
        ),
    ];
    for (answers, message, link) in cases {
        assert_eq!(r.send(&answers), 422, "{answers:?}: {}", r.html);
        assert!(r.html.contains(message), "{answers:?} → {message}: {}", r.html);
        assert!(r.html.contains(&format!("href=\"{link}\"")), "{answers:?} links {link}");
        assert!(r.html.contains("aria-invalid=\"true\""));
        assert_eq!(r.page_id(), "p1");
    }
    // What was typed comes back, with the running total of it.
    r.send(&[("budget.roads", "50"), ("budget.clinics", "20")]);
    assert!(
        r.html.contains("value=\"50\"") && r.html.contains("value=\"20\""),
        "{}",
        r.html
    );
    assert!(r.html.contains(">70</output> of 100"), "{}", r.html);
    // Russian texts.
    r.open("?lang=ru");
    r.send(&[("budget.roads", "50"), ("budget.clinics", "20")]);
    assert!(
        r.html.contains("Сумма баллов должна быть 100, сейчас 70."),
        "{}",
        r.html
    );
    assert!(r.html.contains("Итого: <output"), "{}", r.html);
    r.send(&[("budget.roads", "1.5"), ("budget.clinics", "98.5")]);
    assert!(r.html.contains("Введите целое число не меньше 0."), "{}", r.html);

    // Right: blank boxes are 0; the optional question left blank is no answer, so `why` is skipped.
    assert_eq!(
        r.send(&[("budget.roads", "70"), ("budget.clinics", ""), ("budget.parks", "30")]),
        303
    );
    assert_eq!(r.page_id(), "p2");
    assert!(
        !r.html.contains("name=\"why\""),
        "why is shown only when day was answered"
    );
    assert_eq!(r.send(&[]), 200);
    assert!(r.html.contains("Спасибо"), "{}", r.html);
    let stored = complete_answers(&store, "budget-form");
    assert_eq!(stored.len(), 1);
    let (answers, coded) = &stored[0];
    assert_eq!(
        answers.get("budget"),
        Some(&points(&[("roads", 70), ("clinics", 0), ("parks", 30)]))
    );
    assert_eq!(answers.get("day"), None);
    assert!(coded, "a complete response is also stored coded");

    // Another respondent answers both; `answered(day)` shows the next question.
    let mut r = Respondent::new(&server, "budget-form");
    r.open("?lang=en");
    let sent = [
        ("budget.roads", "0"),
        ("budget.clinics", "100"),
        ("day.work", "8"),
        ("day.sleep", "8"),
        ("day.rest", "8"),
    ];
    assert_eq!(r.send(&sent), 303, "{}", r.html);
    assert!(r.html.contains("name=\"why\""), "{}", r.html);
    // Back to the first page: the boxes are filled in again.
    r.send(&[("_nav", "back")]);
    assert_eq!(r.page_id(), "p1");
    assert!(r.html.contains(">24</output> of 24"), "{}", r.html);
}

backend_tests!(the_form_checks_the_sum_with_and_without_errors);

#[test]
fn options_are_shown_in_each_respondents_order() {
    let db = TestDb::new(&Backend::Sqlite);
    let server = TestServer::start(test_config(&db));
    let _store = import_open(&db, FIXTURE);
    let mut orders = std::collections::BTreeSet::new();
    for _ in 0..12 {
        let mut r = Respondent::new(&server, "budget-form");
        r.open("?lang=en");
        let order: Vec<usize> = OPTIONS
            .iter()
            .map(|o| r.html.find(&format!("name=\"budget.{o}\"")).expect("box"))
            .collect();
        let mut sorted = order.clone();
        sorted.sort_unstable();
        orders.insert(
            sorted
                .iter()
                .map(|p| order.iter().position(|x| x == p))
                .collect::<Vec<_>>(),
        );
        // The day question is not randomized.
        let day: Vec<usize> = ["work", "sleep", "rest"]
            .iter()
            .map(|o| r.html.find(&format!("name=\"day.{o}\"")).expect("box"))
            .collect();
        assert!(day.windows(2).all(|w| w[0] < w[1]));
    }
    assert!(orders.len() > 1, "12 respondents all saw the same order: {orders:?}");
}

// ---------------------------------------------------------------------------------------------------------
// Import, summary against R, results page, exports

/// (case, what, key) → value
fn expected() -> HashMap<(String, String, String), f64> {
    let mut rdr = csv::Reader::from_path(dir().join("expected.csv")).expect("expected.csv");
    rdr.records()
        .map(|r| {
            let r = r.expect("row");
            (
                (r[0].to_owned(), r[1].to_owned(), r[2].to_owned()),
                r[3].parse::<f64>().expect("number"),
            )
        })
        .collect()
}

fn imported(db: &TestDb, case: &str) -> Value {
    let (ok, _, err) = opros(
        db,
        &["survey", "import", dir().join(format!("{case}.yaml")).to_str().unwrap()],
    );
    assert!(ok, "{err}");
    let slug = format!("csum-{case}");
    let file = dir().join(format!("{case}.csv"));
    let (ok, out, err) = opros(db, &["responses", "import", &slug, file.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("240 responses imported"), "{out}");
    let (ok, out, err) = opros(db, &["report", &slug, "--json"]);
    assert!(ok, "{err}");
    serde_json::from_str(&out).expect("summary JSON")
}

fn budget(s: &Value) -> &Value {
    s["questions"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["id"] == "budget"))
        .expect("budget in the summary")
}

fn close(what: &str, got: f64, want: f64) {
    let rel = (got - want).abs() / want.abs().max(1e-12);
    assert!(rel < 1e-9, "{what}: got {got}, R {want} (relative difference {rel:e})");
}

fn mean_points_match_r_survey(backend: Backend) {
    let expected = expected();
    for case in ["design", "raked"] {
        let db = TestDb::new(&backend);
        let s = imported(&db, case);
        let q = budget(&s);
        assert_eq!(q["type"], "constant_sum");
        assert_eq!(q["base_n"], 211, "{q}");
        let rows = q["rows"].as_array().expect("rows");
        assert_eq!(
            rows.iter()
                .map(|r| r["code"].as_str().unwrap_or(""))
                .collect::<Vec<_>>(),
            OPTIONS
        );
        assert_eq!(rows[1]["label"], "Поликлиники");
        let mut checked = 0;
        for row in rows {
            let code = row["code"].as_str().expect("code");
            assert_eq!(row["n"], 211, "{row}");
            for what in ["mean", "se", "ci_low", "ci_high"] {
                let want = expected[&(case.to_owned(), what.to_owned(), code.to_owned())];
                let got = row[what]
                    .as_f64()
                    .unwrap_or_else(|| panic!("{case} {code} {what} in {row}"));
                close(&format!("{case} {code} {what}"), got, want);
                checked += 1;
            }
        }
        assert_eq!(checked, 12);
        let total: f64 = rows.iter().filter_map(|r| r["mean"].as_f64()).sum();
        assert!((total - 100.0).abs() < 1e-9, "the means add up to the total: {total}");
        if case == "raked" {
            assert_eq!(s["weighting"]["method"], "raking", "{}", s["weighting"]);
        }
        // Every imported response is stored coded, and reads back as the CSV gave it.
        let store = Store::open(&db.url).expect("store");
        let stored = complete_answers(&store, &format!("csum-{case}"));
        assert_eq!(stored.len(), 240);
        assert!(stored.iter().all(|(_, coded)| *coded));
        assert_eq!(stored.iter().filter(|(a, _)| a.contains_key("budget")).count(), 211);
        assert_eq!(
            stored[0].0.get("budget"),
            Some(&points(&[("roads", 40), ("clinics", 40), ("parks", 20)]))
        );
    }
}

backend_tests!(mean_points_match_r_survey);

#[test]
fn a_csv_row_that_does_not_add_up_is_refused_with_its_line() {
    let db = TestDb::new(&Backend::Sqlite);
    let (ok, _, err) = opros(&db, &["survey", "import", dir().join("raked.yaml").to_str().unwrap()]);
    assert!(ok, "{err}");
    let tmp = tempfile::tempdir().expect("temporary directory");
    let file = tmp.path().join("answers.csv");
    std::fs::write(
        &file,
        "sex,area,budget.roads,budget.clinics,budget.parks\nm,a,50,50,\nf,b,50,30,10\nm,c,50,x,50\nf,a,,,\n",
    )
    .unwrap();
    let (ok, _, err) = opros(&db, &["responses", "import", "csum-raked", file.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("line 3: question 'budget': The points must add up to 100; now they add up to 90."),
        "{err}"
    );
    assert!(
        err.contains("line 4: question 'budget': Please enter a whole number, 0 or more."),
        "{err}"
    );
    assert!(!err.contains("line 2") && !err.contains("line 5"), "{err}");
}

fn results_page_and_exports_show_each_option(backend: Backend) {
    let db = TestDb::new(&backend);
    let summary = imported(&db, "design");
    let server = TestServer::start(test_config(&db));
    let store = Store::open(&db.url).expect("store");
    store.set_results_published("csum-design", true).expect("publish");
    let c = client();
    let api: Value = c
        .get(server.url("/api/v1/surveys/csum-design/summary?lang=ru"))
        .send()
        .and_then(|r| r.json())
        .expect("summary API");
    assert_eq!(
        budget(&api)["rows"],
        budget(&summary)["rows"],
        "the API gives the same numbers"
    );
    let html = c
        .get(server.url("/results/csum-design?lang=en"))
        .send()
        .and_then(|r| r.text())
        .expect("results page");
    for row in budget(&summary)["rows"].as_array().expect("rows") {
        let mean = format!(
            "<td class=\"mean\">{:.2}</td>",
            row["mean"].as_f64().unwrap_or_default()
        );
        assert!(html.contains(&mean), "{mean}: {html}");
        let code = row["code"].as_str().unwrap_or_default();
        assert!(html.contains(&format!("data-row=\"{code}\"")));
    }
    assert!(html.contains(">Roads</th>"));

    // CSV: a column per option; the export imports again.
    let (ok, csv, err) = opros(&db, &["responses", "export", "csum-design", "--format", "csv"]);
    assert!(ok, "{err}");
    let mut rdr = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = rdr.headers().expect("header").iter().map(str::to_owned).collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))
    };
    let (roads, parks) = (col("budget.roads"), col("budget.parks"));
    assert_eq!(col("budget.clinics"), roads + 1);
    let first = rdr.records().next().expect("a row").expect("row");
    assert_eq!((&first[roads], &first[parks]), ("40", "20"));

    // XLSX: the option columns are numbers, and each is listed with its label.
    let tmp = tempfile::tempdir().expect("temporary directory");
    let out = tmp.path().join("export.xlsx");
    let (ok, _, err) = opros(
        &db,
        &[
            "responses",
            "export",
            "csum-design",
            "--format",
            "xlsx",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let mut book: Xlsx<_> = calamine::open_workbook(&out).expect("xlsx");
    let sheet = book.worksheet_range("microdata").expect("microdata sheet");
    let head: Vec<String> = sheet
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(ToString::to_string)
        .collect();
    let k = head
        .iter()
        .position(|h| h == "budget.roads")
        .expect("budget.roads column");
    assert_eq!(sheet.get((1, k)), Some(&Data::Float(40.0)));
    let vars = book.worksheet_range("questions").expect("questions sheet");
    let listed: Vec<String> = vars.rows().filter_map(|r| r.first().map(ToString::to_string)).collect();
    for o in OPTIONS {
        assert!(listed.contains(&format!("budget.{o}")), "{listed:?}");
    }
}

backend_tests!(results_page_and_exports_show_each_option);

#[test]
fn spss_file_has_a_numeric_variable_per_option() {
    let db = TestDb::new(&Backend::Sqlite);
    imported(&db, "design");
    let tmp = tempfile::tempdir().expect("temporary directory");
    let out = tmp.path().join("export.sav");
    let (ok, _, err) = opros(
        &db,
        &[
            "responses",
            "export",
            "csum-design",
            "--format",
            "sav",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let bytes = std::fs::read(&out).expect("sav");
    // Variable records carry the names (padded to 8 bytes) and long names in the extension record.
    let text = String::from_utf8_lossy(&bytes);
    for o in OPTIONS {
        assert!(text.contains(&format!("budget.{o}")), "budget.{o} in the .sav");
    }
}

// ---------------------------------------------------------------------------------------------------------
// XLSForm

#[test]
fn an_xlsform_naming_the_type_is_not_supported() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("survey").unwrap();
    for (c, h) in ["type", "name", "label"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["constant_sum", "budget", "Budget"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    for (c, v) in ["integer", "age", "Age"].iter().enumerate() {
        ws.write_string(2, c as u16, *v).unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let strict = opros::xlsform::ConvertOptions { lenient: false };
    let err = opros::xlsform::convert(&bytes, "budget.xlsx", &strict)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains(
            "row 2, column type: 'constant_sum' is not supported (it is not an XLSForm question type that Opros knows)"
        ),
        "{err}"
    );
}
