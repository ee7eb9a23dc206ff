//! The one place where errors become HTTP responses: a status, and a page a person can act on
//! (or JSON for `/api/`). Internal details go to the log, never to the page.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

use crate::catalog::CatalogError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    TooManyRequests(String),
    /// The database is briefly gone (locked, restarting). Reloading the 503 page of a form makes the browser
    /// send the same body again, which is accepted once the database is back (the CSRF token and the signed
    /// page time do not expire), so the page says so.
    #[error(
        "the service is temporarily unavailable; please try again in a minute \
         (reloading this page sends what you entered again)"
    )]
    Unavailable(String),
    #[error("something went wrong on our side; please try again")]
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UnknownSurvey(_) | StoreError::UnknownVersion { .. } => WebError::NotFound(e.to_string()),
            StoreError::BadTransition { .. } => WebError::Conflict(e.to_string()),
            StoreError::Unavailable(_) | StoreError::Connect(_) => WebError::Unavailable(e.to_string()),
            StoreError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ClosedConnection
                | diesel::result::DatabaseErrorKind::UnableToSendCommand
                | diesel::result::DatabaseErrorKind::SerializationFailure,
                _,
            )) => WebError::Unavailable(e.to_string()),
            // SQLite held by another process longer than the busy timeout, or a lost PostgreSQL connection:
            // temporary; the resident can send the page again.
            StoreError::Query(diesel::result::Error::DatabaseError(_, ref info)) if is_transient(info.message()) => {
                WebError::Unavailable(e.to_string())
            }
            other => WebError::Internal(other.to_string()),
        }
    }
}

/// Database errors that go away by themselves (locks, restarts), by their message.
fn is_transient(message: &str) -> bool {
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

impl From<CatalogError> for WebError {
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::Store(s) => s.into(),
            CatalogError::Invalid(errs) => WebError::BadRequest(errs.to_string()),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<actix_web::error::BlockingError> for WebError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        WebError::Unavailable(e.to_string())
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            WebError::Unavailable(detail) => tracing::warn!(%detail, "service unavailable"),
            WebError::Internal(detail) => tracing::error!(%detail, "internal error"),
            _ => {}
        }
        let status = self.status_code();
        let message = self.to_string();
        let mut resp = HttpResponse::build(status);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.insert_header((header::RETRY_AFTER, "5"));
        }
        resp.content_type("text/html; charset=utf-8")
            .body(super::pages::error_page(status, &message))
    }
}

/// JSON error bodies for the API: `{"error": "...", "status": 404}`.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        if let WebError::Internal(detail) | WebError::Unavailable(detail) = &self.0 {
            tracing::error!(%detail, "api error");
        }
        HttpResponse::build(self.status_code())
            .json(serde_json::json!({ "error": self.0.to_string(), "status": self.status_code().as_u16() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error as DieselError};

    fn db_error(kind: DatabaseErrorKind, message: &str) -> WebError {
        StoreError::Query(DieselError::DatabaseError(kind, Box::new(message.to_owned()))).into()
    }

    #[test]
    fn lost_or_locked_databases_are_503_and_other_errors_500() {
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
            let e = db_error(kind, message);
            assert_eq!(e.status_code(), StatusCode::SERVICE_UNAVAILABLE, "{message}");
            assert!(e.to_string().contains("try again"), "{e}");
        }
        let e = db_error(DatabaseErrorKind::Unknown, "syntax error at or near \"SELEC\"");
        assert_eq!(e.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        let e: WebError = StoreError::Unavailable("timed out waiting for connection".into()).into();
        assert_eq!(e.status_code(), StatusCode::SERVICE_UNAVAILABLE);
    }
}
