//! Test support: a fresh database per test (a SQLite temp file, or a fresh schema on the PostgreSQL server of
//! `OPROS_TEST_POSTGRES_URL`) and the real server on a random port.

pub mod process;

use std::net::TcpListener;
use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use opros::config::{Config, DatabaseUrl};

/// The failure file of a module's property tests, `tests/proptest-regressions/<module>.txt`: proptest appends
/// every failing case to it and replays its seeds before new cases on every run. Named explicitly because
/// proptest's default (a folder beside the nearest directory with a `main.rs`) follows the test layout.
macro_rules! proptest_regressions {
    ($module:literal) => {
        Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/proptest-regressions/",
                $module,
                ".txt"
            ),
        )))
    };
}
pub(crate) use proptest_regressions;

/// Two tests from one body `fn NAME(backend: Backend)`, in a module of the same name: `NAME::sqlite`, and
/// `NAME::postgres`, which is ignored unless asked for (`cargo test -- --include-ignored`, as CI runs the
/// tests) and then fails when `OPROS_TEST_POSTGRES_URL` is not set, so that it never passes without running.
macro_rules! backend_tests {
    ($name:ident) => {
        mod $name {
            #[test]
            fn sqlite() {
                super::$name($crate::common::Backend::Sqlite)
            }

            #[test]
            #[ignore = "needs PostgreSQL: OPROS_TEST_POSTGRES_URL and --include-ignored (README, Tests)"]
            fn postgres() {
                super::$name($crate::common::Backend::postgres())
            }
        }
    };
}
pub(crate) use backend_tests;

/// The PostgreSQL server of the tests, `OPROS_TEST_POSTGRES_URL`. Panics (fails the test) when it is not set:
/// a PostgreSQL test that cannot run must not pass.
pub fn postgres_url() -> String {
    match std::env::var("OPROS_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "OPROS_TEST_POSTGRES_URL is not set, and this test needs PostgreSQL: set it, e.g. \
             OPROS_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test (README, Tests)"
        ),
    }
}

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

/// A fresh, empty database that disappears with the value.
pub struct TestDb {
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl Backend {
    /// PostgreSQL at `OPROS_TEST_POSTGRES_URL`; see [`postgres_url`].
    pub fn postgres() -> Backend {
        Backend::Postgres(postgres_url())
    }
}

impl TestDb {
    pub fn new(backend: &Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path: PathBuf = dir.path().join("opros-test.db");
                TestDb {
                    url: DatabaseUrl::Sqlite(path),
                    _dir: Some(dir),
                    pg: None,
                }
            }
            Backend::Postgres(base) => {
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                let mut c = diesel::PgConnection::establish(base).expect("connect to OPROS_TEST_POSTGRES_URL");
                c.batch_execute(&format!("CREATE SCHEMA {schema}"))
                    .expect("create schema");
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
                TestDb {
                    url: DatabaseUrl::Postgres(url),
                    _dir: None,
                    pg: Some((base.clone(), schema)),
                }
            }
        }
    }

    /// `DATABASE_URL` value for child processes.
    pub fn env_value(&self) -> String {
        match &self.url {
            DatabaseUrl::Sqlite(p) => p.display().to_string(),
            DatabaseUrl::Postgres(u) => u.clone(),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg {
            if let Ok(mut c) = diesel::PgConnection::establish(base) {
                let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }
        }
    }
}

/// Runs the `opros` binary on `db`: whether it succeeded, its standard output and its standard error.
pub fn run_opros(db: &TestDb, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_opros"))
        .env("DATABASE_URL", db.env_value())
        .env("OPROS_LOG", "warn")
        .args(args)
        .output()
        .expect("run opros");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A config for tests: the given database, bot checks and rate limits off.
pub fn test_config(db: &TestDb) -> Config {
    Config {
        database: db.url.clone(),
        bind: "127.0.0.1:0".into(),
        min_page_seconds: 0.0,
        rate_limit_per_minute: 0,
        max_body_bytes: 64 * 1024,
        surveys_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("surveys"),
        secure_cookies: false,
        secret: Some("test-secret-test-secret-test-secret-0123".into()),
        workers: 2,
        summary_stale_seconds: None,
    }
}

/// The real server running in a background thread on a random port.
pub struct TestServer {
    pub base: String,
    handle: actix_web::dev::ServerHandle,
}

impl TestServer {
    pub fn start(config: Config) -> TestServer {
        TestServer::start_state(opros::web::prepare_state(config).expect("prepare state"))
    }

    /// The server on a state the test prepared (and may keep parts of, such as the summary cache).
    pub fn start_state(state: opros::web::AppState) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = opros::web::build_server(state, listener).expect("server");
                let _ = tx.send(server.handle());
                let _ = server.await;
            })
        });
        let handle = rx.recv().expect("server handle");
        TestServer {
            base: format!("http://{addr}"),
            handle,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let h = self.handle.clone();
        std::thread::spawn(move || actix_web::rt::System::new().block_on(h.stop(false)));
    }
}

/// An HTTP client that keeps cookies and does not follow redirects.
pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}
