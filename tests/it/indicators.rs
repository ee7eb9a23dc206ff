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
use crate::results_support::seeded_all;

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
    let received = seen.lock().expect("lock").clone();
    assert_eq!(received.len(), alerts.len(), "one webhook per alert: {err_a}{err_b}");
    assert!(received.iter().all(|(_, valid)| *valid), "every signature checks");
    let mut ids: Vec<&str> = received.iter().map(|(id, _)| id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), alerts.len(), "no alert delivered twice");

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
    assert_eq!(seen.lock().expect("lock").len(), alerts.len());

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
    let (_server, store) = seeded_all(&db);
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
    std::thread::sleep(std::time::Duration::from_millis(1100));
    finish(run(&db, &file, &closed, &settings));
    let second = store.deliveries().expect("deliveries");
    assert!(
        second.iter().all(|d| d.state == "failed" && d.attempts == 2),
        "{second:?}"
    );
    // Given up: a further run does not try again.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    finish(run(&db, &file, &closed, &settings));
    assert!(store.deliveries().expect("deliveries").iter().all(|d| d.attempts == 2));
}
backend_tests!(a_failing_webhook_stops_after_its_attempts);
