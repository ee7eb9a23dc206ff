//! Hostile and malformed input against the respondent form and the definition parser: every case gets a
//! clear 4xx (or a clean error) quickly, the server keeps running, and nothing reaches the database.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common;
use crate::common::{backend_tests, test_config, Backend, TestDb, TestServer};
use crate::forms_support::{import_open, Respondent};
use opros::store::Store;

const SINGLE: &str = include_str!("../fixtures/reliability.yaml");
const TWO_PAGES: &str = include_str!("../fixtures/reliability_multi.yaml");

fn start(db: &TestDb) -> (TestServer, Store) {
    let server = TestServer::start(test_config(db));
    let store = import_open(db, SINGLE);
    import_open(db, TWO_PAGES);
    (server, store)
}

/// No response of any state for `slug`.
fn assert_no_trace(store: &Store, slug: &str, what: &str) {
    let s = store.find_survey(slug).unwrap();
    let counts = store.response_counts(&s.id).unwrap();
    assert!(counts.is_empty(), "{what} left a trace: {counts:?}");
}

fn assert_alive(server: &TestServer) {
    let r = reqwest::blocking::get(server.url("/healthz")).expect("server still answers");
    assert_eq!(r.status(), 200);
}

fn post_bytes(r: &Respondent, body: Vec<u8>) -> Result<u16, reqwest::Error> {
    r.http
        .post(r.url())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .map(|x| x.status().as_u16())
}

fn huge_bodies_and_thousands_of_fields(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = start(&db);
    let mut r = Respondent::new(&server, "reliability");
    r.open("?lang=en");
    let csrf = r.hidden("_csrf");
    // 8 MB: refused with 413 (or the connection is closed once the limit is passed).
    let mut big = format!("_csrf={csrf}&_page=p1&marker=").into_bytes();
    big.resize(8 * 1024 * 1024, b'a');
    match post_bytes(&r, big) {
        Ok(s) => assert_eq!(s, 413),
        Err(e) => eprintln!("8 MB body: connection closed by the server ({e})"),
    }
    // Just over the limit, a body the server reads whole: 413 with a page.
    let mut over = format!("_csrf={csrf}&_page=p1&marker=").into_bytes();
    over.resize(64 * 1024 + 1, b'b');
    assert_eq!(post_bytes(&r, over).unwrap(), 413);

    // 5,000 unknown fields plus valid answers: the unknown ones are ignored and nothing is stored
    // with them; the required answers missing → 422.
    let mut many = format!("_csrf={csrf}&_page=p1");
    for i in 0..5000 {
        many.push_str(&format!("&f{i}=x"));
    }
    assert_eq!(post_bytes(&r, many.into_bytes()).unwrap(), 422);
    // 5,000 values of one single-choice field.
    let mut repeated = format!("_csrf={csrf}&_page=p1&marker=m&age=30");
    for _ in 0..5000 {
        repeated.push_str("&sex=m");
    }
    let s = post_bytes(&r, repeated.into_bytes()).unwrap();
    assert!((400..500).contains(&s), "repeated single-choice field: {s}");
    assert_no_trace(&store, "reliability", "huge bodies / many fields");
    assert_alive(&server);
}
backend_tests!(huge_bodies_and_thousands_of_fields);

fn invalid_utf8_is_refused(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = start(&db);
    let mut r = Respondent::new(&server, "reliability");
    r.open("?lang=en");
    let csrf = r.hidden("_csrf");
    // Raw invalid bytes and percent-encoded invalid UTF-8 in an otherwise valid, complete page.
    let mut raw = format!("_csrf={csrf}&_page=p1&sex=m&age=30&marker=").into_bytes();
    raw.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
    assert_eq!(post_bytes(&r, raw).unwrap(), 400);
    let escaped = format!("_csrf={csrf}&_page=p1&sex=m&age=30&marker=%FF%FE%C3%28");
    assert_eq!(post_bytes(&r, escaped.into_bytes()).unwrap(), 400);
    let mut in_name = format!("_csrf={csrf}&_page=p1&sex=m&age=30&marker=x&").into_bytes();
    in_name.extend_from_slice(&[0x80, b'=', b'1']);
    assert_eq!(post_bytes(&r, in_name).unwrap(), 400);
    assert_no_trace(&store, "reliability", "invalid UTF-8");
    // Valid non-ASCII text still goes through.
    assert_eq!(
        r.send(&[("marker", "Ёлка — ж"), ("sex", "m"), ("age", "30")]),
        200,
        "{}",
        r.html
    );
    assert!(r.html.contains("notice thanks"));
    assert_alive(&server);
}
backend_tests!(invalid_utf8_is_refused);

const INJECTIONS: [&str; 6] = [
    "'); DROP TABLE responses;--",
    "\" OR 1=1 --",
    "{{#each this}}{{this}}{{/each}}",
    "{{> layout}}{{{raw}}}",
    "<script>alert(1)</script>",
    "${7*7} <%= 7*7 %> #{7*7}",
];

fn injection_strings_are_stored_verbatim_and_rendered_escaped(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = start(&db);
    for evil in INJECTIONS {
        // Re-rendered with an error (age missing): escaped, nothing stored.
        let mut r = Respondent::new(&server, "reliability-multi");
        r.open("?lang=en");
        assert_eq!(r.send(&[("marker", evil)]), 422);
        assert!(!r.html.contains("<script>alert"), "unescaped: {}", r.html);
        assert!(
            !r.html.contains(evil) || !evil.contains(['<', '"', '\'']),
            "unescaped {evil}"
        );
        // Saved, then shown again after "back": the stored text comes back escaped.
        assert_eq!(r.send(&[("marker", evil), ("sex", "m")]), 303);
        r.send(&[("_nav", "back")]);
        assert_eq!(r.page_id(), "p1");
        let escaped = evil
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#x27;")
            .replace('=', "&#x3D;")
            .replace('`', "&#x60;");
        assert!(r.html.contains(&escaped), "{evil} rendered escaped as {escaped}");
    }
    // Verbatim in the database, and the tables are all still there.
    let s = store.find_survey("reliability-multi").unwrap();
    let rows = store.response_counts(&s.id).unwrap();
    assert_eq!(rows, vec![("partial".to_owned(), INJECTIONS.len() as i64)]);
    let sv = store.find_survey("reliability").unwrap();
    let mut r = Respondent::new(&server, "reliability");
    r.open("?lang=en");
    r.send(&[("marker", INJECTIONS[0]), ("sex", "f"), ("age", "20")]);
    assert!(r.html.contains("notice thanks"));
    let stored = store.complete_answers(&sv.id).unwrap();
    assert_eq!(stored.len(), 1);
    let v: serde_json::Value = serde_json::from_str(&stored[0].1).unwrap();
    assert!(v["marker"].to_string().contains("DROP TABLE responses;--"), "{v}");
    assert_alive(&server);
}
backend_tests!(injection_strings_are_stored_verbatim_and_rendered_escaped);

#[test]
fn path_traversal_and_very_long_slugs_are_404() {
    let db = TestDb::new(&common::Backend::Sqlite);
    let (server, store) = start(&db);
    let http = common::client();
    let long = "a".repeat(10 * 1024);
    for path in [
        "/s/..%2F..%2Fetc".to_owned(),
        "/s/..%2F..%2Fetc%2Fpasswd".to_owned(),
        "/s/%2e%2e%2f%2e%2e%2fCargo.toml".to_owned(),
        "/s/reliability%00".to_owned(),
        format!("/s/{long}"),
        "/static/..%2F..%2FCargo.toml".to_owned(),
        "/static/%2e%2e/%2e%2e/Cargo.toml".to_owned(),
        "/results/..%2F..%2Fetc".to_owned(),
    ] {
        let r = http.get(server.url(&path)).send().expect("GET");
        let status = r.status().as_u16();
        let body = r.text().unwrap_or_default();
        assert!(
            (400..500).contains(&status),
            "{}: {status}",
            &path[..path.len().min(60)]
        );
        assert!(
            !body.contains("[package]") && !body.contains("root:"),
            "{path}: file leaked"
        );
        let r = http
            .post(server.url(&path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("_csrf=x&_page=p1")
            .send()
            .expect("POST");
        let status = r.status().as_u16();
        assert!(
            (400..500).contains(&status),
            "POST {}: {status}",
            &path[..path.len().min(60)]
        );
    }
    assert_no_trace(&store, "reliability", "path traversal");
    assert_alive(&server);
}

fn replayed_csrf_and_invitation_tokens(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = start(&db);
    // Bob posts with Alice's CSRF token (his own cookie): refused.
    let mut alice = Respondent::new(&server, "reliability");
    alice.open("?lang=en");
    let mut bob = Respondent::new(&server, "reliability");
    bob.open("?lang=en");
    let body = serde_urlencoded::to_string([
        ("_csrf", alice.hidden("_csrf").as_str()),
        ("_page", "p1"),
        ("marker", "bob"),
        ("sex", "m"),
        ("age", "30"),
    ])
    .unwrap();
    assert_eq!(bob.post_raw(body), 403);
    // No cookie at all with a valid token: refused too.
    let cookieless = common::client()
        .post(server.url("/s/reliability"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!(
            "_csrf={}&_page=p1&marker=x&sex=m&age=30",
            alice.hidden("_csrf")
        ))
        .send()
        .unwrap();
    assert_eq!(cookieless.status(), 403);
    assert_no_trace(&store, "reliability", "a replayed CSRF token");

    // An invitation token used, then replayed: on a new device and as the same final POST again.
    let s = store.find_survey("reliability").unwrap();
    let token = opros::form::tokens::new_token();
    store
        .add_invitations(&s.id, &[opros::form::tokens::key_hash(&token)])
        .unwrap();
    let mut first = Respondent::new(&server, "reliability");
    assert_eq!(first.open(&format!("?t={token}&lang=en")), 200);
    let final_post = serde_urlencoded::to_string([
        ("_csrf", first.hidden("_csrf").as_str()),
        ("_page", "p1"),
        ("_shown", first.hidden("_shown").as_str()),
        ("marker", "invited"),
        ("sex", "f"),
        ("age", "44"),
    ])
    .unwrap();
    assert_eq!(first.post_raw(final_post.clone()), 200);
    assert!(first.html.contains("notice thanks"));
    // The same request replayed byte for byte: "already answered", nothing new.
    assert_eq!(first.post_raw(final_post), 200);
    assert!(first.html.contains("already"), "{}", first.html);
    let mut second = Respondent::new(&server, "reliability");
    assert_eq!(second.open(&format!("?t={token}&lang=en")), 200);
    assert!(second.html.contains("already"), "{}", second.html);
    // A made-up invitation token: 403.
    let mut forged = Respondent::new(&server, "reliability");
    assert_eq!(forged.open(&format!("?t={}", opros::form::tokens::new_token())), 403);
    assert_eq!(forged.open("?t=..%2F..%2Fetc"), 403);
    assert_eq!(store.invitation_counts(&s.id).unwrap(), (1, 1));
    assert_eq!(store.complete_responses(&s.id).unwrap().len(), 1);
    assert_eq!(store.response_counts(&s.id).unwrap(), vec![("complete".to_owned(), 1)]);
}
backend_tests!(replayed_csrf_and_invitation_tokens);

/// Runs `f` on a thread with a normal 2 MB stack and fails if it takes longer than `limit`.
fn quickly<T: Send + 'static>(what: &str, limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .unwrap();
    let out = rx
        .recv_timeout(limit)
        .unwrap_or_else(|_| panic!("{what}: no answer within {limit:?} (hang or crash)"));
    eprintln!("{what}: answered in {:?}", start.elapsed());
    out
}

fn billion_laughs() -> String {
    let mut y = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        .windows(2)
        .map(|w| (w[0], w[1]))
    {
        y.push_str(&format!(
            "{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    y
}

/// The alias bomb placed where the parser really reads values: in a question's text and options.
fn bomb_in_definition() -> String {
    let mut y = String::from("slug: bomb\ntitle: {en: Bomb}\ntopic: test\nlanguages: [en]\n");
    y.push_str("x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        y.push_str(&format!(
            "x{i}: &x{i} [*x{p}, *x{p}, *x{p}, *x{p}, *x{p}, *x{p}, *x{p}, *x{p}, *x{p}, *x{p}]\n"
        ));
    }
    y.push_str("pages:\n  - id: p1\n    questions:\n      - id: q\n        type: single_choice\n");
    y.push_str("        text: {en: *x9}\n        options: *x9\n");
    y
}

#[test]
fn yaml_bombs_and_deep_nesting_fail_quickly() {
    let limit = Duration::from_secs(10);
    let cases: Vec<(&str, String)> = vec![
        ("billion laughs", billion_laughs()),
        ("alias bomb inside a definition", bomb_in_definition()),
        ("deeply nested sequences", "[".repeat(100_000)),
        ("deeply nested mappings", "a: ".repeat(2_000) + "b"),
        ("deeply nested flow mappings", "{a: ".repeat(50_000)),
        ("deeply nested block sequences", "- ".repeat(50_000) + "x"),
        ("deeply indented mappings", (0..3_000).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect()),
        ("deep nesting in pages", format!("slug: x\ntitle: {{en: X}}\ntopic: t\nlanguages: [en]\npages: {}", "[".repeat(50_000))),
        ("deep show_if", format!(
            "slug: x\ntitle: {{en: X}}\ntopic: t\nlanguages: [en]\npages:\n  - id: p\n    questions:\n      - id: q\n        type: text\n        text: {{en: Q}}\n        show_if: \"{}q == 'a'{}\"\n",
            "(".repeat(100_000), ")".repeat(100_000)
        )),
        ("not-ness show_if", format!(
            "slug: x\ntitle: {{en: X}}\ntopic: t\nlanguages: [en]\npages:\n  - id: p\n    questions:\n      - id: q\n        type: text\n        text: {{en: Q}}\n        show_if: \"{}q == 'a'\"\n",
            "not ".repeat(100_000)
        )),
        ("tabs and NULs", "slug: x\n\t\u{0}pages: [\n".to_owned()),
        ("unterminated quote", "slug: \"x\ntitle: [".to_owned()),
    ];
    for (what, yaml) in cases {
        let y = yaml.clone();
        let parsed = quickly(what, limit, move || {
            opros::definition::parse_definition(&y, "hostile.yaml").is_err()
        });
        assert!(parsed, "{what}: must be an error");
        let y = yaml;
        let prepared = quickly(what, limit, move || {
            opros::catalog::prepare_source(&y, "hostile.yaml", None, None).is_err()
        });
        assert!(prepared, "{what}: must be an error");
    }
}
