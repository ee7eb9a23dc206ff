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
    #[error("the service is temporarily unavailable; please try again in a minute")]
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
