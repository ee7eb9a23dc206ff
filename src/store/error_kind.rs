//! What kind of failure a [`StoreError`] is, so that callers (the HTTP layer) can answer without knowing
//! the database library: a missing thing, a refused change, a database that is briefly gone, or a fault.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::StoreError;

/// The kinds of [`StoreError`] a caller answers differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    /// No such survey or version.
    NotFound,
    /// The change is not allowed in the current state (a lifecycle transition).
    Conflict,
    /// The database is briefly unavailable (locked, restarting, connection lost): trying again later works.
    Transient,
    /// Anything else: a fault to log.
    Internal,
}

impl StoreError {
    /// The kind of this error.
    pub fn kind(&self) -> StoreErrorKind {
        match self {
            StoreError::UnknownSurvey(_) | StoreError::UnknownVersion { .. } => StoreErrorKind::NotFound,
            StoreError::BadTransition { .. } => StoreErrorKind::Conflict,
            StoreError::Unavailable(_) | StoreError::Connect(_) => StoreErrorKind::Transient,
            StoreError::Query(e) if is_transient_query(e) => StoreErrorKind::Transient,
            StoreError::Query(_) | StoreError::Migration(_) | StoreError::Corrupt(_) => StoreErrorKind::Internal,
        }
    }

    /// The database is briefly unavailable: the same request is likely to succeed in a moment.
    pub fn is_transient(&self) -> bool {
        self.kind() == StoreErrorKind::Transient
    }
}

/// A lost connection or a serialization failure, by kind; SQLite held by another process longer than the
/// busy timeout, or a PostgreSQL restart, by the message (the drivers report them as unknown kinds).
fn is_transient_query(e: &DieselError) -> bool {
    match e {
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection
            | DatabaseErrorKind::UnableToSendCommand
            | DatabaseErrorKind::SerializationFailure,
            _,
        ) => true,
        DieselError::DatabaseError(_, info) => is_transient_message(info.message()),
        _ => false,
    }
}

/// Database errors that go away by themselves (locks, restarts), by their message.
fn is_transient_message(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "database is locked",
        "database is busy",
        "terminating connection",
        "server closed the connection",
        "connection refused",
        "the database system is",
        // libpq on a connection that died under it (PostgreSQL restarted, network reset).
        "no connection to the server",
        "could not receive data from server",
        "could not send data to server",
        "connection reset",
    ]
    .iter()
    .any(|p| m.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db_error(kind: DatabaseErrorKind, message: &str) -> StoreError {
        StoreError::Query(DieselError::DatabaseError(kind, Box::new(message.to_owned())))
    }

    #[test]
    fn lost_or_locked_databases_are_transient_and_other_errors_internal() {
        for (kind, message) in [
            (
                DatabaseErrorKind::ClosedConnection,
                "server closed the connection unexpectedly",
            ),
            (DatabaseErrorKind::UnableToSendCommand, "no connection to the server"),
            (
                DatabaseErrorKind::Unknown,
                "terminating connection due to administrator command",
            ),
            (
                DatabaseErrorKind::Unknown,
                "could not receive data from server: Connection reset by peer",
            ),
            (
                DatabaseErrorKind::Unknown,
                "FATAL: the database system is shutting down",
            ),
            (DatabaseErrorKind::Unknown, "database is locked"),
        ] {
            assert_eq!(db_error(kind, message).kind(), StoreErrorKind::Transient, "{message}");
        }
        let e = db_error(DatabaseErrorKind::Unknown, "syntax error at or near \"SELEC\"");
        assert_eq!(e.kind(), StoreErrorKind::Internal);
        assert!(StoreError::Unavailable("timed out waiting for connection".into()).is_transient());
        assert_eq!(StoreError::UnknownSurvey("x".into()).kind(), StoreErrorKind::NotFound);
    }
}
