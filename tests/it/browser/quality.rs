//! Journey: a sociologist reviews flagged responses in the browser, excludes two at once with a reason,
//! reinstates one, and the public summary follows each decision (desktop and a 360 px phone).

use super::driver::{Browser, Options, Viewport};
use crate::admin_support::{add_user, PASSWORD};
use crate::common::{client, test_config, Backend, TestDb, TestServer};
use opros::auth::Role;
use opros::store::Store;

/// Complete responses in the public summary (read off the async test's thread: the client blocks).
fn summary_n(server: &TestServer) -> u64 {
    let url = server.url("/api/v1/surveys/qa/summary");
    std::thread::spawn(move || {
        let v: serde_json::Value = client().get(url).send().expect("summary").json().expect("summary json");
        v["n"].as_u64().unwrap_or(0)
    })
    .join()
    .expect("summary thread")
}

async fn decide(b: &Browser, picks: &[&str], reason: &str, button: &str) {
    for id in picks {
        b.click(&format!("input[name=id][value=\"{id}\"]")).await;
    }
    b.type_into("#reason", reason).await;
    b.submit(button).await;
}

async fn review(viewport: Viewport) {
    let db = TestDb::new(&Backend::Sqlite);
    let store = Store::open(&db.url).expect("store");
    // The response writer is waited on by blocking: off the async test's thread.
    std::thread::spawn(move || crate::quality::survey_with_responses(&store, "qa", ""))
        .join()
        .expect("responses written");
    let server = TestServer::start(test_config(&db));
    add_user(&db, "socio", Role::Sociologist);
    let options = Options {
        viewport,
        javascript: true,
    };
    let mut b = Browser::start("quality-review", &server.base, options).await;
    b.goto("/login").await;
    b.type_into("#login", "socio").await;
    b.type_into("#password", PASSWORD).await;
    b.submit("form button[type=submit]").await;

    b.goto("/admin/surveys/qa/quality").await;
    b.check_width().await;
    b.shot("flagged").await;
    assert_eq!(b.text("#q-flagged").await, "3");
    assert_eq!(b.text("#q-excluded").await, "0");
    assert_eq!(summary_n(&server), 6);

    // Two at once.
    decide(&b, &["qa-fast", "qa-liner"], "not a real answer", "#do-exclude").await;
    b.shot("excluded").await;
    assert_eq!(b.text("#q-excluded").await, "2");
    assert!(b.exists("tr.excluded[data-response=qa-fast]").await);
    assert!(b.exists("tr.excluded[data-response=qa-liner]").await);
    assert_eq!(summary_n(&server), 4);

    // One back.
    decide(&b, &["qa-fast"], "checked: a fast reader", "#do-keep").await;
    b.shot("reinstated").await;
    assert_eq!(b.text("#q-excluded").await, "1");
    assert!(!b.exists("tr.excluded[data-response=qa-fast]").await);
    assert!(b.text("tr[data-response=qa-fast] td.state").await.contains("kept"));
    assert_eq!(summary_n(&server), 5);

    // The methodology page says so.
    b.goto("/results/qa/methodology?lang=en").await;
    b.check_width().await;
    let said = b.text("#screening").await;
    assert!(said.contains("One complete response was left out"), "{said}");
    b.close().await;
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn a_sociologist_excludes_and_reinstates_flagged_responses_on_a_desktop() {
    review(Viewport::Desktop).await;
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn a_sociologist_excludes_and_reinstates_flagged_responses_on_a_phone() {
    review(Viewport::Phone).await;
}
