//! The real server on a random port: the front page and health, on SQLite and PostgreSQL.

use crate::common;
use crate::common::{backend_tests, client, test_config, Backend, TestDb, TestServer};

fn front_page_lists_open_example_surveys_and_health_answers(backend: Backend) {
    let db = TestDb::new(&backend);
    let server = TestServer::start(test_config(&db));
    let http = client();

    let health = http.get(server.url("/healthz")).send().unwrap();
    assert_eq!(health.status(), 200);
    let body: serde_json::Value = health.json().unwrap();
    assert_eq!(body["status"], "ok");

    let index = http.get(server.url("/?lang=en")).send().unwrap();
    assert_eq!(index.status(), 200);
    let html = index.text().unwrap();
    let links = html.matches("href=\"/s/").count();
    assert!(links >= 3, "three example surveys are listed: {html}");

    let api: serde_json::Value = http.get(server.url("/api/v1/surveys")).send().unwrap().json().unwrap();
    let surveys = api["surveys"].as_array().unwrap();
    for s in surveys {
        let slug = s["slug"].as_str().unwrap();
        assert!(html.contains(&format!("href=\"/s/{slug}\"")), "{slug} linked from /");
        let page = http.get(server.url(&format!("/s/{slug}"))).send().unwrap();
        assert_eq!(page.status(), 200, "{slug}");
    }

    let missing = http.get(server.url("/s/no-such-survey")).send().unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().unwrap().contains("no-such-survey"));
}
backend_tests!(front_page_lists_open_example_surveys_and_health_answers);

#[test]
fn language_follows_accept_language_and_query() {
    let db = TestDb::new(&common::Backend::Sqlite);
    let server = TestServer::start(test_config(&db));
    let http = client();
    let ru = http
        .get(server.url("/"))
        .header("Accept-Language", "ru-RU,ru;q=0.9")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(ru.contains("Открытые опросы"));
    let en = http
        .get(server.url("/"))
        .header("Accept-Language", "en-GB,en;q=0.8")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(en.contains("Open surveys"));
    let forced = http
        .get(server.url("/?lang=en"))
        .header("Accept-Language", "ru")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(forced.contains("Open surveys"));
}
