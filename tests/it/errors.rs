//! Error variants that only show when something outside the request is wrong, each triggered through the
//! public API or HTTP and its message checked: a response id taken by another respondent
//! (`StoreError::Corrupt`), a stored response whose answers cannot be read (through the server
//! `WebError::Internal`: a 500 page in the reader's language, the server still up), a database
//! whose schema the migrations cannot apply to (`StoreError::Migration`), and an XLSForm whose converted
//! definition fails the checks (`XlsFormError::Invalid`).

use diesel::connection::SimpleConnection;
use diesel::Connection;
use opros::config::DatabaseUrl;
use opros::store::responses::Submission;
use opros::store::writer::Writer;
use opros::store::{now, Store, StoreError};
use opros::xlsform::{convert, ConvertOptions, XlsFormError};
use scraper::{Html, Selector};

use crate::common::{backend_tests, client, Backend, TestDb};
use crate::results_support::seeded;
use crate::xlsform::generate;

/// A response whose id another respondent's response already has: the store refuses to overwrite it and
/// says the stored data do not fit (`StoreError::Corrupt`).
fn a_response_id_taken_by_another_respondent_is_corrupt(backend: Backend) {
    let db = TestDb::new(&backend);
    let store = Store::open(&db.url).expect("store");
    crate::quality::survey_with_responses(&store, "qe", "");
    let survey = store.find_survey("qe").expect("survey");
    let writer = Writer::start(store.clone());
    let sub = Submission {
        survey_id: survey.id.clone(),
        response_id: "qe-ok1".into(),
        version: 1,
        key_hash: "someone-else".into(),
        language: "en".into(),
        answers_json: "{}".into(),
        codes: None,
        meta_json: "{}".into(),
        page_reached: 1,
        started_at: now(),
        complete: true,
        duration_seconds: Some(60.0),
        quotas: Vec::new(),
        invited: false,
        fresh: true,
    };
    match writer.submit_blocking(sub) {
        Err(e @ StoreError::Corrupt(_)) => assert_eq!(
            e.to_string(),
            "stored data is corrupt: response qe-ok1 could not be stored: its id is taken by another respondent"
        ),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    // The stored response is untouched.
    let rows = store.complete_responses(&survey.id).expect("responses");
    let ok1 = rows.iter().find(|r| r.id == "qe-ok1").expect("qe-ok1");
    assert_eq!(ok1.respondent_key, "key-qe-ok1");
    assert_ne!(ok1.answers, "{}");
}

backend_tests!(a_response_id_taken_by_another_respondent_is_corrupt);

/// A stored response whose answers cannot be read: the results page is a 500 page in the reader's
/// language (no panic, no detail on the page), the API a JSON error, and the server goes on serving.
fn a_corrupt_row_is_an_internal_error_in_the_readers_language(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = seeded(&db, &["healthcare-2026", "transport-2026"]);
    let survey = store.find_survey("healthcare-2026").expect("survey");
    store
        .writer()
        .expect("writer")
        .batch_execute(&format!(
            "UPDATE responses SET answers = '{{\"sex\": [', codes = NULL WHERE id = 'healthcare-2026-00007' AND survey_id = '{}'",
            survey.id
        ))
        .expect("corrupt one row");

    let c = client();
    let title = Selector::parse("h1").expect("selector");
    for (lang, heading, text) in [
        ("en", "Internal Server Error", "Something went wrong on our side"),
        (
            "ru",
            "Внутренняя ошибка сервера",
            "Что-то пошло не так на нашей стороне",
        ),
    ] {
        let r = c
            .get(server.url(&format!("/results/healthcare-2026?lang={lang}")))
            .send()
            .expect("GET results");
        assert_eq!(r.status().as_u16(), 500);
        let html = r.text().expect("body");
        let doc = Html::parse_document(&html);
        let h1: String = doc
            .select(&title)
            .next()
            .map(|h| h.text().collect())
            .unwrap_or_default();
        assert!(h1.contains(heading), "{lang}: {h1}\n{html}");
        assert!(html.contains(text), "{lang}: {html}");
        assert!(html.contains(&format!("lang=\"{lang}\"")), "{lang}: {html}");
        // The detail goes to the log, not to the page.
        assert!(!html.contains("unreadable") && !html.contains("00007"), "{html}");
    }
    let r = c
        .get(server.url("/api/v1/surveys/healthcare-2026/summary"))
        .send()
        .expect("GET api");
    assert_eq!(r.status().as_u16(), 500);
    let body: serde_json::Value = r.json().expect("json error");
    assert_eq!(
        body["error"], "something went wrong on our side; please try again",
        "{body}"
    );
    // Still serving: another survey's results answer.
    let r = c
        .get(server.url("/results/transport-2026?lang=en"))
        .send()
        .expect("GET");
    assert_eq!(r.status().as_u16(), 200);
}

backend_tests!(a_corrupt_row_is_an_internal_error_in_the_readers_language);

fn a_schema_the_migrations_cannot_apply_to_is_a_migration_error(backend: Backend) {
    let db = TestDb::new(&backend);
    // A table of the same name as Opros's, made by something else, before Opros ever ran.
    let create = "CREATE TABLE surveys (something_else INTEGER)";
    match &db.url {
        DatabaseUrl::Sqlite(path) => diesel::SqliteConnection::establish(&path.to_string_lossy())
            .expect("sqlite")
            .batch_execute(create)
            .expect("create"),
        DatabaseUrl::Postgres(url) => diesel::PgConnection::establish(url)
            .expect("postgres")
            .batch_execute(create)
            .expect("create"),
    }
    match Store::open(&db.url) {
        Err(e @ StoreError::Migration(_)) => {
            let msg = e.to_string();
            assert!(msg.starts_with("database migration failed: "), "{msg}");
            assert!(msg.contains("surveys") && msg.contains("already exists"), "{msg}");
        }
        Err(other) => panic!("expected Migration, got {other:?}"),
        Ok(_) => panic!("a database with a foreign surveys table opened"),
    }
}

backend_tests!(a_schema_the_migrations_cannot_apply_to_is_a_migration_error);

/// A constraint whose limit is too large for a number (it reads as infinity) passes the importer's own
/// checks but not the definition's: the converted YAML is refused, kept, and the problem named.
#[test]
fn an_xlsform_whose_definition_fails_the_checks_is_invalid() {
    let huge = format!("1{}", "0".repeat(400));
    let source =
        format!("[survey]\ntype | name | label::English (en) | constraint\ndecimal | q1 | One | . <= {huge}\n");
    match convert(
        &generate::xlsx(&source),
        "huge.xlsx",
        &ConvertOptions { lenient: false },
    ) {
        Err(e @ XlsFormError::Invalid { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("huge.xlsx: the converted definition does not pass the checks:"),
                "{msg}"
            );
            assert!(msg.contains("huge.yaml:9: question 'q1'"), "{msg}");
            let XlsFormError::Invalid { yaml, .. } = e else {
                unreachable!()
            };
            assert!(yaml.contains("id: q1"), "the YAML is kept to be fixed by hand:\n{yaml}");
        }
        Err(other) => panic!("expected Invalid, got {other}"),
        Ok(c) => panic!("converted:\n{}", c.yaml),
    }
}
