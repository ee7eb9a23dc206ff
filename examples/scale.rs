//! Scale benchmark: N complete responses (default 1,000,000) of an 8-question survey through the real
//! `opros` binary, on SQLite and PostgreSQL, step by step:
//!
//! ```text
//! cargo build --release --bin opros --example scale
//! target/release/examples/scale [--n 1000000] [--db sqlite|postgres|both] [--pg-url URL] [--keep DIR]
//! ```
//!
//! Steps: `responses import` of a generated CSV, `report --json` (the summary), `responses export` as
//! CSV, SPSS `.sav` and XLSX. Each step is one run of the binary under `/usr/bin/time`: wall time, CPU
//! (user + system) and peak RSS (`%M`). Baselines measured in the same run, on the same file and database
//! server: SQLite — a bare Python `sqlite3` insert of the same CSV rows into a table of text columns (one
//! transaction, the same WAL/`synchronous=FULL` settings); PostgreSQL — `COPY` of the same CSV into a bare
//! table (psql `\copy`). The import is reported as a ratio to its baseline, since the machine's speed varies.
//!
//! The survey is unweighted: a weighted survey's microdata export keeps one weight per respondent
//! (16 bytes) besides the streamed rows, see `export::stream`. XLSX stops at Excel's 1,048,576 rows.
//!
//! Last, the CSV and SPSS exports once more with quality screening columns: review decisions excluding 1%
//! of the responses are stored straight into the database (`response_reviews`), so the export makes its
//! screening pass and writes `_quality_flags` and `_quality_decision` (`export::side`).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Parser;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Parser, Debug)]
#[command(about = "Import, summary and exports of N responses with peak memory, against bare baselines")]
struct Args {
    /// Complete responses.
    #[arg(long, default_value_t = 1_000_000)]
    n: usize,
    /// sqlite, postgres or both.
    #[arg(long, default_value = "both")]
    db: String,
    /// PostgreSQL server (a fresh database is created and dropped).
    #[arg(
        long,
        env = "OPROS_TEST_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    pg_url: String,
    /// Keep the generated files here instead of a temporary directory.
    #[arg(long)]
    keep: Option<PathBuf>,
}

const SURVEY: &str = r#"slug: scale
title: {en: "Scale benchmark"}
topic: test
languages: [en]
pages:
  - id: p1
    questions:
      - {id: sex, type: single_choice, text: {en: "Sex"}, options: [{code: m, label: {en: "M"}}, {code: f, label: {en: "F"}}]}
      - {id: age, type: number, min: 18, max: 99, integer: true, text: {en: "Age"}}
      - {id: region, type: single_choice, text: {en: "Region"}, options: [{code: r1, label: {en: "R1"}}, {code: r2, label: {en: "R2"}}, {code: r3, label: {en: "R3"}}, {code: r4, label: {en: "R4"}}, {code: r5, label: {en: "R5"}}]}
      - {id: q1, type: single_choice, text: {en: "Q1"}, options: [{code: a, label: {en: "A"}}, {code: b, label: {en: "B"}}, {code: c, label: {en: "C"}}]}
      - {id: q2, type: single_choice, text: {en: "Q2"}, options: [{code: a, label: {en: "A"}}, {code: b, label: {en: "B"}}, {code: c, label: {en: "C"}}, {code: d, label: {en: "D"}}]}
      - {id: q3, type: multiple_choice, text: {en: "Q3"}, options: [{code: a, label: {en: "A"}}, {code: b, label: {en: "B"}}, {code: c, label: {en: "C"}}, {code: d, label: {en: "D"}}]}
      - {id: q4, type: scale, text: {en: "Q4"}, points: [{code: 1, label: {en: "1"}}, {code: 2, label: {en: "2"}}, {code: 3, label: {en: "3"}}, {code: 4, label: {en: "4"}}, {code: 5, label: {en: "5"}}]}
      - {id: q5, type: number, min: 0, max: 1000, text: {en: "Q5"}}
report:
  breakdowns: [sex, region]
"#;

/// One measured run.
struct Measure {
    wall: f64,
    cpu: f64,
    peak_mb: f64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let tmp = tempfile::tempdir()?;
    let dir = args.keep.clone().unwrap_or_else(|| tmp.path().to_owned());
    std::fs::create_dir_all(&dir)?;
    let opros = binary()?;
    let survey = dir.join("scale.yaml");
    std::fs::write(&survey, SURVEY)?;
    let csv = dir.join("responses.csv");
    let started = std::time::Instant::now();
    generate(&csv, args.n)?;
    let size = std::fs::metadata(&csv)?.len();
    println!(
        "{} responses, import file {:.0} MB, generated in {:.1} s; {} cores",
        args.n,
        size as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("Wall and CPU in seconds, peak RSS in MB (/usr/bin/time %M). The machine is shared: compare ratios.");
    if args.db == "sqlite" || args.db == "both" {
        let db = dir.join("scale.db");
        let _ = std::fs::remove_file(&db);
        let url = format!("sqlite://{}", db.display());
        let baseline = sqlite_baseline(&dir, &csv)?;
        run_backend(
            "SQLite",
            &opros,
            &url,
            &survey,
            &csv,
            &dir,
            args.n,
            &baseline,
            "python sqlite3 insert",
        )?;
    }
    if args.db == "postgres" || args.db == "both" {
        let name = format!("opros_scale_{}", std::process::id());
        psql(&args.pg_url, &format!("CREATE DATABASE {name}"))?;
        let url = with_database(&args.pg_url, &name);
        let result = pg_baseline(&url, &csv).and_then(|baseline| {
            run_backend(
                "PostgreSQL",
                &opros,
                &url,
                &survey,
                &csv,
                &dir,
                args.n,
                &baseline,
                "COPY into a bare table",
            )
        });
        psql(&args.pg_url, &format!("DROP DATABASE IF EXISTS {name}"))?;
        result?;
    }
    Ok(())
}

/// `target/release/opros`, next to this example's directory.
fn binary() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("opros"))
        .ok_or("no target directory")?;
    if bin.exists() {
        Ok(bin)
    } else {
        Err(format!(
            "{} not found: cargo build --release --bin opros",
            bin.display()
        ))
    }
}

/// The import file: question columns, random valid answers.
fn generate(path: &Path, n: usize) -> std::io::Result<()> {
    let mut rng = StdRng::seed_from_u64(19);
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "sex,age,region,q1,q2,q3,q4,q5")?;
    let multi = ["a", "b", "c", "d"];
    for _ in 0..n {
        let picked: Vec<&str> = multi.iter().copied().filter(|_| rng.random_bool(0.4)).collect();
        writeln!(
            w,
            "{},{},r{},{},{},{},{},{}",
            if rng.random_bool(0.47) { "m" } else { "f" },
            rng.random_range(18..=99),
            rng.random_range(1..=5),
            ["a", "b", "c"][rng.random_range(0..3)],
            ["a", "b", "c", "d"][rng.random_range(0..4)],
            if picked.is_empty() {
                "a".to_owned()
            } else {
                picked.join(";")
            },
            rng.random_range(1..=5),
            f64::from(rng.random_range(0..4000)) / 4.0
        )?;
    }
    w.flush()
}

/// Runs `cmd` under `/usr/bin/time`; fails when it fails.
fn timed(cmd: &mut Command, dir: &Path) -> Result<Measure, Box<dyn std::error::Error>> {
    let report = dir.join("time.txt");
    let program = cmd.get_program().to_owned();
    let args: Vec<_> = cmd.get_args().map(ToOwned::to_owned).collect();
    let mut timed = Command::new("/usr/bin/time");
    timed
        .arg("-f")
        .arg("%e %U %S %M")
        .arg("-o")
        .arg(&report)
        .arg(program)
        .args(args);
    for (k, v) in cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))) {
        timed.env(k, v);
    }
    let out = timed.output()?;
    if !out.status.success() {
        return Err(format!(
            "{:?} failed: {}",
            cmd.get_program(),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let text = std::fs::read_to_string(&report)?;
    let v: Vec<f64> = text.split_whitespace().filter_map(|x| x.parse().ok()).collect();
    match v.as_slice() {
        [wall, user, sys, kb] => Ok(Measure {
            wall: *wall,
            cpu: user + sys,
            peak_mb: kb / 1024.0,
        }),
        _ => Err(format!("cannot read /usr/bin/time's report: {text}").into()),
    }
}

fn opros_cmd(opros: &Path, url: &str, args: &[&str]) -> Command {
    let mut c = Command::new(opros);
    c.args(args).env("DATABASE_URL", url).env("RUST_LOG", "warn");
    c
}

fn sqlite_baseline(dir: &Path, csv: &Path) -> Result<Measure, Box<dyn std::error::Error>> {
    let db = dir.join("bare.db");
    let _ = std::fs::remove_file(&db);
    let script = "import csv, sqlite3, sys\n\
c = sqlite3.connect(sys.argv[1], isolation_level=None)\n\
c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA synchronous=FULL')\n\
r = csv.reader(open(sys.argv[2], newline=''))\n\
h = next(r)\n\
c.execute('CREATE TABLE bare (%s)' % ', '.join(x + ' TEXT' for x in h))\n\
c.execute('BEGIN')\n\
c.executemany('INSERT INTO bare VALUES (%s)' % ', '.join('?' for _ in h), r)\n\
c.execute('COMMIT')\n";
    let mut cmd = Command::new("python3");
    cmd.arg("-c").arg(script).arg(&db).arg(csv);
    let m = timed(&mut cmd, dir);
    let _ = std::fs::remove_file(&db);
    m
}

fn pg_baseline(url: &str, csv: &Path) -> Result<Measure, Box<dyn std::error::Error>> {
    psql(
        url,
        "CREATE TABLE bare (sex TEXT, age TEXT, region TEXT, q1 TEXT, q2 TEXT, q3 TEXT, q4 TEXT, q5 TEXT)",
    )?;
    let dir = csv.parent().ok_or("no directory")?;
    let mut cmd = Command::new("psql");
    cmd.arg(url).arg("-v").arg("ON_ERROR_STOP=1").arg("-c").arg(format!(
        "\\copy bare FROM '{}' WITH (FORMAT csv, HEADER)",
        csv.display()
    ));
    let m = timed(&mut cmd, dir)?;
    psql(url, "DROP TABLE bare")?;
    Ok(m)
}

fn psql(url: &str, sql: &str) -> Result<(), Box<dyn std::error::Error>> {
    let out = Command::new("psql")
        .arg(url)
        .arg("-v")
        .arg("ON_ERROR_STOP=1")
        .arg("-q")
        .arg("-c")
        .arg(sql)
        .output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("psql {sql}: {}", String::from_utf8_lossy(&out.stderr)).into())
    }
}

/// `url` with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    match url.rfind('/') {
        Some(i) if i > "postgres://".len() => format!("{}/{name}", &url[..i]),
        _ => format!("{url}/{name}"),
    }
}

#[allow(clippy::too_many_arguments)]
fn run_backend(
    label: &str,
    opros: &Path,
    url: &str,
    survey: &Path,
    csv: &Path,
    dir: &Path,
    n: usize,
    baseline: &Measure,
    baseline_name: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let survey_path = survey.to_string_lossy().into_owned();
    let csv_path = csv.to_string_lossy().into_owned();
    let out = |ext: &str| dir.join(format!("export.{ext}")).to_string_lossy().into_owned();
    timed(&mut opros_cmd(opros, url, &["survey", "import", &survey_path]), dir)?;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "\n{label} (load average at the start: {})",
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
    println!("| step | wall s | CPU s | peak RSS MB | rows/s |\n| --- | --- | --- | --- | --- |");
    let row = |step: &str, m: &Measure| {
        println!(
            "| {step} | {:.1} | {:.1} | {:.0} | {:.0} |",
            m.wall,
            m.cpu,
            m.peak_mb,
            n as f64 / m.wall.max(1e-3)
        );
    };
    row(&format!("baseline: {baseline_name}"), baseline);
    let import = timed(
        &mut opros_cmd(opros, url, &["responses", "import", "scale", &csv_path]),
        dir,
    )?;
    row("responses import", &import);
    let summary_out = out("json");
    let summary = timed(
        Command::new("sh").arg("-c").arg(format!(
            "DATABASE_URL='{url}' RUST_LOG=warn '{}' report scale --json > '{summary_out}'",
            opros.display()
        )),
        dir,
    )?;
    row("report --json (summary)", &summary);
    let mut steps = vec![
        ("csv", "responses export --format csv"),
        ("sav", "responses export --format sav"),
    ];
    if n < 1_048_576 {
        steps.push(("xlsx", "responses export --format xlsx"));
    }
    for (ext, step) in steps {
        let path = out(ext);
        let m = timed(
            &mut opros_cmd(
                opros,
                url,
                &["responses", "export", "scale", "--format", ext, "--out", &path],
            ),
            dir,
        )?;
        row(step, &m);
        let _ = std::fs::remove_file(&path);
    }
    if n >= 1_048_576 {
        println!("| responses export --format xlsx | skipped: over Excel's 1,048,576 rows | | | |");
    }
    if let Err(e) = web_downloads(opros, url, dir, n) {
        println!("web downloads not measured: {e}");
    }
    let decided = add_decisions(url, n / 100)?;
    println!("\n| step | wall s | CPU s | peak RSS MB | rows/s |\n| --- | --- | --- | --- | --- |");
    for ext in ["csv", "sav"] {
        let path = out(ext);
        let m = timed(
            &mut opros_cmd(
                opros,
                url,
                &["responses", "export", "scale", "--format", ext, "--out", &path],
            ),
            dir,
        )?;
        row(
            &format!("responses export --format {ext}, {decided} review decisions (screening columns)"),
            &m,
        );
        let _ = std::fs::remove_file(&path);
    }
    println!(
        "import: {:.2}× the baseline's wall time ({:.0} against {:.0} rows/s)",
        import.wall / baseline.wall.max(1e-3),
        n as f64 / import.wall.max(1e-3),
        n as f64 / baseline.wall.max(1e-3)
    );
    Ok(())
}

/// Stores `count` decisions excluding responses (the first ids) as the quality workbench would; returns
/// how many were stored.
fn add_decisions(url: &str, count: usize) -> Result<usize, Box<dyn std::error::Error>> {
    let insert = |at: &str| {
        format!(
            "INSERT INTO response_reviews (response_id, survey_id, decision, reason, decided_by, decided_at) \
             SELECT id, survey_id, 'exclude', 'scale benchmark', 'bench', {at} FROM responses \
             WHERE state = 'complete' ORDER BY id LIMIT {count}"
        )
    };
    match url.strip_prefix("sqlite://") {
        Some(path) => {
            let script = "import sqlite3, sys\n\
c = sqlite3.connect(sys.argv[1])\n\
c.execute(sys.argv[2])\n\
c.commit()\n";
            let out = Command::new("python3")
                .arg("-c")
                .arg(script)
                .arg(path)
                .arg(insert("'2026-12-05 00:00:00'"))
                .output()?;
            if !out.status.success() {
                return Err(format!("decisions: {}", String::from_utf8_lossy(&out.stderr)).into());
            }
        }
        None => psql(url, &insert("TIMESTAMP '2026-12-05 00:00:00'"))?,
    }
    Ok(count)
}

/// Staff downloads of the microdata through `opros serve` (curl with a logged-in session): time to the
/// first byte, total time, and the server's peak RSS (`VmHWM`) before and after each download.
fn web_downloads(opros: &Path, url: &str, dir: &Path, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let password = "scale-benchmark-password-1";
    let mut add = opros_cmd(opros, url, &["user", "add", "bench", "--role", "sociologist"]);
    let mut child = add
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{password}")?;
    }
    child.wait()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = opros_cmd(opros, url, &["serve"])
        .env("OPROS_BIND", format!("127.0.0.1:{port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let result = (|| -> Result<(), Box<dyn std::error::Error>> {
        let jar = dir.join("cookies.txt");
        let mut login_page = String::new();
        for _ in 0..100 {
            let out = Command::new("curl")
                .args(["-s", "-c"])
                .arg(&jar)
                .arg(format!("{base}/login"))
                .output()?;
            login_page = String::from_utf8_lossy(&out.stdout).into_owned();
            if out.status.success() && !login_page.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        let csrf = login_page
            .split("name=\"_csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .ok_or("no CSRF token on the login page")?;
        let login = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-b"])
            .arg(&jar)
            .arg("-c")
            .arg(&jar)
            .args(["--data-urlencode", &format!("_csrf={csrf}")])
            .args(["--data-urlencode", "login=bench"])
            .args(["--data-urlencode", &format!("password={password}")])
            .args(["--data-urlencode", "next=/admin"])
            .arg(format!("{base}/login"))
            .output()?;
        let code = String::from_utf8_lossy(&login.stdout).into_owned();
        if code != "303" && code != "302" {
            return Err(format!("login answered {code}").into());
        }
        println!("\nweb downloads (staff session, `opros serve`)\n| download | first byte s | total s | MB | rows/s | server peak RSS MB before → after |\n| --- | --- | --- | --- | --- | --- |");
        for (name, path) in [
            ("microdata CSV", "/results/scale/export.csv?data=microdata"),
            ("microdata SAV", "/results/scale/export.sav"),
        ] {
            let before = peak_rss_mb(server.id())?;
            let out = Command::new("curl")
                .args([
                    "-s",
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code} %{time_starttransfer} %{time_total} %{size_download}",
                    "-b",
                ])
                .arg(&jar)
                .arg(format!("{base}{path}"))
                .output()?;
            let after = peak_rss_mb(server.id())?;
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let v: Vec<&str> = text.split_whitespace().collect();
            match v.as_slice() {
                ["200", first, total, size] => {
                    let total: f64 = total.parse()?;
                    println!(
                        "| {name} | {first} | {total:.1} | {:.0} | {:.0} | {before:.0} → {after:.0} |",
                        size.parse::<f64>()? / 1e6,
                        n as f64 / total.max(1e-3)
                    );
                }
                _ => return Err(format!("{path}: {text}").into()),
            }
        }
        Ok(())
    })();
    let _ = server.kill();
    let _ = server.wait();
    result
}

/// A process's peak resident set so far, in MB (`VmHWM` in `/proc/PID/status`).
fn peak_rss_mb(pid: u32) -> Result<f64, Box<dyn std::error::Error>> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .ok_or("no VmHWM")?;
    Ok(kb / 1024.0)
}
