//! The one place where errors become HTTP responses: a status, and a page a person can act on
//! (or JSON for `/api/`). Internal details go to the log, never to the page.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

use crate::auth::AuthError;
use crate::catalog::workbench::WorkbenchError;
use crate::catalog::CatalogError;
use crate::export::ExportError;
use crate::indicator::waves::IndicatorError;
use crate::report::{ReportError, ReportLoadError};
use crate::store::{StoreError, StoreErrorKind};

use super::error_text::{self, Localized};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    /// A form's values are well-formed but not acceptable (a weak password, an unknown role, …).
    #[error("{0}")]
    Unprocessable(String),
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
    /// An error from a deeper layer whose message has a catalog text, shown in the reader's language (its
    /// status is its own); displayed as the layer's English message.
    #[error("{}", .0.english)]
    Localized(Box<Localized>),
}

impl From<Localized> for WebError {
    fn from(l: Localized) -> Self {
        WebError::Localized(Box::new(l))
    }
}

/// Every layer's errors become a [`WebError`] here and nowhere else, one status per kind; the matches
/// list every variant, so a new error variant does not compile until it is given its status.
impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        if let Some(l) = error_text::store(&e) {
            return l.into();
        }
        match e.kind() {
            StoreErrorKind::NotFound => WebError::NotFound(e.to_string()),
            StoreErrorKind::Conflict => WebError::Conflict(e.to_string()),
            // SQLite held by another process longer than the busy timeout, or a lost PostgreSQL connection:
            // temporary; the resident can send the page again.
            StoreErrorKind::Transient => WebError::Unavailable(e.to_string()),
            StoreErrorKind::Internal => WebError::Internal(e.to_string()),
        }
    }
}

impl From<CatalogError> for WebError {
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::Store(s) => s.into(),
            CatalogError::Invalid(errs) => WebError::BadRequest(errs.to_string()),
            CatalogError::XlsForm(_) => WebError::BadRequest(e.to_string()),
            CatalogError::Read { .. } | CatalogError::Corrupt { .. } => WebError::Internal(e.to_string()),
        }
    }
}

impl From<AuthError> for WebError {
    fn from(e: AuthError) -> Self {
        if let Some(l) = error_text::auth(&e) {
            return l.into();
        }
        match e {
            AuthError::Store(s) => s.into(),
            AuthError::Hash(h) => WebError::Internal(h),
            AuthError::UnknownUser(_) => WebError::NotFound(e.to_string()),
            AuthError::LoginTaken(_) | AuthError::LastAdmin => WebError::Conflict(e.to_string()),
            AuthError::BadRole(_) | AuthError::BadLogin(_) | AuthError::WeakPassword | AuthError::LongPassword => {
                WebError::Unprocessable(e.to_string())
            }
        }
    }
}

impl From<WorkbenchError> for WebError {
    fn from(e: WorkbenchError) -> Self {
        match e {
            WorkbenchError::Catalog(c) => c.into(),
            WorkbenchError::Auth(a) => a.into(),
            WorkbenchError::Refused(r) => error_text::refusal(&r, StatusCode::CONFLICT).into(),
            WorkbenchError::UnknownUpload => error_text::unknown_upload(e.to_string()).into(),
        }
    }
}

impl From<ReportLoadError> for WebError {
    fn from(e: ReportLoadError) -> Self {
        match e {
            ReportLoadError::Catalog(c) => c.into(),
            ReportLoadError::Store(s) => s.into(),
            ReportLoadError::BadAnswers { .. } | ReportLoadError::TooMany(_) => WebError::Internal(e.to_string()),
        }
    }
}

impl From<IndicatorError> for WebError {
    fn from(e: IndicatorError) -> Self {
        match e {
            IndicatorError::Store(s) => s.into(),
            IndicatorError::Load(l) => l.into(),
            IndicatorError::Files(_) | IndicatorError::Read { .. } | IndicatorError::District { .. } => {
                WebError::Internal(e.to_string())
            }
        }
    }
}

impl From<ReportError> for WebError {
    fn from(e: ReportError) -> Self {
        if let Some(l) = error_text::report(&e) {
            return l.into();
        }
        match e {
            ReportError::UnknownBreakdown(..)
            | ReportError::BadFilter(_)
            | ReportError::UnknownFilterVariable { .. }
            | ReportError::UnknownCode { .. }
            | ReportError::By2WithoutBy(_) => WebError::BadRequest(e.to_string()),
            ReportError::Stats(_) => WebError::Internal(e.to_string()),
        }
    }
}

impl From<ExportError> for WebError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Catalog(c) => c.into(),
            ExportError::Store(s) => s.into(),
            ExportError::BadAnswers { .. }
            | ExportError::Io(_)
            | ExportError::Csv(_)
            | ExportError::Xlsx(_)
            | ExportError::Sav(_)
            | ExportError::Summary(_) => WebError::Internal(e.to_string()),
            ExportError::Changed(ref slug) => error_text::export_changed(e.to_string(), slug).into(),
        }
    }
}

impl From<crate::export::UnknownDialect> for WebError {
    fn from(e: crate::export::UnknownDialect) -> Self {
        error_text::unknown_dialect(e.to_string(), &e.0).into()
    }
}

impl From<actix_web::error::BlockingError> for WebError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        WebError::Unavailable(e.to_string())
    }
}

impl WebError {
    /// The fault is on the server's side (logged; the page says to try again), not in the request.
    pub fn is_server_fault(&self) -> bool {
        match self {
            WebError::Unavailable(_) | WebError::Internal(_) => true,
            WebError::NotFound(_)
            | WebError::BadRequest(_)
            | WebError::Unprocessable(_)
            | WebError::Forbidden(_)
            | WebError::Conflict(_)
            | WebError::TooLarge(_)
            | WebError::TooManyRequests(_)
            | WebError::Localized(_) => false,
        }
    }

    /// The message for a person reading `lang`: a deeper layer's message in that language when it has a
    /// catalog text, else the message as it was worded.
    pub fn message_in(&self, lang: &str) -> String {
        match self {
            WebError::Localized(l) => l.text(lang),
            other => other.to_string(),
        }
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            WebError::Localized(l) => l.status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            WebError::Unavailable(detail) => tracing::warn!(%detail, "service unavailable"),
            WebError::Internal(detail) => tracing::error!(%detail, "internal error"),
            WebError::NotFound(_)
            | WebError::BadRequest(_)
            | WebError::Unprocessable(_)
            | WebError::Forbidden(_)
            | WebError::Conflict(_)
            | WebError::TooLarge(_)
            | WebError::TooManyRequests(_)
            | WebError::Localized(_) => {}
        }
        let status = self.status_code();
        let message = self.message_in("ru");
        let mut resp = HttpResponse::build(status);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.insert_header((header::RETRY_AFTER, "5"));
        }
        // Written in Russian, the site's default, here; `lang::keep_language` writes it again in the
        // language of the person who asked.
        let mut resp = resp
            .content_type("text/html; charset=utf-8")
            .body(super::pages::error_page(status, &message, "ru", "/"));
        let localized = if let WebError::Localized(l) = self {
            Some((**l).clone())
        } else {
            None
        };
        resp.extensions_mut().insert(super::lang::ErrorPage(message, localized));
        resp
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

    #[test]
    fn every_store_error_kind_has_its_status() {
        for (e, status) in [
            (StoreError::UnknownSurvey("x".into()), StatusCode::NOT_FOUND),
            (
                StoreError::BadTransition {
                    slug: "x".into(),
                    from: "closed".into(),
                    to: "draft".into(),
                },
                StatusCode::CONFLICT,
            ),
            (
                StoreError::Unavailable("timed out waiting for connection".into()),
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            (StoreError::Corrupt("bad row".into()), StatusCode::INTERNAL_SERVER_ERROR),
        ] {
            let e = WebError::from(e);
            assert_eq!(e.status_code(), status, "{e}");
        }
        let e = WebError::from(StoreError::Unavailable("locked".into()));
        assert!(e.to_string().contains("try again"), "{e}");
        assert!(e.is_server_fault());
    }

    #[test]
    fn staff_input_problems_are_422_and_clashes_409() {
        assert_eq!(
            WebError::from(AuthError::WeakPassword).status_code(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(WebError::from(AuthError::LastAdmin).status_code(), StatusCode::CONFLICT);
        assert_eq!(
            WebError::from(WorkbenchError::Refused(
                crate::catalog::workbench::Refusal::PopulationFileName("x".into())
            ))
            .status_code(),
            StatusCode::CONFLICT
        );
        assert_eq!(
            WebError::from(AuthError::UnknownUser("nobody".into())).status_code(),
            StatusCode::NOT_FOUND
        );
    }
}
