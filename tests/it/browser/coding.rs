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

/// The workbench on a 360 px phone without JavaScript: plain forms and links do everything — tick a code,
/// save and move on, go to the next answer, a suggestion (a label of its checkbox) ticks its code, search
/// and the bulk rule — and the page fits the screen's width.
#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn coding_on_a_phone_without_javascript() {
    let db = TestDb::new(&Backend::Sqlite);
    let server = TestServer::start(test_config(&db));
    let store = Store::open(&db.url).expect("open");
    seed(&store);
    add_user(&db, "anna", Role::Sociologist);
    let phone = Options {
        viewport: Viewport::Phone,
        javascript: false,
    };
    let page = "/admin/surveys/coding/coding/why";
    let mut b = Browser::start("coding-phone", &server.base, phone).await;
    b.check_javascript().await;
    login(&b, "anna").await;
    b.goto(page).await;
    b.check_width().await;
    b.shot("first-answer").await;
    assert!(b.text("#answer-text").await.contains("Дороги разбиты"));

    // Tick "roads" and save: the next answer is shown.
    b.click("#code-roads").await;
    assert!(b.checked("#code-roads").await);
    b.submit("#save").await;
    assert!(b.text("#answer-text").await.contains("Автобус ходит редко"));
    assert!(
        b.text("#progress").await.contains("1 of 8"),
        "{}",
        b.text("#progress").await
    );
    b.check_width().await;

    // The link to the next answer, without saving.
    b.submit("#next").await;
    assert!(b.text("#answer-text").await.contains("Мусор не вывозят"));

    // Code three more so that suggestions appear, then a suggestion's label ticks its code.
    b.click("#code-trash").await;
    b.submit("#save").await;
    b.click("#code-roads").await;
    b.submit("#save").await;
    b.click("#code-roads").await;
    b.click("#code-bus").await;
    b.submit("#save").await;
    assert!(
        b.text("#progress").await.contains("4 of 8"),
        "{}",
        b.text("#progress").await
    );
    b.goto(&format!("{page}?at=r06")).await;
    assert!(b.text("#answer-text").await.contains("Контейнеры для мусора"));
    assert!(
        b.exists("label.suggestion[data-code=trash]").await,
        "a suggestion for the rubbish answer"
    );
    b.shot("suggestion").await;
    b.click("label.suggestion[data-code=trash]").await;
    assert!(
        b.checked("#code-trash").await,
        "the suggestion ticked its code without JavaScript"
    );
    b.submit("#save").await;
    assert!(
        b.text("#progress").await.contains("5 of 8"),
        "{}",
        b.text("#progress").await
    );

    // Search by a word form and the bulk rule, through the forms.
    b.type_into("#q", "автобус").await;
    b.submit("#search form button[type=submit]").await;
    assert!(
        b.text("#search-count").await.contains('3'),
        "{}",
        b.text("#search-count").await
    );
    b.check_width().await;
    b.click("#bulk-form option[value=bus]").await;
    b.shot("search").await;
    b.submit("#bulk-apply").await;
    let survey = store.find_survey(SLUG).expect("survey");
    let bus = store
        .codings(&survey.id, "why")
        .expect("codings")
        .iter()
        .filter(|c| c.code_list().contains(&"bus".to_owned()))
        .count();
    assert_eq!(bus, 3, "the bulk rule coded every answer about buses");
    b.close().await;
}
