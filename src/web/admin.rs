//! The sociologist's workbench under `/admin`: the survey list, uploading a definition (errors with their
//! lines, nothing stored), the preview exactly as a respondent sees it (through the respondent form's own
//! view code; nothing stored), storing and opening, the lifecycle actions with a confirmation, and officials'
//! access to unpublished results. The preview is in `admin_preview`, the fieldwork monitor in `admin_monitor`,
//! users, populations and the audit log in `admin_users`.
//!
//! Every state-changing form carries the staff CSRF token (`web::auth`); every change goes to the audit log
//! (`catalog::workbench` writes it).

use super::admin_upload::read_fields;
use super::auth::{
    self, check_csrf, csrf_failed, csrf_token, require, see_other, staff_lang, staff_page, status_label, MAX_STAFF_BODY,
};
use super::error::WebError;
use super::views::admin::{CodedQuestion, ConfirmPage, ListedSurvey, SurveyList, SurveyPage, UploadPage, VersionLine};
use super::State;
use crate::auth::{Role, Session};
use crate::catalog::workbench::{self, WorkbenchError};
use crate::catalog::CatalogError;
use crate::definition::Problem;
use crate::i18n;
use crate::store::audit::{self, AuditFilter};
use crate::store::Status;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

/// Runs blocking work off the async threads.
pub async fn blk<T: Send + 'static>(f: impl FnOnce() -> Result<T, WebError> + Send + 'static) -> Result<T, WebError> {
    web::block(f).await?
}

macro_rules! staff {
    ($req:expr, $role:expr) => {
        match require(&$req, $role) {
            Ok(s) => s,
            Err(resp) => return Ok(resp),
        }
    };
}
pub(crate) use staff;

fn count(counts: &[(String, i64)], state: &str) -> i64 {
    counts.iter().find(|(s, _)| s == state).map_or(0, |(_, n)| *n)
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Closes surveys past their `closes` date (idempotent, safe across instances), logging failures only.
pub fn auto_close(state: &State) {
    if let Err(e) = workbench::auto_close_due(&state.store, &state.definitions, today()) {
        tracing::warn!(error = %e, "automatic close check failed");
    }
}

/// `GET /admin`: the survey list.
pub async fn dashboard(req: HttpRequest, state: State) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Official);
    let lang = staff_lang(&req);
    let st = state.clone();
    let sees_all = s.user.role >= Role::Sociologist;
    let granted = s.result_access.clone();
    let rows = blk(move || {
        auto_close(&st);
        let mut out = Vec::new();
        for row in st.store.list_surveys()? {
            let counts = st.store.response_counts(&row.id)?;
            let v = st.definitions.get(&st.store, &row, row.current_version)?;
            let d = &v.definition;
            out.push(ListedSurvey {
                title: d.title.get(d.default_language()).to_owned(),
                status_label: status_label(lang, &row.status),
                version: row.current_version,
                complete: count(&counts, "complete"),
                partial: count(&counts, "partial"),
                screened_out: count(&counts, "screened_out"),
                opens: d.opens.map(|x| i18n::numbers::date(lang, x)),
                closes: d.closes.map(|x| i18n::numbers::date(lang, x)),
                results_published: row.results_published,
                results_visible: row.results_published || sees_all || granted.contains(&row.slug),
                slug: row.slug,
                topic: row.topic,
                status: row.status,
            });
        }
        Ok(out)
    })
    .await?;
    Ok(staff_page(
        &req,
        StatusCode::OK,
        "admin",
        &SurveyList {
            title: i18n::text(lang, "admin-list-title"),
            surveys: rows,
            csrf: csrf_token(&state, &s),
        },
        Some(&s),
    ))
}

/// `GET /admin/surveys/new`: upload or paste a definition.
pub async fn new_survey(req: HttpRequest, state: State) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    Ok(upload_page(&req, &state, &s, StatusCode::OK, "", &[]))
}

fn upload_page(
    req: &HttpRequest,
    state: &State,
    s: &Session,
    status: StatusCode,
    source: &str,
    problems: &[Problem],
) -> HttpResponse {
    let lang = staff_lang(req);
    staff_page(
        req,
        status,
        "admin_upload",
        &UploadPage {
            title: i18n::text(lang, "admin-upload-title"),
            csrf: csrf_token(state, s),
            source,
            problems,
            problem_count: problems.len(),
            missing_texts: problems.iter().any(|p| p.message.contains(" has no text in '")),
        },
        Some(s),
    )
}

/// `POST /admin/surveys/new`: validates; on problems shows them all (nothing stored), otherwise keeps the
/// upload for the preview.
pub async fn upload(req: HttpRequest, state: State, payload: web::Payload) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let lang = staff_lang(&req);
    let f = read_fields(&req, payload, MAX_STAFF_BODY).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&req, &s));
    }
    let pasted = f.first("definition").unwrap_or("").trim().to_owned();
    let (source, name) = if !pasted.is_empty() {
        (pasted, "pasted definition".to_owned())
    } else {
        let name = f
            .first("file.filename")
            .filter(|n| !n.trim().is_empty())
            .unwrap_or("uploaded file")
            .to_owned();
        if crate::catalog::is_spreadsheet(std::path::Path::new(&name)) {
            // An XLSForm: converted strictly; what cannot be converted is listed like validation problems.
            let bytes = f.file("file").unwrap_or_default();
            match crate::xlsform::convert(bytes, &name, &crate::xlsform::ConvertOptions::default()) {
                Ok(c) => (c.yaml, name),
                Err(e) => {
                    let p: Vec<Problem> = e
                        .to_string()
                        .lines()
                        .map(|l| Problem::new(&name, None, None, l.trim()))
                        .collect();
                    return Ok(upload_page(&req, &state, &s, StatusCode::UNPROCESSABLE_ENTITY, "", &p));
                }
            }
        } else {
            (f.first("file").unwrap_or("").to_owned(), name)
        }
    };
    if source.trim().is_empty() {
        let message = i18n::text(lang, "admin-upload-nothing");
        let p = [Problem::new("", None, None, message)];
        return Ok(upload_page(&req, &state, &s, StatusCode::UNPROCESSABLE_ENTITY, "", &p));
    }
    // Texts missing in a listed language are refused like problems unless the uploader accepts them.
    let allow_missing_texts = f.first("allow_missing_texts").is_some_and(|v| !v.is_empty());
    let st = state.clone();
    let (src, nm, by) = (source.clone(), name.clone(), s.user.login.clone());
    let result = blk(move || match workbench::prepare(&st.store, &src, &nm) {
        Ok(p) => match crate::catalog::refuse_missing_texts(&p) {
            Err(CatalogError::Invalid(errs)) if !allow_missing_texts => Ok(Err(errs)),
            _ => Ok(Ok(workbench::stage(&st.store, &p, &by)?)),
        },
        Err(WorkbenchError::Catalog(CatalogError::Invalid(errs))) => Ok(Err(errs)),
        Err(e) => Err(e.into()),
    })
    .await?;
    match result {
        Ok(staged) => Ok(see_other(&format!("/admin/uploads/{}", staged.id))),
        Err(errs) => Ok(upload_page(
            &req,
            &state,
            &s,
            StatusCode::UNPROCESSABLE_ENTITY,
            &source,
            &errs.problems,
        )),
    }
}

/// `POST /admin/uploads/{id}`: `action` = `store` (as a draft, or as the new current version of an
/// existing survey), `store_open` (and open it), or `discard`.
pub async fn upload_action(
    req: HttpRequest,
    state: State,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let lang = staff_lang(&req);
    let f = auth::read_form(&req, payload, 64 * 1024).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&req, &s));
    }
    let id = id.into_inner();
    let action = f.first("action").unwrap_or("").to_owned();
    let st = state.clone();
    let by = s.user.login.clone();
    match action.as_str() {
        "store" | "store_open" => {
            let open = action == "store_open";
            let imported = blk(move || Ok(workbench::commit(&st.store, &st.definitions, &id, open, &by)?)).await?;
            // The respondent form on this instance shows the new version at once (others within a second).
            state.definitions.forget(&imported.slug);
            Ok(see_other(&format!("/admin/surveys/{}", imported.slug)))
        }
        "discard" => {
            blk(move || Ok(workbench::discard(&st.store, &id, &by)?)).await?;
            Ok(see_other("/admin"))
        }
        other => Err(WebError::BadRequest(i18n::text_with(
            lang,
            "admin-error-upload-action",
            &i18n::Args::new().str("action", other),
        ))),
    }
}

/// The lifecycle actions and what the confirmation page says about them (heading, explanation).
fn action_text(lang: &str, action: &str) -> Option<(String, String)> {
    let (heading, text) = match action {
        "open" => ("admin-action-open", "admin-action-open-text"),
        "close" => ("admin-action-close", "admin-action-close-text"),
        "publish_results" => ("admin-action-publish", "admin-action-publish-text"),
        "unpublish_results" => ("admin-action-unpublish", "admin-action-unpublish-text"),
        _ => return None,
    };
    Some((i18n::text(lang, heading), i18n::text(lang, text)))
}

/// `GET /admin/surveys/{slug}`: one survey: versions, counts, actions, officials' access, its audit log.
pub async fn survey_detail(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let lang = staff_lang(&req);
    let slug = slug.into_inner();
    let st = state.clone();
    let data = blk(move || {
        auto_close(&st);
        let (survey, v) = st.definitions.current(&st.store, &slug)?;
        let counts = st.store.response_counts(&survey.id)?;
        let versions: Vec<VersionLine> = st
            .store
            .versions(&slug)?
            .into_iter()
            .rev()
            .map(|r| VersionLine {
                version: r.version,
                created_at: r.created_at.format("%Y-%m-%d %H:%M").to_string(),
                source_name: r.source_name,
                current: r.version == survey.current_version,
            })
            .collect();
        let officials = workbench::officials_with_access(&st.store, &survey.id)?;
        let log = audit::list(
            &st.store,
            &AuditFilter {
                survey_slug: Some(slug.clone()),
                actor: None,
                limit: 20,
            },
        )
        .map_err(WebError::from)?;
        let d = &v.definition;
        let status = survey.status()?;
        let title = d.title.get(d.default_language()).to_owned();
        Ok(SurveyPage {
            page_title: title.clone(),
            title,
            title_page: i18n::text(lang, "admin-list-survey"),
            status_label: status_label(lang, &survey.status),
            version: survey.current_version,
            results_published: survey.results_published,
            opens: d.opens.map(|x| x.to_string()),
            closes: d.closes.map(|x| x.to_string()),
            complete: count(&counts, "complete"),
            partial: count(&counts, "partial"),
            screened_out: count(&counts, "screened_out"),
            can_open: status != Status::Open,
            can_close: status == Status::Open,
            versions,
            officials,
            audit: log,
            coded_questions: d
                .questions()
                .filter(|(_, q)| q.kind.codebook().is_some())
                .map(|(_, q)| CodedQuestion {
                    id: q.id.clone(),
                    text: q.text.get(d.default_language()).to_owned(),
                })
                .collect(),
            csrf: String::new(),
            slug: survey.slug,
            status: survey.status,
        })
    })
    .await?;
    let data = SurveyPage {
        csrf: csrf_token(&state, &s),
        ..data
    };
    Ok(staff_page(&req, StatusCode::OK, "admin_survey", &data, Some(&s)))
}

/// `GET /admin/surveys/{slug}/confirm?action=…`: the confirmation page of a lifecycle action.
pub async fn confirm(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let lang = staff_lang(&req);
    let slug = slug.into_inner();
    let action = web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("action").cloned())
        .unwrap_or_default();
    let Some((heading, text)) = action_text(lang, &action) else {
        return Err(WebError::BadRequest(i18n::text_with(
            lang,
            "admin-error-status-action",
            &i18n::Args::new().str("action", action),
        )));
    };
    let st = state.clone();
    let sl = slug.clone();
    let survey = blk(move || Ok(st.store.find_survey(&sl)?)).await?;
    Ok(staff_page(
        &req,
        StatusCode::OK,
        "admin_confirm",
        &ConfirmPage {
            title: heading.clone(),
            heading,
            text,
            slug: survey.slug,
            action,
            version: survey.current_version,
            csrf: csrf_token(&state, &s),
        },
        Some(&s),
    ))
}

/// `POST /admin/surveys/{slug}/status`: carries out a confirmed lifecycle action.
pub async fn change_status(
    req: HttpRequest,
    state: State,
    slug: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let lang = staff_lang(&req);
    let f = auth::read_form(&req, payload, 64 * 1024).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&req, &s));
    }
    if f.first("confirm") != Some("yes") {
        return Err(WebError::BadRequest(i18n::text(lang, "admin-error-not-confirmed")));
    }
    let slug = slug.into_inner();
    let action = f.first("action").unwrap_or("").to_owned();
    let st = state.clone();
    let by = s.user.login.clone();
    let sl = slug.clone();
    blk(move || {
        match action.as_str() {
            "open" => {
                workbench::open_survey(&st.store, &st.definitions, &sl, &by)?;
            }
            "close" => {
                workbench::close_survey(&st.store, &sl, &by)?;
            }
            "publish_results" => workbench::set_results_published(&st.store, &sl, true, &by)?,
            "unpublish_results" => workbench::set_results_published(&st.store, &sl, false, &by)?,
            other => {
                return Err(WebError::BadRequest(i18n::text_with(
                    lang,
                    "admin-error-unknown-action",
                    &i18n::Args::new().str("action", other),
                )))
            }
        }
        Ok(())
    })
    .await?;
    // The respondent form on this instance follows at once (other instances within a second).
    state.definitions.forget(&slug);
    Ok(see_other(&format!("/admin/surveys/{slug}")))
}

/// `POST /admin/surveys/{slug}/access`: gives (`grant`) or takes (`revoke`) an official's access to the
/// survey's unpublished results.
pub async fn change_access(
    req: HttpRequest,
    state: State,
    slug: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let lang = staff_lang(&req);
    let f = auth::read_form(&req, payload, 64 * 1024).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&req, &s));
    }
    let slug = slug.into_inner();
    let login = f.first("login").unwrap_or("").trim().to_owned();
    let grant = match f.first("action") {
        Some("grant") => true,
        Some("revoke") => false,
        _ => return Err(WebError::BadRequest(i18n::text(lang, "admin-error-access-action"))),
    };
    let st = state.clone();
    let by = s.user.login.clone();
    let sl = slug.clone();
    blk(move || {
        if grant {
            workbench::grant_results(&st.store, &login, &sl, &by)?;
        } else {
            workbench::revoke_results(&st.store, &login, &sl, &by)?;
        }
        Ok(())
    })
    .await?;
    // The respondent form on this instance follows at once (other instances within a second).
    state.definitions.forget(&slug);
    Ok(see_other(&format!("/admin/surveys/{slug}")))
}
