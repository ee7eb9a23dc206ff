//! The `opros` binary as a child process (for the reliability tests: kill -9, SIGTERM, two instances) and a
//! respondent that completes the one-page `reliability` survey over HTTP with a unique marker.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The `opros` binary with a database, quiet logs and bot checks off.
pub fn opros(db_env: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_opros"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", db_env)
        .env("OPROS_LOG", "warn")
        .env("OPROS_MIN_PAGE_SECONDS", "0")
        .env("OPROS_RATE_LIMIT_PER_MINUTE", "0")
        .env_remove("OPROS_SECRET");
    c
}

/// Runs a CLI verb; (success, stdout, stderr).
pub fn run_cli(db_env: &str, args: &[&str]) -> (bool, String, String) {
    let out = opros(db_env).args(args).output().expect("run opros");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `opros survey import FIXTURE` + `opros survey publish SLUG`.
pub fn import_publish(db_env: &str, fixture: &str, slug: &str) {
    let path = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let (ok, out, err) = run_cli(db_env, &["survey", "import", &path]);
    assert!(ok, "import {fixture}: {out}{err}");
    let (ok, out, err) = run_cli(db_env, &["survey", "publish", slug]);
    assert!(ok, "publish {slug}: {out}{err}");
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// `opros serve` on a port of its own.
pub struct ServerProc {
    pub child: Child,
    pub port: u16,
    /// The last lines the server wrote to stderr (for failure messages).
    pub log: Arc<Mutex<Vec<String>>>,
}

impl ServerProc {
    /// Starts `opros serve` on `port` and waits (up to 30 s) until `/healthz` answers.
    pub fn start(db_env: &str, port: u16) -> ServerProc {
        let mut child = opros(db_env)
            .arg("serve")
            .env("OPROS_BIND", format!("127.0.0.1:{port}"))
            .env("OPROS_WORKERS", "2")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn opros serve");
        let log = Arc::new(Mutex::new(Vec::new()));
        if let Some(stderr) = child.stderr.take() {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    let mut l = log.lock().unwrap();
                    if l.len() > 200 {
                        l.remove(0);
                    }
                    l.push(line);
                }
            });
        }
        let server = ServerProc { child, port, log };
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("client");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = http.get(format!("{}/healthz", server.base())).send() {
                if r.status().is_success() {
                    return server;
                }
            }
            assert!(
                Instant::now() < deadline,
                "server did not come up: {:?}",
                server.log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: the process gets no chance to clean up.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM (graceful stop) without waiting.
    pub fn sigterm(&self) {
        let ok = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill")
            .success();
        assert!(ok, "kill -TERM failed");
    }

    /// Waits for the process to exit; None on timeout.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(s)) = self.child.try_wait() {
                return Some(s);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client with its own cookie jar that does not follow redirects.
pub fn respondent_client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// The value of the hidden field `name` in a page.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let at = html.find(&marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let v = tag.find("value=\"")? + "value=\"".len();
    let end = tag[v..].find('"')?;
    Some(
        tag[v..v + end]
            .replace("&quot;", "\"")
            .replace("&#x3D;", "=")
            .replace("&amp;", "&"),
    )
}

/// What happened to one attempted submission.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    /// The thank-you page came back: the server promised the response is stored.
    Acknowledged,
    /// Anything else (connection refused or reset, timeout, an error page).
    NotAcknowledged(String),
}

/// The page's hidden fields plus `answers`, URL-encoded.
pub fn page_body(html: &str, answers: &[(&str, &str)]) -> Option<String> {
    let mut body: Vec<(String, String)> = vec![
        ("_csrf".into(), hidden(html, "_csrf")?),
        ("_page".into(), hidden(html, "_page")?),
        ("_shown".into(), hidden(html, "_shown").unwrap_or_default()),
    ];
    body.extend(answers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    serde_urlencoded::to_string(&body).ok()
}

/// A fresh respondent opens `/s/{slug}` and submits its single page with `marker`.
pub fn complete_single_page(base: &str, slug: &str, marker: &str) -> Attempt {
    let http = respondent_client();
    let url = format!("{base}/s/{slug}?lang=en");
    let page = match http.get(&url).send().and_then(|r| r.text()) {
        Ok(p) => p,
        Err(e) => return Attempt::NotAcknowledged(format!("GET: {e}")),
    };
    let Some(body) = page_body(&page, &[("marker", marker), ("sex", "f"), ("age", "42")]) else {
        return Attempt::NotAcknowledged("no form in the page".into());
    };
    let resp = http
        .post(format!("{base}/s/{slug}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send();
    match resp {
        Ok(r) => {
            let status = r.status().as_u16();
            match r.text() {
                Ok(t) if status == 200 && t.contains("notice thanks") => Attempt::Acknowledged,
                Ok(t) => {
                    Attempt::NotAcknowledged(format!("POST {status}: {}", t.chars().take(200).collect::<String>()))
                }
                Err(e) => Attempt::NotAcknowledged(format!("POST body: {e}")),
            }
        }
        Err(e) => Attempt::NotAcknowledged(format!("POST: {e}")),
    }
}

/// Markers of the complete responses stored for `slug`, read through the store API, with the states of
/// every response (complete, partial, …).
pub fn stored_markers(db_env_url: &opros::config::DatabaseUrl, slug: &str) -> (Vec<String>, Vec<(String, i64)>) {
    let store = opros::store::Store::open(db_env_url).expect("open store");
    let survey = store.find_survey(slug).expect("survey");
    let markers = store
        .complete_answers(&survey.id)
        .expect("complete answers")
        .into_iter()
        .map(|(_, json)| {
            let v: serde_json::Value = serde_json::from_str(&json).expect("answers are JSON");
            marker_of(&v).unwrap_or_else(|| panic!("a complete response without a marker: {json}"))
        })
        .collect();
    let counts = store.response_counts(&survey.id).expect("counts");
    (markers, counts)
}

/// The text of the `marker` answer in stored answers JSON, whatever the exact encoding of a text answer.
pub fn marker_of(v: &serde_json::Value) -> Option<String> {
    let m = v.get("marker")?;
    match m {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(o) => o.values().find_map(|x| x.as_str().map(str::to_owned)),
        _ => None,
    }
}
