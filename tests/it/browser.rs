//! Browser tests: headless Chromium through WebDriver against the real server on a random port.
//!
//! - a resident completes the test survey on a phone (360×740) and on a desktop, with and without
//!   JavaScript: conditions, a validation error next to its field with the typed answers kept, progress,
//!   the thank-you page, and the response as stored;
//! - a resident leaves mid-survey and resumes in another browser with the resume link;
//! - an official switches the breakdown of a published results page;
//! - a sociologist excludes flagged responses and reinstates one on the quality review page (`quality`);
//! - keyboard-only completion (Tab, Space, Enter and typing), focus visible and in document order;
//! - the weight of a form page and that it makes no request to another origin;
//! - axe-core on the form pages and the results page: no serious or critical violations;
//! - a coder codes open answers with the keyboard, applies a bulk rule and resolves a disagreement
//!   (`coding`).
//!
//! Prerequisites are found by build.rs: without Chromium and chromedriver (or, for the axe tests, without
//! `npm ci` in tests/browser) the tests are reported as ignored with a "needs …" reason, and fail when run
//! anyway (`--include-ignored`). Screenshots of every step go to
//! `<target dir>/browser-artifacts/<test>/<viewport>/`; the path is printed.

pub(crate) mod axe;
mod coding;
pub(crate) mod driver;
mod keyboard;
mod quality;

use crate::common::{test_config, Backend, TestDb, TestServer};
use crate::forms_support;
use crate::results_support;
use driver::{report, Browser, Options, Viewport};
use opros::definition::{Answer, Answers};
use opros::store::Store;
use serde_json::Value;

const NEXT: &str = "button[name=_nav][value=next]";
const BACK: &str = "button[name=_nav][value=back]";

/// A fresh SQLite database and the server with the test survey (tests/fixtures/formtest.yaml) open.
fn form_server() -> (TestDb, TestServer, Store) {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, store) = forms_support::start(&db, test_config(&db));
    (db, server, store)
}

/// The complete responses of the test survey, as answers.
fn stored_answers(store: &Store) -> Vec<Answers> {
    let s = store.find_survey("formtest").expect("survey");
    store
        .complete_responses(&s.id)
        .expect("responses")
        .iter()
        .map(|r| serde_json::from_str(&r.answers).expect("answers json"))
        .collect()
}

/// "Page k of n" as shown, checked against the `<progress>` element.
async fn progress(b: &Browser) -> (u64, u64) {
    let v = b
        .js(
            "const p = document.querySelector('progress');
             return [p.value, p.max, document.querySelector('p.progress').textContent];",
            vec![],
        )
        .await;
    let (k, n) = (v[0].as_u64().unwrap_or(0), v[1].as_u64().unwrap_or(0));
    let text = v[2].as_str().unwrap_or("");
    assert_eq!(text, format!("Page {k} of {n}"), "progress text and bar agree");
    (k, n)
}

fn radio(name: &str, value: &str) -> String {
    format!("input[name=\"{name}\"][value=\"{value}\"]")
}

/// Journey 1: the whole test survey. On the desktop the resident is a man (the page with the question for
/// men is shown), on the phone a woman (that page is skipped).
async fn complete_survey(test: &str, options: Options) {
    let (_db, server, store) = form_server();
    let mut b = Browser::start(test, &server.base, options).await;
    b.check_javascript().await;
    let js = options.javascript;
    let man = options.viewport == Viewport::Desktop;

    b.goto("/s/formtest?lang=en").await;
    b.check_width().await;
    assert_eq!(progress(&b).await, (1, 3));
    // The cat's name is asked only of cat owners: the script hides it until "Cat" is ticked; without the
    // script it stays on the page and the server ignores it unless "Cat" was ticked.
    assert_eq!(
        b.displayed("#qc-cat_name").await,
        !js,
        "the conditional question before answering"
    );
    b.shot("page1").await;

    b.click(&radio("sex", if man { "m" } else { "f" })).await;
    b.click(&radio("pets", "cat")).await;
    b.click(&radio("pets", "dog")).await;
    if js {
        b.wait_js(
            "the cat's name to appear",
            "!document.getElementById('qc-cat_name').hidden",
        )
        .await;
        assert!(b.displayed("#q-cat_name").await);
        // At most two pets: the script disables the third box.
        assert!(!b.find(&radio("pets", "fish")).await.is_enabled().await.unwrap_or(true));
        b.shot("cat-name-shown").await;
        b.click(&radio("pets", "cat")).await;
        b.wait_js(
            "the cat's name to hide",
            "document.getElementById('qc-cat_name').hidden",
        )
        .await;
        assert!(!b.displayed("#q-cat_name").await);
        b.shot("cat-name-hidden").await;
        b.click(&radio("pets", "cat")).await;
        b.wait_js(
            "the cat's name to appear again",
            "!document.getElementById('qc-cat_name').hidden",
        )
        .await;
    }
    b.type_into("#q-cat_name", "Murka").await;
    // Too young: the survey is for adults.
    b.type_into("#q-age", "12").await;
    b.shot("page1-filled").await;
    b.submit(NEXT).await;

    // The error is shown next to the field, the answers typed are still there.
    let err = b.find("#qc-age .field-error").await;
    assert!(err.is_displayed().await.unwrap_or(false));
    let msg = err.text().await.unwrap_or_default();
    assert!(msg.contains("18"), "the message names the limit: {msg}");
    let input = b.find("#q-age").await;
    assert_eq!(input.attr("aria-invalid").await.ok().flatten().as_deref(), Some("true"));
    let described = input.attr("aria-describedby").await.ok().flatten().unwrap_or_default();
    assert!(
        described.contains("err-age"),
        "the field is described by its error: {described}"
    );
    let (_, err_y, _, err_h) = err.rectangle().await.expect("error box");
    let (_, input_y, _, _) = input.rectangle().await.expect("input box");
    assert!(
        err_y + err_h <= input_y + 1.0 && input_y - (err_y + err_h) < 60.0,
        "the error is right above its field (error {err_y}+{err_h}, field {input_y})"
    );
    assert!(b.displayed("#error-summary").await);
    assert_eq!(b.value("#q-age").await, "12");
    assert!(b.checked(&radio("sex", if man { "m" } else { "f" })).await);
    assert!(b.checked(&radio("pets", "cat")).await && b.checked(&radio("pets", "dog")).await);
    assert!(!b.checked(&radio("pets", "fish")).await);
    assert_eq!(b.value("#q-cat_name").await, "Murka");
    assert!(b.displayed("#q-cat_name").await);
    if js {
        let focused = b.js("return document.activeElement.id;", vec![]).await;
        assert_eq!(focused, "error-summary", "the script moves focus to the error summary");
    }
    assert_eq!(progress(&b).await, (1, 3), "still the first page");
    b.shot("page1-error").await;

    b.type_into("#q-age", "34").await;
    b.submit(NEXT).await;
    let pages = if man { 4 } else { 3 };
    assert_eq!(
        progress(&b).await,
        (2, pages),
        "the second page; the page for men counts for men only"
    );
    assert!(!b.exists("#error-summary").await);
    b.click(&radio("sat", "3")).await;
    b.click(&radio("grid.a", "2")).await;
    b.click(&radio("grid.b", "3")).await;
    b.shot("page2").await;
    b.submit(NEXT).await;

    if man {
        assert_eq!(progress(&b).await, (3, 4));
        assert!(b.text("#qc-men_q legend").await.contains("A question for men"));
        b.click(&radio("men_q", "yes")).await;
        b.shot("page3-men").await;
        b.submit(NEXT).await;
    }
    assert_eq!(progress(&b).await, (pages, pages), "the last page");
    assert!(!b.exists("#qc-men_q").await);
    assert_eq!(b.text(NEXT).await, "Submit answers");
    // Ranking: the script adds up/down buttons; without it the ranks are typed.
    let moves = b
        .js("return document.querySelectorAll('button.rank-move').length;", vec![])
        .await;
    assert_eq!(moves, if js { 6 } else { 0 }, "up/down buttons only with JavaScript");
    let expected_rank: Vec<&str> = if js {
        // "Down" of the first item (x) swaps it with y.
        b.click("li.rank-item:first-child button.rank-move:last-of-type").await;
        b.wait_js(
            "ranks renumbered",
            "document.querySelector('[name=\"prio.y\"]').value === '1'",
        )
        .await;
        vec!["y", "x", "z"]
    } else {
        b.type_into("[name=\"prio.x\"]", "2").await;
        b.type_into("[name=\"prio.y\"]", "1").await;
        b.type_into("[name=\"prio.z\"]", "3").await;
        vec!["y", "x", "z"]
    };
    assert_eq!(b.value("[name=\"prio.x\"]").await, "2");
    b.shot("last-page").await;
    b.submit(NEXT).await;

    assert_eq!(b.text("main h1").await, "Thank you!");
    b.shot("thanks").await;
    b.close().await;

    let stored = stored_answers(&store);
    assert_eq!(stored.len(), 1, "one complete response");
    let a = &stored[0];
    assert_eq!(a.get("sex"), Some(&Answer::choice(if man { "m" } else { "f" })));
    assert_eq!(a.get("age"), Some(&Answer::Number(34.0)));
    assert_eq!(a.get("pets"), Some(&Answer::choices(&["cat", "dog"])));
    assert_eq!(a.get("cat_name"), Some(&Answer::Text("Murka".into())));
    assert_eq!(a.get("sat"), Some(&Answer::Scale("3".into())));
    assert_eq!(a.get("men_q"), man.then(|| Answer::choice("yes")).as_ref());
    assert_eq!(
        a.get("prio"),
        Some(&Answer::Ranking(
            expected_rank.iter().map(|s| (*s).to_owned()).collect()
        ))
    );
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn resident_completes_survey_on_phone_with_javascript() {
    let o = Options {
        viewport: Viewport::Phone,
        javascript: true,
    };
    complete_survey("complete-survey", o).await;
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn resident_completes_survey_on_desktop_with_javascript() {
    let o = Options {
        viewport: Viewport::Desktop,
        javascript: true,
    };
    complete_survey("complete-survey", o).await;
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn resident_completes_survey_on_phone_without_javascript() {
    let o = Options {
        viewport: Viewport::Phone,
        javascript: false,
    };
    complete_survey("complete-survey", o).await;
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn resident_completes_survey_on_desktop_without_javascript() {
    let o = Options {
        viewport: Viewport::Desktop,
        javascript: false,
    };
    complete_survey("complete-survey", o).await;
}

/// Journey 2: a resident answers the first page, leaves with the resume link, and finishes in another
/// browser (no shared cookies) from where they stopped, their earlier answers still there.
#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn resident_leaves_and_resumes_with_the_link() {
    let (_db, server, store) = form_server();
    let phone = Options {
        viewport: Viewport::Phone,
        javascript: true,
    };
    let mut b = Browser::start("resume/first-visit", &server.base, phone).await;
    b.goto("/s/formtest?lang=en").await;
    b.click(&radio("sex", "f")).await;
    b.type_into("#q-age", "41").await;
    b.submit(NEXT).await;
    assert_eq!(progress(&b).await, (2, 3));
    // Starts the second page, then leaves.
    b.click(&radio("sat", "4")).await;
    let link = b
        .find("p.resume a")
        .await
        .prop("href")
        .await
        .ok()
        .flatten()
        .expect("resume link");
    assert!(link.starts_with(&server.url("/s/formtest?r=")), "{link}");
    b.shot("leaving").await;
    b.close().await;

    let desktop = Options {
        viewport: Viewport::Desktop,
        javascript: true,
    };
    let mut b = Browser::start("resume/second-visit", &server.base, desktop).await;
    b.c.goto(&link).await.expect("open the resume link");
    b.wait_js("the form", "document.querySelector('form.survey-form')")
        .await;
    let page = b
        .js("return document.querySelector('[name=_page]').value;", vec![])
        .await;
    assert_eq!(page, "p2", "back on the page where the resident stopped");
    assert!(!b.checked(&radio("sat", "4")).await, "the unsent page was not saved");
    b.shot("resumed").await;
    b.submit(BACK).await;
    assert!(b.checked(&radio("sex", "f")).await, "earlier answers are there");
    assert_eq!(b.value("#q-age").await, "41");
    b.shot("back-to-page1").await;
    b.submit(NEXT).await;
    b.click(&radio("sat", "2")).await;
    b.submit(NEXT).await;
    b.submit(NEXT).await;
    b.find("main h1").await;
    b.shot("thanks").await;
    b.close().await;

    let s = store.find_survey("formtest").expect("survey");
    assert_eq!(
        store.response_counts(&s.id).expect("counts"),
        vec![("complete".to_owned(), 1)],
        "one response, continued rather than started again"
    );
    let a = &stored_answers(&store)[0];
    assert_eq!(a.get("age"), Some(&Answer::Number(41.0)));
    assert_eq!(a.get("sat"), Some(&Answer::Scale("2".into())));
}

/// Journey 3: an official reads a published results page and switches the breakdown; the breakdown chart
/// and the table change with it.
#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn official_switches_the_breakdown_of_a_results_page() {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, _store) = results_support::seeded(&db, &["healthcare-2026"]);
    let desktop = Options {
        viewport: Viewport::Desktop,
        javascript: true,
    };
    let mut b = Browser::start("results-breakdown", &server.base, desktop).await;
    b.goto("/results/healthcare-2026?lang=en").await;
    b.check_width().await;
    assert!(b.exists("svg.chart").await, "charts on the page");
    assert!(!b.exists(".breakdown").await, "no breakdown chosen yet");
    b.shot("results").await;

    let mut seen = Vec::new();
    for var in ["sex", "age_group"] {
        let link = format!("nav.breakdowns a[href$=\"by={var}\"]");
        b.submit(&link).await;
        let url = b.c.current_url().await.expect("url");
        assert!(url.as_str().ends_with(&format!("by={var}")), "{url}");
        let current = b
            .find("nav.breakdowns a[aria-current=page]")
            .await
            .attr("href")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        assert!(
            current.ends_with(&format!("by={var}")),
            "the chosen breakdown is marked: {current}"
        );
        // A scale (the breakdown chart shows means) and a choice question (shares).
        let scale = format!("section.result[data-question=clinic_satisfaction] .breakdown[data-variable=\"{var}\"]");
        let choice = format!("section.result[data-question=visited] .breakdown[data-variable=\"{var}\"]");
        assert!(b.displayed(&format!("{scale} table.crosstab")).await);
        let state = b
            .js(
                "const [scale, choice] = [arguments[0], arguments[1]].map(s => document.querySelector(s));
                 scale.scrollIntoView();
                 const texts = (el, sel) => Array.from(el.querySelectorAll(sel)).map(t => t.textContent);
                 return {
                   rows: texts(scale, 'table.crosstab tbody th'),
                   dots: texts(scale, 'svg.dots g.dot > title'),
                   choice_rows: texts(choice, 'table.crosstab tbody th').length,
                   choice_options: choice.querySelectorAll('table.crosstab thead th').length - 2,
                   bars: texts(choice, 'svg.bars g.bar > title'),
                 };",
                vec![Value::from(scale.as_str()), Value::from(choice.as_str())],
            )
            .await;
        let rows: Vec<&str> = state["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let dots: Vec<&str> = state["dots"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        assert!(rows.len() >= 3, "all respondents plus at least two categories: {state}");
        assert_eq!(
            dots.len(),
            rows.len(),
            "a mean in the chart for every row of the table: {state}"
        );
        for (row, dot) in rows.iter().zip(&dots) {
            assert!(
                dot.starts_with(&format!("{row}: ")),
                "chart and table in the same order: {state}"
            );
        }
        let bars = state["bars"].as_array().map_or(0, Vec::len) as u64;
        let expected = state["choice_rows"].as_u64().unwrap_or(0) * state["choice_options"].as_u64().unwrap_or(0);
        assert!(
            bars > 0 && bars == expected,
            "a bar for every cell of the choice crosstab: {state}"
        );
        b.shot(&format!("by-{var}")).await;
        seen.push(state);
    }
    assert_ne!(seen[0]["rows"], seen[1]["rows"], "the table follows the breakdown");
    assert_ne!(seen[0]["dots"], seen[1]["dots"], "the chart follows the breakdown");
    assert_ne!(seen[0]["bars"], seen[1]["bars"], "the chart follows the breakdown");
    b.close().await;
}

/// Keyboard only: Tab to move, Space to choose, typing, Enter on buttons; focus always visible, on
/// screen and in page order.
#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn keyboard_only_completion() {
    use fantoccini::key::Key;
    use keyboard::{key, tab_to, type_text};

    let (_db, server, store) = form_server();
    let desktop = Options {
        viewport: Viewport::Desktop,
        javascript: true,
    };
    let mut b = Browser::start("keyboard", &server.base, desktop).await;
    b.goto("/s/formtest?lang=en").await;

    tab_to(&b, "input[name=sex]").await;
    key(&b, Key::Space).await;
    assert!(b.checked(&radio("sex", "m")).await, "Space chooses the focused option");
    tab_to(&b, "#q-age").await;
    type_text(&b, "52").await;
    tab_to(&b, &radio("pets", "cat")).await;
    key(&b, Key::Space).await;
    b.wait_js(
        "the cat's name to appear",
        "!document.getElementById('qc-cat_name').hidden",
    )
    .await;
    tab_to(&b, "#q-cat_name").await;
    type_text(&b, "Tom").await;
    b.shot("page1").await;
    tab_to(&b, NEXT).await;
    b.navigating("Enter on Next", || key(&b, Key::Enter)).await;

    tab_to(&b, "input[name=sat]").await;
    key(&b, Key::Space).await;
    tab_to(&b, "input[name=\"grid.a\"]").await;
    key(&b, Key::Space).await;
    tab_to(&b, "input[name=\"grid.b\"]").await;
    key(&b, Key::Space).await;
    b.shot("page2").await;
    tab_to(&b, NEXT).await;
    b.navigating("Enter on Next", || key(&b, Key::Enter)).await;

    tab_to(&b, "input[name=men_q]").await;
    key(&b, Key::Space).await;
    tab_to(&b, NEXT).await;
    b.navigating("Enter on Next", || key(&b, Key::Enter)).await;

    // "Down" on the first ranked item.
    tab_to(&b, "li.rank-item:first-child button.rank-move:last-of-type").await;
    key(&b, Key::Enter).await;
    b.wait_js(
        "ranks renumbered",
        "document.querySelector('[name=\"prio.y\"]').value === '1'",
    )
    .await;
    b.shot("page4").await;
    tab_to(&b, NEXT).await;
    b.navigating("Enter on Submit", || key(&b, Key::Enter)).await;
    assert_eq!(b.text("main h1").await, "Thank you!");
    b.shot("thanks").await;
    b.close().await;

    let a = &stored_answers(&store)[0];
    assert_eq!(a.get("sex"), Some(&Answer::choice("m")));
    assert_eq!(a.get("age"), Some(&Answer::Number(52.0)));
    assert_eq!(a.get("cat_name"), Some(&Answer::Text("Tom".into())));
    assert_eq!(a.get("sat"), Some(&Answer::Scale("1".into())));
    assert_eq!(a.get("men_q"), Some(&Answer::choice("yes")));
    assert_eq!(
        a.get("prio"),
        Some(&Answer::Ranking(vec!["y".into(), "x".into(), "z".into()]))
    );
}

/// Page weight: a form page with its stylesheet and script under 50 KB transferred, every request to the
/// page's own origin.
#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn form_page_weight_and_no_external_requests() {
    let (_db, server, _store) = form_server();
    let phone = Options {
        viewport: Viewport::Phone,
        javascript: true,
    };
    let mut b = Browser::start("page-weight", &server.base, phone).await;
    b.goto("/s/formtest?lang=en").await;
    b.wait_js("the page and its resources", "document.readyState === 'complete'")
        .await;
    b.shot("form-page").await;
    let v = b
        .js(
            "const pick = e => ({name: e.name, transfer: e.transferSize, body: e.encodedBodySize,
                                 decoded: e.decodedBodySize});
             return [pick(performance.getEntriesByType('navigation')[0])]
               .concat(performance.getEntriesByType('resource').map(pick));",
            vec![],
        )
        .await;
    let entries = v.as_array().cloned().unwrap_or_default();
    let mut total = 0;
    for e in &entries {
        let name = e["name"].as_str().unwrap_or("");
        let transfer = e["transfer"].as_u64().unwrap_or(0);
        report(&format!(
            "page weight: {name}: {transfer} B transferred ({} B body, {} B uncompressed)",
            e["body"], e["decoded"]
        ));
        assert!(
            name.starts_with(&format!("{}/", server.base)),
            "a request to another origin: {name}"
        );
        assert!(transfer > 0, "{name} was fetched over the network (fresh profile): {e}");
        total += transfer;
    }
    let names: Vec<&str> = entries.iter().filter_map(|e| e["name"].as_str()).collect();
    for asset in ["/static/opros.css", "/static/form.js"] {
        assert!(names.iter().any(|n| n.ends_with(asset)), "{asset} loaded: {names:?}");
    }
    report(&format!(
        "page weight: form page total {total} B transferred in {} requests (limit 51200 B)",
        entries.len()
    ));
    assert!(total < 50 * 1024, "the form page weighs {total} B");
    b.close().await;
}

/// axe-core on every page of the survey (fresh, with errors, each question type, thank-you page).
async fn axe_form_pages(options: Options) {
    let (_db, server, _store) = form_server();
    let mut b = Browser::start("axe-form", &server.base, options).await;
    b.goto("/s/formtest?lang=en").await;
    axe::check(&b, "form page 1").await;
    b.submit(NEXT).await;
    assert!(b.exists("#error-summary").await);
    b.shot("errors").await;
    axe::check(&b, "form page 1 with errors").await;
    b.click(&radio("sex", "m")).await;
    b.type_into("#q-age", "30").await;
    b.submit(NEXT).await;
    b.shot("page2").await;
    axe::check(&b, "form page 2 (scale, matrix, date)").await;
    b.click(&radio("sat", "dk")).await;
    b.submit(NEXT).await;
    axe::check(&b, "form page 3").await;
    b.submit(NEXT).await;
    b.shot("page4").await;
    axe::check(&b, "form page 4 (ranking, note)").await;
    b.submit(NEXT).await;
    axe::check(&b, "thank-you page").await;
    b.close().await;
}

#[tokio::test]
#[cfg_attr(
    not(all(opros_browser, opros_axe)),
    ignore = "needs chromium, chromedriver and axe-core, not found at build time (apt-get install chromium chromium-driver; npm ci in tests/browser); README, Tests"
)]
async fn accessibility_of_the_form_on_a_phone() {
    axe_form_pages(Options {
        viewport: Viewport::Phone,
        javascript: true,
    })
    .await;
}

#[tokio::test]
#[cfg_attr(
    not(all(opros_browser, opros_axe)),
    ignore = "needs chromium, chromedriver and axe-core, not found at build time (apt-get install chromium chromium-driver; npm ci in tests/browser); README, Tests"
)]
async fn accessibility_of_the_form_on_a_desktop() {
    axe_form_pages(Options {
        viewport: Viewport::Desktop,
        javascript: true,
    })
    .await;
}

#[tokio::test]
#[cfg_attr(
    not(all(opros_browser, opros_axe)),
    ignore = "needs chromium, chromedriver and axe-core, not found at build time (apt-get install chromium chromium-driver; npm ci in tests/browser); README, Tests"
)]
async fn accessibility_of_the_results_page() {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, _store) = results_support::seeded(&db, &["healthcare-2026"]);
    // A survey with scales that have a balance of opinions (the indices reference sample).
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/indices");
    for args in [
        vec!["survey", "import", dir.join("survey.yaml").to_str().unwrap_or_default()],
        vec![
            "responses",
            "import",
            "indices-reference",
            dir.join("survey.csv").to_str().unwrap_or_default(),
        ],
        vec!["survey", "publish", "indices-reference", "--results"],
    ] {
        let (ok, _, err) = crate::common::run_opros(&db, &args);
        assert!(ok, "opros {args:?}: {err}");
    }
    for viewport in [Viewport::Phone, Viewport::Desktop] {
        let options = Options {
            viewport,
            javascript: true,
        };
        let mut b = Browser::start("axe-results", &server.base, options).await;
        b.goto("/results/healthcare-2026?lang=en").await;
        axe::check(&b, "results page").await;
        b.goto("/results/healthcare-2026?lang=en&by=sex").await;
        b.shot("by-sex").await;
        axe::check(&b, "results page by sex").await;
        for lang in ["ru", "en"] {
            b.goto(&format!(
                "/results/healthcare-2026?lang={lang}&filter=sex:f,age_group:60%2B&by=district&by2=age_group"
            ))
            .await;
            b.shot(&format!("subgroup-two-way-{lang}")).await;
            let what = format!("results page in {lang}, subgroup and two-way breakdown");
            no_sideways_scroll(&b, &what).await;
            assert!(
                b.exists(".subgroup").await,
                "{what}: the page says which subgroup it shows"
            );
            assert!(
                b.exists(".breakdown[data-variable='district*age_group'] table.crosstab")
                    .await,
                "{what}: the two-way breakdown's table"
            );
            axe::check(&b, &what).await;
        }
        // A scale with a balance of opinions: its breakdown table has the balance column.
        b.goto("/results/indices-reference?lang=en&filter=s2:4&by=sex&by2=s3")
            .await;
        b.shot("subgroup-two-way-balance").await;
        let what = "results page with balances, subgroup and two-way breakdown";
        no_sideways_scroll(&b, what).await;
        assert!(
            b.exists("[data-question='s1'] table.crosstab td.balance").await,
            "{what}"
        );
        axe::check(&b, what).await;
        b.close().await;
    }
}

/// That the current page is laid out to the viewport's width and nothing on it scrolls the page sideways
/// (wide tables scroll inside their own region).
async fn no_sideways_scroll(b: &Browser, what: &str) {
    b.check_width().await;
    let v = b
        .js(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
            vec![],
        )
        .await;
    let (scroll, client) = (v[0].as_u64().unwrap_or(0), v[1].as_u64().unwrap_or(0));
    assert!(
        scroll <= client && client > 0,
        "{what}: the page is {scroll} px wide in a {client} px viewport"
    );
}

/// A constant-sum question in the browser: the running total follows what is typed (marked while it is
/// not the total), and the page is sent with the points as typed, blank boxes counting as 0.
#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "SKIPPED: chromium/chromedriver not found (apt-get install chromium chromium-driver); see README, Tests"
)]
async fn constant_sum_shows_the_running_total_and_is_sent() {
    let db = TestDb::new(&Backend::Sqlite);
    let server = TestServer::start(test_config(&db));
    let store = forms_support::import_open(&db, include_str!("../fixtures/constant_sum.yaml"));
    let options = Options {
        viewport: Viewport::Phone,
        javascript: true,
    };
    let mut b = Browser::start("constant-sum", &server.base, options).await;
    b.goto("/s/budget-form?lang=en").await;
    b.check_width().await;
    assert_eq!(b.text("#qc-budget .sum-total").await, "Total: 0 of 100");
    b.type_into("#q-budget-0", "50").await;
    b.type_into("#q-budget-1", "20").await;
    b.wait_js(
        "the running total to reach 70",
        "document.getElementById('q-budget-sum').textContent === '70'",
    )
    .await;
    assert_eq!(b.text("#qc-budget .sum-total").await, "Total: 70 of 100");
    let off = b
        .js(
            "return document.querySelector('#qc-budget .sum-total').classList.contains('sum-off');",
            vec![],
        )
        .await;
    assert_eq!(off, Value::Bool(true), "a total that is not 100 is marked");
    b.shot("total-70").await;
    b.type_into("#q-budget-2", "30").await;
    b.wait_js(
        "the running total to reach 100",
        "document.querySelector('#qc-budget .sum-total').classList.contains('sum-ok')",
    )
    .await;
    assert_eq!(b.text("#qc-budget .sum-total").await, "Total: 100 of 100");
    b.shot("total-100").await;
    b.submit(NEXT).await;
    assert!(b.exists("#qc-end").await, "the second page is shown");
    b.submit(NEXT).await;
    let s = store.find_survey("budget-form").expect("survey");
    let rows = store.complete_responses(&s.id).expect("responses");
    assert_eq!(rows.len(), 1);
    let answers: Answers = serde_json::from_str(&rows[0].answers).expect("answers json");
    let expected = Answer::Points(
        [("roads", 50), ("clinics", 20), ("parks", 30)]
            .into_iter()
            .map(|(c, p)| (c.to_owned(), p))
            .collect(),
    );
    assert_eq!(answers.get("budget"), Some(&expected));
    b.close().await;
}
