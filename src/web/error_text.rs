//! Messages of errors from deeper layers (reports, the store, accounts, the workbench, exports) that a
//! person reads: each has a catalog text (`error-detail-*`, Russian and English), so the error page or the
//! form that shows it speaks the reader's language, while logs and the JSON API keep the layer's own
//! English message.

use actix_web::http::StatusCode;

use chrono::NaiveDate;

use crate::auth::{password, AuthError};
use crate::catalog::workbench::Refusal;
use crate::report::ReportError;
use crate::store::StoreError;

/// An error message with its catalog text: the message id, its arguments, and the layer's English message.
#[derive(Debug, Clone)]
pub struct Localized {
    pub status: StatusCode,
    pub id: &'static str,
    pub args: Vec<(&'static str, String)>,
    /// Date arguments, written as the reader's language writes dates.
    pub dates: Vec<(&'static str, NaiveDate)>,
    pub english: String,
}

impl Localized {
    fn new(status: StatusCode, id: &'static str, english: String) -> Self {
        Localized {
            status,
            id,
            args: Vec::new(),
            dates: Vec::new(),
            english,
        }
    }

    fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    fn date(mut self, name: &'static str, value: NaiveDate) -> Self {
        self.dates.push((name, value));
        self
    }

    /// The message in `lang`.
    pub fn text(&self, lang: &str) -> String {
        let args = self
            .args
            .iter()
            .fold(crate::i18n::Args::new(), |a, (name, value)| a.str(name, value.clone()));
        let args = self.dates.iter().fold(args, |a, (name, value)| {
            a.str(name, crate::i18n::numbers::date(lang, *value))
        });
        crate::i18n::text_with(lang, self.id, &args)
    }
}

/// Report requests a reader can mistype (a breakdown, a filter): 400.
pub fn report(e: &ReportError) -> Option<Localized> {
    let bad = |id| Localized::new(StatusCode::BAD_REQUEST, id, e.to_string());
    Some(match e {
        ReportError::UnknownBreakdown(var, valid) => bad("error-detail-unknown-breakdown")
            .arg("variable", var)
            .arg("valid", valid),
        ReportError::BadFilter(filter) => bad("error-detail-bad-filter").arg("filter", filter),
        ReportError::UnknownFilterVariable { variable, valid } => bad("error-detail-unknown-filter-variable")
            .arg("variable", variable)
            .arg("valid", valid),
        ReportError::UnknownCode { code, variable, valid } => bad("error-detail-unknown-code")
            .arg("code", code)
            .arg("variable", variable)
            .arg("valid", valid),
        ReportError::By2WithoutBy(by2) => bad("error-detail-by2-without-by").arg("by2", by2),
        ReportError::Stats(_) => return None,
    })
}

/// Store errors a person caused (an unknown survey or version, a status change that is not allowed).
pub fn store(e: &StoreError) -> Option<Localized> {
    let english = e.to_string();
    Some(match e {
        StoreError::UnknownSurvey(slug) => {
            Localized::new(StatusCode::NOT_FOUND, "error-detail-unknown-survey", english).arg("slug", slug)
        }
        StoreError::UnknownVersion { slug, version } => {
            Localized::new(StatusCode::NOT_FOUND, "error-detail-unknown-version", english)
                .arg("slug", slug)
                .arg("version", version.to_string())
        }
        StoreError::BadTransition { slug, from, to } => {
            Localized::new(StatusCode::CONFLICT, "error-detail-bad-transition", english)
                .arg("slug", slug)
                .arg("from", from)
                .arg("to", to)
        }
        StoreError::Connect(_)
        | StoreError::Migration(_)
        | StoreError::Query(_)
        | StoreError::Unavailable(_)
        | StoreError::Corrupt(_) => return None,
    })
}

/// Account problems staff can fix on the users page.
pub fn auth(e: &AuthError) -> Option<Localized> {
    let english = e.to_string();
    let unprocessable = |id| Localized::new(StatusCode::UNPROCESSABLE_ENTITY, id, english.clone());
    let conflict = |id| Localized::new(StatusCode::CONFLICT, id, english.clone());
    Some(match e {
        AuthError::BadRole(role) => unprocessable("error-detail-bad-role").arg("role", role),
        AuthError::BadLogin(login) => unprocessable("error-detail-bad-login").arg("login", login),
        AuthError::WeakPassword => {
            unprocessable("error-detail-weak-password").arg("min", password::MIN_LENGTH.to_string())
        }
        AuthError::LongPassword => {
            unprocessable("error-detail-long-password").arg("max", password::MAX_LENGTH.to_string())
        }
        AuthError::LoginTaken(login) => conflict("error-detail-login-taken").arg("login", login),
        AuthError::LastAdmin => conflict("error-detail-last-admin"),
        AuthError::UnknownUser(login) => {
            Localized::new(StatusCode::NOT_FOUND, "error-detail-unknown-user", english.clone()).arg("login", login)
        }
        AuthError::Store(_) | AuthError::Hash(_) => return None,
    })
}

/// A workbench upload that was stored or discarded meanwhile.
pub fn unknown_upload(english: String) -> Localized {
    Localized::new(StatusCode::NOT_FOUND, "error-detail-unknown-upload", english)
}

/// Responses that changed during an export.
pub fn export_changed(english: String, slug: &str) -> Localized {
    Localized::new(StatusCode::CONFLICT, "error-detail-export-changed", english).arg("slug", slug)
}

/// An unknown `?dialect=`.
pub fn unknown_dialect(english: String, dialect: &str) -> Localized {
    Localized::new(StatusCode::BAD_REQUEST, "error-detail-unknown-dialect", english).arg("dialect", dialect)
}

/// Results that are not published (to someone who may not see them before).
pub fn not_published(slug: &str) -> Localized {
    let english = format!("the results of '{slug}' are not published");
    Localized::new(StatusCode::NOT_FOUND, "error-detail-not-published", english).arg("slug", slug)
}

/// Microdata asked for by someone who is not staff.
pub fn microdata_forbidden() -> Localized {
    let english = "microdata (one row per respondent) can be downloaded by staff only; the summary tables are at the same address without ?data=microdata";
    Localized::new(
        StatusCode::FORBIDDEN,
        "error-detail-microdata-forbidden",
        english.to_owned(),
    )
}

/// An action the workbench refused; `status` is the page's (409 for an action, 422 for a form).
pub fn refusal(r: &Refusal, status: StatusCode) -> Localized {
    let english = r.to_string();
    match r {
        Refusal::ClosedOn { slug, closed } => Localized::new(status, "error-detail-closed-on", english)
            .arg("slug", slug)
            .date("closed", *closed),
        Refusal::PopulationFileName(name) => {
            Localized::new(status, "error-detail-population-file-name", english).arg("name", name)
        }
        Refusal::NotOfficial { login, role } => Localized::new(status, "error-detail-not-official", english)
            .arg("login", login)
            .arg("role", role),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each message: the English catalog text is the layer's own message (so the pages and the
    /// JSON API say the same), and the Russian one exists and is Russian.
    fn every_message() -> Vec<Localized> {
        let report_errors = [
            ReportError::UnknownBreakdown("x".into(), "sex, age".into()),
            ReportError::BadFilter("x".into()),
            ReportError::UnknownFilterVariable {
                variable: "x".into(),
                valid: "sex".into(),
            },
            ReportError::UnknownCode {
                code: "z".into(),
                variable: "sex".into(),
                valid: "m, f".into(),
            },
            ReportError::By2WithoutBy("age".into()),
        ];
        let store_errors = [
            StoreError::UnknownSurvey("s".into()),
            StoreError::UnknownVersion {
                slug: "s".into(),
                version: 3,
            },
            StoreError::BadTransition {
                slug: "s".into(),
                from: "closed".into(),
                to: "draft".into(),
            },
        ];
        let auth_errors = [
            AuthError::BadRole("boss".into()),
            AuthError::BadLogin("a b".into()),
            AuthError::WeakPassword,
            AuthError::LongPassword,
            AuthError::LoginTaken("anna".into()),
            AuthError::LastAdmin,
            AuthError::UnknownUser("nobody".into()),
        ];
        let refusals = [
            Refusal::ClosedOn {
                slug: "s".into(),
                closed: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap_or_default(),
            },
            Refusal::PopulationFileName("a b.txt".into()),
            Refusal::NotOfficial {
                login: "anna".into(),
                role: "admin".into(),
            },
        ];
        let dialect = crate::export::UnknownDialect("lotus".into());
        let mut all: Vec<Localized> = report_errors.iter().filter_map(report).collect();
        all.extend(store_errors.iter().filter_map(store));
        all.extend(auth_errors.iter().filter_map(auth));
        all.extend(refusals.iter().map(|r| refusal(r, StatusCode::CONFLICT)));
        all.push(unknown_upload(
            crate::catalog::workbench::WorkbenchError::UnknownUpload.to_string(),
        ));
        all.push(unknown_dialect(dialect.to_string(), &dialect.0));
        all.push(not_published("s"));
        all.push(microdata_forbidden());
        all
    }

    #[test]
    fn english_texts_are_the_layers_messages_and_russian_ones_exist() {
        let all = every_message();
        assert_eq!(all.len(), 22);
        for l in all {
            assert_eq!(l.text("en"), l.english, "{}", l.id);
            let ru = l.text("ru");
            assert!(
                ru != l.id && ru.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я')),
                "{}: {ru}",
                l.id
            );
        }
    }

    #[test]
    fn dates_in_messages_are_written_for_the_language() {
        let closed = Refusal::ClosedOn {
            slug: "s".into(),
            closed: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap_or_default(),
        };
        let l = refusal(&closed, StatusCode::CONFLICT);
        assert!(l.text("ru").contains("30.06.2027"), "{}", l.text("ru"));
        assert!(l.text("en").contains("2027-06-30"), "{}", l.text("en"));
    }
}
