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
    fn is_valid(&self, c: &mut AnyConnection) -> Result<(), Self::Error> {
        c.batch_execute("SELECT 1").map_err(diesel::r2d2::Error::QueryError)
    }

    /// A connection whose transaction could be neither committed nor rolled back (the server went away in
    /// the middle) is closed instead of going back to the pool, where `SELECT 1` would not notice an open
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
        // `SELECT 1` (the checkout test) passes inside the open transaction: only `has_broken` catches it.
        assert!(manager.is_valid(&mut c).is_ok());
        assert!(manager.has_broken(&mut c));
        <AnyConnection as Connection>::TransactionManager::commit_transaction(&mut c).expect("commit");
        assert!(!manager.has_broken(&mut c));
    }
}
