//! The workbench end to end over HTTP: a bad definition (every problem shown with its line, nothing
//! stored), a good one (preview as a respondent sees it, nothing stored), store and open, responses
//! through the respondent form, the fieldwork monitor, close, publish results; populations; automatic
//! closing at the `closes` date (once, whatever the number of instances); audit entries.
//! Each test runs on SQLite and on PostgreSQL (`backend_tests!`).

use crate::admin_support::{add_user, location, Staff};
use crate::common;
use crate::common::{backend_tests, test_config, Backend, TestDb, TestServer};
use crate::forms_support;
use crate::forms_support::Respondent;
use opros::auth::Role;
use opros::catalog::workbench;
use opros::catalog::DefinitionCache;
use opros::store::audit::{self, AuditFilter};
use opros::store::{Status, Store};

const BAD: &str = r#"slug: broken-survey
title: {ru: "Сломанный опрос"}
topic: test
languages: [ru]
pages:
  - id: p1
    questions:
      - id: q1
        type: single_choice
        text: {ru: "Первый"}
        show_if: "q2 == 'a'"
        options:
          - {code: a, label: {ru: "А"}}
          - {code: a, label: {ru: "Б"}}
      - id: q2
        type: single_choice
        text: {ru: "Второй"}
        options:
          - {code: a, label: {ru: "А"}}
"#;

const POPULATION: &str = r#"name: parks-town
title: {en: "Parks town, adults"}
source: "Invented for the tests"
total: 1000
margins:
  sex: {m: 500, f: 500}
"#;

const BAD_POPULATION: &str = r#"name: parks-town
total: 1000
margins:
  sex: {m: 500, f: 300}
"#;

fn good(slug: &str, closes: &str) -> String {
    format!(
        r#"slug: {slug}
title: {{ru: "Парки города", en: "City parks"}}
topic: ecology
languages: [ru, en]
{closes}
pages:
  - id: about
    questions:
      - id: sex
        type: single_choice
        required: true
        text: {{ru: "Ваш пол", en: "Your sex"}}
        options:
          - {{code: m, label: {{ru: "Мужской", en: "Male"}}}}
          - {{code: f, label: {{ru: "Женский", en: "Female"}}}}
  - id: parks
    questions:
      - id: visits
        type: single_choice
        required: true
        text: {{ru: "Как часто вы бываете в парках?", en: "How often do you visit parks?"}}
        options:
          - {{code: often, label: {{ru: "Часто", en: "Often"}}}}
          - {{code: rarely, label: {{ru: "Редко", en: "Rarely"}}}}
weighting:
  method: raking
  variables: [sex]
  population: populations/parks-town.yaml
report:
  min_cell: 1
"#
    )
}

fn upload_id(r: &reqwest::blocking::Response) -> String {
    let loc = location(r);
    assert!(
        loc.starts_with("/admin/uploads/"),
        "redirect to the preview, got '{loc}'"
    );
    loc.trim_start_matches("/admin/uploads/").to_owned()
}

fn workbench_flow_end_to_end(b: Backend) {
    let db = TestDb::new(&b);
    let server = TestServer::start(test_config(&db));
    add_user(&db, "socio", Role::Sociologist);
    add_user(&db, "root", Role::Admin);
    let s = Staff::login(&server, "socio");
    let store = Store::open(&db.url).unwrap();
    let surveys_before = store.list_surveys().unwrap().len();

    // 1. A bad definition: every problem with its line; nothing stored.
    let r = s.upload("/admin/surveys/new", "file", "broken.yaml", BAD);
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().unwrap();
    let problems: Vec<&str> = page.split("<li><code>broken.yaml:").skip(1).collect();
    assert!(problems.len() >= 2, "every problem is listed, each with a line: {page}");
    assert!(page.contains("nothing was stored"));
    assert!(
        page.contains("broken.yaml:11"),
        "the show_if problem points at its line: {page}"
    );
    assert_eq!(store.list_surveys().unwrap().len(), surveys_before);
    assert!(store.find_survey("broken-survey").is_err());

    // A definition naming a population the workbench does not know is refused with a way forward.
    let r = s.post("/admin/surveys/new", &[("definition", &good("city-parks", ""))]);
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().unwrap().contains("upload it on the Populations page first"));

    // 2. Populations: a bad file shows its problems; a good one is stored and listed.
    let r = s.upload("/admin/populations", "file", "parks-town.yaml", BAD_POPULATION);
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().unwrap().contains("populations/parks-town.yaml"));
    let r = s.upload("/admin/populations", "file", "parks-town.yaml", POPULATION);
    assert_eq!(r.status().as_u16(), 303);
    let pops = s.get("/admin/populations").text().unwrap();
    assert!(pops.contains("populations/parks-town.yaml") && pops.contains("parks-town"));
    assert!(pops.contains("populations/example.yaml"), "the examples are listed too");

    // 3. The good definition (pasted): preview, nothing stored yet.
    let r = s.post("/admin/surveys/new", &[("definition", &good("city-parks", ""))]);
    assert_eq!(r.status().as_u16(), 303);
    let id = upload_id(&r);
    assert!(
        store.find_survey("city-parks").is_err(),
        "not stored before confirmation"
    );
    let preview = s.get(&format!("/admin/uploads/{id}")).text().unwrap();
    assert!(
        preview.contains("Preview") && preview.contains("Ваш пол"),
        "the respondent's first page"
    );
    assert!(preview.contains("name=\"sex\""), "the respondent form's own inputs");
    assert!(preview.contains("A new survey."));
    let en = s.get(&format!("/admin/uploads/{id}?lang=en")).text().unwrap();
    assert!(en.contains("Your sex"));
    // Sending a page in the preview checks it as for a respondent…
    let r = s.post(&format!("/admin/uploads/{id}/preview?lang=en"), &[("_page", "about")]);
    assert_eq!(r.status().as_u16(), 422, "required question unanswered");
    let r = s.post(
        &format!("/admin/uploads/{id}/preview?lang=en"),
        &[("_page", "about"), ("sex", "f")],
    );
    let status = r.status().as_u16();
    let page2 = r.text().unwrap();
    assert_eq!(status, 200, "{page2}");
    assert!(page2.contains("How often do you visit parks?"));
    let carried = forms_support::attr_after(&page2, "name=\"_preview_answers\"", "value").unwrap();
    assert_eq!(carried, r#"{"sex":"f"}"#);
    let form_start = page2.find("class=\"survey-form\"").unwrap();
    let form_end = form_start + page2[form_start..].find("</form>").unwrap();
    assert!(
        page2[form_start..form_end].contains("name=\"_preview_answers\""),
        "carried inside the respondent form"
    );
    let r = s.post(
        &format!("/admin/uploads/{id}/preview?lang=en"),
        &[("_page", "parks"), ("visits", "often"), ("_preview_answers", &carried)],
    );
    let status = r.status().as_u16();
    let end = r.text().unwrap();
    assert_eq!(status, 200, "{end}");
    assert!(end.contains("End of the preview") && end.contains("Nothing was stored"));
    assert!(store.find_survey("city-parks").is_err(), "the preview stored nothing");

    // 4. Store and open.
    let r = s.post(&format!("/admin/uploads/{id}"), &[("action", "store_open")]);
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/admin/surveys/city-parks");
    let sv = store.find_survey("city-parks").unwrap();
    assert_eq!(sv.status().unwrap(), Status::Open);
    assert_eq!(sv.current_version, 1);
    assert_eq!(store.complete_responses(&sv.id).unwrap().len(), 0);
    assert_eq!(
        s.get(&format!("/admin/uploads/{id}")).status().as_u16(),
        404,
        "the upload is used up"
    );
    let pops = s.get("/admin/populations").text().unwrap();
    assert!(
        pops.contains("city-parks v1"),
        "the population lists the versions that use it"
    );

    // 5. Responses through the respondent form: 3 men and 1 woman complete, one stops after page 1.
    for sex in ["m", "m", "m", "f"] {
        let mut resp = Respondent::new(&server, "city-parks");
        assert_eq!(resp.open(""), 200);
        assert_eq!(resp.send(&[("sex", sex)]), 303);
        assert_eq!(resp.send(&[("visits", "often")]), 200);
        assert!(
            resp.html.contains("Спасибо") || resp.html.to_lowercase().contains("thank"),
            "thank-you page"
        );
    }
    let mut quitter = Respondent::new(&server, "city-parks");
    quitter.open("");
    assert_eq!(quitter.send(&[("sex", "m")]), 303);

    // 6. The fieldwork monitor.
    let m = s.get("/admin/surveys/city-parks/monitor");
    assert_eq!(m.status().as_u16(), 200);
    let m = m.text().unwrap();
    assert!(m.contains("<dd id=\"m-started\">5</dd>"), "{m}");
    assert!(m.contains("<dd id=\"m-complete\">4</dd>"));
    assert!(m.contains("<dd id=\"m-partial\">1</dd>"));
    assert!(m.contains("<dd id=\"m-completion\">80.0%</dd>"));
    assert!(m.contains("<svg role=\"img\""), "the per-day chart");
    // Drop-off bars: the page nobody left has none; the page where one of five stopped (the second: the
    // quitter sent the first) has a visible one; each is labelled with its rate.
    let bars: Vec<(f64, String)> = m
        .split("class=\"drop-bar\"")
        .skip(1)
        .map(|bar| {
            let width = bar
                .split("width=\"")
                .nth(2)
                .and_then(|w| w.split('"').next())
                .and_then(|w| w.parse::<f64>().ok())
                .unwrap_or(-1.0);
            let label = bar
                .split("<text")
                .nth(1)
                .and_then(|t| t.split('>').nth(1))
                .and_then(|t| t.split('<').next())
                .unwrap_or("")
                .to_owned();
            (width, label)
        })
        .collect();
    assert_eq!(bars.len(), 2, "{m}");
    assert!(bars[0].0 == 0.0 && bars[0].1 == "0.0%", "{bars:?}");
    assert!(bars[1].0 > 50.0 && bars[1].1 == "20.0%", "{bars:?}");
    assert!(m.contains("If weighted now (raking)"), "the method by its name: {m}");
    // Raking on one variable = post-stratification: weights 500/3 for the 3 men, 500 for the woman;
    // Kish deff = n·Σw²/(Σw)² = 4·(3·(500/3)² + 500²)/1000² = 4/3; effective n = 4/(4/3) = 3.
    assert!(m.contains("design effect <strong>1.33</strong>"), "{m}");
    assert!(m.contains("effective sample size <strong>3.0</strong>"));
    assert!(
        m.contains("Your sex: Female: 25.0% of sample, 50.0% of population (1 respondent)"),
        "the survey's English texts on the English monitor: {m}"
    );

    // 7. Close (with confirmation), then publish results.
    let confirm = s.get("/admin/surveys/city-parks/confirm?action=close").text().unwrap();
    assert!(confirm.contains("name=\"confirm\" value=\"yes\""));
    let r = s.post("/admin/surveys/city-parks/status", &[("action", "close")]);
    assert_eq!(r.status().as_u16(), 400, "not without the confirmation");
    assert_eq!(store.find_survey("city-parks").unwrap().status().unwrap(), Status::Open);
    let r = s.post(
        "/admin/surveys/city-parks/status",
        &[("action", "close"), ("confirm", "yes")],
    );
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        store.find_survey("city-parks").unwrap().status().unwrap(),
        Status::Closed
    );
    let mut late = Respondent::new(&server, "city-parks");
    late.open("");
    assert!(!late.html.contains("name=\"sex\""), "a closed survey shows no form");

    let anon = Staff::anonymous(&server);
    assert_eq!(anon.get("/results/city-parks").status().as_u16(), 404);
    let r = s.post(
        "/admin/surveys/city-parks/status",
        &[("action", "publish_results"), ("confirm", "yes")],
    );
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(anon.get("/results/city-parks").status().as_u16(), 200);
    let r = s.post(
        "/admin/surveys/city-parks/status",
        &[("action", "unpublish_results"), ("confirm", "yes")],
    );
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(anon.get("/results/city-parks").status().as_u16(), 404);

    // 8. A new version of the survey: the preview says which version it becomes.
    let r = s.upload("/admin/surveys/new", "file", "parks-v2.yaml", &good("city-parks", ""));
    let id2 = upload_id(&r);
    let p = s.get(&format!("/admin/uploads/{id2}")).text().unwrap();
    assert!(p.contains("Will become version 2"), "{p}");
    let r = s.post(&format!("/admin/uploads/{id2}"), &[("action", "store")]);
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(store.find_survey("city-parks").unwrap().current_version, 2);

    // 9. The audit log has every change with who and which version; admins read it.
    let log = audit::list(
        &store,
        &AuditFilter {
            survey_slug: Some("city-parks".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let seen: Vec<(String, String, Option<i32>)> = log
        .iter()
        .rev()
        .map(|e| (e.actor.clone(), e.action.clone(), e.survey_version))
        .collect();
    let expect = [
        ("socio", "survey.create", Some(1)),
        ("socio", "survey.open", Some(1)),
        ("socio", "survey.close", Some(1)),
        ("socio", "results.publish", Some(1)),
        ("socio", "results.unpublish", Some(1)),
        ("socio", "survey.new_version", Some(2)),
    ];
    let expect: Vec<(String, String, Option<i32>)> = expect
        .iter()
        .map(|(a, b, v)| (a.to_string(), b.to_string(), *v))
        .collect();
    assert_eq!(seen, expect);
    let pop_log = audit::list(&store, &AuditFilter::default()).unwrap();
    assert!(pop_log
        .iter()
        .any(|e| e.action == "population.upload" && e.actor == "socio"));
    assert_eq!(
        s.get("/admin/audit").status().as_u16(),
        403,
        "only admins read the audit log"
    );
    let admin = Staff::login(&server, "root");
    let page = admin.get("/admin/audit?survey=city-parks").text().unwrap();
    assert!(page.contains("survey.close") && page.contains("results.publish") && page.contains("socio"));
}
backend_tests!(workbench_flow_end_to_end);

#[test]
fn staff_forms_need_the_csrf_token() {
    let db = TestDb::new(&common::Backend::Sqlite);
    let server = TestServer::start(test_config(&db));
    add_user(&db, "socio", Role::Sociologist);
    let s = Staff::login(&server, "socio");
    let store = Store::open(&db.url).unwrap();
    let forged = Staff {
        csrf: "0".repeat(32),
        http: s.http.clone(),
        base: s.base.clone(),
    };
    for (path, fields) in [
        (
            "/admin/surveys/transport-2026/status",
            vec![("action", "close"), ("confirm", "yes")],
        ),
        ("/admin/surveys/new", vec![("definition", "slug: x")]),
        ("/admin/populations", vec![("name", "x.yaml"), ("text", POPULATION)]),
        (
            "/admin/surveys/transport-2026/access",
            vec![("action", "grant"), ("login", "socio")],
        ),
    ] {
        assert_eq!(
            forged.post(path, &fields).status().as_u16(),
            403,
            "{path} with a wrong token"
        );
        assert_eq!(
            s.post_form(path, &fields).status().as_u16(),
            403,
            "{path} without a token"
        );
    }
    assert_eq!(
        store.find_survey("transport-2026").unwrap().status().unwrap(),
        Status::Open
    );
    assert!(audit::list(&store, &AuditFilter::default())
        .unwrap()
        .iter()
        .all(|e| e.action == "login"));
}

fn surveys_close_by_themselves_after_their_closes_date_exactly_once(b: Backend) {
    let db = TestDb::new(&b);
    let server = TestServer::start(test_config(&db));
    add_user(&db, "socio", Role::Sociologist);
    let store = Store::open(&db.url).unwrap();
    let yesterday = (chrono::Utc::now().date_naive() - chrono::Duration::days(1)).to_string();
    // Stored directly (the workbench refuses to open a survey past its date).
    let def = good("old-parks", &format!("closes: {yesterday}")).replace(
        "  population: populations/parks-town.yaml\n",
        "  targets: {total: 1000, margins: {sex: {m: 500, f: 500}}}\n",
    );
    let p = opros::catalog::prepare_source(&def, "old.yaml", None, None).unwrap();
    opros::catalog::store_prepared(&store, &p).unwrap();
    store.set_status("old-parks", Status::Open).unwrap();

    // Several checks at once (each with its own definition cache, as separate instances would have;
    // one pool keeps the number of PostgreSQL connections low): one closes it, one audit entry.
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let st = store.clone();
            std::thread::spawn(move || {
                workbench::auto_close_due(&st, &DefinitionCache::default(), chrono::Utc::now().date_naive()).unwrap()
            })
        })
        .collect();
    let closed: Vec<String> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    assert_eq!(closed, vec!["old-parks".to_owned()]);
    assert_eq!(
        store.find_survey("old-parks").unwrap().status().unwrap(),
        Status::Closed
    );
    let entries: Vec<_> = audit::list(
        &store,
        &AuditFilter {
            survey_slug: Some("old-parks".into()),
            ..Default::default()
        },
    )
    .unwrap()
    .into_iter()
    .filter(|e| e.action == "survey.auto_close")
    .collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor, "system");

    // Reopening in the workbench is refused with the reason; the form says closed.
    let s = Staff::login(&server, "socio");
    let r = s.post(
        "/admin/surveys/old-parks/status",
        &[("action", "open"), ("confirm", "yes")],
    );
    assert_eq!(r.status().as_u16(), 409);
    assert!(r.text().unwrap().contains("store a new version with a later"));

    // The check also runs on workbench requests: another overdue survey is closed by viewing the list.
    let p = opros::catalog::prepare_source(&def.replace("old-parks", "old-parks-2"), "old2.yaml", None, None).unwrap();
    opros::catalog::store_prepared(&store, &p).unwrap();
    store.set_status("old-parks-2", Status::Open).unwrap();
    assert_eq!(s.get("/admin").status().as_u16(), 200);
    assert_eq!(
        store.find_survey("old-parks-2").unwrap().status().unwrap(),
        Status::Closed
    );
}
backend_tests!(surveys_close_by_themselves_after_their_closes_date_exactly_once);

#[test]
fn officials_see_the_list_but_not_the_workbench_and_can_be_given_results() {
    let db = TestDb::new(&common::Backend::Sqlite);
    let server = TestServer::start(test_config(&db));
    add_user(&db, "socio", Role::Sociologist);
    add_user(&db, "mayor", Role::Official);
    let s = Staff::login(&server, "socio");
    let o = Staff::login(&server, "mayor");
    let list = o.get("/admin").text().unwrap();
    assert!(list.contains("transport-2026") && !list.contains("/admin/surveys/transport-2026/monitor"));
    assert_eq!(o.get("/admin/surveys/transport-2026/monitor").status().as_u16(), 403);
    let r = s.post(
        "/admin/surveys/housing-2026/access",
        &[("action", "grant"), ("login", "mayor")],
    );
    assert_eq!(r.status().as_u16(), 303);
    let detail = s.get("/admin/surveys/housing-2026").text().unwrap();
    assert!(detail.contains("mayor"));
    let r = s.post(
        "/admin/surveys/housing-2026/access",
        &[("action", "grant"), ("login", "socio")],
    );
    assert_eq!(r.status().as_u16(), 409, "only officials are given access");
    let store = Store::open(&db.url).unwrap();
    let housing = store.find_survey("housing-2026").unwrap();
    let mayor = opros::auth::users::find(&store, "mayor").unwrap();
    assert!(workbench::has_result_access(&store, &mayor.id, &housing.id).unwrap());
    // Unpublished results: the official reads those of housing, not those of healthcare; the public neither.
    assert_eq!(o.get("/results/housing-2026").status().as_u16(), 200);
    assert_eq!(o.get("/api/v1/surveys/housing-2026/summary").status().as_u16(), 200);
    assert_eq!(o.get("/results/healthcare-2026").status().as_u16(), 404);
    assert_eq!(
        Staff::anonymous(&server).get("/results/housing-2026").status().as_u16(),
        404
    );
    assert_eq!(
        o.get("/results/housing-2026/export.csv?data=microdata")
            .status()
            .as_u16(),
        403,
        "no microdata for officials"
    );
    let r = s.post(
        "/admin/surveys/housing-2026/access",
        &[("action", "revoke"), ("login", "mayor")],
    );
    assert_eq!(r.status().as_u16(), 303);
    assert!(!workbench::has_result_access(&store, &mayor.id, &housing.id).unwrap());
    assert_eq!(o.get("/results/housing-2026").status().as_u16(), 404);
}
