//! The database briefly unavailable: a locked SQLite file answers 503 with a page that says to try again,
//! nothing half-written is kept, and the same page sent again after the lock is gone is accepted — no
//! restart needed.

use std::time::Duration;

use crate::common::{test_config, Backend, TestDb, TestServer};
use crate::forms_support::{import_open, Respondent};
use diesel::connection::SimpleConnection;
use diesel::Connection;

const ONE_PAGE: &str = r#"
slug: outage
title: {ru: "Сбой", en: "Outage"}
topic: economy
languages: [ru, en]
pages:
  - id: p1
    questions:
      - id: q1
        type: single_choice
        text: {ru: "Вопрос", en: "Question"}
        required: true
        options:
          - {code: a, label: {ru: "А", en: "A"}}
          - {code: b, label: {ru: "Б", en: "B"}}
"#;

#[test]
fn locked_sqlite_gives_503_and_recovers_without_restart() {
    let db = TestDb::new(&Backend::Sqlite);
    let server = TestServer::start(test_config(&db));
    let store = import_open(&db, ONE_PAGE);
    let survey = store.find_survey("outage").unwrap();
    let mut r = Respondent::new(&server, "outage");
    assert_eq!(r.open("?lang=en"), 200);
    let page = (r.hidden("_csrf"), r.page_id(), r.hidden("_shown"));

    // Another process holds the write lock longer than the server's busy timeout (5 s).
    let path = match &db.url {
        opros::config::DatabaseUrl::Sqlite(p) => p.display().to_string(),
        opros::config::DatabaseUrl::Postgres(_) => unreachable!(),
    };
    let mut locker = diesel::SqliteConnection::establish(&path).unwrap();
    // It waits for a write the server may be finishing (the first-page open is counted after the GET).
    locker
        .batch_execute("PRAGMA busy_timeout = 5000; BEGIN EXCLUSIVE")
        .unwrap();
    let body = serde_urlencoded::to_string([
        ("_csrf", page.0.as_str()),
        ("_page", page.1.as_str()),
        ("_shown", page.2.as_str()),
        ("q1", "a"),
    ])
    .unwrap();
    let status = r.post_raw(body.clone());
    assert_eq!(status, 503, "{}", r.html);
    assert!(r.html.contains("try again"), "{}", r.html);
    // The page tells how to resubmit: reloading it sends the same body again (what the test does below).
    assert!(
        r.html.contains("reloading this page sends what you entered again"),
        "{}",
        r.html
    );
    locker.batch_execute("ROLLBACK").unwrap();
    drop(locker);

    std::thread::sleep(Duration::from_millis(100));
    assert!(store
        .response_counts(&survey.id)
        .unwrap()
        .iter()
        .all(|(s, _)| s != "complete"));
    // The same submission sent again is accepted once the database is free.
    let status = r.post_raw(body);
    assert_eq!(status, 200, "{}", r.html);
    assert!(r.html.contains("Thank you"), "{}", r.html);
    assert_eq!(
        store.response_counts(&survey.id).unwrap(),
        vec![("complete".to_owned(), 1)]
    );
}
