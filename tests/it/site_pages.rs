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
    assert!(
        monitor.contains("Если взвесить сейчас (рейкинг)"),
        "the weighting method by its Russian name: {monitor}"
    );
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

    // English texts removed: refused, every missing text named with its file, line and question, unless
    // accepted with --allow-missing-texts (then warned about).
    let (half, removed) = without_english_of(&source, &["sex", "district"]);
    let partial = dir.path().join("partial.yaml");
    std::fs::write(&partial, &half).expect("write");
    let partial = partial.to_str().unwrap_or("");
    let (ok, out, err) = run_opros(&db, &["survey", "check", partial]);
    assert!(!ok, "missing texts are refused: {out}{err}");
    for (question, line) in &removed {
        let expected = format!("partial.yaml:{line}: question '{question}': ");
        assert!(err.contains(&expected), "{expected} in {err}");
    }
    assert!(
        err.matches("has no text in 'en'").count() >= removed.len() && err.contains("--allow-missing-texts"),
        "{err}"
    );
    let (ok, _, err) = run_opros(&db, &["survey", "import", partial]);
    assert!(!ok && err.contains("has no text in 'en'"), "import refuses too: {err}");
    let (ok, out, _) = run_opros(&db, &["survey", "list"]);
    assert!(ok && !out.contains("healthcare-2026"), "nothing stored: {out}");

    let (ok, out, err) = run_opros(&db, &["survey", "check", "--allow-missing-texts", partial]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("warning:") && out.contains("has no text in 'en'"), "{out}");
    let (ok, out, err) = run_opros(&db, &["survey", "import", "--allow-missing-texts", partial]);
    assert!(ok && out.contains("healthcare-2026: new survey"), "{out}{err}");
}

/// The definition without the English texts of the questions `ids` (the `en:` lines inside each question's
/// block), and each question with the line of its `id:` in the result.
fn without_english_of(source: &str, ids: &[&str]) -> (String, Vec<(String, usize)>) {
    let mut out = Vec::new();
    let mut current: Option<&str> = None;
    let mut lines = Vec::new();
    for line in source.lines() {
        let trimmed = line.trim_start().trim_start_matches("- ");
        if let Some(id) = trimmed.strip_prefix("id: ") {
            current = ids.iter().copied().find(|q| *q == id.trim());
            if let Some(q) = current {
                out.push((q.to_owned(), lines.len() + 1));
            }
        } else if current.is_some() && line.trim_start().starts_with("en:") {
            continue;
        }
        lines.push(if current.is_some() {
            without_flow_english(line)
        } else {
            line.to_owned()
        });
    }
    assert_eq!(out.len(), ids.len(), "the example has the questions {ids:?}");
    (lines.join("\n") + "\n", out)
}

/// A line with every `, en: "…"` of its flow maps taken out.
fn without_flow_english(line: &str) -> String {
    let mut rest = line;
    let mut out = String::new();
    while let Some(at) = rest.find(", en: \"") {
        out.push_str(&rest[..at]);
        let after = &rest[at + ", en: \"".len()..];
        rest = after.find('"').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// The `href` of the page's link that switches to `lang` (the language switcher), unescaped.
fn switch_link(html: &str, lang: &str) -> Option<String> {
    let marker = format!("lang&#x3D;{lang}\"");
    let end = html.find(&marker)? + marker.len() - 1;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].replace("&#x3D;", "=").replace("&amp;", "&"))
}

fn location_of(r: &reqwest::blocking::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// Links do not carry `lang=`: the choice lives in the cookie, so a copied address opens in the
/// recipient's own language; the choice survives the sign-in redirect, the language switcher, and the
/// redirect after a form is posted.
#[test]
fn a_language_chosen_once_stays_through_sign_in_the_switcher_and_posted_forms() {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, _store) = seeded(&db, &["healthcare-2026"]);
    add_user(&db, "anna", Role::Admin);
    // A browser that states no language preference.
    let mut staff = Staff {
        http: client(),
        base: server.base.clone(),
        csrf: String::new(),
    };
    // Chosen on a page that sends the visitor to sign in.
    let r = staff.get("/admin/users?lang=en");
    assert_eq!(r.status().as_u16(), 303);
    let to_login = location_of(&r);
    assert!(to_login.starts_with("/login?next="), "{to_login}");
    let login_page = staff.get(&to_login).text().expect("body");
    assert_eq!(html_lang(&login_page), "en", "the sign-in page keeps English");
    let csrf = crate::admin_support::csrf_of(&login_page);
    let next = to_login.trim_start_matches("/login?next=");
    let next = percent_decode(next);
    let r = staff.post_form(
        "/login",
        &[
            ("_csrf", &csrf),
            ("login", "anna"),
            ("password", crate::admin_support::PASSWORD),
            ("next", &next),
        ],
    );
    assert_eq!(r.status().as_u16(), 303);
    let after = location_of(&r);
    let page = staff.get(&after).text().expect("body");
    assert_eq!(html_lang(&page), "en", "{after} after signing in keeps English");
    staff.csrf = crate::admin_support::csrf_of(&page);

    // Links are plain: no page adds `lang=` to its links except the switcher.
    let switcher = page
        .split("<nav class=\"langs\"")
        .nth(1)
        .and_then(|n| n.split("</nav>").next())
        .unwrap_or("");
    assert_eq!(switcher.matches("lang&#x3D;").count(), 2, "{page}");
    assert_eq!(
        page.matches("lang&#x3D;").count(),
        2,
        "only the switcher names a language: {page}"
    );

    // A posted form (a weak password) answers in English, and its message is English.
    let r = staff.post(
        "/admin/users",
        &[("login", "boris"), ("role", "official"), ("password", "short")],
    );
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().expect("body");
    assert_eq!(html_lang(&html), "en");
    assert!(html.contains("the password is too short: use at least"), "{html}");

    // The switcher: Russian from now on, on the page it leads to and on later ones.
    let to_ru = switch_link(&page, "ru").expect("a link to the Russian page");
    let ru = staff.get(&to_ru).text().expect("body");
    assert_eq!(html_lang(&ru), "ru", "{to_ru}");
    let r = staff.post(
        "/admin/users",
        &[("login", "boris"), ("role", "official"), ("password", "short")],
    );
    let html = r.text().expect("body");
    assert_eq!(html_lang(&html), "ru");
    assert!(
        html.contains("Пароль слишком короткий: нужно не меньше 10 символов"),
        "the account layer's message in Russian: {html}"
    );
    // A posted action that redirects: the page it leads to stays Russian.
    let r = staff.post(
        "/admin/users",
        &[
            ("login", "boris"),
            ("role", "official"),
            ("password", "a-long-enough-password"),
        ],
    );
    assert_eq!(r.status().as_u16(), 303);
    let users = staff.get(&location_of(&r)).text().expect("body");
    assert_eq!(html_lang(&users), "ru");
    assert!(users.contains("boris"), "{users}");
    let r = staff.post(
        "/admin/users",
        &[
            ("login", "boris"),
            ("role", "official"),
            ("password", "a-long-enough-password"),
        ],
    );
    assert_eq!(r.status().as_u16(), 409);
    let html = r.text().expect("body");
    assert!(html.contains("Пользователь с логином «boris» уже есть"), "{html}");
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Mistyped results addresses (a breakdown, a filter) are explained in the reader's language: the
/// report layer's message has a Russian and an English text.
#[test]
fn errors_from_the_report_layer_speak_the_readers_language() {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, _store) = seeded(&db, &["healthcare-2026"]);
    let ru = client();
    let (status, html) = get(&ru, &server, "/results/healthcare-2026?by=no_such_variable");
    assert_eq!(status, 400);
    assert_eq!(html_lang(&html), "ru");
    assert!(
        html.contains("«no_such_variable» — не переменная для разбивки в этом опросе"),
        "{html}"
    );
    assert!(!html.contains("is not a breakdown variable"), "{html}");
    let (status, html) = get(&ru, &server, "/results/healthcare-2026?filter=nonsense");
    assert_eq!(status, 400);
    assert!(html.contains("«nonsense» — не фильтр"), "{html}");
    let (status, html) = get(&ru, &server, "/results/healthcare-2026/export.csv?dialect=lotus");
    assert_eq!(status, 400);
    assert!(html.contains("Неизвестный вид CSV «lotus»"), "{html}");
    let (status, html) = get(&ru, &server, "/results/healthcare-2026/export.csv?data=microdata");
    assert_eq!(status, 403);
    assert!(
        html.contains("сводные таблицы — по тому же адресу без ?data&#x3D;microdata"),
        "{html}"
    );
    let (status, html) = get(&ru, &server, "/results/transport-2026");
    assert_eq!(status, 404);
    assert!(
        html.contains("Результаты опроса «transport-2026» не опубликованы"),
        "{html}"
    );

    let en = client();
    let (status, html) = get(&en, &server, "/results/healthcare-2026?by=no_such_variable&lang=en");
    assert_eq!(status, 400);
    assert_eq!(html_lang(&html), "en");
    assert!(
        html.contains("&#x27;no_such_variable&#x27; is not a breakdown variable of this survey"),
        "{html}"
    );
    // The API keeps the layer's English message.
    let r = en
        .get(server.url("/api/v1/surveys/healthcare-2026/summary?by=no_such_variable"))
        .send()
        .expect("request");
    assert_eq!(r.status().as_u16(), 400);
    let body: Value = r.json().expect("json");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("is not a breakdown variable")),
        "{body}"
    );
}

/// A multipart upload of a pasted definition, with the accept-missing-texts box ticked or not.
fn upload_definition(staff: &Staff, text: &str, accept_missing: bool) -> reqwest::blocking::Response {
    let boundary = "----opros-site-pages-4b1e";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"definition\"\r\n\r\n{text}\r\n",
        staff.csrf
    );
    if accept_missing {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"allow_missing_texts\"\r\n\r\n1\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    staff
        .http
        .post(staff.url("/admin/surveys/new"))
        .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .expect("POST multipart")
}

#[test]
fn the_workbench_refuses_missing_texts_unless_the_uploader_accepts_them() {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, _store) = seeded(&db, &["healthcare-2026"]);
    add_user(&db, "sofia", Role::Sociologist);
    let staff = Staff::login(&server, "sofia");
    let source =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/surveys/healthcare.yaml")).expect("example");
    let (half, removed) = without_english_of(&source, &["sex", "district"]);

    let page = staff.get("/admin/surveys/new?lang=ru").text().expect("body");
    assert!(
        page.contains("name=\"allow_missing_texts\""),
        "the upload form offers to accept missing texts: {page}"
    );
    let r = upload_definition(&staff, &half, false);
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().expect("body");
    assert_eq!(html_lang(&html), "ru");
    for (question, line) in &removed {
        let located = format!("<code>pasted definition:{line}</code> вопрос <code>{question}</code>:");
        assert!(html.contains(&located), "{located} in {html}");
    }
    assert!(html.contains("has no text in &#x27;en&#x27;"), "{html}");
    assert!(html.contains("В описании нет текстов на одном из заявленных"), "{html}");
    // Nothing was staged.
    assert!(!html.contains("/admin/uploads/"), "{html}");

    let r = upload_definition(&staff, &half, true);
    assert_eq!(r.status().as_u16(), 303, "accepted when ticked");
    let preview = staff.get(&location_of(&r)).text().expect("body");
    assert!(
        preview.contains("has no text in &#x27;en&#x27;"),
        "the preview still lists what is missing: {preview}"
    );
    // The example as shipped has every text: no refusal, no box needed.
    let r = upload_definition(&staff, &source, false);
    assert_eq!(r.status().as_u16(), 303);
}

const AGES: &str = r#"slug: ages
title: {ru: "Возраст", en: "Ages"}
topic: test
languages: [ru, en]
pages:
  - id: about
    questions:
      - id: age
        type: number
        required: true
        text: {ru: "Сколько вам лет?", en: "How old are you?"}
      - id: height
        type: number
        text: {ru: "Ваш рост, м", en: "Your height, m"}
      - id: since
        type: date
        text: {ru: "С какого дня вы здесь живёте?", en: "Since when do you live here?"}
"#;

/// The end of a workbench preview lists the answers as a reader of its language writes them: whole
/// numbers without ".0", a decimal comma and dd.mm.yyyy in Russian, and no raw JSON.
#[test]
fn the_preview_ends_with_answers_written_for_its_language() {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, _store) = seeded(&db, &["healthcare-2026"]);
    add_user(&db, "sofia", Role::Sociologist);
    let staff = Staff::login(&server, "sofia");
    let r = upload_definition(&staff, AGES, false);
    assert_eq!(r.status().as_u16(), 303);
    let preview = location_of(&r);
    let answers = [
        ("_page", "about"),
        ("age", "47"),
        ("height", "1.75"),
        ("since", "2027-06-30"),
    ];
    for (lang, age, height, date) in [("ru", "47", "1,75", "30.06.2027"), ("en", "47", "1.75", "2027-06-30")] {
        let r = staff.post(&format!("{preview}/preview?lang={lang}"), &answers);
        assert_eq!(r.status().as_u16(), 200);
        let end = r.text().expect("body");
        let table = end
            .split("<tbody>")
            .nth(1)
            .and_then(|t| t.split("</tbody>").next())
            .expect("the answers table");
        let cells: Vec<&str> = table
            .split("<td>")
            .skip(1)
            .filter_map(|c| c.split("</td>").next())
            .collect();
        assert_eq!(
            cells.iter().skip(1).step_by(2).copied().collect::<Vec<_>>(),
            vec![age, height, date],
            "{lang}: {table}"
        );
        assert!(!end.contains("47.0") && !end.contains("{&quot;"), "{end}");
        assert!(
            !end.contains("_preview_answers"),
            "no answers carried past the end: {end}"
        );
    }
}
