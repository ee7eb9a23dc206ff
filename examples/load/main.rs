//! Load benchmark for the respondent form.
//!
//! ```text
//! cargo build --release --bin opros
//! cargo run --release --example load -- [--db sqlite|postgres] [--respondents N] [--concurrency C]
//!     [--seconds S] [--survey FILE.yaml] [--invalid-share 0.1] [--url http://127.0.0.1:8080]
//! cargo run --release --example load -- --pages [--survey tests/fixtures/page30.yaml]
//! ```
//!
//! It starts the real `opros` binary (next to this example in `target/release/`) on a fresh database (a
//! temp SQLite file, or a fresh schema in `--pg-url` / `OPROS_TEST_POSTGRES_URL` for `--db postgres`),
//! imports and publishes the survey (default `tests/fixtures/reliability.yaml`, one page), or targets a
//! running server with `--url` (the survey must be open there). N virtual respondents, C at a time, each
//! open the form, take the CSRF token and the respondent cookie, and submit every page with random valid
//! answers; a share of pages is first sent invalid (required answers missing → 422) and then corrected.
//! The virtual clients are tasks on `--client-threads` event-loop threads (default 1), one keep-alive
//! connection each.
//!
//! For a one-page survey a second phase measures **complete single-page submissions**: new respondents
//! first open the form for S seconds (reported apart, as preparation), then every one of them submits its
//! page (with the same share of invalid first attempts); that phase's completions per second are the
//! submission rate, so the form's GET is not counted in it.
//!
//! Reported: completed responses per second, p50/p95/p99 latency per request type, errors by kind, CPU
//! used by the load generator, the server and PostgreSQL, and in the same run a **bare baseline**: a
//! minimal actix-web handler (in this process, same worker count) that inserts one 10-field row per request
//! through a group-commit writer thread (one transaction per batch, reply after COMMIT) into the same
//! database with the same durability settings. Our rate is reported as a ratio to it.
//!
//! `--pages` measures the form page rate instead: new respondents opening the first page of a 30-question
//! survey (`tests/fixtures/page30.yaml`), against a bare actix handler that renders the same page with
//! handlebars on every request (view model prepared once, in memory), with the same client.
//! Bounded by N and S; loopback only.

mod bare;
mod http;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use opros::config::DatabaseUrl;
use opros::definition::{Answer, Definition, Question, QuestionKind};
use opros::form::Fields;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};

use http::Client;

#[derive(Parser, Debug, Clone)]
#[command(about = "Load benchmark of the respondent form, with bare baselines measured in the same run")]
pub struct Args {
    /// sqlite or postgres
    #[arg(long, default_value = "sqlite")]
    db: String,
    /// Base PostgreSQL URL for --db postgres (a fresh schema is created and dropped).
    #[arg(long, env = "OPROS_TEST_POSTGRES_URL")]
    pg_url: Option<String>,
    /// Virtual respondents (or page views with --pages) at most.
    #[arg(long, default_value_t = 200_000)]
    respondents: usize,
    /// Respondents at a time (client threads).
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Seconds at most for each phase (ours, then the baseline).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// The survey definition to answer (default: tests/fixtures/reliability.yaml, or page30.yaml with --pages).
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
    /// Measure the form page rate (GET of a first page by new respondents) instead of complete responses.
    #[arg(long)]
    pages: bool,
    /// Load generator threads; each is one event loop driving its share of the C virtual clients.
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(args) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run(args: Args) -> Result<(), String> {
    let default_survey = if args.pages {
        "tests/fixtures/page30.yaml"
    } else {
        "tests/fixtures/reliability.yaml"
    };
    let survey_path = args
        .survey
        .clone()
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(default_survey));
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
        "database: {}, survey: {} ({} pages, {} questions)",
        db.label,
        def.slug,
        def.pages.len(),
        def.pages.iter().map(|p| p.questions.len()).sum::<usize>()
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
    let addr = http::parse_base(&base)?;
    let def = Arc::new(def);
    let server_pid = server.as_ref().map(|c| c.id());
    let target = if args.pages {
        Target::Page { def: def.clone() }
    } else {
        Target::Form { def: def.clone() }
    };
    let ours = measure(&args, addr, target, server_pid);
    let submissions = if args.pages {
        None
    } else if def.pages.len() == 1 {
        Some(measure_submissions(&args, addr, &def, server_pid))
    } else {
        println!(
            "(no single-page submission phase: the survey has {} pages)",
            def.pages.len()
        );
        None
    };
    if let Some(c) = server.as_mut() {
        let _ = Command::new("kill").args(["-TERM", &c.id().to_string()]).status();
        let _ = c.wait();
    }
    let what = if args.pages { "form pages" } else { "complete responses" };
    ours.print(if args.pages {
        "opros: first form page of a new respondent"
    } else {
        "opros form: whole responses (open the form, answer every page)"
    });
    if let Some((opened, submitted)) = &submissions {
        opened.print("opros form, preparation (untimed): new respondents open the form and keep token and cookie");
        submitted.print("opros form: complete single-page submissions (each respondent opened the form before)");
    }

    if !args.no_baseline {
        let bare = if args.pages {
            bare::render_baseline(&args, &def)?
        } else {
            bare::insert_baseline(&args, &db.url)?
        };
        bare.print(if args.pages {
            "bare baseline: actix handler rendering the same page with handlebars (view model in memory)"
        } else {
            "bare baseline: actix handler + group-commit insert of one 10-field row"
        });
        if bare.rate() > 0.0 {
            println!(
                "\nratio: {:.0} {what}/s ÷ {:.0} bare/s = {:.2}",
                ours.rate(),
                bare.rate(),
                ours.rate() / bare.rate()
            );
            if let Some((_, submitted)) = &submissions {
                println!(
                    "ratio: {:.0} complete single-page submissions/s ÷ {:.0} bare/s = {:.2}",
                    submitted.rate(),
                    bare.rate(),
                    submitted.rate() / bare.rate()
                );
            }
        }
    }
    if args.pages {
        bare::render_in_process(&def);
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
    let mut http = Client::new(http::parse_base(&base)?);
    let deadline = Instant::now() + Duration::from_secs(30);
    let healthy =
        |http: &mut Client| http::block_on(http.get("/healthz", None)).is_ok_and(|r| r.is_ok_and(|r| r.status == 200));
    while !healthy(&mut http) {
        if Instant::now() > deadline {
            return Err("the server did not come up in 30 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok((base, child))
}

/// What the client threads drive.
#[derive(Clone)]
pub enum Target {
    /// Respondents answering every page.
    Form { def: Arc<Definition> },
    /// New respondents opening the first page (no cookie).
    Page { def: Arc<Definition> },
    /// New respondents opening the form, kept for [`Target::Submit`].
    Open {
        def: Arc<Definition>,
        into: Arc<Mutex<Vec<Opened>>>,
    },
    /// Respondents who opened the form before submitting its one page.
    Submit {
        def: Arc<Definition>,
        from: Arc<Mutex<Vec<Opened>>>,
    },
    /// The bare insert handler.
    BareInsert,
    /// The bare render handler.
    BareRender,
}

/// Latencies by request type, errors by kind, completions, CPU time by party.
#[derive(Default)]
pub struct Stats {
    latencies: BTreeMap<&'static str, Vec<u32>>,
    errors: BTreeMap<String, usize>,
    pub completed: usize,
    screened: usize,
    requests: usize,
    elapsed: Duration,
    /// CPU seconds of the client threads, the server process (when known) and PostgreSQL.
    client_cpu: f64,
    pub server_cpu: Option<f64>,
    pub pg_cpu: Option<f64>,
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
        self.client_cpu += other.client_cpu;
    }

    pub fn time(&mut self, kind: &'static str, since: Instant) {
        self.requests += 1;
        self.latencies
            .entry(kind)
            .or_default()
            .push(since.elapsed().as_micros() as u32);
    }

    pub fn error(&mut self, kind: impl Into<String>) {
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
        let requests: usize = self.latencies.values().map(Vec::len).sum();
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
        let per = |cpu: f64| cpu * 1e6 / (requests.max(1) as f64);
        let done = self.completed.max(1) as f64;
        let mut cpu = format!(
            "CPU: load generator {:.2} s ({:.0} µs/request)",
            self.client_cpu,
            per(self.client_cpu)
        );
        if let Some(s) = self.server_cpu {
            cpu += &format!(
                ", server {:.2} s ({:.0} µs/request, {:.0} µs/completed)",
                s,
                per(s),
                s * 1e6 / done
            );
        }
        if let Some(p) = self.pg_cpu {
            cpu += &format!(", PostgreSQL {:.2} s ({:.0} µs/completed)", p, p * 1e6 / done);
        }
        println!("{cpu}");
        if self.errors.is_empty() {
            println!("errors: none");
        } else {
            for (k, n) in &self.errors {
                println!("error {k}: {n}");
            }
        }
    }
}

/// CPU seconds (user + system) from a `/proc/…/stat` file.
pub fn cpu_seconds(stat: &str) -> Option<f64> {
    let text = std::fs::read_to_string(stat).ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = &text[text.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// CPU seconds of the calling thread, in nanoseconds precision (`/proc/thread-self/schedstat`; the tick
/// counts of `stat` are too coarse for a client thread that runs a few milliseconds).
fn thread_cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

/// CPU seconds of every PostgreSQL process on the machine by pid (the shared server; other users add noise).
pub fn postgres_cpu() -> Option<std::collections::HashMap<u32, f64>> {
    let mut by_pid = std::collections::HashMap::new();
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.starts_with("postgres") {
            if let Some(c) = cpu_seconds(&format!("/proc/{pid}/stat")) {
                by_pid.insert(pid, c);
            }
        }
    }
    (!by_pid.is_empty()).then_some(by_pid)
}

/// PostgreSQL CPU used since `before`: processes that ended meanwhile (closed connections) are not
/// counted, so this is a lower bound.
pub fn postgres_cpu_since(before: &Option<std::collections::HashMap<u32, f64>>) -> Option<f64> {
    let before = before.as_ref()?;
    let after = postgres_cpu()?;
    Some(
        after
            .iter()
            .map(|(pid, c)| c - before.get(pid).copied().unwrap_or(0.0))
            .sum(),
    )
}

/// Runs [`drive`] and adds the CPU used by the server process and PostgreSQL meanwhile.
fn measure(args: &Args, addr: std::net::SocketAddr, target: Target, server_pid: Option<u32>) -> Stats {
    let server_stat = server_pid.map(|p| format!("/proc/{p}/stat"));
    let server_before = server_stat.as_deref().and_then(cpu_seconds);
    let pg_before = postgres_cpu();
    let mut stats = drive(args, addr, target);
    stats.server_cpu = server_before.and_then(|b| Some(cpu_seconds(server_stat.as_deref()?)? - b));
    stats.pg_cpu = postgres_cpu_since(&pg_before);
    stats
}

/// Runs C virtual clients until N respondents (or requests) are done or S seconds passed. The clients are
/// tasks spread over `--client-threads` event-loop threads.
pub fn drive(args: &Args, addr: std::net::SocketAddr, target: Target) -> Stats {
    let started = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let t0 = Instant::now();
    let clients = args.concurrency.max(1);
    let threads = args.client_threads.clamp(1, clients);
    let handles: Vec<_> = (0..threads)
        .map(|th| {
            let (target, started, args) = (target.clone(), started.clone(), args.clone());
            std::thread::spawn(move || {
                let cpu_before = thread_cpu_seconds();
                let mine: Vec<usize> = (0..clients).filter(|c| c % threads == th).collect();
                let run = async move {
                    let local = tokio::task::LocalSet::new();
                    let tasks: Vec<_> = mine
                        .into_iter()
                        .map(|c| {
                            let client =
                                virtual_client(c, addr, target.clone(), started.clone(), args.clone(), deadline);
                            local.spawn_local(client)
                        })
                        .collect();
                    local
                        .run_until(async move {
                            let mut all = Stats::default();
                            for t in tasks {
                                match t.await {
                                    Ok(s) => all.merge(s),
                                    Err(e) => all.error(format!("client task: {e}")),
                                }
                            }
                            all
                        })
                        .await
                };
                let mut stats = http::block_on(run).unwrap_or_else(|e| {
                    let mut s = Stats::default();
                    s.error(format!("client runtime: {e}"));
                    s
                });
                stats.client_cpu = thread_cpu_seconds() - cpu_before;
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

/// One virtual client: one keep-alive connection, respondents (or requests) one after another.
async fn virtual_client(
    c: usize,
    addr: std::net::SocketAddr,
    target: Target,
    started: Arc<AtomicUsize>,
    args: Args,
    deadline: Instant,
) -> Stats {
    let mut http = Client::new(addr);
    let mut rng = StdRng::seed_from_u64(c as u64 * 7919 + 1);
    let mut stats = Stats::default();
    while Instant::now() < deadline && started.fetch_add(1, Ordering::Relaxed) < args.respondents {
        match &target {
            Target::Form { def } => respondent(&mut http, def, &args, &mut rng, &mut stats).await,
            Target::Page { def } => first_page(&mut http, def, &mut stats).await,
            Target::Open { def, into } => {
                if let Some(o) = open_form(&mut http, def, &mut stats).await {
                    if let Ok(mut v) = into.lock() {
                        v.push(o);
                    }
                }
            }
            Target::Submit { def, from } => {
                let Some(o) = from.lock().ok().and_then(|mut v| v.pop()) else {
                    break;
                };
                answer_pages(&mut http, def, &args, &mut rng, &mut stats, o).await;
            }
            Target::BareInsert => bare::insert_request(&mut http, &mut rng, &mut stats).await,
            Target::BareRender => bare::render_request(&mut http, &mut stats).await,
        }
    }
    stats
}

/// The single-page submission rate: respondents first open the form (for S seconds, timed apart), then
/// every one of them submits its page; the second phase is the one reported as submissions per second.
fn measure_submissions(
    args: &Args,
    addr: std::net::SocketAddr,
    def: &Arc<Definition>,
    server_pid: Option<u32>,
) -> (Stats, Stats) {
    let pool = Arc::new(Mutex::new(Vec::new()));
    let open = Target::Open {
        def: def.clone(),
        into: pool.clone(),
    };
    let opened = measure(args, addr, open, server_pid);
    let submit = Target::Submit {
        def: def.clone(),
        from: pool,
    };
    // Every opened respondent submits, however long that takes (bounded by the first phase's count).
    let unbounded = Args {
        seconds: args.seconds.saturating_mul(10),
        respondents: usize::MAX,
        ..args.clone()
    };
    let submitted = measure(&unbounded, addr, submit, server_pid);
    (opened, submitted)
}

/// A new respondent opening the form: one GET without a cookie, the page must carry a CSRF token.
async fn first_page(http: &mut Client, def: &Definition, stats: &mut Stats) {
    let t = Instant::now();
    match http.get(&format!("/s/{}", def.slug), None).await {
        Ok(r) if r.status == 200 && r.text().contains("name=\"_csrf\"") => {
            stats.time("GET first page", t);
            stats.completed += 1;
        }
        Ok(r) => stats.error(format!("GET first page: HTTP {}", r.status)),
        Err(e) => stats.error(format!("GET first page: {}", e.kind())),
    }
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

/// A respondent who opened the form: the cookie and the first page.
pub struct Opened {
    cookie: String,
    html: String,
}

/// One virtual respondent: open the form, answer every page, finish.
async fn respondent(http: &mut Client, def: &Definition, args: &Args, rng: &mut StdRng, stats: &mut Stats) {
    if let Some(o) = open_form(http, def, stats).await {
        answer_pages(http, def, args, rng, stats, o).await;
    }
}

/// A new respondent opens the form (in its first language): the cookie and the first page.
async fn open_form(http: &mut Client, def: &Definition, stats: &mut Stats) -> Option<Opened> {
    let lang = def.languages.first().cloned().unwrap_or_else(|| "en".into());
    let t = Instant::now();
    let r = match http.get(&format!("/s/{}?lang={lang}", def.slug), None).await {
        Ok(r) => r,
        Err(e) => {
            stats.error(format!("GET form: {}", e.kind()));
            return None;
        }
    };
    stats.time("GET form (first page)", t);
    if r.status != 200 {
        stats.error(format!("GET form: HTTP {}", r.status));
        return None;
    }
    Some(Opened {
        cookie: r.cookies.join("; "),
        html: r.text().to_owned(),
    })
}

/// Answers every page of the form `opened` shows, with a share of pages first sent invalid.
async fn answer_pages(
    http: &mut Client,
    def: &Definition,
    args: &Args,
    rng: &mut StdRng,
    stats: &mut Stats,
    opened: Opened,
) {
    let path = format!("/s/{}", def.slug);
    let Opened { cookie, mut html } = opened;
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
        let system = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        for n in fields.names() {
            for v in fields.all(n) {
                pairs.push((n.to_owned(), v.clone()));
            }
        }
        let full = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        let has_required = page
            .questions
            .iter()
            .any(|q| q.required && !matches!(q.kind, QuestionKind::Info));
        if has_required && rng.random_bool(args.invalid_share.clamp(0.0, 1.0)) {
            let t = Instant::now();
            match http.post_form(&path, Some(&cookie), system.as_bytes()).await {
                Ok(r) if r.status == 422 => stats.time("POST invalid page (422)", t),
                // Every required question of the page was hidden by show_if: the empty page is valid.
                Ok(r) if r.status == 303 => {
                    stats.time("POST page (next)", t);
                    match http.get(&path, Some(&cookie)).await {
                        Ok(r) if r.status == 200 => {
                            html = r.text().to_owned();
                            continue;
                        }
                        Ok(r) => return stats.error(format!("GET next page: HTTP {}", r.status)),
                        Err(e) => return stats.error(format!("GET next page: {}", e.kind())),
                    }
                }
                Ok(r) => stats.error(format!("invalid page: HTTP {} instead of 422", r.status)),
                Err(e) => return stats.error(format!("POST invalid: {}", e.kind())),
            }
        }
        let t = Instant::now();
        let r = match http.post_form(&path, Some(&cookie), full.as_bytes()).await {
            Ok(r) => r,
            Err(e) => return stats.error(format!("POST page: {}", e.kind())),
        };
        match r.status {
            303 => {
                stats.time("POST page (next)", t);
                let t = Instant::now();
                match http.get(&path, Some(&cookie)).await {
                    Ok(r) if r.status == 200 => {
                        html = r.text().to_owned();
                        stats.time("GET next page", t);
                    }
                    Ok(r) => return stats.error(format!("GET next page: HTTP {}", r.status)),
                    Err(e) => return stats.error(format!("GET next page: {}", e.kind())),
                }
            }
            200 => {
                stats.time("POST last page (complete)", t);
                if r.text().contains("notice thanks") {
                    stats.completed += 1;
                } else {
                    stats.screened += 1;
                }
                return;
            }
            s => return stats.error(format!("POST page: HTTP {s}")),
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
        QuestionKind::ConstantSum(c) => {
            let mut left = c.total;
            let mut points = std::collections::BTreeMap::new();
            for (k, o) in c.options.iter().enumerate() {
                let p = if k + 1 == c.options.len() {
                    left
                } else {
                    rng.random_range(0..=left)
                };
                left -= p;
                points.insert(o.code.clone(), p);
            }
            Some(Answer::Points(points))
        }
        QuestionKind::Info => None,
    }
}
