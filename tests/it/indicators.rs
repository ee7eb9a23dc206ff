//! The risk calendar end to end: three example surveys (three waves of the tracked question) across the
//! illustrative region's districts → calendar (CLI, API, pages, feed) → one signed webhook per new alert,
//! never repeated by a second run (a restart), and delivered once by two instances running at once.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use hmac::{Hmac, Mac};
use scraper::{Html, Selector};
use serde_json::Value;
use sha2::Sha256;

use crate::common::{backend_tests, client, Backend, TestDb};
use crate::results_support::{seeded, seeded_all};

const SECRET: &str = "receiver-shared-secret";

/// Low thresholds so that the example data raise alerts.
const INDICATORS: &str = "district_variable: district
thin_below: 100
indicators:
  - id: life_dissatisfied
    title: {ru: \"Недовольны жизнью\", en: \"Dissatisfied with life\"}
    track: life_satisfaction_region
    statistic: share
    codes: [\"1\", \"2\"]
    worse: higher
    watch: 0.05
    alert: 0.10
    covariates: [urban_share]
";

/// What the test receiver saw: (alert id, signature valid) per request.
type Seen = Arc<Mutex<Vec<(String, bool)>>>;

/// A tiny HTTP receiver that checks each request's HMAC-SHA256 signature and answers 200.
fn receiver() -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind receiver");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let seen: Seen = Arc::default();
    let s = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut headers = HashMap::new();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line.trim() != "" {
                if let Some((k, v)) = line.split_once(':') {
                    headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
                }
                line.clear();
            }
            let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
            let mut body = vec![0; len];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
            mac.update(&body);
            let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
            let valid = headers.get("x-opros-signature") == Some(&format!("sha256={hex}"));
            let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let id = json["alert"]["id"].as_str().unwrap_or("").to_owned();
            s.lock().expect("lock").push((id, valid));
            let mut stream = reader.into_inner();
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (url, seen)
}

fn run(db: &TestDb, file: &std::path::Path, hooks: &str, extra: &[(&str, &str)]) -> std::process::Child {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_opros"));
    c.env("DATABASE_URL", db.env_value())
        .env("OPROS_LOG", "warn")
        .env("OPROS_WEBHOOKS", hooks)
        .env("OPROS_WEBHOOK_SECRET", SECRET)
        .args(["indicators", "--json", "--indicators"])
        .arg(file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in extra {
        c.env(k, v);
    }
    c.spawn().expect("run opros indicators")
}

/// The survey of the latest wave of the calendar's first indicator.
fn latest_survey(cal: &Value) -> String {
    let waves = cal["indicators"][0]["waves"].as_array().expect("waves");
    waves
        .last()
        .and_then(|w| w["survey"].as_str())
        .expect("a wave")
        .to_owned()
}

fn finish(child: std::process::Child) -> (Value, String) {
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (serde_json::from_slice(&out.stdout).expect("calendar JSON"), stderr)
}

fn calendar_end_to_end(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = seeded_all(&db);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("indicators.yaml");
    std::fs::write(&file, INDICATORS).expect("write indicators");
    let (url, seen) = receiver();

    // Two instances at once on a new database: every alert is recorded and delivered once.
    let (a, b) = (run(&db, &file, &url, &[]), run(&db, &file, &url, &[]));
    let ((cal, err_a), (_, err_b)) = (finish(a), finish(b));
    let alerts = store.alerts(10_000).expect("alerts");
    assert!(!alerts.is_empty(), "the low thresholds raise alerts: {err_a}{err_b}");
    // The first computation covers three past waves: every alert is recorded, only the latest wave's are
    // delivered.
    let latest = latest_survey(&cal);
    let (new, old): (Vec<_>, Vec<_>) = alerts.iter().partition(|a| a.survey == latest);
    assert!(
        !new.is_empty() && !old.is_empty(),
        "alerts in the latest and in older waves"
    );
    let received = seen.lock().expect("lock").clone();
    assert_eq!(
        received.len(),
        new.len(),
        "one webhook per alert of the latest wave: {err_a}{err_b}"
    );
    assert!(received.iter().all(|(_, valid)| *valid), "every signature checks");
    let mut ids: Vec<&str> = received.iter().map(|(id, _)| id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), new.len(), "no alert delivered twice");
    assert!(
        ids.iter().all(|id| new.iter().any(|a| a.id == *id)),
        "only alerts of the latest wave are sent"
    );
    let deliveries = store.deliveries().expect("deliveries");
    assert_eq!(deliveries.len(), new.len(), "older waves' alerts are not queued");
    assert!(deliveries.iter().all(|d| d.state == "delivered" && d.attempts == 1));

    // The calendar: three waves, twenty districts; the fifteen districts without respondents get the
    // synthetic estimate whenever the model is fitted.
    let ind = &cal["indicators"][0];
    let waves = ind["waves"].as_array().expect("waves");
    assert_eq!(waves.len(), 3);
    for w in waves {
        let cells = w["cells"].as_array().expect("cells");
        assert_eq!(cells.len(), 20);
        if w["model"]["fitted"] == true {
            assert_eq!(cells[19]["source"], "synthetic", "{w}");
            assert!(cells[19]["headline"]["value"].as_f64().is_some());
        } else {
            assert!(w["model"]["reason"].as_str().is_some_and(|r| !r.is_empty()));
            assert_eq!(cells[19]["status"], "no_data");
        }
        assert!(cells[0]["n"].as_u64().is_some_and(|n| n > 0), "d1 has respondents");
    }

    // A second run (a restart) finds nothing new and sends nothing again.
    let (_, err) = finish(run(&db, &file, &url, &[]));
    assert!(err.starts_with("0 new alerts"), "{err}");
    assert_eq!(seen.lock().expect("lock").len(), new.len());

    // The pages and the API (the shipped indicators: three, same waves).
    let c = client();
    let api: Value = serde_json::from_str(
        &c.get(server.url("/api/v1/indicators"))
            .send()
            .expect("api")
            .text()
            .expect("body"),
    )
    .expect("json");
    assert_eq!(api["indicators"].as_array().map(Vec::len), Some(3));
    assert_eq!(api["districts"].as_array().map(Vec::len), Some(20));
    let one = c
        .get(server.url("/api/v1/indicators/life_dissatisfied"))
        .send()
        .expect("api one");
    assert_eq!(one.status().as_u16(), 200);
    assert_eq!(
        c.get(server.url("/api/v1/indicators/nope"))
            .send()
            .expect("404")
            .status()
            .as_u16(),
        404
    );
    let page = c.get(server.url("/indicators?lang=en")).send().expect("page");
    assert_eq!(page.status().as_u16(), 200);
    let html = Html::parse_document(&page.text().expect("html"));
    let sel = |s: &str| Selector::parse(s).expect("selector");
    assert_eq!(html.select(&sel("table.calendar-grid tbody tr")).count(), 20);
    assert_eq!(html.select(&sel("table.calendar-grid thead th")).count(), 4);
    assert_eq!(html.select(&sel("svg.tiles g.tile")).count(), 20);
    let district_page = c
        .get(server.url("/indicators/life_balance"))
        .send()
        .expect("indicator page");
    assert_eq!(district_page.status().as_u16(), 200);
    assert_eq!(
        c.get(server.url("/indicators/nope"))
            .send()
            .expect("404")
            .status()
            .as_u16(),
        404
    );
    let feed = c.get(server.url("/indicators/feed.atom")).send().expect("feed");
    assert_eq!(feed.status().as_u16(), 200);
    assert!(feed
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/atom+xml")));
    let feed = feed.text().expect("feed text");
    assert_eq!(
        feed.matches("<entry>").count(),
        alerts.len(),
        "every alert is in the feed"
    );
}
backend_tests!(calendar_end_to_end);

fn a_failing_webhook_stops_after_its_attempts(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = seeded_all(&db);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("indicators.yaml");
    std::fs::write(&file, INDICATORS).expect("write indicators");
    // A port nobody listens on.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}/hook", l.local_addr().expect("addr"))
    };
    let settings = [
        ("OPROS_WEBHOOK_MAX_ATTEMPTS", "2"),
        ("OPROS_WEBHOOK_BACKOFF_SECONDS", "1"),
    ];
    finish(run(&db, &file, &closed, &settings));
    let first = store.deliveries().expect("deliveries");
    assert!(!first.is_empty());
    assert!(first
        .iter()
        .all(|d| d.state == "pending" && d.attempts == 1 && d.last_error.is_some()));
    // Still failing: reported to staff on the calendar page as retried later.
    crate::admin_support::add_user(&db, "olga", opros::auth::Role::Sociologist);
    let staff = crate::admin_support::Staff::login(&server, "olga");
    let page = staff.get("/indicators?lang=en").text().expect("page");
    assert!(page.contains("Failing, retried later (attempts so far: 1)"), "{page}");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (_, log) = finish(run(&db, &file, &closed, &settings));
    assert!(
        log.contains("alert delivery failed for good; it will not be retried"),
        "the log says it was given up: {log}"
    );
    let second = store.deliveries().expect("deliveries");
    assert!(
        second.iter().all(|d| d.state == "failed" && d.attempts == 2),
        "{second:?}"
    );
    let page = staff.get("/indicators?lang=en").text().expect("page");
    let html = Html::parse_document(&page);
    let failed = Selector::parse("ul.failed-webhooks li").expect("selector");
    let items: Vec<String> = html.select(&failed).map(|e| e.text().collect()).collect();
    assert_eq!(items.len(), second.len(), "every given-up delivery is on the page");
    assert!(
        items
            .iter()
            .all(|i| i.contains(&closed) && i.contains("Not delivered after 2 attempts")),
        "{items:?}"
    );
    // The public does not see the deliveries.
    let public = client()
        .get(server.url("/indicators?lang=en"))
        .send()
        .expect("public page")
        .text()
        .expect("html");
    assert!(!public.contains("failed-webhooks"));
    // Given up: a further run does not try again.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    finish(run(&db, &file, &closed, &settings));
    assert!(store.deliveries().expect("deliveries").iter().all(|d| d.attempts == 2));
}
backend_tests!(a_failing_webhook_stops_after_its_attempts);

/// What the SMTP sink received: (recipient, message) per message.
type Mailbox = Arc<Mutex<Vec<(String, String)>>>;

/// A tiny SMTP server (RFC 5321's minimum: greeting, EHLO, MAIL, RCPT, DATA, QUIT) that keeps every message.
fn smtp_sink() -> (u16, Mailbox) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind smtp");
    let port = listener.local_addr().expect("addr").port();
    let got: Mailbox = Arc::default();
    let g = Arc::clone(&got);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let g = Arc::clone(&g);
            std::thread::spawn(move || {
                let mut out = match stream.try_clone() {
                    Ok(s) => s,
                    Err(_) => return,
                };
                let mut reader = BufReader::new(stream);
                let _ = out.write_all(b"220 sink ESMTP\r\n");
                let (mut rcpt, mut line) = (Vec::new(), String::new());
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    let cmd = line.trim_end().to_ascii_uppercase();
                    let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if cmd.starts_with("RCPT TO:") {
                        let to = line.trim_end()[8..].trim().trim_matches(['<', '>']).to_owned();
                        rcpt.push(to);
                        b"250 ok\r\n"
                    } else if cmd == "DATA" {
                        let _ = out.write_all(b"354 go on\r\n");
                        let mut data = String::new();
                        let mut l = String::new();
                        while reader.read_line(&mut l).is_ok_and(|n| n > 0) && l != ".\r\n" {
                            data.push_str(&l);
                            l.clear();
                        }
                        for to in rcpt.drain(..) {
                            g.lock().expect("lock").push((to, data.clone()));
                        }
                        b"250 queued\r\n"
                    } else if cmd == "QUIT" {
                        let _ = out.write_all(b"221 bye\r\n");
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    let _ = out.write_all(reply);
                    line.clear();
                }
            });
        }
    });
    (port, got)
}

/// The value of a header in a raw message (unfolded).
fn header(message: &str, name: &str) -> String {
    let unfolded = message.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
        .unwrap_or_default()
}

/// Standard base64 (RFC 4648), ignoring whitespace.
fn base64(text: &str) -> Vec<u8> {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = ABC.iter().position(|a| *a == c).expect("a base64 digit") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Quoted-printable (RFC 2045 §6.7).
fn quoted_printable(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < b.len() {
        if b[i] == b'=' && b.get(i + 1) == Some(&b'\r') {
            i += 3;
        } else if b[i] == b'=' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("ascii");
            out.push(u8::from_str_radix(hex, 16).expect("a hex pair"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// A header's text with RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) decoded.
fn decoded_header(message: &str, name: &str) -> String {
    let raw = header(message, name);
    // Whitespace between two encoded words is not part of the text (RFC 2047 §6.2); elsewhere it is.
    let (mut out, mut previous_encoded) = (String::new(), false);
    for (k, w) in raw.split(' ').enumerate() {
        let lower = w.to_ascii_lowercase();
        let inner = w.get(10..w.len().saturating_sub(2)).unwrap_or("");
        let decoded = if lower.starts_with("=?utf-8?b?") && w.ends_with("?=") {
            Some(String::from_utf8(base64(inner)).expect("utf-8"))
        } else if lower.starts_with("=?utf-8?q?") && w.ends_with("?=") {
            Some(String::from_utf8(quoted_printable(&inner.replace('_', " "))).expect("utf-8"))
        } else {
            None
        };
        if k > 0 && !(previous_encoded && decoded.is_some()) {
            out.push(' ');
        }
        previous_encoded = decoded.is_some();
        out.push_str(decoded.as_deref().unwrap_or(w));
    }
    out
}

/// A single-part message's body, its transfer encoding undone.
fn body_text(message: &str) -> String {
    let (_, body) = message.split_once("\r\n\r\n").expect("headers end");
    let bytes = match header(message, "Content-Transfer-Encoding")
        .to_ascii_lowercase()
        .as_str()
    {
        "base64" => base64(body),
        "quoted-printable" => quoted_printable(body),
        _ => body.as_bytes().to_vec(),
    };
    String::from_utf8(bytes).expect("utf-8 body")
}

fn alerts_are_emailed_once(backend: Backend) {
    let db = TestDb::new(&backend);
    let (_server, store) = seeded_all(&db);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("indicators.yaml");
    std::fs::write(&file, INDICATORS).expect("write indicators");
    let (port, got) = smtp_sink();
    let port = port.to_string();
    let mail = [
        ("OPROS_SMTP_HOST", "127.0.0.1"),
        ("OPROS_SMTP_PORT", port.as_str()),
        ("OPROS_SMTP_FROM", "Opros <opros@example.org>"),
        ("OPROS_ALERT_EMAILS", "governor@example.org, analyst@example.org"),
        ("OPROS_ALERT_EMAIL_LANG", "en"),
    ];
    // Two instances at once, no webhooks: each alert of the latest wave is mailed once to each recipient.
    let (a, b) = (run(&db, &file, "", &mail), run(&db, &file, "", &mail));
    let ((cal, err_a), (_, err_b)) = (finish(a), finish(b));
    let latest = latest_survey(&cal);
    let alerts = store.alerts(10_000).expect("alerts");
    let new: Vec<_> = alerts.iter().filter(|a| a.survey == latest).collect();
    assert!(!new.is_empty(), "{err_a}{err_b}");
    let messages = got.lock().expect("lock").clone();
    assert_eq!(messages.len(), 2 * new.len(), "{err_a}{err_b}");
    let mut keys: Vec<(String, String)> = messages
        .iter()
        .map(|(to, m)| (to.clone(), header(m, "Message-ID")))
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), messages.len(), "no message sent twice");
    for a in &new {
        for to in ["governor@example.org", "analyst@example.org"] {
            assert!(
                keys.contains(&(to.to_owned(), format!("<{}.alert@opros>", a.id))),
                "alert {} mailed to {to}",
                a.id
            );
        }
    }
    // The message speaks of the alert in words: indicator, district, wave, value and why.
    let (_, m) = &messages[0];
    let id = header(m, "Message-ID");
    let a = new
        .iter()
        .find(|a| id.contains(&a.id))
        .expect("the alert of the message");
    let subject = decoded_header(m, "Subject");
    assert!(
        subject.starts_with("Opros alert: Dissatisfied with life — "),
        "{subject}"
    );
    assert!(subject.ends_with(&a.wave), "{subject}");
    assert_eq!(header(m, "From"), "Opros <opros@example.org>");
    let body = body_text(m);
    assert!(
        body.contains(&format!("Wave: {} (survey {})", a.wave, a.survey)),
        "{body}"
    );
    assert!(body.contains("95% interval"), "{body}");
    let why = if a.reasons.contains("alert_level") {
        "past the alert level"
    } else {
        "significantly worse than the previous wave"
    };
    assert!(body.contains(why), "{body}");
    let deliveries = store.deliveries().expect("deliveries");
    assert_eq!(deliveries.len(), 2 * new.len());
    assert!(deliveries
        .iter()
        .all(|d| d.url.starts_with("mailto:") && d.state == "delivered"));

    // A restart sends nothing again.
    let (_, err) = finish(run(&db, &file, "", &mail));
    assert!(err.starts_with("0 new alerts"), "{err}");
    assert_eq!(got.lock().expect("lock").len(), messages.len());
}
backend_tests!(alerts_are_emailed_once);

fn bad_smtp_settings_are_refused_with_the_variable_named(backend: Backend) {
    let db = TestDb::new(&backend);
    let (_server, _store) = seeded_all(&db);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("indicators.yaml");
    std::fs::write(&file, INDICATORS).expect("write indicators");
    for (settings, named) in [
        (vec![("OPROS_SMTP_HOST", "127.0.0.1")], "OPROS_SMTP_FROM"),
        (
            vec![
                ("OPROS_SMTP_HOST", "127.0.0.1"),
                ("OPROS_SMTP_FROM", "opros@example.org"),
                ("OPROS_ALERT_EMAILS", "governor at example.org"),
            ],
            "OPROS_ALERT_EMAILS",
        ),
        (
            vec![("OPROS_SMTP_HOST", "127.0.0.1"), ("OPROS_SMTP_PORT", "seventy")],
            "OPROS_SMTP_PORT",
        ),
    ] {
        let out = run(&db, &file, "", &settings).wait_with_output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{settings:?} is refused");
        assert!(stderr.contains(named), "{settings:?}: {stderr}");
    }
}
backend_tests!(bad_smtp_settings_are_refused_with_the_variable_named);

fn the_page_is_cached_until_a_new_wave(backend: Backend) {
    let db = TestDb::new(&backend);
    // Two of the three surveys published: the public calendar has two waves.
    let (server, store) = seeded(&db, &["transport-2026", "healthcare-2026"]);
    let c = client();
    let get = |path: &str| {
        let r = c.get(server.url(path)).send().expect("get");
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let cache = r
            .headers()
            .get("x-opros-calendar-cache")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        (cache, r.text().expect("body"))
    };
    let waves = |json: &str| -> usize {
        let v: Value = serde_json::from_str(json).expect("json");
        v["indicators"][0]["waves"].as_array().map_or(0, Vec::len)
    };
    let (first, body) = get("/api/v1/indicators");
    assert_eq!(first, "miss", "computed on the first request");
    assert_eq!(waves(&body), 2);
    let (second, again) = get("/api/v1/indicators");
    assert_eq!(second, "hit", "served from the cache");
    assert_eq!(again, body, "the same calendar");
    let (page, _) = get("/indicators?lang=en");
    assert_eq!(page, "hit", "the page shares the cached calendar");

    // A new wave (the third survey's results published) invalidates it.
    store.set_results_published("housing-2026", true).expect("publish");
    let (third, body) = get("/api/v1/indicators");
    assert_eq!(third, "miss", "recomputed after a new wave");
    assert_eq!(waves(&body), 3);
    let (page, html) = get("/indicators?lang=en");
    assert_eq!(page, "hit");
    let html = Html::parse_document(&html);
    let th = Selector::parse("table.calendar-grid thead th").expect("selector");
    assert_eq!(html.select(&th).count(), 4, "three waves and the district column");
}
backend_tests!(the_page_is_cached_until_a_new_wave);
