//! Staff sign-in over HTTP: the session middleware, `/login`, `/logout`, role checks and the staff CSRF
//! token.
//!
//! - Session cookie `opros_staff`: a random 256-bit token, `HttpOnly`, `SameSite=Lax`, `Secure` when
//!   `OPROS_SECURE_COOKIES` is on, path `/`; the database keeps SHA-256 of it (see `auth::sessions`), so
//!   any instance can check it.
//! - CSRF: the same scheme as the respondent forms (`form::tokens::Signer`): every staff POST carries
//!   `_csrf` = HMAC(secret, "csrf" ‖ "staff:" ‖ session token). The login form, which has no session yet,
//!   binds its token to a random pre-login cookie `opros_login` instead.
//! - Login: one message for an unknown login, a wrong password and a disabled account; failures are
//!   throttled per account and per client IP in the database (`auth::throttle`).

use actix_web::body::MessageBody;
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse, HttpResponseBuilder};
use serde::Serialize;

use super::error::WebError;
use super::views::staff::{LoginView, Message, StaffNav, StaffPage};
use super::{pages, State};
use crate::auth::{password, sessions, throttle, users, AuthError, LoginLimits, Role, Session, SessionPolicy};
use crate::form::fields::{self, Fields};
use crate::form::tokens;
use crate::i18n::{self, Args};
use crate::store::audit::{self, AuditEvent};

pub const SESSION_COOKIE: &str = "opros_staff";
pub const LOGIN_COOKIE: &str = "opros_login";
/// Largest staff form body (a pasted survey definition is tens of kilobytes).
pub const MAX_STAFF_BODY: usize = 2 * 1024 * 1024;

/// Middleware: when the request carries a staff session cookie, looks the session up once and puts it in
/// the request extensions for handlers (and `can_see_unpublished`). Requests without the cookie (all
/// respondents) pay nothing.
pub async fn load_staff(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let token = req
        .cookie(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|t| sessions::is_token(t));
    if let (Some(token), Some(state)) = (token, req.app_data::<State>().cloned()) {
        match web::block(move || sessions::lookup(&state.store, &token, SessionPolicy::default())).await {
            Ok(Ok(Some(mut session))) => {
                if let Some(state) = req.app_data::<State>() {
                    session.csrf = csrf_token(state, &session);
                }
                req.extensions_mut().insert(session);
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "staff session lookup failed"),
            Err(e) => tracing::warn!(error = %e, "staff session lookup failed"),
        }
    }
    next.call(req).await
}

/// The signed-in staff member, if any.
pub fn current(req: &HttpRequest) -> Option<Session> {
    req.extensions().get::<Session>().cloned()
}

/// Whether the request may read unpublished results: sociologists and admins always; officials when the
/// route's `{slug}` is a survey they were given access to (loaded with the session, no query here).
pub fn can_see_unpublished(req: &HttpRequest) -> bool {
    match current(req) {
        None => false,
        Some(s) if s.user.role >= Role::Sociologist => true,
        Some(s) => req
            .match_info()
            .get("slug")
            .is_some_and(|slug| s.result_access.iter().any(|g| g == slug)),
    }
}

/// Whether the request comes from staff who may read the unpublished results of the survey `survey_id`:
/// sociologists and admins always, officials when given access to that survey (`catalog::workbench`).
pub fn may_see_unpublished(state: &State, req: &HttpRequest, survey_id: &str) -> Result<bool, WebError> {
    let Some(s) = current(req) else {
        return Ok(false);
    };
    if s.user.role >= Role::Sociologist {
        return Ok(true);
    }
    crate::catalog::workbench::has_result_access(&state.store, &s.user.id, survey_id).map_err(WebError::from)
}

/// The session of a staff member with at least `role`; otherwise the response to send: a redirect to the
/// login page for anonymous visitors, 403 for staff without the role.
#[allow(clippy::result_large_err)]
pub fn require(req: &HttpRequest, role: Role) -> Result<Session, HttpResponse> {
    match current(req) {
        None => {
            let next = if req.method() == actix_web::http::Method::GET {
                format!("?next={}", urlencode(&path_and_query(req)))
            } else {
                String::new()
            };
            Err(see_other(&format!("/login{next}")))
        }
        Some(s) if s.user.role >= role => Ok(s),
        Some(s) => {
            let lang = staff_lang(req);
            let heading = i18n::text(lang, "admin-not-allowed");
            let args = Args::new()
                .str("role", role_label(lang, s.user.role))
                .str("needed", role_label(lang, role));
            Err(staff_page(
                req,
                StatusCode::FORBIDDEN,
                "admin_message",
                &Message {
                    title: heading.clone(),
                    heading,
                    text: i18n::text_with(lang, "admin-not-allowed-text", &args),
                },
                Some(&s),
            ))
        }
    }
}

fn path_and_query(req: &HttpRequest) -> String {
    match req.uri().query() {
        Some(q) => format!("{}?{q}", req.path()),
        None => req.path().to_owned(),
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The staff CSRF token of a session.
pub fn csrf_token(state: &State, s: &Session) -> String {
    state.forms.signer.csrf(&format!("staff:{}", s.token))
}

/// Checks the `_csrf` field of a staff form against the session.
pub fn check_csrf(state: &State, s: &Session, f: &Fields) -> bool {
    state
        .forms
        .signer
        .check_csrf(&format!("staff:{}", s.token), f.first(fields::CSRF).unwrap_or(""))
}

/// The page shown when a staff form's CSRF token is missing or wrong.
pub fn csrf_failed(req: &HttpRequest, s: &Session) -> HttpResponse {
    let lang = staff_lang(req);
    staff_page(
        req,
        StatusCode::FORBIDDEN,
        "admin_message",
        &Message {
            title: i18n::text(lang, "admin-form-expired"),
            heading: i18n::text(lang, "admin-form-expired-heading"),
            text: i18n::text(lang, "admin-form-expired-text"),
        },
        Some(s),
    )
}

pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_owned()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// The language of the staff pages (the workbench, the sign-in page, staff messages): as on every other
/// page, `?lang=` (remembered in the cookie), then the cookie, then `Accept-Language`, Russian by default.
/// Every staff handler and `staff_page` ask here.
pub fn staff_lang(req: &HttpRequest) -> &'static str {
    i18n::catalog_lang(&super::lang::site_lang(req))
}

/// The name of a staff role as staff read it.
pub fn role_label(lang: &str, role: Role) -> String {
    let id = match role {
        Role::Admin => "admin-role-admin",
        Role::Sociologist => "admin-role-sociologist",
        Role::Official => "admin-role-official",
    };
    i18n::text(lang, id)
}

/// The name of a survey state (`draft`, `open`, `closed`) as staff read it; an unknown state as it is.
pub fn status_label(lang: &str, status: &str) -> String {
    let id = match status {
        "draft" => "admin-status-draft",
        "open" => "admin-status-open",
        "closed" => "admin-status-closed",
        other => return other.to_owned(),
    };
    i18n::text(lang, id)
}

/// Renders a staff page in the staff language (`staff_lang`, as the top-level `lang` the templates' `t`
/// helper reads) and, for a signed-in member, adds the navigation (who is signed in, their links, the
/// logout form) to `data`.
pub fn staff_page<T: Serialize>(
    req: &HttpRequest,
    status: StatusCode,
    template: &str,
    page: &T,
    s: Option<&Session>,
) -> HttpResponse {
    let lang = staff_lang(req);
    let data = StaffPage {
        page,
        lang,
        lang_links: super::view_format::lang_links(&super::lang::here(req), lang),
        staff: s.map(|s| StaffNav {
            login: s.user.login.clone(),
            role: role_label(lang, s.user.role),
            is_admin: s.user.role >= Role::Admin,
            is_sociologist: s.user.role >= Role::Sociologist,
            csrf: s.csrf.clone(),
        }),
    };
    HttpResponseBuilder::new(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(pages::render(template, &data))
}

/// Reads a urlencoded staff form body (bounded).
pub async fn read_form(req: &HttpRequest, payload: web::Payload, limit: usize) -> Result<Fields, WebError> {
    let lang = staff_lang(req);
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(b)) => Ok(Fields::from_urlencoded(&b)),
        Ok(Err(_)) => Err(WebError::BadRequest(i18n::text(lang, "admin-error-form-unreadable"))),
        Err(_) => Err(WebError::TooLarge(i18n::text_with(
            lang,
            "admin-error-form-too-large",
            &Args::new().str("kib", (limit / 1024).to_string()),
        ))),
    }
}

fn cookie(state: &State, name: &str, value: &str, max_age: Option<time::Duration>) -> Cookie<'static> {
    let mut b = Cookie::build(name.to_owned(), value.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies);
    if let Some(a) = max_age {
        b = b.max_age(a);
    }
    b.finish()
}

fn removal(state: &State, name: &str) -> Cookie<'static> {
    let mut c = cookie(state, name, "", None);
    c.make_removal();
    c
}

/// Where to go after login: only local workbench paths (never another site).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/admin") && !n.contains("//") && !n.contains('\\') => n.to_owned(),
        Some(n) if n.starts_with("/results/") && !n.contains("//") && !n.contains('\\') => n.to_owned(),
        _ => "/admin".to_owned(),
    }
}

fn query_param(req: &HttpRequest, name: &str) -> Option<String> {
    web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get(name).cloned())
}

/// The sign-in page; `error` is the id of the message to show above the form.
fn login_page(
    req: &HttpRequest,
    state: &State,
    status: StatusCode,
    login_token: &str,
    next: &str,
    login: &str,
    error: Option<&str>,
) -> HttpResponse {
    let lang = staff_lang(req);
    staff_page(
        req,
        status,
        "login",
        &LoginView {
            title: i18n::text(lang, "admin-login-title"),
            csrf: state.forms.signer.csrf(&format!("login:{login_token}")),
            next: next.to_owned(),
            login: login.to_owned(),
            error: error.map(|id| i18n::text(lang, id)),
        },
        None,
    )
}

/// `GET /login`.
pub async fn login_form(req: HttpRequest, state: State) -> Result<HttpResponse, WebError> {
    let next = safe_next(query_param(&req, "next").as_deref());
    if current(&req).is_some() {
        return Ok(see_other(&next));
    }
    let existing = req
        .cookie(LOGIN_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|t| tokens::is_token(t));
    let token = existing.clone().unwrap_or_else(tokens::new_token);
    let mut resp = login_page(&req, &state, StatusCode::OK, &token, &next, "", None);
    if existing.is_none() {
        let _ = resp.add_cookie(&cookie(&state, LOGIN_COOKIE, &token, Some(time::Duration::hours(12))));
    }
    Ok(resp)
}

/// `POST /login`.
pub async fn login(req: HttpRequest, state: State, payload: web::Payload) -> Result<HttpResponse, WebError> {
    let f = read_form(&req, payload, 16 * 1024).await?;
    let login = f.first("login").unwrap_or("").trim().to_owned();
    let pw = f.first("password").unwrap_or("").to_owned();
    let next = safe_next(f.first("next"));
    let Some(login_token) = req
        .cookie(LOGIN_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|t| tokens::is_token(t))
    else {
        return Ok(login_expired(&req, &state));
    };
    if !state
        .forms
        .signer
        .check_csrf(&format!("login:{login_token}"), f.first(fields::CSRF).unwrap_or(""))
    {
        return Ok(login_expired(&req, &state));
    }
    let ip = req.peer_addr().map(|a| a.ip().to_string());
    let limits = LoginLimits::default();
    let st = state.clone();
    let (l2, ip2) = (login.clone(), ip.clone());
    let outcome = web::block(move || attempt(&st, &l2, &pw, ip2.as_deref(), &limits)).await??;
    match outcome {
        Attempt::Throttled => {
            let mut r = login_page(
                &req,
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                &login_token,
                &next,
                &login,
                Some("admin-login-throttled"),
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("900"));
            Ok(r)
        }
        Attempt::Failed => Ok(login_page(
            &req,
            &state,
            StatusCode::UNAUTHORIZED,
            &login_token,
            &next,
            &login,
            Some("admin-login-bad-credentials"),
        )),
        Attempt::Ok { token } => {
            let mut r = see_other(&next);
            let _ = r.add_cookie(&cookie(&state, SESSION_COOKIE, &token, Some(time::Duration::hours(12))));
            let _ = r.add_cookie(&removal(&state, LOGIN_COOKIE));
            Ok(r)
        }
    }
}

fn login_expired(req: &HttpRequest, state: &State) -> HttpResponse {
    let token = tokens::new_token();
    let mut r = login_page(
        req,
        state,
        StatusCode::FORBIDDEN,
        &token,
        "/admin",
        "",
        Some("admin-login-expired"),
    );
    let _ = r.add_cookie(&cookie(state, LOGIN_COOKIE, &token, Some(time::Duration::hours(12))));
    r
}

enum Attempt {
    Ok { token: String },
    Failed,
    Throttled,
}

/// Checks limits, then the password (an unknown or disabled login costs the same hashing time and gets the
/// same answer as a wrong password), then starts a session.
fn attempt(state: &State, login: &str, pw: &str, ip: Option<&str>, limits: &LoginLimits) -> Result<Attempt, WebError> {
    let store = &state.store;
    if !throttle::allowed(store, login, ip, limits)? {
        return Ok(Attempt::Throttled);
    }
    let row = users::find_row(store, login)?;
    let ok = match &row {
        Some(u) => password::verify(pw, &u.password_hash) && !u.disabled,
        None => {
            password::verify_dummy(pw);
            false
        }
    };
    let Some(user) = row.filter(|_| ok) else {
        throttle::record_failure(store, login, ip, limits)?;
        return Ok(Attempt::Failed);
    };
    throttle::clear_account(store, login)?;
    let (token, _) = sessions::create(store, &user.id, SessionPolicy::default())?;
    audit::record(
        store,
        &AuditEvent {
            actor: &user.login,
            action: "login",
            detail: ip.map(|i| format!("from {i}")).unwrap_or_default(),
            ..Default::default()
        },
    )?;
    Ok(Attempt::Ok { token })
}

/// `POST /logout`.
pub async fn logout(req: HttpRequest, state: State, payload: web::Payload) -> Result<HttpResponse, WebError> {
    let Some(s) = current(&req) else {
        return Ok(see_other("/login"));
    };
    let f = read_form(&req, payload, 16 * 1024).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&req, &s));
    }
    let st = state.clone();
    let s2 = s.clone();
    web::block(move || -> Result<(), AuthError> {
        sessions::delete(&st.store, &s2.token)?;
        Ok(audit::record(
            &st.store,
            &AuditEvent {
                actor: &s2.user.login,
                action: "logout",
                ..Default::default()
            },
        )?)
    })
    .await??;
    let mut r = see_other("/login");
    let _ = r.add_cookie(&removal(&state, SESSION_COOKIE));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/admin/surveys/x")), "/admin/surveys/x");
        assert_eq!(safe_next(Some("https://evil.example/admin")), "/admin");
        assert_eq!(safe_next(Some("//evil.example/admin")), "/admin");
        assert_eq!(safe_next(Some("/admin//evil.example")), "/admin");
        assert_eq!(safe_next(Some("/results/transport")), "/results/transport");
        assert_eq!(safe_next(None), "/admin");
    }

    /// Every staff template renders in every catalog language with every branch taken (the `t` helper fails
    /// on a missing message or an argument that is not a number or a text).
    #[test]
    fn staff_templates_render_in_every_language() {
        let full = |lang: &str, alt: bool| {
            let mut page = json!({
                "lang": lang, "title": "T", "heading": "H", "text": "X", "slug": "s", "action": "open", "csrf": "c",
                "staff": {"login": "anna", "role": role_label(lang, Role::Admin), "is_admin": true, "is_sociologist": true, "csrf": "c"},
                "surveys": [{"title": "S", "slug": "s", "topic": "t", "status": "open", "status_label": status_label(lang, "open"),
                    "version": 2, "complete": 3, "partial": 1, "opens": "2026-01-01", "closes": "2026-02-01", "results_published": alt, "results_visible": alt}],
            });
            let workbench = json!({
                "page_title": "S", "status": "open", "status_label": status_label(lang, "open"), "version": 2,
                "results_published": alt, "complete": 21, "partial": 2, "screened_out": 5, "can_open": true, "can_close": true,
                "opens": "2026-01-01", "closes": null,
                "versions": [{"version": 1, "created_at": "2026-01-01 10:00", "source_name": "f.yaml", "current": true}],
                "officials": ["ivan"], "audit": [{"at": "x", "actor": "a", "action": "open", "survey_version": 1, "detail": "d"}],
                "problem_count": if alt { 1 } else { 22 },
                "problems": [{"file": "a.yaml", "line": 3, "question": "q1", "message": "m"}], "source": "",
                "label": "s version 2", "restart": "/r", "back": "/admin",
                "upload": {"id": "u", "is_new": alt, "next_version": 2, "existing_status_label": "open", "live_now": true,
                    "uploaded_by": "anna", "source_name": "f.yaml", "missing_translations": if alt { json!([]) } else { json!(["q1 en"]) }},
                "thank_you": if alt { json!(null) } else { json!("Thanks") },
                "answers": [{"id": "q1", "text": "Q", "answer": "1"}],
            });
            let monitor = json!({
                "survey_title": "S", "median_minutes": "3:05", "invitation_only": !alt,
                "o": {"invited": 9, "totals": {"opened": 5, "refused": 1, "partial": 1, "complete": 3, "screened_out": 1}, "excluded": 0, "completion_rate": 0.5, "breakoff_rate": 0.2, "rr1": 0.3, "rr2": 0.4, "channels": [{"channel": "vk", "opened": 5, "refused": 1, "partial": 1, "complete": 3, "screened_out": 1}], "quotas": if alt { json!([]) } else { json!([{"key": "q", "limit": 3, "completes": 3, "fill": 1.0, "near_full": true}]) }},
                "m": {"started": 5, "complete": 3, "partial": 1, "screened_out": 1, "completion_rate": 0.5,
                    "days": [{"date": "2026-01-01", "started": 5, "completed": 3}],
                    "weighting": {"method": "raking", "error": if alt { json!("too few") } else { json!(null) },
                        "deff": 1.2, "effective_n": 10.5, "weight_min": 0.5, "weight_max": 2.0},
                    "under_represented": [{"label": "men", "sample_share": 0.3, "population_share": 0.45, "n": 21}],
                    "representativeness": [{"label": "Sex", "variable": "sex", "categories": [
                        {"label": "men", "n": 3, "sample_share": 0.3, "population_share": 0.45, "gap": -0.15}]}]},
                "chart": {"width": 640.0, "height": 160.0, "max": 5.0, "first": "2026-01-01", "last": "2026-01-02",
                    "bars": [{"x": "1", "w": "1", "ys": "1", "hs": "1", "yc": "1", "hc": "1", "title": "t"}]},
                "pages": [{"p": {"position": 1, "page_id": "p1", "reached": 5, "stopped_here": 1, "drop_rate": 0.2}, "bar": "150", "label_x": "154", "label": "20%"}],
            });
            let admin = json!({
                "populations": [{"path": "populations/r.yaml", "name": "r", "title": "R", "source_note": "n", "total": 100.0,
                    "variables": ["sex"], "origin_label": "uploaded", "uploaded_by": "anna", "used_by": ["s v1"]}],
                "error": "e",
                "users": [{"login": "anna", "role_label": "admin", "disabled": alt, "created_at": "2026-01-01", "is_self": true,
                    "roles": [{"name": "admin", "label": "admin", "selected": true}]}],
                "roles": [{"name": "admin", "label": "admin"}], "min_password": if alt { 1 } else { 12 },
                "entries": [{"at": "x", "at_iso": "x", "actor": "a", "action": "Вход", "action_code": "login", "survey": "s", "version": 1, "detail": "d"}],
                "survey": "s", "actor": "a", "next": "/admin", "login": "anna",
                "message": "m",
            });
            for part in [workbench, monitor, admin] {
                if let (Some(p), serde_json::Value::Object(more)) = (page.as_object_mut(), part) {
                    p.extend(more);
                }
            }
            page
        };
        let templates = [
            "admin",
            "admin_audit",
            "admin_confirm",
            "admin_message",
            "admin_monitor",
            "admin_populations",
            "admin_preview_bar",
            "admin_preview_end",
            "admin_survey",
            "admin_upload",
            "admin_users",
            "login",
            "error",
        ];
        for lang in i18n::LANGUAGES {
            for alt in [false, true] {
                for t in templates {
                    if let Err(e) = pages::registry().render(t, &full(lang, alt)) {
                        panic!("{t} in {lang}: {e}");
                    }
                }
            }
        }
        let ru = pages::registry()
            .render("admin", &full("ru", false))
            .unwrap_or_default();
        assert!(ru.contains("Опросы") && ru.contains("Выйти"), "{ru}");
        let ru = pages::registry()
            .render("admin_upload", &full("ru", false))
            .unwrap_or_default();
        assert!(ru.contains("Найдено 22 ошибки — ничего не сохранено"), "{ru}");
        let en = pages::registry()
            .render("admin_upload", &full("en", false))
            .unwrap_or_default();
        assert!(en.contains("22 problem(s) found — nothing was stored"), "{en}");
    }

    #[test]
    fn roles_and_states_have_names_in_every_language() {
        for lang in i18n::LANGUAGES {
            for role in Role::ALL {
                assert!(!role_label(lang, role).starts_with("admin-"), "{lang}: {role}");
            }
            for status in ["draft", "open", "closed"] {
                assert!(!status_label(lang, status).starts_with("admin-"), "{lang}: {status}");
            }
        }
        assert_eq!(role_label("en", Role::Sociologist), "sociologist");
        assert_eq!(status_label("en", "closed"), "closed");
        assert_eq!(role_label("ru", Role::Admin), "администратор");
    }

    #[test]
    fn urlencode_keeps_paths_readable() {
        assert_eq!(urlencode("/admin/x?page=2&a=b c"), "/admin/x%3Fpage%3D2%26a%3Db%20c");
    }
}
