//! The `opros` binary as a user runs it: verbs, exit codes, and `serve` on a port.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common;
use crate::common::{backend_tests, Backend, TestDb};

fn opros(db: &TestDb) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_opros"));
    c.env("DATABASE_URL", db.env_value()).env("OPROS_LOG", "warn");
    c
}

fn run(db: &TestDb, args: &[&str]) -> (bool, String, String) {
    let out = opros(db).args(args).output().expect("run opros");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn example(name: &str) -> String {
    format!("{}/surveys/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn survey_verbs(backend: Backend) {
    let db = TestDb::new(&backend);
    let transport = example("transport.yaml");
    let (ok, out, err) = run(&db, &["survey", "import", &transport]);
    assert!(ok, "{err}");
    assert!(out.contains("new survey, version 1"), "{out}");

    let (ok, out, _) = run(&db, &["survey", "import", &transport]);
    assert!(ok && out.contains("new version, version 2"), "{out}");

    let (ok, out, _) = run(&db, &["survey", "list"]);
    assert!(ok);
    let line = out
        .lines()
        .find(|l| l.contains("draft"))
        .expect("a draft survey listed");
    let slug = line.split_whitespace().next().unwrap().to_owned();
    assert!(line.contains(" 2 "), "{line}");

    let (ok, out, _) = run(&db, &["survey", "show", &slug, "--version", "1"]);
    assert!(ok && out.contains("version 1") && out.contains("pages:"), "{out}");

    assert!(run(&db, &["survey", "publish", &slug]).0);
    assert!(run(&db, &["survey", "list"]).1.contains("open"));
    assert!(run(&db, &["survey", "close", &slug]).0);
    let (ok, _, err) = run(&db, &["survey", "show", "no-such-slug"]);
    assert!(!ok);
    assert!(err.contains("no survey with slug 'no-such-slug'"), "{err}");

    // Every change made from the command line is in the audit log, by actor `cli`.
    let store = opros::store::Store::open(&db.url).unwrap();
    let filter = opros::store::audit::AuditFilter {
        survey_slug: Some(slug.clone()),
        limit: 100,
        ..Default::default()
    };
    let entries = opros::store::audit::list(&store, &filter).unwrap();
    let mut actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    actions.sort_unstable();
    assert_eq!(
        actions,
        ["survey.close", "survey.create", "survey.new_version", "survey.open"]
    );
    assert!(entries.iter().all(|e| e.actor == "cli"));
}
backend_tests!(survey_verbs);

#[test]
fn invalid_definition_exits_non_zero_with_every_problem() {
    let db = TestDb::new(&common::Backend::Sqlite);
    let bad = format!(
        "{}/tests/fixtures/definitions/several_problems.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let (ok, out, err) = run(&db, &["survey", "import", &bad]);
    assert!(!ok, "{out}");
    assert!(err.lines().count() >= 3, "several problems listed: {err}");
    assert!(err.contains("several_problems.yaml:"), "file and line given: {err}");
    let (_, list, _) = run(&db, &["survey", "list"]);
    assert_eq!(list.lines().count(), 1, "nothing stored: {list}");

    let (ok, _, err) = run(&db, &["survey", "import", "/nonexistent/file.yaml"]);
    assert!(!ok);
    assert!(err.contains("cannot read /nonexistent/file.yaml"), "{err}");
}

#[test]
fn bad_database_url_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_opros"))
        .args(["survey", "list"])
        .env("DATABASE_URL", "mysql://nowhere/db")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("DATABASE_URL is invalid"), "{err}");
}

/// `opros serve` binds `OPROS_BIND`, seeds a new database and answers HTTP.
fn serve_binds_opros_bind_and_answers(backend: Backend) {
    let db = TestDb::new(&backend);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = opros(&db)
        .arg("serve")
        .env("OPROS_BIND", format!("127.0.0.1:{port}"))
        .env("OPROS_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || for _ in BufReader::new(stderr).lines() {});
    let http = common::client();
    let deadline = Instant::now() + Duration::from_secs(30);
    let health = loop {
        match http.get(format!("http://127.0.0.1:{port}/healthz")).send() {
            Ok(r) => break r,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => panic!("server did not come up: {e}"),
        }
    };
    assert_eq!(health.status(), 200);
    let index = http
        .get(format!("http://127.0.0.1:{port}/"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(index.matches("href=\"/s/").count() >= 3, "{index}");
    let _ = child.kill();
    let _ = child.wait();
}
backend_tests!(serve_binds_opros_bind_and_answers);

/// XLSForms import like YAML: strictly by default, leniently on request; `convert` prints YAML.
#[test]
fn xlsform_import_and_convert() {
    let db = TestDb::new(&common::Backend::Sqlite);
    let fixture = |n: &str| format!("{}/tests/fixtures/xlsform/{n}", env!("CARGO_MANIFEST_DIR"));
    let (ok, out, err) = run(&db, &["survey", "import", &fixture("types.xlsx")]);
    assert!(ok, "{err}");
    assert!(out.contains("new survey, version 1"), "{out}");

    let (ok, _, err) = run(&db, &["survey", "import", &fixture("unsupported.xlsx")]);
    assert!(!ok);
    assert!(err.contains("sheet survey, row"), "{err}");
    assert_eq!(
        run(&db, &["survey", "list"]).1.lines().count(),
        2,
        "strict failure stores nothing"
    );

    let (ok, _, err) = run(&db, &["survey", "import", "--lenient", &fixture("unsupported.xlsx")]);
    assert!(ok, "{err}");
    assert!(err.contains("left out:"), "{err}");

    let (ok, yaml, err) = run(&db, &["survey", "convert", &fixture("types.xlsx")]);
    assert!(ok, "{err}");
    opros::definition::parse_definition(&yaml, "converted.yaml").expect("converted YAML is a valid definition");
}
