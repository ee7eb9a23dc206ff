//! One connection type over SQLite and PostgreSQL, its pool and embedded migrations.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel::r2d2::{Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::DatabaseUrl;
use crate::store::StoreError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend; diesel generates the dispatching `Connection` impl.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Runs the same generic diesel expression on the concrete connection, for what the derived
/// multi-backend lacks (multi-row INSERT, ON CONFLICT).
#[macro_export]
macro_rules! dispatch {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::store::AnyConnection::Postgresql($c) => $body,
            $crate::store::AnyConnection::Sqlite($c) => $body,
        }
    };
}

/// SQLite settings: WAL so readers never block the writer; `synchronous=FULL` so that an acknowledged
/// commit survives power loss, not only a process crash; a busy timeout so a briefly locked database
/// waits instead of failing. (A 64 MB page cache was tried for the writer: within the noise of the load
/// example, and it made the summary of a million responses slower and 170 MB larger.)
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;";

impl AnyConnection {
    /// Connects by URL scheme. The derived `establish` would hide the real error of a bad URL.
    pub fn connect(url: &DatabaseUrl) -> ConnectionResult<Self> {
        match url {
            DatabaseUrl::Postgres(u) => Ok(Self::Postgresql(diesel::PgConnection::establish(u)?)),
            DatabaseUrl::Sqlite(path) => {
                let mut c = diesel::SqliteConnection::establish(&path.to_string_lossy())?;
                c.batch_execute(SQLITE_PRAGMAS)
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(Self::Sqlite(c))
            }
        }
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, Self::Sqlite(_))
    }

    /// Applies pending embedded migrations; returns how many ran.
    pub fn apply_migrations(&mut self) -> Result<usize, StoreError> {
        let set = match self {
            Self::Postgresql(_) => PG_MIGRATIONS,
            Self::Sqlite(_) => SQLITE_MIGRATIONS,
        };
        let ran = self
            .run_pending_migrations(set)
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(ran.len())
    }

    /// Number of migrations embedded for this backend (used by tests and `healthz`).
    pub fn embedded_migration_count(&self) -> usize {
        let set = match self {
            Self::Postgresql(_) => PG_MIGRATIONS,
            Self::Sqlite(_) => SQLITE_MIGRATIONS,
        };
        <EmbeddedMigrations as MigrationSource<diesel::pg::Pg>>::migrations(&set)
            .map(|m| m.len())
            .unwrap_or(0)
    }

    /// A write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, taking the write lock up front, so
    /// two writers never deadlock upgrading read locks; PostgreSQL uses a normal transaction.
    pub fn write_transaction<T, E>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        match self {
            Self::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
            Self::Postgresql(_) => <Self as Connection>::TransactionManager::begin_transaction(self)?,
        }
        match f(self) {
            Ok(v) => {
                <Self as Connection>::TransactionManager::commit_transaction(self)?;
                Ok(v)
            }
            Err(e) => {
                // The original error matters more than a failed rollback.
                let _ = <Self as Connection>::TransactionManager::rollback_transaction(self);
                Err(e)
            }
        }
    }
}

/// r2d2 manager that connects through [`AnyConnection::connect`], so the SQLite PRAGMAs apply.
pub struct AnyManager(pub DatabaseUrl);

impl r2d2::ManageConnection for AnyManager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        AnyConnection::connect(&self.0).map_err(diesel::r2d2::Error::ConnectionError)
    }

    /// Runs on every checkout (r2d2's `test_on_check_out`): a connection that died while idle in the pool
    /// (PostgreSQL restarted) is dropped there and a new one opened, so the server recovers by itself.
    ///
    /// On PostgreSQL this reads what the server has sent without a round trip (libpq's non-blocking
    /// `PQconsumeInput`, through diesel's notification reader; we LISTEN to nothing): a server that shut
    /// down or ended the session has sent its last message and closed the socket, which fails the read. A
    /// `SELECT 1` per checkout cost a round trip and PostgreSQL CPU on every request (profiled under the load example).
    fn is_valid(&self, c: &mut AnyConnection) -> Result<(), Self::Error> {
        match c {
            AnyConnection::Postgresql(pg) => match pg.notifications_iter().next() {
                Some(Err(e)) => Err(diesel::r2d2::Error::QueryError(e)),
                _ => Ok(()),
            },
            AnyConnection::Sqlite(_) => c.batch_execute("SELECT 1").map_err(diesel::r2d2::Error::QueryError),
        }
    }

    /// A connection whose transaction could be neither committed nor rolled back (the server went away in
    /// the middle) is closed instead of going back to the pool, where the checkout test would not notice an open
    /// transaction and the next user's writes would silently stay uncommitted inside it.
    fn has_broken(&self, c: &mut AnyConnection) -> bool {
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(c)
    }
}

pub type DbPool = Pool<AnyManager>;
pub type DbConn = PooledConnection<AnyManager>;

#[cfg(test)]
mod tests {
    use super::*;
    use r2d2::ManageConnection;

    #[test]
    fn a_connection_left_inside_a_transaction_is_not_reused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let manager = AnyManager(DatabaseUrl::Sqlite(dir.path().join("c.db")));
        let mut c = manager.connect().expect("connect");
        assert!(!manager.has_broken(&mut c));
        <AnyConnection as Connection>::TransactionManager::begin_transaction(&mut c).expect("begin");
        // The checkout test passes inside the open transaction: only `has_broken` catches it.
        assert!(manager.is_valid(&mut c).is_ok());
        assert!(manager.has_broken(&mut c));
        <AnyConnection as Connection>::TransactionManager::commit_transaction(&mut c).expect("commit");
        assert!(!manager.has_broken(&mut c));
    }

    /// The checkout test on PostgreSQL makes no round trip, yet notices a session the server ended (as on a
    /// restart). Runs when OPROS_TEST_POSTGRES_URL is set, as every PostgreSQL test.
    #[test]
    fn a_postgres_connection_the_server_ended_fails_the_checkout_test() {
        use diesel::sql_types::Integer;
        let Ok(base) = std::env::var("OPROS_TEST_POSTGRES_URL") else {
            return;
        };
        let manager = AnyManager(DatabaseUrl::Postgres(base));
        let mut c = manager.connect().expect("connect");
        assert!(manager.is_valid(&mut c).is_ok());
        let AnyConnection::Postgresql(pg) = &mut c else {
            panic!("a PostgreSQL URL gave another connection")
        };
        let pid: i32 = diesel::select(diesel::dsl::sql::<Integer>("pg_backend_pid()"))
            .get_result(pg)
            .expect("backend pid");
        assert!(manager.is_valid(&mut c).is_ok(), "a live session passes again");
        let mut other = manager.connect().expect("second connection");
        other
            .batch_execute(&format!("SELECT pg_terminate_backend({pid})"))
            .expect("terminate");
        // The server's farewell and the close arrive asynchronously: wait for them, at most 5 s.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while manager.is_valid(&mut c).is_ok() {
            assert!(
                std::time::Instant::now() < deadline,
                "the ended session still passes the checkout test"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(manager.is_valid(&mut other).is_ok(), "the other session is unaffected");
    }
}
