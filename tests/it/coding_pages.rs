//! The coding workbench over HTTP: the page in Russian, coding with a form post (CSRF required), the next
//! answer after saving, search by word forms with the bulk rule, blind second coding that hides the first
//! codes, disagreements, errors with their status, and the coded question in the summary API; on SQLite
//! and PostgreSQL. Two app instances on one database: a coding decision stored through one is in the other's
//! summary at once (its cached summary is keyed by the survey's coding stamp).

use opros::auth::Role;
use opros::store::Store;

use crate::admin_support::{add_user, location, Staff};
use crate::coding_support::{seed, SLUG};
use crate::common::{backend_tests, test_config, Backend, TestDb, TestServer};

const PAGE: &str = "/admin/surveys/coding/coding/why";

fn coding_workbench_over_http(backend: Backend) {
    let db = TestDb::new(&backend);
    let server = TestServer::start(test_config(&db));
    let store = Store::open(&db.url).expect("open");
    let ids = seed(&store);
    store.set_status(SLUG, opros::store::Status::Open).expect("open");
    add_user(&db, "anna", Role::Sociologist);
    add_user(&db, "boris", Role::Sociologist);
    let anna = Staff::login(&server, "anna");

    let survey = anna.get("/admin/surveys/coding").text().expect("survey page");
    assert!(
        survey.contains("href=\"/admin/surveys/coding/coding/why\""),
        "the survey page links to coding"
    );
    let page = anna.get(PAGE);
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().expect("body");
    assert!(html.contains("Дороги разбиты, ямы везде"), "the first answer is shown");
    assert!(
        html.contains("Coded 0 of 8"),
        "progress: {}",
        &html[html.find("id=\"progress\"").unwrap_or(0)..][..300]
    );
    assert!(html.contains("data-key=\"1\""), "keys for the codes");
    assert!(html.contains("/static/coding.js"));

    // Without the CSRF token nothing is stored.
    let r = anna.post_form(PAGE, &[("action", "code"), ("response", &ids[0]), ("code", "roads")]);
    assert_ne!(r.status().as_u16(), 303);
    // With it: saved, and on to the next answer.
    let r = anna.post(PAGE, &[("action", "code"), ("response", &ids[0]), ("code", "roads")]);
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).ends_with(&format!("?at={}", ids[1])), "{}", location(&r));
    let r = anna.post(PAGE, &[("action", "code"), ("response", &ids[1]), ("code", "nope")]);
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().expect("body").contains("nope"));

    // Search in any word form, then the bulk rule.
    let html = anna
        .get(&format!("{PAGE}?q=%D0%B4%D0%BE%D1%80%D0%BE%D0%B3%D0%B0"))
        .text()
        .expect("body");
    assert!(
        html.contains("Дорогу во дворе не чинят") && html.contains("id=\"bulk-form\""),
        "{html}"
    );
    let r = anna.post(PAGE, &[("action", "bulk"), ("q", "дорога"), ("code", "roads")]);
    assert_eq!(r.status().as_u16(), 303);
    let r = anna.post(PAGE, &[("action", "bulk"), ("q", "  "), ("code", "roads")]);
    assert_eq!(r.status().as_u16(), 400);
    let html = anna.get(PAGE).text().expect("body");
    assert!(html.contains("Coded 3 of 8"), "bulk coded two more");

    // Blind second round: the first codes are not shown.
    let boris = Staff::login(&server, "boris");
    let double: Vec<String> = opros::catalog::coding::open(&store, &Default::default(), SLUG, "why")
        .expect("bench")
        .answers
        .iter()
        .filter(|a| a.double && a.first.is_some())
        .map(|a| a.response_id.clone())
        .collect();
    // The sample is fixed by a hash of the response id: one of the coded answers is in it.
    let id = double.first().expect("a coded answer in the second-coding sample");
    {
        let html = boris.get(&format!("{PAGE}?at={id}&round=2")).text().expect("body");
        assert!(!html.contains("checked"), "blind: nothing ticked in round 2");
        let r = boris.post(
            PAGE,
            &[("action", "code"), ("response", id), ("round", "2"), ("code", "trash")],
        );
        assert_eq!(r.status().as_u16(), 303);
        let html = anna.get(PAGE).text().expect("body");
        assert!(html.contains("class=\"disagreement\""), "the disagreement is listed");
        let r = anna.post(PAGE, &[("action", "resolve"), ("response", id), ("code", "roads")]);
        assert_eq!(r.status().as_u16(), 303);
    }

    // A codebook that drops a code in use is refused (409) and says which.
    let r = anna.post(
        PAGE,
        &[
            ("action", "codebook"),
            ("codebook", "codes: [{code: bus, label: {ru: Т}}]"),
        ],
    );
    assert_eq!(r.status().as_u16(), 409);
    assert!(r.text().expect("body").contains("roads"));
    assert_eq!(anna.get("/admin/surveys/coding/coding/sex").status().as_u16(), 404);

    // The summary API carries the coded question ("coded 3 of 8") like a multiple choice.
    store.set_results_published(SLUG, true).expect("publish");
    let r = anna.get(&format!("/api/v1/surveys/{SLUG}/summary"));
    assert_eq!(r.status().as_u16(), 200);
    let v: serde_json::Value = r.json().expect("json");
    let q = v["questions"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["id"] == "why"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(q["coding"]["answered"], 8, "{q}");
    assert_eq!(q["coding"]["coded"], 3, "{q}");
    assert_eq!(q["base_n"], 3);
    assert_eq!(q["options"].as_array().map(Vec::len), Some(3));

    // A quote: the sociologist sees the masked text before publishing; the results page shows only it.
    let html = anna.get(&format!("{PAGE}?at={}", ids[2])).text().expect("body");
    assert!(
        html.contains("Мусор не вывозят, звоните [номер скрыт]"),
        "preview of the masked quote"
    );
    let r = anna.post(PAGE, &[("action", "quote"), ("response", &ids[2]), ("code", "trash")]);
    assert_eq!(r.status().as_u16(), 303);
    let page = anna.get(&format!("/results/{SLUG}?lang=ru")).text().expect("results");
    assert!(
        page.contains("Закодировано 3 из 8 ответов"),
        "coded count on the results page"
    );
    assert!(page.contains("звоните [номер скрыт]"), "the quote under its question");
    assert!(
        !page.contains("345-67-89"),
        "the raw answer never reaches the results page"
    );
}
backend_tests!(coding_workbench_over_http);

fn coding_reaches_the_other_instance(backend: Backend) {
    let db = TestDb::new(&backend);
    let one = TestServer::start(test_config(&db));
    let two = TestServer::start(test_config(&db));
    let store = Store::open(&db.url).expect("open");
    let ids = seed(&store);
    store.set_status(SLUG, opros::store::Status::Open).expect("open");
    store.set_results_published(SLUG, true).expect("publish");
    add_user(&db, "anna", Role::Sociologist);
    let anna = Staff::login(&one, "anna");
    let coded = |server: &TestServer| -> serde_json::Value {
        let r = reqwest::blocking::get(server.url(&format!("/api/v1/surveys/{SLUG}/summary"))).expect("GET");
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().expect("json");
        v["questions"]
            .as_array()
            .and_then(|qs| qs.iter().find(|q| q["id"] == "why"))
            .map(|q| q["coding"]["coded"].clone())
            .unwrap_or_default()
    };
    // The second instance computes and caches its summary: nothing coded.
    assert_eq!(coded(&two), 0);
    assert_eq!(coded(&two), 0);
    // Coded through the first instance: the second's next summary has it, without new responses.
    let r = anna.post(PAGE, &[("action", "code"), ("response", &ids[0]), ("code", "roads")]);
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(coded(&two), 1, "the other instance's summary is not stale");
    // A recoding (same count of coded answers) reaches it too, as does a new codebook version.
    let r = anna.post(PAGE, &[("action", "code"), ("response", &ids[0]), ("code", "bus")]);
    assert_eq!(r.status().as_u16(), 303);
    let bus = |server: &TestServer| -> Option<f64> {
        let r = reqwest::blocking::get(server.url(&format!("/api/v1/surveys/{SLUG}/summary"))).expect("GET");
        let v: serde_json::Value = r.json().expect("json");
        v["questions"]
            .as_array()
            .and_then(|qs| qs.iter().find(|q| q["id"] == "why"))
            .and_then(|q| q["options"].as_array().cloned())
            .and_then(|os| os.into_iter().find(|o| o["code"] == "bus"))
            .and_then(|o| o["share"].as_f64())
    };
    assert_eq!(bus(&two), Some(1.0), "the recoded answer counts as transport");
    assert_eq!(bus(&one), Some(1.0));
}
backend_tests!(coding_reaches_the_other_instance);
