//! Load benchmark for the respondent form (issue 8).
//!
//! ```text
//! cargo build --release --bin opros
//! cargo run --release --example load -- [--db sqlite|postgres] [--respondents N] [--concurrency C]
//!     [--seconds S] [--survey FILE.yaml] [--invalid-share 0.1] [--url http://127.0.0.1:8080]
//! ```
//!
//! It starts the real `opros` binary (next to this example in `target/release/`) on a fresh database (a
//! temp SQLite file, or a fresh schema in `--pg-url` / `OPROS_TEST_POSTGRES_URL` for `--db postgres`),
//! imports and publishes the survey (default `tests/fixtures/reliability.yaml`, one page), or targets a
//! running server with `--url` (the survey must be open there). N virtual respondents, C at a time, each
//! open the form, take the CSRF token and the respondent cookie, and submit every page with random valid
//! answers; a share of pages is first sent invalid (required answers missing → 422) and then corrected.
//!
//! Reported: completed responses per second, p50/p95/p99 latency per request type, errors by kind, and
//! in the same run a **bare baseline**: a minimal actix-web handler (in this process, same worker count)
//! that inserts one 10-field row per request through a group-commit writer thread (one transaction per
//! batch, reply after COMMIT) into the same database with the same durability settings. Our rate is
//! reported as a ratio to it. Bounded by N and S; loopback only.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpResponse, HttpServer};
use clap::Parser;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use opros::config::DatabaseUrl;
use opros::definition::{Answer, Definition, Question, QuestionKind};
use opros::form::Fields;
use opros::store::AnyConnection;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};

#[derive(Parser, Debug, Clone)]
#[command(about = "Load benchmark of the respondent form, with a bare group-commit baseline")]
struct Args {
    /// sqlite or postgres
    #[arg(long, default_value = "sqlite")]
    db: String,
    /// Base PostgreSQL URL for --db postgres (a fresh schema is created and dropped).
    #[arg(long, env = "OPROS_TEST_POSTGRES_URL")]
    pg_url: Option<String>,
    /// Virtual respondents at most.
    #[arg(long, default_value_t = 20_000)]
    respondents: usize,
    /// Respondents at a time (client threads).
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Seconds at most for each phase (ours, then the baseline).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// The survey definition to answer.
    #[arg(long)]
    survey: Option<PathBuf>,
    /// Share of pages first sent invalid.
    #[arg(long, default_value_t = 0.1)]
    invalid_share: f64,
    /// Target a running server instead of starting one (loopback only).
    #[arg(long)]
    url: Option<String>,
    /// Server worker threads (OPROS_WORKERS; 0 = one per core).
    #[arg(long, default_value_t = 0)]
    workers: usize,
    /// Skip the bare baseline.
    #[arg(long)]
    no_baseline: bool,
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(args) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run(args: Args) -> Result<(), String> {
    let survey_path = args
        .survey
        .clone()
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reliability.yaml"));
    let source =
        std::fs::read_to_string(&survey_path).map_err(|e| format!("cannot read {}: {e}", survey_path.display()))?;
    let def =
        opros::definition::parse_definition(&source, &survey_path.display().to_string()).map_err(|e| e.to_string())?;
    let db = BenchDb::new(&args)?;
    println!(
        "machine: {} cores, load average before: {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        loadavg()
    );
    println!(
        "database: {}, survey: {} ({} pages)",
        db.label,
        def.slug,
        def.pages.len()
    );

    let (base, mut server) = match &args.url {
        Some(u) => {
            if !(u.starts_with("http://127.") || u.starts_with("http://localhost")) {
                return Err("--url must be a loopback address (http://127.x.x.x or http://localhost)".into());
            }
            (u.trim_end_matches('/').to_owned(), None)
        }
        None => {
            let (base, child) = start_server(&db, &survey_path, &def, args.workers)?;
            (base, Some(child))
        }
    };
    let ours = drive(
        &args,
        Target::Form {
            base,
            def: Arc::new(def),
        },
    );
    if let Some(c) = server.as_mut() {
        let _ = Command::new("kill").args(["-TERM", &c.id().to_string()]).status();
        let _ = c.wait();
    }
    ours.print("opros form");

    if !args.no_baseline {
        let bare = bare_baseline(&args, &db)?;
        bare.print("bare baseline: actix handler + group-commit insert of one 10-field row");
        if bare.rate() > 0.0 {
            println!(
                "\nratio: {:.0} complete responses/s ÷ {:.0} bare inserts/s = {:.2}",
                ours.rate(),
                bare.rate(),
                ours.rate() / bare.rate()
            );
        }
    }
    println!("load average after: {}", loadavg());
    Ok(())
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// A fresh database for the run; a PostgreSQL schema is dropped at the end.
struct BenchDb {
    url: DatabaseUrl,
    label: String,
    env: String,
    pg: Option<(String, String)>,
    _dir: Option<PathBuf>,
}

impl BenchDb {
    fn new(args: &Args) -> Result<BenchDb, String> {
        let tag = uuid::Uuid::new_v4().simple().to_string();
        match args.db.as_str() {
            "sqlite" => {
                let dir = std::env::temp_dir().join(format!("opros-load-{tag}"));
                std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
                let path = dir.join("load.db");
                Ok(BenchDb {
                    env: path.display().to_string(),
                    url: DatabaseUrl::Sqlite(path),
                    label: "SQLite (WAL, synchronous=FULL)".into(),
                    pg: None,
                    _dir: Some(dir),
                })
            }
            "postgres" => {
                let base = args
                    .pg_url
                    .clone()
                    .ok_or("--db postgres needs --pg-url or OPROS_TEST_POSTGRES_URL")?;
                let schema = format!("load_{tag}");
                let mut c = diesel::PgConnection::establish(&base).map_err(|e| e.to_string())?;
                c.batch_execute(&format!("CREATE SCHEMA {schema}"))
                    .map_err(|e| e.to_string())?;
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
                Ok(BenchDb {
                    env: url.clone(),
                    url: DatabaseUrl::Postgres(url),
                    label: "PostgreSQL (synchronous_commit on)".into(),
                    pg: Some((base, schema)),
                    _dir: None,
                })
            }
            other => Err(format!("--db must be sqlite or postgres, not {other}")),
        }
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg {
            if let Ok(mut c) = diesel::PgConnection::establish(base) {
                let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }
        }
        if let Some(d) = &self._dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

fn opros_binary() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let bin = exe
        .parent()
        .and_then(|examples| examples.parent())
        .map(|dir| dir.join("opros"))
        .ok_or("cannot locate the target directory")?;
    if bin.exists() {
        Ok(bin)
    } else {
        Err(format!(
            "{} not found: run `cargo build --release --bin opros` first",
            bin.display()
        ))
    }
}

fn start_server(
    db: &BenchDb,
    survey: &std::path::Path,
    def: &Definition,
    workers: usize,
) -> Result<(String, Child), String> {
    let bin = opros_binary()?;
    let cli = |args: &[&str]| -> Result<(), String> {
        let out = Command::new(&bin)
            .args(args)
            .env("DATABASE_URL", &db.env)
            .env("OPROS_LOG", "warn")
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!("opros {args:?}: {}", String::from_utf8_lossy(&out.stderr)))
        }
    };
    cli(&["survey", "import", &survey.display().to_string()])?;
    cli(&["survey", "publish", &def.slug])?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let child = Command::new(&bin)
        .arg("serve")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", &db.env)
        .env("OPROS_BIND", format!("127.0.0.1:{port}"))
        .env("OPROS_LOG", "warn")
        .env("OPROS_MIN_PAGE_SECONDS", "0")
        .env("OPROS_RATE_LIMIT_PER_MINUTE", "0")
        .env("OPROS_WORKERS", workers.to_string())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::blocking::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !http
        .get(format!("{base}/healthz"))
        .send()
        .is_ok_and(|r| r.status().is_success())
    {
        if Instant::now() > deadline {
            return Err("the server did not come up in 30 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok((base, child))
}

/// What the client threads drive.
#[derive(Clone)]
enum Target {
    Form { base: String, def: Arc<Definition> },
    Bare { base: String },
}

/// Latencies by request type, errors by kind, completions.
#[derive(Default)]
struct Stats {
    latencies: BTreeMap<&'static str, Vec<u32>>,
    errors: BTreeMap<String, usize>,
    completed: usize,
    screened: usize,
    elapsed: Duration,
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        for (k, v) in other.latencies {
            self.latencies.entry(k).or_default().extend(v);
        }
        for (k, n) in other.errors {
            *self.errors.entry(k).or_default() += n;
        }
        self.completed += other.completed;
        self.screened += other.screened;
    }

    fn time(&mut self, kind: &'static str, since: Instant) {
        self.latencies
            .entry(kind)
            .or_default()
            .push(since.elapsed().as_micros() as u32);
    }

    fn error(&mut self, kind: impl Into<String>) {
        *self.errors.entry(kind.into()).or_default() += 1;
    }

    fn rate(&self) -> f64 {
        self.completed as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn print(&self, title: &str) {
        println!("\n== {title}");
        println!(
            "completed: {} in {:.2} s = {:.0}/s{}",
            self.completed,
            self.elapsed.as_secs_f64(),
            self.rate(),
            if self.screened > 0 {
                format!(" (screened out: {})", self.screened)
            } else {
                String::new()
            }
        );
        println!(
            "{:<28} {:>9} {:>9} {:>9} {:>9}",
            "request", "count", "p50 ms", "p95 ms", "p99 ms"
        );
        for (k, v) in &self.latencies {
            let mut v = v.clone();
            v.sort_unstable();
            let p = |q: f64| {
                let i = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
                v[i] as f64 / 1000.0
            };
            println!(
                "{:<28} {:>9} {:>9.2} {:>9.2} {:>9.2}",
                k,
                v.len(),
                p(0.50),
                p(0.95),
                p(0.99)
            );
        }
        if self.errors.is_empty() {
            println!("errors: none");
        } else {
            for (k, n) in &self.errors {
                println!("error {k}: {n}");
            }
        }
    }
}

/// Runs C client threads until N respondents (or bare requests) are done or S seconds passed.
fn drive(args: &Args, target: Target) -> Stats {
    let started = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let t0 = Instant::now();
    let handles: Vec<_> = (0..args.concurrency.max(1))
        .map(|t| {
            let (target, started, args) = (target.clone(), started.clone(), args.clone());
            std::thread::spawn(move || {
                let http = reqwest::blocking::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(Duration::from_secs(30))
                    .build()
                    .expect("HTTP client");
                let mut rng = StdRng::seed_from_u64(t as u64 * 7919 + 1);
                let mut stats = Stats::default();
                while Instant::now() < deadline && started.fetch_add(1, Ordering::SeqCst) < args.respondents {
                    match &target {
                        Target::Form { base, def } => respondent(&http, base, def, &args, &mut rng, &mut stats),
                        Target::Bare { base } => bare_request(&http, base, &mut rng, &mut stats),
                    }
                }
                stats
            })
        })
        .collect();
    let mut all = Stats::default();
    for h in handles {
        if let Ok(s) = h.join() {
            all.merge(s);
        }
    }
    all.elapsed = t0.elapsed();
    all
}

fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    let tag = &html[start..end];
    let v = tag.find("value=\"")? + 7;
    let e = tag[v..].find('"')?;
    Some(
        tag[v..v + e]
            .replace("&#x3D;", "=")
            .replace("&quot;", "\"")
            .replace("&amp;", "&"),
    )
}

fn classify(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "connect".into()
    } else {
        "transport".into()
    }
}

/// One virtual respondent: open the form, answer every page, finish.
fn respondent(
    http: &reqwest::blocking::Client,
    base: &str,
    def: &Definition,
    args: &Args,
    rng: &mut StdRng,
    stats: &mut Stats,
) {
    let url = format!("{base}/s/{}", def.slug);
    let lang = def.languages.first().cloned().unwrap_or_else(|| "en".into());
    let t = Instant::now();
    let r = match http.get(format!("{url}?lang={lang}")).send() {
        Ok(r) => r,
        Err(e) => return stats.error(format!("GET form: {}", classify(&e))),
    };
    let cookie = r
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ");
    let status = r.status().as_u16();
    let mut html = r.text().unwrap_or_default();
    stats.time("GET form (first page)", t);
    if status != 200 {
        return stats.error(format!("GET form: HTTP {status}"));
    }
    for _ in 0..(def.pages.len() * 2 + 2) {
        let (Some(csrf), Some(page_id)) = (hidden(&html, "_csrf"), hidden(&html, "_page")) else {
            return stats.error("page without form fields");
        };
        let shown = hidden(&html, "_shown").unwrap_or_default();
        let Some(page) = def.pages.iter().find(|p| p.id == page_id) else {
            return stats.error(format!("unknown page {page_id}"));
        };
        let mut fields = Fields::default();
        for q in &page.questions {
            if let Some(a) = random_answer(rng, q) {
                opros::form::parse::answer_fields(q, &a, &mut fields);
            }
        }
        let mut pairs: Vec<(String, String)> = vec![
            ("_csrf".into(), csrf),
            ("_page".into(), page_id),
            ("_shown".into(), shown),
        ];
        let system = pairs.clone();
        for n in fields.names() {
            for v in fields.all(n) {
                pairs.push((n.to_owned(), v.clone()));
            }
        }
        let post = |body: &[(String, String)]| {
            http.post(&url)
                .header("Cookie", &cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(serde_urlencoded::to_string(body).unwrap_or_default())
                .send()
        };
        let has_required = page
            .questions
            .iter()
            .any(|q| q.required && !matches!(q.kind, QuestionKind::Info));
        if has_required && rng.random_bool(args.invalid_share.clamp(0.0, 1.0)) {
            let t = Instant::now();
            match post(&system) {
                Ok(r) if r.status().as_u16() == 422 => {
                    let _ = r.bytes();
                    stats.time("POST invalid page (422)", t);
                }
                // Every required question of the page was hidden by show_if: the empty page is valid.
                Ok(r) if r.status().as_u16() == 303 => {
                    let _ = r.bytes();
                    stats.time("POST page (next)", t);
                    match http.get(&url).header("Cookie", &cookie).send() {
                        Ok(r) if r.status().as_u16() == 200 => {
                            html = r.text().unwrap_or_default();
                            continue;
                        }
                        Ok(r) => return stats.error(format!("GET next page: HTTP {}", r.status().as_u16())),
                        Err(e) => return stats.error(format!("GET next page: {}", classify(&e))),
                    }
                }
                Ok(r) => stats.error(format!("invalid page: HTTP {} instead of 422", r.status().as_u16())),
                Err(e) => return stats.error(format!("POST invalid: {}", classify(&e))),
            }
        }
        let t = Instant::now();
        let r = match post(&pairs) {
            Ok(r) => r,
            Err(e) => return stats.error(format!("POST page: {}", classify(&e))),
        };
        match r.status().as_u16() {
            303 => {
                let _ = r.bytes();
                stats.time("POST page (next)", t);
                let t = Instant::now();
                match http.get(&url).header("Cookie", &cookie).send() {
                    Ok(r) if r.status().as_u16() == 200 => {
                        html = r.text().unwrap_or_default();
                        stats.time("GET next page", t);
                    }
                    Ok(r) => return stats.error(format!("GET next page: HTTP {}", r.status().as_u16())),
                    Err(e) => return stats.error(format!("GET next page: {}", classify(&e))),
                }
            }
            200 => {
                let body = r.text().unwrap_or_default();
                stats.time("POST last page (complete)", t);
                if body.contains("notice thanks") {
                    stats.completed += 1;
                } else {
                    stats.screened += 1;
                }
                return;
            }
            s => {
                let _ = r.bytes();
                return stats.error(format!("POST page: HTTP {s}"));
            }
        }
    }
    stats.error("too many pages")
}

/// A random valid answer, or None (left out) for an optional question now and then.
fn random_answer(rng: &mut StdRng, q: &Question) -> Option<Answer> {
    if !q.required && rng.random_bool(0.2) {
        return None;
    }
    match &q.kind {
        QuestionKind::SingleChoice(c) => Some(Answer::choice(&c.options.choose(rng)?.code)),
        QuestionKind::MultipleChoice(c) => {
            let plain: Vec<_> = c.options.iter().filter(|o| !o.exclusive).collect();
            let max = c.max_choices.unwrap_or(plain.len()).min(plain.len()).max(1);
            let min = c.min_choices.unwrap_or(1).clamp(1, max);
            let k = rng.random_range(min..=max);
            let mut codes: Vec<String> = plain.choose_multiple(rng, k).map(|o| o.code.clone()).collect();
            codes.sort_by_key(|x| c.options.iter().position(|o| &o.code == x));
            Some(Answer::Choices {
                codes,
                other_text: None,
            })
        }
        QuestionKind::Scale(s) => Some(Answer::Scale(s.points.choose(rng)?.code.clone())),
        QuestionKind::Matrix(m) => {
            let rows = m
                .rows
                .iter()
                .filter_map(|r| Some((r.code.clone(), m.points.choose(rng)?.code.clone())))
                .collect();
            Some(Answer::Matrix(rows))
        }
        QuestionKind::Number(n) => {
            let lo = n.min.unwrap_or(0.0);
            let hi = n.max.unwrap_or(lo + 100.0).max(lo);
            Some(Answer::Number(
                if n.integer {
                    rng.random_range(lo.ceil() as i64..=hi.floor().max(lo.ceil()) as i64) as f64
                } else {
                    lo + (hi - lo) * rng.random::<f64>()
                }
                .clamp(lo, hi),
            ))
        }
        QuestionKind::Text(t) => {
            let n = rng.random_range(1..=t.max_length.unwrap_or(40).clamp(1, 40));
            Some(Answer::Text(
                (0..n)
                    .map(|_| *['a', 'b', 'ж', 'Ё', '7', 'x'].choose(rng).unwrap_or(&'a'))
                    .collect(),
            ))
        }
        QuestionKind::Date(d) => {
            let lo = d.min.or(chrono::NaiveDate::from_ymd_opt(2000, 1, 1))?;
            let hi = d.max.unwrap_or(lo + chrono::Duration::days(3650)).max(lo);
            Some(Answer::Date(
                lo + chrono::Duration::days(rng.random_range(0..=(hi - lo).num_days())),
            ))
        }
        QuestionKind::Ranking(r) => {
            let mut codes: Vec<String> = r.options.iter().map(|o| o.code.clone()).collect();
            codes.shuffle(rng);
            Some(Answer::Ranking(codes))
        }
        QuestionKind::Info => None,
    }
}

// ---------------------------------------------------------------------------------------------------
// Bare baseline: one handler, one group-commit writer thread, one 10-field row per request.

const BARE_FIELDS: usize = 10;

struct BareJob {
    row: Vec<String>,
    reply: tokio::sync::oneshot::Sender<bool>,
}

fn bare_writer(url: DatabaseUrl, rx: mpsc::Receiver<BareJob>) {
    let Ok(mut conn) = AnyConnection::connect(&url) else {
        eprintln!("bare baseline: cannot connect");
        return;
    };
    let cols: Vec<String> = (1..=BARE_FIELDS).map(|i| format!("f{i} TEXT NOT NULL")).collect();
    if let Err(e) = conn.batch_execute(&format!(
        "CREATE TABLE IF NOT EXISTS bare_rows (id TEXT PRIMARY KEY, {})",
        cols.join(", ")
    )) {
        eprintln!("bare baseline: {e}");
        return;
    }
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < 256 {
            match rx.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        // Values are checked to be [A-Za-z0-9] by the handler, so quoting them inline is safe here.
        let values: Vec<String> = batch
            .iter()
            .map(|j| {
                let v: Vec<String> = j.row.iter().map(|x| format!("'{x}'")).collect();
                format!("('{}', {})", uuid::Uuid::new_v4().simple(), v.join(", "))
            })
            .collect();
        let sql = format!("INSERT INTO bare_rows VALUES {}", values.join(", "));
        let ok = conn
            .write_transaction(|c| -> Result<(), diesel::result::Error> { c.batch_execute(&sql) })
            .is_ok();
        for j in batch {
            let _ = j.reply.send(ok);
        }
    }
}

async fn bare_insert(body: web::Bytes, tx: web::Data<Mutex<mpsc::Sender<BareJob>>>) -> HttpResponse {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let row: Vec<String> = pairs.into_iter().map(|(_, v)| v).collect();
    if row.len() != BARE_FIELDS || !row.iter().all(|v| v.chars().all(|c| c.is_ascii_alphanumeric())) {
        return HttpResponse::UnprocessableEntity().finish();
    }
    let (reply, rx) = tokio::sync::oneshot::channel();
    let sent = tx
        .lock()
        .map(|t| t.send(BareJob { row, reply }).is_ok())
        .unwrap_or(false);
    match (sent, rx.await) {
        (true, Ok(true)) => HttpResponse::Ok().body("ok"),
        _ => HttpResponse::ServiceUnavailable().finish(),
    }
}

fn bare_baseline(args: &Args, db: &BenchDb) -> Result<Stats, String> {
    let (tx, rx) = mpsc::channel();
    let url = db.url.clone();
    std::thread::spawn(move || bare_writer(url, rx));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let base = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let workers = if args.workers > 0 {
        args.workers
    } else {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    };
    let (htx, hrx) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let tx = web::Data::new(Mutex::new(tx));
            let server = HttpServer::new(move || {
                App::new()
                    .app_data(tx.clone())
                    .route("/bare", web::post().to(bare_insert))
            })
            .workers(workers)
            .listen(listener);
            match server {
                Ok(s) => {
                    let s = s.run();
                    let _ = htx.send(Some(s.handle()));
                    let _ = s.await;
                }
                Err(_) => {
                    let _ = htx.send(None);
                }
            }
        })
    });
    let handle = hrx.recv().ok().flatten().ok_or("bare baseline server did not start")?;
    let stats = drive(args, Target::Bare { base });
    actix_web::rt::System::new().block_on(handle.stop(true));
    Ok(stats)
}

fn bare_request(http: &reqwest::blocking::Client, base: &str, rng: &mut StdRng, stats: &mut Stats) {
    let body: Vec<(String, String)> = (1..=BARE_FIELDS)
        .map(|i| (format!("f{i}"), format!("v{}", rng.random_range(0..1_000_000u32))))
        .collect();
    let t = Instant::now();
    match http
        .post(format!("{base}/bare"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(&body).unwrap_or_default())
        .send()
    {
        Ok(r) if r.status().is_success() => {
            let _ = r.bytes();
            stats.time("POST bare insert", t);
            stats.completed += 1;
        }
        Ok(r) => stats.error(format!("bare: HTTP {}", r.status().as_u16())),
        Err(e) => stats.error(format!("bare: {}", classify(&e))),
    }
}
