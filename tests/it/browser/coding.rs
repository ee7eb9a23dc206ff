//! A coder works the coding workbench with the keyboard: `1` ticks the first code, `Enter` saves and moves
//! on, `n` goes to the next answer; a bulk rule and the resolution of a second coder's disagreement go
//! through the page's forms; the results page then shows the same counts as the summary.

use opros::auth::Role;
use opros::store::Store;

use super::driver::{Browser, Options, Viewport};
use super::keyboard::{key, press};
use crate::admin_support::{add_user, PASSWORD};
use crate::coding_support::{seed, SLUG};
use crate::common::{test_config, Backend, TestDb, TestServer};

async fn login(b: &Browser, who: &str) {
    b.goto("/login").await;
    b.type_into("input[name=login]", who).await;
    b.type_into("input[name=password]", PASSWORD).await;
    b.submit("form button[type=submit]").await;
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn coder_codes_answers_with_the_keyboard() {
    let db = TestDb::new(&Backend::Sqlite);
    let server = TestServer::start(test_config(&db));
    let store = Store::open(&db.url).expect("open");
    let ids = seed(&store);
    store.set_results_published(SLUG, true).expect("publish");
    add_user(&db, "anna", Role::Sociologist);
    add_user(&db, "boris", Role::Sociologist);
    let desktop = Options {
        viewport: Viewport::Desktop,
        javascript: true,
    };
    let page = "/admin/surveys/coding/coding/why";
    let mut b = Browser::start("coding-keyboard", &server.base, desktop).await;
    login(&b, "anna").await;
    b.goto(page).await;
    assert!(b.text("#answer-text").await.contains("Дороги разбиты"));
    b.shot("first-answer").await;
    // axe-core, when `npm ci` was run in tests/browser.
    #[cfg(opros_axe)]
    super::axe::check(&b, "coding workbench").await;

    // 1 ticks "roads", Enter saves and shows the next answer.
    press(&b, &['1']).await;
    assert!(b.checked("input[data-key='1']").await, "key 1 ticks the first code");
    b.navigating("Enter", || key(&b, fantoccini::key::Key::Enter)).await;
    assert!(b.text("#answer-text").await.contains("Автобус ходит редко"));
    assert!(
        b.text("#progress").await.contains("1 of 8"),
        "{}",
        b.text("#progress").await
    );
    // 2 ticks "bus" on the second answer; n moves on without saving.
    press(&b, &['2']).await;
    b.navigating("Enter", || key(&b, fantoccini::key::Key::Enter)).await;
    b.navigating("n", || press(&b, &['n'])).await;
    assert!(
        b.text("#answer-text").await.contains("Дорогу во дворе"),
        "n skips to the next answer"
    );
    b.shot("after-keys").await;

    // Bulk rule after the preview.
    b.goto(&format!("{page}?q=мусор")).await;
    assert!(b.text("#search-count").await.contains('2'));
    b.submit("#bulk-apply").await;
    assert!(b.text("#progress").await.contains("3 of 8") || b.text("#progress").await.contains("4 of 8"));

    // A second coder disagrees on the first answer, blind; the first coder resolves it.
    b.goto("/admin").await;
    b.submit("form[action='/logout'] button").await;
    login(&b, "boris").await;
    let bench = opros::catalog::coding::open(&store, &Default::default(), SLUG, "why").expect("bench");
    let id = bench
        .answers
        .iter()
        .find(|a| a.double && a.first.is_some())
        .map(|a| a.response_id.clone())
        .expect("a coded answer in the second sample");
    b.goto(&format!("{page}?at={id}&round=2")).await;
    assert!(
        !b.checked("input[data-key='1']").await,
        "blind: the first codes are not shown"
    );
    press(&b, &['3']).await;
    b.navigating("Enter", || key(&b, fantoccini::key::Key::Enter)).await;
    b.goto("/admin").await;
    b.submit("form[action='/logout'] button").await;
    login(&b, "anna").await;
    b.goto(page).await;
    assert!(b.exists("form.disagreement").await, "the disagreement is listed");
    b.submit("form.disagreement button[type=submit]").await;
    assert!(!b.exists("form.disagreement").await, "resolved");
    b.shot("resolved").await;

    // The results page shows the coded question with the counts of the summary.
    let loaded = opros::report::load(&store, &Default::default(), SLUG).expect("load");
    let s = opros::report::summarize(
        &opros::report::SummaryInput {
            definition: &loaded.version.definition,
            population: None,
            answers: &loaded.answers,
            language: "en",
        },
        &opros::report::ReportOptions::default(),
    )
    .expect("summary");
    let q = s.questions.iter().find(|q| q.id == "why").expect("why");
    let c = q.coding.as_ref().expect("coded");
    b.goto(&format!("/results/{SLUG}?lang=en")).await;
    let note = b.text("section.result[data-question=why] .coded-note").await;
    assert!(note.contains(&format!("Coded {} of {}", c.coded, c.answered)), "{note}");
    let _ = ids;
    b.close().await;
}
