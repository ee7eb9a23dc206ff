//! A headless Chromium driven through WebDriver (`fantoccini`): one chromedriver and one fresh browser
//! profile per test, so tests run in parallel; screenshots saved as artefacts; polling waits only.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

/// Found by build.rs (which also sets `cfg(opros_browser)`; without it the tests are ignored, and these
/// fallbacks only let the code compile).
const CHROMIUM: &str = match option_env!("OPROS_CHROMIUM") {
    Some(p) => p,
    None => "chromium",
};
const CHROMEDRIVER: &str = match option_env!("OPROS_CHROMEDRIVER") {
    Some(p) => p,
    None => "chromedriver",
};

/// Upper bound of every wait: generous, because the machine may be busy compiling.
pub const TIMEOUT: Duration = Duration::from_secs(40);
const POLL: Duration = Duration::from_millis(50);

/// The start flags that work on these machines: as root (no sandbox), without a display or GPU, and with no
/// network but the loopback (no background requests).
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// Awaits a WebDriver command, failing the test when it errs or when the browser does not answer in time
/// (a hung command must not hang the test run).
pub async fn within<T, E: std::fmt::Display>(what: &str, fut: impl std::future::Future<Output = Result<T, E>>) -> T {
    match tokio::time::timeout(TIMEOUT, fut).await {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => panic!("{what}: {e}"),
        Err(_) => panic!("{what}: no answer from the browser in {TIMEOUT:?}"),
    }
}

/// Writes to the real stderr, past the test harness's capture, so that artefact paths and measurements
/// are in the output of a passing test too.
pub fn report(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewport {
    /// 360×740 CSS pixels at device pixel ratio 2, touch, mobile (Chrome's mobile emulation).
    Phone,
    Desktop,
}

impl Viewport {
    pub fn name(self) -> &'static str {
        match self {
            Viewport::Phone => "phone-360x740",
            Viewport::Desktop => "desktop-1280x900",
        }
    }

    /// The layout viewport the page must see.
    pub fn css_width(self) -> u64 {
        match self {
            Viewport::Phone => 360,
            Viewport::Desktop => 1280,
        }
    }
}

/// A chromedriver on a free port, killed (with the browser it started) when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts chromedriver, retrying a few times: on a loaded machine it has been seen to exit at start
    /// without a word on stdout (its stderr is then shown if every attempt fails).
    fn start() -> Driver {
        let mut failures = Vec::new();
        for _ in 0..3 {
            match Driver::try_start() {
                Ok(d) => return d,
                Err(e) => failures.push(e),
            }
        }
        panic!("chromedriver did not start: {}", failures.join(" | "));
    }

    fn try_start() -> Result<Driver, String> {
        // Its own process group, so the browser it starts goes with it.
        let mut child = Command::new(CHROMEDRIVER)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot run {CHROMEDRIVER}: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // "ChromeDriver was started successfully on port 43567." — then keep draining the pipe.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(p) = line.split("started successfully on port ").nth(1) {
                    let _ = tx.send(p.trim().trim_end_matches('.').parse::<u16>().ok());
                }
            }
        });
        if let Some(stderr) = child.stderr.take() {
            // Drain stderr so chromedriver never blocks on a full pipe.
            std::thread::spawn(move || for _ in BufReader::new(stderr).lines().map_while(Result::ok) {});
        }
        match rx.recv_timeout(TIMEOUT) {
            Ok(Some(port)) => Ok(Driver { child, port }),
            other => {
                let _ = child.kill();
                let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
                Err(format!("no port reported ({other:?}), exit {status}"))
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let pid = self.child.id();
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The browser processes chromedriver started are in its process group.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stderr(Stdio::null())
            .status();
    }
}

/// Browser settings of one session.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub viewport: Viewport,
    pub javascript: bool,
}

/// One browser session with its own profile (cookies) and artefact directory.
pub struct Browser {
    pub c: Client,
    pub base: String,
    pub options: Options,
    shots: PathBuf,
    step: usize,
    // Fields drop in order: the browser is killed before its profile directory is removed.
    _driver: Driver,
    _profile: tempfile::TempDir,
}

/// Where screenshots go: `<target dir>/browser-artifacts/<test>/<viewport>[-nojs]/`.
pub fn artefact_dir(test: &str, options: Options) -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
    let js = if options.javascript { "" } else { "-nojs" };
    target
        .join("browser-artifacts")
        .join(test)
        .join(format!("{}{js}", options.viewport.name()))
}

impl Browser {
    pub async fn start(test: &str, base: &str, options: Options) -> Browser {
        let driver = Driver::start();
        let profile = tempfile::tempdir().expect("profile dir");
        let mut args: Vec<String> = FLAGS.iter().map(|s| (*s).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        if !options.javascript {
            args.push("--blink-settings=scriptEnabled=false".into());
        }
        let mut chrome = json!({"binary": CHROMIUM, "args": args});
        match options.viewport {
            Viewport::Phone => {
                // Touch emulation makes chromedriver click by tapping, which hangs when page scripts are off.
                chrome["mobileEmulation"] = json!({
                    "deviceMetrics": {"width": 360, "height": 740, "pixelRatio": 2.0,
                                      "touch": options.javascript, "mobile": true}
                })
            }
            Viewport::Desktop => {
                if let Some(a) = chrome["args"].as_array_mut() {
                    a.push(json!("--window-size=1280,900"));
                }
            }
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), chrome);
        let url = format!("http://127.0.0.1:{}", driver.port);
        let c = within(
            "start a WebDriver session",
            ClientBuilder::new(HttpConnector::new())
                .capabilities(caps)
                .connect(&url),
        )
        .await;
        let shots = artefact_dir(test, options);
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).expect("artefact dir");
        report(&format!("browser artefacts ({test}): {}", shots.display()));
        Browser {
            c,
            base: base.to_owned(),
            options,
            shots,
            step: 0,
            _driver: driver,
            _profile: profile,
        }
    }

    /// Ends the session cleanly (the driver is killed on drop in any case).
    pub async fn close(self) {
        let Browser { c, .. } = self;
        let _ = tokio::time::timeout(TIMEOUT, c.close()).await;
    }

    pub async fn goto(&self, path: &str) {
        within(&format!("open {path}"), self.c.goto(&format!("{}{path}", self.base))).await;
    }

    /// Runs a script in the page (works with the page's JavaScript disabled too: chromedriver evaluates it
    /// through the DevTools protocol).
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        within(&format!("script {script}"), self.c.execute(script, args)).await
    }

    /// Polls `script` (an expression) until it is truthy; returns its value.
    pub async fn wait_js(&self, what: &str, expr: &str) -> Value {
        let script = format!("return ({expr});");
        let start = Instant::now();
        loop {
            let v = tokio::time::timeout(TIMEOUT, self.c.execute(&script, vec![])).await;
            let v = v.map_err(|_| "no answer").and_then(|r| r.map_err(|_| "script error"));
            if let Ok(v) = &v {
                let truthy = !(v.is_null()
                    || v == &json!(false)
                    || v == &json!("")
                    || v == &json!(0)
                    || v.as_array().is_some_and(Vec::is_empty));
                if truthy {
                    return v.clone();
                }
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out waiting for {what} ({expr}); last value {v:?}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    pub async fn find(&self, css: &str) -> Element {
        let wait = self
            .c
            .wait()
            .at_most(TIMEOUT)
            .every(POLL)
            .for_element(Locator::Css(css));
        within(&format!("find {css}"), wait).await
    }

    pub async fn exists(&self, css: &str) -> bool {
        !within(&format!("find {css}"), self.c.find_all(Locator::Css(css)))
            .await
            .is_empty()
    }

    pub async fn displayed(&self, css: &str) -> bool {
        within(&format!("is {css} displayed"), self.find(css).await.is_displayed()).await
    }

    pub async fn click(&self, css: &str) {
        let e = self.find(css).await;
        within(&format!("click {css}"), e.click()).await;
    }

    /// Replaces the text of a field by typing.
    pub async fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        within(&format!("clear {css}"), e.clear()).await;
        within(&format!("type into {css}"), e.send_keys(text)).await;
    }

    pub async fn value(&self, css: &str) -> String {
        within(&format!("value of {css}"), self.find(css).await.prop("value"))
            .await
            .unwrap_or_default()
    }

    pub async fn checked(&self, css: &str) -> bool {
        within(&format!("is {css} checked"), self.find(css).await.is_selected()).await
    }

    pub async fn text(&self, css: &str) -> String {
        within(&format!("text of {css}"), self.find(css).await.text()).await
    }

    /// Runs `action` (a click or key press that submits) and waits until a new document has replaced the
    /// current one and finished loading.
    pub async fn navigating<F, Fut>(&self, what: &str, action: F)
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let old = self.find("html").await;
        action().await;
        let start = Instant::now();
        loop {
            match tokio::time::timeout(TIMEOUT, old.tag_name())
                .await
                .unwrap_or_else(|_| panic!("{what}: no answer"))
            {
                Err(CmdError::Standard(e)) if e.error == fantoccini::error::ErrorStatus::StaleElementReference => break,
                _ if start.elapsed() > TIMEOUT => panic!("{what}: the page did not change"),
                _ => tokio::time::sleep(POLL).await,
            }
        }
        self.wait_js("the page to load", "document.readyState === 'complete'")
            .await;
    }

    /// Clicks a submit button and waits for the next page.
    pub async fn submit(&self, css: &str) {
        self.navigating(css, || self.click(css)).await;
    }

    /// Saves a screenshot of the viewport as the next numbered artefact.
    pub async fn shot(&mut self, name: &str) {
        self.step += 1;
        let png = within(&format!("screenshot {name}"), self.c.screenshot()).await;
        let path = self.shots.join(format!("{:02}-{name}.png", self.step));
        std::fs::write(&path, png).expect("write screenshot");
    }

    /// That the browser really has the requested JavaScript setting: a page whose script changes its title.
    pub async fn check_javascript(&self) {
        let page = "data:text/html,<title>off</title><script>document.title='on'</script>";
        within("open a data: page", self.c.goto(page)).await;
        let title = within("title", self.c.title()).await;
        let expected = if self.options.javascript { "on" } else { "off" };
        assert_eq!(
            title, expected,
            "JavaScript in the browser is {title}, wanted {expected}"
        );
    }

    /// That the current page (with its viewport meta tag) is laid out to the requested width.
    pub async fn check_width(&self) {
        let width = self.js("return document.documentElement.clientWidth;", vec![]).await;
        let w = width.as_u64().unwrap_or(0);
        // A desktop window may lose a few pixels to a scroll bar.
        assert!(
            w <= self.options.viewport.css_width() && w + 20 >= self.options.viewport.css_width(),
            "{:?}: the page is {w} CSS pixels wide",
            self.options.viewport
        );
    }
}
