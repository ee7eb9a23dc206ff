//! The site in the reader's language: the language chosen with `?lang=` is remembered and kept on every
//! later page; error pages in that language; the trends index; numbers, dates and words as Russian
//! readers write them; the workbench in Russian by default; `survey check` of a file outside `surveys/`.

use opros::auth::Role;
use reqwest::blocking::Client;
use serde_json::Value;

use crate::admin_support::{add_user, Staff};
use crate::common::{client, run_opros, Backend, TestDb, TestServer};
use crate::results_support::{seeded, seeded_all};

fn get(c: &Client, server: &TestServer, path: &str) -> (u16, String) {
    let r = c.get(server.url(path)).send().expect("request");
    (r.status().as_u16(), r.text().expect("body"))
}

fn html_lang(html: &str) -> &str {
    html.split("<html lang=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("")
}

/// CLDR plural form of a Russian count (one: 1, 21, 31…; few: 2–4, 22–24…; many: the rest), written out
/// here from the CLDR rules rather than taken from the code under test.
fn russian_respondents(n: u64) -> &'static str {
    let (m10, m100) = (n % 10, n % 100);
    if m10 == 1 && m100 != 11 {
        "ответивший"
    } else {
        "ответивших"
    }
}

#[test]
fn a_language_chosen_once_stays_on_every_later_page() {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, _store) = seeded_all(&db);
    let c = client();
    let r = c.get(server.url("/results?lang=en")).send().expect("request");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("opros_lang="))
        .map(str::to_owned);
    assert!(
        cookie
            .as_deref()
            .is_some_and(|c| c.starts_with("opros_lang=en") && c.contains("Path=/")),
        "?lang=en remembers the choice for the whole site: {cookie:?}"
    );
    for path in [
        "/",
        "/results",
        "/results/healthcare-2026",
        "/results/healthcare-2026?by=sex",
        "/results/healthcare-2026/methodology",
        "/trends",
        "/s/transport-2026",
        "/no-such-page",
    ] {
        let (_, html) = get(&c, &server, path);
        assert_eq!(html_lang(&html), "en", "{path} keeps English");
    }
    // `?lang=` overrides the remembered choice, and becomes the new one.
    let (_, html) = get(&c, &server, "/results?lang=ru");
    assert_eq!(html_lang(&html), "ru");
    let (_, html) = get(&c, &server, "/results/healthcare-2026");
    assert_eq!(html_lang(&html), "ru", "the new choice is remembered");
}

#[test]
fn error_pages_speak_the_readers_language() {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, _store) = seeded(&db, &["healthcare-2026"]);
    let ru = client();
    for path in [
        "/no-such-page",
        "/trends/no-such-question",
        "/results/transport-2026",
        "/s/no-such-survey",
    ] {
        let (status, html) = get(&ru, &server, path);
        assert_eq!(status, 404, "{path}");
        assert_eq!(html_lang(&html), "ru", "{path}");
        assert!(html.contains("Страница не найдена"), "{path}: {html}");
        assert!(html.contains("Такой страницы нет"), "{path}: {html}");
        assert!(
            !html.contains("unknown survey"),
            "{path}: no English detail on a Russian page"
        );
    }
    let en = client();
    let (status, html) = get(&en, &server, "/no-such-page?lang=en");
    assert_eq!(status, 404);
    assert_eq!(html_lang(&html), "en");
    assert!(
        html.contains("Not Found") && html.contains("There is no such page"),
        "{html}"
    );
}

#[test]
fn the_trends_index_lists_every_tracked_question_with_its_latest_value() {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, _store) = seeded_all(&db);
    let c = client();
    for path in ["/trends", "/trends/"] {
        let (status, html) = get(&c, &server, path);
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("Вопросы в динамике"), "{path}: {html}");
        assert!(
            html.contains("href=\"/trends/life_satisfaction_region\""),
            "{path}: {html}"
        );
        assert!(html.contains("3 волны"), "three waves, with the Russian plural: {html}");
    }
    // The latest value is the mean of the newest wave's results page, with a decimal comma.
    let (_, page) = get(&c, &server, "/trends/life_satisfaction_region");
    let (_, index) = get(&c, &server, "/trends");
    let latest = index
        .split("class=\"latest\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("a latest value");
    let value = latest.rsplit(": ").next().unwrap_or("");
    assert!(
        value.contains(',') && !value.contains('.'),
        "a Russian decimal: {latest}"
    );
    assert!(
        page.contains(value),
        "the value {value} is the trend page's latest: {page}"
    );

    // The home page links to the results, the results list to the trends.
    let (_, home) = get(&c, &server, "/");
    assert!(
        home.contains("href=\"/results\"") && home.contains("href=\"/trends\""),
        "{home}"
    );
    let (_, list) = get(&c, &server, "/results");
    assert!(list.contains("href=\"/trends\""), "{list}");
}

#[test]
fn russian_results_pages_write_numbers_dates_and_words_as_russian_readers_do() {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, _store) = seeded_all(&db);
    let c = client();
    let (_, html) = get(&c, &server, "/results/healthcare-2026?by=sex");
    // Handlebars writes `=` as `&#x3D;`.
    let html = html.replace("&#x3D;", "=");
    assert!(!html.contains("p = 0."), "p-values with a decimal comma");
    assert!(html.contains("p = 0,") || html.contains("p = 1,"), "a p-value is shown");
    // Shares: "43,2%", never "43.2%".
    let point_share = regex_like_share(&html, '.');
    assert!(point_share.is_none(), "a share with a decimal point: {point_share:?}");
    assert!(regex_like_share(&html, ',').is_some(), "shares with a decimal comma");
    // A date question is not called an open question.
    let date_q = html
        .split("data-question=\"last_visit\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the date question last_visit");
    assert!(
        date_q.contains("Вопрос о дате") && !date_q.contains("Открытый вопрос"),
        "{date_q}"
    );
    // Dates as 01.03.2026, not ISO.
    assert!(!html.contains("2026-0"), "no ISO dates on a Russian page");
    // The base line agrees with its number (CLDR plurals).
    let summary: Value = c
        .get(server.url("/api/v1/surveys/healthcare-2026/summary?lang=ru"))
        .send()
        .expect("summary")
        .json()
        .expect("json");
    let mut checked = 0;
    for q in summary["questions"].as_array().into_iter().flatten() {
        let Some(n) = q["base_n"].as_u64() else { continue };
        let line = format!("<span class=\"base-n\">{n}</span> {}", russian_respondents(n));
        if html.contains(&format!("data-question=\"{}\"", q["id"].as_str().unwrap_or(""))) {
            assert!(html.contains(&line), "base line for {}: {line}", q["id"]);
            checked += 1;
        }
    }
    assert!(checked > 0, "base lines checked");

    let (_, m) = get(&c, &server, "/results/healthcare-2026/methodology");
    for raw in [
        "[single_choice",
        "Сошлось: true",
        "Сошлось: false",
        "(raking",
        ">raking<",
    ] {
        assert!(!m.contains(raw), "methodology shows `{raw}`");
    }
    assert!(m.contains("[один ответ"), "question types in Russian");
    assert!(
        m.contains("Сошлось: да") || m.contains("Сошлось: нет"),
        "converged as a word"
    );
    let (_, topic) = get(&c, &server, "/results");
    assert!(topic.contains("Здравоохранение"), "topic names, not codes");
    assert!(!topic.contains(">healthcare<"), "topic names, not codes");
}

/// The first "NN<sep>N%" share in the page, if any.
fn regex_like_share(html: &str, sep: char) -> Option<String> {
    let chars: Vec<char> = html.chars().collect();
    for i in 0..chars.len().saturating_sub(3) {
        if chars[i].is_ascii_digit() && chars[i + 1] == sep && chars[i + 2].is_ascii_digit() && chars[i + 3] == '%' {
            return Some(chars[i.saturating_sub(3)..i + 4].iter().collect());
        }
    }
    None
}

#[test]
fn the_workbench_is_russian_by_default_and_english_when_chosen() {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, _store) = seeded(&db, &["healthcare-2026"]);
    add_user(&db, "olga", Role::Official);
    // A browser that states no language preference (`Staff::login` asks for English).
    let mut staff = Staff {
        http: client(),
        base: server.base.clone(),
        csrf: String::new(),
    };
    let r = staff.try_login("olga", crate::admin_support::PASSWORD);
    assert_eq!(r.status().as_u16(), 303);
    let ru = staff.get("/admin").text().expect("body");
    assert_eq!(html_lang(&ru), "ru");
    assert!(ru.contains("Опросы"), "{ru}");
    // An official sees the results link of published surveys only (the others would answer 404).
    assert!(ru.contains("href=\"/results/healthcare-2026\""));
    assert!(!ru.contains("href=\"/results/transport-2026\""), "{ru}");
    let en = staff.get("/admin?lang=en").text().expect("body");
    assert_eq!(html_lang(&en), "en");
    let again = staff.get("/admin").text().expect("body");
    assert_eq!(html_lang(&again), "en", "the staff choice is kept");

    add_user(&db, "anna", Role::Admin);
    let admin = Staff::login(&server, "anna");
    let audit = admin.get("/admin/audit?lang=ru").text().expect("body");
    assert_eq!(html_lang(&audit), "ru");
    assert!(
        audit.contains(" UTC</time>"),
        "audit times say their time zone: {audit}"
    );
    // Every drop-off bar of the monitor is labelled with its rate.
    let monitor = admin
        .get("/admin/surveys/healthcare-2026/monitor")
        .text()
        .expect("body");
    let bars: Vec<&str> = monitor.split("class=\"drop-bar\"").skip(1).collect();
    assert!(!bars.is_empty(), "{monitor}");
    for bar in bars {
        let svg = bar.split("</svg>").next().unwrap_or("");
        assert!(svg.contains("<text") && svg.contains('%'), "a labelled bar: {svg}");
    }
}

#[test]
fn survey_check_finds_the_shipped_population_outside_surveys_and_warns_of_missing_texts() {
    let db = TestDb::new(&Backend::Sqlite);
    let dir = tempfile::tempdir().expect("tmp");
    let source =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/surveys/healthcare.yaml")).expect("example");
    let copy = dir.path().join("healthcare.yaml");
    std::fs::write(&copy, &source).expect("write");
    let (ok, out, err) = run_opros(&db, &["survey", "check", copy.to_str().unwrap_or("")]);
    assert!(ok, "a copied example checks as the workbench would: {out}{err}");
    assert!(out.contains(": ok ("), "{out}");

    // A population nobody has: the error says where it looked.
    let broken = source.replace("populations/example.yaml", "populations/nowhere.yaml");
    assert_ne!(broken, source, "the example names its population");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, &broken).expect("write");
    let (ok, out, err) = run_opros(&db, &["survey", "check", bad.to_str().unwrap_or("")]);
    assert!(!ok, "{out}");
    assert!(
        err.contains("nowhere.yaml") && err.contains("looked for the file"),
        "{err}"
    );
    assert!(
        err.contains("populations/example.yaml"),
        "the shipped files are listed: {err}"
    );

    // An English text removed: a warning names the text and the language.
    let title_en = source
        .lines()
        .find(|l| l.trim_start().starts_with("en:"))
        .expect("an English text")
        .to_owned();
    let half = source.replacen(&format!("{title_en}\n"), "", 1);
    let partial = dir.path().join("partial.yaml");
    std::fs::write(&partial, &half).expect("write");
    let (ok, out, err) = run_opros(&db, &["survey", "check", partial.to_str().unwrap_or("")]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("warning:") && out.contains("has no text in 'en'"), "{out}");
}
