//! Browser tests of the risk calendar as an official reads it, on a 360 px phone and a desktop, in Russian
//! and in English, with and without JavaScript (the pages need none):
//!
//! - `/indicators`: the grid (a row per district, a column per wave, the status in words in every cell),
//!   the tile map of the region for the latest wave, another wave's map reached by its link, another
//!   indicator reached by its link, the alerts and the method note; every cell can take keyboard focus;
//! - `/indicators/{id}`: each district's series;
//! - on every page: the chosen language, nothing wider than the viewport (no sideways scroll of the page;
//!   wide tables scroll inside their own box), and axe-core without serious or critical problems (in the
//!   sessions with JavaScript: Russian on a desktop, English on a phone).
//!
//! Screenshots go to `<target dir>/browser-artifacts/calendar-<lang>/<viewport>[-nojs]/`.

use crate::browser::driver::{report, Browser, Options, Viewport};
use crate::common::{Backend, TestDb};
use crate::results_support;

/// The page's language, its layout width and the viewport's width.
async fn facts(b: &Browser) -> (String, u64, u64) {
    let v = b
        .js(
            "return [document.documentElement.lang,
                     document.documentElement.scrollWidth,
                     document.documentElement.clientWidth];",
            vec![],
        )
        .await;
    (
        v[0].as_str().unwrap_or("").to_owned(),
        v[1].as_u64().unwrap_or(0),
        v[2].as_u64().unwrap_or(0),
    )
}

/// That the current page is in `lang` and does not scroll sideways.
async fn check_page(b: &Browser, what: &str, lang: &str) {
    b.check_width().await;
    let (page_lang, scroll, client) = facts(b).await;
    assert_eq!(page_lang, lang, "{what}: the page's language");
    assert!(
        scroll <= client,
        "{what}: the page is {scroll} px wide in a {client} px viewport"
    );
}

/// The number of elements matching `css`.
async fn count(b: &Browser, css: &str) -> u64 {
    b.js(
        "return document.querySelectorAll(arguments[0]).length;",
        vec![serde_json::Value::String(css.to_owned())],
    )
    .await
    .as_u64()
    .unwrap_or(0)
}

/// The `href` of the first element matching `css`, as a path with its query.
async fn href(b: &Browser, css: &str) -> String {
    let v = b
        .js(
            "const a = document.querySelector(arguments[0]);
             if (!a) { return ''; }
             const u = new URL(a.href, location.href); return u.pathname + u.search;",
            vec![serde_json::Value::String(css.to_owned())],
        )
        .await;
    v.as_str().unwrap_or("").to_owned()
}

/// A screenshot with the element `css` scrolled to the top of the viewport.
async fn shot_at(b: &mut Browser, css: &str, name: &str) {
    b.js(
        "const e = document.querySelector(arguments[0]); if (e) { e.scrollIntoView(); }",
        vec![serde_json::Value::String(css.to_owned())],
    )
    .await;
    b.shot(name).await;
}

async fn calendar(viewport: Viewport, lang: &str, javascript: bool) {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, _store) = results_support::seeded_all(&db);
    let options = Options { viewport, javascript };
    let mut b = Browser::start(&format!("calendar-{lang}"), &server.base, options).await;
    b.check_javascript().await;
    let title = if lang == "ru" {
        "Календарь рисков"
    } else {
        "Risk calendar"
    };

    // The site's front page leads to the calendar.
    b.goto(&format!("/?lang={lang}")).await;
    assert_eq!(href(&b, "a[href='/indicators']").await, "/indicators");
    b.goto("/indicators").await;
    check_page(&b, "/indicators", lang).await;
    assert_eq!(b.text("main h1").await, title);
    b.shot("calendar-top").await;

    // The grid: twenty districts × three waves, the status in words in every cell (not by colour alone).
    assert_eq!(count(&b, "table.calendar-grid tbody tr").await, 20);
    assert_eq!(count(&b, "table.calendar-grid thead th").await, 4);
    assert_eq!(count(&b, "table.calendar-grid td.cell").await, 60);
    assert_eq!(count(&b, "table.calendar-grid td.cell .status-word").await, 60);
    let words = b
        .js(
            "return Array.from(document.querySelectorAll('td.cell .status-word'))
               .every(e => e.textContent.trim().length > 0 && e.offsetHeight > 0);",
            vec![],
        )
        .await;
    assert_eq!(words, true, "every cell shows its status in words");
    shot_at(&mut b, "table.calendar-grid", "calendar-grid").await;
    // A wide grid scrolls inside its own box, never the page; the district names stay readable.
    let grid = b
        .js(
            "const w = document.querySelector('.table-scroll');
             const th = document.querySelector('table.calendar-grid tbody th');
             return [w.getBoundingClientRect().right, th.getBoundingClientRect().width];",
            vec![],
        )
        .await;
    let right = grid[0].as_f64().unwrap_or(f64::MAX);
    assert!(
        right <= viewport.css_width() as f64,
        "the grid's box ends at {right} px"
    );
    assert!(
        grid[1].as_f64().unwrap_or(0.0) >= 60.0,
        "district names have room: {grid}"
    );
    // Keyboard: a cell takes focus (its value, interval and status are then announced).
    b.js("document.querySelector('td.cell').focus();", vec![]).await;
    let focused = b
        .js("return document.activeElement.classList.contains('cell');", vec![])
        .await;
    assert_eq!(focused, true, "a grid cell takes focus");

    // The tile map: twenty tiles, drawn within the viewport, for the latest wave.
    assert_eq!(count(&b, "svg.tiles g.tile").await, 20);
    let svg = b
        .js(
            "const r = document.querySelector('svg.tiles').getBoundingClientRect();
             return [r.left, r.right, r.width];",
            vec![],
        )
        .await;
    let (left, right, width) = (
        svg[0].as_f64().unwrap_or(-1.0),
        svg[1].as_f64().unwrap_or(f64::MAX),
        svg[2].as_f64().unwrap_or(0.0),
    );
    assert!(
        left >= 0.0 && right <= viewport.css_width() as f64 && width >= 250.0,
        "the map fits the viewport and is big enough to read: {svg}"
    );
    let latest = b.text("table.calendar-grid thead th:last-child a").await;
    assert!(
        b.text("#map-caption").await.contains(&latest),
        "the map shows the latest wave {latest}"
    );
    assert_eq!(
        count(&b, ".map-legend li").await,
        4,
        "the map's legend names the four statuses"
    );
    shot_at(&mut b, ".tile-map", "tile-map").await;
    shot_at(&mut b, ".alerts", "alerts").await;
    shot_at(&mut b, ".method-note", "method").await;

    // Another wave's map, by its link in the grid's heading.
    let first_wave = b.text("table.calendar-grid thead th:nth-child(2) a").await;
    let wave_link = href(&b, "table.calendar-grid thead th:nth-child(2) a").await;
    b.goto(&wave_link).await;
    check_page(&b, &wave_link, lang).await;
    assert!(
        b.text("#map-caption").await.contains(&first_wave),
        "the map shows the chosen wave {first_wave}"
    );
    shot_at(&mut b, ".tile-map", "tile-map-first-wave").await;

    // Another indicator, by its link.
    let other = href(&b, ".indicator-nav li:nth-child(2) a").await;
    assert!(other.starts_with("/indicators?indicator="), "{other}");
    b.goto(&other).await;
    check_page(&b, &other, lang).await;
    assert_eq!(count(&b, ".indicator-nav a[aria-current=page]").await, 1);
    assert_eq!(count(&b, "table.calendar-grid tbody tr").await, 20);

    // The indicator's page: each district's series.
    let series = href(&b, "a.series-link").await;
    assert!(series.starts_with("/indicators/"), "{series}");
    b.goto(&series).await;
    check_page(&b, &series, lang).await;
    assert_eq!(count(&b, "section.district-series").await, 20);
    assert_eq!(count(&b, "section.district-series table tbody tr").await, 60);
    b.shot("series-top").await;
    shot_at(&mut b, "#d-d20", "series-synthetic").await;
    shot_at(&mut b, ".method-note", "series-method").await;

    // axe runs as a page script, so only in the sessions with JavaScript (one per language and viewport).
    if cfg!(opros_axe) && javascript {
        for path in ["/indicators", other.as_str(), series.as_str()] {
            b.goto(path).await;
            crate::browser::axe::check(&b, path).await;
        }
    }
    report(&format!(
        "calendar pages checked ({lang}, {}, javascript {})",
        viewport.name(),
        if javascript { "on" } else { "off" }
    ));
    b.close().await;
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn russian_calendar_on_a_phone_without_javascript() {
    calendar(Viewport::Phone, "ru", false).await;
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn russian_calendar_on_a_desktop() {
    calendar(Viewport::Desktop, "ru", true).await;
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn english_calendar_on_a_phone() {
    calendar(Viewport::Phone, "en", true).await;
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn english_calendar_on_a_desktop_without_javascript() {
    calendar(Viewport::Desktop, "en", false).await;
}
