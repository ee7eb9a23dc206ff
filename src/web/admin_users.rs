//! Workbench pages for admins and population files: users (`/admin/users`), the audit log
//! (`/admin/audit`), and population files (`/admin/populations`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use super::admin::{blk, staff};
use super::admin_upload::read_fields;
use super::auth::{
    self, check_csrf, csrf_failed, csrf_token, require, role_label, see_other, staff_lang, staff_page, MAX_STAFF_BODY,
};
use super::error::WebError;
use super::views::admin::{AuditLine, AuditPage, PopulationLine, PopulationsPage, RoleChoice, UserLine, UsersPage};
use super::State;
use crate::auth::{users, AuthError, Role};
use crate::catalog::workbench::{self, WorkbenchError};
use crate::catalog::CatalogError;
use crate::definition::Problem;
use crate::i18n;
use crate::store::audit::{self, AuditEvent, AuditFilter};

fn users_page(
    req: &HttpRequest,
    state: &State,
    s: &crate::auth::Session,
    status: StatusCode,
    list: Vec<users::User>,
    error: Option<String>,
) -> HttpResponse {
    let lang = staff_lang(req);
    let roles = |current: Option<Role>| -> Vec<RoleChoice> {
        Role::ALL
            .iter()
            .map(|r| RoleChoice {
                name: r.as_str(),
                label: role_label(lang, *r),
                selected: current.map(|c| c == *r),
            })
            .collect()
    };
    let rows: Vec<UserLine> = list
        .into_iter()
        .map(|u| UserLine {
            role_label: role_label(lang, u.role),
            created_at: i18n::numbers::date(lang, u.created_at.date()),
            is_self: u.id == s.user.id,
            roles: roles(Some(u.role)),
            login: u.login,
            role: u.role,
            disabled: u.disabled,
        })
        .collect();
    staff_page(
        req,
        status,
        "admin_users",
        &UsersPage {
            title: i18n::text(lang, "admin-users-heading"),
            users: rows,
            roles: roles(None),
            csrf: csrf_token(state, s),
            error,
            min_password: crate::auth::password::MIN_LENGTH,
        },
        Some(s),
    )
}

/// `GET /admin/users`.
pub async fn users_list(req: HttpRequest, state: State) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Admin);
    let st = state.clone();
    let list = blk(move || Ok(users::list(&st.store)?)).await?;
    Ok(users_page(&req, &state, &s, StatusCode::OK, list, None))
}

/// Shows the users page again with an error for problems a person can fix (bad login, weak password, …).
async fn with_error(
    req: &HttpRequest,
    state: &State,
    s: &crate::auth::Session,
    e: AuthError,
) -> Result<HttpResponse, WebError> {
    let e = WebError::from(e);
    if e.is_server_fault() {
        return Err(e);
    }
    let st = state.clone();
    let list = blk(move || Ok(users::list(&st.store)?)).await?;
    let message = e.message_in(super::auth::staff_lang(req));
    Ok(users_page(req, state, s, e.status_code(), list, Some(message)))
}

/// `POST /admin/users`: adds a user (`login`, `role`, `password`).
pub async fn users_add(req: HttpRequest, state: State, payload: web::Payload) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Admin);
    let f = auth::read_form(&req, payload, 16 * 1024).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&req, &s));
    }
    let login = f.first("login").unwrap_or("").to_owned();
    let role = f.first("role").unwrap_or("").to_owned();
    let pw = f.first("password").unwrap_or("").to_owned();
    let st = state.clone();
    let by = s.user.login.clone();
    let r = web::block(move || -> Result<users::User, AuthError> {
        let role = Role::parse(&role)?;
        let u = users::add(&st.store, &login, role, &pw)?;
        audit::record(
            &st.store,
            &AuditEvent {
                actor: &by,
                action: "user.add",
                detail: format!("{} as {}", u.login, u.role),
                ..Default::default()
            },
        )?;
        Ok(u)
    })
    .await?;
    match r {
        Ok(_) => Ok(see_other("/admin/users")),
        Err(e) => with_error(&req, &state, &s, e).await,
    }
}

/// `POST /admin/users/{login}`: `action` = `set_role` (with `role`), `disable`, `enable`, or `password`
/// (with `password`).
pub async fn users_change(
    req: HttpRequest,
    state: State,
    login: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Admin);
    let f = auth::read_form(&req, payload, 16 * 1024).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&req, &s));
    }
    let login = login.into_inner();
    let action = f.first("action").unwrap_or("").to_owned();
    let role = f.first("role").unwrap_or("").to_owned();
    let pw = f.first("password").unwrap_or("").to_owned();
    let st = state.clone();
    let by = s.user.login.clone();
    let r = web::block(move || -> Result<(), AuthError> {
        let (what, detail) = match action.as_str() {
            "set_role" => {
                let u = users::set_role(&st.store, &login, Role::parse(&role)?)?;
                ("user.set_role", format!("{} → {}", u.login, u.role))
            }
            "disable" => ("user.disable", users::set_disabled(&st.store, &login, true)?.login),
            "enable" => ("user.enable", users::set_disabled(&st.store, &login, false)?.login),
            "password" => ("user.set_password", users::set_password(&st.store, &login, &pw)?.login),
            other => return Err(AuthError::BadRole(format!("(unknown action '{other}')"))),
        };
        Ok(audit::record(
            &st.store,
            &AuditEvent {
                actor: &by,
                action: what,
                detail,
                ..Default::default()
            },
        )?)
    })
    .await?;
    match r {
        Ok(()) => Ok(see_other("/admin/users")),
        Err(e) => with_error(&req, &state, &s, e).await,
    }
}

/// `GET /admin/audit?survey=SLUG&actor=LOGIN`: the newest 500 entries.
pub async fn audit_log(req: HttpRequest, state: State) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Admin);
    let q = web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default();
    let filter = AuditFilter {
        survey_slug: q.get("survey").filter(|v| !v.is_empty()).cloned(),
        actor: q.get("actor").filter(|v| !v.is_empty()).cloned(),
        limit: 500,
    };
    let (sv, ac) = (filter.survey_slug.clone(), filter.actor.clone());
    let st = state.clone();
    let entries = blk(move || Ok(audit::list(&st.store, &filter)?)).await?;
    let lang = staff_lang(&req);
    let rows: Vec<AuditLine> = entries
        .into_iter()
        .map(|e| AuditLine {
            at: audit_time(lang, e.at),
            at_iso: e.at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            actor: e.actor,
            action: audit_action(lang, &e.action),
            action_code: e.action,
            survey: e.survey_slug,
            version: e.survey_version,
            detail: e.detail,
        })
        .collect();
    let title = i18n::text(lang, "admin-audit-heading");
    Ok(staff_page(
        &req,
        StatusCode::OK,
        "admin_audit",
        &AuditPage {
            title,
            entries: rows,
            survey: sv,
            actor: ac,
        },
        Some(&s),
    ))
}

/// Where a population file comes from (`uploaded` or `example`), as staff read it.
fn origin_label(lang: &str, origin: &str) -> String {
    match origin {
        "uploaded" => i18n::text(lang, "admin-populations-origin-uploaded"),
        "example" => i18n::text(lang, "admin-populations-origin-example"),
        other => other.to_owned(),
    }
}

fn populations_page(
    req: &HttpRequest,
    state: &State,
    s: &crate::auth::Session,
    status: StatusCode,
    list: Vec<workbench::PopulationInfo>,
    problems: Vec<Problem>,
    error: Option<String>,
) -> HttpResponse {
    let lang = staff_lang(req);
    let populations: Vec<PopulationLine<'_>> = list
        .iter()
        .map(|info| PopulationLine {
            info,
            origin_label: origin_label(lang, info.origin),
        })
        .collect();
    staff_page(
        req,
        status,
        "admin_populations",
        &PopulationsPage {
            title: i18n::text(lang, "admin-populations-heading"),
            populations,
            problems,
            error,
            csrf: csrf_token(state, s),
        },
        Some(s),
    )
}

/// `GET /admin/populations`.
pub async fn populations(req: HttpRequest, state: State) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let st = state.clone();
    let list = blk(move || Ok(workbench::list_populations(&st.store)?)).await?;
    Ok(populations_page(
        &req,
        &state,
        &s,
        StatusCode::OK,
        list,
        Vec::new(),
        None,
    ))
}

/// `POST /admin/populations`: uploads a population file (`file`, or `text` with `name`), validated by
/// `definition::parse_population`; every problem is shown and nothing is stored when there is one.
pub async fn populations_upload(
    req: HttpRequest,
    state: State,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let f = read_fields(&req, payload, MAX_STAFF_BODY).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&req, &s));
    }
    let pasted = f.first("text").unwrap_or("").trim().to_owned();
    let (source, name) = if pasted.is_empty() {
        (
            f.first("file").unwrap_or("").to_owned(),
            f.first("file.filename").unwrap_or("").to_owned(),
        )
    } else {
        (pasted, f.first("name").unwrap_or("").to_owned())
    };
    let st = state.clone();
    let by = s.user.login.clone();
    let r = web::block(move || workbench::upload_population(&st.store, &name, &source, &by)).await?;
    let (status, problems, error) = match r {
        Ok(_) => return Ok(see_other("/admin/populations")),
        Err(WorkbenchError::Catalog(CatalogError::Invalid(errs))) => {
            (StatusCode::UNPROCESSABLE_ENTITY, errs.problems, None)
        }
        Err(WorkbenchError::Refused(r)) => {
            let message = super::error_text::refusal(&r, StatusCode::UNPROCESSABLE_ENTITY);
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Vec::new(),
                Some(message.text(staff_lang(&req))),
            )
        }
        Err(e) => return Err(e.into()),
    };
    let st = state.clone();
    let list = blk(move || Ok(workbench::list_populations(&st.store)?)).await?;
    Ok(populations_page(&req, &state, &s, status, list, problems, error))
}

/// When an audited action happened, in UTC (the database keeps UTC) and said so: "05.12.2026 14:03:07 UTC".
/// An audit action in words (`survey.close` → "Survey closed"); a code without a text shows as stored.
fn audit_action(lang: &str, code: &str) -> String {
    let id = format!("admin-audit-action-{}", code.replace('.', "-"));
    if i18n::has(lang, &id) {
        i18n::text(lang, &id)
    } else {
        code.to_owned()
    }
}

fn audit_time(lang: &str, at: chrono::NaiveDateTime) -> String {
    format!("{} {} UTC", i18n::numbers::date(lang, at.date()), at.format("%H:%M:%S"))
}
