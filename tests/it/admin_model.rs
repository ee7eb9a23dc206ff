//! The workbench's regression page (`GET /admin/surveys/{slug}/model`), on SQLite and PostgreSQL: a plain
//! GET form (no JavaScript), the same coefficients as `opros model --json`, 400 with the valid choices for
//! bad input, and staff only.

use opros::auth::Role;
use serde_json::Value;

use crate::admin_support::{add_user, Staff};
use crate::common::{backend_tests, run_opros as opros, test_config, Backend, TestDb, TestServer};

fn dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/model_trim")
}

/// The text of the first element with class `class` inside the table row of `term`.
fn cell(page: &str, term: &str, class: &str) -> String {
    let row = page
        .split(&format!("<tr data-term=\"{}\">", term.replace('=', "&#x3D;")))
        .nth(1)
        .unwrap_or_else(|| panic!("row {term} in {page}"));
    let row = row.split("</tr>").next().unwrap_or("");
    row.split(&format!("class=\"{class}\">"))
        .nth(1)
        .and_then(|c| c.split('<').next())
        .unwrap_or_else(|| panic!("{class} of {term}"))
        .to_owned()
}

fn model_page(backend: Backend) {
    let db = TestDb::new(&backend);
    let yaml = dir().join("poll.yaml");
    assert!(opros(&db, &["survey", "import", yaml.to_str().unwrap()]).0);
    let data = dir().join("poll.csv");
    assert!(opros(&db, &["responses", "import", "model-trim", data.to_str().unwrap()]).0);
    let (ok, out, err) = opros(
        &db,
        &["model", "model-trim", "--y", "x", "--x", "sex+district", "--json"],
    );
    assert!(ok, "{err}");
    let json: Value = serde_json::from_str(&out).expect("model JSON");

    let server = TestServer::start(test_config(&db));
    add_user(&db, "socio", Role::Sociologist);
    add_user(&db, "official", Role::Official);

    // Signed out: no page.
    let anon = Staff::anonymous(&server);
    let r = anon.get("/admin/surveys/model-trim/model");
    assert_ne!(r.status().as_u16(), 200);
    let official = Staff::login(&server, "official");
    assert_eq!(official.get("/admin/surveys/model-trim/model").status().as_u16(), 403);

    let s = Staff::login(&server, "socio");
    let r = s.get("/admin/surveys/model-trim/model");
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().unwrap();
    assert!(
        page.contains("<form method=\"get\" action=\"/admin/surveys/model-trim/model\""),
        "{page}"
    );
    assert!(
        page.contains("sex, age, district, y, x"),
        "the variables a model can use: {page}"
    );
    assert!(!page.contains("data-term="), "no model before one is asked for");

    let r = s.get("/admin/surveys/model-trim/model?y=x&x=sex%2Bdistrict&family=linear");
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().unwrap();
    for t in json["terms"].as_array().expect("terms") {
        let name = t["name"].as_str().expect("name");
        let want = format!("{:.4}", t["estimate"].as_f64().expect("estimate"));
        assert_eq!(cell(&page, name, "estimate"), want, "{name}");
        let want = format!("{:.4}", t["se"].as_f64().expect("se"));
        assert_eq!(cell(&page, name, "se"), want, "{name}");
    }
    assert!(page.contains("2000 cases"), "{page}");

    let r = s.get("/admin/surveys/model-trim/model?y=y%3Da&x=sex%2Bage&family=logistic");
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().unwrap();
    assert!(
        page.contains("class=\"or\">"),
        "odds ratios of a logistic model: {page}"
    );

    let r = s.get("/admin/surveys/model-trim/model?y=nope&x=sex");
    assert_eq!(r.status().as_u16(), 400);
    let page = r.text().unwrap();
    assert!(
        page.contains("&#x27;nope&#x27; is not a variable this model can use; valid: sex, age, district, y, x"),
        "{page}"
    );
    assert!(page.contains("value=\"nope\""), "the form keeps what was typed: {page}");

    let r = s.get("/admin/surveys/model-trim/model?y=x&x=sex&family=probit");
    assert_eq!(r.status().as_u16(), 400);
    assert!(r
        .text()
        .unwrap()
        .contains("&#x27;probit&#x27; is not a model family; valid: linear, logistic."));

    let r = s.get("/admin/surveys/model-trim/model?y=x&x=sex&filter=sex%3Ax");
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().unwrap().contains("valid: f, m"));

    let r = s.get("/admin/surveys/model-trim/model?y=y&x=sex");
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().unwrap().contains("name one of them as y&#x3D;CODE"));

    let r = s.get("/admin/surveys/nope/model");
    assert_eq!(r.status().as_u16(), 404);
}
backend_tests!(model_page);
