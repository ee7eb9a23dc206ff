//! Browser tests of the site as a whole, on a 360 px phone and a desktop, in Russian and in English:
//!
//! - every page reachable by links from `/` (the survey list, forms, results with every breakdown,
//!   methodology, topics, trends) and from the workbench (`/admin` and the pages it links to) is laid out
//!   no wider than the viewport — nothing scrolls sideways;
//! - a language chosen once (`?lang=` on the first page) stays chosen on every page reached by plain
//!   links, without `lang` in them (the choice is remembered in a cookie), through the sign-in redirect,
//!   and after the language switcher changes it;
//! - error pages (an unknown address, an unknown tracked question) speak the reader's language;
//! - axe-core finds no serious or critical problem on the trends index, a results page by sex, the
//!   methodology page, the workbench and an error page (when axe-core is installed).
//!
//! Screenshots of the form, results, methodology, trends and workbench pages go to
//! `<target dir>/browser-artifacts/site-<lang>/<viewport>/` (the path is printed).

use std::collections::{BTreeSet, VecDeque};

use opros::auth::Role;

use crate::admin_support::{add_user, PASSWORD};
use crate::browser::driver::{report, Browser, Options, Viewport};
use crate::common::{Backend, TestDb, TestServer};
use crate::results_support;

/// Pages visited per crawl at most (the seeded site has about forty).
const MAX_PAGES: usize = 120;

/// The same-origin links of the current page worth following: pages, not downloads, API answers, the
/// language switch (the point is that the language stays without it) or signing out.
async fn links(b: &Browser) -> Vec<String> {
    let v = b
        .js(
            "return Array.from(document.querySelectorAll('a[href]'))
               .map(a => new URL(a.href, location.href))
               .filter(u => u.origin === location.origin)
               .map(u => u.pathname + u.search);",
            vec![],
        )
        .await;
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l.as_str())
        .filter(|l| {
            !l.contains("lang=")
                && !l.starts_with("/api/")
                && !l.starts_with("/static/")
                && !l.starts_with("/logout")
                && ![".csv", ".xlsx", ".sav", ".atom"]
                    .iter()
                    .any(|ext| l.split('?').next().unwrap_or("").ends_with(ext))
        })
        .map(str::to_owned)
        .collect()
}

/// The page's language attribute, its layout width, the viewport width and the smallest chart text as
/// drawn on the screen (its font size times the chart's scale; 0 without charts).
async fn page_facts(b: &Browser) -> (String, u64, u64, f64) {
    let v = b
        .js(
            "const sizes = [...document.querySelectorAll('svg text')]
                .filter(t => t.getBoundingClientRect().height > 0 && t.textContent.trim() !== '')
                .map(t => parseFloat(getComputedStyle(t).fontSize) * (t.ownerSVGElement.getScreenCTM()?.a || 1));
             return [document.documentElement.lang,
                     document.documentElement.scrollWidth,
                     document.documentElement.clientWidth,
                     sizes.length ? Math.min(...sizes) : 0];",
            vec![],
        )
        .await;
    (
        v[0].as_str().unwrap_or("").to_owned(),
        v[1].as_u64().unwrap_or(0),
        v[2].as_u64().unwrap_or(0),
        v[3].as_f64().unwrap_or(0.0),
    )
}

/// Chart text smaller than this (CSS pixels on the screen) is too small to read on a phone.
const MIN_CHART_TEXT_PX: f64 = 11.0;

/// Visits every page reachable from `start` whose address starts with `within`; checks each page's
/// language and width. Returns the addresses visited.
async fn crawl(b: &mut Browser, start: &str, within: &str, lang: &str) -> Vec<String> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<String> = VecDeque::from([start.to_owned()]);
    let mut visited = Vec::new();
    let mut too_wide = Vec::new();
    let mut wrong_lang = Vec::new();
    let mut small_text = Vec::new();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || visited.len() >= MAX_PAGES {
            continue;
        }
        b.goto(&path).await;
        let (page_lang, scroll, client, chart_text) = page_facts(b).await;
        if scroll > client {
            too_wide.push(format!("{path}: {scroll} px in a {client} px viewport"));
            b.shot(&format!("too-wide-{}", visited.len())).await;
        }
        if chart_text > 0.0 && chart_text < MIN_CHART_TEXT_PX {
            small_text.push(format!("{path}: chart text drawn at {chart_text:.1} px"));
            b.shot(&format!("small-text-{}", visited.len())).await;
        }
        if page_lang != lang {
            wrong_lang.push(format!("{path}: lang={page_lang}"));
        }
        visited.push(path);
        for l in links(b).await {
            if l.starts_with(within) && !seen.contains(&l) {
                queue.push_back(l);
            }
        }
    }
    report(&format!(
        "site crawl from {start} ({lang}, {}): {} pages",
        b.options.viewport.name(),
        visited.len()
    ));
    assert!(too_wide.is_empty(), "pages wider than the viewport: {too_wide:#?}");
    assert!(small_text.is_empty(), "chart text too small to read: {small_text:#?}");
    assert!(
        wrong_lang.is_empty(),
        "pages not in the chosen language {lang}: {wrong_lang:#?}"
    );
    visited
}

fn page_kinds(visited: &[String]) -> Vec<&'static str> {
    let kinds = [
        ("/s/", "form"),
        ("/results/", "results"),
        ("/topics/", "topic"),
        ("/trends/", "trend"),
        ("/admin/surveys/", "workbench survey"),
        ("/admin/users", "users"),
        ("/admin/audit", "audit"),
    ];
    kinds
        .iter()
        .filter(|(prefix, _)| visited.iter().any(|v| v.starts_with(prefix)))
        .map(|(_, k)| *k)
        .collect()
}

async fn shoot(b: &mut Browser, path: &str, name: &str) {
    b.goto(path).await;
    b.shot(name).await;
}

/// A screenshot with the element `css` scrolled to the top of the viewport.
async fn shoot_at(b: &mut Browser, path: &str, css: &str, name: &str) {
    b.goto(path).await;
    b.js(
        "const e = document.querySelector(arguments[0]); if (e) { e.scrollIntoView(); }",
        vec![serde_json::Value::String(css.to_owned())],
    )
    .await;
    b.shot(name).await;
}

/// Signs in from the page that asks for it; the sign-in page and the page after it keep the language.
async fn sign_in(b: &Browser, lang: &str) {
    b.goto("/admin/users").await;
    assert_eq!(page_facts(b).await.0, lang, "the sign-in page keeps the language");
    b.type_into("#login", "anna").await;
    b.type_into("#password", PASSWORD).await;
    b.submit("main button[type=submit]").await;
    let v = b.js("return location.pathname;", vec![]).await;
    assert_eq!(v.as_str(), Some("/admin/users"), "back where sign-in was asked for");
    assert_eq!(
        page_facts(b).await.0,
        lang,
        "the page after signing in keeps the language"
    );
}

/// The whole site in one language on one viewport.
async fn site(viewport: Viewport, lang: &str) {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, _store): (TestServer, _) = results_support::seeded_all(&db);
    add_user(&db, "anna", Role::Admin);
    let options = Options {
        viewport,
        javascript: true,
    };
    let mut b = Browser::start(&format!("site-{lang}"), &server.base, options).await;

    // The language is chosen once, on the first page; every later address is a plain link.
    b.goto(&format!("/?lang={lang}")).await;
    let public = crawl(&mut b, "/", "/", lang).await;
    let kinds = page_kinds(&public);
    for kind in ["form", "results", "topic", "trend"] {
        assert!(
            kinds.contains(&kind),
            "the crawl from / reached a {kind} page: {public:#?}"
        );
    }
    assert!(public.iter().any(|p| p == "/trends"), "the trends index is linked");
    assert!(
        public.iter().any(|p| p.contains("?by=")),
        "results breakdowns were visited"
    );

    // The language switcher: the other language is kept on the pages reached from there by links; then
    // switching back.
    let other = if lang == "ru" { "en" } else { "ru" };
    for to in [other, lang] {
        b.goto("/results/healthcare-2026").await;
        let link = format!("nav.langs a[lang={to}]");
        b.navigating(&link, || b.click(&link)).await;
        assert_eq!(page_facts(&b).await.0, to, "the switcher leads to the {to} page");
        for then in ["header a.brand", "main a[href='/trends']"] {
            b.navigating(then, || b.click(then)).await;
            assert_eq!(page_facts(&b).await.0, to, "{then} after switching to {to}");
        }
    }

    // Error pages in the chosen language.
    let not_found = if lang == "ru" {
        "Страница не найдена"
    } else {
        "Not Found"
    };
    for path in ["/no-such-page", "/trends/no-such-question", "/results/no-such-survey"] {
        b.goto(path).await;
        let (page_lang, scroll, client, _) = page_facts(&b).await;
        assert_eq!(page_lang, lang, "{path}");
        assert!(scroll <= client, "{path} is {scroll} px wide");
        assert_eq!(b.text("main h1").await, not_found, "{path}");
    }
    b.shot("error-404").await;

    shoot(&mut b, "/s/transport-2026", "form").await;
    shoot(&mut b, "/results/healthcare-2026", "results").await;
    shoot_at(
        &mut b,
        "/results/healthcare-2026?by=sex",
        ".breakdown",
        "results-by-sex",
    )
    .await;
    shoot_at(
        &mut b,
        "/results/healthcare-2026?by=sex",
        ".breakdown .table-wrap",
        "crosstab",
    )
    .await;
    shoot(&mut b, "/results/healthcare-2026/methodology", "methodology").await;
    shoot(&mut b, "/trends", "trends-index").await;
    shoot(&mut b, "/trends/life_satisfaction_region", "trend").await;

    // The workbench, signed in, in the same language.
    sign_in(&b, lang).await;
    let staff = crawl(&mut b, "/admin", "/admin", lang).await;
    let kinds = page_kinds(&staff);
    for kind in ["workbench survey", "users", "audit"] {
        assert!(
            kinds.contains(&kind),
            "the workbench crawl reached the {kind} page: {staff:#?}"
        );
    }
    shoot(&mut b, "/admin", "workbench").await;
    shoot(&mut b, "/admin/surveys/healthcare-2026/monitor", "monitor").await;
    shoot_at(
        &mut b,
        "/admin/surveys/healthcare-2026/monitor",
        "#dropoff",
        "monitor-dropoff",
    )
    .await;
    shoot(&mut b, "/admin/audit", "audit").await;

    if cfg!(opros_axe) {
        for path in [
            "/trends",
            "/results/healthcare-2026?by=sex",
            "/results/healthcare-2026/methodology",
            "/admin",
            "/admin/surveys/healthcare-2026/monitor",
            "/no-such-page",
        ] {
            b.goto(path).await;
            crate::browser::axe::check(&b, path).await;
        }
    }
    b.close().await;
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn russian_site_on_a_phone() {
    site(Viewport::Phone, "ru").await;
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn russian_site_on_a_desktop() {
    site(Viewport::Desktop, "ru").await;
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn english_site_on_a_phone() {
    site(Viewport::Phone, "en").await;
}

#[tokio::test]
#[cfg_attr(
    not(opros_browser),
    ignore = "needs chromium and chromedriver, not found at build time (apt-get install chromium chromium-driver); README, Tests"
)]
async fn english_site_on_a_desktop() {
    site(Viewport::Desktop, "en").await;
}
