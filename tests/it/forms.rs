//! The respondent form against the real server, on SQLite and on PostgreSQL (`backend_tests!`).

use crate::common;
use crate::common::{backend_tests, test_config, Backend, TestDb};
use crate::forms_support;
use crate::forms_support::{start, Respondent};
use opros::definition::{Answer, Answers};
use opros::store::Store;

fn complete(store: &Store, slug: &str) -> Vec<opros::store::ResponseRow> {
    let s = store.find_survey(slug).unwrap();
    store.complete_responses(&s.id).unwrap()
}

/// The respondent token, from the resume link on the page.
fn token_of(r: &Respondent) -> String {
    let html = forms_support::html_unescape(&r.html);
    let start = html.find("?r=").expect("resume link");
    html[start + 3..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect()
}

fn answers_of(row: &opros::store::ResponseRow) -> Answers {
    serde_json::from_str(&row.answers).unwrap()
}

fn multi_page_survey_with_conditions_is_completed_and_stored(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = start(&db, test_config(&db));
    let mut r = Respondent::new(&server, "formtest");
    assert_eq!(r.open("?lang=en"), 200);
    assert!(r.html.contains("Page 1 of"), "progress shown: {}", r.html);
    assert_eq!(r.page_id(), "p1");
    let token = token_of(&r);
    // cat_name is answered but hidden (no cat): dropped, not an error.
    let st = r.send(&[
        ("sex", "m"),
        ("age", "42"),
        ("pets", "dog"),
        ("pets", "fish"),
        ("cat_name", "Murka"),
    ]);
    assert_eq!(st, 303, "{}", r.html);
    assert_eq!(r.page_id(), "p2");
    assert!(r.html.contains("Page 2 of"));
    assert_eq!(
        r.send(&[("sat", "dk"), ("grid.a", "3"), ("grid.b", "1"), ("visit", "01.03.2026")]),
        303
    );
    // p3 is shown to men.
    assert_eq!(r.page_id(), "p3", "{}", r.html);
    assert_eq!(r.send(&[("men_q", "yes")]), 303);
    assert_eq!(r.page_id(), "p4");
    assert!(r.html.contains("Submit answers"), "last page says submit");
    assert_eq!(r.send(&[("prio.y", "1"), ("prio.x", "2")]), 200);
    assert!(r.html.contains("Thank you"), "{}", r.html);

    let rows = complete(&store, "formtest");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.language, "en");
    assert!(row.duration_seconds.is_some());
    assert!(row.submitted_at.is_some());
    // The key is the token's creation time (11 hex digits), '-', and SHA-256 of the token: the token's
    // secret part is not stored.
    assert_eq!(row.respondent_key.len(), 11 + 1 + 64, "{}", row.respondent_key);
    assert!(row.respondent_key.starts_with(&format!("{}-", &token[..11])));
    assert!(!row.respondent_key.contains(&token[11..]), "the token is not stored");
    let a = answers_of(row);
    let mut expected = Answers::new();
    expected.insert("sex".into(), Answer::choice("m"));
    expected.insert("age".into(), Answer::Number(42.0));
    expected.insert("pets".into(), Answer::choices(&["dog", "fish"]));
    expected.insert("sat".into(), Answer::Scale("dk".into()));
    expected.insert(
        "grid".into(),
        Answer::Matrix([("a".to_owned(), "3".to_owned()), ("b".to_owned(), "1".to_owned())].into()),
    );
    expected.insert(
        "visit".into(),
        Answer::Date(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
    );
    expected.insert("men_q".into(), Answer::choice("yes"));
    expected.insert("prio".into(), Answer::Ranking(vec!["y".into(), "x".into()]));
    assert_eq!(a, expected);

    // Opening the survey again: already answered.
    assert_eq!(r.open(""), 200);
    assert!(r.html.contains("already answered"), "{}", r.html);
    drop(server);
}
backend_tests!(multi_page_survey_with_conditions_is_completed_and_stored);

fn skipped_page_and_partial_responses(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = start(&db, test_config(&db));
    let mut r = Respondent::new(&server, "formtest");
    r.open("?lang=en");
    assert_eq!(
        r.send(&[("sex", "f"), ("age", "30"), ("pets", "cat"), ("cat_name", "Murka")]),
        303
    );
    // Partial response saved after the first page.
    let s = store.find_survey("formtest").unwrap();
    let counts = store.response_counts(&s.id).unwrap();
    assert_eq!(counts, vec![("partial".to_owned(), 1)]);
    assert_eq!(r.send(&[("sat", "4")]), 303);
    // Women skip p3.
    assert_eq!(r.page_id(), "p4", "{}", r.html);
    // Back goes to p2 (not the skipped p3), keeping what was entered.
    let st = r.send(&[("_nav", "back")]);
    assert_eq!(st, 303);
    assert_eq!(r.page_id(), "p2");
    assert!(r.html.contains("value=\"4\" checked"), "answer kept: {}", r.html);
    assert_eq!(r.send(&[("sat", "3")]), 303);
    assert_eq!(r.send(&[]), 200);
    let rows = complete(&store, "formtest");
    assert_eq!(rows.len(), 1);
    let a = answers_of(&rows[0]);
    assert_eq!(a.get("cat_name"), Some(&Answer::Text("Murka".into())));
    assert_eq!(a.get("sat"), Some(&Answer::Scale("3".into())));
    assert!(!a.contains_key("men_q"));
}
backend_tests!(skipped_page_and_partial_responses);

fn validation_errors_come_back_with_the_page_and_messages(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, _store) = start(&db, test_config(&db));
    let mut r = Respondent::new(&server, "formtest");
    r.open("?lang=en");
    // (answers sent, message expected, link of the error summary)
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (vec![("age", "30")], "Please answer this question.", "#q-sex-0"),
        (vec![("sex", "m"), ("age", "12")], "at least 18", "#q-age"),
        (vec![("sex", "m"), ("age", "30.5")], "whole number", "#q-age"),
        (vec![("sex", "m"), ("age", "abc")], "Please enter a number", "#q-age"),
        (
            vec![
                ("sex", "m"),
                ("age", "30"),
                ("pets", "cat"),
                ("pets", "dog"),
                ("pets", "fish"),
            ],
            "at most 2",
            "#q-pets-0",
        ),
        (
            vec![("sex", "m"), ("age", "30"), ("pets", "none"), ("pets", "dog")],
            "cannot be combined",
            "#q-pets-0",
        ),
        (
            vec![
                ("sex", "m"),
                ("age", "30"),
                ("pets", "cat"),
                ("cat_name", "Murka the great"),
            ],
            "too long",
            "#q-cat_name",
        ),
        (
            vec![("sex", "x"), ("age", "30")],
            "is not one of the options",
            "#q-sex-0",
        ),
        (
            vec![("sex", "m"), ("age", "30"), ("sat", "4")],
            "does not belong to this page",
            "",
        ),
        (
            vec![("sex", "m"), ("sex", "f"), ("age", "30")],
            "only one answer",
            "#q-sex-0",
        ),
    ];
    for (answers, message, link) in cases {
        let st = r.send(&answers);
        assert_eq!(st, 422, "{answers:?}: {}", r.html);
        assert!(r.html.contains(message), "{answers:?} → {message}: {}", r.html);
        assert!(r.html.contains("error-summary"));
        if !link.is_empty() {
            assert!(r.html.contains(&format!("href=\"{link}\"")), "{answers:?} links {link}");
            assert!(r.html.contains("aria-invalid=\"true\""));
        }
        assert_eq!(r.page_id(), "p1");
    }
    // What was entered is kept.
    r.send(&[("sex", "f"), ("age", "999")]);
    assert!(r.html.contains("value=\"999\""), "{}", r.html);
    assert!(r.html.contains("value=\"f\" checked"));
    // Russian messages.
    r.open("?lang=ru");
    r.send(&[("age", "30")]);
    assert!(r.html.contains("Ответьте, пожалуйста, на этот вопрос."), "{}", r.html);
}
backend_tests!(validation_errors_come_back_with_the_page_and_messages);

fn csrf_missing_or_wrong_is_refused_with_a_way_to_continue(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = start(&db, test_config(&db));
    let mut r = Respondent::new(&server, "formtest");
    r.open("?lang=en");
    let page = r.page_id();
    assert_eq!(r.post_raw(format!("_page={page}&sex=m&age=30")), 403);
    assert!(r.html.contains("href=\"/s/formtest\""), "{}", r.html);
    r.open("");
    assert_eq!(
        r.post_raw(format!(
            "_csrf=0123456789abcdef0123456789abcdef&_page={page}&sex=m&age=30"
        )),
        403
    );
    // No cookie at all (another site posting).
    let other = common::client();
    let resp = other
        .post(format!("{}/s/formtest", server.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("_csrf={}&_page=p1&sex=m&age=30", r.hidden("_csrf")))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 403);
    let s = store.find_survey("formtest").unwrap();
    assert!(store.response_counts(&s.id).unwrap().is_empty(), "nothing stored");
}
backend_tests!(csrf_missing_or_wrong_is_refused_with_a_way_to_continue);

fn closed_and_not_open_surveys_show_a_page(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = start(&db, test_config(&db));
    let mut r = Respondent::new(&server, "formtest");
    r.open("?lang=en");
    store.set_status("formtest", opros::store::Status::Closed).unwrap();
    assert_eq!(r.send(&[("sex", "m"), ("age", "30")]), 403);
    assert!(r.html.contains("This survey is closed"), "{}", r.html);
    assert_eq!(r.open(""), 200);
    assert!(r.html.contains("This survey is closed"));
    let s = store.find_survey("formtest").unwrap();
    assert!(store.response_counts(&s.id).unwrap().is_empty());
}
backend_tests!(closed_and_not_open_surveys_show_a_page);

fn resume_link_and_cookie_return_to_the_same_place(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, _store) = start(&db, test_config(&db));
    let mut r = Respondent::new(&server, "formtest");
    r.open("?lang=en");
    r.send(&[("sex", "m"), ("age", "50")]);
    assert_eq!(r.page_id(), "p2");
    // Same browser later: the cookie brings the person back to p2.
    r.open("");
    assert_eq!(r.page_id(), "p2");
    let link = forms_support::attr_after(&r.html, "class=\"resume\"", "class").map(|_| ());
    assert!(link.is_some());
    let html = forms_support::html_unescape(&r.html);
    let start = html.find("?r=").unwrap();
    let token: String = html[start + 3..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    // Another device with the resume link.
    let mut other = Respondent::new(&server, "formtest");
    assert_eq!(other.open(&format!("?r={token}")), 200);
    assert_eq!(other.page_id(), "p2", "{}", other.html);
    assert_eq!(other.send(&[("sat", "2")]), 303);
    assert_eq!(other.page_id(), "p3");
}
backend_tests!(resume_link_and_cookie_return_to_the_same_place);

fn invitation_tokens_work_once(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = start(&db, test_config(&db));
    let survey = store.find_survey("formtest").unwrap();
    let token = opros::form::tokens::new_token();
    store
        .add_invitations(&survey.id, &[opros::form::tokens::key_hash(&token)])
        .unwrap();

    let mut bad = Respondent::new(&server, "formtest");
    assert_eq!(bad.open(&format!("?t={}", opros::form::tokens::new_token())), 403);
    assert!(bad.html.contains("invitation") || bad.html.contains("приглашение"));

    let mut r = Respondent::new(&server, "formtest");
    assert_eq!(r.open(&format!("?t={token}&lang=en")), 200);
    r.send(&[("sex", "m"), ("age", "50")]);
    r.send(&[("sat", "1")]);
    r.send(&[]);
    assert_eq!(r.send(&[]), 200);
    assert!(r.html.contains("Thank you"), "{}", r.html);
    assert_eq!(store.invitation_counts(&survey.id).unwrap(), (1, 1));

    // The same token on another device: already answered, nothing new stored.
    let mut again = Respondent::new(&server, "formtest");
    assert_eq!(again.open(&format!("?t={token}")), 200);
    assert!(
        again.html.contains("already") || again.html.contains("уже ответили"),
        "{}",
        again.html
    );
    assert_eq!(complete(&store, "formtest").len(), 1);
}
backend_tests!(invitation_tokens_work_once);

fn oversized_body_honeypot_and_junk_are_4xx(backend: Backend) {
    let db = TestDb::new(&backend);
    let mut config = test_config(&db);
    config.max_body_bytes = 4096;
    let (server, store) = start(&db, config);
    let mut r = Respondent::new(&server, "formtest");
    r.open("?lang=en");
    let big = "x".repeat(10_000);
    assert_eq!(r.send(&[("sex", "m"), ("age", "30"), ("cat_name", &big)]), 413);
    r.open("");
    assert_eq!(r.send(&[("sex", "m"), ("age", "30"), ("_hp_url", "http://spam")]), 400);
    r.open("");
    assert_eq!(r.post_raw("%%%\u{0}&&==&_csrf".into()), 403);
    let s = store.find_survey("formtest").unwrap();
    assert!(store.response_counts(&s.id).unwrap().is_empty());
    // Text is stored verbatim (SQL / template injection strings) and rendered escaped.
    r.open("");
    let evil = "';--<b>{{x}}";
    assert_eq!(
        r.send(&[("sex", "m"), ("age", "30"), ("pets", "cat"), ("cat_name", &evil[..9])]),
        303
    );
    r.send(&[("_nav", "back")]);
    assert!(r.html.contains("&#x27;;--&lt;b&gt;{{"), "rendered escaped: {}", r.html);
    let row = store
        .find_response(&s.id, &opros::form::tokens::key_hash(&token_of(&r)))
        .unwrap()
        .unwrap();
    let a = answers_of(&row);
    assert_eq!(
        a.get("cat_name"),
        Some(&Answer::Text(evil[..9].to_owned())),
        "stored verbatim"
    );
}
backend_tests!(oversized_body_honeypot_and_junk_are_4xx);

#[test]
fn bot_checks_min_time_and_rate_limit() {
    let db = TestDb::new(&Backend::Sqlite);
    let mut config = test_config(&db);
    config.min_page_seconds = 1.0;
    config.rate_limit_per_minute = 3;
    let (server, _store) = start(&db, config);
    let mut r = Respondent::new(&server, "formtest");
    r.open("?lang=en");
    assert_eq!(r.send(&[("sex", "m"), ("age", "30")]), 422);
    assert!(r.html.contains("very quickly"), "{}", r.html);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(r.send(&[("sex", "m"), ("age", "30")]), 303);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(r.send(&[("sat", "2")]), 303);
    assert_eq!(r.send(&[("men_q", "no")]), 429);
}

fn quota_screens_out_when_full(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = start(&db, test_config(&db));
    let finish = |sex: &str| -> Respondent {
        let mut r = Respondent::new(&server, "formtest");
        r.open("?lang=en");
        r.send(&[("sex", sex), ("age", "30")]);
        r.send(&[("sat", "2")]);
        while r.status == 200 && r.html.contains("name=\"_page\"") {
            r.send(&[]);
        }
        r
    };
    for _ in 0..2 {
        let r = finish("f");
        assert!(r.html.contains("notice thanks"), "{}", r.html);
    }
    // The third woman is screened out as soon as the screening question is answered.
    let mut r = Respondent::new(&server, "formtest");
    r.open("?lang=en");
    assert_eq!(r.send(&[("sex", "f"), ("age", "30")]), 200);
    assert!(r.html.contains("enough answers from people like you"), "{}", r.html);
    let men = finish("m");
    assert!(men.html.contains("notice thanks"));
    let s = store.find_survey("formtest").unwrap();
    let mut counts = store.response_counts(&s.id).unwrap();
    counts.sort();
    assert_eq!(counts, vec![("complete".to_owned(), 3), ("screened_out".to_owned(), 1)]);
    assert_eq!(store.quota_counts(&s.id).unwrap(), vec![("women".to_owned(), 2)]);
}
backend_tests!(quota_screens_out_when_full);

fn quota_is_exact_under_concurrent_completions(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = start(&db, test_config(&db));
    // Twelve women reach the last page, then all submit it at once.
    let mut ready: Vec<Respondent> = (0..12)
        .map(|_| {
            let mut r = Respondent::new(&server, "formtest");
            r.open("?lang=en");
            r.send(&[("sex", "f"), ("age", "30")]);
            r.send(&[("sat", "2")]);
            assert_eq!(r.page_id(), "p4");
            r
        })
        .collect();
    let results: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = ready
            .iter_mut()
            .map(|r| {
                s.spawn(move || {
                    r.send(&[]);
                    r.html.clone()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let thanks = results.iter().filter(|h| h.contains("notice thanks")).count();
    let screened = results.iter().filter(|h| h.contains("enough answers")).count();
    assert_eq!((thanks, screened), (2, 10));
    let s = store.find_survey("formtest").unwrap();
    assert_eq!(complete(&store, "formtest").len(), 2);
    assert_eq!(store.quota_counts(&s.id).unwrap(), vec![("women".to_owned(), 2)]);
}
backend_tests!(quota_is_exact_under_concurrent_completions);

fn duplicate_final_submission_is_counted_once(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = start(&db, test_config(&db));
    let mut r = Respondent::new(&server, "formtest");
    r.open("?lang=en");
    r.send(&[("sex", "m"), ("age", "30")]);
    r.send(&[("sat", "2")]);
    r.send(&[]);
    assert_eq!(r.page_id(), "p4");
    let body = serde_urlencoded::to_string([
        ("_csrf", r.hidden("_csrf")),
        ("_page", r.page_id()),
        ("_shown", r.hidden("_shown")),
    ])
    .unwrap();
    let outcomes: Vec<u16> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|_| {
                let http = r.http.clone();
                let url = r.url();
                let body = body.clone();
                s.spawn(move || {
                    http.post(url)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .body(body)
                        .send()
                        .unwrap()
                        .status()
                        .as_u16()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(outcomes.iter().all(|s| *s == 200), "{outcomes:?}");
    assert_eq!(complete(&store, "formtest").len(), 1);
}
backend_tests!(duplicate_final_submission_is_counted_once);

fn concurrent_first_pages_are_all_stored_once(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = start(&db, test_config(&db));
    let mut people: Vec<Respondent> = (0..24)
        .map(|_| {
            let mut r = Respondent::new(&server, "formtest");
            r.open("?lang=en");
            r
        })
        .collect();
    // Each person sends the first page twice at once (a double click), all people at the same time.
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let hs: Vec<_> = people
            .iter_mut()
            .enumerate()
            .flat_map(|(i, r)| {
                let sex = if i % 3 == 0 { "f" } else { "m" };
                let body = serde_urlencoded::to_string([
                    ("_csrf", r.hidden("_csrf")),
                    ("_page", r.page_id()),
                    ("_shown", r.hidden("_shown")),
                    ("sex", sex.to_owned()),
                    ("age", (20 + i).to_string()),
                ])
                .unwrap();
                (0..2)
                    .map(|_| {
                        let (http, url, body) = (r.http.clone(), r.url(), body.clone());
                        s.spawn(move || {
                            http.post(url)
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .body(body)
                                .send()
                                .unwrap()
                                .status()
                                .as_u16()
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    let survey = store.find_survey("formtest").unwrap();
    assert_eq!(
        store.response_counts(&survey.id).unwrap(),
        vec![("partial".to_owned(), 24)]
    );
    for (i, r) in people.iter_mut().enumerate() {
        r.open("");
        assert_eq!(r.page_id(), "p2", "person {i} continues on page 2");
    }
}
backend_tests!(concurrent_first_pages_are_all_stored_once);

#[test]
fn not_open_yet_and_draft_surveys_show_a_page() {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, store) = start(&db, test_config(&db));
    let later = forms_support::FORMTEST
        .replace("slug: formtest", "slug: formtest-later")
        .replace("topic: test", "topic: test\nopens: 2099-01-01");
    forms_support::import_open(&db, &later);
    let mut r = Respondent::new(&server, "formtest-later");
    assert_eq!(r.open("?lang=en"), 200);
    assert!(
        r.html.contains("has not started yet") && r.html.contains("2099-01-01"),
        "{}",
        r.html
    );
    let draft = forms_support::FORMTEST.replace("slug: formtest", "slug: formtest-draft");
    let p = opros::catalog::prepare_source(&draft, "draft.yaml", None, None).unwrap();
    opros::catalog::store_prepared(&store, &p).unwrap();
    let mut d = Respondent::new(&server, "formtest-draft");
    assert_eq!(d.open("?lang=ru"), 200);
    assert!(d.html.contains("Опрос ещё не начался"), "{}", d.html);
}

#[test]
fn language_choice_is_kept_in_a_cookie() {
    let db = TestDb::new(&Backend::Sqlite);
    let (server, _store) = start(&db, test_config(&db));
    let mut r = Respondent::new(&server, "formtest");
    r.open("?lang=en");
    assert!(r.html.contains("Your sex"));
    assert!(
        r.html.contains("href=\"/s/formtest?lang&#x3D;ru\""),
        "switch link: {}",
        r.html
    );
    r.open("");
    assert!(r.html.contains("Your sex"), "English kept");
    r.send(&[("sex", "m"), ("age", "40")]);
    assert!(r.html.contains("Are you satisfied?"));
    r.open("?lang=ru");
    assert!(r.html.contains("Довольны ли вы?"));
    assert_eq!(r.send(&[("sat", "1")]), 303);
    assert!(r.html.contains("Вопрос для мужчин"));
}

fn two_app_instances_share_respondents_without_a_configured_secret(backend: Backend) {
    let db = TestDb::new(&backend);
    let mut config = test_config(&db);
    config.secret = None;
    let (a, store) = start(&db, config.clone());
    let b = common::TestServer::start(config);
    let mut r = Respondent::new(&a, "formtest");
    r.open("?lang=en");
    // The next page goes to the other instance (cookies are per host, not per port).
    r.base = b.base.clone();
    assert_eq!(r.send(&[("sex", "m"), ("age", "33")]), 303, "{}", r.html);
    assert_eq!(r.page_id(), "p2");
    r.base = a.base.clone();
    assert_eq!(r.send(&[("sat", "4")]), 303);
    assert_eq!(r.page_id(), "p3");
    let survey = store.find_survey("formtest").unwrap();
    assert_eq!(
        store.response_counts(&survey.id).unwrap(),
        vec![("partial".to_owned(), 1)]
    );
}
backend_tests!(two_app_instances_share_respondents_without_a_configured_secret);
